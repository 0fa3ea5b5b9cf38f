import { FOLLOWED_EVENT_NAMES, isKept, mapEvent, OMITTED } from '../../../src/engine/realtime/event-map';
import { parseTrailEvent, type TrailRecord } from '../../../src/engine/realtime/trail-record';
import { ACCOUNT, params, trailEvent } from '../../support/realtime/trail-events';

const LF = 'lakeformation.amazonaws.com';
const time = new Date('2026-03-02T10:00:00Z');

function record(name: string, p: Record<string, unknown> | undefined, source = 'glue.amazonaws.com'): TrailRecord {
  const parsed = parseTrailEvent(trailEvent({ name, source, time, params: p }));
  if ('malformed' in parsed) throw new Error(parsed.malformed);
  return parsed.record;
}

const refs = (name: string, p: Record<string, unknown> | undefined, source?: string) => {
  const m = mapEvent(record(name, p, source));
  return 'refs' in m ? m.refs : m;
};

describe('event map: Glue events', () => {
  test.each([
    ['CreateDatabase', params.createDatabase('Sales'), [{ kind: 'database', database: 'sales' }]],
    ['UpdateDatabase', params.updateDatabase('sales'), [{ kind: 'database', database: 'sales' }]],
    ['DeleteDatabase', params.deleteDatabase('sales'), [{ kind: 'database', database: 'sales' }]],
    ['CreateTable', params.createTable('sales', 'Orders'), [{ kind: 'table', database: 'sales', table: 'orders' }]],
    ['UpdateTable', params.updateTable('sales', 'orders'), [{ kind: 'table', database: 'sales', table: 'orders' }]],
    ['DeleteTable', params.deleteTable('sales', 'orders'), [{ kind: 'table', database: 'sales', table: 'orders' }]],
    ['BatchDeleteTable', params.batchDeleteTable('sales', ['a', 'b']), [{ kind: 'table', database: 'sales', table: 'a' }, { kind: 'table', database: 'sales', table: 'b' }]],
    ['DeleteTableVersion', { databaseName: 'sales', tableName: 'orders', versionId: '3' }, [{ kind: 'table', database: 'sales', table: 'orders' }]],
    ['CreatePartition', params.createPartition('sales', 'orders', ['d1']), [{ kind: 'partition', database: 'sales', table: 'orders', values: [['d1']] }]],
    ['BatchCreatePartition', params.batchCreatePartition('sales', 'orders', [['d1'], ['d2']]), [{ kind: 'partition', database: 'sales', table: 'orders', values: [['d1'], ['d2']] }]],
    ['UpdatePartition', { databaseName: 'sales', tableName: 'orders', partitionValueList: ['d1'], partitionInput: { values: ['d9'] } },
      [{ kind: 'partition', database: 'sales', table: 'orders', values: [['d1'], ['d9']] }]],
    ['BatchUpdatePartition', params.batchUpdatePartition('sales', 'orders', [['d1']]), [{ kind: 'partition', database: 'sales', table: 'orders', values: [['d1'], ['d1']] }]],
    ['DeletePartition', params.deletePartition('sales', 'orders', ['d1']), [{ kind: 'partition', database: 'sales', table: 'orders', values: [['d1']] }]],
    ['BatchDeletePartition', params.batchDeletePartition('sales', 'orders', [['d1'], ['d2']]), [{ kind: 'partition', database: 'sales', table: 'orders', values: [['d1'], ['d2']] }]],
  ])('%s', (name, p, expected) => {
    expect(refs(name, p)).toEqual(expected);
  });

  test.each(['CreatePartitionIndex', 'DeletePartitionIndex'])('%s converges the table\'s partition indexes', (name) => {
    expect(refs(name, { databaseName: 'Sales', tableName: 'Orders', partitionIndex: { indexName: 'by_dt', keys: ['dt'] } }))
      .toEqual([{ kind: 'partitionIndex', database: 'sales', table: 'orders' }]);
    expect(FOLLOWED_EVENT_NAMES['glue.amazonaws.com']).toContain(name);
  });

  test.each([
    ['CreateUserDefinedFunction', params.createUserDefinedFunction('Sales', 'mask')],
    ['UpdateUserDefinedFunction', params.updateUserDefinedFunction('Sales', 'mask')],
    ['DeleteUserDefinedFunction', params.deleteUserDefinedFunction('Sales', 'mask')],
  ])('%s converges the database\'s user-defined functions', (name, p) => {
    expect(refs(name, p)).toEqual([{ kind: 'userDefinedFunction', database: 'sales' }]);
    expect(FOLLOWED_EVENT_NAMES['glue.amazonaws.com']).toContain(name);
  });

  test.each([
    ['CreateCatalog', { name: 'polaris', catalogInput: {} }, 'catalog'],
    ['DeleteCatalog', { catalogId: `${ACCOUNT}:polaris` }, 'catalog'],
    ['CreateConnection', { connectionInput: { name: 'snowflake' } }, 'connection'],
    ['UpdateConnection', { name: 'snowflake', connectionInput: {} }, 'connection'],
    ['DeleteConnection', { connectionName: 'snowflake' }, 'connection'],
    ['BatchDeleteConnection', { connectionNameList: ['snowflake'] }, 'connection'],
  ])('%s converges the account\'s %ss (its catalogId names the catalog, not another account)', (name, p, kind) => {
    expect(refs(name, p)).toEqual([{ kind, database: '' }]);
    expect(FOLLOWED_EVENT_NAMES['glue.amazonaws.com']).toContain(name);
  });

  test('UpdateCatalog converges the catalogs and the default catalog\'s optimization settings', () => {
    expect(refs('UpdateCatalog', { catalogId: 'polaris', catalogInput: {} })).toEqual([{ kind: 'catalog', database: '' }, { kind: 'catalogOptimization', database: '' }]);
  });

  test('a partition event whose list was left out converges every partition of the table', () => {
    expect(refs('BatchDeletePartition', { databaseName: 'sales', tableName: 'orders' })).toEqual([{ kind: 'partition', database: 'sales', table: 'orders' }]);
  });

  test('a call on another account\'s catalog is skipped', () => {
    expect(refs('DeleteTable', { catalogId: '999999999999', databaseName: 'sales', name: 'orders' })).toEqual({ skipped: expect.stringMatching(/catalog 999999999999/) });
  });

  test('changes the replica does not hold are kept and skipped with a reason', () => {
    const r = record('UpdateColumnStatisticsForTable', { databaseName: 'sales', tableName: 'orders' });
    expect(isKept(r)).toBe(true);
    expect(mapEvent(r)).toEqual({ skipped: 'column statistics are not replicated' });
  });

  test('reads, failed calls and other write events are not kept', () => {
    expect(isKept(record('GetTable', { databaseName: 'sales', name: 'orders' }))).toBe(false);
    expect(isKept(record('StartJobRun', { jobName: 'etl' }))).toBe(false);
    const failed = parseTrailEvent(trailEvent({ name: 'CreateTable', time, params: params.createTable('s', 't'), errorCode: 'AlreadyExistsException' }));
    expect('record' in failed && isKept(failed.record)).toBe(false);
  });

  test('event names that are object keys of every JavaScript object are not events', () => {
    expect(mapEvent({ ...record('CreateTable', {}), eventName: 'constructor' })).toEqual({ skipped: expect.stringMatching(/not an event the replica follows/) });
  });
});

describe('event map: Lake Formation events', () => {
  const table = { table: { catalogId: ACCOUNT, databaseName: 'sales', name: 'orders' } };
  const Table = { Table: { CatalogId: ACCOUNT, DatabaseName: 'sales', Name: 'orders' } };
  const principal = { dataLakePrincipalIdentifier: 'arn:aws:iam::123456789012:role/analyst' };

  test.each([
    ['GrantPermissions', { principal, resource: table, permissions: ['SELECT'] }, [{ kind: 'permission', resource: Table }]],
    ['RevokePermissions', { principal, resource: table, permissions: ['SELECT'] }, [{ kind: 'permission', resource: Table }]],
    ['BatchGrantPermissions', params.batchGrant([{ principal: 'a', database: 'sales' }, { principal: 'b', database: 'sales' }, { principal: 'a', database: 'hr' }]),
      [{ kind: 'permission', resource: { Database: { Name: 'sales' } } }, { kind: 'permission', resource: { Database: { Name: 'hr' } } }]],
    ['BatchRevokePermissions', params.batchGrant([{ principal: 'a', database: 'sales' }]), [{ kind: 'permission', resource: { Database: { Name: 'sales' } } }]],
    ['GrantPermissions', { principal, resource: { tableWithColumns: { databaseName: 'sales', name: 'orders', columnWildcard: { excludedColumnNames: ['SSN'] } } }, permissions: ['SELECT'] },
      [{ kind: 'permission', resource: { TableWithColumns: { DatabaseName: 'sales', Name: 'orders', ColumnWildcard: { ExcludedColumnNames: ['SSN'] } } } }]],
    ['GrantPermissions', { principal, resource: { lFTagPolicy: { resourceType: 'TABLE', expression: [{ tagKey: 'tier', tagValues: ['gold'] }] } }, permissions: ['SELECT'] },
      [{ kind: 'permission', resource: { LFTagPolicy: { ResourceType: 'TABLE', Expression: [{ TagKey: 'tier', TagValues: ['gold'] }] } } }]],
    ['GrantPermissions', { principal, resource: { dataLocation: { resourceArn: 'arn:aws:s3:::acme-lake-raw' } }, permissions: ['DATA_LOCATION_ACCESS'] },
      [{ kind: 'permission', resource: { DataLocation: { ResourceArn: 'arn:aws:s3:::acme-lake-raw' } } }]],
    ['CreateLFTag', { tagKey: 'tier', tagValues: ['gold', 'silver'] }, [{ kind: 'lfTag', tagKey: 'tier' }]],
    ['UpdateLFTag', { tagKey: 'tier', tagValuesToAdd: ['bronze'] }, [{ kind: 'lfTag', tagKey: 'tier' }]],
    ['DeleteLFTag', { tagKey: 'tier' }, [{ kind: 'lfTag', tagKey: 'tier' }]],
    ['CreateLFTagExpression', { name: 'gold-only', expression: [] }, [{ kind: 'lfTagExpression', name: 'gold-only' }]],
    ['AddLFTagsToResource', { resource: table, lFTags: [{ tagKey: 'tier', tagValues: ['gold'] }] }, [{ kind: 'lfTagAssignment', resource: Table }]],
    ['RemoveLFTagsFromResource', { resource: { database: { name: 'sales' } }, lFTags: [{ tagKey: 'tier', tagValues: ['gold'] }] },
      [{ kind: 'lfTagAssignment', resource: { Database: { Name: 'sales' } } }]],
    ['CreateDataCellsFilter', { tableData: { tableCatalogId: ACCOUNT, databaseName: 'sales', tableName: 'orders', name: 'eu-rows', rowFilter: { filterExpression: "region='eu'" } } },
      [{ kind: 'dataCellsFilter', database: 'sales', table: 'orders', name: 'eu-rows' }]],
    ['UpdateDataCellsFilter', { tableData: { tableCatalogId: ACCOUNT, databaseName: 'sales', tableName: 'orders', name: 'eu-rows' } },
      [{ kind: 'dataCellsFilter', database: 'sales', table: 'orders', name: 'eu-rows' }]],
    ['DeleteDataCellsFilter', { tableCatalogId: ACCOUNT, databaseName: 'sales', tableName: 'orders', name: 'eu-rows' }, [{ kind: 'dataCellsFilter', database: 'sales', table: 'orders', name: 'eu-rows' }]],
    ['RegisterResource', { resourceArn: 'arn:aws:s3:::acme-lake-raw', useServiceLinkedRole: true }, [{ kind: 'dataLocation', resourceArn: 'arn:aws:s3:::acme-lake-raw' }]],
    ['UpdateResource', { resourceArn: 'arn:aws:s3:::acme-lake-raw', roleArn: 'arn:aws:iam::123456789012:role/lf' }, [{ kind: 'dataLocation', resourceArn: 'arn:aws:s3:::acme-lake-raw' }]],
    ['DeregisterResource', { resourceArn: 'arn:aws:s3:::acme-lake-raw' }, [{ kind: 'dataLocation', resourceArn: 'arn:aws:s3:::acme-lake-raw' }]],
    ['PutDataLakeSettings', { dataLakeSettings: { dataLakeAdmins: [principal] } }, [{ kind: 'dataLakeSettings' }]],
    ['CreateLakeFormationOptIn', { principal, resource: table }, [{ kind: 'optIn', resource: Table }]],
    ['DeleteLakeFormationOptIn', { principal, resource: table }, [{ kind: 'optIn', resource: Table }]],
  ])('%s', (name, p, expected) => {
    expect(refs(name, p, LF)).toEqual(expected);
  });

  test('PutDataLakeSettings never depends on its parameters: it converges the (merged) settings', () => {
    expect(refs('PutDataLakeSettings', undefined, LF)).toEqual([{ kind: 'dataLakeSettings' }]);
  });

  test('a permission event with its parameters left out is skipped, to be healed by the reconcile', () => {
    expect(refs('BatchRevokePermissions', undefined, LF)).toEqual({ skipped: OMITTED, omitted: true });
  });

  test('every followed event name has a mapping', () => {
    for (const [source, names] of Object.entries(FOLLOWED_EVENT_NAMES)) {
      for (const name of names) expect(isKept(record(name, {}, source))).toBe(true);
    }
  });
});
