import { jobEngine } from './job-engine';
import { LAKE_FORMATION_ITEMS, type ItemReport, type RunManifest, type RunOutcome, type WorkItem } from './job-types';
import { CATALOG_PART, SNAPSHOT_ITEM_TARGET } from './run-item';
import { RunStore } from './run-store';
import type { AttachedKind } from '../../shared/attached-kinds';
import type { JobSettings } from '../../shared/job-settings';
import type { ReplicationEngine } from '../engine';
import { GLUE_KINDS } from '../glue';
import { AwsClients } from '../kernel/clients';
import { forEachConcurrent } from '../kernel/concurrency';
import { errorMessage } from '../kernel/errors';
import { emfLine } from '../kernel/metrics';
import { mergeInto } from '../kernel/report';
import { ReportBuilder, type Counts, type Report } from '../kernel/report';
import { Scope } from '../kernel/scope';
import type { LfKind } from '../lake-formation';
import { noTotals, SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type SnapshotHeader, type SnapshotTotals, SplitSnapshotManifest } from '../snapshot';

const REPORT_READS = 32;

/**
 * Step 3: prune databases the source no longer has (only with prune), merge every invocation's
 * report into the run's report, write the snapshot manifest, and publish the counts.
 * An item that never reported done is a failure: nothing is lost silently.
 */
export async function finalizeRun(settings: JobSettings, runId: string, clients: AwsClients, store: RunStore): Promise<RunOutcome> {
  const prefix = RunStore.runPrefix(runId);
  const manifest = await store.getJson<RunManifest>(`${prefix}manifest.json`);
  const { options } = manifest;
  const engine = await jobEngine(settings, options, clients, store);
  const scope = engine.scope;

  const run = new ReportBuilder({
    mode: options.dryRun ? 'plan' : 'sync',
    source: { ...manifest.source },
    targets: [...manifest.targets],
    scope: scope.toJSON(),
    prune: options.prune,
    dryRun: options.dryRun,
  }, GLUE_KINDS);
  const report = run.report;
  try {
    mergeInto(report, await engine.pruneDatabases(new Set(manifest.databases)));
  } catch (error) {
    run.fail({ kind: 'database', key: '*', error: `checking the targets for databases the source no longer has failed: ${errorMessage(error)}` });
  }

  const done = new Set<string>();
  const parts: SnapshotPart[] = [];
  let snapshotKinds: string[] | undefined;
  // Reports are read in parallel: a run over tens of thousands of databases has as many reports.
  await forEachConcurrent(store.keys(`${prefix}reports/`), REPORT_READS, async (key) => {
    const part = await store.getJson<ItemReport>(key);
    mergeInto(report, part);
    if (part.done) done.add(itemId(part.item));
    if (part.snapshot && part.item.kind !== 'converge') {
      const path = part.snapshot.location.slice(`s3://${store.bucket}/${prefix}snapshot/`.length);
      // The Lake Formation parts go first, in order: a restore applies them before the Glue objects.
      const lakeFormation = part.item.kind === 'lakeFormation';
      parts.push({ rank: lakeFormation ? 0 : 2, database: lakeFormation ? '' : part.item.database, seq: part.seq, path, totals: part.snapshot });
      // The before step's last invocation knows which kinds its parts hold whole.
      if (part.item.kind === 'lakeFormation' && part.done) snapshotKinds = part.snapshot.lakeFormationKinds ?? [];
    }
  });
  const lakeFormation = (settings.lakeFormationKinds ?? []).length > 0 ? LAKE_FORMATION_ITEMS : [];
  const items = [...lakeFormation, ...await store.getJson<WorkItem[]>(`${prefix}items.json`)];
  for (const item of items) {
    if (done.has(itemId(item))) continue;
    if (item.kind === 'lakeFormation') {
      run.fail({
        kind: 'lakeFormation',
        key: `${item.phase} the Glue objects`,
        error: 'the Lake Formation step did not complete (its Lambda failed after retries); see the state machine execution',
      });
      continue;
    }
    run.fail({
      kind: 'database',
      key: item.database,
      target: item.target ?? SNAPSHOT_ITEM_TARGET,
      error: `the ${item.kind} work item did not complete (its Lambda failed after retries); see the state machine's map run`,
    });
  }

  let snapshotLocation: string | undefined;
  const snapshotComplete = !options.dryRun && items.filter(i => i.kind === 'snapshot' || i.phase === 'before').every(i => done.has(itemId(i)));
  const catalog = snapshotComplete ? await catalogPart(engine, clients, `s3://${store.bucket}/${prefix}snapshot/${CATALOG_PART}`, report) : undefined;
  if (catalog instanceof Error) {
    run.fail({ kind: 'snapshot', key: runId, error: `${catalog.message}, so no snapshot manifest was written for this run` });
  } else if (snapshotComplete) {
    if (catalog) parts.push(catalog);
    snapshotLocation = await writeSnapshotManifest(store, prefix, manifest, scope, parts, snapshotKinds, engine.attachedKinds);
    await store.putJson('latest/snapshot.json', { runId, location: snapshotLocation });
  } else if (!options.dryRun) {
    run.fail({ kind: 'snapshot', key: runId, error: 'the snapshot is incomplete, so no snapshot manifest was written for this run' });
  }

  const final = run.finish({ ...report.apiCalls });
  const reportLocation = `s3://${store.bucket}/${prefix}report.json`;
  const stored = { runId, ...final, snapshotLocation };
  await store.putJson(`${prefix}report.json`, stored);
  await store.putJson('latest/report.json', stored);
  publishMetrics(settings.metricNamespace, final);
  const failed = Object.values(final.counts).reduce((n, c) => n + c.failed, 0);
  return { runId, reportLocation, snapshotLocation, failed, summary: summarize(final, failed, reportLocation) };
}

function itemId(item: WorkItem): string {
  return `${item.kind}|${item.target ?? item.phase ?? ''}|${item.database}`;
}

/** A part of the run's snapshot, read in order of rank (0 Lake Formation, 1 the catalog's own objects, 2 databases), database, seq. */
interface SnapshotPart {
  readonly rank: number;
  readonly database: string;
  readonly seq: number;
  readonly path: string;
  readonly totals: SnapshotTotals;
}

/**
 * The catalog's own objects (connections, catalogs), read once a run into a part of the run's snapshot; none without
 * those kinds, an Error when the read failed. Its calls are added to the run's report (the engine's clients count
 * cumulatively, and the prune step's are merged already).
 */
async function catalogPart(
  engine: ReplicationEngine, clients: AwsClients, location: string, report: Report,
): Promise<SnapshotPart | Error | undefined> {
  const before = { ...clients.apiCalls };
  try {
    const part = await engine.snapshotCatalogPart(location);
    return part && { rank: 1, database: '', seq: 0, path: CATALOG_PART, totals: part.snapshot! };
  } catch (error) {
    return new Error(`reading the catalog's own objects (connections, catalogs) failed: ${errorMessage(error)}`);
  } finally {
    for (const [op, n] of Object.entries(clients.apiCalls)) {
      if (n > (before[op] ?? 0)) report.apiCalls[op] = (report.apiCalls[op] ?? 0) + n - (before[op] ?? 0);
    }
  }
}

async function writeSnapshotManifest(
  store: RunStore, prefix: string, manifest: RunManifest, scope: Scope, parts: SnapshotPart[], kinds: string[] | undefined,
  attachedKinds: readonly AttachedKind[],
): Promise<string> {
  parts.sort((a, b) => a.rank - b.rank || (a.database < b.database ? -1 : a.database > b.database ? 1 : a.seq - b.seq));
  const header: SnapshotHeader = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    createdAt: manifest.createdAt,
    source: manifest.source,
    scope: scope.toJSON(),
    ...(kinds ? { lakeFormation: { kinds: kinds as LfKind[] } } : {}),
    attached: { kinds: [...attachedKinds] },
  };
  const totals = noTotals();
  for (const p of parts) for (const k of ['databases', 'tables', 'partitions'] as const) totals[k] += p.totals[k];
  totals.attached = parts.reduce((n, p) => n + (p.totals.attached ?? 0), 0);
  if (kinds) totals.lakeFormation = parts.reduce((n, p) => n + (p.totals.lakeFormation ?? 0), 0);
  const split: SplitSnapshotManifest = { header, parts: parts.map(p => p.path), totals };
  await store.putJson(`${prefix}snapshot/manifest.json`, split);
  return `s3://${store.bucket}/${prefix}snapshot/manifest.json`;
}

/** The run's counts per kind and in total, as embedded metric format log lines. */
export function publishMetrics(namespace: string, report: Report, log: (line: string) => void = l => process.stdout.write(`${l}\n`)): void {
  const names: Array<[keyof Counts, string]> = [['created', 'Created'], ['updated', 'Updated'], ['deleted', 'Deleted'], ['unchanged', 'Unchanged'], ['failed', 'Failed']];
  const metric = (dimensions: string[][], values: Record<string, number | string>) =>
    log(emfLine(namespace, dimensions, Object.keys(values).filter(k => typeof values[k] === 'number'), values));
  const total: Record<string, number> = { DurationMs: report.durationMs };
  for (const [kind, counts] of Object.entries(report.counts)) {
    const perKind: Record<string, number | string> = { Kind: kind };
    for (const [key, name] of names) {
      perKind[name] = counts[key];
      total[name] = (total[name] ?? 0) + counts[key];
    }
    metric([['Kind']], perKind);
  }
  metric([[]], total);
}

function summarize(report: Report, failed: number, location: string): string {
  const counts = Object.entries(report.counts)
    .map(([kind, c]) => `${kind}: ${c.created} created, ${c.updated} updated, ${c.deleted} deleted, ${c.unchanged} unchanged, ${c.failed} failed`)
    .join('; ');
  const first = report.failures.slice(0, 5).map(f => `${f.kind} ${f.key}${f.target ? ` in ${f.target}` : ''}: ${f.error}`).join(' | ');
  return `${failed} object(s) failed. ${counts}. Report: ${location}${first ? `. First failures: ${first}` : ''}`.slice(0, 32_000);
}
