import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DeleteDatabaseCommand, GetDatabasesCommand, GetPartitionsCommand, GetTableCommand, GetTablesCommand } from '@aws-sdk/client-glue';
import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { writeCalls } from '../../src/engine/kernel/report';
import { cli, glueAt, motoCli, TEST_CREDENTIALS } from '../support/cli-harness';
import { useMoto } from '../support/moto';
import { SAMPLE_BUCKET_MAPS, seedSampleLake } from '../support/sample-lake';

const moto = useMoto();
let dir: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lake-replica-test-'));
});

const SOURCE = 'us-east-1';
const TARGET = 'us-west-2';
const maps = SAMPLE_BUCKET_MAPS.flatMap(m => ['--bucket-map', m]);

async function wipeSource() {
  const glue = glueAt(moto().endpoint, SOURCE);
  for (const db of (await glue.send(new GetDatabasesCommand({}))).DatabaseList ?? []) {
    await glue.send(new DeleteDatabaseCommand({ Name: db.Name }));
  }
}

describe('snapshot and restore against moto', () => {
  test('a gzip snapshot file restores the lake into a target while the source is gone', async () => {
    await seedSampleLake(glueAt(moto().endpoint, SOURCE));
    const file = join(dir, 'lake.jsonl.gz');
    const snap = await motoCli(moto().endpoint, 'snapshot', '--source-region', SOURCE, '--exclude-database', 'tmp_*', '--out', file, '--json');
    expect(snap.code).toBe(0);
    expect(snap.report.snapshot).toMatchObject({ location: file, version: 3, databases: 4, tables: 6, partitions: 6, lakeFormation: 1 });

    const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n').map(l => JSON.parse(l));
    expect(lines[0]).toMatchObject({ format: 'lake-replica-snapshot', version: 3, source: { region: SOURCE, catalogId: '123456789012' } });
    // moto's lake has only its data lake settings: one Lake Formation item, right after the header.
    expect(lines[1]).toMatchObject({ lakeFormation: 'settings', items: [{ DataLakeAdmins: [] }] });
    expect(lines[lines.length - 1]).toEqual({ end: { databases: 4, tables: 6, partitions: 6, lakeFormation: 1, attached: 0 } });
    // Output-only fields never reach the snapshot.
    expect(JSON.stringify(lines)).not.toMatch(/CreateTime|VersionId|"CatalogId":"123456789012","Name"/);

    await wipeSource();
    const restore = await motoCli(moto().endpoint, 'restore', '--from', file, '--target-region', TARGET, ...maps, '--json');
    expect(restore.code).toBe(0);
    expect(restore.report.source).toMatchObject({ region: SOURCE, snapshot: file });
    expect(restore.report.counts.table.created).toBe(6);
    expect(restore.report.counts.partition.created).toBe(6);
    // The restore read nothing from the (wiped) source: every Glue read went to the target.
    const target = glueAt(moto().endpoint, TARGET);
    const orders = (await target.send(new GetTableCommand({ DatabaseName: 'sales', Name: 'orders' }))).Table!;
    expect(orders.StorageDescriptor!.Location).toBe('s3://acme-lake-raw-usw2/sales/orders/');
    expect(orders.TableType).toBe('EXTERNAL_TABLE');
    expect((await target.send(new GetPartitionsCommand({ DatabaseName: 'sales', TableName: 'orders' }))).Partitions).toHaveLength(6);
    const link = (await target.send(new GetTableCommand({ DatabaseName: 'marketing', Name: 'orders_link' }))).Table!;
    expect(link.TargetTable).toEqual({ CatalogId: '123456789012', DatabaseName: 'sales', Name: 'orders' });

    // Restoring the same snapshot again is idempotent.
    const again = await motoCli(moto().endpoint, 'restore', '--from', file, '--target-region', TARGET, ...maps, '--json');
    expect(again.code).toBe(0);
    expect(writeCalls(again.report.apiCalls)).toBe(0);
  });

  test('snapshot to s3:// and restore from it', async () => {
    await seedSampleLake(glueAt(moto().endpoint, SOURCE));
    const s3 = new S3Client({ region: SOURCE, endpoint: moto().endpoint, credentials: TEST_CREDENTIALS, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'dr-snapshots' }));
    const snap = await motoCli(moto().endpoint, 'snapshot', '--source-region', SOURCE, '--database', 'sales', '--out', 's3://dr-snapshots/lake/snap.jsonl', '--json');
    expect(snap.code).toBe(0);
    expect(snap.report.apiCalls['s3:PutObject']).toBe(1);
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'dr-snapshots', Key: 'lake/snap.jsonl' }))).resolves.toBeDefined();

    const restore = await motoCli(moto().endpoint, 'restore', '--from', 's3://dr-snapshots/lake/snap.jsonl', '--target-region', TARGET, '--json');
    expect(restore.code).toBe(0);
    const tables = (await glueAt(moto().endpoint, TARGET).send(new GetTablesCommand({ DatabaseName: 'sales' }))).TableList!;
    expect(tables.map(t => t.Name).sort()).toEqual(['audit_log', 'daily_totals', 'events_iceberg', 'orders']);
  });

  test('restore --prune removes what the snapshot does not hold, and a restore can be narrowed by --database', async () => {
    await seedSampleLake(glueAt(moto().endpoint, SOURCE));
    const file = join(dir, 'lake.jsonl');
    await motoCli(moto().endpoint, 'snapshot', '--source-region', SOURCE, '--out', file);
    await motoCli(moto().endpoint, 'sync', '--source-region', SOURCE, '--target-region', TARGET);
    await glueAt(moto().endpoint, SOURCE).send(new DeleteDatabaseCommand({ Name: 'marketing' }));
    // Only sales is restored; marketing stays untouched even with prune, since it is out of scope.
    const r = await motoCli(moto().endpoint, 'restore', '--from', file, '--target-region', TARGET, '--database', 'sales', '--prune', '--json');
    expect(r.code).toBe(0);
    expect(r.report.counts.database).toMatchObject({ unchanged: 1, deleted: 0 });
    const names = (await glueAt(moto().endpoint, TARGET).send(new GetDatabasesCommand({}))).DatabaseList!.map(d => d.Name);
    expect(names).toContain('marketing');
  });

  test('restore --prune never reaches outside the scope the snapshot was taken with', async () => {
    await seedSampleLake(glueAt(moto().endpoint, SOURCE));
    await motoCli(moto().endpoint, 'sync', '--source-region', SOURCE, '--target-region', TARGET);
    const file = join(dir, 'sales-only.jsonl');
    await motoCli(moto().endpoint, 'snapshot', '--source-region', SOURCE, '--database', 'sales', '--out', file);
    const r = await motoCli(moto().endpoint, 'restore', '--from', file, '--target-region', TARGET, '--prune', '--json');
    expect(r.code).toBe(0);
    expect(r.report.counts.database.deleted).toBe(0);
    const names = (await glueAt(moto().endpoint, TARGET).send(new GetDatabasesCommand({}))).DatabaseList!.map(d => d.Name);
    expect(names).toEqual(expect.arrayContaining(['sales', 'marketing', 'shared_sales', 'partner_feed']));
  });

  test('a truncated snapshot is refused and nothing is pruned', async () => {
    await seedSampleLake(glueAt(moto().endpoint, SOURCE));
    const file = join(dir, 'lake.jsonl');
    await motoCli(moto().endpoint, 'snapshot', '--source-region', SOURCE, '--out', file);
    await motoCli(moto().endpoint, 'sync', '--source-region', SOURCE, '--target-region', TARGET);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    // Keep the header and the first database with some of its tables: the trailer is gone.
    writeFileSync(join(dir, 'cut.jsonl'), lines.slice(0, 4).join('\n') + '\n');
    const r = await motoCli(moto().endpoint, 'restore', '--from', join(dir, 'cut.jsonl'), '--target-region', TARGET, '--prune', '--json');
    expect(r.code).toBe(1);
    expect(r.report.failures.map(f => f.error).join('\n')).toMatch(/without its trailer: the snapshot is truncated/);
    expect(r.report.counts.table.deleted).toBe(0);
    expect(r.report.counts.database.deleted).toBe(0);
    const tables = (await glueAt(moto().endpoint, TARGET).send(new GetTablesCommand({ DatabaseName: 'sales' }))).TableList!;
    expect(tables).toHaveLength(4);
  });

  test('a file that is not a snapshot is refused with exit 2 and a clear message', async () => {
    const file = join(dir, 'not-a-snapshot.json');
    writeFileSync(file, '{"hello":"world"}\n');
    const r = await motoCli(moto().endpoint, 'restore', '--from', file, '--target-region', TARGET);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a lake-replica snapshot/);
  });
});

describe('bad input exits 2 before any AWS call', () => {
  // A closed port: any AWS call would fail with exit 1, not 2.
  const nowhere = 'http://127.0.0.1:1';
  test.each([
    ['a target equal to the source', ['sync', '--source-region', 'us-east-1', '--target-region', 'us-east-1'], /is the source Region/],
    ['an invalid Region name', ['sync', '--source-region', 'us-east-1', '--target-region', 'mars-north-1x'], /not a valid AWS Region name/],
    ['a malformed --bucket-map', ['sync', '--source-region', 'us-east-1', '--target-region', 'us-west-2', '--bucket-map', 'no-equals-sign'], /is malformed/],
    ['an unknown flag', ['sync', '--source-region', 'us-east-1', '--target-region', 'us-west-2', '--frobnicate'], /Unknown option '--frobnicate'/],
    ['a malformed pattern', ['plan', '--source-region', 'us-east-1', '--target-region', 'us-west-2', '--database', 'sales['], /unclosed "\["/],
    ['no command', [], /a command is required/],
    ['restore without --from', ['restore', '--target-region', 'us-west-2'], /restore needs --from/],
  ])('%s', async (_what, argv, message) => {
    const r = await cli(nowhere, ...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/lake-replica --help/);
    expect(r.stdout).toBe('');
  });

  test('--help prints usage and exits 0', async () => {
    const r = await cli(nowhere, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: lake-replica <command>/);
  });

  test('an unreachable endpoint is a runtime failure: exit 1 with the cause', async () => {
    const r = await cli(nowhere, 'sync', '--source-region', 'us-east-1', '--target-region', 'us-west-2');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sync failed/);
  });
});
