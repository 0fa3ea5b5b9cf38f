import {
  BatchCreatePartitionCommand, BatchDeletePartitionCommand, BatchDeleteTableCommand, CreateDatabaseCommand, CreateTableCommand,
  DeleteDatabaseCommand, GetDatabasesCommand, GetPartitionsCommand, GetTablesCommand, UpdateDatabaseCommand, UpdateTableCommand,
} from '@aws-sdk/client-glue';
import type { GetDatabasesResponse } from '@aws-sdk/client-glue';
import 'aws-sdk-client-mock-jest';
import { convergeGlue } from '../../../src/engine/glue/converge';
import { LiveCatalogSource } from '../../../src/engine/glue/source';
import { AwsClients } from '../../../src/engine/kernel/clients';
import type { Report } from '../../../src/engine/kernel/report';
import { Scope } from '../../../src/engine/kernel/scope';
import { dailyPartitions, database, FakeLake, partition, table, view } from '../../support/fake-lake';
import { mockAws, sent, SOURCE_REGION, TARGET_REGION, type MockedAws, type SentCall } from '../../support/sdk-harness';

/** Groups calls by Region and listing, in the order they were sent. */
function byListing<I>(calls: SentCall<I>[], listingOf: (input: I) => string): Map<string, SentCall<I>[]> {
  const out = new Map<string, SentCall<I>[]>();
  for (const call of calls) {
    const key = `${call.region} ${listingOf(call.input)}`;
    out.set(key, [...out.get(key) ?? [], call]);
  }
  return out;
}

/** Asserts a listing started without a token, sent each page's NextToken with the next call and stopped at the last page. */
async function expectTokenChain<I extends { NextToken?: string }>(calls: SentCall<I>[]): Promise<void> {
  expect(calls[0].input.NextToken).toBeUndefined();
  for (let i = 0; i < calls.length; i++) {
    const { NextToken } = await calls[i].output() as GetDatabasesResponse;
    if (i < calls.length - 1) {
      expect(NextToken).toEqual(expect.any(String));
      expect(calls[i + 1].input.NextToken).toBe(NextToken);
    } else {
      expect(NextToken).toBeUndefined();
    }
  }
}

describe('mocked Glue: paging of GetDatabases, GetTables and GetPartitions', () => {
  let aws: MockedAws;
  let lake: FakeLake;
  let report: Report;

  beforeAll(async () => {
    aws = mockAws();
    lake = new FakeLake(aws.glue, { databases: 2, tables: 2, partitions: 4 }).install();

    // Source: 5 databases (3 pages); sales has 5 tables (3 pages); orders 10 partitions (3 pages), clicks 6 (2 pages).
    const source = lake.region(SOURCE_REGION);
    source.addDatabase(...['analytics', 'finance', 'hr', 'marketing', 'sales'].map(n => database(n)));
    source.addTable(
      table('sales', 'customers', { partitionKeys: [] }),
      table('sales', 'orders'),
      table('sales', 'returns', { partitionKeys: [] }),
      table('sales', 'clicks'),
      view('sales', 'v_daily', 'SELECT dt, count(*) AS n FROM orders GROUP BY dt'),
      table('finance', 'ledger', { partitionKeys: [] }),
    );
    source.addPartitions(...dailyPartitions('sales', 'orders', 10), ...dailyPartitions('sales', 'clicks', 6));

    // Target: 4 databases (2 pages) with the extra "legacy" on page 2; sales has 4 tables (2 pages) with the
    // extra "tmp_export" on page 2; orders has the first 5 source partitions and an extra one on page 2.
    const target = lake.region(TARGET_REGION);
    target.addDatabase(...['finance', 'hr', 'legacy', 'sales'].map(n => database(n)));
    target.addTable(
      table('sales', 'customers', { partitionKeys: [] }),
      table('sales', 'orders'),
      table('sales', 'returns', { partitionKeys: [] }),
      table('sales', 'tmp_export', { partitionKeys: [] }),
      table('finance', 'ledger', { partitionKeys: [] }),
    );
    target.addPartitions(...dailyPartitions('sales', 'orders', 5), partition('sales', 'orders', ['2024-12-31']));

    const clients = new AwsClients({ maxAttempts: 1 });
    const scope = new Scope();
    report = await convergeGlue({
      mode: 'sync',
      source: new LiveCatalogSource(clients, SOURCE_REGION, scope),
      targetRegions: [TARGET_REGION],
      scope,
      prune: true,
      clients,
    });
    clients.destroy();
  });

  afterAll(() => aws.restore());

  test('mocked: the run records no failure', () => {
    expect(report.failures).toEqual([]);
  });

  test('mocked: every GetDatabases page is read on source and target, each call carrying the previous NextToken', async () => {
    const listings = byListing(await sent(aws.glue, GetDatabasesCommand), () => 'databases');
    expect([...listings.keys()].sort()).toEqual([`${SOURCE_REGION} databases`, `${TARGET_REGION} databases`]);
    expect(listings.get(`${SOURCE_REGION} databases`)).toHaveLength(3);
    expect(listings.get(`${TARGET_REGION} databases`)).toHaveLength(2);
    for (const calls of listings.values()) await expectTokenChain(calls);
    for (const call of await sent(aws.glue, GetDatabasesCommand)) expect(call.input.MaxResults).toBe(100);
  });

  test('mocked: every GetTables page is read on source and target, each call carrying the previous NextToken', async () => {
    const listings = byListing(await sent(aws.glue, GetTablesCommand), input => input.DatabaseName!);
    expect(Object.fromEntries([...listings].map(([k, calls]) => [k, calls.length]))).toEqual({
      [`${SOURCE_REGION} analytics`]: 1,
      [`${SOURCE_REGION} finance`]: 1,
      [`${SOURCE_REGION} hr`]: 1,
      [`${SOURCE_REGION} marketing`]: 1,
      [`${SOURCE_REGION} sales`]: 3,
      [`${TARGET_REGION} finance`]: 1,
      [`${TARGET_REGION} hr`]: 1,
      [`${TARGET_REGION} sales`]: 2,
    });
    for (const calls of listings.values()) await expectTokenChain(calls);
  });

  test('mocked: every GetPartitions page is read on source and target, with no Expression and no Segment', async () => {
    const calls = await sent(aws.glue, GetPartitionsCommand);
    const listings = byListing(calls, input => `${input.DatabaseName}.${input.TableName}`);
    expect(Object.fromEntries([...listings].map(([k, c]) => [k, c.length]))).toEqual({
      [`${SOURCE_REGION} sales.orders`]: 3,
      [`${SOURCE_REGION} sales.clicks`]: 2,
      [`${TARGET_REGION} sales.orders`]: 2,
    });
    for (const c of listings.values()) await expectTokenChain(c);
    for (const call of calls) {
      expect(call.input).not.toHaveProperty('Expression');
      expect(call.input.Segment).toBeUndefined();
      expect(call.input.MaxResults).toBe(1000);
    }
  });

  test('mocked: report.apiCalls counts one call per page and per write', () => {
    expect(report.apiCalls).toEqual({
      'glue:BatchCreatePartition': 2,
      'glue:BatchDeletePartition': 1,
      'glue:BatchDeleteTable': 1,
      // orders: each of its 3 source pages looked up in the target, then each of the target's 2 pages (prune) on the source.
      'glue:BatchGetPartition': 3 + 2,
      'glue:CreateDatabase': 2,
      'glue:CreateTable': 2,
      'glue:DeleteDatabase': 1,
      'glue:GetDatabases': 3 + 2,
      'glue:GetPartitions': 3 + 2 + 2,
      'glue:GetTables': 7 + 4,
      'sts:GetCallerIdentity': 1,
    });
    // No retries: the stub saw exactly the calls the engine counted.
    expect(aws.glue.commandCalls(GetTablesCommand)).toHaveLength(report.apiCalls['glue:GetTables']);
    expect(aws.glue.commandCalls(GetPartitionsCommand)).toHaveLength(report.apiCalls['glue:GetPartitions']);
  });

  test('mocked: objects from every source page are replicated', async () => {
    expect((await sent(aws.glue, CreateDatabaseCommand)).map(c => [c.region, c.input.DatabaseInput?.Name]))
      .toEqual([[TARGET_REGION, 'analytics'], [TARGET_REGION, 'marketing']]);
    const createdTables = await sent(aws.glue, CreateTableCommand);
    expect(createdTables.map(c => [c.region, c.input.DatabaseName, c.input.TableInput?.Name]).sort())
      .toEqual([[TARGET_REGION, 'sales', 'clicks'], [TARGET_REGION, 'sales', 'v_daily']]);
    for (const { input } of createdTables) {
      for (const outputOnly of ['CatalogId', 'CreateTime', 'UpdateTime', 'VersionId', 'DatabaseName', 'CreatedBy', 'IsRegisteredWithLakeFormation', 'IsMultiDialectView', 'LastAccessTime']) {
        expect(input.TableInput).not.toHaveProperty(outputOnly);
      }
    }

    const created = await sent(aws.glue, BatchCreatePartitionCommand);
    const createdValues = Object.fromEntries(created.map(c => [c.input.TableName, c.input.PartitionInputList!.map(p => p.Values![0])]));
    expect(createdValues).toEqual({
      orders: dailyPartitions('sales', 'orders', 5, 5).map(p => p.Values![0]),
      clicks: dailyPartitions('sales', 'clicks', 6).map(p => p.Values![0]),
    });
    for (const c of created) {
      expect(c.region).toBe(TARGET_REGION);
      for (const p of c.input.PartitionInputList!) {
        expect(p).not.toHaveProperty('CreationTime');
        expect(p).not.toHaveProperty('CatalogId');
        expect(p).not.toHaveProperty('DatabaseName');
      }
    }
    expect(aws.glue).not.toHaveReceivedCommand(UpdateDatabaseCommand);
    expect(aws.glue).not.toHaveReceivedCommand(UpdateTableCommand);
  });

  test('mocked: extras that only the last target page holds are found and pruned', async () => {
    expect((await sent(aws.glue, DeleteDatabaseCommand)).map(c => c.input.Name)).toEqual(['legacy']);
    expect(aws.glue).toHaveReceivedCommandWith(BatchDeleteTableCommand, { DatabaseName: 'sales', TablesToDelete: ['tmp_export'] });
    expect(aws.glue).toHaveReceivedCommandTimes(BatchDeleteTableCommand, 1);
    expect(aws.glue).toHaveReceivedCommandWith(BatchDeletePartitionCommand, {
      DatabaseName: 'sales', TableName: 'orders', PartitionsToDelete: [{ Values: ['2024-12-31'] }],
    });
    expect(aws.glue).toHaveReceivedCommandTimes(BatchDeletePartitionCommand, 1);
  });

  test('mocked: counts add up across pages', () => {
    expect(report.counts).toEqual({
      database: { created: 2, updated: 0, deleted: 1, unchanged: 3, failed: 0 },
      table: { created: 2, updated: 0, deleted: 1, unchanged: 4, failed: 0 },
      partition: { created: 11, updated: 0, deleted: 1, unchanged: 5, failed: 0 },
    });
  });
});
