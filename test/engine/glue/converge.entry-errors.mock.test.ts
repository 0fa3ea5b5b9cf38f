import {
  BatchCreatePartitionCommand, BatchDeletePartitionCommand, BatchDeleteTableCommand, BatchUpdatePartitionCommand, InvalidInputException,
} from '@aws-sdk/client-glue';
import type {
  BatchCreatePartitionRequest, BatchDeletePartitionRequest, BatchDeleteTableRequest, BatchUpdatePartitionRequest,
} from '@aws-sdk/client-glue';
import 'aws-sdk-client-mock-jest';
import { dailyPartitions, database, useFakeLake, recounted, table } from '../../support/fake-lake';
import { sent, sync, SOURCE_REGION, TARGET_REGION } from '../../support/sdk-harness';


function day(i: number): string {
  return new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10);
}


describe('mocked Glue: per-entry errors in a 200 response', () => {
  const fx = useFakeLake(lake => {
    for (const region of [SOURCE_REGION, TARGET_REGION]) {
      lake.region(region)
        .addDatabase(database('sales'), database('web'))
        .addTable(table('sales', 'orders'), table('web', 'events'));
    }
  });

  test('mocked: BatchCreatePartition Errors fail only those partitions; the rest and other tables are created', async () => {
    fx.lake.region(SOURCE_REGION).addPartitions(...dailyPartitions('sales', 'orders', 10), ...dailyPartitions('web', 'events', 5));
    fx.aws.glue.on(BatchCreatePartitionCommand).callsFake((input: BatchCreatePartitionRequest) => ({
      Errors: input.TableName !== 'orders' ? [] : [
        { PartitionValues: [day(2)], ErrorDetail: { ErrorCode: 'InternalServiceException', ErrorMessage: 'Internal service error.' } },
        { PartitionValues: [day(7)], ErrorDetail: { ErrorCode: 'ResourceNumberLimitExceededException', ErrorMessage: 'Number of partitions exceeds the limit.' } },
      ],
    }));

    const report = await sync();

    expect(report.counts.partition).toEqual({ created: 8 + 5, updated: 0, deleted: 0, unchanged: 0, failed: 2 });
    expect(report.failures).toHaveLength(2);
    expect(report.failures).toEqual(expect.arrayContaining([
      { kind: 'partition', key: `sales.orders/["${day(2)}"]`, target: TARGET_REGION, error: 'InternalServiceException: Internal service error.' },
      { kind: 'partition', key: `sales.orders/["${day(7)}"]`, target: TARGET_REGION, error: 'ResourceNumberLimitExceededException: Number of partitions exceeds the limit.' },
    ]));
    expect(fx.aws.glue).toHaveReceivedCommandWith(BatchCreatePartitionCommand, { DatabaseName: 'web', TableName: 'events' });
    expect(report.counts.table.failed).toBe(0);
  });

  test('mocked: a BatchCreatePartition call that throws fails each of its partitions, and other tables still replicate', async () => {
    fx.lake.region(SOURCE_REGION).addPartitions(...dailyPartitions('sales', 'orders', 4), ...dailyPartitions('web', 'events', 3));
    fx.aws.glue.on(BatchCreatePartitionCommand, { TableName: 'orders' })
      .rejects(new InvalidInputException({ message: 'The column partition key dt does not match.', $metadata: { httpStatusCode: 400 } }));
    fx.aws.glue.on(BatchCreatePartitionCommand, { TableName: 'events' }).resolves({ Errors: [] });

    const report = await sync();

    expect(report.counts.partition).toEqual({ created: 3, updated: 0, deleted: 0, unchanged: 0, failed: 4 });
    expect(report.failures.map(f => f.key).sort()).toEqual([0, 1, 2, 3].map(i => `sales.orders/["${day(i)}"]`));
    for (const f of report.failures) expect(f).toMatchObject({ kind: 'partition', target: TARGET_REGION, error: 'InvalidInputException: The column partition key dt does not match.' });
  });

  test('mocked: BatchUpdatePartition Errors fail only those entries; the rest are counted updated', async () => {
    const current = [...dailyPartitions('sales', 'orders', 6), ...dailyPartitions('web', 'events', 2)];
    fx.lake.region(TARGET_REGION).addPartitions(...current);
    fx.lake.region(SOURCE_REGION).addPartitions(...recounted(current));
    fx.aws.glue.on(BatchUpdatePartitionCommand).callsFake((input: BatchUpdatePartitionRequest) => ({
      Errors: input.TableName !== 'orders' ? [] : [
        { PartitionValueList: [day(4)], ErrorDetail: { ErrorCode: 'ConcurrentModificationException', ErrorMessage: 'Partition was modified.' } },
      ],
    }));

    const report = await sync();

    expect(report.counts.partition).toEqual({ created: 0, updated: 5 + 2, deleted: 0, unchanged: 0, failed: 1 });
    expect(report.failures).toEqual([
      { kind: 'partition', key: `sales.orders/["${day(4)}"]`, target: TARGET_REGION, error: 'ConcurrentModificationException: Partition was modified.' },
    ]);
    expect(fx.aws.glue).toHaveReceivedCommandWith(BatchUpdatePartitionCommand, { DatabaseName: 'web', TableName: 'events' });
  });

  test('mocked: BatchDeletePartition Errors fail only those partitions', async () => {
    fx.lake.region(TARGET_REGION).addPartitions(...dailyPartitions('sales', 'orders', 30));
    fx.aws.glue.on(BatchDeletePartitionCommand).callsFake((input: BatchDeletePartitionRequest) => ({
      Errors: input.PartitionsToDelete!.some(p => p.Values![0] === day(26))
        ? [{ PartitionValues: [day(26)], ErrorDetail: { ErrorCode: 'AccessDeniedException', ErrorMessage: 'Insufficient Lake Formation permission(s).' } }]
        : [],
    }));

    const report = await sync({ prune: true });

    expect((await sent(fx.aws.glue, BatchDeletePartitionCommand)).map(c => c.input.PartitionsToDelete!.length)).toEqual([25, 5]);
    expect(report.counts.partition).toEqual({ created: 0, updated: 0, deleted: 29, unchanged: 0, failed: 1 });
    expect(report.failures).toEqual([
      { kind: 'partition', key: `sales.orders/["${day(26)}"]`, target: TARGET_REGION, error: 'AccessDeniedException: Insufficient Lake Formation permission(s).' },
    ]);
  });

  test('mocked: BatchDeleteTable Errors fail only those tables; other databases are still pruned', async () => {
    fx.lake.region(TARGET_REGION).addTable(
      ...['tmp_a', 'tmp_b', 'tmp_c'].map(n => table('sales', n, { partitionKeys: [] })),
      table('web', 'tmp_sessions', { partitionKeys: [] }),
    );
    fx.aws.glue.on(BatchDeleteTableCommand).callsFake((input: BatchDeleteTableRequest) => ({
      Errors: input.DatabaseName !== 'sales' ? [] : [
        { TableName: 'tmp_b', ErrorDetail: { ErrorCode: 'AccessDeniedException', ErrorMessage: 'Insufficient Lake Formation permission(s) on tmp_b' } },
      ],
    }));

    const report = await sync({ prune: true });

    expect(fx.aws.glue).toHaveReceivedCommandWith(BatchDeleteTableCommand, { DatabaseName: 'sales', TablesToDelete: ['tmp_a', 'tmp_b', 'tmp_c'] });
    expect(fx.aws.glue).toHaveReceivedCommandWith(BatchDeleteTableCommand, { DatabaseName: 'web', TablesToDelete: ['tmp_sessions'] });
    expect(report.counts.table).toEqual({ created: 0, updated: 0, deleted: 3, unchanged: 2, failed: 1 });
    expect(report.failures).toEqual([
      { kind: 'table', key: 'sales.tmp_b', target: TARGET_REGION, error: 'AccessDeniedException: Insufficient Lake Formation permission(s) on tmp_b' },
    ]);
  });
});
