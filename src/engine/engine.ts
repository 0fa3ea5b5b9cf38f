import { GlueClient } from '@aws-sdk/client-glue';
import { convergeDatabase, convergeGlue, pruneDatabases, GLUE_KINDS, glueObjectConverger } from './glue';
import { LiveCatalogSource, type CatalogSource } from './glue';
import { ATTACHED_KIND_NAMES, ATTACHED_KINDS, type AttachedKind } from '../shared/attached-kinds';
import type { BucketMapping } from '../shared/bucket-mapping';
import type { ConnectionMapping } from '../shared/connection-mapping';
import type { JobSettings, RunOptions } from '../shared/job-settings';
import type { RoleMapping } from '../shared/role-mapping';
import type { AwsClients } from './kernel/clients';
import { errorMessage } from './kernel/errors';
import { callerIdentity } from './kernel/identity';
import { GLUE_REF_KINDS, refKey, type ObjectConverger, type ObjectOutcome, type ObjectRef } from './kernel/object-ref';
import { mergeInto, ReportBuilder, type Counts, type Mode, type Report } from './kernel/report';
import type { Cursor, Deadline, LakeFormationProgress } from './kernel/resume';
import { Scope, type ScopeConfig } from './kernel/scope';
import {
  convergeLakeFormation, convergePhaseSteps, guardedPrincipals, LF_KINDS, kindsToRead, lakeFormationObjectConverger, phaseKinds,
  readSourceLakeFormation, type ConvergeLakeFormationOptions, type LakeFormationConfig, type LakeFormationState, type LfPhase,
  type ProtectedPrincipals,
} from './lake-formation';
import { promotedMark, PromotedRegionRefused } from './promote/mark';
import {
  LineWriter, lakeFormationRecords, writeCatalogPart, writeSnapshotPart, SnapshotPins, SnapshotRefused, SnapshotSource, validateSnapshot,
  writeSnapshot, type SnapshotPartResult,
} from './snapshot';

/**
 * Everything the engine is built from: the CLI parses it from its arguments, the job's handlers from the
 * construct's settings and the run's options, the applier from the construct's settings.
 */
export interface EngineSettings {
  readonly mode: Mode;
  /** Required except for restore, where the snapshot names it. */
  readonly sourceRegion?: string;
  readonly targetRegions: readonly string[];
  readonly scope: ScopeConfig;
  readonly bucketMappings: readonly BucketMapping[];
  /**
   * Roles named by replicated objects (table optimizers, statistics tasks, catalogs) that a target names otherwise.
   * @default none: every role is kept (IAM is global)
   */
  readonly roleMappings?: readonly RoleMapping[];
  /**
   * Each Glue connection's secret and network settings per target Region. A connection that names a secret or
   * network settings is replicated into a target only with its mapping there; otherwise it is a failure.
   * @default none
   */
  readonly connectionMappings?: readonly ConnectionMapping[];
  /** Delete (and revoke) what the source no longer has, inside the scope; never for protected principals. */
  readonly prune: boolean;
  /** Tables converged at once. */
  readonly concurrency: number;
  /** What of Lake Formation is replicated; none when left out. */
  readonly lakeFormation?: LakeFormationConfig;
  /** snapshot: where to write; restore: where to read. */
  readonly snapshotLocation?: string;
  /** The Region of the S3 bucket snapshots are read from and written to, when it is not the source's. */
  readonly snapshotRegion?: string;
  /**
   * Rewrite Iceberg tables' metadata chains into the target buckets, so a replica reads the target Region
   * alone (docs/iceberg.md). Off, each Iceberg replica is reported as still depending on the source.
   * @default true
   */
  readonly icebergMetadata?: boolean;
  /**
   * verify: also check that each replicated Hive table's and partition's location has objects in the
   * target Region (one listing of each table's prefix).
   * @default false
   */
  readonly storageCheck?: boolean;
  /**
   * The objects attached to tables and databases that are replicated with them (partition indexes, ...).
   * @default all of them
   */
  readonly attachedKinds?: readonly AttachedKind[];
  /**
   * What a writing run does with a target that `lake-replica promote` marked: `refuse` the whole run before any
   * write (the CLI and the job: one command, one answer), or `skip` that target, its objects SKIPPED with the
   * reason, while the other targets converge (the near-real-time applier: one promoted Region must not hold up
   * the events of the others, nor be retried for ever; a target whose mark cannot be read gets its objects FAILED,
   * retried). An engine built with skip converges named objects only (`convergeObjects`).
   * @default 'refuse'
   */
  readonly promotedTargets?: 'refuse' | 'skip';
}

/**
 * The engine's settings for a deployed construct: its settings (`LAKE_REPLICA_SETTINGS`), narrowed by one
 * run's options. The near-real-time applier converges with prune on: an object the source no longer has
 * is deleted, inside the scope only.
 */
export function deployedEngineSettings(settings: JobSettings, options: RunOptions, snapshotRegion?: string): EngineSettings {
  return {
    mode: options.dryRun ? 'plan' : 'sync',
    sourceRegion: settings.sourceRegion,
    targetRegions: settings.targetRegions,
    scope: { databases: options.databases, excludeDatabases: options.excludeDatabases },
    bucketMappings: settings.bucketMappings,
    roleMappings: settings.roleMappings,
    connectionMappings: settings.connectionMappings,
    prune: options.prune,
    concurrency: settings.tableConcurrency,
    lakeFormation: {
      kinds: LF_KINDS.filter(k => (settings.lakeFormationKinds ?? []).includes(k)),
      protectedPrincipals: settings.protectedPrincipals ?? [],
    },
    snapshotRegion,
    icebergMetadata: settings.icebergMetadata ?? true,
    attachedKinds: ATTACHED_KIND_NAMES.filter(k => settings.attachedKinds?.includes(k) ?? true),
  };
}

export interface OnProgress {
  (counts: Readonly<Record<string, Counts | number>>, current: string): void;
}

/** Refs of kinds no converger is wired for, e.g. Lake Formation refs with Lake Formation switched off. */
export const LAKE_FORMATION_OFF = 'Lake Formation replication is switched off';

/**
 * The composition root: built once from one settings object, it holds the scope, the source (live, or
 * a snapshot for restore), the Lake Formation kinds and protected principals, and offers exactly what
 * the entry points need. Every method drives the same converge modules (Glue, Lake Formation).
 */
export class ReplicationEngine {
  /**
   * Builds the engine. A restore first reads the whole snapshot once and checks it (its header bounds
   * the scope); a snapshot with any problem is refused here, before anything is written.
   */
  static async create(settings: EngineSettings, clients: AwsClients): Promise<ReplicationEngine> {
    let scope = new Scope(settings.scope);
    if (settings.mode !== 'restore') {
      const held = settings.mode === 'sync' ? await heldTargets(settings, clients) : new Map<string, ObjectOutcome>();
      return new ReplicationEngine(settings, clients, scope, new LiveCatalogSource(clients, settings.sourceRegion!, scope), held);
    }
    const location = settings.snapshotLocation!;
    const region = settings.targetRegions[0];
    // The restore reads the same bytes again: a file changed since it was checked is refused.
    const pins = new SnapshotPins();
    // The snapshot is checked first: a broken one is refused before any call to the targets.
    const header = await validateSnapshot(location, clients, region, pins);
    const held = await heldTargets(settings, clients);
    // A restore never reaches outside what the snapshot covers: prune included.
    scope = new Scope(settings.scope, new Scope(header.scope));
    const snapshot = new SnapshotSource(location, clients, scope, region, pins);
    await snapshot.open();
    return new ReplicationEngine(settings, clients, scope, snapshot, held);
  }

  /**
   * The report of a run that stopped with an error before it could report: its reason in `error`,
   * and, for a refused snapshot, as a `snapshot` failure too. `apiCalls` are those the run made.
   */
  static failedRun(settings: EngineSettings, error: unknown, apiCalls: Record<string, number>): Report {
    const snapshot = settings.mode === 'snapshot';
    const builder = new ReportBuilder({
      mode: settings.mode,
      source: settings.mode === 'restore' ? { region: '', snapshot: settings.snapshotLocation } : { region: settings.sourceRegion ?? '' },
      targets: snapshot ? [] : [...settings.targetRegions],
      scope: new Scope(settings.scope).toJSON(),
      prune: !snapshot && settings.prune,
      dryRun: settings.mode === 'plan' || settings.mode === 'verify',
    }, snapshot ? [] : [...GLUE_KINDS, ...settings.lakeFormation?.kinds ?? []]);
    if (error instanceof SnapshotRefused) {
      builder.fail({ kind: 'snapshot', key: error.location, error: `${error.message}; the snapshot was refused before anything was written to any target` });
    }
    const report = builder.finish(apiCalls);
    report.error = errorMessage(error);
    if (report.differences) report.inSync = false;
    return report;
  }

  private readonly lakeFormation: LakeFormationConfig;
  private guarded?: Promise<ProtectedPrincipals>;
  private lakeFormationObjectsConverger?: ObjectConverger;

  private constructor(
    private readonly settings: EngineSettings,
    private readonly clients: AwsClients,
    readonly scope: Scope,
    private readonly source: CatalogSource,
    /**
     * With `promotedTargets` skip, the targets nothing converges into, and the outcome each of their objects gets:
     * SKIPPED where `lake-replica promote` marked it, FAILED where the mark could not be read (otherwise create refused).
     */
    private readonly held: ReadonlyMap<string, ObjectOutcome>,
  ) {
    this.lakeFormation = settings.lakeFormation ?? { kinds: [], protectedPrincipals: [] };
  }

  /** Every path but `convergeObjects` converges whole targets, which a `promotedTargets` skip engine never does. */
  private wholeTargetsOnly(): void {
    if (this.settings.promotedTargets === 'skip') {
      throw new Error('an engine built with promotedTargets "skip" converges named objects only (convergeObjects): build one with "refuse" for whole targets');
    }
  }

  private get dryRun(): boolean {
    return this.settings.mode === 'plan' || this.settings.mode === 'verify';
  }

  private get convergeMode(): Exclude<Mode, 'snapshot'> {
    return this.settings.mode as Exclude<Mode, 'snapshot'>;
  }

  /** A whole run, as the CLI makes it: snapshot, or Lake Formation before, the Glue objects, then Lake Formation after. */
  async run(onProgress?: OnProgress): Promise<Report> {
    const started = Date.now();
    if (this.settings.mode === 'snapshot') return this.snapshot(onProgress);
    const lfReport = this.newReport(this.lakeFormation.kinds, { region: this.settings.sourceRegion ?? '' });
    let state: LakeFormationState | undefined = this.settings.mode === 'restore'
      ? await this.restoredState(lfReport)
      : await this.readLive('before', lfReport);
    await this.convergeLakeFormationPhase(state, 'before', lfReport, onProgress);
    const report = await convergeGlue({ ...this.glueOptions(this.settings.targetRegions), onProgress });
    // A live source is read again: what changed there during the Glue pass, a grant included, is not revoked.
    if (this.settings.mode !== 'restore') state = await this.readLive('after', lfReport);
    await this.convergeLakeFormationPhase(state, 'after', lfReport, onProgress);
    mergeInto(report, lfReport.finish({}));
    report.apiCalls = Object.fromEntries(Object.entries(this.clients.apiCalls).sort(([a], [b]) => a.localeCompare(b)));
    report.durationMs = Date.now() - started;
    if (report.differences) report.inSync = report.differences.length === 0 && report.failures.length === 0;
    return report;
  }

  /** The source's databases in scope, by name, and its catalog id: what a job run covers. */
  async listDatabases(): Promise<{ catalogId: string; databases: string[] }> {
    const databases: string[] = [];
    for await (const db of this.source.databases()) databases.push(db.input.Name!);
    return { catalogId: await this.source.catalogId(), databases };
  }

  /** One database into one target, within a deadline; the report's `continuation` says where the next invocation goes on. */
  convergeDatabase(database: string, targetRegion: string, cursor: Cursor | undefined, deadline: Deadline): Promise<Report> {
    return convergeDatabase({ ...this.glueOptions([targetRegion]), database, cursor, deadline });
  }

  /** Deletes (with prune) or reports the targets' databases in scope that are not among `sourceDatabases`. */
  pruneDatabases(sourceDatabases: ReadonlySet<string>): Promise<Report> {
    return pruneDatabases(this.glueOptions(this.settings.targetRegions), sourceDatabases);
  }

  /**
   * One Lake Formation phase into every target, within a deadline: the report's `continuation` says where
   * the next invocation goes on (`progress` is the previous one's). With `snapshotTo`, the source's state
   * read in this invocation is also written there, as one part of the run's snapshot: the first invocation
   * writes every listed kind, each later one the tag assignments it read.
   */
  async lakeFormationPhase(
    phase: LfPhase, progress: LakeFormationProgress | undefined, deadline: Deadline, snapshotTo?: string,
  ): Promise<Report> {
    const report = this.newReport(this.lakeFormation.kinds, { region: this.settings.sourceRegion! });
    const out = snapshotTo ? new LineWriter(snapshotTo, this.clients, this.snapshotRegion) : undefined;
    let items = 0;
    const steps = async () => convergePhaseSteps({
      ...await this.lakeFormationOptions(report),
      phase,
      sourceRegion: this.settings.sourceRegion!,
      progress,
      deadline,
      snapshot: out && ((state) => {
        for (const record of lakeFormationRecords(state)) {
          out.write(record);
          items += record.items.length;
        }
      }),
    });
    const result = out ? await out.publish(steps) : await steps();
    const finished = report.finish(this.clients.apiCalls);
    if (out) {
      finished.snapshot = {
        location: snapshotTo!,
        format: 'lake-replica-snapshot-part',
        version: 1,
        databases: 0,
        tables: 0,
        partitions: 0,
        lakeFormation: items,
        lakeFormationKinds: result.snapshotKinds,
      };
    }
    if (result.progress) finished.continuation = { lakeFormation: result.progress };
    return finished;
  }

  /** One database's records as one part of a run's snapshot, within a deadline. */
  snapshotPart(database: string, location: string, cursor: Cursor | undefined, deadline: Deadline): Promise<Report> {
    return this.writePart(location, out => writeSnapshotPart(this.source.lookups!, database, out, cursor, deadline, this.attachedKinds));
  }

  /** The objects the account's catalog owns (connections, catalogs) as one part of a run's snapshot; none without those kinds. */
  async snapshotCatalogPart(location: string): Promise<Report | undefined> {
    if (!this.attachedKinds.some(k => ATTACHED_KINDS[k].owner === 'catalog')) return undefined;
    return this.writePart(location, out => writeCatalogPart(this.source, out, this.attachedKinds));
  }

  private async writePart(location: string, write: (out: LineWriter) => Promise<SnapshotPartResult>): Promise<Report> {
    const builder = this.newReport([], { region: this.settings.sourceRegion! }, { mode: 'snapshot', targets: [], prune: false });
    const out = new LineWriter(location, this.clients, this.snapshotRegion);
    const part = await out.publish(() => write(out));
    const report = builder.finish(this.clients.apiCalls);
    report.snapshot = { location, format: 'lake-replica-snapshot-part', version: 1, ...part.totals };
    report.continuation = part.continuation;
    return report;
  }

  /**
   * Converges named objects in one target, from the source's current state: the near-real-time path.
   * Glue refs go to the Glue converger, the others to Lake Formation's (SKIPPED when it is switched off).
   */
  readonly convergeObjects: ObjectConverger = async (refs, region) => {
    const held = this.held.get(region);
    if (held) return new Map(refs.map(ref => [refKey(ref), held]));
    return convergeByKind(refs, region, {
      glue: glueObjectConverger({
        clients: this.clients,
        source: this.source as LiveCatalogSource,
        scope: this.scope,
        bucketMappings: this.settings.bucketMappings,
        roleMappings: this.settings.roleMappings,
        connectionMappings: this.settings.connectionMappings,
        icebergMetadata: this.settings.icebergMetadata,
        attachedKinds: this.attachedKinds,
      }),
      lakeFormation: this.lakeFormation.kinds.length === 0 ? undefined : this.lakeFormationObjects(),
    });
  };

  private lakeFormationObjects(): ObjectConverger {
    this.lakeFormationObjectsConverger ??= lakeFormationObjectConverger({
      clients: this.clients,
      sourceRegion: this.settings.sourceRegion!,
      scope: this.scope,
      kinds: this.lakeFormation.kinds,
      bucketMappings: this.settings.bucketMappings,
      protectedPrincipals: this.lakeFormation.protectedPrincipals,
    });
    return this.lakeFormationObjectsConverger;
  }

  private async snapshot(onProgress?: OnProgress): Promise<Report> {
    const report = this.newReport([], { region: this.source.region }, { mode: 'snapshot', targets: [], prune: false });
    const kinds = this.lakeFormation.kinds;
    const state = kinds.length === 0 ? undefined
      : await readSourceLakeFormation(this.clients, this.source.region, this.scope, kinds, await this.source.catalogId(), report);
    return writeSnapshot({
      source: this.source,
      scope: this.scope,
      location: this.settings.snapshotLocation!,
      clients: this.clients,
      lakeFormation: state,
      attachedKinds: this.attachedKinds,
      report,
      onProgress: t => onProgress?.({ ...t }, ''),
    });
  }

  /** The live source's state of one phase's kinds, read when the phase starts: the Glue pass can take hours. */
  private async readLive(phase: LfPhase, report: ReportBuilder): Promise<LakeFormationState | undefined> {
    const enabled = this.lakeFormation.kinds;
    const kinds = phaseKinds(phase, enabled, this.settings.prune || this.settings.mode === 'verify');
    if (kinds.length === 0) return undefined;
    const catalogId = await this.source.catalogId();
    return readSourceLakeFormation(this.clients, this.settings.sourceRegion!, this.scope, kindsToRead(kinds, enabled), catalogId, report);
  }

  /** The snapshot's Lake Formation state, narrowed to the kinds asked for. */
  private async restoredState(report: ReportBuilder): Promise<LakeFormationState | undefined> {
    const enabled = this.lakeFormation.kinds;
    if (enabled.length === 0) return undefined;
    const state = await (this.source as SnapshotSource).lakeFormation();
    if (!state) {
      report.warnOnce('the snapshot holds no Lake Formation state (it was written by an older version, or with Lake Formation skipped); only the Glue Data Catalog was restored');
      return undefined;
    }
    for (const kind of enabled.filter(k => !state.kinds.includes(k))) {
      report.warnOnce(`the snapshot holds no ${kind} state (it was skipped or failed to read when the snapshot was taken); it was not restored`);
    }
    return { ...state, kinds: state.kinds.filter(k => enabled.includes(k)) };
  }

  private async convergeLakeFormationPhase(
    state: LakeFormationState | undefined, phase: LfPhase, report: ReportBuilder, onProgress?: OnProgress,
  ): Promise<void> {
    if (!state) return;
    onProgress?.(report.report.counts, `Lake Formation (${phase} the Glue objects)`);
    await convergeLakeFormation(state, phase, await this.lakeFormationOptions(report));
  }

  private async lakeFormationOptions(report: ReportBuilder): Promise<ConvergeLakeFormationOptions> {
    this.wholeTargetsOnly();
    return {
      mode: this.convergeMode,
      clients: this.clients,
      targetRegions: this.settings.targetRegions,
      scope: this.scope,
      kinds: this.lakeFormation.kinds,
      bucketMappings: this.settings.bucketMappings,
      prune: this.settings.prune,
      protectedPrincipals: await this.protectedPrincipals(),
      catalogId: await this.source.catalogId(),
      report,
    };
  }

  /**
   * The principals no run revokes: those listed, and the identity the run acts as (asked once, in the first
   * target, which every mode reaches, restore included). Each target's own data lake admins are added there,
   * by the Lake Formation converger, from that target's settings.
   */
  private protectedPrincipals(): Promise<ProtectedPrincipals> {
    this.guarded ??= guardedPrincipals(this.clients, this.settings.targetRegions[0], this.lakeFormation.protectedPrincipals);
    return this.guarded;
  }

  private glueOptions(targetRegions: readonly string[]) {
    this.wholeTargetsOnly();
    return {
      mode: this.convergeMode,
      source: this.source,
      targetRegions,
      scope: this.scope,
      bucketMappings: this.settings.bucketMappings,
      roleMappings: this.settings.roleMappings,
      connectionMappings: this.settings.connectionMappings,
      prune: this.settings.prune,
      concurrency: this.settings.concurrency,
      icebergMetadata: this.settings.icebergMetadata,
      storageCheck: this.settings.storageCheck,
      attachedKinds: this.attachedKinds,
      clients: this.clients,
    };
  }

  /** The attached kinds this engine replicates. */
  get attachedKinds(): readonly AttachedKind[] {
    return this.settings.attachedKinds ?? ATTACHED_KIND_NAMES;
  }

  private get snapshotRegion(): string {
    return this.settings.snapshotRegion ?? this.source.region;
  }

  private newReport(
    kinds: readonly string[], source: Report['source'], snapshot?: { mode: 'snapshot'; targets: []; prune: false },
  ): ReportBuilder {
    return new ReportBuilder({
      mode: snapshot?.mode ?? this.settings.mode,
      source,
      targets: snapshot?.targets ?? [...this.settings.targetRegions],
      scope: this.scope.toJSON(),
      prune: snapshot?.prune ?? this.settings.prune,
      dryRun: snapshot ? false : this.dryRun,
    }, kinds);
  }
}

/**
 * The promoted-Region guard: a writing run (sync, restore, the job's steps, the near-real-time applier) never writes
 * into a target that `lake-replica promote` marked, so the old source coming back never overwrites the new primary.
 * With `promotedTargets` refuse, such a target (or one whose mark cannot be read) refuses the run before anything is
 * written; with skip, the targets held back are returned with their objects' outcome. One GetCatalog a target (and
 * the caller's identity, once) per engine.
 */
async function heldTargets(settings: EngineSettings, clients: AwsClients): Promise<Map<string, ObjectOutcome>> {
  const held = new Map<string, ObjectOutcome>();
  if (settings.targetRegions.length === 0) return held;
  const skip = settings.promotedTargets === 'skip';
  const { account } = await callerIdentity(clients, settings.targetRegions[0]);
  for (const region of settings.targetRegions) {
    let at: string | undefined;
    try {
      at = await promotedMark(clients.get(GlueClient, region), account, region);
    } catch (error) {
      if (!skip) throw error;
      held.set(region, { status: 'FAILED', reason: `${errorMessage(error)}; nothing was converged there` });
      continue;
    }
    if (at === undefined) continue;
    if (!skip) throw new PromotedRegionRefused(region, at);
    held.set(region, { status: 'SKIPPED', reason: `not replicated: Region ${region} was promoted to the primary (lake-replica promote, ${at})` });
  }
  return held;
}

/** Splits refs between the Glue and Lake Formation convergers; a converger that throws fails only its own refs. */
export async function convergeByKind(
  refs: readonly ObjectRef[], region: string, convergers: { glue: ObjectConverger; lakeFormation?: ObjectConverger },
): Promise<Map<string, ObjectOutcome>> {
  const isGlue = (r: ObjectRef) => GLUE_REF_KINDS.includes(r.kind);
  const outcomes = new Map<string, ObjectOutcome>();
  await into(outcomes, refs.filter(isGlue), convergers.glue, region);
  const lfRefs = refs.filter(r => !isGlue(r));
  if (convergers.lakeFormation) await into(outcomes, lfRefs, convergers.lakeFormation, region);
  else for (const ref of lfRefs) outcomes.set(refKey(ref), { status: 'SKIPPED', reason: LAKE_FORMATION_OFF });
  return outcomes;
}

async function into(outcomes: Map<string, ObjectOutcome>, refs: ObjectRef[], converge: ObjectConverger, region: string) {
  if (refs.length === 0) return;
  try {
    const result = await converge(refs, region);
    for (const ref of refs) outcomes.set(refKey(ref), result.get(refKey(ref)) ?? { status: 'FAILED', reason: 'the converger returned no outcome for it' });
  } catch (error) {
    for (const ref of refs) outcomes.set(refKey(ref), { status: 'FAILED', reason: errorMessage(error) });
  }
}

