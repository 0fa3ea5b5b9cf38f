import { jobEngine } from './job-engine';
import type { ItemReport, ItemState, WorkItem } from './job-types';
import { RunStore } from './run-store';
import type { JobSettings } from '../../shared/job-settings';
import type { AwsClients } from '../kernel/clients';
import type { Report } from '../kernel/report';
import type { Deadline } from '../kernel/resume';

/** The snapshot part that holds the Lake Formation state, named to sort before every database's parts. */
export const LAKE_FORMATION_PART = '_lake-formation.jsonl.gz';

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
  const engine = await jobEngine(settings, options, clients, store);
  const prefix = RunStore.runPrefix(state.runId);
  let report: Report;
  if (item.kind === 'lakeFormation') {
    // The before step also writes the whole state to the run's snapshot.
    const snapshotTo = item.phase !== 'after' && !options.dryRun ? `s3://${store.bucket}/${prefix}snapshot/${LAKE_FORMATION_PART}` : undefined;
    report = await engine.lakeFormationPhase(item.phase ?? 'before', snapshotTo);
  } else if (item.kind === 'converge') {
    report = await engine.convergeDatabase(item.database, item.target!, state.cursor, deadline);
  } else {
    const location = `s3://${store.bucket}/${prefix}snapshot/${encodeURIComponent(item.database)}/${String(seq).padStart(6, '0')}.jsonl.gz`;
    report = await engine.snapshotPart(item.database, location, state.cursor, deadline);
  }
  const done = report.continuation === undefined;
  const itemReport: ItemReport = { ...report, item, seq, done };
  const target = itemTarget(item);
  await store.putJson(`${prefix}reports/${RunStore.itemPath(target, item.database)}/${String(seq).padStart(6, '0')}.json`, itemReport);
  return { runId: state.runId, options, item, cursor: report.continuation, seq: seq + 1, done };
}
