import { writeAttached, writeCatalogAttached } from './attached-records';
import { noTotals, SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type SnapshotHeader, type SnapshotTotals } from './format';
import { LineWriter } from './io';
import { lakeFormationItems, lakeFormationRecords } from './lake-formation-records';
import { PAGE_RETRY, RetryingSource, type PageRetry } from './page-retry';
import type { AttachedKind } from '../../shared/attached-kinds';
import type { CatalogSource } from '../glue';
import { AwsClients } from '../kernel/clients';
import { errorMessage } from '../kernel/errors';
import { ReportBuilder, type Report } from '../kernel/report';
import { Scope } from '../kernel/scope';
import type { LakeFormationState } from '../lake-formation';

export interface WriteSnapshotOptions {
  readonly source: CatalogSource;
  readonly scope: Scope;
  /** A file path or s3://bucket/key; ".gz" compresses. */
  readonly location: string;
  readonly clients: AwsClients;
  readonly onProgress?: (totals: Readonly<SnapshotTotals>, current: string) => void;
  /** The source's Lake Formation state, read beforehand; kinds that failed to read are left out of its `kinds`. */
  readonly lakeFormation?: LakeFormationState;
  /** Where failures so far (e.g. reading Lake Formation state) are already recorded. */
  readonly report?: ReportBuilder;
  /** The attached kinds recorded with their owners (default none). */
  readonly attachedKinds?: readonly AttachedKind[];
  /** How a source page that still fails after the SDK's retries is read again (default PAGE_RETRY). */
  readonly pageRetry?: PageRetry;
}

/**
 * Streams the in-scope source state to a snapshot, page by page, and publishes it only when it is
 * complete. A run that fails (a source read that keeps failing, a full disk, a failed upload) leaves
 * what was at the location as it was, and its report has one `snapshot` failure that says so.
 */
export async function writeSnapshot(options: WriteSnapshotOptions): Promise<Report> {
  const { scope, location, clients } = options;
  const source = new RetryingSource(options.source, options.pageRetry ?? PAGE_RETRY);
  const report = options.report ?? new ReportBuilder({
    mode: 'snapshot', source: { region: source.region }, targets: [], scope: scope.toJSON(), prune: false, dryRun: false,
  }, []);
  const out = new LineWriter(location, clients, source.region);
  let totals: SnapshotTotals;
  try {
    totals = await out.publish(() => writeRecords(out, source, options, report));
  } catch (error) {
    report.fail({ kind: 'snapshot', key: location, error: `the snapshot was not completed: ${errorMessage(error)}; ${await out.leftAsItWas()}` });
    return report.finish(clients.apiCalls);
  } finally {
    if (source.retried > 0) {
      report.warnOnce(`${source.retried} source read(s) still failed after the SDK's retries and were read again from where they stopped (the last: ${source.lastRetried})`);
    }
  }
  report.report.snapshot = { location, format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, ...totals };
  return report.finish(clients.apiCalls);
}

async function writeRecords(out: LineWriter, source: CatalogSource, options: WriteSnapshotOptions, report: ReportBuilder): Promise<SnapshotTotals> {
  const lakeFormation = options.lakeFormation;
  const attachedKinds = options.attachedKinds ?? [];
  const header: SnapshotHeader = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    createdAt: new Date().toISOString(),
    source: { region: source.region, catalogId: await source.catalogId() },
    scope: options.scope.toJSON(),
    ...(lakeFormation ? { lakeFormation: { kinds: [...lakeFormation.kinds] } } : {}),
    attached: { kinds: [...attachedKinds] },
  };
  Object.assign(report.report.source, { catalogId: header.source.catalogId });
  const totals = noTotals();
  out.write(header);
  if (lakeFormation) {
    for (const record of lakeFormationRecords(lakeFormation)) out.write(record);
    totals.lakeFormation = lakeFormationItems(lakeFormation);
  }
  await writeCatalogAttached(out, source.catalogAttachments?.bind(source), attachedKinds, totals);
  for await (const db of source.databases()) {
    out.write({ database: db.input });
    totals.databases++;
    await writeAttached(out, { database: db.input.Name!, attachments: kinds => db.attachments(kinds) }, attachedKinds, totals);
    for await (const table of db.tables()) {
      out.write({ table: table.input, database: table.databaseName });
      totals.tables++;
      const owner = { database: table.databaseName, table: table.input, attachments: (kinds: readonly AttachedKind[]) => table.attachments(kinds) };
      await writeAttached(out, owner, attachedKinds, totals);
      for await (const { partitions } of table.partitionPages()) {
        if (partitions.length === 0) continue;
        out.write({ partitions, database: table.databaseName, table: table.input.Name });
        totals.partitions += partitions.length;
      }
      options.onProgress?.(totals, `${table.databaseName}.${table.input.Name}`);
    }
  }
  out.write({ end: totals });
  return totals;
}
