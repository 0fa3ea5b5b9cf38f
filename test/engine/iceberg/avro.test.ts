import { crc32, deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { compress as snappyCompress } from 'snappyjs';
import { avroType, metaString, openAvro, outputCodec, writeAvro, zigzag as long } from '../../../src/engine/iceberg/avro';

function bytes(b: Buffer | string): Buffer {
  const buffer = Buffer.isBuffer(b) ? b : Buffer.from(b);
  return Buffer.concat([long(buffer.length), buffer]);
}

const SYNC = Buffer.from('0123456789abcdef');

/** A container written by hand, the way another engine would: metadata, blocks, codec. */
type Block = { count: number; data: Buffer };

function container(schema: string, codec: string | undefined, blocks: Block[], extraMeta: Array<[string, string]> = []): Buffer {
  const meta: Array<[string, string]> = [...extraMeta, ['avro.schema', schema], ...(codec ? [['avro.codec', codec] as [string, string]] : [])];
  const header = Buffer.concat([Buffer.from('Obj\x01', 'latin1'), long(meta.length), ...meta.flatMap(([k, v]) => [bytes(k), bytes(v)]), long(0), SYNC]);
  return Buffer.concat([header, ...blocks.flatMap(b => [long(b.count), long(b.data.length), b.data, SYNC])]);
}

async function* chunked(buffer: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}

async function records(buffer: Buffer, chunkSize = 7) {
  const file = await openAvro(chunked(buffer, chunkSize));
  const out: unknown[] = [];
  for await (const record of file.records) out.push(record);
  return { header: file.header, records: out };
}

async function concat(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return Buffer.concat(out);
}

const ENTRY_SCHEMA = JSON.stringify({
  type: 'record',
  name: 'manifest_file',
  fields: [
    { 'name': 'manifest_path', 'type': 'string', 'field-id': 500 },
    { 'name': 'manifest_length', 'type': 'long', 'field-id': 501 },
    { 'name': 'added_snapshot_id', 'type': ['null', 'long'], 'field-id': 503 },
  ],
});

const ENTRY_TYPE = avroType(JSON.parse(ENTRY_SCHEMA));

function entryBytes(path: string, length: number, snapshot: bigint): Buffer {
  return ENTRY_TYPE.toBuffer({ manifest_path: path, manifest_length: BigInt(length), added_snapshot_id: snapshot });
}

describe('Avro object container files', () => {
  const entries = [entryBytes('s3://a/m0.avro', 10, 9159220805409223552n), entryBytes('s3://a/m1.avro', 20, 1n)];

  test('null, deflate, snappy and zstandard blocks are read, 64-bit longs as BigInt, from any chunking', async () => {
    const raw = Buffer.concat(entries);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(raw));
    const files = {
      null: container(ENTRY_SCHEMA, 'null', [{ count: 2, data: raw }]),
      absent: container(ENTRY_SCHEMA, undefined, [{ count: 2, data: raw }]),
      deflate: container(ENTRY_SCHEMA, 'deflate', [{ count: 2, data: deflateRawSync(raw) }]),
      snappy: container(ENTRY_SCHEMA, 'snappy', [{ count: 2, data: Buffer.concat([Buffer.from(snappyCompress(raw)), crc]) }]),
    };
    for (const [codec, file] of Object.entries(files)) {
      for (const size of [1, 7, 4096]) {
        const read = await records(file, size);
        expect({ codec, size, records: read.records }).toEqual({
          codec,
          size,
          records: [
            { manifest_path: 's3://a/m0.avro', manifest_length: 10n, added_snapshot_id: 9159220805409223552n },
            { manifest_path: 's3://a/m1.avro', manifest_length: 20n, added_snapshot_id: 1n },
          ],
        });
      }
    }
    // A Zstandard frame from the reference library (python zstandard 0.25, level 3) of 128 bytes 0..31 x 4.
    const frame = Buffer.from('KLUv/SCARQEABAIAAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHwEA6DGpJw==', 'base64');
    const zstd = container(JSON.stringify({ type: 'fixed', name: 'f', size: 128 }), 'zstandard', [{ count: 1, data: frame }]);
    const read = await records(zstd);
    expect(read.records).toEqual([Buffer.concat([0, 1, 2, 3].map(() => Buffer.from(Array.from({ length: 32 }, (_, i) => i))))]);
  });

  test('a rewrite keeps the key-value metadata byte for byte and the sync marker; only the codec may change', async () => {
    const schema = ENTRY_SCHEMA;
    const raw = Buffer.concat(entries);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(raw));
    const source = container(schema, 'snappy', [{ count: 2, data: Buffer.concat([Buffer.from(snappyCompress(raw)), crc]) }], [
      ['schema', '{"type":"struct","schema-id":0,"fields":[]}'],
      ['partition-spec', '[]'],
      ['format-version', '2'],
      ['content', 'deletes'],
    ]);
    const file = await openAvro(chunked(source, 64));
    const rewritten = await concat(writeAvro(file.header, outputCodec(file.header.codec), file.records));
    const read = await records(rewritten);
    expect(read.header.codec).toBe('deflate');
    expect(read.header.sync.equals(SYNC)).toBe(true);
    expect(read.header.meta.map(([k]) => k)).toEqual(['schema', 'partition-spec', 'format-version', 'content', 'avro.schema', 'avro.codec']);
    expect(metaString(read.header, 'avro.schema')).toBe(schema);
    expect(metaString(read.header, 'content')).toBe('deletes');
    expect(read.records).toHaveLength(2);
    // The same input gives the same bytes.
    const again = await openAvro(chunked(source, 5));
    expect((await concat(writeAvro(again.header, 'deflate', again.records))).equals(rewritten)).toBe(true);
    expect(outputCodec('null')).toBe('null');
    expect(outputCodec('zstandard')).toBe('deflate');
  });

  test('a corrupt or unknown file is refused with the reason', async () => {
    await expect(records(Buffer.from('not avro'))).rejects.toThrow(/bad magic bytes/);
    const bzip2 = container(ENTRY_SCHEMA, 'bzip2', [{ count: 1, data: Buffer.from('x') }]);
    await expect(records(bzip2)).rejects.toThrow(/codec "bzip2" is not supported/);
    const wrongSync = Buffer.concat([container(ENTRY_SCHEMA, 'null', []), long(1), long(entries[0].length), entries[0], Buffer.from('fedcba9876543210')]);
    await expect(records(wrongSync)).rejects.toThrow(/sync marker/);
  });

  test('records round-trip through writeAvro whatever they hold (property)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ path: fc.string(), length: fc.nat(), snapshot: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }) }), { maxLength: 40 }),
      async rows => {
        const source = container(ENTRY_SCHEMA, 'null', rows.length ? [{ count: rows.length, data: Buffer.concat(rows.map(r => entryBytes(r.path, r.length, r.snapshot))) }] : []);
        const file = await openAvro(chunked(source, 3));
        const read = await records(await concat(writeAvro(file.header, 'deflate', file.records)));
        expect(read.records).toEqual(rows.map(r => ({ manifest_path: r.path, manifest_length: BigInt(r.length), added_snapshot_id: r.snapshot })));
      }), { numRuns: 50 });
  });
});
