import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { checkIcebergChain, checkStorageLocations, icebergMappingId, rewriteIcebergTable } from '../../../src/engine/iceberg';
import { IcebergStorage } from '../../../src/engine/iceberg/storage';
import {
  BUCKETS, countCalls, createBuckets, glueAt, mapBuckets, pointersOf, pyiceberg, replicate, s3At, SOURCE_REGION, TARGET_REGION,
} from '../../support/iceberg/lake';
import { useMoto } from '../../support/moto';

const moto = useMoto();
const TARGETS = Object.values(BUCKETS);

describe('verify on moto: the target chain and the target storage', () => {
  test('a rewritten chain is clean; the replicated copy as it is names the source; a file gone from the target is named', async () => {
    const endpoint = moto().endpoint;
    await createBuckets(endpoint);
    await pyiceberg(endpoint, 'seed', { region: SOURCE_REGION, bucket: 'lake-use1', dataBucket: 'lake-data-use1', tables: ['events'] });
    await replicate(endpoint);
    const pointers = await pointersOf(glueAt(endpoint, SOURCE_REGION), 'events');
    const s3 = s3At(endpoint, TARGET_REGION);
    const mapping = { mapUri: mapBuckets(BUCKETS), mappingId: icebergMappingId(BUCKETS) };
    const rewritten = await rewriteIcebergTable({ ...pointers, ...mapping, s3, dryRun: false });
    expect(rewritten.status).toBe('rewritten');

    const clean = await checkIcebergChain(rewritten.metadataLocation!, TARGETS, s3);
    expect(clean).toMatchObject({ ok: true, outside: [], missing: [] });
    // The metadata file, 3 manifest lists, 3 manifests, 3 data files and 3 metadata-log entries.
    expect(clean.filesChecked).toBe(13);

    // What the replica had before this module: the copied metadata file, which names the source bucket.
    const copied = pointers.metadataLocation.replace('s3://lake-use1/', 's3://lake-usw2/');
    const drift = await checkIcebergChain(copied, TARGETS, s3);
    expect(drift.ok).toBe(false);
    expect(drift.outside.length).toBeGreaterThan(0);
    expect(drift.outside.every(uri => uri.startsWith('s3://lake-use1/'))).toBe(true);

    // A data file lost from the target is drift too.
    const listing = await new IcebergStorage(s3, true).list('lake-usw2', 'warehouse/events/data/').next();
    const lost = listing.value!.key;
    await s3.send(new DeleteObjectCommand({ Bucket: 'lake-usw2', Key: lost }));
    const missing = await checkIcebergChain(rewritten.metadataLocation!, TARGETS, s3);
    expect(missing).toMatchObject({ ok: false, outside: [], missing: [`s3://lake-usw2/${lost}`], missingCount: 1 });
  });

  test('expired snapshots and orphaned files are never brought back', async () => {
    const endpoint = moto().endpoint;
    await createBuckets(endpoint);
    const { result: seeded } = await pyiceberg<{ events: { snapshots: { id: string }[] } }>(endpoint, 'seed', {
      region: SOURCE_REGION, bucket: 'lake-use1', dataBucket: 'lake-data-use1', tables: ['events'],
    });
    const expired = seeded.events.snapshots[0].id;
    const { result: left } = await pyiceberg<{ snapshots: { id: string }[] }>(endpoint, 'expire', { region: SOURCE_REGION, table: 'events', snapshot: expired });
    expect(left.snapshots.map(s => s.id)).toEqual(seeded.events.snapshots.slice(1).map(s => s.id));
    const source = s3At(endpoint, SOURCE_REGION);
    for (const key of ['warehouse/events/metadata/orphan-m0.avro', 'warehouse/events/data/orphan.parquet']) {
      await source.send(new PutObjectCommand({ Bucket: 'lake-use1', Key: key, Body: 'not referenced' }));
    }
    await replicate(endpoint);
    const pointers = await pointersOf(glueAt(endpoint, SOURCE_REGION), 'events');
    const s3 = s3At(endpoint, TARGET_REGION);
    const result = await rewriteIcebergTable({ ...pointers, mapUri: mapBuckets(BUCKETS), mappingId: icebergMappingId(BUCKETS), s3, dryRun: false });
    expect(result.status).toBe('rewritten');
    const staged: string[] = [];
    for await (const object of new IcebergStorage(s3, true).list('lake-usw2', '_lake-replica/')) staged.push(object.key);
    expect(staged.filter(key => key.includes(`/snap-${expired}-`))).toEqual([]);
    expect(staged.filter(key => key.includes('orphan'))).toEqual([]);
    // The two live snapshots' manifest lists are staged, and the older metadata files (history) too.
    expect(staged.filter(key => /\/snap-\d+-/.test(key))).toHaveLength(2);
    expect((await checkIcebergChain(result.metadataLocation!, TARGETS, s3)).ok).toBe(true);
  });

  test('verify --storage lists a table prefix once for all its partitions, and names what is missing', async () => {
    const endpoint = moto().endpoint;
    await createBuckets(endpoint);
    const s3 = s3At(endpoint, TARGET_REGION);
    const put = (key: string) => s3.send(new PutObjectCommand({ Bucket: 'lake-usw2', Key: key, Body: 'x' }));
    for (const dt of ['2026-11-01', '2026-11-02']) for (const region of ['eu', 'us']) await put(`sales/orders/dt=${dt}/region=${region}/part-0.parquet`);
    await put('elsewhere/orders-archive/part-0.parquet');
    const partitions = [
      ...['2026-11-01', '2026-11-02', '2026-11-03'].flatMap(dt => ['eu', 'us'].map(region => `s3://lake-usw2/sales/orders/dt=${dt}/region=${region}/`)),
      's3://lake-usw2/elsewhere/orders-archive',
      's3://lake-usw2/elsewhere/gone',
    ];
    const calls = countCalls(s3);
    const check = await checkStorageLocations('s3://lake-usw2/sales/orders/', partitions, s3);
    expect(check.missing).toEqual([
      's3://lake-usw2/elsewhere/gone',
      's3://lake-usw2/sales/orders/dt=2026-11-03/region=eu/',
      's3://lake-usw2/sales/orders/dt=2026-11-03/region=us/',
    ]);
    expect(check).toMatchObject({ missingCount: 3, locationsChecked: 9, apiCalls: { 's3:ListObjectsV2': 3 } });
    expect(calls).toEqual({ ListObjectsV2Command: 3 });

    const empty = await checkStorageLocations('s3://lake-usw2/nothing-here/', [], s3);
    expect(empty.missing).toEqual(['s3://lake-usw2/nothing-here/']);
  });

  test('uploads over 8 MiB are multipart, and a key already written is adopted, never replaced', async () => {
    const endpoint = moto().endpoint;
    await createBuckets(endpoint);
    const s3 = s3At(endpoint, TARGET_REGION);
    const storage = new IcebergStorage(s3, false);
    const location = { scheme: 's3', bucket: 'lake-usw2', key: '_lake-replica/iceberg/m/big.avro' };
    async function* body(fill: number, mib: number) {
      for (let i = 0; i < mib; i++) yield Buffer.alloc(1024 * 1024, fill);
    }
    expect(await storage.putIfAbsent(location, body(1, 20), 'application/avro')).toEqual({ size: 20 * 1024 * 1024, written: true });
    expect(storage.apiCalls).toEqual({ 's3:CreateMultipartUpload': 1, 's3:UploadPart': 3, 's3:CompleteMultipartUpload': 1 });
    // A second writer: its completion is refused (412), its upload aborted, and the first copy adopted.
    expect(await storage.putIfAbsent(location, body(2, 9), 'application/avro')).toEqual({ size: 20 * 1024 * 1024, written: false });
    expect((await storage.getBytes(location, { start: 0, end: 0 }))![0]).toBe(1);
    const small = { ...location, key: '_lake-replica/iceberg/m/small.avro' };
    expect(await storage.putIfAbsent(small, Buffer.from('one'), 'application/avro')).toEqual({ size: 3, written: true });
    expect(await storage.putIfAbsent(small, Buffer.from('second'), 'application/avro')).toEqual({ size: 3, written: false });
  });
});
