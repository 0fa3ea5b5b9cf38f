import type { Database, Partition, Table, TableInput } from '@aws-sdk/client-glue';
import { databaseInput, hasPartitions, partitionInput, reviveTimestamps, tableInput } from '../../../src/engine/glue/shapes';
import { fieldPrints } from '../../../src/engine/kernel/compare';

const CREATED = new Date('2024-01-02T03:04:05.000Z');
const ANALYZED = new Date('2024-02-03T04:05:06.000Z');

const storage = {
  Location: 's3://lake-raw/orders/',
  Columns: [{ Name: 'Customer ID', Type: 'string' }],
  SerdeInfo: { Parameters: { path: 's3://lake-raw/orders/' } },
};

describe('databaseInput', () => {
  test('drops output-only fields and keeps the input fields', () => {
    const database: Database = {
      Name: 'sales',
      Description: 'Sales',
      LocationUri: 's3://lake-raw/sales.db/',
      Parameters: { 'Key With Space': 'v' },
      CreateTime: CREATED,
      CreateTableDefaultPermissions: [{ Principal: { DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS' }, Permissions: ['ALL'] }],
      TargetDatabase: { CatalogId: '111111111111', DatabaseName: 'db', Region: 'us-east-1' },
      CatalogId: '111111111111',
      FederatedDatabase: { Identifier: 'id', ConnectionName: 'conn' },
    };
    expect(databaseInput(database)).toStrictEqual({
      Name: 'sales',
      Description: 'Sales',
      LocationUri: 's3://lake-raw/sales.db/',
      Parameters: { 'Key With Space': 'v' },
      CreateTableDefaultPermissions: [{ Principal: { DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS' }, Permissions: ['ALL'] }],
      TargetDatabase: { CatalogId: '111111111111', DatabaseName: 'db', Region: 'us-east-1' },
      FederatedDatabase: { Identifier: 'id', ConnectionName: 'conn' },
    });
  });

  test('drops unknown fields that a newer API might add', () => {
    const database = { Name: 'db', SomeFutureOutputField: 'x' } as Database;
    expect(databaseInput(database)).toStrictEqual({ Name: 'db' });
  });

  test('drops null and undefined values', () => {
    const database = { Name: 'db', Description: null, LocationUri: undefined } as unknown as Database;
    expect(databaseInput(database)).toStrictEqual({ Name: 'db' });
  });

  test('the result shares no objects with the source', () => {
    const database: Database = { Name: 'db', Parameters: { a: '1' } };
    const input = databaseInput(database);
    input.Parameters!.a = '2';
    expect(database.Parameters).toEqual({ a: '1' });
  });
});

describe('tableInput', () => {
  const readTable = (): Table => ({
    Name: 'orders',
    DatabaseName: 'sales',
    Description: 'Orders',
    Owner: 'etl',
    CreateTime: CREATED,
    UpdateTime: CREATED,
    LastAccessTime: CREATED,
    LastAnalyzedTime: ANALYZED,
    Retention: 0,
    StorageDescriptor: storage,
    PartitionKeys: [{ Name: 'dt', Type: 'string' }],
    ViewOriginalText: '',
    ViewExpandedText: 'x',
    TableType: 'EXTERNAL_TABLE',
    Parameters: { classification: 'parquet' },
    CreatedBy: 'arn:aws:iam::111111111111:role/etl',
    IsRegisteredWithLakeFormation: false,
    TargetTable: { CatalogId: '111111111111', DatabaseName: 'db', Name: 't' },
    CatalogId: '111111111111',
    VersionId: '7',
    IsMultiDialectView: false,
    Status: { State: 'SUCCESS' } as Table['Status'],
  });

  test('drops output-only fields and keeps the input fields', () => {
    expect(tableInput(readTable())).toStrictEqual({
      Name: 'orders',
      Description: 'Orders',
      Owner: 'etl',
      LastAnalyzedTime: ANALYZED,
      Retention: 0,
      StorageDescriptor: storage,
      PartitionKeys: [{ Name: 'dt', Type: 'string' }],
      ViewOriginalText: '',
      ViewExpandedText: 'x',
      TableType: 'EXTERNAL_TABLE',
      Parameters: { classification: 'parquet' },
      TargetTable: { CatalogId: '111111111111', DatabaseName: 'db', Name: 't' },
    });
  });

  test.each(['CreateTime', 'UpdateTime', 'CatalogId', 'DatabaseName', 'VersionId', 'IsRegisteredWithLakeFormation',
    'IsMultiDialectView', 'Status', 'CreatedBy', 'LastAccessTime'])('never writes %s', field => {
    expect(tableInput(readTable())).not.toHaveProperty(field);
  });

  test('falsy values other than null and undefined are kept', () => {
    const input = tableInput({ Name: 't', Retention: 0, ViewOriginalText: '', Parameters: {} });
    expect(input).toStrictEqual({ Name: 't', Retention: 0, ViewOriginalText: '', Parameters: {} });
  });

  test('a TableInput passes through unchanged (idempotent)', () => {
    const once = tableInput(readTable());
    expect(tableInput(once)).toStrictEqual(once);
  });

  test('a multi-dialect view definition becomes the input shape without IsStale', () => {
    const view: Table = {
      Name: 'v',
      TableType: 'VIRTUAL_VIEW',
      IsMultiDialectView: true,
      ViewDefinition: {
        IsProtected: true,
        Definer: 'arn:aws:iam::111111111111:role/definer',
        SubObjects: ['arn:aws:glue:us-east-1:111111111111:table/db/t'],
        Representations: [
          { Dialect: 'ATHENA', DialectVersion: '3', ViewOriginalText: 'SELECT 1', ViewExpandedText: 'SELECT 1', IsStale: false },
          { Dialect: 'SPARK', DialectVersion: '3.5', ViewOriginalText: 'SELECT 1', ValidationConnection: 'conn', IsStale: true },
        ],
      },
    };
    const input = tableInput(view);
    expect(input.ViewDefinition).toStrictEqual({
      IsProtected: true,
      Definer: 'arn:aws:iam::111111111111:role/definer',
      SubObjects: ['arn:aws:glue:us-east-1:111111111111:table/db/t'],
      Representations: [
        { Dialect: 'ATHENA', DialectVersion: '3', ViewOriginalText: 'SELECT 1', ViewExpandedText: 'SELECT 1' },
        { Dialect: 'SPARK', DialectVersion: '3.5', ViewOriginalText: 'SELECT 1', ValidationConnection: 'conn' },
      ],
    });
    expect(input).not.toHaveProperty('IsMultiDialectView');
    expect(view.ViewDefinition?.Representations?.[0]).toHaveProperty('IsStale', false);
  });

  test('a materialized view read keeps exactly its input members, nested ones too, so an unchanged one compares equal', () => {
    const definition = {
      IsProtected: false,
      IsManaged: true,
      Definer: 'arn:aws:iam::111111111111:role/definer',
      ViewVersionId: 42,
      ViewVersionToken: 'token-7',
      RefreshSeconds: 3600,
      LastRefreshType: 'INCREMENTAL' as const,
      SubObjects: ['arn:aws:glue:us-east-1:111111111111:table/sales/orders'],
      SubObjectVersionIds: [17],
      SubObjectsStatistics: [{ SourceType: 'ICEBERG' as const, GlueVersionId: '3', PartitionCount: 2, FileCount: 9, TotalFileBytes: 1024 }],
      SparkPipelineInfo: { pipeline: 'daily' },
    };
    const read: Table = {
      Name: 'mv_daily',
      TableType: 'EXTERNAL_TABLE',
      Parameters: { table_type: 'ICEBERG', metadata_location: 's3://lake-raw/mv/metadata/00003.metadata.json' },
      IsMaterializedView: true,
      IsMultiDialectView: true,
      VersionId: '4',
      Status: { Action: 'UPDATE', State: 'SUCCESS', RequestedBy: 'arn:aws:sts::111111111111:assumed-role/x/y', UpdateTime: CREATED },
      ViewDefinition: {
        ...definition,
        Representations: [{ Dialect: 'SPARK', DialectVersion: '3.5', ViewOriginalText: 'SELECT 1', ViewExpandedText: 'SELECT 1', IsStale: false }],
      },
    };
    const input = tableInput(read);
    expect(input).toStrictEqual({
      Name: 'mv_daily',
      TableType: 'EXTERNAL_TABLE',
      Parameters: read.Parameters,
      ViewDefinition: {
        ...definition,
        Representations: [{ Dialect: 'SPARK', DialectVersion: '3.5', ViewOriginalText: 'SELECT 1', ViewExpandedText: 'SELECT 1' }],
      },
    });
    // Written and read back, it is the same input: a re-run finds nothing to write.
    expect(fieldPrints(tableInput({ ...input, IsMaterializedView: true, Status: read.Status } as Table))).toEqual(fieldPrints(input));
  });

  test('a view definition without representations stays without them', () => {
    expect(tableInput({ Name: 'v', ViewDefinition: { Definer: 'd' } }).ViewDefinition).toStrictEqual({ Definer: 'd' });
  });
});

describe('partitionInput', () => {
  test('drops output-only fields and keeps the input fields', () => {
    const partition: Partition = {
      Values: ['2024-01-01', 'Mixed Case'],
      DatabaseName: 'sales',
      TableName: 'orders',
      CreationTime: CREATED,
      LastAccessTime: CREATED,
      StorageDescriptor: storage,
      Parameters: { numRows: '10' },
      LastAnalyzedTime: ANALYZED,
      CatalogId: '111111111111',
    };
    expect(partitionInput(partition)).toStrictEqual({
      Values: ['2024-01-01', 'Mixed Case'],
      StorageDescriptor: storage,
      Parameters: { numRows: '10' },
      LastAnalyzedTime: ANALYZED,
    });
  });
});

describe('reviveTimestamps', () => {
  test('turns ISO strings of timestamp fields back into Dates, in place', () => {
    const input = JSON.parse(JSON.stringify({ Name: 't', LastAnalyzedTime: ANALYZED, LastAccessTime: CREATED }));
    expect(typeof input.LastAnalyzedTime).toBe('string');
    const revived = reviveTimestamps(input);
    expect(revived).toBe(input);
    expect(revived.LastAnalyzedTime).toBeInstanceOf(Date);
    expect(revived.LastAnalyzedTime.getTime()).toBe(ANALYZED.getTime());
    expect(revived.LastAccessTime.getTime()).toBe(CREATED.getTime());
  });

  test('leaves Dates, absent fields and other strings alone', () => {
    const input = { Name: '2024-01-01T00:00:00.000Z', Description: '2024-01-01T00:00:00.000Z', LastAnalyzedTime: ANALYZED };
    const revived = reviveTimestamps(input);
    expect(revived.LastAnalyzedTime).toBe(ANALYZED);
    expect(revived.Name).toBe('2024-01-01T00:00:00.000Z');
    expect(revived.Description).toBe('2024-01-01T00:00:00.000Z');
    expect(revived).not.toHaveProperty('LastAccessTime');
  });
});

describe('hasPartitions', () => {
  const keys = [{ Name: 'dt', Type: 'string' }];
  test.each<[string, TableInput, boolean]>([
    ['a table with partition keys', { Name: 't', PartitionKeys: keys }, true],
    ['an Iceberg table with partition keys', { Name: 't', TableType: 'EXTERNAL_TABLE', PartitionKeys: keys }, true],
    ['a table without partition keys', { Name: 't' }, false],
    ['a table with an empty key list', { Name: 't', PartitionKeys: [] }, false],
    ['a view with partition keys', { Name: 'v', TableType: 'VIRTUAL_VIEW', PartitionKeys: keys }, false],
    ['a resource link', { Name: 'l', TargetTable: { DatabaseName: 'db', Name: 't' }, PartitionKeys: keys }, false],
  ])('%s', (_why, table, expected) => {
    expect(hasPartitions(table)).toBe(expected);
  });
});
