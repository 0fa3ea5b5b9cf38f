import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateDatabaseCommand, CreateTableCommand, CreateTableOptimizerCommand, DeleteTableOptimizerCommand, GetTableOptimizerCommand,
  UpdateTableOptimizerCommand, type TableOptimizerConfiguration,
} from '@aws-sdk/client-glue';
import { ReplicationEngine } from '../../../../src/engine/engine';
import { AwsClients } from '../../../../src/engine/kernel/clients';
import { writeCalls } from '../../../../src/engine/kernel/report';
import { GLUE_EVENT_SOURCE, mapEvent } from '../../../../src/engine/realtime/event-map';
import { glueAt, motoCli } from '../../../support/cli-harness';
import { useMoto } from '../../../support/moto';

/** Table optimizers, end to end through the CLI, against moto extended with the Glue APIs it lacks (test/support/moto-server). */
const moto = useMoto();
const ACCOUNT = '123456789012';
const SOURCE = 'us-east-1';
const TARGET = 'us-west-2';
const DR = 'eu-west-1';
const SOURCE_ROLE = `arn:aws:iam::${ACCOUNT}:role/optimizer-use1`;
const TARGET_ROLE = `arn:aws:iam::${ACCOUNT}:role/optimizer-usw2`;
const run = (command: string, ...extra: string[]) => motoCli(moto().endpoint, command,
  '--source-region', SOURCE, '--target-region', TARGET, '--skip', 'lake-formation', '--json',
  '--bucket-map', 'acme-lake-raw=acme-lake-raw-usw2', '--role-map', `${SOURCE_ROLE}=${TARGET_ROLE}`, ...extra);
const glue = (region: string) => glueAt(moto().endpoint, region);

const COMPACTION: TableOptimizerConfiguration = {
  roleArn: SOURCE_ROLE,
  enabled: true,
  compactionConfiguration: { icebergConfiguration: { strategy: 'binpack', minInputFiles: 100, deleteFileThreshold: 1 } },
};
const ORPHANS: TableOptimizerConfiguration = {
  roleArn: SOURCE_ROLE,
  enabled: false,
  orphanFileDeletionConfiguration: { icebergConfiguration: { orphanFileRetentionPeriodInDays: 3, location: 's3://acme-lake-raw/sales/events/', runRateInHours: 24 } },
};

async function optimizer(region: string, type: 'compaction' | 'retention' | 'orphan_file_deletion', table = 'events') {
  try {
    const r = await glue(region).send(new GetTableOptimizerCommand({ CatalogId: ACCOUNT, DatabaseName: 'sales', TableName: table, Type: type }));
    return r.TableOptimizer?.configuration;
  } catch (error) {
    if ((error as Error).name === 'EntityNotFoundException') return undefined;
    throw error;
  }
}

async function seed(region = SOURCE): Promise<void> {
  await glue(region).send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'sales' } }));
  await glue(region).send(new CreateTableCommand({
    DatabaseName: 'sales',
    TableInput: {
      Name: 'events',
      TableType: 'EXTERNAL_TABLE',
      Parameters: { table_type: 'ICEBERG', metadata_location: 's3://acme-lake-raw/sales/events/metadata/00001.metadata.json' },
      StorageDescriptor: { Columns: [{ Name: 'id', Type: 'bigint' }], Location: 's3://acme-lake-raw/sales/events/' },
    },
  }));
  // A Hive table carries no optimizers: nothing is read for it.
  await glue(region).send(new CreateTableCommand({
    DatabaseName: 'sales',
    TableInput: { Name: 'orders', StorageDescriptor: { Columns: [{ Name: 'id', Type: 'bigint' }], Location: 's3://acme-lake-raw/sales/orders/' } },
  }));
  await glue(region).send(new CreateTableOptimizerCommand({ CatalogId: ACCOUNT, DatabaseName: 'sales', TableName: 'events', Type: 'compaction', TableOptimizerConfiguration: COMPACTION }));
  await glue(region).send(new CreateTableOptimizerCommand({ CatalogId: ACCOUNT, DatabaseName: 'sales', TableName: 'events', Type: 'orphan_file_deletion', TableOptimizerConfiguration: ORPHANS }));
}

test('optimizers are replicated disabled, role and orphan location mapped; an unchanged re-run makes no write', async () => {
  await seed();
  const r = await run('sync');
  expect(r.code).toBe(0);
  expect(r.report.counts.tableOptimizer).toMatchObject({ created: 2, failed: 0 });
  // One read a table (BatchGetTableOptimizer) for the Iceberg table only, in the source and the target.
  expect(r.report.apiCalls['glue:BatchGetTableOptimizer']).toBe(2);
  expect(await optimizer(TARGET, 'compaction')).toEqual({ ...COMPACTION, roleArn: TARGET_ROLE, enabled: false });
  expect(await optimizer(TARGET, 'orphan_file_deletion')).toEqual({
    ...ORPHANS,
    roleArn: TARGET_ROLE,
    enabled: false,
    orphanFileDeletionConfiguration: { icebergConfiguration: { ...ORPHANS.orphanFileDeletionConfiguration!.icebergConfiguration, location: 's3://acme-lake-raw-usw2/sales/events/' } },
  });
  expect(await optimizer(TARGET, 'retention')).toBeUndefined();

  const again = await run('sync');
  expect(again.code).toBe(0);
  expect(writeCalls(again.report.apiCalls)).toBe(0);
  expect(again.report.counts.tableOptimizer).toMatchObject({ unchanged: 2, created: 0, updated: 0 });
});

test('a changed configuration is updated (still disabled); an extra optimizer is kept by sync, listed by verify and deleted with prune', async () => {
  await seed();
  expect((await run('sync')).code).toBe(0);
  await glue(SOURCE).send(new UpdateTableOptimizerCommand({
    CatalogId: ACCOUNT,
    DatabaseName: 'sales',
    TableName: 'events',
    Type: 'compaction',
    TableOptimizerConfiguration: { ...COMPACTION, compactionConfiguration: { icebergConfiguration: { strategy: 'sort', minInputFiles: 50 } } },
  }));
  await glue(SOURCE).send(new DeleteTableOptimizerCommand({ CatalogId: ACCOUNT, DatabaseName: 'sales', TableName: 'events', Type: 'orphan_file_deletion' }));

  const plan = await run('plan');
  expect(plan.report.differences).toEqual(expect.arrayContaining([
    expect.objectContaining({ kind: 'tableOptimizer', key: 'sales.events/compaction', difference: 'changed', fields: ['configuration'] }),
  ]));
  const sync = await run('sync');
  expect(sync.code).toBe(0);
  expect(sync.report.counts.tableOptimizer).toMatchObject({ updated: 1, deleted: 0 });
  expect(await optimizer(TARGET, 'compaction')).toEqual({ roleArn: TARGET_ROLE, enabled: false, compactionConfiguration: { icebergConfiguration: { strategy: 'sort', minInputFiles: 50 } } });
  const verify = await run('verify');
  expect(verify.code).toBe(3);
  expect(verify.report.differences).toEqual([expect.objectContaining({ kind: 'tableOptimizer', key: 'sales.events/orphan_file_deletion', difference: 'extra' })]);

  const pruned = await run('sync', '--prune');
  expect(pruned.code).toBe(0);
  expect(pruned.report.counts.tableOptimizer).toMatchObject({ deleted: 1 });
  expect(await optimizer(TARGET, 'orphan_file_deletion')).toBeUndefined();
});

test('--skip table-optimizers reads and writes none', async () => {
  await seed();
  const r = await run('sync', '--skip', 'table-optimizers');
  expect(r.code).toBe(0);
  expect(Object.keys(r.report.apiCalls).filter(op => /TableOptimizer/.test(op))).toEqual([]);
  expect(await optimizer(TARGET, 'compaction')).toBeUndefined();
});

test('a snapshot carries the optimizers as the source runs them, and a restore recreates them disabled while the source is gone', async () => {
  await seed();
  const file = join(mkdtempSync(join(tmpdir(), 'optimizers-')), 'lake.jsonl.gz');
  const snap = await motoCli(moto().endpoint, 'snapshot', '--source-region', SOURCE, '--skip', 'lake-formation', '--out', file, '--json');
  expect(snap.code).toBe(0);
  expect(snap.report.snapshot).toMatchObject({ attached: 2 });
  await moto().reset();
  const restore = await motoCli(moto().endpoint, 'restore', '--from', file, '--target-region', DR, '--skip', 'lake-formation', '--json');
  expect(restore.code).toBe(0);
  expect(restore.report.counts.tableOptimizer).toMatchObject({ created: 2 });
  expect(await optimizer(DR, 'compaction')).toEqual({ ...COMPACTION, enabled: false });
  expect((await optimizer(DR, 'orphan_file_deletion'))?.enabled).toBe(false);
});

test('near-real-time: a CreateTableOptimizer event maps to the table\'s optimizers, converged in the target disabled', async () => {
  await seed();
  expect((await run('sync')).code).toBe(0);
  const RETENTION = { icebergConfiguration: { snapshotRetentionPeriodInDays: 5, numberOfSnapshotsToRetain: 10 } };
  await glue(SOURCE).send(new CreateTableOptimizerCommand({
    CatalogId: ACCOUNT,
    DatabaseName: 'sales',
    TableName: 'events',
    Type: 'retention',
    TableOptimizerConfiguration: { roleArn: SOURCE_ROLE, enabled: true, retentionConfiguration: RETENTION },
  }));
  const engine = await ReplicationEngine.create({
    mode: 'sync',
    sourceRegion: SOURCE,
    targetRegions: [TARGET],
    scope: {},
    prune: true,
    concurrency: 4,
    bucketMappings: [{ sourceBucket: 'acme-lake-raw', targetBucket: 'acme-lake-raw-usw2' }],
    roleMappings: [{ sourceRole: SOURCE_ROLE, targetRole: TARGET_ROLE }],
  }, new AwsClients({ endpoint: moto().endpoint, maxAttempts: 1 }));
  const mapped = mapEvent({
    eventId: 'e1',
    eventName: 'CreateTableOptimizer',
    eventSource: GLUE_EVENT_SOURCE,
    eventTime: new Date(),
    awsRegion: SOURCE,
    requestParameters: { catalogId: ACCOUNT, databaseName: 'sales', tableName: 'events', type: 'retention' },
  });
  expect(mapped).toEqual({ refs: [{ kind: 'tableOptimizer', database: 'sales', table: 'events' }] });
  const outcomes = await engine.convergeObjects('refs' in mapped ? [...mapped.refs] : [], TARGET);
  expect([...outcomes.values()]).toEqual([{ status: 'APPLIED', reason: 'tableOptimizers: 1 created, 0 updated, 0 deleted, 2 unchanged' }]);
  expect(await optimizer(TARGET, 'retention')).toEqual({
    roleArn: TARGET_ROLE, enabled: false, retentionConfiguration: RETENTION,
  });
});
