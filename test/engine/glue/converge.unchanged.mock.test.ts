import { GetPartitionsCommand } from '@aws-sdk/client-glue';
import type { Database, Partition, Table } from '@aws-sdk/client-glue';
import 'aws-sdk-client-mock-jest';
import { convergeGlue } from '../../../src/engine/glue/converge';
import { LiveCatalogSource } from '../../../src/engine/glue/source';
import { AwsClients } from '../../../src/engine/kernel/clients';
import { writeCalls, type Report } from '../../../src/engine/kernel/report';
import { Scope } from '../../../src/engine/kernel/scope';
import type { BucketMapping } from '../../../src/shared/bucket-mapping';
import { asSeenElsewhere, dailyPartitions, database, FakeLake, NO_WRITES, table, view, writesSent } from '../../support/fake-lake';
import { mockAws, SOURCE_REGION, TARGET_REGION, type MockedAws } from '../../support/sdk-harness';

const SECOND_TARGET = 'eu-west-1';

function sourceLake(): { databases: Database[]; tables: Table[]; partitions: Partition[] } {
  return {
    databases: [database('finance'), database('sales'), database('web', { LocationUri: undefined, Parameters: {} })],
    tables: [
      table('finance', 'ledger', { partitionKeys: [] }),
      table('sales', 'orders', { partitionKeys: ['dt', 'region'] }),
      table('sales', 'customers', { partitionKeys: [] }),
      view('sales', 'v_daily', 'SELECT dt, count(*) AS n FROM orders GROUP BY dt'),
      table('web', 'events'),
    ],
    partitions: [
      ...dailyPartitions('sales', 'orders', 120).map((p, i) => ({ ...p, Values: [p.Values![0], i % 2 ? 'eu' : 'us'] })),
      ...dailyPartitions('web', 'events', 30),
    ],
  };
}

/** Rewrites the bucket of every S3 location, as a replica with mapped buckets holds them. */
function mapped<T>(value: T, from: string, to: string): T {
  if (typeof value === 'string') return value.split(`s3://${from}/`).join(`s3://${to}/`) as T;
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(v => mapped(v, from, to)) as T;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapped(v, from, to)])) as T;
}

describe('mocked Glue: an unchanged lake sends no write', () => {
  let aws: MockedAws;
  let lake: FakeLake;

  beforeEach(() => {
    aws = mockAws();
    lake = new FakeLake(aws.glue, { databases: 2, tables: 2, partitions: 50 }).install();
    const src = sourceLake();
    lake.region(SOURCE_REGION).addDatabase(...src.databases).addTable(...src.tables).addPartitions(...src.partitions);
  });

  afterEach(() => aws.restore());

  async function run(mode: 'sync' | 'verify', targets: string[], bucketMappings: BucketMapping[] = []): Promise<Report> {
    const clients = new AwsClients({ maxAttempts: 1 });
    const scope = new Scope();
    const report = await convergeGlue({
      mode, source: new LiveCatalogSource(clients, SOURCE_REGION, scope), targetRegions: targets, scope, bucketMappings, prune: true, clients,
    });
    clients.destroy();
    return report;
  }

  function expectNoWrites(report: Report): void {
    expect(writesSent(aws.glue)).toEqual(NO_WRITES);
    expect(writeCalls(report.apiCalls)).toBe(0);
    expect(report.failures).toEqual([]);
  }

  test('mocked: targets that differ only in CatalogId, CreateTime, VersionId and other output-only fields get no write', async () => {
    for (const [region, catalogId] of [[TARGET_REGION, '123456789012'], [SECOND_TARGET, '210987654321']]) {
      const src = sourceLake();
      lake.region(region)
        .addDatabase(...src.databases.map(d => asSeenElsewhere(d, catalogId)))
        .addTable(...src.tables.map(t => asSeenElsewhere(t, catalogId)))
        .addPartitions(...src.partitions.map(p => asSeenElsewhere(p, catalogId)));
    }

    const report = await run('sync', [TARGET_REGION, SECOND_TARGET]);

    expectNoWrites(report);
    expect(report.counts).toEqual({
      database: { created: 0, updated: 0, deleted: 0, unchanged: 3 * 2, failed: 0 },
      table: { created: 0, updated: 0, deleted: 0, unchanged: 5 * 2, failed: 0 },
      partition: { created: 0, updated: 0, deleted: 0, unchanged: 150 * 2, failed: 0 },
    });
    // Every partition page of both sides was compared: 120/50 -> 3 pages, 30/50 -> 1 page, on 1 source + 2 targets.
    expect(aws.glue.commandCalls(GetPartitionsCommand)).toHaveLength((3 + 1) * 3);
  });

  test('mocked: a replica whose locations point at the mapped bucket is unchanged, and verify reports it in sync', async () => {
    const src = sourceLake();
    lake.region(TARGET_REGION)
      .addDatabase(...src.databases.map(d => mapped(asSeenElsewhere(d), 'acme-lake-raw', 'acme-lake-raw-usw2')))
      .addTable(...src.tables.map(t => mapped(asSeenElsewhere(t), 'acme-lake-raw', 'acme-lake-raw-usw2')))
      .addPartitions(...src.partitions.map(p => mapped(asSeenElsewhere(p), 'acme-lake-raw', 'acme-lake-raw-usw2')));
    const mappings = [{ sourceBucket: 'acme-lake-raw', targetBucket: 'acme-lake-raw-usw2' }];

    const synced = await run('sync', [TARGET_REGION], mappings);
    expectNoWrites(synced);
    expect(synced.counts.partition).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 150, failed: 0 });
    expect(synced.warnings).toEqual([]);

    const verified = await run('verify', [TARGET_REGION], mappings);
    expectNoWrites(verified);
    expect(verified.differences).toEqual([]);
    expect(verified.inSync).toBe(true);
  });
});
