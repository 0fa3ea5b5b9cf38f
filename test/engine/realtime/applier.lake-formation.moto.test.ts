import { CreateDatabaseCommand, CreateTableCommand } from '@aws-sdk/client-glue';
import { DeleteLFTagCommand, DeregisterResourceCommand, RevokePermissionsCommand } from '@aws-sdk/client-lakeformation';
import { Scope } from '../../../src/engine/kernel/scope';
import { lakeFormationObjectConverger } from '../../../src/engine/lake-formation/objects';
import { kindsWithout } from '../../../src/shared/lake-formation-kinds';
import {
  ANALYST, createTag, grantAll, grantsIn, lfAt, LOCATION_ROLE, locationsIn, putSettings, register, settingsIn, SOURCE_ADMIN, tagsIn, TARGET_ADMIN,
} from '../../support/lake-formation-seed';
import { TARGETS, usePipeline, type Pipeline } from '../../support/realtime/pipeline';
import { ACCOUNT, params, trailEvent } from '../../support/realtime/trail-events';

/**
 * The applier's Lake Formation path on moto, in two targets: each event names an object; the
 * object is read again in the source and each target converged to it, revokes and deletes included.
 * moto lacks opt-ins, LF-tag expressions and data cells filter writes (mocked elsewhere), and its
 * ListPermissions by ResourceType fails once an LF-tag exists, so tags and grants are tested apart.
 */
const pipeline = usePipeline();
let p: Pipeline;
const SOURCE = 'us-east-1';
const now = () => new Date();
const lf = (region: string) => lfAt(p.endpoint, region);
const lfEvent = (id: string, name: string, requestParameters: Record<string, unknown>) =>
  trailEvent({ id, name, source: 'lakeformation.amazonaws.com', time: now(), params: requestParameters });
const ORDERS = { databaseName: 'sales', name: 'orders' };
const ADMIN_GRANT = `${TARGET_ADMIN} | ${JSON.stringify({ Table: { DatabaseName: 'sales', Name: 'orders' } })}`;
const ORDERS_COLUMNS = { TableWithColumns: { DatabaseName: 'sales', Name: 'orders', ColumnNames: ['id', 'name', 'type'] } };

beforeEach(async () => {
  p = pipeline();
  p.lakeFormation = lakeFormationObjectConverger({
    clients: p.clients,
    sourceRegion: SOURCE,
    scope: new Scope({ excludeDatabases: ['tmp_*'] }),
    kinds: kindsWithout(['opt-ins', 'lf-tag-expressions']),
    bucketMappings: [{ sourceBucket: 'acme-lake-raw', targetBucket: 'acme-lake-raw-dr' }],
    protectedPrincipals: [],
  });
  for (const region of [SOURCE, ...TARGETS]) {
    await p.glueAt(region).send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'sales' } }));
    await p.glueAt(region).send(new CreateTableCommand({ DatabaseName: 'sales', TableInput: { Name: 'orders' } }));
  }
});

async function statusIn(id: string): Promise<string[]> {
  const event = (await p.ledger.getEvent(id))!;
  return TARGETS.map(t => event.targets[t].status);
}

describe('applier on moto: Lake Formation objects converge from the source', () => {
  test('grant then revoke on a table: the column grant reaches both targets, then is revoked there; a target admin keeps its grant', async () => {
    await grantAll(lf(SOURCE), [{ principal: ANALYST, resource: ORDERS_COLUMNS, permissions: ['SELECT'] }]);
    for (const region of TARGETS) {
      await putSettings(lf(region), { DataLakeAdmins: [{ DataLakePrincipalIdentifier: TARGET_ADMIN }] });
      await grantAll(lf(region), [{ principal: TARGET_ADMIN, resource: { Table: { DatabaseName: 'sales', Name: 'orders' } }, permissions: ['ALL'] }]);
    }
    const granted = await p.flow(lfEvent('grant', 'GrantPermissions', params.grant(ANALYST, ORDERS)));
    expect(granted.batchItemFailures).toEqual([]);
    expect(await statusIn('grant')).toEqual(['APPLIED', 'APPLIED']);
    for (const region of TARGETS) {
      expect(await grantsIn(lf(region))).toEqual({
        [`${ANALYST} | ${JSON.stringify({ TableWithColumns: { ColumnNames: ['id', 'name', 'type'], DatabaseName: 'sales', Name: 'orders' } })}`]: ['SELECT'],
        [ADMIN_GRANT]: ['ALL'],
      });
    }

    await lf(SOURCE).send(new RevokePermissionsCommand({ Principal: { DataLakePrincipalIdentifier: ANALYST }, Resource: ORDERS_COLUMNS, Permissions: ['SELECT'] }));
    await p.flow(lfEvent('revoke', 'RevokePermissions', params.grant(ANALYST, ORDERS)));
    expect(await statusIn('revoke')).toEqual(['APPLIED', 'APPLIED']);
    for (const region of TARGETS) {
      // Revoked as the source asks; the target's own admin is protected and keeps its grant.
      expect(await grantsIn(lf(region))).toEqual({ [ADMIN_GRANT]: ['ALL'] });
    }
  });

  test('a late grant event after the revoke converges to the source (no grant), whatever the order', async () => {
    await p.flow(lfEvent('late-grant', 'GrantPermissions', params.grant(ANALYST, ORDERS)));
    expect(await statusIn('late-grant')).toEqual(['APPLIED', 'APPLIED']);
    for (const region of TARGETS) expect(await grantsIn(lf(region))).toEqual({});
  });

  test('data lake settings are merged: the source admin is added, the target admins stay', async () => {
    await putSettings(lf(SOURCE), { DataLakeAdmins: [{ DataLakePrincipalIdentifier: SOURCE_ADMIN }], Parameters: { CROSS_ACCOUNT_VERSION: '4' } });
    for (const region of TARGETS) await putSettings(lf(region), { DataLakeAdmins: [{ DataLakePrincipalIdentifier: TARGET_ADMIN }] });
    await p.flow(lfEvent('settings', 'PutDataLakeSettings', { dataLakeSettings: { dataLakeAdmins: [{ dataLakePrincipalIdentifier: SOURCE_ADMIN }] } }));
    expect(await statusIn('settings')).toEqual(['APPLIED', 'APPLIED']);
    for (const region of TARGETS) {
      const settings = await settingsIn(lf(region));
      expect(settings.DataLakeAdmins!.map(a => a.DataLakePrincipalIdentifier).sort()).toEqual([TARGET_ADMIN, SOURCE_ADMIN].sort());
      expect(settings.Parameters).toMatchObject({ CROSS_ACCOUNT_VERSION: '4' });
    }
  });

  test('register then deregister a location: bucket-mapped in the targets, then deregistered there', async () => {
    const arn = 'arn:aws:s3:::acme-lake-raw/sales';
    await register(lf(SOURCE), arn, LOCATION_ROLE);
    await p.flow(lfEvent('register', 'RegisterResource', { resourceArn: arn, roleArn: LOCATION_ROLE }));
    for (const region of TARGETS) expect(await locationsIn(lf(region))).toEqual([{ ResourceArn: 'arn:aws:s3:::acme-lake-raw-dr/sales', RoleArn: LOCATION_ROLE }]);

    await lf(SOURCE).send(new DeregisterResourceCommand({ ResourceArn: arn }));
    await p.flow(lfEvent('deregister', 'DeregisterResource', { resourceArn: arn }));
    expect(await statusIn('deregister')).toEqual(['APPLIED', 'APPLIED']);
    for (const region of TARGETS) expect(await locationsIn(lf(region))).toEqual([]);
  });

  test('create then delete an LF-tag: only that tag is touched in the targets', async () => {
    await createTag(lf(SOURCE), 'domain', ['sales', 'hr']);
    for (const region of TARGETS) await createTag(lf(region), 'dr_only', ['x']);
    await p.flow(lfEvent('tag', 'CreateLFTag', { catalogId: ACCOUNT, tagKey: 'domain', tagValues: ['sales', 'hr'] }));
    for (const region of TARGETS) expect(await tagsIn(lf(region))).toEqual({ domain: ['hr', 'sales'], dr_only: ['x'] });

    await lf(SOURCE).send(new DeleteLFTagCommand({ TagKey: 'domain' }));
    await p.flow(lfEvent('untag', 'DeleteLFTag', { tagKey: 'domain' }));
    // The target's own tag was not named by any event: it is left alone.
    for (const region of TARGETS) expect(await tagsIn(lf(region))).toEqual({ dr_only: ['x'] });
  });

  test('objects out of scope, or in another account\'s catalog, are SKIPPED with a reason and never written', async () => {
    await p.flow(
      lfEvent('tmp', 'GrantPermissions', params.grant(ANALYST, { databaseName: 'tmp_scratch', name: 'x' })),
      lfEvent('foreign', 'GrantPermissions', {
        principal: { dataLakePrincipalIdentifier: ANALYST }, resource: { table: { catalogId: '999988887777', databaseName: 'sales', name: 'orders' } }, permissions: ['SELECT'],
      }),
    );
    const tmp = (await p.ledger.getEvent('tmp'))!;
    expect(tmp.targets[TARGETS[0]]).toMatchObject({ status: 'SKIPPED', reason: expect.stringContaining('database tmp_scratch is out of scope') });
    const foreign = (await p.ledger.getEvent('foreign'))!;
    expect(foreign.targets[TARGETS[0]]).toMatchObject({ status: 'SKIPPED', reason: expect.stringContaining('another account') });
    for (const region of TARGETS) expect(await grantsIn(lf(region))).toEqual({});
  });
});
