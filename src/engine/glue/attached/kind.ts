import type { CreateTableRequest, GlueClient, TableInput } from '@aws-sdk/client-glue';
import type { EntryError } from '../entry-error';
import type { ReplicaContext } from '../shapes';

/** The database, or the table, that attached objects hang off; `CATALOG_OWNER` for the account's catalog itself. */
export interface Owner {
  readonly database: string;
  readonly table?: string;
  /** For the catalog's own objects: the account's catalog id (the default catalog's CatalogId). */
  readonly catalogId?: string;
}

/** The owner of the kinds whose owner is `catalog` (connections, catalogs): no database. */
export const CATALOG_OWNER: Owner = { database: '' };

/** The report key of the catalog-owned objects' owner: `catalog/NAME`. */
export const CATALOG_OWNER_KEY = 'catalog';

/** One object as a Region holds it, in the write shape, with what Glue says is wrong with it, if anything. */
export interface AttachedRead<T> {
  readonly item: T;
  /** e.g. an index whose backfill failed: reported as a failure of the object in that target. */
  readonly problem?: string;
}

export type AttachedWrite = 'created' | 'updated' | 'deleted';

/** One page of a paged kind's objects in the source, and how to read the same objects in a target. */
export interface AttachedPage<T> {
  readonly items: readonly T[];
  /** The live source's token of the page after this one, to go on from in a later invocation; none on the last. */
  readonly next?: string;
  /**
   * The target's objects the page covers (e.g. its partitions' statistics there): what the page is compared with.
   * With `extras` false (no prune, no verify) only those the page's items could match need be read.
   */
  read(glue: GlueClient, extras: boolean): Promise<Array<AttachedRead<T>>>;
}

/**
 * One attached kind's behaviour: how its objects are read, named, turned into their replica and written. Its data
 * (switch, owner, IAM actions, events, snapshot field) is its row in src/shared/attached-kinds.ts; `converge.ts`
 * holds the one decision (create, update, unchanged, extra) and the rules for dry runs, prune and reporting.
 */
export interface AttachedKindModule<T extends object> {
  /** Converged after the table's partitions (what names partitions); by default right after its owner, before them. */
  readonly afterPartitions?: boolean;
  /** Whether a table carries the kind (e.g. only partitioned tables have indexes); every owner when absent. */
  appliesTo?(table: TableInput): boolean;
  /**
   * Optional: a kind too big to hold one owner's objects at once (partition statistics of a table with millions of
   * partitions). The live source is then read page by page, and each page is converged through the same decision
   * before the next one is read; an object only the target has counts as extra only within a page's scope.
   */
  pages?(glue: GlueClient, owner: Owner, table: TableInput, from?: string): AsyncIterable<AttachedPage<T>>;
  /** The owner's objects in one Region. A missing owner has none. */
  read(glue: GlueClient, owner: Owner, table?: TableInput): Promise<Array<AttachedRead<T>>>;
  /** An object's name within its owner. */
  key(item: T): string;
  /** The replica of a source object in one target Region (buckets and roles mapped, schedules paused, optimizers off). */
  replica(item: T, ctx: ReplicaContext): T;
  /** Members a CreateTable call takes so a new table gets its objects with it; they then count created. */
  withTable?(items: readonly T[]): Partial<CreateTableRequest>;
  /**
   * The object as a promoted DR Region runs it (`lake-replica promote`): what `replica` paused or disabled, switched
   * back on as the source ran it (`source`, when a snapshot says; else as the replica was made from). Absent: the
   * kind runs the same replicated and promoted.
   */
  promoted?(replica: T, source: T | undefined): T;
  /**
   * An object the kind reads but leaves to another replication (S3 Tables catalogs): never written nor deleted in any
   * target, named once in the run's warnings with the returned note. Absent: every object is replicated.
   */
  excluded?(item: T): string | undefined;
  /**
   * What the target lacks to replicate this object (a connection's secret and network settings, which are
   * Region-specific): the object is a failure in that target and is not written; the target's copy is left alone.
   */
  needs?(item: T, ctx: ReplicaContext): string | undefined;
  /** Writes objects of one owner; returns those that failed, with the service's error code (idempotency conflicts are settled). */
  write(glue: GlueClient, owner: Owner, outcome: AttachedWrite, items: readonly T[]): Promise<Array<EntryError<string>>>;
}
