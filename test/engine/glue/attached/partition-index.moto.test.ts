import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreatePartitionIndexCommand, CreateTableCommand, DeletePartitionIndexCommand, GetPartitionIndexesCommand, CreateDatabaseCommand } from '@aws-sdk/client-glue';
import { ReplicationEngine } from '../../../../src/engine/engine';
import { AwsClients } from '../../../../src/engine/kernel/clients';
import { writeCalls } from '../../../../src/engine/kernel/report';
import { glueAt, motoCli } from '../../../support/cli-harness';
import { useMoto } from '../../../support/moto';
import { failPartitionIndexBackfill } from '../../../support/moto-glue-extensions';

/** Partition indexes, end to end through the CLI, against moto extended with the Glue APIs it lacks (test/support/moto-server). */
const moto = useMoto();
const SOURCE = 'us-east-1';
const TARGET = 'us-west-2';
const DR = 'eu-west-1';
const run = (command: string, ...extra: string[]) => motoCli(moto().endpoint, command,
  '--source-region', SOURCE, '--target-region', TARGET, '--skip', 'lake-formation', '--json', ...extra);
const glue = (region: string) => glueAt(moto().endpoint, region);

async function seed(): Promise<void> {
  await glue(SOURCE).send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'sales' } }));
  await glue(SOURCE).send(new CreateTableCommand({
    DatabaseName: 'sales',
    TableInput: {
      Name: 'orders',
      StorageDescriptor: { Columns: [{ Name: 'id', Type: 'bigint' }], Location: 's3://acme-lake-raw/sales/orders/' },
      PartitionKeys: [{ Name: 'dt', Type: 'string' }, { Name: 'region', Type: 'string' }],
    },
    PartitionIndexes: [{ IndexName: 'by_dt', Keys: ['dt'] }],
  }));
  await glue(SOURCE).send(new CreatePartitionIndexCommand({
    DatabaseName: 'sales', TableName: 'orders', PartitionIndex: { IndexName: 'by_region_dt', Keys: ['region', 'dt'] },
  }));
}

async function indexes(region: string, table = 'orders'): Promise<Array<{ name: string; keys: string[] }>> {
  const out: Array<{ name: string; keys: string[] }> = [];
  let NextToken: string | undefined;
  do {
    const page = await glue(region).send(new GetPartitionIndexesCommand({ DatabaseName: 'sales', TableName: table, NextToken }));
    for (const i of page.PartitionIndexDescriptorList ?? []) out.push({ name: i.IndexName!, keys: (i.Keys ?? []).map(k => k.Name!) });
    NextToken = page.NextToken;
  } while (NextToken);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

test('a new table is created with its indexes (no CreatePartitionIndex, no backfill); a re-run makes no write', async () => {
  await seed();
  const r = await run('sync');
  expect(r.code).toBe(0);
  expect(r.report.counts.partitionIndex).toMatchObject({ created: 2, failed: 0 });
  expect(r.report.apiCalls['glue:CreatePartitionIndex']).toBeUndefined();
  expect(await indexes(TARGET)).toEqual([{ name: 'by_dt', keys: ['dt'] }, { name: 'by_region_dt', keys: ['region', 'dt'] }]);

  const again = await run('sync');
  expect(again.code).toBe(0);
  expect(writeCalls(again.report.apiCalls)).toBe(0);
  expect(again.report.counts.partitionIndex).toMatchObject({ unchanged: 2, created: 0 });
});

test('an existing table gets a missing index; an extra one is kept by sync, listed by verify and deleted with prune', async () => {
  await seed();
  expect((await run('sync')).code).toBe(0);
  await glue(SOURCE).send(new DeletePartitionIndexCommand({ DatabaseName: 'sales', TableName: 'orders', IndexName: 'by_dt' }));
  await glue(SOURCE).send(new CreatePartitionIndexCommand({ DatabaseName: 'sales', TableName: 'orders', PartitionIndex: { IndexName: 'by_region', Keys: ['region'] } }));

  const plan = await run('plan');
  expect(plan.report.differences).toEqual(expect.arrayContaining([
    expect.objectContaining({ kind: 'partitionIndex', key: 'sales.orders/by_region', difference: 'missing' }),
  ]));
  const sync = await run('sync');
  expect(sync.code).toBe(0);
  expect(sync.report.counts.partitionIndex).toMatchObject({ created: 1, deleted: 0 });
  expect(sync.report.warnings.join('\n')).toMatch(/partitionIndexs in scope that the source does not have \(e\.g\. sales\.orders\/by_dt\)/);
  const verify = await run('verify');
  expect(verify.code).toBe(3);
  expect(verify.report.differences).toEqual([expect.objectContaining({ kind: 'partitionIndex', key: 'sales.orders/by_dt', difference: 'extra' })]);

  const pruned = await run('sync', '--prune');
  expect(pruned.code).toBe(0);
  expect(pruned.report.counts.partitionIndex).toMatchObject({ deleted: 1 });
  expect(await indexes(TARGET)).toEqual([{ name: 'by_region', keys: ['region'] }, { name: 'by_region_dt', keys: ['region', 'dt'] }]);
});

test('an index whose backfill failed in the target is reported failed, and the run exits 1', async () => {
  await seed();
  expect((await run('sync')).code).toBe(0);
  await failPartitionIndexBackfill(moto().endpoint, { region: TARGET, database: 'sales', table: 'orders', index: 'by_dt', partitions: [['2026-01-01', 'eu']] });
  const r = await run('sync');
  expect(r.code).toBe(1);
  expect(r.report.failures).toEqual([expect.objectContaining({ kind: 'partitionIndex', key: 'sales.orders/by_dt', target: TARGET, error: expect.stringMatching(/backfill failed/) })]);
});

test('--skip partition-indexes reads and writes none', async () => {
  await seed();
  const r = await run('sync', '--skip', 'partition-indexes');
  expect(r.code).toBe(0);
  expect(Object.keys(r.report.apiCalls).filter(op => /PartitionIndex/.test(op))).toEqual([]);
  expect(await indexes(TARGET)).toEqual([]);
});

test('a snapshot carries the indexes, and a restore recreates them while the source is gone', async () => {
  await seed();
  const file = join(mkdtempSync(join(tmpdir(), 'indexes-')), 'lake.jsonl.gz');
  const snap = await motoCli(moto().endpoint, 'snapshot', '--source-region', SOURCE, '--skip', 'lake-formation', '--out', file, '--json');
  expect(snap.code).toBe(0);
  expect(snap.report.snapshot).toMatchObject({ version: 3, attached: 2 });
  await moto().reset();
  const restore = await motoCli(moto().endpoint, 'restore', '--from', file, '--target-region', DR, '--skip', 'lake-formation', '--json');
  expect(restore.code).toBe(0);
  expect(restore.report.counts.partitionIndex).toMatchObject({ created: 2 });
  expect(await indexes(DR)).toEqual([{ name: 'by_dt', keys: ['dt'] }, { name: 'by_region_dt', keys: ['region', 'dt'] }]);
});

test('near-real-time: a CreatePartitionIndex event converges the table\'s indexes in the target', async () => {
  await seed();
  expect((await run('sync')).code).toBe(0);
  await glue(SOURCE).send(new CreatePartitionIndexCommand({ DatabaseName: 'sales', TableName: 'orders', PartitionIndex: { IndexName: 'by_region', Keys: ['region'] } }));
  const engine = await ReplicationEngine.create({
    mode: 'sync', sourceRegion: SOURCE, targetRegions: [TARGET], scope: {}, bucketMappings: [], prune: true, concurrency: 4,
  }, new AwsClients({ endpoint: moto().endpoint, maxAttempts: 1 }));
  const outcomes = await engine.convergeObjects([{ kind: 'partitionIndex', database: 'sales', table: 'orders' }], TARGET);
  expect([...outcomes.values()]).toEqual([{ status: 'APPLIED', reason: 'partitionIndexes: 1 created, 0 updated, 0 deleted, 2 unchanged' }]);
  expect((await indexes(TARGET)).map(i => i.name)).toEqual(['by_dt', 'by_region', 'by_region_dt']);
});
