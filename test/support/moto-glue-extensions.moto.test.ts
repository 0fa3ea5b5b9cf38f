import {
  AlreadyExistsException, BatchDeleteConnectionCommand, BatchGetTableOptimizerCommand, type Column, type ColumnStatistics,
  CreateCatalogCommand, CreateColumnStatisticsTaskSettingsCommand, CreateConnectionCommand, CreateDatabaseCommand,
  CreatePartitionCommand, CreatePartitionIndexCommand, CreateTableCommand, CreateTableOptimizerCommand,
  CreateUserDefinedFunctionCommand, DeleteCatalogCommand, DeleteColumnStatisticsForPartitionCommand,
  DeleteColumnStatisticsForTableCommand, DeleteColumnStatisticsTaskSettingsCommand, DeleteConnectionCommand,
  DeleteDatabaseCommand, DeletePartitionCommand, DeletePartitionIndexCommand, DeleteTableCommand, DeleteTableOptimizerCommand,
  DeleteUserDefinedFunctionCommand, EntityNotFoundException, GetCatalogCommand, GetCatalogsCommand, type GetCatalogsRequest,
  GetColumnStatisticsForPartitionCommand, GetColumnStatisticsForTableCommand, GetColumnStatisticsTaskSettingsCommand,
  GetConnectionCommand, GetConnectionsCommand, GetPartitionIndexesCommand, GetTableCommand, GetTableOptimizerCommand,
  GetTablesCommand, GetTagsCommand, GetUserDefinedFunctionCommand, GetUserDefinedFunctionsCommand,
  type GetUserDefinedFunctionsRequest, GlueClient, InvalidInputException, ListTableOptimizerRunsCommand,
  ResourceNumberLimitExceededException, StartColumnStatisticsTaskRunScheduleCommand, StopColumnStatisticsTaskRunScheduleCommand,
  type TableInput, UpdateCatalogCommand, UpdateColumnStatisticsForPartitionCommand, UpdateColumnStatisticsForTableCommand,
  UpdateColumnStatisticsTaskSettingsCommand, UpdateConnectionCommand, UpdateTableCommand, UpdateTableOptimizerCommand,
  UpdateUserDefinedFunctionCommand, type UserDefinedFunctionInput, type ViewDefinitionInput,
} from '@aws-sdk/client-glue';
import { TEST_CREDENTIALS, useMoto } from './moto';
import { addChildCatalog, failNextViewWrite, failPartitionIndexBackfill, setGluePageSize } from './moto-glue-extensions';

/**
 * moto extended with the Glue APIs it lacks, built from the documented request and response shapes
 * (test/support/moto-server): each operation driven through the real AWS SDK v3 Glue client, asserting the
 * state it keeps, its paging (pages of 2 unless a test says otherwise), its errors (mapped by the SDK to its
 * exception classes) and Glue's limits. Hooks stage what the API cannot: a failed index backfill, a failed
 * view write, a service-made child catalog.
 */

const moto = useMoto();
const ACCOUNT = '123456789012';
const glueIn = (region: string) =>
  new GlueClient({ region, endpoint: moto().endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
const glue = () => glueIn('us-east-1');

type ErrorClass = new (...args: never[]) => Error;
async function rejects(call: Promise<unknown>, error: ErrorClass, message?: RegExp): Promise<void> {
  const thrown = await call.then(() => undefined, (e: unknown) => e);
  expect(thrown).toBeInstanceOf(error);
  if (message) expect((thrown as Error).message).toMatch(message);
}

/** Every page of a listing, and how many calls it took. */
async function allPages<T>(fetchPage: (token?: string) => Promise<{ items?: T[]; next?: string }>): Promise<{ items: T[]; calls: number }> {
  const items: T[] = [];
  let calls = 0;
  let token: string | undefined;
  do {
    const { items: got, next } = await fetchPage(token);
    calls++;
    items.push(...got ?? []);
    token = next;
  } while (token);
  return { items, calls };
}

const col = (Name: string, Type: string): Column => ({ Name, Type });
const PARTITION_KEYS = [col('year', 'string'), col('month', 'int'), col('region', 'varchar(3)'), col('day', 'date'), col('ratio', 'double')];
const COLUMNS = [col('id', 'bigint'), col('name', 'string'), col('price', 'decimal(10,2)'), col('ok', 'boolean'), col('seen', 'date')];

async function database(name = 'sales'): Promise<void> {
  await glue().send(new CreateDatabaseCommand({ DatabaseInput: { Name: name } }));
}

async function table(name = 'orders', extra: Partial<TableInput> = {}, partitionIndexes?: { IndexName: string; Keys: string[] }[]): Promise<void> {
  await glue().send(new CreateTableCommand({
    DatabaseName: 'sales',
    TableInput: { Name: name, StorageDescriptor: { Columns: COLUMNS, Location: 's3://lake/orders/' }, PartitionKeys: PARTITION_KEYS, ...extra },
    PartitionIndexes: partitionIndexes,
  }));
}

describe('partition indexes', () => {
  const indexesOf = (TableName = 'orders') => allPages(async token => {
    const r = await glue().send(new GetPartitionIndexesCommand({ DatabaseName: 'sales', TableName, NextToken: token }));
    return { items: r.PartitionIndexDescriptorList, next: r.NextToken };
  });

  test('CreateTable keeps its PartitionIndexes; GetPartitionIndexes pages them with the partition keys\' types, ACTIVE', async () => {
    await database();
    await table('orders', {}, [
      { IndexName: 'by_year', Keys: ['year'] },
      { IndexName: 'by_month_region', Keys: ['month', 'region'] },
      { IndexName: 'by_day', Keys: ['day', 'year'] },
    ]);
    const { items, calls } = await indexesOf();
    expect(calls).toBe(2);
    expect(items).toEqual([
      { IndexName: 'by_year', Keys: [{ Name: 'year', Type: 'string' }], IndexStatus: 'ACTIVE' },
      { IndexName: 'by_month_region', Keys: [{ Name: 'month', Type: 'int' }, { Name: 'region', Type: 'varchar(3)' }], IndexStatus: 'ACTIVE' },
      { IndexName: 'by_day', Keys: [{ Name: 'day', Type: 'date' }, { Name: 'year', Type: 'string' }], IndexStatus: 'ACTIVE' },
    ]);
  });

  test('CreatePartitionIndex adds an index, at most 3 a table; DeletePartitionIndex removes one', async () => {
    await database();
    await table();
    const create = (IndexName: string, Keys: string[]) =>
      glue().send(new CreatePartitionIndexCommand({ DatabaseName: 'sales', TableName: 'orders', PartitionIndex: { IndexName, Keys } }));
    await create('i1', ['year']);
    await create('i2', ['month']);
    await rejects(create('i1', ['region']), AlreadyExistsException, /i1/);
    await create('i3', ['region']);
    await rejects(create('i4', ['day']), ResourceNumberLimitExceededException, /at most 3/);
    await glue().send(new DeletePartitionIndexCommand({ DatabaseName: 'sales', TableName: 'orders', IndexName: 'i2' }));
    await create('i4', ['day']);
    expect((await indexesOf()).items.map(i => i.IndexName)).toEqual(['i1', 'i3', 'i4']);
    await rejects(glue().send(new DeletePartitionIndexCommand({ DatabaseName: 'sales', TableName: 'orders', IndexName: 'i2' })),
      EntityNotFoundException, /i2/);
  });

  test('keys must be partition keys of an indexable type; a CreateTable with a bad index creates nothing', async () => {
    await database();
    await table();
    const create = (Keys: string[]) =>
      glue().send(new CreatePartitionIndexCommand({ DatabaseName: 'sales', TableName: 'orders', PartitionIndex: { IndexName: 'bad', Keys } }));
    await rejects(create(['id']), InvalidInputException, /id is not a partition key .*partition keys: year, month, region, day, ratio/);
    await rejects(create(['ratio']), InvalidInputException, /ratio has type double/);
    await rejects(create([]), InvalidInputException, /no Keys/);
    await rejects(table('other', {}, [{ IndexName: 'x', Keys: ['nope'] }]), InvalidInputException, /nope is not a partition key/);
    await rejects(glue().send(new GetTableCommand({ DatabaseName: 'sales', Name: 'other' })), EntityNotFoundException);
    await rejects(indexesOf('missing'), EntityNotFoundException);
  });

  test('deleting the table drops its indexes', async () => {
    await database();
    await table('orders', {}, [{ IndexName: 'by_year', Keys: ['year'] }]);
    await glue().send(new DeleteTableCommand({ DatabaseName: 'sales', Name: 'orders' }));
    await table();
    expect((await indexesOf()).items).toEqual([]);
  });

  test('the backfill-failure hook makes an index FAILED with BackfillErrors', async () => {
    await database();
    await table('orders', {}, [{ IndexName: 'by_year', Keys: ['year'] }, { IndexName: 'by_month', Keys: ['month'] }]);
    await failPartitionIndexBackfill(moto().endpoint, {
      database: 'sales', table: 'orders', index: 'by_month', code: 'MISSING_PARTITION_VALUE_ERROR', partitions: [['2024', '13']],
    });
    expect((await indexesOf()).items[1]).toEqual({
      IndexName: 'by_month',
      Keys: [{ Name: 'month', Type: 'int' }],
      IndexStatus: 'FAILED',
      BackfillErrors: [{ Code: 'MISSING_PARTITION_VALUE_ERROR', Partitions: [{ Values: ['2024', '13'] }] }],
    });
    await expect(failPartitionIndexBackfill(moto().endpoint, { database: 'sales', table: 'orders', index: 'nope' }))
      .rejects.toThrow(/404: partition index nope not found/);
  });

  test('a NextToken from another listing is refused', async () => {
    await database();
    await table('orders', {}, [{ IndexName: 'a', Keys: ['year'] }, { IndexName: 'b', Keys: ['month'] }, { IndexName: 'c', Keys: ['day'] }]);
    await table('other');
    const first = await glue().send(new GetPartitionIndexesCommand({ DatabaseName: 'sales', TableName: 'orders' }));
    expect(first.NextToken).toBeDefined();
    await rejects(glue().send(new GetPartitionIndexesCommand({ DatabaseName: 'sales', TableName: 'other', NextToken: first.NextToken })),
      InvalidInputException, /NextToken/);
  });
});

describe('user-defined functions', () => {
  const fn = (FunctionName: string, extra: Partial<UserDefinedFunctionInput> = {}): UserDefinedFunctionInput => ({
    FunctionName,
    ClassName: `com.example.${FunctionName}`,
    OwnerName: 'analyst',
    OwnerType: 'USER',
    FunctionType: 'REGULAR_FUNCTION',
    ResourceUris: [{ ResourceType: 'JAR', Uri: `s3://lake/udf/${FunctionName}.jar` }],
    ...extra,
  });
  const create = (DatabaseName: string, input: UserDefinedFunctionInput) =>
    glue().send(new CreateUserDefinedFunctionCommand({ DatabaseName, FunctionInput: input }));
  const list = (request: Omit<GetUserDefinedFunctionsRequest, 'NextToken'>) => allPages(async token => {
    const r = await glue().send(new GetUserDefinedFunctionsCommand({ ...request, NextToken: token }));
    return { items: r.UserDefinedFunctions, next: r.NextToken };
  });

  test('Create and Get: the read shape adds CreateTime, DatabaseName and CatalogId', async () => {
    await database();
    await create('sales', fn('fn_tax', { ArtifactLocation: 's3://lake/udf/', GovernanceMode: 'LAKE_FORMATION' }));
    const { UserDefinedFunction: got } = await glue().send(new GetUserDefinedFunctionCommand({ DatabaseName: 'sales', FunctionName: 'fn_tax' }));
    expect(got).toEqual({
      ...fn('fn_tax', { ArtifactLocation: 's3://lake/udf/', GovernanceMode: 'LAKE_FORMATION' }),
      DatabaseName: 'sales',
      CatalogId: ACCOUNT,
      CreateTime: expect.any(Date),
    });
    await rejects(create('sales', fn('fn_tax')), AlreadyExistsException, /fn_tax/);
    await rejects(create('missing', fn('x')), EntityNotFoundException);
    await rejects(glue().send(new GetUserDefinedFunctionCommand({ DatabaseName: 'sales', FunctionName: 'nope' })), EntityNotFoundException, /nope/);
  });

  test('GetUserDefinedFunctions pages one database or all, by Pattern and FunctionType', async () => {
    await database('sales');
    await database('ops');
    for (const name of ['fn_c', 'fn_a', 'fn_b']) await create('sales', fn(name));
    await create('sales', fn('agg_sum', { FunctionType: 'AGGREGATE_FUNCTION' }));
    await create('ops', fn('fn_ops'));
    const inSales = await list({ DatabaseName: 'sales', Pattern: '*' });
    expect(inSales.items.map(f => f.FunctionName)).toEqual(['agg_sum', 'fn_a', 'fn_b', 'fn_c']);
    expect(inSales.calls).toBe(2);
    expect((await list({ Pattern: 'fn_*' })).items.map(f => `${f.DatabaseName}.${f.FunctionName}`))
      .toEqual(['ops.fn_ops', 'sales.fn_a', 'sales.fn_b', 'sales.fn_c']);
    expect((await list({ Pattern: 'fn_[ab]' })).items.map(f => f.FunctionName)).toEqual(['fn_a', 'fn_b']);
    expect((await list({ Pattern: '.*', FunctionType: 'AGGREGATE_FUNCTION' })).items.map(f => f.FunctionName)).toEqual(['agg_sum']);
    const one = await glue().send(new GetUserDefinedFunctionsCommand({ Pattern: '*', MaxResults: 1 }));
    expect(one.UserDefinedFunctions).toHaveLength(1);
    await rejects(glue().send(new GetUserDefinedFunctionsCommand({ Pattern: '*', MaxResults: 101 })), InvalidInputException, /MaxResults/);
    await rejects(glue().send(new GetUserDefinedFunctionsCommand({} as never)), InvalidInputException, /Pattern is required/);
    await rejects(list({ DatabaseName: 'missing', Pattern: '*' }), EntityNotFoundException);
  });

  test('Update replaces (and can rename); Delete removes; DeleteDatabase drops the database\'s functions', async () => {
    await database();
    await create('sales', fn('fn_a'));
    await create('sales', fn('fn_b'));
    await glue().send(new UpdateUserDefinedFunctionCommand({ DatabaseName: 'sales', FunctionName: 'fn_a', FunctionInput: fn('fn_a', { ClassName: 'com.example.V2' }) }));
    expect((await glue().send(new GetUserDefinedFunctionCommand({ DatabaseName: 'sales', FunctionName: 'fn_a' }))).UserDefinedFunction?.ClassName)
      .toBe('com.example.V2');
    await rejects(glue().send(new UpdateUserDefinedFunctionCommand({ DatabaseName: 'sales', FunctionName: 'fn_a', FunctionInput: fn('fn_b') })),
      AlreadyExistsException);
    await glue().send(new UpdateUserDefinedFunctionCommand({ DatabaseName: 'sales', FunctionName: 'fn_a', FunctionInput: fn('fn_renamed') }));
    await glue().send(new DeleteUserDefinedFunctionCommand({ DatabaseName: 'sales', FunctionName: 'fn_b' }));
    expect((await list({ DatabaseName: 'sales', Pattern: '*' })).items.map(f => f.FunctionName)).toEqual(['fn_renamed']);
    await rejects(glue().send(new DeleteUserDefinedFunctionCommand({ DatabaseName: 'sales', FunctionName: 'fn_b' })), EntityNotFoundException);
    await rejects(glue().send(new UpdateUserDefinedFunctionCommand({ DatabaseName: 'sales', FunctionName: 'nope', FunctionInput: fn('nope') })),
      EntityNotFoundException);
    await glue().send(new DeleteDatabaseCommand({ Name: 'sales' }));
    await database();
    expect((await list({ Pattern: '*' })).items).toEqual([]);
  });
});

describe('column statistics', () => {
  const analyzed = new Date('2024-05-01T10:00:00.000Z');
  const longStats = (ColumnName: string): ColumnStatistics => ({
    ColumnName,
    ColumnType: 'bigint',
    AnalyzedTime: analyzed,
    StatisticsData: { Type: 'LONG', LongColumnStatisticsData: { MinimumValue: 1, MaximumValue: 99, NumberOfNulls: 0, NumberOfDistinctValues: 98 } },
  });
  const decimalStats: ColumnStatistics = {
    ColumnName: 'price',
    ColumnType: 'decimal(10,2)',
    AnalyzedTime: analyzed,
    StatisticsData: {
      Type: 'DECIMAL',
      DecimalColumnStatisticsData: {
        MinimumValue: { UnscaledValue: new Uint8Array([0x01, 0x2c]), Scale: 2 },
        MaximumValue: { UnscaledValue: new Uint8Array([0x7f, 0xff, 0x00]), Scale: 2 },
        NumberOfNulls: 3,
        NumberOfDistinctValues: 40,
      },
    },
  };
  const dateStats: ColumnStatistics = {
    ColumnName: 'seen',
    ColumnType: 'date',
    AnalyzedTime: analyzed,
    StatisticsData: {
      Type: 'DATE',
      DateColumnStatisticsData: { MinimumValue: new Date('2020-01-01T00:00:00Z'), MaximumValue: new Date('2024-04-30T00:00:00Z'), NumberOfNulls: 0, NumberOfDistinctValues: 1500 },
    },
  };
  const where = { DatabaseName: 'sales', TableName: 'orders' };
  const partition = { ...where, PartitionValues: ['2024', '5', 'eu', '2024-05-01', '0.5'] };

  beforeEach(async () => {
    await database();
    await table();
  });

  test('UpdateColumnStatisticsForTable stores good entries and answers the others in Errors; Get answers the rest in Errors', async () => {
    const unknownColumn = longStats('nope');
    const wrongData: ColumnStatistics = { ...longStats('name'), StatisticsData: { Type: 'STRING', LongColumnStatisticsData: longStats('x').StatisticsData!.LongColumnStatisticsData } };
    const updated = await glue().send(new UpdateColumnStatisticsForTableCommand({ ...where, ColumnStatisticsList: [longStats('id'), decimalStats, dateStats, unknownColumn, wrongData] }));
    expect(updated.Errors).toEqual([
      { ColumnStatistics: unknownColumn, Error: { ErrorCode: 'EntityNotFoundException', ErrorMessage: 'Column nope is not a column of table orders.' } },
      { ColumnStatistics: wrongData, Error: { ErrorCode: 'InvalidInputException', ErrorMessage: expect.stringMatching(/needs StringColumnStatisticsData/) } },
    ]);
    const got = await glue().send(new GetColumnStatisticsForTableCommand({ ...where, ColumnNames: ['id', 'price', 'seen', 'ok'] }));
    expect(got.ColumnStatisticsList).toEqual([longStats('id'), decimalStats, dateStats]);
    expect(got.Errors).toEqual([{ ColumnName: 'ok', Error: { ErrorCode: 'EntityNotFoundException', ErrorMessage: 'No statistics for column ok of table orders.' } }]);
  });

  test('limits: Update takes at most 25 entries, Get at most 100 column names', async () => {
    const wide = Array.from({ length: 26 }, (_, i) => col(`c${i}`, 'bigint'));
    await table('wide', { StorageDescriptor: { Columns: wide } });
    const entries = wide.map(c => longStats(c.Name!));
    const at = { DatabaseName: 'sales', TableName: 'wide' };
    await rejects(glue().send(new UpdateColumnStatisticsForTableCommand({ ...at, ColumnStatisticsList: entries })),
      InvalidInputException, /ColumnStatisticsList has 26 entries; at most 25/);
    expect((await glue().send(new UpdateColumnStatisticsForTableCommand({ ...at, ColumnStatisticsList: entries.slice(0, 25) }))).Errors).toEqual([]);
    const names = Array.from({ length: 101 }, (_, i) => `c${i}`);
    await rejects(glue().send(new GetColumnStatisticsForTableCommand({ ...at, ColumnNames: names })), InvalidInputException, /at most 100/);
    const hundred = await glue().send(new GetColumnStatisticsForTableCommand({ ...at, ColumnNames: names.slice(0, 100) }));
    expect([hundred.ColumnStatisticsList?.length, hundred.Errors?.length]).toEqual([25, 75]);
  });

  test('DeleteColumnStatisticsForTable removes one column\'s statistics', async () => {
    await glue().send(new UpdateColumnStatisticsForTableCommand({ ...where, ColumnStatisticsList: [longStats('id')] }));
    await glue().send(new DeleteColumnStatisticsForTableCommand({ ...where, ColumnName: 'id' }));
    expect((await glue().send(new GetColumnStatisticsForTableCommand({ ...where, ColumnNames: ['id'] }))).ColumnStatisticsList).toEqual([]);
    await rejects(glue().send(new DeleteColumnStatisticsForTableCommand({ ...where, ColumnName: 'id' })), EntityNotFoundException, /column id/);
    await rejects(glue().send(new GetColumnStatisticsForTableCommand({ ...where, TableName: 'missing', ColumnNames: ['id'] })), EntityNotFoundException);
  });

  test('partition statistics are the partition\'s own, and go with it', async () => {
    const partitionInput = { Values: partition.PartitionValues, StorageDescriptor: { Columns: COLUMNS } };
    await rejects(glue().send(new UpdateColumnStatisticsForPartitionCommand({ ...partition, ColumnStatisticsList: [longStats('id')] })), EntityNotFoundException);
    await glue().send(new CreatePartitionCommand({ ...where, PartitionInput: partitionInput }));
    await glue().send(new UpdateColumnStatisticsForTableCommand({ ...where, ColumnStatisticsList: [dateStats] }));
    await glue().send(new UpdateColumnStatisticsForPartitionCommand({ ...partition, ColumnStatisticsList: [longStats('id'), decimalStats] }));
    const got = await glue().send(new GetColumnStatisticsForPartitionCommand({ ...partition, ColumnNames: ['id', 'price', 'seen'] }));
    expect(got.ColumnStatisticsList).toEqual([longStats('id'), decimalStats]);
    expect(got.Errors?.map(e => e.ColumnName)).toEqual(['seen']);
    await glue().send(new DeleteColumnStatisticsForPartitionCommand({ ...partition, ColumnName: 'price' }));
    await rejects(glue().send(new DeleteColumnStatisticsForPartitionCommand({ ...partition, ColumnName: 'price' })), EntityNotFoundException);
    await glue().send(new DeletePartitionCommand({ ...where, PartitionValues: partition.PartitionValues }));
    await glue().send(new CreatePartitionCommand({ ...where, PartitionInput: partitionInput }));
    expect((await glue().send(new GetColumnStatisticsForPartitionCommand({ ...partition, ColumnNames: ['id'] }))).ColumnStatisticsList).toEqual([]);
    expect((await glue().send(new GetColumnStatisticsForTableCommand({ ...where, ColumnNames: ['seen'] }))).ColumnStatisticsList).toEqual([dateStats]);
  });
});

describe('column-statistics task settings', () => {
  const where = { DatabaseName: 'sales', TableName: 'orders' };
  const ROLE = 'arn:aws:iam::123456789012:role/stats';
  const settings = async () => (await glue().send(new GetColumnStatisticsTaskSettingsCommand(where))).ColumnStatisticsTaskSettings;

  beforeEach(async () => {
    await database();
    await table();
  });

  test('Create with a schedule is SCHEDULED; Stop and Start move the schedule; Update keeps its state', async () => {
    await glue().send(new CreateColumnStatisticsTaskSettingsCommand({
      ...where, Role: ROLE, Schedule: 'cron(0 2 * * ? *)', ColumnNameList: ['id', 'price'], SampleSize: 25, SecurityConfiguration: 'sec', Tags: { team: 'data' },
    }));
    expect(await settings()).toEqual({
      ...where,
      Role: ROLE,
      Schedule: { ScheduleExpression: 'cron(0 2 * * ? *)', State: 'SCHEDULED' },
      ScheduleType: 'CRON',
      ColumnNameList: ['id', 'price'],
      SampleSize: 25,
      SecurityConfiguration: 'sec',
      CatalogID: ACCOUNT,
      SettingSource: 'TABLE',
    });
    await glue().send(new StopColumnStatisticsTaskRunScheduleCommand(where));
    expect((await settings())?.Schedule?.State).toBe('NOT_SCHEDULED');
    await glue().send(new UpdateColumnStatisticsTaskSettingsCommand({ ...where, Schedule: 'cron(0 4 * * ? *)', SampleSize: 50 }));
    expect(await settings()).toMatchObject({ Schedule: { ScheduleExpression: 'cron(0 4 * * ? *)', State: 'NOT_SCHEDULED' }, SampleSize: 50, Role: ROLE });
    await glue().send(new StartColumnStatisticsTaskRunScheduleCommand(where));
    expect((await settings())?.Schedule?.State).toBe('SCHEDULED');
    await rejects(glue().send(new CreateColumnStatisticsTaskSettingsCommand({ ...where, Role: ROLE })), AlreadyExistsException);
    await glue().send(new DeleteColumnStatisticsTaskSettingsCommand(where));
    await rejects(settings(), EntityNotFoundException, /orders/);
    await rejects(glue().send(new StartColumnStatisticsTaskRunScheduleCommand(where)), EntityNotFoundException);
  });

  test('bad settings are InvalidInputException naming what is wrong', async () => {
    const create = (extra: object) => glue().send(new CreateColumnStatisticsTaskSettingsCommand({ ...where, Role: ROLE, ...extra }));
    await rejects(create({ Role: undefined }), InvalidInputException, /Role is required/);
    await rejects(create({ Schedule: 'every day' }), InvalidInputException, /'every day' is not a cron expression/);
    await rejects(create({ SampleSize: 120 }), InvalidInputException, /SampleSize 120/);
    await rejects(create({ ColumnNameList: ['id', 'nope'] }), InvalidInputException, /does not have: nope/);
    await create({});
    expect(await settings()).not.toHaveProperty('Schedule');
    await rejects(glue().send(new StartColumnStatisticsTaskRunScheduleCommand(where)), InvalidInputException, /no Schedule/);
    await rejects(glue().send(new CreateColumnStatisticsTaskSettingsCommand({ ...where, TableName: 'missing', Role: ROLE })), EntityNotFoundException);
  });
});

describe('table optimizers', () => {
  const where = { CatalogId: ACCOUNT, DatabaseName: 'sales', TableName: 'events' };
  const compaction = { roleArn: 'arn:aws:iam::123456789012:role/opt', enabled: true, compactionConfiguration: { icebergConfiguration: { strategy: 'binpack' as const, minInputFiles: 50 } } };
  const retention = { roleArn: 'arn:aws:iam::123456789012:role/opt', enabled: false, retentionConfiguration: { icebergConfiguration: { snapshotRetentionPeriodInDays: 7, numberOfSnapshotsToRetain: 3, cleanExpiredFiles: true } } };
  const orphans = {
    roleArn: 'arn:aws:iam::123456789012:role/opt',
    enabled: true,
    vpcConfiguration: { glueConnectionName: 'vpc' },
    orphanFileDeletionConfiguration: { icebergConfiguration: { orphanFileRetentionPeriodInDays: 3, location: 's3://lake/events/' } },
  };

  beforeEach(async () => {
    await database();
    await table('events', { Parameters: { table_type: 'ICEBERG', metadata_location: 's3://lake/events/metadata/1.json' } });
  });

  test('Create/Get/Update/Delete one optimizer per type; BatchGet answers missing ones in Failures; runs list empty', async () => {
    await glue().send(new CreateTableOptimizerCommand({ ...where, Type: 'compaction', TableOptimizerConfiguration: compaction }));
    await glue().send(new CreateTableOptimizerCommand({ ...where, Type: 'retention', TableOptimizerConfiguration: retention }));
    await glue().send(new CreateTableOptimizerCommand({ ...where, Type: 'orphan_file_deletion', TableOptimizerConfiguration: orphans }));
    expect(await glue().send(new GetTableOptimizerCommand({ ...where, Type: 'orphan_file_deletion' }))).toMatchObject({
      ...where, TableOptimizer: { type: 'orphan_file_deletion', configuration: orphans, configurationSource: 'table' },
    });
    await rejects(glue().send(new CreateTableOptimizerCommand({ ...where, Type: 'compaction', TableOptimizerConfiguration: compaction })), AlreadyExistsException);
    await glue().send(new UpdateTableOptimizerCommand({ ...where, Type: 'retention', TableOptimizerConfiguration: { ...retention, enabled: true } }));
    await glue().send(new DeleteTableOptimizerCommand({ ...where, Type: 'compaction' }));
    const batch = await glue().send(new BatchGetTableOptimizerCommand({
      Entries: ['compaction', 'retention'].map(type => ({ catalogId: ACCOUNT, databaseName: 'sales', tableName: 'events', type: type as 'compaction' })),
    }));
    expect(batch.TableOptimizers).toEqual([{
      catalogId: ACCOUNT,
      databaseName: 'sales',
      tableName: 'events',
      tableOptimizer: { type: 'retention', configuration: { ...retention, enabled: true }, configurationSource: 'table' },
    }]);
    expect(batch.Failures).toEqual([{
      catalogId: ACCOUNT,
      databaseName: 'sales',
      tableName: 'events',
      type: 'compaction',
      error: { ErrorCode: 'EntityNotFoundException', ErrorMessage: 'No compaction optimizer on table events.' },
    }]);
    expect(await glue().send(new ListTableOptimizerRunsCommand({ ...where, Type: 'retention' }))).toMatchObject({ ...where, TableOptimizerRuns: [] });
    await rejects(glue().send(new GetTableOptimizerCommand({ ...where, Type: 'compaction' })), EntityNotFoundException);
    await rejects(glue().send(new ListTableOptimizerRunsCommand({ ...where, Type: 'compaction' })), EntityNotFoundException);
  });

  test('only Iceberg tables, only the three types', async () => {
    await table('plain');
    await rejects(glue().send(new CreateTableOptimizerCommand({ ...where, TableName: 'plain', Type: 'compaction', TableOptimizerConfiguration: compaction })),
      InvalidInputException, /plain is not an Iceberg table/);
    await rejects(glue().send(new CreateTableOptimizerCommand({ ...where, Type: 'vacuum' as never, TableOptimizerConfiguration: compaction })),
      InvalidInputException, /'vacuum' is not valid; allowed: compaction, retention, orphan_file_deletion/);
    await rejects(glue().send(new GetTableOptimizerCommand({ ...where, TableName: 'missing', Type: 'compaction' })), EntityNotFoundException);
  });
});

describe('catalogs', () => {
  const federated = {
    Description: 'orders in Redshift',
    FederatedCatalog: { Identifier: 'arn:aws:redshift:us-east-1:123456789012:namespace:abc', ConnectionName: 'redshift-conn', ConnectionType: 'REDSHIFT' },
    Parameters: { owner: 'data' },
    CatalogProperties: {
      DataLakeAccessProperties: { DataLakeAccess: true, DataTransferRole: 'arn:aws:iam::123456789012:role/transfer', CatalogType: 'aws:redshift' },
      IcebergOptimizationProperties: { RoleArn: 'arn:aws:iam::123456789012:role/opt', Compaction: { enabled: 'true' }, Retention: { snapshotRetentionPeriodInDays: '5' } },
      CustomProperties: { 'ColumnStatistics.Enabled': 'true' },
    },
    CreateTableDefaultPermissions: [],
    CreateDatabaseDefaultPermissions: [{ Principal: { DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS' }, Permissions: ['ALL' as const] }],
    AllowFullTableExternalDataAccess: 'False' as const,
  };
  const catalogs = (request: Omit<GetCatalogsRequest, 'NextToken'> = {}) => allPages(async token => {
    const r = await glue().send(new GetCatalogsCommand({ ...request, NextToken: token }));
    return { items: r.CatalogList, next: r.NextToken };
  });

  async function connection(): Promise<void> {
    await glue().send(new CreateConnectionCommand({
      ConnectionInput: { Name: 'redshift-conn', ConnectionType: 'JDBC', ConnectionProperties: { JDBC_CONNECTION_URL: 'jdbc:redshift://x:5439/dev' } },
    }));
  }

  test('CreateCatalog keeps the CatalogInput; GetCatalog takes the name or <account>:<name>', async () => {
    await connection();
    await glue().send(new CreateCatalogCommand({ Name: 'orders_rs', CatalogInput: federated, Tags: { team: 'data' } }));
    const { Catalog: got } = await glue().send(new GetCatalogCommand({ CatalogId: 'orders_rs' }));
    const arn = `arn:aws:glue:us-east-1:${ACCOUNT}:catalog/orders_rs`;
    expect(got).toEqual({
      ...federated,
      CatalogId: `${ACCOUNT}:orders_rs`,
      Name: 'orders_rs',
      ResourceArn: arn,
      CreateTime: expect.any(Date),
      UpdateTime: expect.any(Date),
      CatalogProperties: {
        ...federated.CatalogProperties,
        IcebergOptimizationProperties: { ...federated.CatalogProperties.IcebergOptimizationProperties, LastUpdatedTime: expect.any(Date) },
      },
    });
    expect((await glue().send(new GetCatalogCommand({ CatalogId: `${ACCOUNT}:orders_rs` }))).Catalog).toEqual(got);
    expect((await glue().send(new GetTagsCommand({ ResourceArn: arn }))).Tags).toEqual({ team: 'data' });
    await rejects(glue().send(new CreateCatalogCommand({ Name: 'orders_rs', CatalogInput: {} })), AlreadyExistsException);
    await rejects(glue().send(new GetCatalogCommand({ CatalogId: 'nope' })), EntityNotFoundException, /nope/);
    await rejects(glueIn('us-west-2').send(new GetCatalogCommand({ CatalogId: 'orders_rs' })), EntityNotFoundException);
  });

  test('names and connections are checked', async () => {
    const create = (Name: string, CatalogInput: object = {}) => glue().send(new CreateCatalogCommand({ Name, CatalogInput }));
    for (const bad of ['a/b', 'a.b', 'aws:x', ACCOUNT, 'x'.repeat(65)]) await rejects(create(bad), InvalidInputException, /Catalog name/);
    await rejects(create('fed', { FederatedCatalog: { Identifier: 'x', ConnectionName: 'missing-conn' } }), EntityNotFoundException, /missing-conn/);
    await create('s3tables', { FederatedCatalog: { Identifier: 'arn:aws:s3tables:us-east-1:123456789012:bucket/*', ConnectionName: 'aws:s3tables' } });
    await rejects(create('bad_flag', { AllowFullTableExternalDataAccess: 'Yes' }), InvalidInputException, /AllowFullTableExternalDataAccess/);
  });

  test('GetCatalogs pages top-level catalogs; Recursive, ParentCatalogId, IncludeRoot and HasDatabases', async () => {
    for (const name of ['c_three', 'c_one', 'c_two']) await glue().send(new CreateCatalogCommand({ Name: name, CatalogInput: {} }));
    await addChildCatalog(moto().endpoint, { parent: 'c_one', name: 'child_b' });
    await addChildCatalog(moto().endpoint, { parent: `${ACCOUNT}:c_one`, name: 'child_a', catalogInput: { Description: 'made by a service' } });
    await addChildCatalog(moto().endpoint, { parent: 'c_one/child_a', name: 'grandchild' });
    const ids = (list: { CatalogId?: string }[]) => list.map(c => c.CatalogId);
    const top = await catalogs();
    expect(ids(top.items)).toEqual([`${ACCOUNT}:c_one`, `${ACCOUNT}:c_three`, `${ACCOUNT}:c_two`]);
    expect(top.calls).toBe(2);
    expect(ids((await catalogs({ Recursive: true })).items))
      .toEqual(['c_one', 'c_one/child_a', 'c_one/child_a/grandchild', 'c_one/child_b', 'c_three', 'c_two'].map(p => `${ACCOUNT}:${p}`));
    const children = (await catalogs({ ParentCatalogId: 'c_one' })).items;
    expect(children.map(c => [c.Name, c.CatalogId, c.Description])).toEqual([
      ['child_a', `${ACCOUNT}:c_one/child_a`, 'made by a service'], ['child_b', `${ACCOUNT}:c_one/child_b`, undefined],
    ]);
    expect(children[0].ResourceArn).toBe(`arn:aws:glue:us-east-1:${ACCOUNT}:catalog/c_one/child_a`);
    expect((await catalogs({ IncludeRoot: true })).items[0]).toEqual({ CatalogId: ACCOUNT, Name: ACCOUNT, ResourceArn: `arn:aws:glue:us-east-1:${ACCOUNT}:catalog` });
    expect(ids((await catalogs({ Recursive: true, HasDatabases: true })).items))
      .toEqual(['c_one/child_a/grandchild', 'c_one/child_b', 'c_three', 'c_two'].map(p => `${ACCOUNT}:${p}`));
    await rejects(glue().send(new GetCatalogsCommand({ ParentCatalogId: 'c_one', IncludeRoot: false })), InvalidInputException, /IncludeRoot/);
    await rejects(glue().send(new GetCatalogsCommand({ ParentCatalogId: 'nope' })), EntityNotFoundException);
    await rejects(glue().send(new GetCatalogsCommand({ MaxResults: 1001 })), InvalidInputException, /MaxResults/);
    await expect(addChildCatalog(moto().endpoint, { parent: 'nope', name: 'x' })).rejects.toThrow(/404: parent catalog nope not found/);
  });

  test('UpdateCatalog replaces the input; DeleteCatalog deletes the catalog and its children', async () => {
    await connection();
    await glue().send(new CreateCatalogCommand({ Name: 'orders_rs', CatalogInput: federated }));
    await addChildCatalog(moto().endpoint, { parent: 'orders_rs', name: 'dev' });
    const before = (await glue().send(new GetCatalogCommand({ CatalogId: 'orders_rs' }))).Catalog!;
    await new Promise(r => setTimeout(r, 5));
    await glue().send(new UpdateCatalogCommand({ CatalogId: 'orders_rs', CatalogInput: { Description: 'now plain', Parameters: { v: '2' } } }));
    const after = (await glue().send(new GetCatalogCommand({ CatalogId: `${ACCOUNT}:orders_rs` }))).Catalog!;
    expect(after).toEqual({
      CatalogId: `${ACCOUNT}:orders_rs`,
      Name: 'orders_rs',
      ResourceArn: before.ResourceArn,
      Description: 'now plain',
      Parameters: { v: '2' },
      CreateTime: before.CreateTime,
      UpdateTime: expect.any(Date),
    });
    expect(after.UpdateTime!.getTime()).toBeGreaterThan(before.UpdateTime!.getTime());
    await rejects(glue().send(new UpdateCatalogCommand({ CatalogId: 'nope', CatalogInput: {} })), EntityNotFoundException);
    await glue().send(new DeleteCatalogCommand({ CatalogId: 'orders_rs' }));
    expect((await catalogs({ Recursive: true })).items).toEqual([]);
    await rejects(glue().send(new DeleteCatalogCommand({ CatalogId: 'orders_rs' })), EntityNotFoundException);
  });
});

describe('connections (moto\'s, completed)', () => {
  const input = (Name: string, url = 'jdbc:postgresql://db:5432/sales') => ({
    Name,
    ConnectionType: 'JDBC' as const,
    MatchCriteria: ['sales'],
    Description: `the ${Name} database`,
    ConnectionProperties: { JDBC_CONNECTION_URL: url, USERNAME: 'etl', PASSWORD: 'secret' },
  });

  test('Get answers ConnectionType and MatchCriteria; Update, Delete and BatchDelete work', async () => {
    await glue().send(new CreateConnectionCommand({ ConnectionInput: input('pg') }));
    await glue().send(new CreateConnectionCommand({ ConnectionInput: input('pg2') }));
    await glue().send(new CreateConnectionCommand({ ConnectionInput: input('pg3') }));
    const { Connection: got } = await glue().send(new GetConnectionCommand({ Name: 'pg', HidePassword: true }));
    expect(got).toMatchObject({
      Name: 'pg',
      ConnectionType: 'JDBC',
      MatchCriteria: ['sales'],
      Description: 'the pg database',
      ConnectionProperties: { JDBC_CONNECTION_URL: 'jdbc:postgresql://db:5432/sales', USERNAME: 'etl' },
      CreationTime: expect.any(Date),
    });
    expect(got?.ConnectionProperties).not.toHaveProperty('PASSWORD');
    const firstPage = await glue().send(new GetConnectionsCommand({ MaxResults: 2 }));
    expect([firstPage.ConnectionList?.map(c => c.ConnectionType), firstPage.NextToken !== undefined]).toEqual([['JDBC', 'JDBC'], true]);
    await glue().send(new UpdateConnectionCommand({ Name: 'pg', ConnectionInput: input('pg_renamed', 'jdbc:postgresql://db2:5432/sales') }));
    await rejects(glue().send(new GetConnectionCommand({ Name: 'pg' })), EntityNotFoundException);
    expect((await glue().send(new GetConnectionCommand({ Name: 'pg_renamed' }))).Connection?.ConnectionProperties?.JDBC_CONNECTION_URL)
      .toBe('jdbc:postgresql://db2:5432/sales');
    await rejects(glue().send(new UpdateConnectionCommand({ Name: 'pg2', ConnectionInput: input('pg3') })), AlreadyExistsException);
    await glue().send(new DeleteConnectionCommand({ ConnectionName: 'pg_renamed' }));
    await rejects(glue().send(new DeleteConnectionCommand({ ConnectionName: 'pg_renamed' })), EntityNotFoundException);
    const batch = await glue().send(new BatchDeleteConnectionCommand({ ConnectionNameList: ['pg2', 'nope', 'pg3'] }));
    expect(batch).toMatchObject({ Succeeded: ['pg2', 'pg3'], Errors: { nope: { ErrorCode: 'EntityNotFoundException', ErrorMessage: 'Connection nope not found.' } } });
    await rejects(glue().send(new BatchDeleteConnectionCommand({ ConnectionNameList: Array.from({ length: 26 }, (_, i) => `c${i}`) })),
      InvalidInputException, /at most 25/);
    expect((await glue().send(new GetConnectionsCommand({}))).ConnectionList).toEqual([]);
  });
});

describe('multi-dialect views: asynchronous writes shown in Table.Status', () => {
  const DEFINER = 'arn:aws:iam::123456789012:role/view-definer';
  const athena = { Dialect: 'ATHENA' as const, DialectVersion: '3', ViewOriginalText: 'SELECT id FROM orders', ViewExpandedText: 'SELECT "id" FROM "sales"."orders"' };
  const spark = { Dialect: 'SPARK' as const, DialectVersion: '3.5', ViewOriginalText: 'SELECT id FROM sales.orders' };
  const redshift = { Dialect: 'REDSHIFT' as const, DialectVersion: '1.0', ViewOriginalText: 'SELECT id FROM "sales"."orders"', ValidationConnection: 'rs' };
  const view = (definition: ViewDefinitionInput, extra: Partial<TableInput> = {}): TableInput => ({
    Name: 'v_orders', TableType: 'VIRTUAL_VIEW', StorageDescriptor: { Columns: [col('id', 'bigint')] }, ViewDefinition: definition, ...extra,
  });
  const read = (IncludeStatusDetails?: boolean) => glue().send(new GetTableCommand({ DatabaseName: 'sales', Name: 'v_orders', IncludeStatusDetails }));

  beforeEach(() => database());

  test('CreateTable: the first read is QUEUED, later reads SUCCESS; the ViewDefinition is kept verbatim', async () => {
    const definition = { IsProtected: true, Definer: DEFINER, Representations: [athena, spark], SubObjects: [`arn:aws:glue:us-east-1:${ACCOUNT}:table/sales/orders`] };
    await glue().send(new CreateTableCommand({ DatabaseName: 'sales', TableInput: view(definition) }));
    const first = (await read()).Table!;
    expect(first.Status).toEqual({
      RequestedBy: `arn:aws:sts::${ACCOUNT}:user/moto`,
      UpdatedBy: `arn:aws:sts::${ACCOUNT}:user/moto`,
      RequestTime: expect.any(Date),
      UpdateTime: expect.any(Date),
      Action: 'CREATE',
      State: 'QUEUED',
    });
    const second = (await read(true)).Table!;
    expect(second.Status).toMatchObject({ Action: 'CREATE', State: 'SUCCESS' });
    expect(second.Status?.Details?.ViewValidations).toEqual([
      { Dialect: 'ATHENA', DialectVersion: '3', ViewValidationText: athena.ViewOriginalText, UpdateTime: expect.any(Date), State: 'SUCCESS' },
      { Dialect: 'SPARK', DialectVersion: '3.5', ViewValidationText: spark.ViewOriginalText, UpdateTime: expect.any(Date), State: 'SUCCESS' },
    ]);
    expect(second.Status?.Details?.RequestedChange?.ViewDefinition).toEqual(definition);
    expect(second).toMatchObject({ ViewDefinition: definition, IsMultiDialectView: true, IsMaterializedView: false });
    const listed = await glue().send(new GetTablesCommand({ DatabaseName: 'sales' }));
    expect(listed.TableList?.[0].Status?.State).toBe('SUCCESS');
  });

  test('an armed failure: an UPDATE is QUEUED then FAILED with its Error, and the table keeps its previous definition', async () => {
    await glue().send(new CreateTableCommand({ DatabaseName: 'sales', TableInput: view({ Definer: DEFINER, Representations: [athena] }) }));
    await read();
    await failNextViewWrite(moto().endpoint, { database: 'sales', table: 'v_orders', errorCode: 'InvalidInputException', errorMessage: 'SPARK: table sales.nope not found' });
    await glue().send(new UpdateTableCommand({
      DatabaseName: 'sales', ViewUpdateAction: 'ADD', TableInput: view({ Definer: DEFINER, Representations: [spark] }),
    }));
    const queued = (await read()).Table!;
    expect([queued.Status?.Action, queued.Status?.State, queued.ViewDefinition?.Representations?.map(r => r.Dialect)]).toEqual(['UPDATE', 'QUEUED', ['ATHENA']]);
    const failed = (await read(true)).Table!;
    const error = { ErrorCode: 'InvalidInputException', ErrorMessage: 'SPARK: table sales.nope not found' };
    expect(failed.Status).toMatchObject({ Action: 'UPDATE', State: 'FAILED', Error: error });
    expect(failed.ViewDefinition?.Representations?.map(r => r.Dialect)).toEqual(['ATHENA']);
    expect(failed.Status?.Details?.RequestedChange?.ViewDefinition?.Representations?.map(r => r.Dialect)).toEqual(['ATHENA', 'SPARK']);
    expect(failed.Status?.Details?.ViewValidations?.map(v => [v.Dialect, v.State, v.Error])).toEqual([['ATHENA', 'FAILED', error], ['SPARK', 'FAILED', error]]);
    expect((await read()).Table?.VersionId).toBe('1');
  });

  test('a failed CREATE stays, FAILED', async () => {
    await failNextViewWrite(moto().endpoint, { database: 'sales', table: 'v_orders' });
    await glue().send(new CreateTableCommand({ DatabaseName: 'sales', TableInput: view({ Definer: DEFINER, Representations: [athena] }) }));
    await read();
    expect((await read()).Table?.Status).toMatchObject({ Action: 'CREATE', State: 'FAILED', Error: { ErrorCode: 'InvalidInputException' } });
  });

  test('ViewUpdateAction merges representations by dialect', async () => {
    await glue().send(new CreateTableCommand({ DatabaseName: 'sales', TableInput: view({ Definer: DEFINER, Representations: [athena, spark] }) }));
    const update = (ViewUpdateAction: 'ADD' | 'REPLACE' | 'ADD_OR_REPLACE' | 'DROP', Representations: object[]) =>
      glue().send(new UpdateTableCommand({ DatabaseName: 'sales', ViewUpdateAction, TableInput: view({ Definer: DEFINER, Representations }) }));
    const dialects = async () => { await read(); return (await read()).Table?.ViewDefinition?.Representations?.map(r => `${r.Dialect} ${r.DialectVersion}`); };
    await rejects(update('ADD', [athena]), InvalidInputException, /already has a ATHENA representation/);
    await rejects(update('REPLACE', [redshift]), InvalidInputException, /has no REDSHIFT representation/);
    await update('ADD_OR_REPLACE', [{ ...athena, DialectVersion: '4' }, redshift]);
    expect(await dialects()).toEqual(['ATHENA 4', 'SPARK 3.5', 'REDSHIFT 1.0']);
    await update('DROP', [spark]);
    expect(await dialects()).toEqual(['ATHENA 4', 'REDSHIFT 1.0']);
    await glue().send(new UpdateTableCommand({ DatabaseName: 'sales', TableInput: view({ Definer: DEFINER, Representations: [spark] }) }));
    expect(await dialects()).toEqual(['SPARK 3.5']);
    await rejects(update('ADD', Array.from({ length: 11 }, (_, i) => ({ ...athena, DialectVersion: String(i) }))), InvalidInputException, /at most 10/);
  });

  test('a materialized view (an Iceberg table with a ViewDefinition) keeps its refresh settings verbatim', async () => {
    const definition = {
      Definer: DEFINER,
      IsManaged: true,
      RefreshSeconds: 3600,
      LastRefreshType: 'INCREMENTAL' as const,
      SubObjects: [`arn:aws:glue:us-east-1:${ACCOUNT}:table/sales/orders`],
      SubObjectVersionIds: [7, 8],
      ViewVersionId: 42,
      ViewVersionToken: 'tok',
      Representations: [spark],
    };
    await glue().send(new CreateTableCommand({
      DatabaseName: 'sales', TableInput: view(definition, { TableType: 'EXTERNAL_TABLE', Parameters: { table_type: 'ICEBERG' } }),
    }));
    await read();
    expect((await read()).Table).toMatchObject({ ViewDefinition: definition, IsMaterializedView: true, Status: { State: 'SUCCESS' } });
  });

  test('tables without a ViewDefinition have no Status', async () => {
    await table();
    const { Table: got } = await glue().send(new GetTableCommand({ DatabaseName: 'sales', Name: 'orders' }));
    expect([got?.Name, got?.Status, got?.IsMultiDialectView]).toEqual(['orders', undefined, undefined]);
  });
});

test('a reset clears the extensions\' state and settings', async () => {
  await database();
  await glue().send(new CreateUserDefinedFunctionCommand({ DatabaseName: 'sales', FunctionInput: { FunctionName: 'f', ClassName: 'F' } }));
  await glue().send(new CreateCatalogCommand({ Name: 'c1', CatalogInput: {} }));
  await failNextViewWrite(moto().endpoint, { database: 'sales', table: 'v' });
  expect(await setGluePageSize(moto().endpoint, 50)).toEqual({ pageSize: 50 });
  await moto().reset();
  await database();
  expect((await glue().send(new GetUserDefinedFunctionsCommand({ Pattern: '*' }))).UserDefinedFunctions).toEqual([]);
  expect((await glue().send(new GetCatalogsCommand({}))).CatalogList).toEqual([]);
  await glue().send(new CreateTableCommand({ DatabaseName: 'sales', TableInput: { Name: 'v', ViewDefinition: { Representations: [{ Dialect: 'ATHENA', ViewOriginalText: 'SELECT 1' }] } } }));
  await glue().send(new GetTableCommand({ DatabaseName: 'sales', Name: 'v' }));
  expect((await glue().send(new GetTableCommand({ DatabaseName: 'sales', Name: 'v' }))).Table?.Status?.State).toBe('SUCCESS');
  for (const name of ['a', 'b', 'c']) await glue().send(new CreateCatalogCommand({ Name: name, CatalogInput: {} }));
  expect((await glue().send(new GetCatalogsCommand({}))).CatalogList).toHaveLength(2);
});
