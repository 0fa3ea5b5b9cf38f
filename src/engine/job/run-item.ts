import { jobEngine } from './job-engine';
import type { ItemReport, ItemState, WorkItem } from './job-types';
import { RunStore } from './run-store';
import type { JobSettings } from '../../shared/job-settings';
import type { AwsClients } from '../kernel/clients';
import type { Report } from '../kernel/report';
import type { Deadline } from '../kernel/resume';

/** The snapshot part the before step's first invocation writes: the Lake Formation state's listed kinds. */
export const LAKE_FORMATION_PART = '_lake-formation.jsonl.gz';

/** The snapshot part the finalize step writes: the objects the account's catalog owns (connections, catalogs). */
export const CATALOG_PART = '_catalog.jsonl.gz';

/**
 * The snapshot part of one invocation of the Lake Formation before step: the first holds the listed kinds,
 * each later one the tag assignments it read. Beside the database folders, so no database's part has its name.
 */
export function lakeFormationPart(seq: number): string {
  return seq === 0 ? LAKE_FORMATION_PART : `_lake-formation.${String(seq).padStart(6, '0')}.jsonl.gz`;
}

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

/**
 * Step 2, for one work item, within the invocation's time budget: converge or snapshot one database, or
 * one Lake Formation phase (the before phase also writes the run's snapshot parts of the Lake Formation state).
 */
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
    const phase = item.phase ?? 'before';
    const snapshotTo = phase === 'before' && !options.dryRun ? `s3://${store.bucket}/${prefix}snapshot/${lakeFormationPart(seq)}` : undefined;
    report = await engine.lakeFormationPhase(phase, state.cursor?.lakeFormation, deadline, snapshotTo);
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
