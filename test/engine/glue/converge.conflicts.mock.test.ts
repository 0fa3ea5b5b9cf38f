import {
  AlreadyExistsException, BatchCreatePartitionCommand, BatchUpdatePartitionCommand, CreateDatabaseCommand, CreateTableCommand,
  EntityNotFoundException, UpdateTableCommand,
} from '@aws-sdk/client-glue';
import type { BatchCreatePartitionRequest, CreateDatabaseRequest, CreateTableRequest } from '@aws-sdk/client-glue';
import 'aws-sdk-client-mock-jest';
import { dailyPartitions, database, partition, recounted, table, useFakeLake } from '../../support/fake-lake';
import { sync, SOURCE_REGION, TARGET_REGION } from '../../support/sdk-harness';

// A write that reached Glue but whose answer was lost is retried by the SDK and refused as a conflict;
// so is a write racing another run. The converger re-reads the object and converges it: no failure.
const exists = (message: string) => new AlreadyExistsException({ message, $metadata: { httpStatusCode: 400 } });

describe('mocked Glue: idempotency conflicts converge instead of failing', () => {
  const fx = useFakeLake(lake => {
    lake.region(SOURCE_REGION).addDatabase(database('sales')).addTable(table('sales', 'orders'))
      .addPartitions(...dailyPartitions('sales', 'orders', 5));
    lake.persistWrites();
  });

  test('mocked: a CreateDatabase whose answer was lost is found there, and its tables and partitions are replicated', async () => {
    fx.aws.glue.on(CreateDatabaseCommand).callsFake((input: CreateDatabaseRequest) => {
      fx.lake.region(TARGET_REGION).addDatabase(database(input.DatabaseInput!.Name!));
      throw exists('Database already exists.');
    });

    const report = await sync();

    expect(report.failures).toEqual([]);
    expect(report.counts.database).toMatchObject({ created: 0, unchanged: 1, failed: 0 });
    expect(report.counts.table).toMatchObject({ created: 1, failed: 0 });
    expect(report.counts.partition).toMatchObject({ created: 5, failed: 0 });
  });

  test('mocked: a CreateTable whose answer was lost is found there, compared, and its partitions are replicated', async () => {
    fx.lake.region(TARGET_REGION).addDatabase(database('sales'));
    fx.aws.glue.on(CreateTableCommand).callsFake((input: CreateTableRequest) => {
      fx.lake.region(TARGET_REGION).addTable(table(input.DatabaseName!, input.TableInput!.Name!));
      throw exists('Table already exists.');
    });

    const report = await sync();

    expect(report.failures).toEqual([]);
    expect(report.counts.table).toMatchObject({ created: 0, unchanged: 1, failed: 0 });
    expect(report.counts.partition).toMatchObject({ created: 5, failed: 0 });
  });

  test('mocked: a table another writer created differently is updated, not failed', async () => {
    fx.lake.region(TARGET_REGION).addDatabase(database('sales'));
    fx.aws.glue.on(CreateTableCommand).callsFake((input: CreateTableRequest) => {
      fx.lake.region(TARGET_REGION).addTable({ ...table(input.DatabaseName!, input.TableInput!.Name!), Description: 'made by someone else' });
      throw exists('Table already exists.');
    });

    const report = await sync();

    expect(report.failures).toEqual([]);
    expect(report.counts.table).toMatchObject({ created: 0, updated: 1, failed: 0 });
    expect(fx.aws.glue).toHaveReceivedCommandTimes(UpdateTableCommand, 1);
  });

  test('mocked: an UpdateTable that finds the table gone creates it', async () => {
    fx.lake.region(TARGET_REGION).addDatabase(database('sales')).addTable({ ...table('sales', 'orders'), Description: 'old' });
    // The table vanishes between the listing and the update (another writer deleted it).
    fx.aws.glue.on(UpdateTableCommand).callsFake(() => {
      const tables = fx.lake.region(TARGET_REGION).tables.get('sales')!;
      tables.splice(0, tables.length);
      throw new EntityNotFoundException({ message: 'Table not found.', $metadata: { httpStatusCode: 400 } });
    });

    const report = await sync();

    expect(report.failures).toEqual([]);
    expect(report.counts.table).toMatchObject({ created: 1, updated: 0, failed: 0 });
  });

  test('mocked: BatchCreatePartition entries refused as existing are read again: equal ones unchanged, different ones updated', async () => {
    fx.lake.region(TARGET_REGION).addDatabase(database('sales')).addTable(table('sales', 'orders'));
    const source = dailyPartitions('sales', 'orders', 5);
    fx.aws.glue.on(BatchCreatePartitionCommand).callsFake((input: BatchCreatePartitionRequest) => {
      // The first two reached Glue on an earlier attempt (one as sent, one changed by someone else since).
      const [first, second] = input.PartitionInputList!;
      fx.lake.region(TARGET_REGION).addPartitions(
        partition('sales', 'orders', first.Values!, { Parameters: first.Parameters }),
        ...recounted([partition('sales', 'orders', second.Values!, { Parameters: second.Parameters })], '1'),
        ...source.slice(2).map(p => ({ ...p })),
      );
      return {
        Errors: input.PartitionInputList!.slice(0, 2).map(p => ({
          PartitionValues: p.Values, ErrorDetail: { ErrorCode: 'AlreadyExistsException', ErrorMessage: 'Partition already exists.' },
        })),
      };
    });
    fx.aws.glue.on(BatchUpdatePartitionCommand).resolves({ Errors: [] });

    const report = await sync();

    expect(report.failures).toEqual([]);
    expect(report.counts.partition).toEqual({ created: 3, updated: 1, deleted: 0, unchanged: 1, failed: 0 });
    expect(fx.aws.glue).toHaveReceivedCommandTimes(BatchUpdatePartitionCommand, 1);
  });
});
