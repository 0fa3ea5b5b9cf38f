import type { Counts, IcebergSummary, Report } from '../engine/kernel/report';

/** Progress on stderr: a rewritten line on a terminal, a line every few seconds otherwise. */
export class Progress {
  private last = 0;
  private shown = false;

  constructor(private readonly stream: NodeJS.WriteStream, private readonly label: string) {}

  update(counts: Readonly<Record<string, Counts | number>>, current: string): void {
    const now = Date.now();
    const interval = this.stream.isTTY ? 200 : 5000;
    if (now - this.last < interval) return;
    this.last = now;
    const parts = Object.entries(counts).map(([kind, c]) => `${kind} ${typeof c === 'number' ? c : done(c)}`);
    const line = `[${this.label}] ${parts.join('  ')}  ${current}`;
    if (this.stream.isTTY) {
      const width = this.stream.columns ?? 100;
      this.stream.write(`\r${line.slice(0, width - 1).padEnd(width - 1)}`);
      this.shown = true;
    } else {
      this.stream.write(`${line}\n`);
    }
  }

  end(): void {
    if (this.shown) this.stream.write('\n');
  }
}

function done(c: Counts): number {
  return c.created + c.updated + c.deleted + c.unchanged + c.failed;
}

/** One line of Iceberg metadata work: tables by outcome, then the staged files and bytes. */
function icebergLine(iceberg: IcebergSummary, dryRun: boolean): string {
  const t = iceberg.tables;
  const outcomes = [`${t.rewritten} rewritten`, `${t.unchanged} unchanged`, `${t.waiting} waiting for S3 replication`, `${t.failed} failed`];
  if (t.unmapped > 0) outcomes.push(`${t.unmapped} unmapped`);
  if (t.skipped > 0) outcomes.push(`${t.skipped} not rewritten (skipped)`);
  const wrote = dryRun ? 'would write' : 'wrote';
  return `  Iceberg tables: ${outcomes.join(', ')}; ${wrote} ${iceberg.filesWritten} staged file(s), ${iceberg.bytesWritten} bytes`;
}

/** A short human summary for stdout when --json is not given. */
export function summary(report: Report): string {
  const lines: string[] = [];
  const where = report.source.snapshot ? `snapshot ${report.source.snapshot} (${report.source.region})` : report.source.region;
  lines.push(`${report.mode}${report.dryRun ? ' (dry run)' : ''}: ${where} -> ${report.targets.join(', ') || report.snapshot?.location}  in ${(report.durationMs / 1000).toFixed(1)}s`);
  const kinds = Object.entries(report.counts);
  if (kinds.length > 0) {
    const verb = report.dryRun ? ['would create', 'would update', 'would delete'] : ['created', 'updated', 'deleted'];
    lines.push(`  ${'kind'.padEnd(18)}${[...verb, 'unchanged', 'failed'].map(h => h.padStart(14)).join('')}`);
    for (const [kind, c] of kinds) {
      lines.push(`  ${kind.padEnd(18)}${[c.created, c.updated, c.deleted, c.unchanged, c.failed].map(n => String(n).padStart(14)).join('')}`);
    }
  }
  if (report.snapshot) {
    const lf = report.snapshot.lakeFormation === undefined ? '' : `, ${report.snapshot.lakeFormation} Lake Formation items`;
    lines.push(`  wrote ${report.snapshot.databases} databases, ${report.snapshot.tables} tables, ${report.snapshot.partitions} partitions${lf} to ${report.snapshot.location}`);
  }
  if (report.iceberg) lines.push(icebergLine(report.iceberg, report.dryRun));
  if (report.storage) {
    const { tablesChecked, locationsChecked, locationsMissing, apiCalls } = report.storage;
    const calls = Object.values(apiCalls).reduce((x, y) => x + y, 0);
    lines.push(`  storage: ${locationsChecked} location(s) of ${tablesChecked} table(s) checked, ${locationsMissing} with no object in the target, in ${calls} S3 call(s)`);
  }
  const calls = Object.values(report.apiCalls).reduce((a, b) => a + b, 0);
  lines.push(`  API calls: ${calls}`);
  if (report.inSync !== undefined) lines.push(report.inSync ? '  in sync' : `  DRIFT: ${report.differences?.length ?? 0} difference(s)`);
  for (const d of report.differences ?? []) {
    lines.push(`    ${d.difference.padEnd(8)} ${d.kind} ${d.key} in ${d.target}${d.fields ? ` (${d.fields.join(', ')})` : ''}${d.detail ? `: ${d.detail}` : ''}`);
  }
  if (report.differencesTruncated) lines.push(`    ... and ${report.differencesTruncated} more`);
  for (const w of report.warnings) lines.push(`  warning: ${w}`);
  for (const f of report.failures) lines.push(`  FAILED ${f.kind} ${f.key}${f.target ? ` in ${f.target}` : ''}: ${f.error}`);
  if (report.failuresTruncated) lines.push(`  ... and ${report.failuresTruncated} more failures`);
  return lines.join('\n');
}
