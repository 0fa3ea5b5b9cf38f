import {
  BatchCreatePartitionCommand, BatchDeletePartitionCommand, BatchDeleteTableCommand, BatchGetPartitionCommand, BatchUpdatePartitionCommand,
  CreateTableCommand, DeleteDatabaseCommand, GetPartitionsCommand, UpdateTableCommand,
} from '@aws-sdk/client-glue';
import 'aws-sdk-client-mock-jest';
import { dailyPartitions, database, useFakeLake, recounted, table } from '../../support/fake-lake';
import { sent, sync, SOURCE_REGION, TARGET_REGION } from '../../support/sdk-harness';


describe('mocked Glue: batch limits', () => {
  const fx = useFakeLake(lake => {
    for (const region of [SOURCE_REGION, TARGET_REGION]) {
      lake.region(region).addDatabase(database('sales')).addTable(table('sales', 'orders'));
    }
  });

  test('mocked: 250 new partitions are created in BatchCreatePartition calls of at most 100', async () => {
    fx.lake.region(SOURCE_REGION).addPartitions(...dailyPartitions('sales', 'orders', 250));

    const report = await sync();

    const calls = await sent(fx.aws.glue, BatchCreatePartitionCommand);
    expect(calls.map(c => c.input.PartitionInputList!.length)).toEqual([100, 100, 50]);
    const values = calls.flatMap(c => c.input.PartitionInputList!.map(p => p.Values![0]));
    expect(values).toEqual(dailyPartitions('sales', 'orders', 250).map(p => p.Values![0]));
    for (const c of calls) expect(c.input).toMatchObject({ DatabaseName: 'sales', TableName: 'orders' });
    expect(report.counts.partition).toEqual({ created: 250, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
    expect(report.apiCalls['glue:BatchCreatePartition']).toBe(3);
  });

  test('mocked: a new partitioned table gets its 250 partitions in calls of at most 100 after CreateTable', async () => {
    fx.lake.region(SOURCE_REGION).addTable(table('sales', 'returns')).addPartitions(...dailyPartitions('sales', 'returns', 250));

    const report = await sync();

    expect(fx.aws.glue).toHaveReceivedCommandWith(CreateTableCommand, { DatabaseName: 'sales', TableInput: expect.objectContaining({ Name: 'returns' }) });
    const calls = (await sent(fx.aws.glue, BatchCreatePartitionCommand)).filter(c => c.input.TableName === 'returns');
    expect(calls.map(c => c.input.PartitionInputList!.length)).toEqual([100, 100, 50]);
    expect(report.counts.partition.created).toBe(250);
    expect(report.failures).toEqual([]);
  });

  test('mocked: 60 changed partitions are sent in one BatchUpdatePartition call keyed by their values', async () => {
    const current = dailyPartitions('sales', 'orders', 60);
    fx.lake.region(TARGET_REGION).addPartitions(...current);
    fx.lake.region(SOURCE_REGION).addPartitions(...recounted(current));

    const report = await sync();

    const calls = await sent(fx.aws.glue, BatchUpdatePartitionCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].input.Entries).toHaveLength(60);
    for (const entry of calls[0].input.Entries!) {
      expect(entry.PartitionValueList).toEqual(entry.PartitionInput!.Values);
      expect(entry.PartitionInput!.Parameters).toEqual({ numRows: '777', totalSize: '52311' });
      expect(entry.PartitionInput).not.toHaveProperty('CreationTime');
    }
    expect(report.counts.partition).toEqual({ created: 0, updated: 60, deleted: 0, unchanged: 0, failed: 0 });
    expect(fx.aws.glue).not.toHaveReceivedCommand(BatchCreatePartitionCommand);
    expect(fx.aws.glue).not.toHaveReceivedCommand(UpdateTableCommand);
  });

  test('mocked: 230 changed partitions are split into BatchUpdatePartition calls of at most 100', async () => {
    const current = dailyPartitions('sales', 'orders', 230);
    fx.lake.region(TARGET_REGION).addPartitions(...current);
    fx.lake.region(SOURCE_REGION).addPartitions(...recounted(current));

    const report = await sync();

    expect((await sent(fx.aws.glue, BatchUpdatePartitionCommand)).map(c => c.input.Entries!.length)).toEqual([100, 100, 30]);
    expect(report.counts.partition.updated).toBe(230);
  });

  test('mocked: with prune, 60 extra target partitions are deleted in BatchDeletePartition calls of at most 25', async () => {
    fx.lake.region(SOURCE_REGION).addPartitions(...dailyPartitions('sales', 'orders', 10));
    fx.lake.region(TARGET_REGION).addPartitions(...dailyPartitions('sales', 'orders', 70));

    const report = await sync({ prune: true });

    const calls = await sent(fx.aws.glue, BatchDeletePartitionCommand);
    expect(calls.map(c => c.input.PartitionsToDelete!.length)).toEqual([25, 25, 10]);
    const deleted = calls.flatMap(c => c.input.PartitionsToDelete!.map(p => p.Values![0]));
    expect(deleted).toEqual(dailyPartitions('sales', 'orders', 60, 10).map(p => p.Values![0]));
    for (const c of calls) expect(c.region).toBe(TARGET_REGION);
    expect(report.counts.partition).toEqual({ created: 0, updated: 0, deleted: 60, unchanged: 10, failed: 0 });
  });

  test('mocked: without prune, sync never lists the target\'s partitions: extras are kept and not warned about (it cannot know them)', async () => {
    fx.lake.region(SOURCE_REGION).addPartitions(...dailyPartitions('sales', 'orders', 10));
    fx.lake.region(TARGET_REGION).addPartitions(...dailyPartitions('sales', 'orders', 70));

    const report = await sync();

    expect(fx.aws.glue).not.toHaveReceivedCommand(BatchDeletePartitionCommand);
    expect((await sent(fx.aws.glue, GetPartitionsCommand)).map(c => c.region)).toEqual([SOURCE_REGION]);
    // The 10 source partitions are looked up in the target, by value, in one call.
    expect((await sent(fx.aws.glue, BatchGetPartitionCommand)).map(c => [c.region, c.input.PartitionsToGet!.length])).toEqual([[TARGET_REGION, 10]]);
    expect(report.counts.partition).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 10, failed: 0 });
    expect(report.warnings.filter(w => w.includes(' has partitions '))).toEqual([]);
    expect(fx.lake.region(TARGET_REGION).partitions.get('sales.orders')).toHaveLength(70);
  });

  test('mocked: verify lists the target\'s partitions and reports each of 60 extras as a difference, writing nothing', async () => {
    fx.lake.region(SOURCE_REGION).addPartitions(...dailyPartitions('sales', 'orders', 10));
    fx.lake.region(TARGET_REGION).addPartitions(...dailyPartitions('sales', 'orders', 70));

    const report = await sync({ mode: 'verify' });

    expect(fx.aws.glue).not.toHaveReceivedCommand(BatchDeletePartitionCommand);
    const extras = (report.differences ?? []).filter(d => d.kind === 'partition' && d.difference === 'extra').map(d => d.key);
    expect(extras.sort()).toEqual(dailyPartitions('sales', 'orders', 60, 10).map(p => `sales.orders/${JSON.stringify(p.Values)}`).sort());
    // The target's one page of 70 is tested against the source by value.
    expect((await sent(fx.aws.glue, BatchGetPartitionCommand)).map(c => [c.region, c.input.PartitionsToGet!.length]))
      .toEqual([[TARGET_REGION, 10], [SOURCE_REGION, 70]]);
  });

  test('mocked: with prune, extra target tables are deleted with BatchDeleteTable, at most 100 names a call', async () => {
    const extras = Array.from({ length: 130 }, (_, i) => `tmp_${String(i).padStart(3, '0')}`);
    fx.lake.region(TARGET_REGION).addTable(...extras.map(name => table('sales', name, { partitionKeys: [] })));

    const report = await sync({ prune: true });

    const calls = await sent(fx.aws.glue, BatchDeleteTableCommand);
    expect(calls.map(c => c.input.TablesToDelete!.length)).toEqual([100, 30]);
    expect(calls.flatMap(c => c.input.TablesToDelete)).toEqual(extras);
    for (const c of calls) expect(c.input.DatabaseName).toBe('sales');
    expect(report.counts.table).toEqual({ created: 0, updated: 0, deleted: 130, unchanged: 1, failed: 0 });
    expect(fx.aws.glue).not.toHaveReceivedCommand(DeleteDatabaseCommand);
  });

  test('mocked: plan counts the batches it would send but sends no write', async () => {
    fx.lake.region(SOURCE_REGION).addPartitions(...dailyPartitions('sales', 'orders', 250));
    fx.lake.region(TARGET_REGION).addTable(table('sales', 'tmp_old', { partitionKeys: [] }));

    const report = await sync({ mode: 'plan', prune: true });

    expect(fx.aws.glue).not.toHaveReceivedCommand(BatchCreatePartitionCommand);
    expect(fx.aws.glue).not.toHaveReceivedCommand(BatchDeleteTableCommand);
    expect(report.counts.partition.created).toBe(250);
    expect(report.counts.table.deleted).toBe(1);
    expect(report.differences).toContainEqual({ kind: 'table', key: 'sales.tmp_old', target: TARGET_REGION, difference: 'extra' });
  });
});
