/*
 * npx ts-node --project tsconfig.dev.json test/bench/iceberg-bench.ts [--entries N] [--json]
 *
 * The cost of the Iceberg rewrite on a moto server of its own: a table written by PyIceberg whose
 * current snapshot gets a manifest of N (default 100,000) data files, replicated to the target,
 * then three rewrites, each in a child process of its own (plain node on an esbuild bundle, so the
 * peak RSS is the rewrite's): the first rewrite, one further commit, and an unchanged re-run.
 * See docs/iceberg.md (Benchmark).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { LosslessNumber } from 'lossless-json';
import { bundleChild } from './child-bundle';
import type { RewriteRunConfig, RewriteRunResult } from './iceberg-rewrite-run';
import { openAvro, writeAvro, type AvroHeader } from '../../src/engine/iceberg/avro';
import { icebergMappingId } from '../../src/engine/iceberg/staging';
import { encodeMetadata, parseMetadata, type MetadataDocument } from '../../src/engine/iceberg/table-metadata';
import {
  BUCKETS, createBuckets, glueAt, pointersOf, pyiceberg, replicate, s3At, SOURCE_REGION, TARGET_REGION,
} from '../support/iceberg/lake';
import { startMoto } from '../support/moto';

const ROOT = join(__dirname, '..', '..');
const BUNDLE = join(ROOT, '.bench', 'iceberg-rewrite-run.js');
const SOURCE = 'lake-use1';
const TARGET = BUCKETS[SOURCE];
const TABLE = 'warehouse/events';

type Entry = Record<string, unknown> & { data_file: Record<string, unknown> };

async function read(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

async function avroRecords(s3: S3Client, bucket: string, key: string): Promise<{ header: AvroHeader; records: Entry[] }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const file = await openAvro(object.Body as AsyncIterable<Uint8Array>);
  const records: Entry[] = [];
  for await (const record of file.records) records.push(record as Entry);
  return { header: file.header, records };
}

async function putAvro(s3: S3Client, key: string, header: AvroHeader, records: AsyncIterable<unknown>): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const chunk of writeAvro(header, 'deflate', records)) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  await s3.send(new PutObjectCommand({ Bucket: SOURCE, Key: key, Body: body }));
  return body.length;
}

const keyOf = (uri: string) => uri.replace(/^s3:\/\/[^/]+\//, '');

/** A snapshot on top of the current one whose manifest list names `manifests`, committed as a new metadata file. */
async function commit(s3: S3Client, previousKey: string, version: number, manifests: Array<{ path: string; length: number; files: number }>,
  listTemplate: { header: AvroHeader; records: Entry[] }): Promise<string> {
  const document: MetadataDocument = parseMetadata(await read(s3, SOURCE, previousKey), previousKey);
  const parent = document.snapshots.at(-1);
  const snapshotId = String(4_000_000_000_000_000_000n + BigInt(version));
  const listKey = `${TABLE}/metadata/snap-${snapshotId}-bench.avro`;
  const template = listTemplate.records[0];
  const entries = manifests.map(m => ({
    ...template,
    manifest_path: `s3://${SOURCE}/${m.path}`,
    manifest_length: BigInt(m.length),
    ...('added_files_count' in template ? { added_files_count: m.files } : {}),
    ...('added_data_files_count' in template ? { added_data_files_count: m.files } : {}),
    added_rows_count: BigInt(m.files),
  }));
  await putAvro(s3, listKey, listTemplate.header, (async function* () { yield* entries; })());
  const now = Date.now();
  document.snapshots.push({
    ...parent,
    'snapshot-id': new LosslessNumber(snapshotId),
    'parent-snapshot-id': parent['snapshot-id'],
    'timestamp-ms': new LosslessNumber(String(now)),
    'manifest-list': `s3://${SOURCE}/${listKey}`,
  });
  document['current-snapshot-id'] = new LosslessNumber(snapshotId);
  document.refs.main['snapshot-id'] = new LosslessNumber(snapshotId);
  document['metadata-log'].push({ 'timestamp-ms': document['last-updated-ms'], 'metadata-file': `s3://${SOURCE}/${previousKey}` });
  document['last-updated-ms'] = new LosslessNumber(String(now));
  const key = `${TABLE}/metadata/${String(version).padStart(5, '0')}-bench.metadata.json`;
  await s3.send(new PutObjectCommand({ Bucket: SOURCE, Key: key, Body: encodeMetadata(document, key) }));
  return key;
}

async function putDataObjects(s3: S3Client, keys: string[]): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (next < keys.length) {
      const key = keys[next++];
      await s3.send(new PutObjectCommand({ Bucket: TARGET, Key: key, Body: 'x' }));
    }
  }));
}

function runChild(config: RewriteRunConfig): Promise<RewriteRunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUNDLE, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    let out = '';
    child.stdout.on('data', chunk => { out += chunk; });
    child.on('exit', code => (code === 0 ? resolve(JSON.parse(out) as RewriteRunResult) : reject(new Error(`rewrite run exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { entries: { type: 'string', default: '100000' }, json: { type: 'boolean', default: false } } });
  const entries = Number(values.entries);
  if (!Number.isInteger(entries) || entries < 1) {
    process.stderr.write(`--entries ${values.entries} is not a whole number >= 1\nusage: iceberg-bench.ts [--entries N] [--json]\n`);
    process.exit(2);
  }
  await bundleChild(join(__dirname, 'iceberg-rewrite-run.ts'), BUNDLE);
  const moto = await startMoto();
  try {
    const endpoint = moto.endpoint;
    const s3 = s3At(endpoint, SOURCE_REGION);
    await createBuckets(endpoint);
    await pyiceberg(endpoint, 'seed', { region: SOURCE_REGION, bucket: SOURCE, dataBucket: 'lake-data-use1', tables: ['events'] });
    const pointers = await pointersOf(glueAt(endpoint, SOURCE_REGION), 'events');
    const current = parseMetadata(await read(s3, SOURCE, keyOf(pointers.metadataLocation)), pointers.metadataLocation);
    const list = await avroRecords(s3, SOURCE, keyOf(current.snapshots.at(-1)['manifest-list']));
    const manifest = await avroRecords(s3, SOURCE, keyOf(list.records[0].manifest_path as string));
    const template = manifest.records[0];
    const dataKey = (name: string) => `${TABLE}/data/bench/${name}.parquet`;
    const entriesOf = async function* (names: string[]) {
      for (const name of names) {
        yield { ...template, status: 1, data_file: { ...template.data_file, file_path: `s3://${SOURCE}/${dataKey(name)}`, file_size_in_bytes: 1n } };
      }
    };

    const bigNames = Array.from({ length: entries }, (_, i) => `part-${String(i).padStart(6, '0')}`);
    const bigKey = `${TABLE}/metadata/bench-big-m0.avro`;
    const bigLength = await putAvro(s3, bigKey, manifest.header, entriesOf(bigNames));
    const first = await commit(s3, keyOf(pointers.metadataLocation), 50, [{ path: bigKey, length: bigLength, files: entries }], list);
    await replicate(endpoint);
    await putDataObjects(s3At(endpoint, TARGET_REGION), bigNames.map(dataKey));

    const base = { endpoint, region: TARGET_REGION, buckets: { ...BUCKETS }, mappingId: icebergMappingId(BUCKETS) };
    const uri = (key: string) => `s3://${SOURCE}/${key}`;
    const runs: RewriteRunResult[] = [];
    runs.push(await runChild({ ...base, label: `first rewrite (${entries.toLocaleString('en-US')}-entry manifest)`, metadataLocation: uri(first), previousMetadataLocation: pointers.metadataLocation }));

    const smallKey = `${TABLE}/metadata/bench-small-m0.avro`;
    const smallLength = await putAvro(s3, smallKey, manifest.header, entriesOf(['part-new']));
    const big = { path: bigKey, length: bigLength, files: entries };
    const second = await commit(s3, first, 51, [{ path: smallKey, length: smallLength, files: 1 }, big], list);
    await replicate(endpoint);
    await putDataObjects(s3At(endpoint, TARGET_REGION), [dataKey('part-new')]);
    runs.push(await runChild({ ...base, label: 'one further commit', metadataLocation: uri(second), previousMetadataLocation: uri(first) }));
    runs.push(await runChild({ ...base, label: 'unchanged re-run', metadataLocation: uri(second), previousMetadataLocation: uri(first) }));

    const environment = `${platform()} ${release()}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, moto`;
    const summary = { entries, environment, runs };
    mkdirSync(join(ROOT, '.bench'), { recursive: true });
    writeFileSync(join(ROOT, '.bench', 'iceberg.json'), JSON.stringify(summary, null, 2));
    if (values.json) {
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      return;
    }
    process.stdout.write(`${environment}\n\n| Run | Status | Files written | Bytes written | Files reused | S3 calls | Peak RSS | Wall |\n|---|---|---|---|---|---|---|---|\n`);
    for (const run of runs) {
      const calls = Object.entries(run.result.apiCalls).map(([op, n]) => `${op.replace('s3:', '')} ${n}`).join(', ');
      process.stdout.write(`| ${run.label} | ${run.result.status} | ${run.result.filesWritten} | ${run.result.bytesWritten.toLocaleString('en-US')} | ` +
        `${run.result.filesUnchanged} | ${calls} | ${(run.peakRssBytes / 2 ** 20).toFixed(0)} MiB | ${(run.wallMs / 1000).toFixed(1)} s |\n`);
    }
  } finally {
    await moto.stop();
  }
}

void main().catch(error => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
