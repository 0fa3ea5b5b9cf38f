import type { RunOptions } from '../../shared/job-settings';
import type { Report } from '../kernel/report';
import type { Cursor } from '../kernel/resume';

/**
 * One unit of the job: a database converged into one target, or written to the snapshot (the
 * distributed map's items); or the Lake Formation state, before or after the map.
 */
export interface WorkItem {
  readonly kind: 'converge' | 'snapshot' | 'lakeFormation';
  /** `*` for Lake Formation items, which cover every database in scope. */
  readonly database: string;
  /** The target Region, for converge items. */
  readonly target?: string;
  /** For Lake Formation items: before the Glue objects (settings, tags, locations) or after them (filters, assignments, grants). */
  readonly phase?: 'before' | 'after';
}

/** The Lake Formation items of a run that replicates Lake Formation state, in the order they run. */
export const LAKE_FORMATION_ITEMS: readonly WorkItem[] = [
  { kind: 'lakeFormation', database: '*', phase: 'before' },
  { kind: 'lakeFormation', database: '*', phase: 'after' },
];

/** What the resolve step records for the run. */
export interface RunManifest {
  readonly runId: string;
  readonly createdAt: string;
  readonly source: { readonly region: string; readonly catalogId: string };
  readonly targets: readonly string[];
  readonly options: RunOptions;
  readonly databases: readonly string[];
  readonly items: number;
}

/** The resolve step's output, the state machine's state from then on. */
export interface ResolvedRun {
  readonly runId: string;
  readonly options: RunOptions;
  readonly itemsKey: string;
  readonly databases: number;
  readonly items: number;
}

/** The input and output of each item step: it loops while `done` is false. */
export interface ItemState {
  readonly runId: string;
  readonly options: RunOptions;
  readonly item: WorkItem;
  readonly cursor?: Cursor;
  /** Invocations made so far for this item. */
  readonly seq?: number;
  readonly done?: boolean;
}

/** The report of one invocation of one item, as stored under reports/. */
export interface ItemReport extends Report {
  readonly item: WorkItem;
  readonly seq: number;
  readonly done: boolean;
}

/** The finalize step's output; the state machine fails the run when `failed` is above zero. */
export interface RunOutcome {
  readonly runId: string;
  readonly reportLocation: string;
  readonly snapshotLocation?: string;
  readonly failed: number;
  readonly summary: string;
}
