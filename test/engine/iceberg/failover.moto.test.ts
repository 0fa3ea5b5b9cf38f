import { gzipSync } from 'node:zlib';
import { GetTableCommand, UpdateTableCommand } from '@aws-sdk/client-glue';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { checkIcebergChain, icebergMappingId, rewriteIcebergTable, type IcebergRewriteResult } from '../../../src/engine/iceberg';
import {
  BUCKETS, countCalls, createBuckets, deleteSourceBuckets, glueAt, mapBuckets, pointersOf, pointTarget, pyiceberg, replicate,
  s3At, SOURCE_REGION, TARGET_REGION,
} from '../../support/iceberg/lake';
import { useMoto } from '../../support/moto';

const moto = useMoto();
const MAPPING_ID = icebergMappingId(BUCKETS);
const SOURCE_BUCKETS = /s3a?:\/\/(lake-use1|lake-data-use1)\//;
/** Three commits (deflate); partitioned with an overwrite (zstd, gzipped metadata); position deletes (snappy, two buckets); format v1 (no compression). */
const TABLES = ['events', 'orders', 'ledger', 'legacy'];

interface Seeded {
  [table: string]: { snapshots: { id: string; timestamp_ms: number }[]; ids: number[][]; deletedFrom?: string; formatVersion?: number };
}
interface Read {
  [table: string]: { ids: number[]; older: number[][]; location: string };
}
interface Appended {
  metadataLocation: string;
  manifestList: string;
  addedFiles: string[];
  location: string;
  ids: number[];
}

async function rewrite(table: string, options: { dryRun?: boolean; now?: number; mapping?: Record<string, string> } = {}) {
  const endpoint = moto().endpoint;
  const s3 = s3At(endpoint, TARGET_REGION);
  const calls = countCalls(s3);
  const pointers = await pointersOf(glueAt(endpoint, SOURCE_REGION), table);
  const result = await rewriteIcebergTable({
    ...pointers,
    mapUri: mapBuckets(options.mapping ?? BUCKETS),
    mappingId: MAPPING_ID,
    s3,
    dryRun: options.dryRun ?? false,
    now: options.now,
    committedAt: pointers.updatedAt,
  });
  return { result, calls, pointers };
}

async function switchTarget(table: string, result: IcebergRewriteResult) {
  expect(result.metadataLocation).toBeDefined();
  await pointTarget(glueAt(moto().endpoint, TARGET_REGION), table, {
    metadataLocation: result.metadataLocation!,
    previousMetadataLocation: result.previousMetadataLocation,
  }, `s3://lake-usw2/warehouse/${table}`);
}

/** Java engines may write metadata gzipped (write.metadata.compression-codec=gzip); PyIceberg reads it. */
async function gzipCurrentMetadata(table: string) {
  const endpoint = moto().endpoint;
  const glue = glueAt(endpoint, SOURCE_REGION);
  const s3 = s3At(endpoint, SOURCE_REGION);
  const found = (await glue.send(new GetTableCommand({ DatabaseName: 'lake', Name: table }))).Table!;
  const current = found.Parameters!.metadata_location;
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.*)$/.exec(current)!;
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const gzKey = key.replace(/\.metadata\.json$/, '.gz.metadata.json');
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: gzKey, Body: gzipSync(Buffer.from(await object.Body!.transformToByteArray())) }));
  await glue.send(new UpdateTableCommand({
    DatabaseName: 'lake',
    TableInput: {
      Name: table,
      TableType: found.TableType,
      StorageDescriptor: found.StorageDescriptor,
      Parameters: { ...found.Parameters, metadata_location: `s3://${bucket}/${gzKey}`, previous_metadata_location: current },
    },
  }));
}

async function stagedKeys(bucket: string): Promise<string[]> {
  const page = await s3At(moto().endpoint, TARGET_REGION).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: '_lake-replica/' }));
  return (page.Contents ?? []).map(o => o.Key!);
}

describe('Iceberg tables on moto: rewritten in the target, read there after the source bucket is gone', () => {
  test('PyIceberg reads every row, applies deletes and time-travels in the target Region alone, appends there, and fails back', async () => {
    const endpoint = moto().endpoint;
    await createBuckets(endpoint);
    const { result: seeded } = await pyiceberg<Seeded>(endpoint, 'seed', { region: SOURCE_REGION, bucket: 'lake-use1', dataBucket: 'lake-data-use1' });
    await gzipCurrentMetadata('orders');
    await replicate(endpoint);

    // A table whose data bucket has no mapping is not rewritten, and nothing is written.
    const unmapped = await rewrite('ledger', { mapping: { 'lake-use1': 'lake-usw2' } });
    expect(unmapped.result.status).toBe('unmapped');
    expect(unmapped.result.unmappedBuckets).toEqual(['lake-data-use1']);
    expect(unmapped.calls.PutObjectCommand ?? 0).toBe(0);

    // A dry run counts what a rewrite writes, and writes nothing.
    const dry = await rewrite('events', { dryRun: true });
    expect(dry.result.status).toBe('rewritten');
    expect(dry.calls.PutObjectCommand ?? 0).toBe(0);
    expect(await stagedKeys('lake-usw2')).toEqual([]);

    expect(seeded.legacy.formatVersion).toBe(1);
    for (const table of TABLES) {
      const { result, calls } = await rewrite(table);
      expect({ table, status: result.status, reason: result.reason }).toEqual({ table, status: 'rewritten', reason: undefined });
      expect(result.metadataLocation).toMatch(new RegExp(`^s3://lake-usw2/_lake-replica/iceberg/${MAPPING_ID}/lake-use1/warehouse/${table}/metadata/\\d{5}-`));
      expect(calls.PutObjectCommand).toBe(result.filesWritten);
      if (table === 'events') expect([result.filesWritten, result.bytesWritten]).toEqual([dry.result.filesWritten, dry.result.bytesWritten]);
      if (table === 'orders') expect(result.metadataLocation).toMatch(/\.gz\.metadata\.json$/);
      const check = await checkIcebergChain(result.metadataLocation!, Object.values(BUCKETS), s3At(endpoint, TARGET_REGION));
      expect({ table, ok: check.ok, outside: check.outside, missing: check.missing }).toEqual({ table, ok: true, outside: [], missing: [] });
      await switchTarget(table, result);
    }
    // The position-delete file was rewritten into the data bucket's staging prefix.
    expect((await stagedKeys('lake-data-usw2')).filter(k => k.endsWith('.parquet'))).toHaveLength(1);

    await deleteSourceBuckets(endpoint);
    const older = (table: string) => seeded[table].snapshots.slice(0, -1).map(s => s.id);
    const read = await pyiceberg<Read>(endpoint, 'read', {
      region: TARGET_REGION,
      tables: TABLES.map(name => ({ name, snapshots: older(name) })),
    });
    for (const table of TABLES) {
      expect(read.result[table].ids).toEqual(seeded[table].ids.at(-1));
      expect(read.result[table].older).toEqual(seeded[table].ids.slice(0, -1));
      expect(read.result[table].location).toBe(`s3://lake-usw2/warehouse/${table}`);
    }
    // The position deletes applied: rows 21 and 23 are gone, and were there before the delete commit.
    expect(read.result.ledger.ids).not.toEqual(expect.arrayContaining([21]));
    expect(read.result.ledger.older[1]).toEqual(expect.arrayContaining([21, 23]));
    // No request reached the source buckets: every file PyIceberg opened is in a target bucket.
    expect(read.opened.length).toBeGreaterThan(30);
    expect(read.opened.filter(line => SOURCE_BUCKETS.test(line))).toEqual([]);
    expect(read.opened.every(line => /^read s3a?:\/\/(lake-usw2|lake-data-usw2)\//.test(line))).toBe(true);

    // After failover, an append in the target Region writes into the target bucket.
    const appended = await pyiceberg<Appended>(endpoint, 'append', { region: TARGET_REGION, table: 'events', ids: [50, 51] });
    expect(appended.result.ids).toEqual([...seeded.events.ids.at(-1)!, 50, 51]);
    expect(appended.result.addedFiles.length).toBeGreaterThan(0);
    expect(appended.result.addedFiles.every(f => f.startsWith('s3://lake-usw2/warehouse/events/data/'))).toBe(true);
    expect(appended.result.metadataLocation).toMatch(/^s3:\/\/lake-usw2\/warehouse\/events\/metadata\/\d{5}-[^/]+\.metadata\.json$/);
    expect(appended.opened.filter(line => SOURCE_BUCKETS.test(line))).toEqual([]);
    const writes = appended.opened.filter(line => line.startsWith('write '));
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every(line => line.startsWith('write s3://lake-usw2/warehouse/events/'))).toBe(true);

    // Failing back: the source Region returns, replication runs the other way, and the same rewrite
    // with the mapping reversed gives the original Region a chain of its own, the DR commit included.
    await createBuckets(endpoint, 'source');
    await replicate(endpoint, () => false, true);
    const reversed = Object.fromEntries(Object.entries(BUCKETS).map(([source, target]) => [target, source]));
    const back = await rewriteIcebergTable({
      ...(await pointersOf(glueAt(endpoint, TARGET_REGION), 'events')),
      mapUri: mapBuckets(reversed),
      mappingId: icebergMappingId(reversed),
      s3: s3At(endpoint, SOURCE_REGION),
      dryRun: false,
    });
    expect({ status: back.status, reason: back.reason }).toEqual({ status: 'rewritten', reason: undefined });
    expect(back.metadataLocation).toMatch(/^s3:\/\/lake-use1\/_lake-replica\/iceberg\/[0-9a-f]{16}\/lake-usw2\/warehouse\/events\/metadata\//);
    await pointTarget(glueAt(endpoint, SOURCE_REGION), 'events', {
      metadataLocation: back.metadataLocation!, previousMetadataLocation: back.previousMetadataLocation,
    }, 's3://lake-use1/warehouse/events');
    const home = await pyiceberg<Read>(endpoint, 'read', { region: SOURCE_REGION, tables: [{ name: 'events', snapshots: older('events') }] });
    expect(home.result.events.ids).toEqual([...seeded.events.ids.at(-1)!, 50, 51]);
    expect(home.result.events.older).toEqual(seeded.events.ids.slice(0, -1));
    expect(home.opened.every(line => /^read s3:\/\/lake-use1\//.test(line))).toBe(true);
  });

  test('racing replicators share one chain, a further commit costs only its new files, an unchanged re-run writes nothing, and a copy not yet replicated leaves the table waiting', async () => {
    const endpoint = moto().endpoint;
    await createBuckets(endpoint);
    await pyiceberg<Seeded>(endpoint, 'seed', { region: SOURCE_REGION, bucket: 'lake-use1', dataBucket: 'lake-data-use1', tables: ['events'] });
    await replicate(endpoint);
    // Two replicators racing on one table (the job and the near-real-time applier, say): each staged
    // key is written once, and both name the same chain.
    const [first, twin] = await Promise.all([rewrite('events'), rewrite('events')]);
    expect([first.result.status, twin.result.status]).toEqual(['rewritten', 'rewritten']);
    expect(twin.result.metadataLocation).toBe(first.result.metadataLocation);
    const staged = await stagedKeys('lake-usw2');
    expect(first.result.filesWritten + twin.result.filesWritten).toBe(staged.length);
    expect(first.result.filesWritten + first.result.filesUnchanged).toBe(staged.length);
    await switchTarget('events', first.result);

    // One more source commit, replicated: one metadata file, one manifest list and one manifest are new.
    await pyiceberg<Appended>(endpoint, 'append', { region: SOURCE_REGION, table: 'events', ids: [10, 11] });
    await replicate(endpoint);
    const second = await rewrite('events');
    expect(second.result.status).toBe('rewritten');
    expect(second.result.filesWritten).toBe(3);
    expect(second.calls.PutObjectCommand).toBe(3);
    expect(second.result.previousMetadataLocation).toBe(first.result.metadataLocation);
    await switchTarget('events', second.result);
    const read = await pyiceberg<Read>(endpoint, 'read', { region: TARGET_REGION, tables: [{ name: 'events' }] });
    expect(read.result.events.ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

    // Unchanged: the staged current and previous files are found, and nothing is written.
    const again = await rewrite('events');
    expect(again.result).toMatchObject({ status: 'unchanged', filesWritten: 0, bytesWritten: 0, metadataLocation: second.result.metadataLocation });
    expect(again.calls).toEqual({ HeadObjectCommand: 2 });

    // A commit whose new data file has not been replicated yet: waiting, naming the key; nothing switched.
    expect(await replicate(endpoint)).toEqual([]);
    await pyiceberg<Appended>(endpoint, 'append', { region: SOURCE_REGION, table: 'events', ids: [12] });
    const held = (key: string) => key.endsWith('.parquet');
    await replicate(endpoint, held);
    const waiting = await rewrite('events');
    expect(waiting.result.status).toBe('waiting');
    expect(waiting.result.metadataLocation).toBeUndefined();
    expect(waiting.result.missing).toHaveLength(1);
    expect(waiting.result.missing![0]).toMatch(/^s3:\/\/lake-usw2\/warehouse\/events\/data\/[^/]+\.parquet$/);
    expect(waiting.result.reason).toContain(waiting.result.missing![0]);
    // The manifest naming the missing file, and everything above it, were not written.
    expect(waiting.calls.PutObjectCommand ?? 0).toBe(0);
    expect((await pointersOf(glueAt(endpoint, TARGET_REGION), 'events')).metadataLocation).toBe(second.result.metadataLocation);

    // Past the bound, the same gap is a failure (still nothing switched).
    const late = await rewrite('events', { now: Date.now() + 13 * 60 * 60 * 1000 });
    expect(late.result.status).toBe('failed');
    expect(late.result.missing).toEqual(waiting.result.missing);

    // Once the copy arrives, the next run converges.
    await replicate(endpoint);
    const converged = await rewrite('events');
    expect(converged.result.status).toBe('rewritten');
    expect(converged.result.filesWritten).toBe(3);
    await switchTarget('events', converged.result);
    const after = await pyiceberg<Read>(endpoint, 'read', { region: TARGET_REGION, tables: [{ name: 'events' }] });
    expect(after.result.events.ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(after.opened.filter(line => SOURCE_BUCKETS.test(line))).toEqual([]);
  });
});
