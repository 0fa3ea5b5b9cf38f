/* eslint-disable no-bitwise -- a binary file format: bit fields, varints and flags. */
import { deflateRawSync } from 'node:zlib';
import * as avsc from 'avsc';
import { inflateAvroBlock } from './codecs';

/**
 * Avro object container files, streamed block by block. avsc encodes and decodes the records; the
 * container framing is ours because a rewrite must keep the header's key-value metadata byte for
 * byte (Iceberg's `schema`, `partition-spec`, `format-version`, `content`, and the writer's own
 * `avro.schema` text with its field ids) and its sync marker, which avsc's BlockEncoder would
 * replace with its own serialisation.
 */
const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]);
const SYNC_BYTES = 16;
/** Records are re-blocked into blocks of about this many uncompressed bytes. */
const BLOCK_BYTES = 64 * 1024;

/** Iceberg ids (snapshot ids, sequence numbers) use all 64 bits: longs decode as BigInt. */
const BIGINT_LONG = avsc.types.LongType.__with({
  fromBuffer: (buffer: Buffer) => buffer.readBigInt64LE(),
  toBuffer: (value: bigint) => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64LE(BigInt(value));
    return buffer;
  },
  fromJSON: (value: number | string) => BigInt(value),
  toJSON: (value: bigint) => Number(value),
  isValid: (value: unknown) => typeof value === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

export interface AvroHeader {
  /** Key-value metadata in file order, values as written. */
  readonly meta: ReadonlyArray<readonly [string, Buffer]>;
  readonly sync: Buffer;
  readonly codec: string;
  readonly type: avsc.Type;
}

export interface AvroFile {
  readonly header: AvroHeader;
  readonly records: AsyncGenerator<Record<string, unknown>>;
}

/** The codec a rewritten file is written with: none stays none, anything else becomes deflate, which every Iceberg reader supports. */
export function outputCodec(sourceCodec: string): 'null' | 'deflate' {
  return sourceCodec === 'null' ? 'null' : 'deflate';
}

export function metaString(header: AvroHeader, key: string): string | undefined {
  return header.meta.find(([k]) => k === key)?.[1].toString('utf8');
}

/** The avsc type of a writer schema, with longs as BigInt. */
export function avroType(schema: avsc.Schema): avsc.Type {
  return avsc.Type.forSchema(schema, { registry: { long: BIGINT_LONG } });
}

export async function openAvro(chunks: AsyncIterable<Uint8Array>): Promise<AvroFile> {
  const source = new ByteSource(chunks[Symbol.asyncIterator]());
  if (!(await source.read(4)).equals(MAGIC)) throw new Error('not an Avro object container file (bad magic bytes)');
  const meta: [string, Buffer][] = [];
  for (let count = await source.readLong(); count !== 0; count = await source.readLong()) {
    if (count < 0) {
      count = -count;
      await source.readLong();
    }
    for (let i = 0; i < count; i++) {
      const key = (await source.read(await source.readLong())).toString('utf8');
      meta.push([key, Buffer.from(await source.read(await source.readLong()))]);
    }
  }
  const sync = Buffer.from(await source.read(SYNC_BYTES));
  const schemaText = meta.find(([k]) => k === 'avro.schema')?.[1].toString('utf8');
  if (!schemaText) throw new Error('Avro file has no avro.schema');
  const codec = meta.find(([k]) => k === 'avro.codec')?.[1].toString('utf8') ?? 'null';
  const type = avroType(JSON.parse(schemaText));
  const header: AvroHeader = { meta, sync, codec, type };
  return { header, records: readRecords(source, header) };
}

async function* readRecords(source: ByteSource, header: AvroHeader): AsyncGenerator<Record<string, unknown>> {
  while (!(await source.atEnd())) {
    const count = await source.readLong();
    const size = await source.readLong();
    const block = inflateAvroBlock(header.codec, await source.read(size));
    if (!(await source.read(SYNC_BYTES)).equals(header.sync)) throw new Error('Avro file is corrupt: sync marker does not match');
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const decoded = header.type.decode(block, offset);
      if (decoded.offset < 0) throw new Error('Avro block is truncated');
      offset = decoded.offset;
      yield decoded.value;
    }
  }
}

/**
 * Writes records into a container with the source's metadata and sync marker, and the given codec:
 * the output is the same for the same input, so two replicators rewriting one file write equal bytes.
 */
export async function* writeAvro(header: AvroHeader, codec: 'null' | 'deflate', records: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  const meta = header.meta.map(([k, v]) => [k, k === 'avro.codec' ? Buffer.from(codec) : v] as const);
  if (codec !== 'null' && !meta.some(([k]) => k === 'avro.codec')) meta.push(['avro.codec', Buffer.from(codec)]);
  const head: Buffer[] = [MAGIC, zigzag(meta.length)];
  for (const [k, v] of meta) {
    const key = Buffer.from(k, 'utf8');
    head.push(zigzag(key.length), key, zigzag(v.length), v);
  }
  head.push(zigzag(0), header.sync);
  yield Buffer.concat(head);

  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const block = () => {
    const raw = Buffer.concat(pending);
    const data = codec === 'deflate' ? deflateRawSync(raw) : raw;
    const out = Buffer.concat([zigzag(pending.length), zigzag(data.length), data, header.sync]);
    pending = [];
    pendingBytes = 0;
    return out;
  };
  for await (const record of records) {
    const encoded = header.type.toBuffer(record);
    pending.push(encoded);
    pendingBytes += encoded.length;
    if (pendingBytes >= BLOCK_BYTES) yield block();
  }
  if (pending.length > 0) yield block();
}

/** Avro's zig-zag varint, for block counts and sizes. */
export function zigzag(value: number): Buffer {
  const bytes: number[] = [];
  let n = value >= 0 ? value * 2 : -value * 2 - 1;
  while (n >= 0x80) {
    bytes.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  bytes.push(n);
  return Buffer.from(bytes);
}

/** Pulls bytes from a stream of chunks on demand, holding only what has not been consumed. */
class ByteSource {
  private buffer = Buffer.alloc(0);
  private ended = false;

  constructor(private readonly chunks: AsyncIterator<Uint8Array>) {}

  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }

  async read(length: number): Promise<Buffer> {
    if (!(await this.fill(length))) throw new Error('Avro file is truncated');
    const out = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return out;
  }

  /** A zig-zag varint (Avro's int and long), as a JS number: block counts and sizes fit. */
  async readLong(): Promise<number> {
    await this.fill(10);
    let n = 0;
    let scale = 1;
    for (let i = 0; i < this.buffer.length; i++) {
      const byte = this.buffer[i];
      n += (byte & 0x7f) * scale;
      scale *= 0x80;
      if ((byte & 0x80) === 0) {
        this.buffer = this.buffer.subarray(i + 1);
        return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
      }
    }
    throw new Error('Avro file is truncated');
  }

  private async fill(length: number): Promise<boolean> {
    if (this.buffer.length >= length) return true;
    const parts = [this.buffer];
    let have = this.buffer.length;
    while (have < length && !this.ended) {
      const next = await this.chunks.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      parts.push(Buffer.from(next.value));
      have += next.value.length;
    }
    if (parts.length > 1) this.buffer = Buffer.concat(parts);
    return this.buffer.length >= length;
  }
}
