import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddLFTagsToResourceCommand, BatchGrantPermissionsCommand, DeleteLFTagCommand, GetResourceLFTagsCommand, RemoveLFTagsFromResourceCommand,
} from '@aws-sdk/client-lakeformation';
import { runEngine } from '../../../src/cli/run';
import { ReplicationEngine, type EngineSettings } from '../../../src/engine/engine';
import { AwsClients } from '../../../src/engine/kernel/clients';
import { mergeInto } from '../../../src/engine/kernel/report';
import { Scope } from '../../../src/engine/kernel/scope';
import { lfKey } from '../../../src/engine/lake-formation/shapes';
import { SnapshotSource, validateSnapshot } from '../../../src/engine/snapshot';
import { LF_KINDS, type LfKind } from '../../../src/shared/lake-formation-kinds';
import { database, FakeLake, table } from '../../support/fake-lake';
import { FakeLakeFormation, type RegionLakeFormation } from '../../support/lake-formation-fake';
import {
  lakeFormationSettings, PASSED, runLakeFormationPhase, writeLakeFormationManifest, type PhaseRun,
} from '../../support/lake-formation-phases';
import { ACCOUNT, mockAws, SOURCE_REGION, TARGET_REGION, type MockedAws } from '../../support/sdk-harness';
import { seedTaggedLake as seedLake, taggedTable } from '../../support/tagged-lake';

/**
 * The on-demand job's Lake Formation phases going on across invocations (engine/lake-formation/phase-steps.ts),
 * against the stateful fakes of Glue and Lake Formation (moto lacks most of Lake Formation, and GetResourceLFTags
 * on untagged resources): each invocation gets a deadline already passed, so it converges exactly one chunk and
 * the phase continues from its cursor, invocation after invocation, as the state machine loops it.
 */

const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const DATABASES = ['db_a', 'db_b', 'db_c'];
const PRINCIPALS = ['analyst', 'steward', 'engineer', 'auditor', 'loader', 'scientist', 'reporter'].map(role);
const tableName = taggedTable;

let aws: MockedAws;
let glue: FakeLake;
let lf: FakeLakeFormation;
let dir: string;

beforeEach(() => {
  aws = mockAws();
  glue = new FakeLake(aws.glue).install().persistWrites();
  lf = new FakeLakeFormation(1000);
  dir = mkdtempSync(join(tmpdir(), 'lf-phases-'));
});
afterEach(() => {
  lf.restore();
  aws.restore();
  rmSync(dir, { recursive: true, force: true });
});

const source = () => lf.region(SOURCE_REGION);
const target = () => lf.region(TARGET_REGION);

const settings = lakeFormationSettings;

/** Three databases of `tables` tagged tables in the source, SELECT on each for the first `principals` principals. */
function seedTaggedLake(tables: number, principals = 1): number {
  return seedLake(glue.region(SOURCE_REGION), source(), { databases: DATABASES, tables, principals: PRINCIPALS.slice(0, principals) });
}

/** Both phases of one job run, the Glue objects in between left out (the fake Lake Formation does not check that they exist). */
async function jobPhases(overrides: Partial<EngineSettings> = {}, snapshotDir?: string): Promise<{ before: PhaseRun; after: PhaseRun }> {
  const before = await runLakeFormationPhase(settings(overrides), 'before', { snapshotDir });
  const after = await runLakeFormationPhase(settings(overrides), 'after');
  return { before, after };
}

/** 110 tables a database: two GetTables pages each; 7 principals: 2,310 grants, more than one chunk of 2,000. */
const TABLES = 110;
const GRANTS = DATABASES.length * TABLES * PRINCIPALS.length;
const pages = Math.ceil(TABLES / 100);

describe('mocked Lake Formation phases that continue across invocations', () => {
  test('mocked: 330 tagged tables and 2,310 grants converge one chunk an invocation, each object once; an unchanged re-run writes nothing', async () => {
    const tagged = seedTaggedLake(TABLES, PRINCIPALS.length);
    const { before, after } = await jobPhases({}, dir);

    // Before: the settings, the LF-tags, then the expressions and locations (none, so no chunk: the same
    // invocation goes on) and the source's tag assignments into the snapshot, one page of 100 tables an invocation.
    expect(before.reports).toHaveLength(2 + DATABASES.length * pages);
    expect(before.cursors.map(c => c.step)).toEqual(['converge lfTag', 'converge lfTagExpression', ...Array(DATABASES.length * pages - 1).fill('snapshot lfTagAssignment')]);
    // After: filters and opt-ins (none), the walk page by page, then the grants in chunks of 2,000.
    expect(after.reports).toHaveLength(DATABASES.length * pages + 2);
    const walk = after.cursors.filter(c => c.step === 'converge lfTagAssignment');
    expect(walk[0]).toEqual({ step: 'converge lfTagAssignment', database: 'db_a', tablePage: expect.any(String) });
    // Where a database is not started the cursor names it alone; inside one, the page of its tables to read next.
    expect(walk.map(c => [c.database, c.tablePage === undefined])).toEqual([['db_a', false], ['db_b', true], ['db_b', false], ['db_c', true], ['db_c', false]]);
    // The grants, 770 a database: the first chunk, of at least 2,000, ends at the db_c table that reaches 2,000.
    const lastOfFirstChunk = Math.ceil((2000 - 2 * TABLES * PRINCIPALS.length) / PRINCIPALS.length) - 1;
    expect(after.cursors.filter(c => c.step === 'converge permission')).toEqual([
      { step: 'converge permission' },
      { step: 'converge permission', after: ['db_c', tableName(lastOfFirstChunk)] },
    ]);

    for (const r of [...before.reports, ...after.reports]) expect(r.failures).toEqual([]);
    // Each assignment converged once: one AddLFTagsToResource for each tagged resource, each counted once.
    expect(after.merged.counts.lfTagAssignment).toEqual({ created: tagged, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
    expect(lf.stub.commandCalls(AddLFTagsToResourceCommand)).toHaveLength(tagged);
    const added = lf.stub.commandCalls(AddLFTagsToResourceCommand).map(c => lfKey(c.args[0].input.Resource));
    expect(new Set(added).size).toBe(tagged);
    expect(target().assignmentsView()).toEqual(source().assignmentsView());
    // Grants still go 20 to a call within a chunk: 2,002 in the first, 308 in the second, so 101 + 16 calls,
    // one more than the 116 of one chunk (a chunk boundary costs at most one part-filled batch).
    expect(after.merged.counts.permission).toEqual({ created: GRANTS, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
    const first = (2 * TABLES + lastOfFirstChunk + 1) * PRINCIPALS.length;
    expect(lf.stub.commandCalls(BatchGrantPermissionsCommand)).toHaveLength(Math.ceil(first / 20) + Math.ceil((GRANTS - first) / 20));
    expect(lf.stub.commandCalls(BatchGrantPermissionsCommand).length).toBeLessThanOrEqual(Math.ceil(GRANTS / 20) + 1);
    expect(target().permissionsView()).toEqual(source().permissionsView());
    // GetResourceLFTags: once a resource a side in the after phase, and once a resource in the source for the snapshot.
    const databasesAndTables = DATABASES.length * (TABLES + 1);
    expect(after.merged.apiCalls['lakeformation:GetResourceLFTags']).toBe(2 * databasesAndTables);
    expect(before.merged.apiCalls['lakeformation:GetResourceLFTags']).toBe(databasesAndTables);

    lf.stub.resetHistory();
    const again = await jobPhases({ prune: true }, dir);
    expect(lf.writes()).toEqual({});
    expect(again.after.merged.counts.lfTagAssignment).toMatchObject({ created: 0, updated: 0, deleted: 0, unchanged: tagged, failed: 0 });
    expect(again.after.merged.counts.permission).toMatchObject({ created: 0, deleted: 0, unchanged: GRANTS, failed: 0 });
    expect(again.before.merged.counts.lfTag).toMatchObject({ unchanged: 3 });
  });

  test('mocked: the before phase\'s snapshot parts validate as one snapshot and hold every assignment and grant once', async () => {
    const tagged = seedTaggedLake(30, 2);
    const { before } = await jobPhases({}, dir);
    expect(before.parts[0]).toBe('_lake-formation.jsonl.gz');
    expect(before.parts[1]).toBe('_lake-formation.000001.jsonl.gz');
    expect(before.parts).toHaveLength(before.reports.length);
    expect(before.reports.at(-1)!.snapshot!.lakeFormationKinds).toEqual([...LF_KINDS]);

    const manifest = writeLakeFormationManifest(dir, before, { region: SOURCE_REGION, catalogId: ACCOUNT });
    const clients = new AwsClients({ maxAttempts: 1 });
    try {
      await expect(validateSnapshot(manifest, clients, SOURCE_REGION)).resolves.toMatchObject({ lakeFormation: { kinds: [...LF_KINDS] } });
      const snapshot = new SnapshotSource(manifest, clients, new Scope(), SOURCE_REGION);
      const state = (await snapshot.lakeFormation())!;
      expect(state.tagAssignments).toHaveLength(tagged);
      expect(new Set(state.tagAssignments.map(a => lfKey(a.Resource))).size).toBe(tagged);
      expect(state.permissions).toHaveLength(DATABASES.length * 30 * 2);
      expect(state.lfTags.map(t => t.TagKey).sort()).toEqual(['domain', 'pii', 'tier']);
    } finally {
      clients.destroy();
    }
  });

  test('mocked: with prune, extras go per table from that table\'s own source read, and the tags the source lacks only in the last step', async () => {
    seedTaggedLake(30);
    await jobPhases();
    // The target gains what the source does not have: a tag key, its assignment, and another value on a table.
    target().tag('legacy', ['yes']);
    target().assign({ Table: { DatabaseName: 'db_b', Name: tableName(7) } }, 'legacy', 'yes');
    target().assign({ TableWithColumns: { DatabaseName: 'db_c', Name: tableName(3), ColumnNames: ['amount'] } }, 'tier', 'gold');
    target().assign({ TableWithColumns: { DatabaseName: 'db_a', Name: tableName(9), ColumnNames: ['amount'] } }, 'tier', 'gold');
    // The source cannot say what one of those tables has.
    source().failRead = r => r.Table?.DatabaseName === 'db_a' && r.Table.Name === tableName(9)
      ? Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }) : undefined;
    lf.stub.resetHistory();

    const { after } = await jobPhases({ prune: true });
    expect(after.merged.failures).toEqual([{
      kind: 'lfTagAssignment',
      key: `Table db_a.${tableName(9)}`,
      error: 'reading its tag assignments in the source failed, so they were not replicated: ThrottlingException: Rate exceeded',
    }]);
    // Removed where the source was read; kept where it could not be.
    expect(target().assignmentsView()[lfKey({ Table: { DatabaseName: 'db_b', Name: tableName(7) } })]).toEqual({ tier: 'silver' });
    expect(target().assignmentsView()[lfKey({ TableWithColumns: { DatabaseName: 'db_c', Name: tableName(3), ColumnNames: ['amount'] } })]).toBeUndefined();
    expect(target().assignmentsView()[lfKey({ TableWithColumns: { DatabaseName: 'db_a', Name: tableName(9), ColumnNames: ['amount'] } })]).toEqual({ tier: 'gold' });
    expect(after.merged.counts.lfTagAssignment).toMatchObject({ deleted: 2, failed: 1 });
    // The tag the source lacks goes in the last steps, after the walk and the grants, once nothing refers to it.
    expect(after.cursors.slice(-3)).toEqual([{ step: 'remove lfTagExpression' }, { step: 'remove lfTag' }, { step: 'remove dataLocation' }]);
    const calls = lf.stub.calls().map(c => (c.args[0] as object).constructor.name);
    expect(calls.lastIndexOf(RemoveLFTagsFromResourceCommand.name)).toBeLessThan(calls.indexOf(DeleteLFTagCommand.name));
    expect(target().tags.has('legacy')).toBe(false);
    expect(after.merged.counts.lfTag).toMatchObject({ deleted: 1 });
  });

  test('mocked: a source read that fails in the before phase leaves tag assignments out of the snapshot\'s kinds', async () => {
    seedTaggedLake(30);
    source().failRead = r => r.Database?.Name === 'db_b' ? Object.assign(new Error('Access denied'), { name: 'AccessDeniedException' }) : undefined;
    const { before } = await jobPhases({}, dir);
    expect(before.merged.failures).toEqual([expect.objectContaining({ kind: 'lfTagAssignment', key: 'Database db_b' })]);
    // Carried by the cursor to the invocation that finishes the phase, which names the kinds the snapshot holds whole.
    expect(before.cursors.at(-1)!.incomplete).toEqual(['lfTagAssignment']);
    expect(before.reports.at(-1)!.snapshot!.lakeFormationKinds).toEqual(LF_KINDS.filter(k => k !== 'lfTagAssignment'));
  });

  test('mocked: the phases decide what one CLI run decides, for every kind, split into one chunk an invocation', async () => {
    seedRichLake(source());
    const { before, after } = await jobPhases({ prune: true });
    const cli = await runEngine({ ...settings({ prune: true }), targetRegions: ['eu-west-1'], maxAttempts: 1 });
    expect(cli.failures).toEqual([]);
    for (const r of [before.merged, after.merged]) expect(r.failures).toEqual([]);
    const job = structuredClone(before.merged);
    mergeInto(job, after.merged);
    for (const kind of LF_KINDS) expect([kind, job.counts[kind]]).toEqual([kind, cli.counts[kind]]);
    const dr = lf.region('eu-west-1');
    expect(target().permissionsView()).toEqual(dr.permissionsView());
    expect(target().assignmentsView()).toEqual(dr.assignmentsView());
    expect([...target().filters.values()]).toEqual([...dr.filters.values()]);
    expect(target().optIns).toEqual(dr.optIns);
    expect([...target().expressions.values()]).toEqual([...dr.expressions.values()]);
    expect(Object.fromEntries(target().tags)).toEqual(Object.fromEntries(dr.tags));
    expect([...target().locations.values()]).toEqual([...dr.locations.values()]);
  });

  test('mocked: a dry run continues the same way and writes nothing', async () => {
    const tagged = seedTaggedLake(30);
    const { after } = await jobPhases({ mode: 'plan' });
    expect(lf.writes()).toEqual({});
    expect(after.reports.length).toBe(DATABASES.length + 1);
    expect(after.merged.counts.lfTagAssignment).toMatchObject({ created: tagged, failed: 0 });
    expect(after.merged.counts.permission).toMatchObject({ created: DATABASES.length * 30, failed: 0 });
  });

  test('mocked: without a deadline a phase finishes in one invocation, reading each resource\'s tags once a side', async () => {
    seedTaggedLake(30);
    const never = { soft: Infinity, hard: Infinity };
    const before = await runLakeFormationPhase(settings(), 'before', { deadline: never });
    const after = await runLakeFormationPhase(settings(), 'after', { deadline: never });
    expect([before.reports.length, after.reports.length]).toEqual([1, 1]);
    expect(lf.stub.commandCalls(GetResourceLFTagsCommand)).toHaveLength(2 * DATABASES.length * (30 + 1));
  });

  test('a cursor naming a step the phase does not have is refused, naming the step and those it has', async () => {
    const clients = new AwsClients({ maxAttempts: 1 });
    try {
      const engine = await ReplicationEngine.create(settings({ lakeFormation: { kinds: ['lfTag', 'permission'] as LfKind[], protectedPrincipals: [] } }), clients);
      await expect(engine.lakeFormationPhase('after', { step: 'converge dataLocation' }, PASSED))
        .rejects.toThrow('the Lake Formation cursor names the step "converge dataLocation", which the after phase does not have (its steps: converge permission); start the run again');
    } finally {
      clients.destroy();
    }
  });
});

/** A lake using every kind: filters, opt-ins, expressions, locations, grants of each resource kind, assignments. */
function seedRichLake(r: RegionLakeFormation): void {
  glue.region(SOURCE_REGION).addDatabase(database('sales'), database('hr'))
    .addTable(table('sales', 'orders'), table('sales', 'customers', { partitionKeys: [] }), table('hr', 'people', { partitionKeys: [] }));
  r.tag('domain', ['sales', 'hr']).tag('pii', ['true', 'false']).tag('tier', ['gold', 'silver']);
  r.assign({ Database: { Name: 'sales' } }, 'domain', 'sales');
  r.assign({ Table: { DatabaseName: 'sales', Name: 'orders' } }, 'tier', 'gold');
  r.assign({ TableWithColumns: { DatabaseName: 'sales', Name: 'customers', ColumnNames: ['Customer ID', 'id'] } }, 'pii', 'true');
  r.expressions.set('sales-gold', { Name: 'sales-gold', Expression: [{ TagKey: 'domain', TagValues: ['sales'] }, { TagKey: 'tier', TagValues: ['gold'] }] });
  r.filters.set('sales.orders/eu-only', {
    TableCatalogId: ACCOUNT, DatabaseName: 'sales', TableName: 'orders', Name: 'eu-only', RowFilter: { FilterExpression: "region = 'eu'" }, ColumnNames: ['id'],
  });
  r.locations.set('arn:aws:s3:::acme-lake-raw/sales', { ResourceArn: 'arn:aws:s3:::acme-lake-raw/sales', RoleArn: role('lf-access') });
  r.optIns.push({ Principal: { DataLakePrincipalIdentifier: PRINCIPALS[0] }, Resource: { Table: { DatabaseName: 'sales', Name: 'orders' } } });
  r.grant(PRINCIPALS[0], { DataCellsFilter: { TableCatalogId: ACCOUNT, DatabaseName: 'sales', TableName: 'orders', Name: 'eu-only' } }, ['SELECT']);
  r.grant(PRINCIPALS[0], { LFTagPolicy: { CatalogId: ACCOUNT, ResourceType: 'TABLE', Expression: [{ TagKey: 'domain', TagValues: ['sales'] }] } }, ['SELECT']);
  r.grant(PRINCIPALS[1], { LFTag: { CatalogId: ACCOUNT, TagKey: 'pii', TagValues: ['true', 'false'] } }, ['ASSOCIATE'], ['ASSOCIATE']);
  r.grant(PRINCIPALS[1], { LFTagPolicy: { CatalogId: ACCOUNT, ResourceType: 'TABLE', ExpressionName: 'sales-gold' } }, ['SELECT']);
  r.grant(PRINCIPALS[2], { Database: { CatalogId: ACCOUNT, Name: 'sales' } }, ['ALTER', 'DESCRIBE'], ['DESCRIBE']);
  r.grant(PRINCIPALS[2], { DataLocation: { CatalogId: ACCOUNT, ResourceArn: 'arn:aws:s3:::acme-lake-raw/sales' } }, ['DATA_LOCATION_ACCESS']);
  r.grant(PRINCIPALS[2], { Table: { CatalogId: ACCOUNT, DatabaseName: 'hr', TableWildcard: {} } }, ['SELECT']);
  r.grant(PRINCIPALS[3], { TableWithColumns: { CatalogId: ACCOUNT, DatabaseName: 'sales', Name: 'customers', ColumnNames: ['id'] } }, ['SELECT']);
  r.grant(PRINCIPALS[3], { Catalog: {} }, ['CREATE_DATABASE']);
  // In the targets, before the runs: what prune removes, of each kind that removes extras.
  for (const region of [TARGET_REGION, 'eu-west-1']) {
    const t = lf.region(region);
    t.tag('legacy', ['yes']).assign({ Table: { DatabaseName: 'hr', Name: 'people' } }, 'legacy', 'yes');
    t.grant(role('departed'), { Database: { Name: 'hr' } }, ['DESCRIBE']);
    t.locations.set('arn:aws:s3:::old-bucket', { ResourceArn: 'arn:aws:s3:::old-bucket', RoleArn: role('lf-access') });
  }
}
