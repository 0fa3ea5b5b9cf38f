import type { DataLakeSettings } from '@aws-sdk/client-lakeformation';
import { AwsClients } from '../../../src/engine/kernel/clients';
import { refKey, type ObjectRef } from '../../../src/engine/kernel/object-ref';
import { Scope } from '../../../src/engine/kernel/scope';
import { lakeFormationObjectConverger } from '../../../src/engine/lake-formation/objects';
import { LF_KINDS } from '../../../src/shared/lake-formation-kinds';
import { FakeLakeFormation } from '../../support/lake-formation-fake';
import { ACCOUNT, mockAws, SOURCE_REGION, TARGET_REGION, type MockedAws } from '../../support/sdk-harness';

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

  test('mocked: a grant on a named LF-tag expression is replicated (its listing needs the expressions read too)', async () => {
    source().tag('tier', ['gold']);
    target().tag('tier', ['gold']);
    source().expressions.set('gold', { Name: 'gold', Expression: [{ TagKey: 'tier', TagValues: ['gold'] }] });
    target().expressions.set('gold', { Name: 'gold', Expression: [{ TagKey: 'tier', TagValues: ['gold'] }] });
    source().grant(ANALYST, { LFTagExpression: { CatalogId: ACCOUNT, Name: 'gold' } }, ['DESCRIBE']);
    const ref: ObjectRef = { kind: 'permission', resource: { LFTagExpression: { CatalogId: ACCOUNT, Name: 'gold' } } };
    expect((await converge([ref])).get(refKey(ref))).toEqual({ status: 'APPLIED', reason: '1 created' });
    expect(target().permissionsView()).toEqual({ [`${ANALYST} | {"LFTagExpression":{"Name":"gold"}}`]: ['DESCRIBE'] });
  });

  test('mocked: an LF-tag grant event converges every grant on that tag key, whatever values the event named', async () => {
    source().tag('pii', ['true', 'false']);
    target().tag('pii', ['true', 'false']);
    source().grant(ANALYST, { LFTag: { CatalogId: ACCOUNT, TagKey: 'pii', TagValues: ['false', 'true'] } }, ['DESCRIBE']);
    const ref: ObjectRef = { kind: 'permission', resource: { LFTag: { TagKey: 'pii', TagValues: ['true'] } } };
    expect((await converge([ref])).get(refKey(ref))!.status).toBe('APPLIED');
    expect(Object.keys(target().permissionsView())).toEqual([`${ANALYST} | {"LFTag":{"TagKey":"pii","TagValues":["false","true"]}}`]);
  });

  test('mocked: an event spelling the table in mixed case converges the lower-case table Glue stores', async () => {
    source().grant(ANALYST, ORDERS, ['SELECT']);
    const ref: ObjectRef = { kind: 'permission', resource: { Table: { DatabaseName: 'Sales', Name: 'ORDERS' } } };
    expect((await converge([ref])).get(refKey(ref))).toEqual({ status: 'APPLIED', reason: '1 created' });
    expect(target().permissionsView()).toEqual({ [`${ANALYST} | {"Table":{"DatabaseName":"sales","Name":"orders"}}`]: ['SELECT'] });
  });

  test('mocked: the same LF-tag expression with its terms in another order is unchanged, not rewritten', async () => {
    source().tag('tier', ['gold']).tag('domain', ['sales']);
    target().tag('tier', ['gold']).tag('domain', ['sales']);
    source().expressions.set('x', { Name: 'x', Expression: [{ TagKey: 'tier', TagValues: ['gold'] }, { TagKey: 'domain', TagValues: ['sales'] }] });
    target().expressions.set('x', { Name: 'x', Expression: [{ TagKey: 'domain', TagValues: ['sales'] }, { TagKey: 'tier', TagValues: ['gold'] }] });
    const ref: ObjectRef = { kind: 'lfTagExpression', name: 'x' };
    expect((await converge([ref])).get(refKey(ref))).toEqual({ status: 'APPLIED', reason: '1 unchanged' });
    expect(lf.writes()).toEqual({});
  });

  test('mocked: an admin added to the target while the run was reading is kept: settings are merged from a fresh read', async () => {
    const [SOURCE_ADMIN, TARGET_ADMIN, LATE_ADMIN] = ['lake-admin', 'dr-admin', 'added-meanwhile'].map(n => `arn:aws:iam::${ACCOUNT}:role/${n}`);
    source().settings = { DataLakeAdmins: [{ DataLakePrincipalIdentifier: SOURCE_ADMIN }] };
    let settings: DataLakeSettings = { DataLakeAdmins: [{ DataLakePrincipalIdentifier: TARGET_ADMIN }] };
    let reads = 0;
    // The first read is the run's listing; before the second, another writer adds an admin.
    Object.defineProperty(target(), 'settings', {
      get() {
        const late = { DataLakePrincipalIdentifier: LATE_ADMIN };
        if (++reads === 2) settings = { ...settings, DataLakeAdmins: [...settings.DataLakeAdmins ?? [], late] };
        return settings;
      },
      set(value) { settings = value; },
    });
    const ref: ObjectRef = { kind: 'dataLakeSettings' };
    expect((await converge([ref])).get(refKey(ref))!.status).toBe('APPLIED');
    expect(settings.DataLakeAdmins!.map(a => a.DataLakePrincipalIdentifier).sort()).toEqual([LATE_ADMIN, SOURCE_ADMIN, TARGET_ADMIN].sort());
  });

  test('mocked: a location on the service-linked role is updated in place with that role, never deregistered', async () => {
    const arn = 'arn:aws:s3:::acme-lake-raw/sales';
    const slr = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/lakeformation.amazonaws.com/AWSServiceRoleForLakeFormationDataAccess`;
    source().locations.set(arn, { ResourceArn: arn, RoleArn: slr, HybridAccessEnabled: true });
    target().locations.set(arn, { ResourceArn: arn, RoleArn: slr });
    const ref: ObjectRef = { kind: 'dataLocation', resourceArn: arn };
    expect((await converge([ref])).get(refKey(ref))).toEqual({ status: 'APPLIED', reason: '1 updated' });
    expect(target().locations.get(arn)).toEqual({ ResourceArn: arn, RoleArn: slr, HybridAccessEnabled: true });
    expect(lf.writes()).toEqual({ UpdateResource: 1 });
  });
});
