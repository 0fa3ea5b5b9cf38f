import {
  AccessDeniedException, BatchCreatePartitionCommand, BatchDeletePartitionCommand, BatchDeleteTableCommand, CreateTableCommand,
  DeleteDatabaseCommand, GetDatabasesCommand, GetPartitionsCommand, GetTablesCommand, InternalServiceException, ThrottlingException,
} from '@aws-sdk/client-glue';
import type { CreateTableRequest, GetDatabasesRequest, GetPartitionsRequest, GetTablesRequest } from '@aws-sdk/client-glue';
import 'aws-sdk-client-mock-jest';
import { runEngine as runJob } from '../../../src/cli/run';
import { dailyPartitions, database, useFakeLake, NO_WRITES, table, writesSent } from '../../support/fake-lake';
import { regionOf, sent, sync, SOURCE_REGION, TARGET_REGION } from '../../support/sdk-harness';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));


describe('mocked Glue: failures are recorded per object and never make the replica silently wrong', () => {
  const fx = useFakeLake();

  test('mocked: CreateTable AccessDeniedException fails that table only; its partitions are not attempted', async () => {
    fx.lake.region(SOURCE_REGION).addDatabase(database('sales'))
      .addTable(table('sales', 'customers', { partitionKeys: [] }), table('sales', 'orders'), table('sales', 'events'))
      .addPartitions(...dailyPartitions('sales', 'orders', 5), ...dailyPartitions('sales', 'events', 3));
    fx.lake.region(TARGET_REGION).addDatabase(database('sales'));
    fx.aws.glue.on(CreateTableCommand).callsFake((input: CreateTableRequest) => {
      if (input.TableInput?.Name === 'orders') {
        throw new AccessDeniedException({
          message: 'Insufficient Lake Formation permission(s): Required Create Table on sales',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return {};
    });

    const report = await sync();

    expect(report.failures).toEqual([{
      kind: 'table',
      key: 'sales.orders',
      target: TARGET_REGION,
      error: 'AccessDeniedException: Insufficient Lake Formation permission(s): Required Create Table on sales; its partitions were not replicated',
    }]);
    expect(report.counts.table).toEqual({ created: 2, updated: 0, deleted: 0, unchanged: 0, failed: 1 });
    expect(report.counts.partition).toEqual({ created: 3, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
    expect((await sent(fx.aws.glue, CreateTableCommand)).map(c => c.input.TableInput?.Name).sort()).toEqual(['customers', 'events', 'orders']);
    const batches = await sent(fx.aws.glue, BatchCreatePartitionCommand);
    expect(batches.map(c => c.input.TableName)).toEqual(['events']);
    expect((await sent(fx.aws.glue, GetPartitionsCommand)).map(c => c.input.TableName)).not.toContain('orders');
  });

  test('mocked: source GetTables failing on the second page fails the database and, with prune, deletes nothing in it', async () => {
    fx.lake.region(SOURCE_REGION, { tables: 2 }).addDatabase(database('sales'), database('web'))
      .addTable(
        table('sales', 'customers', { partitionKeys: [] }), table('sales', 'returns', { partitionKeys: [] }),
        table('sales', 'orders'), table('sales', 'refunds'),
        table('web', 'events', { partitionKeys: [] }),
      );
    // The target has tables the source lists on its unreadable second page, and one the source lost.
    fx.lake.region(TARGET_REGION, { tables: 2 }).addDatabase(database('sales'), database('web'))
      .addTable(
        table('sales', 'customers', { partitionKeys: [] }), table('sales', 'returns', { partitionKeys: [] }),
        table('sales', 'orders'), table('sales', 'refunds'), table('sales', 'retired', { partitionKeys: [] }),
        table('web', 'events', { partitionKeys: [] }), table('web', 'tmp_sessions', { partitionKeys: [] }),
      )
      .addPartitions(...dailyPartitions('sales', 'orders', 4));
    fx.aws.glue.on(GetTablesCommand).callsFake(async (input: GetTablesRequest, getClient) => {
      const region = await regionOf(getClient());
      if (region === SOURCE_REGION && input.DatabaseName === 'sales' && input.NextToken) {
        await sleep(20); // let page 1's tables settle first (see the in-flight test below)
        throw new InternalServiceException({ message: 'Internal service error', $metadata: { httpStatusCode: 500 } });
      }
      return fx.lake.getTables(input, region);
    });

    const report = await sync({ prune: true });

    expect(report.failures).toEqual([{
      kind: 'database',
      key: 'sales',
      error: 'listing source tables failed, nothing was pruned in this database: InternalServiceException: Internal service error',
    }]);
    expect(fx.aws.glue).not.toHaveReceivedCommandWith(BatchDeleteTableCommand, { DatabaseName: 'sales' });
    expect(fx.aws.glue).not.toHaveReceivedCommand(BatchDeletePartitionCommand);
    expect(fx.aws.glue).not.toHaveReceivedCommand(DeleteDatabaseCommand);
    // A database listed in full is still pruned.
    expect((await sent(fx.aws.glue, BatchDeleteTableCommand)).map(c => c.input)).toEqual([{ DatabaseName: 'web', TablesToDelete: ['tmp_sessions'] }]);
    expect(report.counts.table).toEqual({ created: 0, updated: 0, deleted: 1, unchanged: 3, failed: 0 });
  });

  test('mocked: source GetDatabases failing on a later page prunes no database', async () => {
    fx.lake.region(SOURCE_REGION, { databases: 2 }).addDatabase(database('finance'), database('hr'), database('sales'));
    fx.lake.region(TARGET_REGION).addDatabase(database('finance'), database('hr'), database('sales'), database('legacy'));
    fx.aws.glue.on(GetDatabasesCommand).callsFake(async (input: GetDatabasesRequest, getClient) => {
      const region = await regionOf(getClient());
      if (region === SOURCE_REGION && input.NextToken) {
        await sleep(50);
        throw new AccessDeniedException({ message: 'User is not authorized to perform: glue:GetDatabases', $metadata: { httpStatusCode: 400 } });
      }
      return fx.lake.getDatabases(input, region);
    });

    const report = await sync({ prune: true });

    expect(report.failures).toEqual([{
      kind: 'database',
      key: '*',
      error: 'listing source databases failed, nothing was pruned: AccessDeniedException: User is not authorized to perform: glue:GetDatabases',
    }]);
    expect(fx.aws.glue).not.toHaveReceivedCommand(DeleteDatabaseCommand);
    expect(fx.aws.glue).not.toHaveReceivedCommand(BatchDeleteTableCommand);
    expect(fx.aws.glue).not.toHaveReceivedCommand(BatchDeletePartitionCommand);
    expect(report.counts.database).toMatchObject({ unchanged: 2, deleted: 0 });
  });

  test('mocked: source GetPartitions failing on the second page fails the table and prunes none of its partitions', async () => {
    fx.lake.region(SOURCE_REGION, { partitions: 4 }).addDatabase(database('sales')).addTable(table('sales', 'orders'))
      .addPartitions(...dailyPartitions('sales', 'orders', 10));
    fx.lake.region(TARGET_REGION).addDatabase(database('sales')).addTable(table('sales', 'orders'))
      .addPartitions(...dailyPartitions('sales', 'orders', 13));
    fx.aws.glue.on(GetPartitionsCommand).callsFake(async (input: GetPartitionsRequest, getClient) => {
      const region = await regionOf(getClient());
      if (region === SOURCE_REGION && input.NextToken) {
        throw new InternalServiceException({ message: 'Internal service error', $metadata: { httpStatusCode: 500 } });
      }
      return fx.lake.getPartitions(input, region);
    });

    const report = await sync({ prune: true });

    expect(report.failures).toEqual([{
      kind: 'table',
      key: 'sales.orders',
      error: 'listing source partitions failed, no partition of this table was pruned: InternalServiceException: Internal service error',
    }]);
    expect(fx.aws.glue).not.toHaveReceivedCommand(BatchDeletePartitionCommand);
    expect(report.counts.partition).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 4, failed: 0 });
  });

  // KNOWN BUG (src/engine/concurrency.ts forEachConcurrent): when the stream throws, Promise.all rejects at once
  // while other lanes are still inside worker(); replicate() returns (and runJob destroys its clients) with
  // tables still being written, and the report misses their counts. Remove `.failing` once it is fixed.
  test('mocked: when a listing fails, replicate() still waits for the tables already being written (KNOWN BUG)', async () => {
    fx.lake.region(SOURCE_REGION, { tables: 1 }).addDatabase(database('sales'))
      .addTable(table('sales', 'customers', { partitionKeys: [] }), table('sales', 'returns', { partitionKeys: [] }));
    fx.lake.region(TARGET_REGION).addDatabase(database('sales'));
    fx.aws.glue.on(GetTablesCommand).callsFake(async (input: GetTablesRequest, getClient) => {
      const region = await regionOf(getClient());
      if (region === SOURCE_REGION && input.NextToken) throw new InternalServiceException({ message: 'Internal service error', $metadata: { httpStatusCode: 500 } });
      return fx.lake.getTables(input, region);
    });
    let written = 0;
    fx.aws.glue.on(CreateTableCommand).callsFake(async () => {
      await sleep(100);
      written++;
      return {};
    });

    const report = await sync();
    const createdAtReturn = report.counts.table.created;
    await sleep(200); // let the straggler finish before the mocks are restored

    expect(written).toBe(1);
    expect(createdAtReturn).toBe(1);
  });

  test('mocked: a throttled GetTables is retried (adaptive retry, maxAttempts 2) and the run succeeds', async () => {
    fx.lake.region(SOURCE_REGION).addDatabase(database('sales')).addTable(table('sales', 'orders'), table('sales', 'returns', { partitionKeys: [] }))
      .addPartitions(...dailyPartitions('sales', 'orders', 3));
    fx.lake.region(TARGET_REGION).addDatabase(database('sales')).addTable(table('sales', 'returns', { partitionKeys: [] }), table('sales', 'stale', { partitionKeys: [] }));
    let throttled = 0;
    fx.aws.glue.on(GetTablesCommand).callsFake(async (input: GetTablesRequest, getClient) => {
      const region = await regionOf(getClient());
      if (region === SOURCE_REGION && throttled++ === 0) {
        throw new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
      }
      return fx.lake.getTables(input, region);
    });

    const report = await runJob({
      mode: 'sync',
      sourceRegion: SOURCE_REGION,
      targetRegions: [TARGET_REGION],
      scope: {},
      bucketMappings: [],
      prune: true,
      concurrency: 4,
      maxAttempts: 2,
    });

    expect(report.failures).toEqual([]);
    expect(report.counts.table).toEqual({ created: 1, updated: 0, deleted: 1, unchanged: 1, failed: 0 });
    expect(report.counts.partition.created).toBe(3);
    expect(fx.aws.glue).toHaveReceivedCommandWith(BatchDeleteTableCommand, { DatabaseName: 'sales', TablesToDelete: ['stale'] });
    // The engine counts the logical call once; the service saw the throttled attempt too.
    expect(report.apiCalls['glue:GetTables']).toBe(2);
    expect(fx.aws.glue.commandCalls(GetTablesCommand)).toHaveLength(3);
  });

  test('mocked: with maxAttempts 1 the same throttle is a recorded failure and nothing is pruned', async () => {
    fx.lake.region(SOURCE_REGION).addDatabase(database('sales')).addTable(table('sales', 'returns', { partitionKeys: [] }));
    fx.lake.region(TARGET_REGION).addDatabase(database('sales')).addTable(table('sales', 'stale', { partitionKeys: [] }));
    fx.aws.glue.on(GetTablesCommand).callsFake(async (input: GetTablesRequest, getClient) => {
      const region = await regionOf(getClient());
      if (region === SOURCE_REGION) throw new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
      return fx.lake.getTables(input, region);
    });

    const report = await sync({ prune: true, maxAttempts: 1 });

    expect(report.failures).toEqual([{
      kind: 'database', key: 'sales', error: 'listing source tables failed, nothing was pruned in this database: ThrottlingException: Rate exceeded',
    }]);
    expect(fx.aws.glue.commandCalls(GetTablesCommand).length).toBe(report.apiCalls['glue:GetTables']);
    expect(writesSent(fx.aws.glue)).toEqual(NO_WRITES);
  });

  // KNOWN GAP (src/engine/replicate.ts run()): target listings are awaited with Promise.all outside any try, so one
  // unreadable target Region rejects the whole run: no report, and the healthy targets are not replicated either.
  test('mocked: one target Region whose GetDatabases fails does not stop the other target (KNOWN GAP)', async () => {
    fx.lake.region(SOURCE_REGION).addDatabase(database('sales'));
    fx.lake.region(TARGET_REGION);
    fx.aws.glue.on(GetDatabasesCommand).callsFake(async (input: GetDatabasesRequest, getClient) => {
      const region = await regionOf(getClient());
      if (region === 'eu-west-1') throw new AccessDeniedException({ message: 'User is not authorized to perform: glue:GetDatabases', $metadata: { httpStatusCode: 400 } });
      return fx.lake.getDatabases(input, region);
    });

    const report = await sync({ targets: [TARGET_REGION, 'eu-west-1'] });

    expect(report.failures).toContainEqual(expect.objectContaining({ target: 'eu-west-1' }));
    expect(report.counts.database.created).toBe(1);
  });
});
