import type { LakeFormationClient, Resource } from '@aws-sdk/client-lakeformation';
import type { LfKind } from '../../../shared/lake-formation-kinds';
import type { AwsClients } from '../../kernel/clients';
import type { ObjectRef } from '../../kernel/object-ref';
import type { Scope } from '../../kernel/scope';
import type { ItemOf } from '../state';

/**
 * One Lake Formation kind's behaviour: how it is read, converged and narrowed to one object. Its data
 * (switch, phase, IAM actions, event names, state field) is its row in src/shared/lake-formation-kinds.ts,
 * and how its events name objects is in realtime/lake-formation-events.ts; converge.ts drives the modules in phase order and keeps the
 * rules for dry runs, prune, protected principals and reporting.
 */
export interface LfKindModule<K extends LfKind> {
  /** Kinds a read of this one lists too, when they are switched on. */
  readonly alsoReads?: readonly LfKind[];
  /** Lists the kind in one Region: the account's own objects in scope, as the writes take them. */
  read(r: KindReader): Promise<Array<ItemOf<K>>>;
  /**
   * Converges one target's objects of the kind to the source's. A kind others refer to (it has
   * `removeExtras`) only creates and updates here; the others also remove what the source lacks.
   */
  converge(c: KindConvergence<K>): Promise<void>;
  /** Removes what the source lacks, at the end of the after phase, once nothing that refers to it is left. */
  removeExtras?(c: KindConvergence<K>): Promise<void>;
  /** The objects one ref names among the kind's objects; in a target, `mapArn` maps a location to its bucket. */
  focus(items: ReadonlyArray<ItemOf<K>>, ref: RefOf<K>, mapArn?: (arn: string) => string): Array<ItemOf<K>>;
  /** Reads only what one ref names, for a kind that is not listed whole for one object (`focus` of the listing otherwise). */
  readOne?(r: KindReader, ref: RefOf<K>): Promise<Array<ItemOf<K>>>;
  /** Why the object a ref names cannot be converged on its own, if it cannot. */
  skipReason?(ref: RefOf<K>): string | undefined;
}

/** The ref that names one object of a kind. */
export type RefOf<K extends LfKind> = Extract<ObjectRef, { kind: K }>;

/** What a kind reads one Region with. */
export interface KindReader {
  readonly clients: AwsClients;
  readonly region: string;
  readonly lf: LakeFormationClient;
  readonly scope: Scope;
  /** The account's catalog id: objects of other catalogs are shares, not replicated. */
  readonly catalogId: string;
  /** Whether this read lists that kind too. */
  reads(kind: LfKind): boolean;
  /** A kind's listing, listed once per read whether or not the kind itself is read; rejects when the listing failed. */
  listed<L extends LfKind>(kind: L): Promise<Array<ItemOf<L>>>;
  /** The resource as a write takes it when it is in the account's own catalog and in scope; another catalog's is noted as foreign. */
  ownResource(kind: LfKind, resource: Resource | undefined): Resource | undefined;
  /** Whether a catalog id is the account's own; absent means it is. */
  ownCatalog(catalogId: string | undefined): boolean;
  /** Notes an object of another account's catalog, left out. */
  foreign(kind: LfKind, label: string): void;
}

export type Write = 'created' | 'updated' | 'deleted';

/** A write of many objects: how each is named and what it changes, and the call, which returns the objects that failed. */
export interface BatchWrite<T> {
  key(item: T): string;
  fields(item: T): string[];
  send(items: T[]): Promise<Array<{ readonly item: T; readonly error: string }>>;
}

/** What a kind converges one target with: both sides' objects, the target's client and the run's rules. */
export interface KindConvergence<K extends LfKind> {
  /** The source's objects, named as in the source (locations not yet mapped to the target's buckets). */
  readonly source: ReadonlyArray<ItemOf<K>>;
  /** The target's objects. */
  readonly actual: ReadonlyArray<ItemOf<K>>;
  readonly lf: LakeFormationClient;
  readonly region: string;
  /** The account's catalog id, the same in every Region. */
  readonly catalogId: string;
  /** Whether what the source lacks is looked at: prune removes it, verify lists it. */
  readonly checksExtras: boolean;
  /**
   * Reports one write and makes it, unless this is a dry run; a throw fails the object, except an idempotency
   * conflict: a create refused as existing makes `onExisting` (an update) when given, else counts unchanged; a
   * delete refused as gone counts deleted.
   */
  write(key: string, outcome: Write, action: () => Promise<unknown>, fields?: string[], onExisting?: () => Promise<unknown>): Promise<void>;
  /** Reports a write of many objects and makes it, unless this is a dry run. */
  writeAll<T>(outcome: Write, items: T[], batch: BatchWrite<T>): Promise<void>;
  /** Whether an object the source lacks may be removed: with prune, never a protected principal's. Verify lists it, sync warns. */
  mayRemove(key: string, principal?: string): boolean;
  /** Whether a principal's permissions are never revoked. */
  isProtected(principal: string): boolean;
  /** Counts objects that are as they should be. */
  unchanged(n?: number): void;
  /** A location ARN mapped to the target's bucket; an unmapped bucket is reported, naming `objectKey`. */
  mapArn(arn: string, objectKey: string): string;
  /** The resource with its location mapped to the target's bucket. */
  mapResource(resource: Resource): Resource;
}
