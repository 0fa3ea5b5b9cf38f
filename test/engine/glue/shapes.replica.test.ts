import type { DatabaseInput, PartitionInput, TableIdentifier, TableInput } from '@aws-sdk/client-glue';
import fc from 'fast-check';
import { promotedTable, replicaDatabase, replicaPartition, replicaTable, type ReplicaContext } from '../../../src/engine/glue/shapes';
import { BucketMapper } from '../../../src/shared/bucket-mapping';
import { RoleMapper } from '../../../src/shared/role-mapping';

const SOURCE_REGION = 'us-east-1';
const TARGET_REGION = 'us-west-2';
const ACCOUNT = '111111111111';

function context(unmapped: string[] = []): ReplicaContext {
  return {
    sourceRegion: SOURCE_REGION,
    sourceCatalogId: ACCOUNT,
    targetRegion: TARGET_REGION,
    mapper: new BucketMapper([
      { sourceBucket: 'lake-raw', targetBucket: 'lake-raw-dr' },
      { sourceBucket: 'lake-iceberg', targetBucket: 'lake-iceberg-dr' },
    ], TARGET_REGION),
    roles: new RoleMapper([], TARGET_REGION),
    onUnmappedBucket: bucket => unmapped.push(bucket),
  };
}

function fullTable(): TableInput {
  return {
    Name: 'orders',
    Description: 'Orders copied from s3://lake-raw/orders/ nightly',
    Owner: 'etl',
    TableType: 'EXTERNAL_TABLE',
    ViewOriginalText: 'SELECT * FROM "s3://lake-raw/x"',
    ViewExpandedText: 's3://lake-raw/x',
    Parameters: {
      'metadata_location': 's3://lake-iceberg/orders/metadata/00002.metadata.json',
      'previous_metadata_location': 's3a://lake-iceberg/orders/metadata/00001.metadata.json',
      'table_type': 'ICEBERG',
      'Some Key With Spaces': 's3://lake-raw/not-a-location',
      'LOCATION': 's3://lake-raw/upper-case-key',
      'comment': '  padded\tvalue  ',
    },
    PartitionKeys: [{ Name: 'Order Date', Type: 'string', Comment: 'see s3://lake-raw/' }],
    StorageDescriptor: {
      Location: 's3://lake-raw/orders/',
      AdditionalLocations: ['s3n://lake-raw/orders-extra/', 's3://lake-iceberg/more/'],
      Columns: [{ Name: 'Customer ID', Type: 'string' }, { Name: 'ÄÖÜ', Type: 'int', Parameters: { path: 's3://lake-raw/col' } }],
      InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      SerdeInfo: {
        Name: 'serde',
        SerializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
        Parameters: { 'path': 's3a://lake-raw/orders/', 'field.delim': ',', 'Path': 's3://lake-raw/capital-p' },
      },
      SkewedInfo: {
        SkewedColumnNames: ['Customer ID'],
        SkewedColumnValues: ['42'],
        SkewedColumnValueLocationMaps: { 42: 's3://lake-raw/orders/skew=42/', 7: 's3://lake-iceberg/skew=7/' },
      },
      Parameters: { path: 's3://lake-raw/sd-parameter-not-mapped' },
    },
  };
}

describe('replicaTable', () => {
  test('maps every location field of a table', () => {
    const out = replicaTable(fullTable(), context());
    expect(out.StorageDescriptor?.Location).toBe('s3://lake-raw-dr/orders/');
    expect(out.StorageDescriptor?.AdditionalLocations).toEqual(['s3n://lake-raw-dr/orders-extra/', 's3://lake-iceberg-dr/more/']);
    expect(out.StorageDescriptor?.SerdeInfo?.Parameters?.path).toBe('s3a://lake-raw-dr/orders/');
    expect(out.StorageDescriptor?.SkewedInfo?.SkewedColumnValueLocationMaps).toEqual({
      42: 's3://lake-raw-dr/orders/skew=42/', 7: 's3://lake-iceberg-dr/skew=7/',
    });
    expect(out.Parameters?.metadata_location).toBe('s3://lake-iceberg-dr/orders/metadata/00002.metadata.json');
    expect(out.Parameters?.previous_metadata_location).toBe('s3a://lake-iceberg-dr/orders/metadata/00001.metadata.json');
  });

  test('leaves everything else byte for byte', () => {
    const source = fullTable();
    const out = replicaTable(source, context());
    const { StorageDescriptor: sd, Parameters: params, ...rest } = out;
    const { StorageDescriptor: srcSd, Parameters: srcParams, ...srcRest } = source;
    expect(rest).toEqual(srcRest);
    expect(out.Description).toBe('Orders copied from s3://lake-raw/orders/ nightly');
    expect(out.ViewOriginalText).toBe('SELECT * FROM "s3://lake-raw/x"');
    expect(out.ViewExpandedText).toBe('s3://lake-raw/x');
    const otherParams = (p: Record<string, string> | undefined) => {
      const { metadata_location: _a, previous_metadata_location: _b, ...others } = p ?? {};
      return others;
    };
    expect(otherParams(params)).toEqual(otherParams(srcParams));
    expect(Object.keys(params ?? {})).toEqual(Object.keys(srcParams ?? {}));
    expect(sd?.Columns).toEqual(srcSd?.Columns);
    expect(sd?.Columns?.[0].Name).toBe('Customer ID');
    expect(sd?.Parameters).toEqual({ path: 's3://lake-raw/sd-parameter-not-mapped' });
    expect(sd?.SerdeInfo?.Parameters?.Path).toBe('s3://lake-raw/capital-p');
    expect(sd?.SerdeInfo?.Parameters?.['field.delim']).toBe(',');
    expect(sd?.SkewedInfo?.SkewedColumnNames).toEqual(['Customer ID']);
    expect(sd?.InputFormat).toBe(srcSd?.InputFormat);
  });

  test('does not mutate its input', () => {
    const source = fullTable();
    const before = structuredClone(source);
    const out = replicaTable(source, context());
    expect(source).toEqual(before);
    expect(out.StorageDescriptor).not.toBe(source.StorageDescriptor);
    expect(out.Parameters).not.toBe(source.Parameters);
  });

  test('reports each location that names an unmapped bucket', () => {
    const unmapped: string[] = [];
    replicaTable({
      Name: 't',
      Parameters: { metadata_location: 's3://iceberg-elsewhere/m.json', other: 's3://ignored-bucket/x' },
      StorageDescriptor: {
        Location: 's3://orphan/t/',
        AdditionalLocations: ['s3://orphan-2/a/', 's3://lake-raw/ok/', 's3://lake-raw-dr/already/'],
        SerdeInfo: { Parameters: { path: 's3a://orphan-3/' } },
        SkewedInfo: { SkewedColumnValueLocationMaps: { 1: 's3://orphan-4/s/' } },
      },
    }, context(unmapped));
    expect(unmapped.sort()).toEqual(['iceberg-elsewhere', 'orphan', 'orphan-2', 'orphan-3', 'orphan-4']);
  });

  test('a table with no locations is returned equal and reports nothing', () => {
    const unmapped: string[] = [];
    const view: TableInput = { Name: 'v', TableType: 'VIRTUAL_VIEW', ViewOriginalText: '/* Presto View: abc= */', ViewExpandedText: '/* Presto View */' };
    expect(replicaTable(view, context(unmapped))).toEqual(view);
    expect(unmapped).toEqual([]);
  });

  describe('Data Catalog views', () => {
    const materialized = (): TableInput => ({
      Name: 'mv_daily',
      Parameters: { table_type: 'ICEBERG', metadata_location: 's3://lake-iceberg/mv/metadata/00003.metadata.json' },
      ViewDefinition: {
        IsManaged: true,
        Definer: `arn:aws:iam::${ACCOUNT}:role/definer`,
        RefreshSeconds: 3600,
        LastRefreshType: 'FULL',
        SubObjects: [`arn:aws:glue:${SOURCE_REGION}:${ACCOUNT}:table/sales/orders`],
        Representations: [{ Dialect: 'SPARK', DialectVersion: '3.5', ViewOriginalText: 'SELECT * FROM sales.orders' }],
      },
    });

    test('a materialized view is made with automatic refresh off: RefreshSeconds dropped, the rest of the definition kept', () => {
      const source = materialized();
      const out = replicaTable(source, context());
      const { RefreshSeconds: _refresh, ...rest } = source.ViewDefinition!;
      expect(out.ViewDefinition).toEqual(rest);
      expect(out.Parameters?.metadata_location).toBe('s3://lake-iceberg-dr/mv/metadata/00003.metadata.json');
      expect(source.ViewDefinition?.RefreshSeconds).toBe(3600);
    });

    test('the replica of a replica is the same replica: the comparison never flags the refresh left off', () => {
      const once = replicaTable(materialized(), context());
      expect(replicaTable(once, context())).toEqual(once);
    });

    test('the Definer stays as it is without a role mapping (one account, and IAM is global)', () => {
      expect(replicaTable(materialized(), context()).ViewDefinition?.Definer).toBe(`arn:aws:iam::${ACCOUNT}:role/definer`);
    });

    test('a role mapping for the target Region maps the Definer', () => {
      const ctx = { ...context(), roles: new RoleMapper([{ sourceRole: `arn:aws:iam::${ACCOUNT}:role/definer`, targetRole: `arn:aws:iam::${ACCOUNT}:role/definer-usw2`, targetRegion: TARGET_REGION }], TARGET_REGION) };
      expect(replicaTable(materialized(), ctx).ViewDefinition?.Definer).toBe(`arn:aws:iam::${ACCOUNT}:role/definer-usw2`);
    });

    test('promoted, the replica gets RefreshSeconds back as the source had it; without the source, refresh stays off', () => {
      const replica = replicaTable(materialized(), context());
      expect(promotedTable(replica, materialized()).ViewDefinition).toEqual({ ...replica.ViewDefinition, RefreshSeconds: 3600 });
      expect(promotedTable(replica, undefined)).toEqual(replica);
      const noRefresh = materialized();
      delete noRefresh.ViewDefinition!.RefreshSeconds;
      expect(promotedTable(replica, noRefresh)).toEqual(replica);
      expect(replica.ViewDefinition).not.toHaveProperty('RefreshSeconds');
    });
  });

  describe('resource links', () => {
    const link = (target: TableIdentifier): TableInput => ({ Name: 'link', TargetTable: target });

    test.each<[string, TableIdentifier]>([
      ['same catalog, no Region', { CatalogId: ACCOUNT, DatabaseName: 'db', Name: 't' }],
      ['same catalog, source Region', { CatalogId: ACCOUNT, DatabaseName: 'db', Name: 't', Region: SOURCE_REGION }],
      ['no catalog, source Region', { DatabaseName: 'db', Name: 't', Region: SOURCE_REGION }],
    ])('a link into the source catalog (%s) becomes local to the target', (_why, target) => {
      const out = replicaTable(link(target), context());
      expect(out.TargetTable).toEqual({ ...(target.CatalogId ? { CatalogId: ACCOUNT } : {}), DatabaseName: 'db', Name: 't' });
      expect(out.TargetTable).not.toHaveProperty('Region');
    });

    test.each<[string, TableIdentifier]>([
      ['another account', { CatalogId: '222222222222', DatabaseName: 'db', Name: 't' }],
      ['another account in the source Region', { CatalogId: '222222222222', DatabaseName: 'db', Name: 't', Region: SOURCE_REGION }],
      ['another Region', { CatalogId: ACCOUNT, DatabaseName: 'db', Name: 't', Region: 'eu-west-1' }],
      ['the target Region', { CatalogId: ACCOUNT, DatabaseName: 'db', Name: 't', Region: TARGET_REGION }],
    ])('a link to %s is unchanged', (_why, target) => {
      const source = link(target);
      expect(replicaTable(source, context())).toEqual(source);
    });
  });
});

describe('replicaDatabase', () => {
  test('maps LocationUri and keeps the rest', () => {
    const unmapped: string[] = [];
    const source: DatabaseInput = {
      Name: 'sales',
      Description: 'raw data in s3://lake-raw/',
      LocationUri: 's3://lake-raw/sales.db/',
      Parameters: { location: 's3://lake-raw/param', Owner: 'Team A' },
    };
    const before = structuredClone(source);
    const out = replicaDatabase(source, context(unmapped));
    expect(out).toEqual({ ...before, LocationUri: 's3://lake-raw-dr/sales.db/' });
    expect(source).toEqual(before);
    expect(unmapped).toEqual([]);
  });

  test('reports an unmapped LocationUri and keeps it', () => {
    const unmapped: string[] = [];
    const out = replicaDatabase({ Name: 'db', LocationUri: 's3a://nowhere/db/' }, context(unmapped));
    expect(out.LocationUri).toBe('s3a://nowhere/db/');
    expect(unmapped).toEqual(['nowhere']);
  });

  test('a non-S3 LocationUri is left alone and not reported', () => {
    const unmapped: string[] = [];
    expect(replicaDatabase({ Name: 'db', LocationUri: 'hdfs://namenode/db' }, context(unmapped)).LocationUri).toBe('hdfs://namenode/db');
    expect(unmapped).toEqual([]);
  });

  test('a database link into the source catalog and Region loses its Region', () => {
    const out = replicaDatabase({ Name: 'l', TargetDatabase: { CatalogId: ACCOUNT, DatabaseName: 'db', Region: SOURCE_REGION } }, context());
    expect(out.TargetDatabase).toEqual({ CatalogId: ACCOUNT, DatabaseName: 'db' });
  });

  test.each([
    [{ CatalogId: '222222222222', DatabaseName: 'db' }],
    [{ CatalogId: ACCOUNT, DatabaseName: 'db', Region: 'ap-south-1' }],
  ])('a database link elsewhere (%o) is unchanged', target => {
    const source: DatabaseInput = { Name: 'l', TargetDatabase: target };
    expect(replicaDatabase(source, context())).toEqual(source);
  });
});

describe('replicaPartition', () => {
  test('maps the storage descriptor locations and keeps values and parameters', () => {
    const unmapped: string[] = [];
    const source: PartitionInput = {
      Values: ['2024-01-01', 's3://lake-raw/value'],
      Parameters: { metadata_location: 's3://lake-raw/not-for-partitions' },
      StorageDescriptor: {
        Location: 's3://lake-raw/orders/dt=2024-01-01/',
        AdditionalLocations: ['s3://other-bucket/x/'],
        SerdeInfo: { Parameters: { path: 's3://lake-raw/orders/dt=2024-01-01/' } },
        SkewedInfo: { SkewedColumnValueLocationMaps: { a: 's3://lake-raw/skew/' } },
      },
    };
    const before = structuredClone(source);
    const out = replicaPartition(source, context(unmapped));
    expect(out).toEqual({
      Values: ['2024-01-01', 's3://lake-raw/value'],
      Parameters: { metadata_location: 's3://lake-raw/not-for-partitions' },
      StorageDescriptor: {
        Location: 's3://lake-raw-dr/orders/dt=2024-01-01/',
        AdditionalLocations: ['s3://other-bucket/x/'],
        SerdeInfo: { Parameters: { path: 's3://lake-raw-dr/orders/dt=2024-01-01/' } },
        SkewedInfo: { SkewedColumnValueLocationMaps: { a: 's3://lake-raw-dr/skew/' } },
      },
    });
    expect(source).toEqual(before);
    expect(unmapped).toEqual(['other-bucket']);
  });
});

describe('replicaTable properties', () => {
  const text = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.constantFrom('s3://lake-raw/a', 's3a://lake-iceberg/b', 'Customer ID', ' ', ''),
  );
  const key = fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), fc.constantFrom('Path', 'Metadata_Location', 'location', 'path '))
    .filter(k => !['metadata_location', 'previous_metadata_location', '__proto__'].includes(k));
  const params = fc.dictionary(key, text, { maxKeys: 6 });
  const column = fc.record({ Name: text, Type: fc.constantFrom('string', 'int', 'struct<a:int>'), Comment: fc.option(text, { nil: undefined }) }, { requiredKeys: ['Name', 'Type'] });

  test('everything except the listed location fields is identical', () => {
    fc.assert(fc.property(params, params, fc.array(column, { maxLength: 5 }), fc.array(column, { maxLength: 3 }), text, text,
      (tableParams, serdeParams, columns, partitionKeys, description, viewText) => {
        const source: TableInput = {
          Name: 'random',
          Description: description,
          ViewOriginalText: viewText,
          Parameters: { ...tableParams, metadata_location: 's3://lake-iceberg/m.json' },
          PartitionKeys: partitionKeys,
          StorageDescriptor: {
            Location: 's3://lake-raw/t/',
            Columns: columns,
            Parameters: tableParams,
            SerdeInfo: { Parameters: { ...serdeParams, path: 's3://lake-raw/t/' } },
          },
        };
        const before = structuredClone(source);
        const out = replicaTable(source, context());
        expect(source).toEqual(before);
        const expected = structuredClone(before);
        expected.Parameters!.metadata_location = 's3://lake-iceberg-dr/m.json';
        expected.StorageDescriptor!.Location = 's3://lake-raw-dr/t/';
        expected.StorageDescriptor!.SerdeInfo!.Parameters!.path = 's3://lake-raw-dr/t/';
        expect(out).toStrictEqual(expected);
        expect(JSON.stringify(out)).toBe(JSON.stringify(expected));
      }));
  });
});
