import type { ItemReport, ItemState, WorkItem } from './job-types';
import { runLakeFormationItem } from './lake-formation-item';
import { RunStore } from './run-store';
import type { JobSettings } from '../../shared/job-settings';
import { convergeDatabase, type Deadline } from '../glue/converge';
import { LiveCatalogSource } from '../glue/live-source';
import { AwsClients } from '../kernel/clients';
import { ReportBuilder, type Report } from '../kernel/report';
import { Scope } from '../kernel/scope';
import { LineWriter } from '../snapshot/io';
import { writeSnapshotPart } from '../snapshot/part';

/** The target path segment of snapshot items' reports. */
export const SNAPSHOT_ITEM_TARGET = '_snapshot';

/** Where an item's reports go: its target Region, or a name no Region has. */
export function itemTarget(item: WorkItem): string {
  if (item.kind === 'lakeFormation') return `_lake-formation-${item.phase}`;
  return item.kind === 'converge' ? item.target! : SNAPSHOT_ITEM_TARGET;
}

/**
 * Leaves room to finish in-flight work and save the report: no new table after half the
 * remaining time, no new partition page in the last fifth (at least a minute).
 */
export function deadlineFrom(remainingMs: number, now = Date.now()): Deadline {
  const hard = now + remainingMs - Math.max(60_000, remainingMs * 0.2);
  return { soft: now + (hard - now) / 2, hard };
}

/** Step 2, for one work item: converge or snapshot one database, within the invocation's time budget. */
export async function runItem(
  settings: JobSettings, state: ItemState, remainingMs: number, clients: AwsClients, store: RunStore,
): Promise<ItemState> {
  const { item, options } = state;
  const seq = state.seq ?? 0;
  const deadline = deadlineFrom(remainingMs);
  const scope = new Scope({ databases: options.databases, excludeDatabases: options.excludeDatabases });
  const source = new LiveCatalogSource(clients, settings.sourceRegion, scope);
  const prefix = RunStore.runPrefix(state.runId);
  let report: Report;
  if (item.kind === 'lakeFormation') {
    report = await runLakeFormationItem(settings, options, item, clients, `${prefix}snapshot/`, store.bucket);
  } else if (item.kind === 'converge') {
    report = await convergeDatabase({
      mode: options.dryRun ? 'plan' : 'sync',
      source,
      targetRegions: [item.target!],
      scope,
      bucketMappings: settings.bucketMappings,
      prune: options.prune,
      concurrency: settings.tableConcurrency,
      clients,
      database: item.database,
      cursor: state.cursor,
      deadline,
    });
  } else {
    const builder = new ReportBuilder({
      mode: 'snapshot', source: { region: settings.sourceRegion }, targets: [], scope: scope.toJSON(), prune: false, dryRun: false,
    }, []);
    const location = `s3://${store.bucket}/${prefix}snapshot/${encodeURIComponent(item.database)}/${String(seq).padStart(6, '0')}.jsonl.gz`;
    const out = new LineWriter(location, clients, process.env.AWS_REGION ?? settings.sourceRegion);
    const part = await writeSnapshotPart(source, item.database, out, state.cursor, deadline);
    await out.close();
    report = builder.finish(clients.apiCalls);
    report.snapshot = { location, format: 'lake-replica-snapshot-part', version: 1, ...part.totals };
    report.continuation = part.continuation;
  }
  const done = report.continuation === undefined;
  const itemReport: ItemReport = { ...report, item, seq, done };
  const target = itemTarget(item);
  await store.putJson(`${prefix}reports/${RunStore.itemPath(target, item.database)}/${String(seq).padStart(6, '0')}.json`, itemReport);
  return { runId: state.runId, options, item, cursor: report.continuation, seq: seq + 1, done };
}
