import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchCreatePartitionCommand, CreateDatabaseCommand, CreateTableCommand, GetTableCommand } from '@aws-sdk/client-glue';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { ReplicationEngine } from '../../../src/engine/engine';
import { icebergMappingId } from '../../../src/engine/iceberg';
import { AwsClients } from '../../../src/engine/kernel/clients';
import type { ObjectRef } from '../../../src/engine/kernel/object-ref';
import { writeCalls, type Report } from '../../../src/engine/kernel/report';
import { mapEvent } from '../../../src/engine/realtime/event-map';
import { cli } from '../../support/cli-harness';
import {
  BUCKETS, createBuckets, deleteSourceBuckets, glueAt, pointersOf, pyiceberg, replicate, s3At, SOURCE_REGION, TARGET_REGION,
} from '../../support/iceberg/lake';
import { useMoto } from '../../support/moto';

const moto = useMoto();
const MAPPING_ID = icebergMappingId(BUCKETS);
const STAGED = `s3://lake-usw2/_lake-replica/iceberg/${MAPPING_ID}/lake-use1/warehouse/`;
const SOURCE_BUCKETS = /s3a?:\/\/(lake-use1|lake-data-use1)\//;
const MAPS = Object.entries(BUCKETS).flatMap(([source, target]) => ['--bucket-map', `${source}=${target}`]);

interface Seeded {
  [table: string]: { snapshots: { id: string; timestamp_ms: number }[]; ids: number[][] };
}
interface Read {
  [table: string]: { ids: number[]; older: number[][]; location: string };
}

/** `lake-replica <command>` from the source Region into the target, with the bucket mapping; Lake Formation left out. */
async function lakeReplica(command: 'sync' | 'plan', ...extra: string[]): Promise<Report> {
  const run = await cli(moto().endpoint, command, '--source-region', SOURCE_REGION, '--target-region', TARGET_REGION, ...MAPS,
    '--skip', 'lake-formation', '--json', ...extra);
  expect({ code: run.code, failures: run.report?.failures }).toEqual({ code: 0, failures: [] });
  return run.report;
}

async function targetPointer(table: string): Promise<string> {
  return (await pointersOf(glueAt(moto().endpoint, TARGET_REGION), table)).metadataLocation;
}

async function stagedCount(): Promise<number> {
  let n = 0;
  for (const bucket of Object.values(BUCKETS)) {
    const page = await s3At(moto().endpoint, TARGET_REGION).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: '_lake-replica/' }));
    n += page.KeyCount ?? 0;
  }
  return n;
}

/** Buckets in both Regions, PyIceberg's tables in the source, and their objects copied as S3 replication would. */
async function seededAndReplicated(tables: string[]): Promise<Seeded> {
  const endpoint = moto().endpoint;
  await createBuckets(endpoint);
  const { result } = await pyiceberg<Seeded>(endpoint, 'seed', { region: SOURCE_REGION, bucket: 'lake-use1', dataBucket: 'lake-data-use1', tables });
  await replicate(endpoint);
  return result;
}

/** The events table (three commits) replicated and synced, then a fourth commit in the source: the target's pointer before it. */
async function syncedThenCommitted(): Promise<string> {
  const endpoint = moto().endpoint;
  await seededAndReplicated(['events']);
  await lakeReplica('sync');
  const before = await targetPointer('events');
  await pyiceberg(endpoint, 'append', { region: SOURCE_REGION, table: 'events', ids: [10, 11] });
  return before;
}

describe('lake-replica sync on moto: Iceberg tables replicated with their metadata rewritten into the target buckets', () => {
  test('sync rewrites every chain; PyIceberg reads every row and time-travels in the target Region after the source bucket is deleted; an unchanged re-sync writes nothing', async () => {
    const endpoint = moto().endpoint;
    const seeded = await seededAndReplicated(['events', 'orders', 'ledger']);

    const first = await lakeReplica('sync');
    expect(first.failures).toEqual([]);
    expect(first.counts.table).toMatchObject({ created: 3, failed: 0 });
    expect(first.iceberg?.tables).toEqual({ rewritten: 3, unchanged: 0, waiting: 0, failed: 0, unmapped: 0, skipped: 0 });
    expect(first.iceberg?.filesWritten).toBe(first.apiCalls['s3:PutObject']);
    expect(first.iceberg?.filesWritten).toBe(await stagedCount());
    expect(first.iceberg?.bytesWritten).toBeGreaterThan(10_000);
    expect(first.iceberg?.notConverged).toEqual([]);
    for (const table of ['events', 'orders', 'ledger']) {
      const target = (await glueAt(endpoint, TARGET_REGION).send(new GetTableCommand({ DatabaseName: 'lake', Name: table }))).Table!;
      expect(target.Parameters!.metadata_location).toMatch(new RegExp(`^${STAGED}${table}/metadata/\\d{5}-[^/]+\\.metadata\\.json$`));
      expect(target.Parameters!.previous_metadata_location).toMatch(new RegExp(`^${STAGED}${table}/metadata/`));
      expect(target.StorageDescriptor?.Location).toBe(`s3://lake-usw2/warehouse/${table}`);
    }

    // An unchanged lake: zero writes, catalog and S3 together.
    const again = await lakeReplica('sync');
    expect(again.iceberg?.tables).toMatchObject({ rewritten: 0, unchanged: 3 });
    expect([again.iceberg?.filesWritten, again.iceberg?.bytesWritten]).toEqual([0, 0]);
    expect(again.counts.table).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(writeCalls(again.apiCalls)).toBe(0);
    expect(again.apiCalls['s3:HeadObject']).toBe(6);

    // The CLI summary says it in one line.
    const summary = await cli(endpoint, 'plan', '--source-region', SOURCE_REGION, '--target-region', TARGET_REGION, ...MAPS, '--skip', 'lake-formation');
    expect(summary.stdout).toContain('Iceberg tables: 0 rewritten, 3 unchanged, 0 waiting for S3 replication, 0 failed; would write 0 staged file(s), 0 bytes');

    await deleteSourceBuckets(endpoint);
    const older = (table: string) => seeded[table].snapshots.slice(0, -1).map(s => s.id);
    const read = await pyiceberg<Read>(endpoint, 'read', {
      region: TARGET_REGION, tables: ['events', 'orders', 'ledger'].map(name => ({ name, snapshots: older(name) })),
    });
    for (const table of ['events', 'orders', 'ledger']) {
      expect(read.result[table].ids).toEqual(seeded[table].ids.at(-1));
      expect(read.result[table].older).toEqual(seeded[table].ids.slice(0, -1));
      expect(read.result[table].location).toBe(`s3://lake-usw2/warehouse/${table}`);
    }
    expect(read.result.ledger.ids).not.toEqual(expect.arrayContaining([21]));
    expect(read.opened.length).toBeGreaterThan(30);
    expect(read.opened.filter(line => SOURCE_BUCKETS.test(line))).toEqual([]);
    expect(read.opened.every(line => /^read s3a?:\/\/(lake-usw2|lake-data-usw2)\//.test(line))).toBe(true);
  });

  test('a data file not replicated yet leaves the previous pointer and is reported as waiting; the next sync converges it', async () => {
    const endpoint = moto().endpoint;
    const before = await syncedThenCommitted();
    // Everything but the new data file arrives (the older data files are there already).
    const held = (key: string) => key.includes('/data/');
    await replicate(endpoint, held);
    const waiting = await lakeReplica('sync');
    expect(waiting.iceberg?.tables).toMatchObject({ rewritten: 0, waiting: 1, failed: 0 });
    const [entry] = waiting.iceberg!.notConverged;
    expect(entry).toMatchObject({ key: 'lake.events', target: TARGET_REGION, status: 'waiting', missingCount: 1 });
    expect(entry.missing).toEqual([expect.stringMatching(/^s3:\/\/lake-usw2\/warehouse\/events\/data\/.+\.parquet$/)]);
    expect(waiting.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^Iceberg table lake\.events in us-west-2 is waiting for S3 replication \(1 file/)]));
    expect(waiting.failures).toEqual([]);
    expect(waiting.counts.table).toMatchObject({ created: 0, updated: 0 });
    expect(waiting.apiCalls['glue:UpdateTable'] ?? 0).toBe(0);
    expect(await targetPointer('events')).toBe(before);
    // The new manifest names the missing file, so neither it nor the manifest list and metadata file above it are staged.
    expect([waiting.iceberg?.filesWritten, waiting.apiCalls['s3:PutObject'] ?? 0]).toEqual([0, 0]);

    await replicate(endpoint);
    const caught = await lakeReplica('sync');
    expect(caught.iceberg?.tables).toMatchObject({ rewritten: 1, waiting: 0 });
    expect(caught.counts.table).toMatchObject({ updated: 1 });
    const after = await pointersOf(glueAt(endpoint, TARGET_REGION), 'events');
    expect(after.metadataLocation).not.toBe(before);
    expect(after.previousMetadataLocation).toBe(before);
    await deleteSourceBuckets(endpoint);
    const read = await pyiceberg<Read>(endpoint, 'read', { region: TARGET_REGION, tables: [{ name: 'events' }] });
    expect(read.result.events.ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(read.opened.filter(line => SOURCE_BUCKETS.test(line))).toEqual([]);
  });

  test('--skip iceberg-metadata maps the pointers only, writes no staged file, and warns that the table depends on the source', async () => {
    const endpoint = moto().endpoint;
    await seededAndReplicated(['events']);
    const source = await pointersOf(glueAt(endpoint, SOURCE_REGION), 'events');

    const report = await lakeReplica('sync', '--skip', 'iceberg-metadata');
    expect(report.iceberg?.tables).toMatchObject({ rewritten: 0, skipped: 1 });
    expect(report.iceberg?.notConverged).toEqual([{ key: 'lake.events', target: TARGET_REGION, status: 'skipped' }]);
    expect(report.warnings).toEqual(expect.arrayContaining([
      expect.stringMatching(/^Iceberg table lake\.events in us-west-2 still depends on the source Region/),
    ]));
    expect(report.apiCalls['s3:PutObject'] ?? 0).toBe(0);
    expect(await targetPointer('events')).toBe(source.metadataLocation.replace('s3://lake-use1/', 's3://lake-usw2/'));
  });

  test('restore from a snapshot file (no UpdateTime there) points the restored Iceberg table at the rewritten chain', async () => {
    const endpoint = moto().endpoint;
    const seeded = await seededAndReplicated(['ledger']);
    const file = join(mkdtempSync(join(tmpdir(), 'iceberg-restore-')), 'lake.jsonl.gz');
    const snapshot = await cli(endpoint, 'snapshot', '--source-region', SOURCE_REGION, '--out', file, '--skip', 'lake-formation', '--json');
    expect(snapshot.code).toBe(0);
    await deleteSourceBuckets(endpoint);

    const restored = await cli(endpoint, 'restore', '--from', file, '--target-region', TARGET_REGION, ...MAPS, '--skip', 'lake-formation', '--json');
    expect({ code: restored.code, failures: restored.report.failures }).toEqual({ code: 0, failures: [] });
    expect(restored.report.iceberg?.tables).toMatchObject({ rewritten: 1, waiting: 0, failed: 0 });
    expect(restored.report.iceberg?.filesWritten).toBe(restored.report.apiCalls['s3:PutObject']);
    expect(await targetPointer('ledger')).toMatch(new RegExp(`^${STAGED}ledger/metadata/`));
    const read = await pyiceberg<Read>(endpoint, 'read', {
      region: TARGET_REGION, tables: [{ name: 'ledger', snapshots: seeded.ledger.snapshots.slice(0, -1).map(s => s.id) }],
    });
    expect(read.result.ledger.ids).toEqual(seeded.ledger.ids.at(-1));
    expect(read.result.ledger.older).toEqual(seeded.ledger.ids.slice(0, -1));
    expect(read.opened.filter(line => SOURCE_BUCKETS.test(line))).toEqual([]);
  });

  test('verify walks the chain a target points at: in sync after sync, drift for a path outside the mapped buckets and for a missing file', async () => {
    const endpoint = moto().endpoint;
    await seededAndReplicated(['events']);
    await lakeReplica('sync');
    const verify = () => cli(endpoint, 'verify', '--source-region', SOURCE_REGION, '--target-region', TARGET_REGION, ...MAPS,
      '--skip', 'lake-formation', '--json');

    const clean = await verify();
    expect({ code: clean.code, inSync: clean.report.inSync, drift: clean.report.differences }).toEqual({ code: 0, inSync: true, drift: [] });
    expect(writeCalls(clean.report.apiCalls)).toBe(0);

    // A data file lost from the target bucket.
    const s3 = s3At(endpoint, TARGET_REGION);
    const data = (await s3.send(new ListObjectsV2Command({ Bucket: 'lake-usw2', Prefix: 'warehouse/events/data/' }))).Contents!.map(o => o.Key!);
    const [lost] = data;
    const body = await (await s3.send(new GetObjectCommand({ Bucket: 'lake-usw2', Key: lost }))).Body!.transformToByteArray();
    await s3.send(new DeleteObjectCommand({ Bucket: 'lake-usw2', Key: lost }));
    const missing = await verify();
    expect(missing.report.inSync).toBe(false);
    expect(missing.report.differences).toEqual([{
      kind: 'table',
      key: 'lake.events',
      target: TARGET_REGION,
      difference: 'changed',
      fields: ['Parameters'],
      detail: expect.stringContaining(`1 file(s) missing in the target (for example s3://lake-usw2/${lost})`),
    }]);
    await s3.send(new PutObjectCommand({ Bucket: 'lake-usw2', Key: lost, Body: body }));

    // The staged metadata file replaced by the plain replicated copy, which names the source bucket.
    const pointer = await targetPointer('events');
    const staged = /^s3:\/\/lake-usw2\/(.*)$/.exec(pointer)![1];
    const copied = staged.replace(`_lake-replica/iceberg/${MAPPING_ID}/lake-use1/`, '');
    const original = await (await s3.send(new GetObjectCommand({ Bucket: 'lake-usw2', Key: copied }))).Body!.transformToByteArray();
    await s3.send(new PutObjectCommand({ Bucket: 'lake-usw2', Key: staged, Body: original }));
    const outside = await verify();
    expect(outside.report.inSync).toBe(false);
    expect(outside.report.differences?.[0].detail).toMatch(/path\(s\) outside the target's mapped buckets \(for example s3:\/\/lake-use1\//);
    const summary = await cli(endpoint, 'verify', '--source-region', SOURCE_REGION, '--target-region', TARGET_REGION, ...MAPS, '--skip', 'lake-formation');
    expect(summary.stdout).toMatch(/changed +table lake\.events in us-west-2 \(Parameters\): its Iceberg chain at s3:\/\/lake-usw2\/_lake-replica\//);
  });

  test('verify --storage lists each Hive table\'s prefix once and reports the locations with no object in the target', async () => {
    const endpoint = moto().endpoint;
    await createBuckets(endpoint);
    const glue = glueAt(endpoint, SOURCE_REGION);
    const sd = (location: string) => ({ Location: location, Columns: [{ Name: 'id', Type: 'int' }] });
    await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'hive' } }));
    await glue.send(new CreateTableCommand({
      DatabaseName: 'hive',
      TableInput: { Name: 'clicks', TableType: 'EXTERNAL_TABLE', StorageDescriptor: sd('s3://lake-use1/hive/clicks/'), PartitionKeys: [{ Name: 'dt', Type: 'string' }] },
    }));
    const partitions = ['s3://lake-use1/hive/clicks/dt=1/', 's3://lake-use1/hive/clicks/dt=2/', 's3://lake-use1/hive/clicks/dt=3/', 's3://lake-data-use1/moved/dt=4/'];
    await glue.send(new BatchCreatePartitionCommand({
      DatabaseName: 'hive',
      TableName: 'clicks',
      PartitionInputList: partitions.map((location, i) => ({ Values: [String(i + 1)], StorageDescriptor: sd(location) })),
    }));
    // S3 replication has brought dt=1, dt=2 and dt=4; dt=3 has not arrived.
    const s3 = s3At(endpoint, TARGET_REGION);
    for (const [Bucket, Key] of [['lake-usw2', 'hive/clicks/dt=1/a.parquet'], ['lake-usw2', 'hive/clicks/dt=2/b.parquet'], ['lake-data-usw2', 'moved/dt=4/c.parquet']]) {
      await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'x' }));
    }
    await lakeReplica('sync', '--database', 'hive');
    const verify = (...extra: string[]) => cli(endpoint, 'verify', '--source-region', SOURCE_REGION, '--target-region', TARGET_REGION, ...MAPS,
      '--skip', 'lake-formation', '--database', 'hive', ...extra);

    expect((await verify('--json')).report).toMatchObject({ inSync: true, differences: [] });
    const checked = await verify('--storage', '--json');
    expect(checked.code).toBe(3);
    expect(checked.report.differences).toEqual([{
      kind: 'table',
      key: 'hive.clicks',
      target: TARGET_REGION,
      difference: 'changed',
      fields: ['StorageDescriptor.Location'],
      detail: '1 of its 5 location(s) hold no object in the target (for example s3://lake-usw2/hive/clicks/dt=3/)',
    }]);
    // One listing of the table's prefix, one for the partition outside it.
    expect(checked.report.storage).toEqual({ tablesChecked: 1, locationsChecked: 5, locationsMissing: 1, apiCalls: { 's3:ListObjectsV2': 2 } });
    expect(checked.report.apiCalls['s3:ListObjectsV2']).toBe(2);
    const summary = await verify('--storage');
    expect(summary.stdout).toContain('storage: 5 location(s) of 1 table(s) checked, 1 with no object in the target, in 2 S3 call(s)');
  });

  test('near-real-time: the UpdateTable event of an Iceberg commit, converged by the engine, points the target at the rewritten chain', async () => {
    const endpoint = moto().endpoint;
    const before = await syncedThenCommitted();
    await replicate(endpoint);
    const source = await pointersOf(glueAt(endpoint, SOURCE_REGION), 'events');
    // The commit's CloudTrail record, as the poller stores it: an event is a hint, the source is re-read.
    const mapped = mapEvent({
      eventId: 'e-1',
      eventName: 'UpdateTable',
      eventSource: 'glue.amazonaws.com',
      eventTime: new Date(),
      recipientAccountId: '123456789012',
      requestParameters: { databaseName: 'lake', tableInput: { name: 'events', parameters: { metadata_location: source.metadataLocation } } },
    });
    expect(mapped).toEqual({ refs: [{ kind: 'table', database: 'lake', table: 'events' }] });

    const clients = new AwsClients({ endpoint, maxAttempts: 1 });
    const engine = await ReplicationEngine.create({
      mode: 'sync',
      sourceRegion: SOURCE_REGION,
      targetRegions: [TARGET_REGION],
      scope: {},
      bucketMappings: Object.entries(BUCKETS).map(([sourceBucket, targetBucket]) => ({ sourceBucket, targetBucket })),
      prune: false,
      concurrency: 1,
    }, clients);
    const outcomes = await engine.convergeObjects((mapped as { refs: ObjectRef[] }).refs, TARGET_REGION);
    expect([...outcomes.values()]).toEqual([{ status: 'APPLIED', reason: 'updated Parameters' }]);
    expect(clients.apiCalls['s3:PutObject']).toBe(3);

    const after = await pointersOf(glueAt(endpoint, TARGET_REGION), 'events');
    expect(after.metadataLocation).toMatch(new RegExp(`^${STAGED}events/metadata/`));
    expect(after.metadataLocation).toBe(source.metadataLocation.replace('s3://lake-use1/', STAGED.replace(/warehouse\/$/, '')));
    expect(after.previousMetadataLocation).toBe(before);
    await deleteSourceBuckets(endpoint);
    const read = await pyiceberg<Read>(endpoint, 'read', { region: TARGET_REGION, tables: [{ name: 'events' }] });
    expect(read.result.events.ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(read.opened.filter(line => SOURCE_BUCKETS.test(line))).toEqual([]);
  });
});
