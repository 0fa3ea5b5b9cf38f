/** The one report shape shared by the CLI and the on-demand job. */
import type { Cursor } from './resume';
import type { AttachedKind } from '../../shared/attached-kinds';

export type Mode = 'plan' | 'sync' | 'verify' | 'snapshot' | 'restore';
/** Glue's kinds: databases, tables, partitions and the objects attached to them. */
export type ObjectKind = 'database' | 'table' | 'partition' | AttachedKind;
export type Outcome = 'created' | 'updated' | 'deleted' | 'unchanged' | 'failed';
export type Difference = 'missing' | 'changed' | 'extra';

/** How a dry run names the write it would make. */
export function differenceOf(outcome: 'created' | 'updated' | 'deleted'): Difference {
  return outcome === 'created' ? 'missing' : outcome === 'updated' ? 'changed' : 'extra';
}

export interface Counts { created: number; updated: number; deleted: number; unchanged: number; failed: number }

export interface Failure { readonly kind: string; readonly key: string; readonly target?: string; readonly error: string }
export interface DifferenceEntry {
  readonly kind: string;
  readonly key: string;
  readonly target: string;
  readonly difference: Difference;
  readonly fields?: string[];
  /** What differs, when a field name does not say it (an Iceberg chain's files, say). */
  readonly detail?: string;
}

export interface SnapshotSummary {
  readonly location: string;
  readonly format: string;
  readonly version: number;
  readonly databases: number;
  readonly tables: number;
  readonly partitions: number;
  /** Lake Formation items (settings, tags, grants, ...) in the snapshot. */
  readonly lakeFormation?: number;
  /** The Lake Formation kinds the snapshot holds. */
  readonly lakeFormationKinds?: string[];
}

/** Iceberg metadata work in one table of one target: what its rewrite came to. */
export type IcebergOutcome = 'rewritten' | 'unchanged' | 'waiting' | 'failed' | 'unmapped' | 'skipped';

/** An Iceberg table that did not converge to a rewritten chain, with what it waits for or why. */
export interface IcebergTableEntry {
  readonly key: string;
  readonly target: string;
  readonly status: IcebergOutcome;
  /** Replicated copies not in the target yet (at most 100 listed per table). */
  readonly missing?: readonly string[];
  readonly missingCount?: number;
  readonly reason?: string;
}

/** The report's Iceberg section: tables by outcome, staged files and bytes written, tables not converged. */
export interface IcebergSummary {
  readonly tables: Record<IcebergOutcome, number>;
  filesWritten: number;
  bytesWritten: number;
  filesUnchanged: number;
  /** Tables waiting, failed, unmapped or skipped (capped; counts stay exact). */
  readonly notConverged: IcebergTableEntry[];
  notConvergedTruncated?: number;
}

export function emptyIcebergSummary(): IcebergSummary {
  return {
    tables: { rewritten: 0, unchanged: 0, waiting: 0, failed: 0, unmapped: 0, skipped: 0 },
    filesWritten: 0,
    bytesWritten: 0,
    filesUnchanged: 0,
    notConverged: [],
  };
}

/** verify --storage: Hive locations checked in the targets, those with no object there, and the calls it took. */
export interface StorageSummary {
  tablesChecked: number;
  locationsChecked: number;
  locationsMissing: number;
  readonly apiCalls: Record<string, number>;
}

export interface Report {
  readonly mode: Mode;
  readonly source: { readonly region: string; readonly catalogId?: string; readonly snapshot?: string };
  readonly targets: string[];
  readonly scope: { databases: readonly string[]; excludeDatabases: readonly string[] };
  readonly prune: boolean;
  readonly dryRun: boolean;
  readonly startedAt: string;
  durationMs: number;
  readonly counts: Record<string, Counts>;
  apiCalls: Record<string, number>;
  readonly warnings: string[];
  readonly failures: Failure[];
  failuresTruncated?: number;
  inSync?: boolean;
  differences?: DifferenceEntry[];
  differencesTruncated?: number;
  snapshot?: SnapshotSummary;
  /** Iceberg metadata rewrites, when the run met Iceberg tables. */
  iceberg?: IcebergSummary;
  /** verify --storage. */
  storage?: StorageSummary;
  /** Set when an invocation ran out of time: where the next one carries on (on-demand job only). */
  continuation?: Cursor;
  /** Why the run stopped before it could finish, when it did (e.g. a refused snapshot, an unreachable endpoint). */
  error?: string;
}

/** Lists are capped so a report stays readable; counts stay exact. */
export const MAX_LISTED = 1000;

/** Iceberg tables not converged, listed with their missing keys: fewer, as each entry is larger. */
export const MAX_ICEBERG_LISTED = 100;

const ZERO: Counts = { created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0 };

export function emptyCounts(kinds: readonly string[]): Record<string, Counts> {
  return Object.fromEntries(kinds.map(k => [k, { ...ZERO }]));
}

export class ReportBuilder {
  readonly report: Report;
  private readonly started = Date.now();
  private readonly unmapped = new Map<string, { count: number; example: string }>();
  private readonly warned = new Set<string>();

  constructor(init: Pick<Report, 'mode' | 'source' | 'targets' | 'scope' | 'prune' | 'dryRun'>, kinds: readonly string[]) {
    this.report = {
      ...init,
      startedAt: new Date(this.started).toISOString(),
      durationMs: 0,
      counts: emptyCounts(kinds),
      apiCalls: {},
      warnings: [],
      failures: [],
    };
    if (init.mode === 'plan' || init.mode === 'verify') this.report.differences = [];
  }

  count(kind: string, outcome: Outcome, n = 1): void {
    (this.report.counts[kind] ??= { ...ZERO })[outcome] += n;
  }

  fail(failure: Failure): void {
    this.count(failure.kind, 'failed');
    if (this.report.failures.length < MAX_LISTED) this.report.failures.push(failure);
    else this.report.failuresTruncated = (this.report.failuresTruncated ?? 0) + 1;
  }

  differ(entry: DifferenceEntry): void {
    const list = this.report.differences;
    if (!list) return;
    if (list.length < MAX_LISTED) list.push(entry);
    else this.report.differencesTruncated = (this.report.differencesTruncated ?? 0) + 1;
  }

  warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.report.warnings.push(message);
  }

  /** Records one Iceberg table's rewrite in one target. */
  iceberg(entry: IcebergTableEntry, work: { filesWritten: number; bytesWritten: number; filesUnchanged: number }): void {
    const summary = this.report.iceberg ??= emptyIcebergSummary();
    summary.tables[entry.status]++;
    summary.filesWritten += work.filesWritten;
    summary.bytesWritten += work.bytesWritten;
    summary.filesUnchanged += work.filesUnchanged;
    if (entry.status === 'rewritten' || entry.status === 'unchanged') return;
    if (summary.notConverged.length < MAX_ICEBERG_LISTED) summary.notConverged.push(entry);
    else summary.notConvergedTruncated = (summary.notConvergedTruncated ?? 0) + 1;
  }

  /** Records one table's storage check (verify --storage). */
  storageChecked(locations: number, missing: number, apiCalls: Readonly<Record<string, number>>): void {
    const summary = this.report.storage ??= { tablesChecked: 0, locationsChecked: 0, locationsMissing: 0, apiCalls: {} };
    summary.tablesChecked++;
    summary.locationsChecked += locations;
    summary.locationsMissing += missing;
    for (const [op, n] of Object.entries(apiCalls)) summary.apiCalls[op] = (summary.apiCalls[op] ?? 0) + n;
  }

  unmappedBucket(target: string, bucket: string, objectKey: string): void {
    const key = `${target}\u0000${bucket}`;
    const entry = this.unmapped.get(key);
    if (entry) entry.count++;
    else this.unmapped.set(key, { count: 1, example: objectKey });
  }

  /** The buckets locations were left pointing at, with no mapping for their target. */
  unmappedBuckets(): string[] {
    return [...new Set([...this.unmapped.keys()].map(key => key.split('\u0000')[1]))];
  }

  finish(apiCalls: Record<string, number>): Report {
    for (const [key, { count, example }] of this.unmapped) {
      const [target, bucket] = key.split('\u0000');
      this.report.warnings.push(
        `${count} location(s) replicated to ${target} still point at unmapped bucket "${bucket}" (for example ${example}); ` +
        `those objects read the source Region's data. Add a bucket mapping for "${bucket}" to read the replicated data.`);
    }
    this.report.apiCalls = Object.fromEntries(Object.entries(apiCalls).sort(([a], [b]) => a.localeCompare(b)));
    this.report.durationMs = Date.now() - this.started;
    if (this.report.differences) {
      this.report.inSync = this.report.differences.length === 0 && this.report.failures.length === 0;
    }
    return this.report;
  }
}

/** Write calls are what an unchanged lake must not make. */
export function writeCalls(apiCalls: Record<string, number>): number {
  return Object.entries(apiCalls)
    .filter(([op]) => !/:(Get|BatchGet|List|Search|Describe|Lookup|Head)/.test(op))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** Adds one invocation's report into the run's report: counts and calls add up, lists are capped. */
export function mergeInto(run: Report, part: Report): void {
  for (const [kind, counts] of Object.entries(part.counts)) {
    const into: Counts = (run.counts[kind] ??= emptyCounts([kind])[kind]);
    for (const outcome of Object.keys(counts) as Array<keyof Counts>) into[outcome] += counts[outcome];
  }
  for (const [op, n] of Object.entries(part.apiCalls)) run.apiCalls[op] = (run.apiCalls[op] ?? 0) + n;
  for (const w of part.warnings) if (!run.warnings.includes(w) && run.warnings.length < MAX_LISTED) run.warnings.push(w);
  for (const f of part.failures) {
    if (run.failures.length < MAX_LISTED) run.failures.push(f);
    else run.failuresTruncated = (run.failuresTruncated ?? 0) + 1;
  }
  if (part.failuresTruncated) run.failuresTruncated = (run.failuresTruncated ?? 0) + part.failuresTruncated;
  if (part.iceberg) {
    const into = run.iceberg ??= emptyIcebergSummary();
    for (const [status, n] of Object.entries(part.iceberg.tables) as Array<[IcebergOutcome, number]>) into.tables[status] += n;
    into.filesWritten += part.iceberg.filesWritten;
    into.bytesWritten += part.iceberg.bytesWritten;
    into.filesUnchanged += part.iceberg.filesUnchanged;
    for (const entry of part.iceberg.notConverged) {
      if (into.notConverged.length < MAX_ICEBERG_LISTED) into.notConverged.push(entry);
      else into.notConvergedTruncated = (into.notConvergedTruncated ?? 0) + 1;
    }
    if (part.iceberg.notConvergedTruncated) into.notConvergedTruncated = (into.notConvergedTruncated ?? 0) + part.iceberg.notConvergedTruncated;
  }
  if (run.differences && part.differences) {
    for (const d of part.differences) {
      if (run.differences.length < MAX_LISTED) run.differences.push(d);
      else run.differencesTruncated = (run.differencesTruncated ?? 0) + 1;
    }
  }
}
