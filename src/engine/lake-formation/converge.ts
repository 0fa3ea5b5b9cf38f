import { GetDataLakeSettingsCommand, LakeFormationClient, type Resource } from '@aws-sdk/client-lakeformation';
import { KIND_MODULES } from './kinds';
import type { BatchWrite, KindConvergence, Write } from './kinds/kind';
import { isProtected, withPrincipals, type ProtectedPrincipals } from './protected-principals';
import { inTargetRegion, mapResource, resourceLabel } from './shapes';
import { readLakeFormation, kindsToRead } from './source';
import { kindItems, type ItemOf, type LakeFormationState } from './state';
import type { BucketMapping } from '../../shared/bucket-mapping';
import { BucketMapper } from '../../shared/bucket-mapping';
import { LAKE_FORMATION_KINDS, LF_KINDS, type LfKind } from '../../shared/lake-formation-kinds';
import { AwsClients } from '../kernel/clients';
import { errorMessage, isAlreadyExists, isNotFound } from '../kernel/errors';
import { differenceOf, type ReportBuilder } from '../kernel/report';
import { Scope } from '../kernel/scope';

export type LfPhase = 'before' | 'after';

/** The kinds of one phase, in the order they are applied. */
export function kindsOf(phase: LfPhase): LfKind[] {
  return LF_KINDS.filter(k => LAKE_FORMATION_KINDS[k].phase === phase);
}

/**
 * The before kinds whose extras the after phase removes, in the order it removes them: a kind after
 * those that refer to it (an expression goes before the tags it names).
 */
function removalOrder(): LfKind[] {
  const removable = kindsOf('before').filter(k => KIND_MODULES[k].removeExtras);
  const out: LfKind[] = [];
  const visit = (kind: LfKind): void => {
    if (out.includes(kind)) return;
    for (const other of removable) if (LAKE_FORMATION_KINDS[other].refersTo.includes(kind)) visit(other);
    out.push(kind);
  };
  removable.forEach(visit);
  return out;
}

export const REMOVAL_ORDER = removalOrder();

/**
 * The kinds one phase reads: its own, and in the after phase the before kinds whose extras it deletes
 * (prune) or reports (verify).
 */
export function phaseKinds(phase: LfPhase, enabled: readonly LfKind[], withExtras: boolean): LfKind[] {
  const own = kindsOf(phase);
  const extras: readonly LfKind[] = phase === 'after' && withExtras ? REMOVAL_ORDER : [];
  return enabled.filter(k => own.includes(k) || extras.includes(k));
}

export interface ConvergeLakeFormationOptions {
  readonly mode: 'plan' | 'sync' | 'verify' | 'restore';
  readonly clients: AwsClients;
  readonly targetRegions: readonly string[];
  readonly scope: Scope;
  /** The kinds switched on. */
  readonly kinds: readonly LfKind[];
  readonly bucketMappings: readonly BucketMapping[];
  /** Revoke and delete what the source no longer has (never for protected principals). */
  readonly prune: boolean;
  readonly protectedPrincipals: ProtectedPrincipals;
  /** The account's catalog id: the same in every Region. */
  readonly catalogId: string;
  readonly report: ReportBuilder;
}

/**
 * Converges each target's Lake Formation state to the source's, for one phase. `before` runs ahead
 * of the Glue objects (settings, LF-tags, expressions, locations: creates and updates only); `after`
 * runs once they exist (filters, opt-ins, tag assignments, grants), then, with prune, revokes and
 * deletes, tags and locations last because grants and assignments refer to them.
 */
export async function convergeLakeFormation(source: LakeFormationState, phase: LfPhase, o: ConvergeLakeFormationOptions): Promise<void> {
  for (const region of o.targetRegions) await new TargetConvergence(region, o).run(source, phase);
}

/**
 * Converges one target from its state read beforehand, both phases at once, for the kinds both
 * states hold: the near-real-time applier's path, which reads only the objects an event touched.
 */
export async function convergeTargetState(
  source: LakeFormationState, actual: LakeFormationState, region: string, o: ConvergeLakeFormationOptions,
): Promise<void> {
  await new TargetConvergence(region, o).runOn(source, actual);
}

/** Deletes with prune; verify lists what would be deleted. */
export function checksExtras(o: Pick<ConvergeLakeFormationOptions, 'prune' | 'mode'>): boolean {
  return o.prune || o.mode === 'verify';
}

/**
 * One target's convergence: the phase order, and the rules for dry runs, prune, protected principals and
 * reporting. `run` and `runOn` converge whole states; the job's resumable phases (`phase-steps.ts`) give
 * it one kind's objects at a time with `convergeItems` and `removeItems`.
 */
export class TargetConvergence {
  private readonly lf: LakeFormationClient;
  private readonly mapper: BucketMapper;
  private readonly dryRun: boolean;
  private readonly unreadable = new Set<LfKind>();
  private protected: ProtectedPrincipals;
  private prune: boolean;

  constructor(readonly region: string, private readonly o: ConvergeLakeFormationOptions) {
    this.lf = o.clients.get(LakeFormationClient, region);
    this.mapper = new BucketMapper(o.bucketMappings, region);
    this.dryRun = o.mode === 'plan' || o.mode === 'verify';
    this.protected = o.protectedPrincipals;
    this.prune = o.prune;
  }

  private get checksExtras(): boolean {
    return checksExtras({ prune: this.prune, mode: this.o.mode });
  }

  async run(source: LakeFormationState, phase: LfPhase): Promise<void> {
    const kinds = phaseKinds(phase, this.o.kinds, this.checksExtras);
    if (kinds.length === 0) return;
    const actual = await readLakeFormation({
      clients: this.o.clients,
      region: this.region,
      scope: this.o.scope,
      kinds: kindsToRead(kinds, this.o.kinds),
      catalogId: this.o.catalogId,
      onReadError: (kind, error) => this.readFailed(kind, error),
    });
    await this.apply(phase, source, actual, kinds.filter(k => !this.unreadable.has(k)));
  }

  /** Both phases against a target state read beforehand: the near-real-time applier reads only what an event touched. */
  async runOn(source: LakeFormationState, actual: LakeFormationState): Promise<void> {
    const kinds = this.o.kinds.filter(k => actual.kinds.includes(k));
    await this.apply('before', source, actual, kinds);
    await this.apply('after', source, actual, kinds);
  }

  /** Reading the target's state of a kind failed: nothing of it is changed here. Reported once a kind. */
  readFailed(kind: LfKind, error: string): void {
    if (this.unreadable.has(kind)) return;
    this.unreadable.add(kind);
    this.o.report.fail({ kind, key: '*', target: this.region, error: `reading the target's ${kind} state failed, nothing of this kind was changed there: ${error}` });
  }

  /**
   * The target's own data lake admins join the protected principals, before anything is revoked (verify
   * too: what prune would never revoke is no drift either). When they cannot be read, nothing is revoked
   * or deleted in this target.
   */
  async guardAdmins(): Promise<void> {
    try {
      this.protected = withPrincipals(this.protected, await targetAdmins(this.o.clients, this.region));
    } catch (error) {
      this.fail('permission', '*', `reading the target's data lake admins failed, so nothing was revoked or deleted there: ${errorMessage(error)}`);
      this.prune = false;
    }
  }

  /** Converges these objects of a kind: the source's, and the target's at the same positions. */
  async convergeItems<K extends LfKind>(kind: K, source: ReadonlyArray<ItemOf<K>>, actual: ReadonlyArray<ItemOf<K>>): Promise<void> {
    await KIND_MODULES[kind].converge(this.convergence(kind, source, actual));
  }

  /** Removes what the source lacks of a kind others refer to, once nothing that refers to it is left. */
  async removeItems<K extends LfKind>(kind: K, source: ReadonlyArray<ItemOf<K>>, actual: ReadonlyArray<ItemOf<K>>): Promise<void> {
    await KIND_MODULES[kind].removeExtras?.(this.convergence(kind, source, actual));
  }

  private async apply(phase: LfPhase, source: LakeFormationState, actual: LakeFormationState, kinds: readonly LfKind[]): Promise<void> {
    const ready = kindsOf(phase).filter(kind => kinds.includes(kind) && source.kinds.includes(kind));
    if (phase === 'after' && this.checksExtras) await this.guardAdmins();
    for (const kind of ready) await this.convergeItems(kind, kindItems(source, kind), kindItems(actual, kind));
    if (phase === 'before' || !this.checksExtras) return;
    for (const kind of REMOVAL_ORDER) {
      if (kinds.includes(kind) && source.kinds.includes(kind)) await this.removeItems(kind, kindItems(source, kind), kindItems(actual, kind));
    }
  }

  /** What one kind converges with: its objects on both sides, and this target's rules. */
  private convergence<K extends LfKind>(kind: K, source: ReadonlyArray<ItemOf<K>>, actual: ReadonlyArray<ItemOf<K>>): KindConvergence<K> {
    return {
      source,
      actual,
      lf: this.lf,
      region: this.region,
      catalogId: this.o.catalogId,
      checksExtras: this.checksExtras,
      write: (key, outcome, action, fields, onExisting) => this.write(kind, key, outcome, action, fields, onExisting),
      writeAll: (outcome, items, batch) => this.writeAll(kind, outcome, items, batch),
      mayRemove: (key, principal) => this.mayRemove(kind, key, principal),
      isProtected: principal => isProtected(this.protected, principal),
      unchanged: (n = 1) => this.o.report.count(kind, 'unchanged', n),
      mapArn: (arn, objectKey) => this.mapArn(arn, objectKey),
      mapResource: resource => this.mapResource(resource),
    };
  }

  private mapArn(arn: string, objectKey: string): string {
    const mapped = this.mapper.mapArn(inTargetRegion(arn, this.region));
    if (mapped.unmappedBucket) this.o.report.unmappedBucket(this.region, mapped.unmappedBucket, objectKey);
    return mapped.uri;
  }

  private mapResource(resource: Resource): Resource {
    return mapResource(resource, arn => this.mapArn(arn, resourceLabel(resource)));
  }

  /** Only with prune, and never for a protected principal; verify lists it as drift. */
  private mayRemove(kind: LfKind, key: string, principal?: string): boolean {
    if (principal !== undefined && isProtected(this.protected, principal)) return false;
    if (this.prune) return true;
    if (this.o.mode === 'verify') this.o.report.differ({ kind, key, target: this.region, difference: 'extra' });
    else this.o.report.warnOnce(`${this.region} has ${kind} state the source does not have (e.g. ${key}); it was kept. Run with --prune to remove it.`);
    return false;
  }

  private async write(
    kind: LfKind, key: string, outcome: Write, action: () => Promise<unknown>, fields?: string[], onExisting?: () => Promise<unknown>,
  ): Promise<void> {
    this.differ(kind, key, outcome, fields);
    if (this.dryRun) {
      this.o.report.count(kind, outcome);
      return;
    }
    try {
      await action();
      this.o.report.count(kind, outcome);
    } catch (error) {
      // Our own retried call whose first answer was lost, or another writer: the goal may be met already.
      if (outcome === 'created' && isAlreadyExists(error)) {
        if (!onExisting) {
          this.o.report.count(kind, 'unchanged');
          return;
        }
        try {
          await onExisting();
          this.o.report.count(kind, 'updated');
        } catch (again) {
          this.fail(kind, key, errorMessage(again));
        }
      } else if (outcome === 'deleted' && isNotFound(error)) {
        this.o.report.count(kind, 'deleted');
      } else {
        this.fail(kind, key, errorMessage(error));
      }
    }
  }

  private async writeAll<T>(kind: LfKind, outcome: Write, items: T[], batch: BatchWrite<T>): Promise<void> {
    if (items.length === 0) return;
    for (const item of items) this.differ(kind, batch.key(item), outcome, batch.fields(item));
    if (this.dryRun) {
      this.o.report.count(kind, outcome, items.length);
      return;
    }
    const failed = await batch.send(items);
    this.o.report.count(kind, outcome, items.length - failed.length);
    for (const { item, error } of failed) this.fail(kind, batch.key(item), error);
  }

  private differ(kind: LfKind, key: string, outcome: Write, fields?: string[]): void {
    this.o.report.differ({ kind, key, target: this.region, difference: differenceOf(outcome), fields });
  }

  private fail(kind: LfKind, key: string, error: string): void {
    this.o.report.fail({ kind, key, target: this.region, error });
  }
}

/** The target's current data lake admins: protected from revokes. */
async function targetAdmins(clients: AwsClients, region: string): Promise<string[]> {
  const { DataLakeSettings: s = {} } = await clients.get(LakeFormationClient, region).send(new GetDataLakeSettingsCommand({}));
  return [...s.DataLakeAdmins ?? [], ...s.ReadOnlyAdmins ?? []].map(p => p.DataLakePrincipalIdentifier!).filter(Boolean);
}
