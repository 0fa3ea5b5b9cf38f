import { GetTableCommand } from '@aws-sdk/client-glue';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
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

/** The events table (three commits) replicated and synced, then a fourth commit in the source: the target's pointer before it. */
async function syncedThenCommitted(): Promise<string> {
  const endpoint = moto().endpoint;
  await createBuckets(endpoint);
  await pyiceberg<Seeded>(endpoint, 'seed', { region: SOURCE_REGION, bucket: 'lake-use1', dataBucket: 'lake-data-use1', tables: ['events'] });
  await replicate(endpoint);
  await lakeReplica('sync');
  const before = await targetPointer('events');
  await pyiceberg(endpoint, 'append', { region: SOURCE_REGION, table: 'events', ids: [10, 11] });
  return before;
}

describe('lake-replica sync on moto: Iceberg tables replicated with their metadata rewritten into the target buckets', () => {
  test('sync rewrites every chain; PyIceberg reads every row and time-travels in the target Region after the source bucket is deleted; an unchanged re-sync writes nothing', async () => {
    const endpoint = moto().endpoint;
    await createBuckets(endpoint);
    const { result: seeded } = await pyiceberg<Seeded>(endpoint, 'seed', {
      region: SOURCE_REGION, bucket: 'lake-use1', dataBucket: 'lake-data-use1', tables: ['events', 'orders', 'ledger'],
    });
    await replicate(endpoint);

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
    await createBuckets(endpoint);
    await pyiceberg<Seeded>(endpoint, 'seed', { region: SOURCE_REGION, bucket: 'lake-use1', dataBucket: 'lake-data-use1', tables: ['events'] });
    await replicate(endpoint);
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
