import type { BucketMapping } from '../bucket-mapping';
import { replicate } from './glue/converge';
import { LiveCatalogSource } from './glue/live-source';
import type { CatalogSource } from './glue/source';
import { AwsClients } from './kernel/clients';
import { mergeInto } from './kernel/merge-reports';
import { ReportBuilder, type Counts, type Mode, type Report } from './kernel/report';
import { Scope, type ScopeConfig } from './kernel/scope';
import { convergeLakeFormation, kindsToRead, phaseKinds, type LfPhase, guardedPrincipals, type ProtectedPrincipals, readSourceLakeFormation, type LakeFormationConfig, LakeFormationState } from './lake-formation';
import { SnapshotSource } from './snapshot/source';
import { writeSnapshot } from './snapshot/write';

/** One run of the engine, as the CLI and the on-demand job describe it. */
export interface JobConfig {
  readonly mode: Mode;
  /** Required except for restore, where the snapshot names it. */
  readonly sourceRegion?: string;
  readonly targetRegions: readonly string[];
  readonly scope: ScopeConfig;
  readonly bucketMappings: readonly BucketMapping[];
  readonly prune: boolean;
  readonly concurrency: number;
  /** What of Lake Formation is replicated; none when left out. */
  readonly lakeFormation?: LakeFormationConfig;
  /** snapshot: where to write; restore: where to read. */
  readonly snapshotLocation?: string;
  readonly endpoint?: string;
  readonly maxAttempts?: number;
}

export interface JobProgress {
  (counts: Readonly<Record<string, Counts | number>>, current: string): void;
}

export async function runJob(config: JobConfig, onProgress?: JobProgress): Promise<Report> {
  const clients = new AwsClients({ endpoint: config.endpoint, maxAttempts: config.maxAttempts });
  const started = Date.now();
  const lakeFormation = config.lakeFormation ?? { kinds: [], protectedPrincipals: [] };
  let scope = new Scope(config.scope);
  try {
    if (config.mode === 'snapshot') {
      const source = new LiveCatalogSource(clients, config.sourceRegion!, scope);
      const report = new ReportBuilder({
        mode: 'snapshot', source: { region: source.region }, targets: [], scope: scope.toJSON(), prune: false, dryRun: false,
      }, []);
      const state = lakeFormation.kinds.length === 0 ? undefined
        : await readSourceLakeFormation(clients, source.region, scope, lakeFormation.kinds, await source.catalogId(), report);
      return await writeSnapshot({ source, scope, location: config.snapshotLocation!, clients, lakeFormation: state, report, onProgress: t => onProgress?.({ ...t }, '') });
    }
    let source: CatalogSource;
    const lfReport = new ReportBuilder({
      mode: config.mode,
      source: { region: config.sourceRegion ?? '' },
      targets: [...config.targetRegions],
      scope: scope.toJSON(),
      prune: config.prune,
      dryRun: config.mode === 'plan' || config.mode === 'verify',
    }, lakeFormation.kinds);
    let state: LakeFormationState | undefined;
    /** The live source's state of one phase's kinds, read when the phase starts: the Glue pass can take hours. */
    const readLive = async (phase: LfPhase) => {
      const kinds = phaseKinds(phase, lakeFormation.kinds, config.prune || config.mode === 'verify');
      if (kinds.length === 0) return undefined;
      const catalogId = await source.catalogId();
      return readSourceLakeFormation(clients, config.sourceRegion!, scope, kindsToRead(kinds, lakeFormation.kinds), catalogId, lfReport);
    };
    if (config.mode === 'restore') {
      const header = await new SnapshotSource(config.snapshotLocation!, clients, scope, config.targetRegions[0]).open();
      // A restore never reaches outside what the snapshot covers: prune included.
      scope = new Scope(config.scope, new Scope(header.scope));
      const snapshot = new SnapshotSource(config.snapshotLocation!, clients, scope, config.targetRegions[0]);
      await snapshot.open();
      source = snapshot;
      state = lakeFormation.kinds.length === 0 ? undefined : restoredState(await snapshot.lakeFormation(), lakeFormation, lfReport);
    } else {
      source = new LiveCatalogSource(clients, config.sourceRegion!, scope);
      state = await readLive('before');
    }
    let guarded: Promise<ProtectedPrincipals> | undefined;
    const lf = async (phase: LfPhase) => {
      if (!state) return;
      guarded ??= guardedPrincipals(clients, config.targetRegions[0], lakeFormation.protectedPrincipals);
      onProgress?.(lfReport.report.counts, `Lake Formation (${phase} the Glue objects)`);
      await convergeLakeFormation(state, phase, {
        mode: config.mode as Exclude<Mode, 'snapshot'>,
        clients,
        targetRegions: config.targetRegions,
        scope,
        kinds: lakeFormation.kinds,
        bucketMappings: config.bucketMappings,
        prune: config.prune,
        protectedPrincipals: await guarded,
        catalogId: await source.catalogId(),
        report: lfReport,
      });
    };
    await lf('before');
    const report = await replicate({
      mode: config.mode,
      source,
      targetRegions: config.targetRegions,
      scope,
      bucketMappings: config.bucketMappings,
      prune: config.prune,
      concurrency: config.concurrency,
      clients,
      onProgress,
    });
    // A live source is read again: what changed there during the Glue pass, a grant included, is not revoked.
    if (config.mode !== 'restore') state = await readLive('after');
    await lf('after');
    return combine(report, lfReport.finish({}), clients.apiCalls, started);
  } finally {
    clients.destroy();
  }
}

/** The snapshot's Lake Formation state, narrowed to the kinds asked for. */
function restoredState(state: LakeFormationState | undefined, config: LakeFormationConfig, report: ReportBuilder): LakeFormationState | undefined {
  if (!state) {
    report.warnOnce('the snapshot holds no Lake Formation state (it was written by an older version, or with Lake Formation skipped); only the Glue Data Catalog was restored');
    return undefined;
  }
  const kinds = state.kinds.filter(k => config.kinds.includes(k));
  for (const kind of config.kinds.filter(k => !state.kinds.includes(k))) {
    report.warnOnce(`the snapshot holds no ${kind} state (it was skipped or failed to read when the snapshot was taken); it was not restored`);
  }
  return { ...state, kinds };
}

/** The Glue report with the Lake Formation report added: one report for the whole run. */
function combine(report: Report, lakeFormation: Report, apiCalls: Record<string, number>, started: number): Report {
  mergeInto(report, lakeFormation);
  report.apiCalls = Object.fromEntries(Object.entries(apiCalls).sort(([a], [b]) => a.localeCompare(b)));
  report.durationMs = Date.now() - started;
  if (report.differences) report.inSync = report.differences.length === 0 && report.failures.length === 0;
  return report;
}
