import {
  AlreadyExistsException, BatchGrantPermissionsCommand, BatchRevokePermissionsCommand, CreateLFTagCommand, DeregisterResourceCommand,
  EntityNotFoundException, ListPermissionsCommand,
} from '@aws-sdk/client-lakeformation';
import type { BatchPermissionsRequestEntry } from '@aws-sdk/client-lakeformation';
import fc from 'fast-check';
import type { CliJob as JobConfig } from '../../../src/cli/args';
import { runEngine as runJob } from '../../../src/cli/run';
import type { Report } from '../../../src/engine/kernel/report';
import { LF_KINDS, kindsWithout } from '../../../src/shared/lake-formation-kinds';
import { database, FakeLake, table } from '../../support/fake-lake';
import { FakeLakeFormation, type RegionLakeFormation } from '../../support/lake-formation-fake';
import { lakeFormationSettings } from '../../support/lake-formation-phases';
import { ACCOUNT, mockAws, SOURCE_REGION, TARGET_REGION, type MockedAws } from '../../support/sdk-harness';

/**
 * Lake Formation replication with aws-sdk-client-mock, for what moto lacks or gets wrong
 * (shared/reference/moto.md): data cells filters, tag assignments on untagged resources, LF-tag
 * expressions and opt-ins, paging and ResourceType listings, per-entry batch failures, and grant
 * options in batch calls. The whole engine runs (runJob: Lake Formation before and after the Glue
 * objects) against a stateful fake of Glue and of Lake Formation in each Region.
 */

const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const ANALYST = role('analyst');
const STEWARD = role('data-steward');
const ENGINEER = role('data-engineer');
const REPLICATOR = role('LakeReplicaRole');
const TARGET_ADMIN = role('dr-admin');

let aws: MockedAws;
let glue: FakeLake;
let lf: FakeLakeFormation;

beforeEach(() => {
  aws = mockAws();
  glue = new FakeLake(aws.glue, { databases: 2, tables: 2, partitions: 100 }).install().persistWrites();
  lf = new FakeLakeFormation(2);
  glue.region(SOURCE_REGION)
    .addDatabase(database('sales'), database('hr'))
    .addTable(table('sales', 'orders'), table('sales', 'customers', { partitionKeys: [] }), table('sales', 'returns', { partitionKeys: [] }), table('hr', 'people', { partitionKeys: [] }));
});
afterEach(() => {
  lf.restore();
  aws.restore();
});

const source = () => lf.region(SOURCE_REGION);
const target = () => lf.region(TARGET_REGION);

function run(overrides: Partial<JobConfig> = {}): Promise<Report> {
  return runJob({ ...lakeFormationSettings(), maxAttempts: 1, ...overrides });
}

/** A lake using every kind moto cannot serve. */
function seedRichSource(r: RegionLakeFormation = source()): void {
  r.tag('domain', ['sales', 'hr', 'finance']).tag('pii', ['true', 'false']).tag('tier', ['gold', 'silver']);
  r.assign({ Database: { Name: 'sales' } }, 'domain', 'sales');
  r.assign({ Table: { DatabaseName: 'sales', Name: 'orders' } }, 'tier', 'gold');
  r.assign({ TableWithColumns: { DatabaseName: 'sales', Name: 'customers', ColumnNames: ['Customer ID', 'id'] } }, 'pii', 'true');
  r.expressions.set('sales-gold', { Name: 'sales-gold', Description: 'Gold sales data', Expression: [{ TagKey: 'domain', TagValues: ['sales'] }, { TagKey: 'tier', TagValues: ['gold'] }] });
  r.filters.set('sales.orders/eu-only', {
    TableCatalogId: ACCOUNT, DatabaseName: 'sales', TableName: 'orders', Name: 'eu-only', RowFilter: { FilterExpression: "region = 'eu'" }, ColumnNames: ['id', 'amount'],
  });
  r.filters.set('sales.customers/no-pii', {
    TableCatalogId: ACCOUNT, DatabaseName: 'sales', TableName: 'customers', Name: 'no-pii', RowFilter: { AllRowsWildcard: {} }, ColumnWildcard: { ExcludedColumnNames: ['Customer ID'] },
  });
  r.locations.set('arn:aws:s3:::acme-lake-raw/sales', { ResourceArn: 'arn:aws:s3:::acme-lake-raw/sales', RoleArn: role('lf-access'), HybridAccessEnabled: true });
  r.optIns.push({ Principal: { DataLakePrincipalIdentifier: ANALYST }, Resource: { Table: { DatabaseName: 'sales', Name: 'orders' } } });
  r.grant(ANALYST, { DataCellsFilter: { TableCatalogId: ACCOUNT, DatabaseName: 'sales', TableName: 'orders', Name: 'eu-only' } }, ['SELECT']);
  r.grant(ANALYST, { LFTagPolicy: { CatalogId: ACCOUNT, ResourceType: 'TABLE', Expression: [{ TagKey: 'domain', TagValues: ['sales'] }] } }, ['SELECT', 'DESCRIBE']);
  r.grant(ANALYST, { LFTagPolicy: { CatalogId: ACCOUNT, ResourceType: 'DATABASE', Expression: [{ TagKey: 'domain', TagValues: ['sales', 'hr'] }] } }, ['DESCRIBE']);
  r.grant(STEWARD, { LFTag: { CatalogId: ACCOUNT, TagKey: 'pii', TagValues: ['true', 'false'] } }, ['ASSOCIATE', 'DESCRIBE'], ['ASSOCIATE', 'DESCRIBE']);
  r.grant(STEWARD, { LFTagPolicy: { CatalogId: ACCOUNT, ResourceType: 'TABLE', ExpressionName: 'sales-gold' } }, ['SELECT']);
  r.grant(STEWARD, { LFTagExpression: { CatalogId: ACCOUNT, Name: 'sales-gold' } }, ['DESCRIBE'], ['DESCRIBE']);
  r.grant(ENGINEER, { Database: { CatalogId: ACCOUNT, Name: 'sales' } }, ['ALTER', 'CREATE_TABLE', 'DESCRIBE'], ['CREATE_TABLE']);
  r.grant(ENGINEER, { DataLocation: { CatalogId: ACCOUNT, ResourceArn: 'arn:aws:s3:::acme-lake-raw/sales' } }, ['DATA_LOCATION_ACCESS'], ['DATA_LOCATION_ACCESS']);
  r.grant(ENGINEER, { Table: { CatalogId: ACCOUNT, DatabaseName: 'hr', TableWildcard: {} } }, ['SELECT'], ['SELECT']);
  r.grant(ANALYST, { TableWithColumns: { CatalogId: ACCOUNT, DatabaseName: 'sales', Name: 'customers', ColumnNames: ['type', 'id', 'name'] } }, ['SELECT']);
}

/** The source's grants as they should read in the target: DataLocation ARNs mapped. */
function mappedView(view: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(view).map(([k, v]) => [k.replace(':::acme-lake-raw/', ':::acme-lake-raw-usw2/'), v]));
}

function batchEntries(command: typeof BatchGrantPermissionsCommand | typeof BatchRevokePermissionsCommand): BatchPermissionsRequestEntry[][] {
  return lf.stub.commandCalls(command).map(c => c.args[0].input.Entries ?? []);
}

describe('mocked Lake Formation', () => {
  test('mocked: filters, tag assignments on untagged resources, LF-tag expressions, opt-ins and grant options replicate; a re-run writes nothing', async () => {
    seedRichSource();
    const r = await run();
    expect(r.failures).toEqual([]);
    expect(r.counts.lfTag).toMatchObject({ created: 3 });
    expect(r.counts.lfTagExpression).toMatchObject({ created: 1 });
    expect(r.counts.dataCellsFilter).toMatchObject({ created: 2 });
    expect(r.counts.optIn).toMatchObject({ created: 1 });
    // Database, table and two single-column assignments, all on untagged target objects.
    expect(r.counts.lfTagAssignment).toMatchObject({ created: 4 });
    expect(r.counts.permission).toMatchObject({ created: 10, failed: 0 });

    const t = target();
    expect(Object.fromEntries(t.tags)).toEqual(Object.fromEntries(source().tags));
    expect(t.expressions).toEqual(source().expressions);
    // Filters are created with the catalog id CreateDataCellsFilter needs, and nothing output-only.
    expect([...t.filters.values()]).toEqual([...source().filters.values()]);
    expect(t.optIns).toEqual([{ Principal: { DataLakePrincipalIdentifier: ANALYST }, Resource: { Table: { DatabaseName: 'sales', Name: 'orders' } } }]);
    expect([...t.locations.values()]).toEqual([{ ResourceArn: 'arn:aws:s3:::acme-lake-raw-usw2/sales', RoleArn: role('lf-access'), HybridAccessEnabled: true }]);
    expect(t.assignmentsView()).toEqual(source().assignmentsView());
    expect(Object.keys(t.assignmentsView())).toHaveLength(4);
    // Every principal holds the same permissions, grant options included.
    expect(t.permissionsView()).toEqual(mappedView(source().permissionsView()));
    expect(t.permissionsView()[`${STEWARD} | {"LFTag":{"TagKey":"pii","TagValues":["false","true"]}}`]).toEqual(['ASSOCIATE+grant', 'DESCRIBE+grant']);
    // The batch entries carry the grant options (moto drops them) and never a catalog id.
    const granted = batchEntries(BatchGrantPermissionsCommand).flat();
    expect(granted.find(e => e.Resource?.Database)).toMatchObject({
      Principal: { DataLakePrincipalIdentifier: ENGINEER },
      Resource: { Database: { Name: 'sales' } },
      Permissions: ['ALTER', 'CREATE_TABLE', 'DESCRIBE'],
      PermissionsWithGrantOption: ['CREATE_TABLE'],
    });
    expect(JSON.stringify(granted)).not.toContain('CatalogId');

    lf.stub.resetHistory();
    const again = await run({ prune: true });
    expect(again.failures).toEqual([]);
    expect(lf.writes()).toEqual({});
    expect(again.counts.permission).toMatchObject({ created: 0, deleted: 0, unchanged: 10 });
    const verify = await run({ mode: 'verify' });
    expect(verify.inSync).toBe(true);
  });

  test('mocked: every listing is paged to its end and grants are listed per ResourceType', async () => {
    seedRichSource();
    await run();
    const types = lf.stub.commandCalls(ListPermissionsCommand).map(c => c.args[0].input.ResourceType ?? '*');
    expect(new Set(types)).toEqual(new Set(['*', 'LF_TAG', 'LF_TAG_POLICY', 'LF_TAG_POLICY_DATABASE', 'LF_TAG_POLICY_TABLE', 'LF_NAMED_TAG_EXPRESSION']));
    // Pages of two: the unfiltered listing of the source's 6 non-tag grants takes 3 calls, each token followed.
    const sourceCalls = lf.stub.commandCalls(ListPermissionsCommand).filter(c => c.args[0].input.ResourceType === undefined).slice(0, 3);
    expect(sourceCalls.map(c => c.args[0].input.NextToken === undefined)).toEqual([true, false, false]);
    // The target got everything, including what only a later page or a typed listing holds.
    expect(target().permissionsView()).toEqual(mappedView(source().permissionsView()));
  });

  test('mocked: grants go 20 to a batch; a failed entry is reported by principal and resource, the others still apply', async () => {
    const principals = Array.from({ length: 45 }, (_, i) => role(`reader-${String(i).padStart(2, '0')}`));
    for (const p of principals) source().grant(p, { Database: { Name: 'sales' } }, ['DESCRIBE']);
    target().failEntry = (e, call) => call === 'grant' && e.Principal?.DataLakePrincipalIdentifier === principals[7]
      ? `Principal ${principals[7]} does not exist` : undefined;
    const r = await run({ lakeFormation: { kinds: ['permission'], protectedPrincipals: [] } });
    expect(batchEntries(BatchGrantPermissionsCommand).map(e => e.length)).toEqual([20, 20, 5]);
    for (const entries of batchEntries(BatchGrantPermissionsCommand)) expect(new Set(entries.map(e => e.Id)).size).toBe(entries.length);
    expect(r.counts.permission).toMatchObject({ created: 44, failed: 1 });
    expect(r.failures).toEqual([{
      kind: 'permission',
      key: `${principals[7]} on Database sales`,
      target: TARGET_REGION,
      error: `InvalidInputException: Principal ${principals[7]} does not exist`,
    }]);
    expect(Object.keys(target().permissionsView())).toHaveLength(44);

    // A batch call that fails as a whole fails only its own entries.
    target().failEntry = undefined;
    let calls = 0;
    lf.stub.on(BatchGrantPermissionsCommand).callsFake(() => {
      calls++;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    });
    source().grant(role('late'), { Database: { Name: 'hr' } }, ['DESCRIBE']);
    const again = await run({ lakeFormation: { kinds: ['permission'], protectedPrincipals: [] } });
    expect(calls).toBe(1);
    expect(again.counts.permission).toMatchObject({ created: 0, failed: 2 });
  });

  test('mocked: losing only a grant option revokes the permission with its option, then grants it again without', async () => {
    source().grant(ANALYST, { Table: { DatabaseName: 'sales', Name: 'orders' } }, ['SELECT', 'DESCRIBE'], ['DESCRIBE']);
    target().grant(ANALYST, { Table: { DatabaseName: 'sales', Name: 'orders' } }, ['SELECT', 'DESCRIBE'], ['SELECT', 'DESCRIBE']);
    const kinds = { kinds: ['permission' as const], protectedPrincipals: [] };

    const kept = await run({ lakeFormation: kinds });
    expect(lf.writes()).toEqual({});
    expect(kept.counts.permission).toMatchObject({ unchanged: 1 });
    const verify = await run({ mode: 'verify', lakeFormation: kinds });
    expect(verify.inSync).toBe(false);
    expect(verify.differences).toEqual(expect.arrayContaining([
      { kind: 'permission', key: `${ANALYST} on Table sales.orders`, target: TARGET_REGION, difference: 'extra', fields: ['SELECT', 'SELECT (grant option)'] },
    ]));

    await run({ prune: true, lakeFormation: kinds });
    expect(batchEntries(BatchRevokePermissionsCommand).flat()).toEqual([expect.objectContaining({ Permissions: ['SELECT'], PermissionsWithGrantOption: ['SELECT'] })]);
    expect(batchEntries(BatchGrantPermissionsCommand).flat()).toEqual([expect.objectContaining({ Permissions: ['SELECT'], PermissionsWithGrantOption: [] })]);
    expect(target().permissionsView()).toEqual(source().permissionsView());
    expect(target().permissionsView()[`${ANALYST} | {"Table":{"DatabaseName":"sales","Name":"orders"}}`]).toEqual(['DESCRIBE+grant', 'SELECT']);
  });

  test('mocked: prune removes extra filters, expressions, opt-ins, assignments, tags and grants, never of protected principals', async () => {
    seedRichSource();
    await run();
    const t = target();
    t.tag('legacy', ['x']);
    t.expressions.set('old', { Name: 'old', Expression: [{ TagKey: 'legacy', TagValues: ['x'] }] });
    t.filters.set('sales.orders/old', { TableCatalogId: ACCOUNT, DatabaseName: 'sales', TableName: 'orders', Name: 'old', RowFilter: { AllRowsWildcard: {} }, ColumnNames: ['id'] });
    t.optIns.push({ Principal: { DataLakePrincipalIdentifier: ENGINEER }, Resource: { Database: { Name: 'hr' } } });
    t.optIns.push({ Principal: { DataLakePrincipalIdentifier: TARGET_ADMIN }, Resource: { Database: { Name: 'hr' } } });
    t.assign({ Table: { DatabaseName: 'hr', Name: 'people' } }, 'legacy', 'x');
    t.grant(ENGINEER, { Database: { Name: 'hr' } }, ['DROP']);
    t.grant(TARGET_ADMIN, { Database: { Name: 'hr' } }, ['ALL']);
    t.grant(REPLICATOR, { Database: { Name: 'hr' } }, ['ALL']);
    t.grant(role('break-glass'), { Database: { Name: 'hr' } }, ['ALL']);
    t.settings = { ...t.settings, DataLakeAdmins: [...t.settings.DataLakeAdmins ?? [], { DataLakePrincipalIdentifier: TARGET_ADMIN }] };

    const r = await run({ prune: true, lakeFormation: { kinds: [...LF_KINDS], protectedPrincipals: [role('break-glass')] } });
    expect(r.failures).toEqual([]);
    expect(r.counts.lfTag).toMatchObject({ deleted: 1 });
    expect(r.counts.lfTagExpression).toMatchObject({ deleted: 1 });
    expect(r.counts.dataCellsFilter).toMatchObject({ deleted: 1 });
    expect(r.counts.optIn).toMatchObject({ deleted: 1 });
    expect(r.counts.lfTagAssignment).toMatchObject({ deleted: 1 });
    expect(r.counts.permission).toMatchObject({ deleted: 1 });
    expect(t.tags.has('legacy')).toBe(false);
    expect([...t.expressions.keys()]).toEqual(['sales-gold']);
    expect([...t.filters.keys()].sort()).toEqual(['sales.customers/no-pii', 'sales.orders/eu-only']);
    expect(t.optIns.map(o => o.Principal.DataLakePrincipalIdentifier).sort()).toEqual([ANALYST, TARGET_ADMIN].sort());
    const view = t.permissionsView();
    const extras = Object.keys(view).filter(k => !(k in mappedView(source().permissionsView()))).map(k => k.split(' | ')[0]).sort();
    // The replicator (the caller's assumed role), the target's admin and the listed principal keep theirs.
    expect(extras).toEqual([REPLICATOR, role('break-glass'), TARGET_ADMIN].sort());
    expect(t.settings.DataLakeAdmins!.map(a => a.DataLakePrincipalIdentifier)).toContain(TARGET_ADMIN);
  });

  test('mocked: a kind whose source listing fails is reported, and nothing of it is replicated or pruned', async () => {
    seedRichSource();
    await run();
    target().optIns.push({ Principal: { DataLakePrincipalIdentifier: ENGINEER }, Resource: { Database: { Name: 'hr' } } });
    source().failing.set('ListLakeFormationOptIns', Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const r = await run({ prune: true });
    expect(r.failures).toEqual([expect.objectContaining({ kind: 'optIn', key: '*', error: expect.stringMatching(/source's optIn state failed.*not authorized/) })]);
    expect(target().optIns).toHaveLength(2);
    expect(r.counts.permission).toMatchObject({ unchanged: 10, failed: 0 });
  });

  test('mocked: grants on data cells filters are found with their table (IncludeRelated) when the unfiltered listing leaves them out', async () => {
    for (const r of [source(), target()]) r.cellFilterGrantsOnlyWithTable = true;
    source().filters.set('sales.orders/eu-only', {
      TableCatalogId: ACCOUNT, DatabaseName: 'sales', TableName: 'orders', Name: 'eu-only', RowFilter: { FilterExpression: "region = 'eu'" }, ColumnWildcard: {},
    });
    source().grant(ANALYST, { DataCellsFilter: { TableCatalogId: ACCOUNT, DatabaseName: 'sales', TableName: 'orders', Name: 'eu-only' } }, ['SELECT']);
    const r = await run({ lakeFormation: { kinds: ['dataCellsFilter', 'permission'], protectedPrincipals: [] } });
    expect(r.failures).toEqual([]);
    expect(r.counts.permission).toMatchObject({ created: 1 });
    expect(target().permissionsView()).toEqual(source().permissionsView());
    const related = lf.stub.commandCalls(ListPermissionsCommand).filter(c => c.args[0].input.IncludeRelated === 'TRUE');
    // The source's table with a filter; the target had no filter yet when it was read.
    expect(related.map(c => c.args[0].input.Resource)).toEqual([{ Table: { DatabaseName: 'sales', Name: 'orders' } }]);
    lf.stub.resetHistory();
    const again = await run({ lakeFormation: { kinds: ['dataCellsFilter', 'permission'], protectedPrincipals: [] } });
    expect(again.counts.permission).toMatchObject({ created: 0, unchanged: 1 });
    expect(lf.writes()).toEqual({});
    expect(lf.stub.commandCalls(ListPermissionsCommand).filter(c => c.args[0].input.IncludeRelated === 'TRUE')).toHaveLength(2);
  });

  test('mocked: skip switches narrow what is read and written', async () => {
    seedRichSource();
    const r = await run({ lakeFormation: { kinds: kindsWithout(['data-cells-filters', 'opt-ins', 'lf-tag-expressions']), protectedPrincipals: [] } });
    expect(r.counts.dataCellsFilter).toBeUndefined();
    expect(target().filters.size).toBe(0);
    expect(target().optIns).toEqual([]);
    expect(target().expressions.size).toBe(0);
    // Grants on a named expression cannot be listed when expressions are skipped; the rest are replicated.
    expect(lf.stub.commandCalls(ListPermissionsCommand).some(c => c.args[0].input.ResourceType === 'LF_NAMED_TAG_EXPRESSION')).toBe(false);
    expect(target().permissionsView()[`${ENGINEER} | {"Database":{"Name":"sales"}}`]).toEqual(['ALTER', 'CREATE_TABLE+grant', 'DESCRIBE']);
  });
});

describe('mocked Lake Formation: converging twice is the same as once', () => {
  const PRINCIPALS = [ANALYST, STEWARD, ENGINEER];
  const RESOURCES = [
    { Database: { Name: 'sales' } }, { Table: { DatabaseName: 'sales', Name: 'orders' } }, { Table: { DatabaseName: 'hr', TableWildcard: {} } },
    { TableWithColumns: { DatabaseName: 'sales', Name: 'orders', ColumnNames: ['id', 'name', 'type'] } },
  ];
  const PERMS = ['SELECT', 'DESCRIBE', 'ALTER', 'INSERT'] as const;
  const grantArb = fc.record({
    principal: fc.constantFrom(...PRINCIPALS),
    resource: fc.constantFrom(...RESOURCES),
    perms: fc.subarray([...PERMS], { minLength: 1 }),
    grantable: fc.subarray([...PERMS]),
  });

  test('mocked property: after a pruning sync the target equals the source and a second sync writes nothing', async () => {
    await fc.assert(fc.asyncProperty(fc.array(grantArb, { maxLength: 8 }), fc.array(grantArb, { maxLength: 8 }), async (wanted, existing) => {
      for (const r of [source(), target()]) r.grants.clear();
      for (const g of wanted) source().grant(g.principal, structuredClone(g.resource), g.perms, g.grantable.filter(p => g.perms.includes(p)));
      for (const g of existing) target().grant(g.principal, structuredClone(g.resource), g.perms, g.grantable.filter(p => g.perms.includes(p)));
      const kinds = { kinds: ['permission' as const], protectedPrincipals: [] };
      const first = await run({ prune: true, lakeFormation: kinds });
      expect(first.failures).toEqual([]);
      expect(target().permissionsView()).toEqual(source().permissionsView());
      lf.stub.resetHistory();
      await run({ prune: true, lakeFormation: kinds });
      expect(lf.writes()).toEqual({});
    }), { numRuns: 25 });
  });
});

describe('mocked Lake Formation: state on catalogs other than the default one', () => {
  test('mocked: grants on a federated catalog and its databases, and on an S3 Tables table, are replicated naming their catalog; the federated connection\'s registration names the target\'s connection', async () => {
    const POLARIS = `${ACCOUNT}:polaris`;
    const S3_TABLES = `${ACCOUNT}:s3tablescatalog/analytics-bucket`;
    source()
      .grant(ANALYST, { Catalog: { Id: POLARIS } }, ['DESCRIBE'])
      .grant(ANALYST, { Database: { CatalogId: POLARIS, Name: 'sales' } }, ['DESCRIBE'], ['DESCRIBE'])
      .grant(ENGINEER, { Table: { CatalogId: S3_TABLES, DatabaseName: 'sales', Name: 'events' } }, ['SELECT', 'DESCRIBE'])
      .grant(ENGINEER, { Database: { Name: 'sales' } }, ['DESCRIBE']);
    const connection = (region: string) => `arn:aws:glue:${region}:${ACCOUNT}:connection/snowflake`;
    source().locations.set(connection(SOURCE_REGION), { ResourceArn: connection(SOURCE_REGION), RoleArn: role('lf-federation'), WithFederation: true });

    const r = await run();
    expect(r.failures).toEqual([]);
    expect(r.counts.permission).toMatchObject({ created: 4, failed: 0 });
    expect(target().permissionsView()).toEqual(source().permissionsView());
    const granted = batchEntries(BatchGrantPermissionsCommand).flat();
    expect(granted.map(e => e.Resource)).toEqual(expect.arrayContaining([
      { Catalog: { Id: POLARIS } },
      { Database: { CatalogId: POLARIS, Name: 'sales' } },
      { Table: { CatalogId: S3_TABLES, DatabaseName: 'sales', Name: 'events' } },
      // The default catalog is still left unnamed.
      { Database: { Name: 'sales' } },
    ]));
    expect([...target().locations.values()]).toEqual([{ ResourceArn: connection(TARGET_REGION), RoleArn: role('lf-federation'), WithFederation: true }]);

    lf.stub.resetHistory();
    const again = await run({ prune: true });
    expect(again.failures).toEqual([]);
    expect(lf.writes()).toEqual({});
    expect(again.counts.permission).toMatchObject({ unchanged: 4, deleted: 0 });
  });

  test('mocked: a grant on another account\'s catalog is still left out', async () => {
    source().grant(ANALYST, { Database: { CatalogId: '999999999999', Name: 'shared' } }, ['DESCRIBE']);
    const r = await run();
    expect(r.failures).toEqual([]);
    expect(target().permissionsView()).toEqual({});
  });
});

describe('mocked Lake Formation: idempotency conflicts converge instead of failing', () => {
  const lost = (message: string) => new AlreadyExistsException({ message, $metadata: { httpStatusCode: 400 } });

  test('mocked: a CreateLFTag whose answer was lost is found there and its values converged', async () => {
    source().tag('domain', ['sales', 'hr', 'finance']);
    lf.stub.on(CreateLFTagCommand).callsFake((input: { TagKey: string; TagValues: string[] }) => {
      // The write reached the service with part of the values; its answer never came back.
      target().tag(input.TagKey, input.TagValues.slice(0, 1));
      throw lost(`Tag key ${input.TagKey} already exists`);
    });

    const report = await run({ lakeFormation: { kinds: kindsWithout(['permissions', 'data-cells-filters', 'opt-ins']), protectedPrincipals: [] } });

    expect(report.failures).toEqual([]);
    expect(report.counts.lfTag).toMatchObject({ created: 0, updated: 1, failed: 0 });
    expect(target().tags.get('domain')?.sort()).toEqual(['finance', 'hr', 'sales']);
  });

  test('mocked: a DeregisterResource whose answer was lost counts as deleted with prune', async () => {
    const arn = 'arn:aws:s3:::acme-lake-raw-usw2/old';
    target().locations.set(arn, { ResourceArn: arn, RoleArn: role('lake-access') });
    lf.stub.on(DeregisterResourceCommand).callsFake((input: { ResourceArn: string }) => {
      target().locations.delete(input.ResourceArn);
      throw new EntityNotFoundException({ message: `${input.ResourceArn} is not registered`, $metadata: { httpStatusCode: 400 } });
    });

    const report = await run({ prune: true, lakeFormation: { kinds: kindsWithout(['permissions', 'data-cells-filters', 'opt-ins']), protectedPrincipals: [] } });

    expect(report.failures).toEqual([]);
    expect(report.counts.dataLocation).toMatchObject({ deleted: 1, failed: 0 });
    expect(target().locations.has(arn)).toBe(false);
  });
});
