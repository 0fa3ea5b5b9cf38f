import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateCatalogCommand, CreateConnectionCommand, DeleteCatalogCommand, DeleteConnectionCommand, GetCatalogCommand, GetCatalogsCommand,
  GetConnectionCommand, UpdateCatalogCommand, type CatalogInput,
} from '@aws-sdk/client-glue';
import { writeCalls } from '../../../../src/engine/kernel/report';
import { glueAt, motoCli } from '../../../support/cli-harness';
import { useMoto } from '../../../support/moto';
import { SOURCE as PIPELINE_SOURCE, TARGETS, usePipeline, type Pipeline } from '../../../support/realtime/pipeline';
import { trailEvent } from '../../../support/realtime/trail-events';

/** Federated catalogs and their connections, end to end through the CLI, against the extended moto server (test/support/moto-server). */
const moto = useMoto();
const SOURCE = 'us-east-1';
const TARGET = 'us-west-2';
const ACCOUNT = '123456789012';
const SOURCE_SECRET = `arn:aws:secretsmanager:${SOURCE}:${ACCOUNT}:secret:snowflake-abc`;
const TARGET_SECRET = `arn:aws:secretsmanager:${TARGET}:${ACCOUNT}:secret:snowflake-dr`;
const MAP = `--connection-map=snowflake@${TARGET}=secret=${TARGET_SECRET},subnet=subnet-0abc12345def67890,sg=sg-0abc12345def67890,az=${TARGET}a`;
const run = (command: string, ...extra: string[]) => motoCli(moto().endpoint, command,
  '--source-region', SOURCE, '--target-region', TARGET, '--skip', 'lake-formation', '--json', ...extra);
const glue = (region: string) => glueAt(moto().endpoint, region);

const OPTIMIZATION = {
  RoleArn: `arn:aws:iam::${ACCOUNT}:role/optimizer`,
  Compaction: { enabled: 'true', strategy: 'binpack' },
  Retention: { enabled: 'true', snapshotRetentionPeriodInDays: '5' },
  OrphanFileDeletion: { enabled: 'false', orphanFileRetentionPeriodInDays: '3' },
};

function federated(connection: string, extra: Partial<CatalogInput> = {}): CatalogInput {
  return {
    Description: 'remote Iceberg catalog',
    FederatedCatalog: { Identifier: 'arn:snowflake:polaris', ConnectionName: connection, ConnectionType: 'SNOWFLAKEICEBERGRESTCATALOG' },
    CreateTableDefaultPermissions: [],
    CreateDatabaseDefaultPermissions: [],
    Parameters: { team: 'analytics' },
    ...extra,
  };
}

/** A connection with a secret and network settings (Region-specific), one without, and the catalogs that name them. */
async function seed(): Promise<void> {
  await glue(SOURCE).send(new CreateConnectionCommand({
    ConnectionInput: {
      Name: 'snowflake',
      ConnectionType: 'SNOWFLAKEICEBERGRESTCATALOG' as never,
      ConnectionProperties: { CONNECTION_URL: 'https://acme.snowflakecomputing.com' },
      AuthenticationConfiguration: { AuthenticationType: 'OAUTH2', SecretArn: SOURCE_SECRET },
      PhysicalConnectionRequirements: { SubnetId: 'subnet-0123456789abcdef0', SecurityGroupIdList: ['sg-0123456789abcdef0'], AvailabilityZone: `${SOURCE}a` },
    },
  }));
  await glue(SOURCE).send(new CreateConnectionCommand({
    ConnectionInput: { Name: 'public-rest', ConnectionType: 'CUSTOM' as never, ConnectionProperties: { CONNECTOR_URL: 'https://iceberg.example.com' } },
  }));
  await glue(SOURCE).send(new CreateConnectionCommand({
    ConnectionInput: { Name: 'unused', ConnectionType: 'CUSTOM' as never, ConnectionProperties: { CONNECTOR_URL: 'https://unused.example.com' } },
  }));
  await glue(SOURCE).send(new CreateCatalogCommand({
    Name: 'polaris',
    CatalogInput: federated('snowflake', { CatalogProperties: { IcebergOptimizationProperties: OPTIMIZATION } }),
  }));
  await glue(SOURCE).send(new CreateCatalogCommand({ Name: 'open', CatalogInput: federated('public-rest') }));
  // An S3 Tables catalog: S3 Tables replication carries it.
  await glue(SOURCE).send(new CreateCatalogCommand({
    Name: 's3tablescatalog',
    CatalogInput: { FederatedCatalog: { Identifier: `arn:aws:s3tables:${SOURCE}:${ACCOUNT}:bucket/*`, ConnectionName: 'aws:s3tables' } },
  }));
}

async function catalogs(region: string): Promise<string[]> {
  return ((await glue(region).send(new GetCatalogsCommand({}))).CatalogList ?? []).map(c => c.Name!).sort();
}

test('sync creates the federated catalogs and the connections they name (the mapped one with the target\'s secret and network); a re-run makes no write', async () => {
  await seed();
  const r = await run('sync', MAP);
  expect(r.code).toBe(0);
  expect(r.report.counts.connection).toMatchObject({ created: 2, failed: 0 });
  expect(r.report.counts.catalog).toMatchObject({ created: 2, failed: 0 });
  expect(await catalogs(TARGET)).toEqual(['open', 'polaris']);
  expect(r.report.warnings.join('\n')).toMatch(/catalog s3tablescatalog is an S3 Tables catalog: S3 Tables replication carries it/);

  const connection = (await glue(TARGET).send(new GetConnectionCommand({ Name: 'snowflake' }))).Connection!;
  expect(connection.AuthenticationConfiguration?.SecretArn).toBe(TARGET_SECRET);
  expect(connection.PhysicalConnectionRequirements).toEqual({
    SubnetId: 'subnet-0abc12345def67890', SecurityGroupIdList: ['sg-0abc12345def67890'], AvailabilityZone: `${TARGET}a`,
  });
  await expect(glue(TARGET).send(new GetConnectionCommand({ Name: 'unused' }))).rejects.toThrow(/not found/);

  const polaris = (await glue(TARGET).send(new GetCatalogCommand({ CatalogId: 'polaris' }))).Catalog!;
  expect(polaris.FederatedCatalog).toEqual({ Identifier: 'arn:snowflake:polaris', ConnectionName: 'snowflake', ConnectionType: 'SNOWFLAKEICEBERGRESTCATALOG' });
  // The catalog's optimizations are replicated disabled, their settings kept.
  expect(polaris.CatalogProperties?.IcebergOptimizationProperties).toMatchObject({
    RoleArn: OPTIMIZATION.RoleArn,
    Compaction: { enabled: 'false', strategy: 'binpack' },
    Retention: { enabled: 'false', snapshotRetentionPeriodInDays: '5' },
    OrphanFileDeletion: { enabled: 'false', orphanFileRetentionPeriodInDays: '3' },
  });

  const again = await run('sync', MAP);
  expect(again.code).toBe(0);
  expect(writeCalls(again.report.apiCalls)).toBe(0);
  expect(again.report.counts.catalog).toMatchObject({ unchanged: 2, created: 0, updated: 0 });
  expect(again.report.counts.connection).toMatchObject({ unchanged: 2, created: 0, updated: 0 });
  // The extra reads of an unchanged lake: the catalogs are listed twice a Region (once for themselves, once for the
  // connections they name), on moto two a page (the source's three catalogs are two pages), plus a GetConnection each.
  expect(again.report.apiCalls).toMatchObject({ 'glue:GetCatalogs': 2 * 2 + 2 * 1, 'glue:GetConnection': 2 + 2 });
});

test('a connection with a secret and network settings but no mapping is a failure naming what is missing; the run exits 1 and its catalog is not usable', async () => {
  await seed();
  const r = await run('sync');
  expect(r.code).toBe(1);
  expect(r.report.failures).toEqual(expect.arrayContaining([
    expect.objectContaining({ kind: 'connection', key: 'catalog/snowflake', target: TARGET, error: expect.stringMatching(/needs a connection mapping for us-west-2: its secret .*secret=ARN; its subnet .*; its security groups .*; its Availability Zone .* --connection-map snowflake@us-west-2=/) }),
    // The catalog that names it cannot be created without its connection.
    expect.objectContaining({ kind: 'catalog', key: 'catalog/polaris', target: TARGET }),
  ]));
  expect(r.report.counts.connection).toMatchObject({ created: 1, failed: 1 });
  expect(await catalogs(TARGET)).toEqual(['open']);
  const verify = await run('verify');
  expect(verify.report.inSync).toBe(false);
});

test('bad --connection-map usage exits 2 naming the problem', async () => {
  const bad = await run('sync', `--connection-map=snowflake@${TARGET}=secret=${SOURCE_SECRET}`);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/secret .* is in us-east-1, not in the target Region us-west-2/);
  const malformed = await run('sync', '--connection-map=snowflake=subnet-1');
  expect(malformed.code).toBe(2);
  expect(malformed.stderr).toMatch(/--connection-map "snowflake=subnet-1" is malformed/);
  const otherRegion = await run('sync', '--connection-map=snowflake@eu-west-1=az=eu-west-1a');
  expect(otherRegion.code).toBe(2);
  expect(otherRegion.stderr).toMatch(/names Region "eu-west-1", which is not a --target-region/);
});

test('--skip catalogs --skip connections leaves them alone and lists no catalog (no GetCatalogs)', async () => {
  await seed();
  const r = await run('sync', '--skip', 'catalogs', '--skip', 'connections');
  expect(r.code).toBe(0);
  expect(r.report.apiCalls['glue:GetCatalogs']).toBeUndefined();
  expect(await catalogs(TARGET)).toEqual([]);
});

test('a changed catalog is updated; one only the target has is kept by sync, listed by verify and deleted with prune', async () => {
  await seed();
  expect((await run('sync', MAP)).code).toBe(0);
  await glue(SOURCE).send(new UpdateCatalogCommand({ CatalogId: 'open', CatalogInput: federated('public-rest', { Description: 'renamed' }) }));
  await glue(SOURCE).send(new DeleteCatalogCommand({ CatalogId: 'polaris' }));

  const plan = await run('plan', MAP);
  expect(plan.report.differences).toEqual(expect.arrayContaining([
    expect.objectContaining({ kind: 'catalog', key: 'catalog/open', difference: 'changed', fields: ['CatalogInput'] }),
  ]));
  const sync = await run('sync', MAP);
  expect(sync.code).toBe(0);
  expect(sync.report.counts.catalog).toMatchObject({ updated: 1, deleted: 0 });
  expect((await glue(TARGET).send(new GetCatalogCommand({ CatalogId: 'open' }))).Catalog?.Description).toBe('renamed');
  const verify = await run('verify', MAP);
  expect(verify.code).toBe(3);
  expect(verify.report.differences).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'catalog', key: 'catalog/polaris', difference: 'extra' })]));

  // S3 Tables replication's own catalog in the target is never pruned, though the source's is not replicated.
  await glue(TARGET).send(new CreateCatalogCommand({
    Name: 's3tablescatalog', CatalogInput: { FederatedCatalog: { Identifier: `arn:aws:s3tables:${TARGET}:${ACCOUNT}:bucket/*`, ConnectionName: 'aws:s3tables' } },
  }));
  const pruned = await run('sync', MAP, '--prune');
  expect(pruned.code).toBe(0);
  expect(pruned.report.counts.catalog).toMatchObject({ deleted: 1 });
  expect(await catalogs(TARGET)).toEqual(['open', 's3tablescatalog']);
});

test('the default catalog\'s optimization settings are replicated disabled, its Parameters in the target left as they are; a re-run makes no write', async () => {
  await glue(SOURCE).send(new UpdateCatalogCommand({
    CatalogId: ACCOUNT, CatalogInput: { Parameters: { owner: 'source' }, CatalogProperties: { IcebergOptimizationProperties: OPTIMIZATION } },
  }));
  // What another writer (a promotion's mark) keeps in the target's default catalog.
  await glue(TARGET).send(new UpdateCatalogCommand({ CatalogId: ACCOUNT, CatalogInput: { Parameters: { 'lake-replica:role': 'replica' } } }));
  const r = await run('sync');
  expect(r.code).toBe(0);
  expect(r.report.counts.catalogOptimization).toMatchObject({ created: 1, failed: 0 });
  const target = (await glue(TARGET).send(new GetCatalogCommand({ CatalogId: ACCOUNT }))).Catalog!;
  expect(target.Parameters).toEqual({ 'lake-replica:role': 'replica' });
  expect(target.CatalogProperties?.IcebergOptimizationProperties).toMatchObject({
    RoleArn: OPTIMIZATION.RoleArn, Compaction: { enabled: 'false', strategy: 'binpack' }, Retention: { enabled: 'false' },
  });

  const again = await run('sync');
  expect(writeCalls(again.report.apiCalls)).toBe(0);
  expect(again.report.counts.catalogOptimization).toMatchObject({ unchanged: 1 });
  // One read a side for the settings, and one in the target for the promoted-Region guard.
  expect(again.report.apiCalls['glue:GetCatalog']).toBe(3);

  // Switched on in the source, it stays disabled in the target: nothing to write.
  await glue(SOURCE).send(new UpdateCatalogCommand({
    CatalogId: ACCOUNT,
    CatalogInput: { CatalogProperties: { IcebergOptimizationProperties: { ...OPTIMIZATION, OrphanFileDeletion: { enabled: 'true', orphanFileRetentionPeriodInDays: '3' } } } },
  }));
  expect(writeCalls((await run('sync')).report.apiCalls)).toBe(0);
});

test('snapshot then restore with the source gone: the catalogs and connections come back from the file', async () => {
  await seed();
  const file = join(mkdtempSync(join(tmpdir(), 'catalogs-')), 'snapshot.jsonl');
  const snap = await motoCli(moto().endpoint, 'snapshot', '--source-region', SOURCE, '--out', file, '--skip', 'lake-formation', '--json');
  expect(snap.code).toBe(0);
  for (const name of ['polaris', 'open', 's3tablescatalog']) await glue(SOURCE).send(new DeleteCatalogCommand({ CatalogId: name }));
  for (const name of ['snowflake', 'public-rest']) await glue(SOURCE).send(new DeleteConnectionCommand({ ConnectionName: name }));

  const restore = await motoCli(moto().endpoint, 'restore', '--from', file, '--target-region', TARGET, '--skip', 'lake-formation', '--json', MAP);
  expect(restore.code).toBe(0);
  expect(restore.report.counts.catalog).toMatchObject({ created: 2 });
  expect(restore.report.counts.connection).toMatchObject({ created: 2 });
  expect(await catalogs(TARGET)).toEqual(['open', 'polaris']);
  expect((await glue(TARGET).send(new GetConnectionCommand({ Name: 'snowflake' }))).Connection?.AuthenticationConfiguration?.SecretArn).toBe(TARGET_SECRET);
});

describe('catalogs and connections near real time, against the extended moto server', () => {
  const pipeline = usePipeline();
  const now = () => new Date();
  const inTargets = async (p: Pipeline) => Promise.all(TARGETS.map(async r => {
    const listed = await p.glueAt(r).send(new GetCatalogsCommand({}));
    return (listed.CatalogList ?? []).map(c => c.Name).sort();
  }));

  test('CreateConnection, CreateCatalog, UpdateCatalog and DeleteCatalog events converge the account\'s catalogs and connections in both targets', async () => {
    const p = pipeline();
    const source = p.glueAt(PIPELINE_SOURCE);
    await source.send(new CreateConnectionCommand({
      ConnectionInput: { Name: 'public-rest', ConnectionType: 'CUSTOM' as never, ConnectionProperties: { CONNECTOR_URL: 'https://iceberg.example.com' } },
    }));
    await p.flow(trailEvent({ id: 'cc', name: 'CreateConnection', time: now(), params: { connectionInput: { name: 'public-rest' } } }));
    // No catalog names it yet: nothing to replicate.
    expect((await p.ledger.getEvent('cc'))!.targets[TARGETS[0]]).toMatchObject({ status: 'APPLIED', reason: 'the account\'s connections: connections: 0 created, 0 updated, 0 deleted, 0 unchanged' });

    await source.send(new CreateCatalogCommand({ Name: 'open', CatalogInput: federated('public-rest') }));
    expect(await p.flow(trailEvent({ id: 'c', name: 'CreateCatalog', time: now(), params: { name: 'open', catalogInput: {} } }))).toEqual({ batchItemFailures: [] });
    expect(await inTargets(p)).toEqual([['open'], ['open']]);
    // The catalog's event converges the connection it names first.
    for (const region of TARGETS) expect((await p.glueAt(region).send(new GetConnectionCommand({ Name: 'public-rest' }))).Connection?.ConnectionType).toBe('CUSTOM');
    expect((await p.ledger.getEvent('c'))!.targets[TARGETS[1]]).toMatchObject({ status: 'APPLIED', reason: 'the account\'s catalogs: catalogs: 1 created, 0 updated, 0 deleted, 0 unchanged' });

    await source.send(new UpdateCatalogCommand({ CatalogId: 'open', CatalogInput: federated('public-rest', { Description: 'v2' }) }));
    await p.flow(trailEvent({ id: 'u', name: 'UpdateCatalog', time: now(), params: { catalogId: 'open', catalogInput: {} } }));
    for (const region of TARGETS) expect((await p.glueAt(region).send(new GetCatalogCommand({ CatalogId: 'open' }))).Catalog?.Description).toBe('v2');

    await source.send(new DeleteCatalogCommand({ CatalogId: 'open' }));
    await p.flow(trailEvent({ id: 'd', name: 'DeleteCatalog', time: now(), params: { catalogId: 'open' } }));
    expect(await inTargets(p)).toEqual([[], []]);
    expect((await p.ledger.getEvent('d'))!.targets[TARGETS[0]]).toMatchObject({ status: 'APPLIED', reason: expect.stringMatching(/1 deleted/) });
  });
});
