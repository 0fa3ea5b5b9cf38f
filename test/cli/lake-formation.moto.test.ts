import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateDatabaseCommand, DeleteDatabaseCommand, GetDatabasesCommand } from '@aws-sdk/client-glue';
import {
  AddLFTagsToResourceCommand, DeregisterResourceCommand, GetResourceLFTagsCommand, RevokePermissionsCommand,
} from '@aws-sdk/client-lakeformation';
import { writeCalls } from '../../src/engine/kernel/report';
import { cli, glueAt, motoCli } from '../support/cli-harness';
import {
  ANALYST, AUDITOR, createTag, ENGINEER, grantAll, grantsIn, lfAt, LOADER, LOCATION_ROLE, locationsIn, putSettings, register, sampleGrants,
  sampleMap, settingsIn, SOURCE_ADMIN, tagsIn, TARGET_ADMIN, type Grant,
} from '../support/lake-formation-seed';
import { useMoto } from '../support/moto';
import { SAMPLE_BUCKET_MAPS, seedSampleLake } from '../support/sample-lake';

/**
 * Lake Formation replication against moto, source us-east-1 and target us-west-2, through the CLI.
 *
 * What moto gets wrong, and how these tests live with it (see shared/reference/moto.md; the mocked
 * tests in test/engine/lake-formation/*.mock.test.ts cover each of these paths instead):
 * - BatchGrantPermissions drops PermissionsWithGrantOption: the engine grants in batches, so a target
 *   never holds a grant option here. Cross-Region comparisons strip the grant-option marker, and the
 *   zero-write re-sync uses a lake without grant options (moto would make every re-sync re-grant them).
 * - ListPermissions with a ResourceType LF_TAG* answers 500, so once an LF-tag exists the grants cannot be
 *   listed at all: tag definitions are tested with `--skip permissions`, grants without tags.
 * - GetResourceLFTags on an untagged database or table answers 500: assignments are tested on a
 *   database with no tables whose copy in the target is already tagged.
 * - A revoke of what two separate grant calls gave the same principal on the same resource answers 500:
 *   each (principal, resource) is seeded with one grant call, and nothing granted twice is revoked.
 * - No opt-ins or LF-tag expressions (motoCli skips them) and no data cells filters; no validation that
 *   a granted resource exists; listed resources carry no CatalogId.
 */

const moto = useMoto();
let dir: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lake-replica-lf-'));
});

const SOURCE = 'us-east-1';
const TARGET = 'us-west-2';
const MOTO_CALLER = 'arn:aws:sts::123456789012:user/moto';
const maps = SAMPLE_BUCKET_MAPS.flatMap(m => ['--bucket-map', m]);
const run = (command: string, ...extra: string[]) =>
  motoCli(moto().endpoint, command, '--source-region', SOURCE, '--target-region', TARGET, ...maps, '--json', ...extra);
const src = () => lfAt(moto().endpoint, SOURCE);
const tgt = () => lfAt(moto().endpoint, TARGET);
const withoutGrantOptions = (grants: Grant[]) => grants.map(g => ({ ...g, grantable: [] }));

const SOURCE_SETTINGS = {
  DataLakeAdmins: [{ DataLakePrincipalIdentifier: SOURCE_ADMIN }],
  ReadOnlyAdmins: [{ DataLakePrincipalIdentifier: AUDITOR }],
  CreateDatabaseDefaultPermissions: [],
  CreateTableDefaultPermissions: [],
  Parameters: { CROSS_ACCOUNT_VERSION: '4', SET_CONTEXT: 'TRUE' },
  TrustedResourceOwners: ['111122223333'],
  AllowExternalDataFiltering: true,
  ExternalDataFilteringAllowList: [{ DataLakePrincipalIdentifier: '111122223333' }],
  AuthorizedSessionTagValueList: ['Amazon EMR'],
};

/** The sample lake with settings, two registered locations and a grant of every kind moto keeps. */
async function seedLakeFormation(grants: Grant[] = withoutGrantOptions(sampleGrants())): Promise<void> {
  await seedSampleLake(glueAt(moto().endpoint, SOURCE));
  await putSettings(src(), SOURCE_SETTINGS);
  await register(src(), 'arn:aws:s3:::acme-lake-raw/sales', LOCATION_ROLE);
  await register(src(), 'arn:aws:s3:::acme-lake-curated');
  await grantAll(src(), grants);
  // The target has an admin and defaults of its own.
  await putSettings(tgt(), {
    DataLakeAdmins: [{ DataLakePrincipalIdentifier: TARGET_ADMIN }],
    CreateDatabaseDefaultPermissions: [{ Principal: { DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS' }, Permissions: ['ALL'] }],
    Parameters: { CROSS_ACCOUNT_VERSION: '1' },
  });
}

/** A grant listing without grant-option markers: moto's batch grant drops them in the target. */
function stripGrantOptions(grants: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(grants).map(([k, v]) => [k, [...new Set(v.map(p => p.replace('+grant', '')))].sort()]));
}

describe('Lake Formation replication against moto', () => {
  test('settings merge, mapped locations and a grant of each resource kind behave in the target as in the source; a re-sync writes nothing', async () => {
    await seedLakeFormation();
    const r = await run('sync');
    expect(r.code).toBe(0);
    expect(r.report.failures).toEqual([]);
    expect(r.report.counts.dataLakeSettings).toMatchObject({ updated: 1, failed: 0 });
    expect(r.report.counts.dataLocation).toMatchObject({ created: 2, failed: 0 });
    expect(r.report.counts.permission).toMatchObject({ created: 9, failed: 0 });

    // Admins are the union (the target's own admin kept); every other field is the source's.
    const settings = await settingsIn(tgt());
    expect(settings.DataLakeAdmins!.map(a => a.DataLakePrincipalIdentifier).sort()).toEqual([SOURCE_ADMIN, TARGET_ADMIN].sort());
    expect(settings.ReadOnlyAdmins).toEqual([{ DataLakePrincipalIdentifier: AUDITOR }]);
    const { DataLakeAdmins: _a, ReadOnlyAdmins: _r, ...copied } = SOURCE_SETTINGS;
    expect(settings).toMatchObject(copied);
    expect(settings.CreateDatabaseDefaultPermissions).toEqual([]);

    // Locations are registered on the mapped buckets, with the same role.
    expect(await locationsIn(tgt())).toEqual([
      // moto lists a location on the service-linked role without any RoleArn.
      { ResourceArn: 'arn:aws:s3:::acme-lake-curated-usw2', RoleArn: undefined },
      { ResourceArn: 'arn:aws:s3:::acme-lake-raw-usw2/sales', RoleArn: LOCATION_ROLE },
    ]);

    // Every principal holds in the target exactly what it holds in the source (DataLocation ARNs mapped).
    const expected = await grantsIn(src(), sampleMap);
    expect(Object.keys(expected)).toHaveLength(9);
    expect(await grantsIn(tgt())).toEqual(expected);
    expect(expected[`${ANALYST} | {"TableWithColumns":{"ColumnNames":["id","name","type"],"DatabaseName":"sales","Name":"orders"}}`]).toEqual(['SELECT']);
    expect(expected[`${ANALYST} | {"Table":{"DatabaseName":"marketing","TableWildcard":{}}}`]).toEqual(['DESCRIBE', 'SELECT']);
    expect(expected[`${LOADER} | {"DataLocation":{"ResourceArn":"arn:aws:s3:::acme-lake-raw-usw2/sales"}}`]).toEqual(['DATA_LOCATION_ACCESS']);

    const again = await run('sync');
    expect(again.code).toBe(0);
    expect(writeCalls(again.report.apiCalls)).toBe(0);
    expect(again.report.counts.permission).toMatchObject({ created: 0, deleted: 0, unchanged: 9 });
    expect(again.report.counts.dataLakeSettings).toMatchObject({ updated: 0, unchanged: 1 });
    expect(again.report.counts.dataLocation).toMatchObject({ created: 0, updated: 0, unchanged: 2 });

    const verify = await run('verify');
    expect(verify.code).toBe(0);
    expect(verify.report.inSync).toBe(true);
  });

  test('grants with grant options replicate their permissions (moto drops the grant option from batch grants)', async () => {
    await seedLakeFormation(sampleGrants());
    const source = await grantsIn(src(), sampleMap);
    expect(source[`${ENGINEER} | {"Database":{"Name":"sales"}}`]).toEqual(['ALTER', 'CREATE_TABLE+grant', 'DESCRIBE+grant']);
    const r = await run('sync');
    expect(r.code).toBe(0);
    expect(r.report.counts.permission).toMatchObject({ created: 9, failed: 0 });
    // moto's BatchGrantPermissions stores the permissions but not their grant options; the mocked
    // tests prove the engine sends PermissionsWithGrantOption in its batch entries.
    expect(await grantsIn(tgt())).toEqual(stripGrantOptions(source));
  });

  test('prune revokes extra grants and narrows wider ones, never for protected principals, and deregisters extra locations', async () => {
    await seedLakeFormation();
    // The target has more than the source: seeded with one grant call per principal and resource.
    await register(tgt(), 'arn:aws:s3:::acme-lake-raw-usw2/legacy', LOCATION_ROLE);
    await grantAll(tgt(), [
      { principal: ANALYST, resource: { Database: { Name: 'sales' } }, permissions: ['DESCRIBE', 'ALTER'] }, // narrowed to DESCRIBE
      { principal: ENGINEER, resource: { Database: { Name: 'marketing' } }, permissions: ['DROP'] }, // revoked
      { principal: LOADER, resource: { Database: { Name: 'marketing' } }, permissions: ['DESCRIBE'] }, // --protect-principal
      { principal: TARGET_ADMIN, resource: { Database: { Name: 'marketing' } }, permissions: ['ALL'] }, // the target's admin
      { principal: MOTO_CALLER, resource: { Database: { Name: 'marketing' } }, permissions: ['DESCRIBE'] }, // the replicator itself
    ]);

    // Without prune nothing is revoked: the extras are kept with a warning.
    const kept = await run('sync');
    expect(kept.code).toBe(0);
    expect(kept.report.counts.permission).toMatchObject({ created: 8, deleted: 0, failed: 0 });
    expect(kept.report.warnings.join('\n')).toMatch(/us-west-2 has permission state the source does not have .*--prune/);
    expect((await grantsIn(tgt()))[`${ENGINEER} | {"Database":{"Name":"marketing"}}`]).toEqual(['DROP']);

    const plan = await run('plan', '--prune', '--protect-principal', LOADER);
    expect(plan.code).toBe(0);
    expect(plan.report.differences!.filter(d => d.kind === 'permission')).toEqual(expect.arrayContaining([
      { kind: 'permission', key: `${ENGINEER} on Database marketing`, target: TARGET, difference: 'extra', fields: ['DROP'] },
      { kind: 'permission', key: `${ANALYST} on Database sales`, target: TARGET, difference: 'extra', fields: ['ALTER'] },
    ]));
    expect(plan.report.differences!.filter(d => d.kind === 'permission')).toHaveLength(2);

    const pruned = await run('sync', '--prune', '--protect-principal', LOADER);
    expect(pruned.code).toBe(0);
    expect(pruned.report.counts.permission).toMatchObject({ deleted: 2, failed: 0 });
    expect(pruned.report.counts.dataLocation).toMatchObject({ deleted: 1, failed: 0 });
    const after = await grantsIn(tgt());
    expect(after[`${ANALYST} | {"Database":{"Name":"sales"}}`]).toEqual(['DESCRIBE']);
    expect(after[`${ENGINEER} | {"Database":{"Name":"marketing"}}`]).toBeUndefined();
    expect(after[`${LOADER} | {"Database":{"Name":"marketing"}}`]).toEqual(['DESCRIBE']);
    expect(after[`${TARGET_ADMIN} | {"Database":{"Name":"marketing"}}`]).toEqual(['ALL']);
    expect(after[`${MOTO_CALLER} | {"Database":{"Name":"marketing"}}`]).toEqual(['DESCRIBE']);
    expect((await locationsIn(tgt())).map(l => l.ResourceArn)).not.toContain('arn:aws:s3:::acme-lake-raw-usw2/legacy');
    // Prune never removes a data lake admin.
    expect((await settingsIn(tgt())).DataLakeAdmins!.map(a => a.DataLakePrincipalIdentifier)).toContain(TARGET_ADMIN);

    // What is left beyond the source belongs to protected principals only.
    const expected = await grantsIn(src(), sampleMap);
    const protectedOnly = Object.keys(after).filter(k => !(k in expected)).map(k => k.split(' | ')[0]).sort();
    expect(protectedOnly).toEqual([MOTO_CALLER, LOADER, TARGET_ADMIN].sort());
    const again = await run('sync', '--prune', '--protect-principal', LOADER);
    expect(writeCalls(again.report.apiCalls)).toBe(0);
    // Verify agrees: a protected principal's grants are no drift.
    const verify = await run('verify', '--protect-principal', LOADER);
    expect(verify.report.differences).toEqual([]);
    expect(verify.code).toBe(0);
  });

  test('verify reports permission drift per principal and resource and exits 3', async () => {
    await seedLakeFormation();
    expect((await run('sync')).code).toBe(0);
    // Drift in the target: a grant lost, one added, one widened.
    await tgt().send(new RevokePermissionsCommand({ Principal: { DataLakePrincipalIdentifier: ANALYST }, Resource: { Database: { Name: 'sales' } }, Permissions: ['DESCRIBE'] }));
    await grantAll(tgt(), [
      { principal: ENGINEER, resource: { Database: { Name: 'marketing' } }, permissions: ['DROP'] },
      // (not the auditor: the source made it a read-only admin, whose grants are never pruned and so are no drift)
      { principal: ANALYST, resource: { TableWithColumns: { DatabaseName: 'sales', Name: 'orders', ColumnNames: ['type', 'name', 'id'] } }, permissions: ['INSERT'] },
    ]);
    const r = await run('verify');
    expect(r.code).toBe(3);
    expect(r.report.inSync).toBe(false);
    const drift = r.report.differences!.filter(d => d.kind === 'permission');
    expect(drift).toEqual(expect.arrayContaining([
      { kind: 'permission', key: `${ANALYST} on Database sales`, target: TARGET, difference: 'missing', fields: ['DESCRIBE'] },
      { kind: 'permission', key: `${ENGINEER} on Database marketing`, target: TARGET, difference: 'extra' },
      { kind: 'permission', key: `${ANALYST} on TableWithColumns sales.orders (id, name, type)`, target: TARGET, difference: 'extra', fields: ['INSERT'] },
    ]));
    expect(drift).toHaveLength(3);
    expect(writeCalls(r.report.apiCalls)).toBe(0);
  });

  test('snapshot then restore rebuilds the Lake Formation state in a target while the source is gone', async () => {
    const grants = withoutGrantOptions(sampleGrants());
    await seedLakeFormation(grants);
    const expected = await grantsIn(src(), sampleMap);
    const file = join(dir, 'lake.jsonl');
    const snap = await motoCli(moto().endpoint, 'snapshot', '--source-region', SOURCE, '--out', file, '--json');
    expect(snap.code).toBe(0);
    expect(snap.report.snapshot).toMatchObject({ version: 3, lakeFormation: 1 + 2 + 9 });
    const lines = readFileSync(file, 'utf8').trim().split('\n').map(l => JSON.parse(l));
    expect(lines[0].lakeFormation.kinds).toEqual(expect.arrayContaining(['dataLakeSettings', 'dataLocation', 'lfTag', 'permission']));
    expect(lines.filter(l => typeof l.lakeFormation === 'string').map(l => [l.lakeFormation, l.items.length])).toEqual([['settings', 1], ['dataLocations', 2], ['permissions', 9]]);

    // The source is gone: its catalog, locations and grants.
    const glue = glueAt(moto().endpoint, SOURCE);
    for (const db of (await glue.send(new GetDatabasesCommand({}))).DatabaseList ?? []) await glue.send(new DeleteDatabaseCommand({ Name: db.Name }));
    for (const g of grants) {
      const Principal = { DataLakePrincipalIdentifier: g.principal };
      await src().send(new RevokePermissionsCommand({ Principal, Resource: g.resource, Permissions: g.permissions }));
    }
    for (const l of await locationsIn(src())) await src().send(new DeregisterResourceCommand({ ResourceArn: l.ResourceArn }));
    expect(await grantsIn(src())).toEqual({});

    const restore = await motoCli(moto().endpoint, 'restore', '--from', file, '--target-region', TARGET, ...maps, '--json');
    expect(restore.code).toBe(0);
    expect(restore.report.failures).toEqual([]);
    expect(restore.report.counts.permission).toMatchObject({ created: 9 });
    expect(await grantsIn(tgt())).toEqual(expected);
    expect((await locationsIn(tgt())).map(l => l.ResourceArn)).toEqual(['arn:aws:s3:::acme-lake-curated-usw2', 'arn:aws:s3:::acme-lake-raw-usw2/sales']);
    expect((await settingsIn(tgt())).DataLakeAdmins!.map(a => a.DataLakePrincipalIdentifier).sort()).toEqual([SOURCE_ADMIN, TARGET_ADMIN].sort());
    // Nothing was read from the source Region's Lake Formation.
    expect(await grantsIn(src())).toEqual({});

    const again = await motoCli(moto().endpoint, 'restore', '--from', file, '--target-region', TARGET, ...maps, '--json');
    expect(again.code).toBe(0);
    expect(writeCalls(again.report.apiCalls)).toBe(0);
  });

  test('LF-tag definitions: missing tags and values are added, extras removed only with prune (grants skipped: moto cannot list them once tags exist)', async () => {
    await createTag(src(), 'domain', ['sales', 'marketing']);
    await createTag(src(), 'pii', ['true', 'false']);
    await createTag(tgt(), 'domain', ['sales', 'legacy']);
    await createTag(tgt(), 'retired', ['yes']);
    const tagsOnly = ['--skip', 'permissions', '--skip', 'data-lake-settings'];

    const r = await run('sync', ...tagsOnly);
    expect(r.code).toBe(0);
    expect(r.report.counts.lfTag).toMatchObject({ created: 1, updated: 1, deleted: 0, failed: 0 });
    expect(await tagsIn(tgt())).toEqual({ domain: ['legacy', 'marketing', 'sales'], pii: ['false', 'true'], retired: ['yes'] });
    expect(r.report.apiCalls['lakeformation:ListPermissions']).toBeUndefined();

    const pruned = await run('sync', '--prune', ...tagsOnly);
    expect(pruned.code).toBe(0);
    expect(pruned.report.counts.lfTag).toMatchObject({ updated: 1, deleted: 1, failed: 0 });
    expect(await tagsIn(tgt())).toEqual(await tagsIn(src()));

    const again = await run('sync', '--prune', ...tagsOnly);
    expect(writeCalls(again.report.apiCalls)).toBe(0);
    expect(again.report.counts.lfTag).toMatchObject({ unchanged: 2 });
  });

  test('a tag assignment on a tagged database is replicated (moto cannot read untagged resources)', async () => {
    await glueAt(moto().endpoint, SOURCE).send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'sales' } }));
    await createTag(src(), 'domain', ['sales', 'marketing']);
    await src().send(new AddLFTagsToResourceCommand({ Resource: { Database: { Name: 'sales' } }, LFTags: [{ TagKey: 'domain', TagValues: ['sales'] }] }));
    // The target's copy exists and is tagged otherwise: moto answers 500 for an untagged one.
    await glueAt(moto().endpoint, TARGET).send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'sales' } }));
    await createTag(tgt(), 'domain', ['marketing']);
    await tgt().send(new AddLFTagsToResourceCommand({ Resource: { Database: { Name: 'sales' } }, LFTags: [{ TagKey: 'domain', TagValues: ['marketing'] }] }));

    const r = await run('sync', '--database', 'sales', '--skip', 'permissions');
    expect(r.code).toBe(0);
    expect(r.report.failures).toEqual([]);
    expect(r.report.counts.lfTagAssignment).toMatchObject({ updated: 1, failed: 0 });
    const tags = await tgt().send(new GetResourceLFTagsCommand({ Resource: { Database: { Name: 'sales' } }, ShowAssignedLFTags: true }));
    expect(tags.LFTagOnDatabase!.map(t => [t.TagKey, t.TagValues])).toEqual([['domain', ['sales']]]);
    const again = await run('sync', '--database', 'sales', '--skip', 'permissions');
    expect(writeCalls(again.report.apiCalls)).toBe(0);
  });

  test('--skip switches leave their group alone; --skip lake-formation makes no Lake Formation call', async () => {
    await seedLakeFormation();
    const none = await cli(moto().endpoint, 'sync', '--source-region', SOURCE, '--target-region', TARGET, ...maps, '--json', '--skip', 'lake-formation', '--skip', 'iceberg-metadata');
    expect(none.code).toBe(0);
    expect(Object.keys(none.report.apiCalls).filter(k => k.startsWith('lakeformation:'))).toEqual([]);
    expect(none.report.counts.permission).toBeUndefined();
    expect(await grantsIn(tgt())).toEqual({});

    const some = await run('sync', '--skip', 'permissions', '--skip', 'data-locations');
    expect(some.code).toBe(0);
    expect(some.report.counts.permission).toBeUndefined();
    expect(some.report.counts.dataLocation).toBeUndefined();
    expect(some.report.apiCalls['lakeformation:ListPermissions']).toBeUndefined();
    expect(some.report.apiCalls['lakeformation:ListResources']).toBeUndefined();
    expect(await grantsIn(tgt())).toEqual({});
    expect(await locationsIn(tgt())).toEqual([]);
    expect((await settingsIn(tgt())).DataLakeAdmins!.map(a => a.DataLakePrincipalIdentifier)).toContain(SOURCE_ADMIN);

    await putSettings(tgt(), { DataLakeAdmins: [{ DataLakePrincipalIdentifier: TARGET_ADMIN }] });
    const noSettings = await run('sync', '--skip', 'data-lake-settings');
    expect(noSettings.code).toBe(0);
    expect(noSettings.report.counts.dataLakeSettings).toBeUndefined();
    expect(noSettings.report.apiCalls['lakeformation:PutDataLakeSettings']).toBeUndefined();
    expect((await settingsIn(tgt())).DataLakeAdmins).toEqual([{ DataLakePrincipalIdentifier: TARGET_ADMIN }]);
    expect(noSettings.report.counts.permission).toMatchObject({ created: 9 });
  });

  test.each([
    [['--skip', 'grants'], /--skip "grants" is not allowed; expected one of data-lake-settings, .*lake-formation/],
    [['--protect-principal', 'bob'], /--protect-principal "bob" is not a Lake Formation principal/],
  ])('%j exits 2 with a usage hint', async (extra, message) => {
    const r = await cli(moto().endpoint, 'sync', '--source-region', SOURCE, '--target-region', TARGET, ...extra);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/Run "lake-replica --help" for usage/);
  });
});
