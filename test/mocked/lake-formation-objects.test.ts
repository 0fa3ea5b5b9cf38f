import { ACCOUNT, mockAws, SOURCE_REGION, TARGET_REGION, type MockedAws } from './sdk-harness';
import { AwsClients } from '../../src/engine/aws-clients';
import { lakeFormationObjectConverger } from '../../src/engine/lake-formation/lf-objects';
import { LF_KINDS } from '../../src/engine/lake-formation/lf-state';
import { refKey, type ObjectRef } from '../../src/engine/object-ref';
import { Scope } from '../../src/engine/scope';
import { FakeLakeFormation } from '../support/lake-formation-fake';

/**
 * The near-real-time applier's Lake Formation converger for what moto lacks: data cells filters, tag
 * assignments on untagged resources, opt-ins and LF-tag expressions. Each ref is one event's hint;
 * the converger re-reads that object in both Regions and converges only it.
 */
const ANALYST = `arn:aws:iam::${ACCOUNT}:role/analyst`;
const ORDERS = { Table: { DatabaseName: 'sales', Name: 'orders' } };

let aws: MockedAws;
let lf: FakeLakeFormation;
let clients: AwsClients;
beforeEach(() => {
  aws = mockAws();
  lf = new FakeLakeFormation(2);
  clients = new AwsClients({ maxAttempts: 1 });
});
afterEach(() => {
  clients.destroy();
  lf.restore();
  aws.restore();
});

const source = () => lf.region(SOURCE_REGION);
const target = () => lf.region(TARGET_REGION);

function converge(refs: ObjectRef[], kinds = [...LF_KINDS]) {
  const converger = lakeFormationObjectConverger({
    clients,
    sourceRegion: SOURCE_REGION,
    scope: new Scope({ excludeDatabases: ['tmp_*'] }),
    kinds,
    bucketMappings: [],
    protectedPrincipals: [],
  });
  return converger(refs, TARGET_REGION);
}

describe('mocked near-real-time Lake Formation objects', () => {
  test('mocked: a data cells filter is created, updated and deleted as the source is, and no other filter is touched', async () => {
    const ref: ObjectRef = { kind: 'dataCellsFilter', database: 'sales', table: 'orders', name: 'eu-only' };
    const filter = { TableCatalogId: ACCOUNT, DatabaseName: 'sales', TableName: 'orders', Name: 'eu-only', RowFilter: { FilterExpression: "region = 'eu'" }, ColumnNames: ['id', 'name', 'type'] };
    source().filters.set('sales.orders/eu-only', filter);
    const other = { TableCatalogId: ACCOUNT, DatabaseName: 'sales', TableName: 'orders', Name: 'dr-only', RowFilter: { AllRowsWildcard: {} }, ColumnWildcard: {} };
    target().filters.set('sales.orders/dr-only', other);

    expect((await converge([ref])).get(refKey(ref))).toEqual({ status: 'APPLIED', reason: '1 created' });
    expect(target().filters.get('sales.orders/eu-only')).toEqual(filter);

    source().filters.set('sales.orders/eu-only', { ...filter, RowFilter: { FilterExpression: "region IN ('eu', 'uk')" } });
    expect((await converge([ref])).get(refKey(ref))).toEqual({ status: 'APPLIED', reason: '1 updated' });
    expect(target().filters.get('sales.orders/eu-only')!.RowFilter).toEqual({ FilterExpression: "region IN ('eu', 'uk')" });

    source().filters.delete('sales.orders/eu-only');
    expect((await converge([ref])).get(refKey(ref))).toEqual({ status: 'APPLIED', reason: '1 deleted' });
    expect([...target().filters.keys()]).toEqual(['sales.orders/dr-only']);
  });

  test('mocked: tags added to an untagged table and its columns reach the target; removed ones are removed', async () => {
    source().tag('tier', ['gold', 'silver']).tag('pii', ['true', 'false']);
    target().tag('tier', ['gold', 'silver']).tag('pii', ['true', 'false']);
    source().assign(ORDERS, 'tier', 'gold');
    source().assign({ TableWithColumns: { DatabaseName: 'sales', Name: 'orders', ColumnNames: ['id'] } }, 'pii', 'false');
    const ref: ObjectRef = { kind: 'lfTagAssignment', resource: { TableWithColumns: { CatalogId: ACCOUNT, DatabaseName: 'sales', Name: 'orders', ColumnNames: ['id'] } } };

    expect((await converge([ref])).get(refKey(ref))!.status).toBe('APPLIED');
    expect(target().assignmentsView()).toEqual(source().assignmentsView());
    expect(Object.keys(target().assignmentsView())).toHaveLength(2);

    source().assigned.clear();
    expect((await converge([ref])).get(refKey(ref))!.status).toBe('APPLIED');
    expect(target().assignmentsView()).toEqual({});
  });

  test('mocked: an opt-in is created and deleted; an LF-tag expression is created and deleted', async () => {
    const optIn: ObjectRef = { kind: 'optIn', resource: ORDERS };
    const expression: ObjectRef = { kind: 'lfTagExpression', name: 'gold' };
    source().tag('tier', ['gold']);
    target().tag('tier', ['gold']);
    source().optIns.push({ Principal: { DataLakePrincipalIdentifier: ANALYST }, Resource: ORDERS });
    source().expressions.set('gold', { Name: 'gold', Expression: [{ TagKey: 'tier', TagValues: ['gold'] }] });
    const first = await converge([optIn, expression]);
    expect([first.get(refKey(optIn))!.status, first.get(refKey(expression))!.status]).toEqual(['APPLIED', 'APPLIED']);
    expect(target().optIns).toEqual([{ Principal: { DataLakePrincipalIdentifier: ANALYST }, Resource: ORDERS }]);
    expect(target().expressions.get('gold')).toEqual({ Name: 'gold', Expression: [{ TagKey: 'tier', TagValues: ['gold'] }] });

    source().optIns.length = 0;
    source().expressions.clear();
    await converge([optIn, expression]);
    expect(target().optIns).toEqual([]);
    expect(target().expressions.size).toBe(0);
  });

  test('mocked: a kind switched off, an out-of-scope object and a failing write are each reported for their own ref only', async () => {
    const off: ObjectRef = { kind: 'optIn', resource: ORDERS };
    const outOfScope: ObjectRef = { kind: 'dataCellsFilter', database: 'tmp_x', table: 't', name: 'f' };
    const grant: ObjectRef = { kind: 'permission', resource: ORDERS };
    source().grant(ANALYST, ORDERS, ['SELECT']);
    target().failing.set('BatchGrantPermissions', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const out = await converge([off, outOfScope, grant], LF_KINDS.filter(k => k !== 'optIn'));
    expect(out.get(refKey(off))).toEqual({ status: 'SKIPPED', reason: 'optIn replication is switched off' });
    expect(out.get(refKey(outOfScope))).toEqual({ status: 'SKIPPED', reason: 'database tmp_x is out of scope' });
    expect(out.get(refKey(grant))).toMatchObject({ status: 'FAILED', reason: expect.stringContaining('Rate exceeded') });
  });
});
