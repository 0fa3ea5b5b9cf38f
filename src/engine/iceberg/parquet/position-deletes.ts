import { gzipSync } from 'node:zlib';
import { compress as snappyCompress } from 'snappyjs';
import { inflateParquetPage, PARQUET_CODECS } from '../codecs';
import { Cursor } from './cursor';
import { bitWidth, decodeHybrid, decodePlain, decodeValues, encodeHybrid, Encoding, PhysicalType, type Values } from './encodings';
import { field, structOf, t, ThriftReader, TType, writeStruct, type TStruct, type TValue } from './thrift';

/**
 * Rewrites an Iceberg position-delete file in Parquet: the `file_path` of every row is mapped, `pos`
 * is kept, and the schema elements (with their Iceberg field ids 2147483546 and 2147483545) and the
 * footer's key-value metadata are copied as they are. One row group is held at a time.
 *
 * Why our own code: the maintained pure-JS Parquet libraries (hyparquet and hyparquet-writer) ship
 * as ES modules only, which the project's CommonJS toolchain (Jest on Node 20) cannot load, and the
 * others pull in a 4.7 MiB WebAssembly build (parquet-wasm) or heavy dependencies (parquetjs). A position-delete file has a
 * fixed two-column schema, so reading every encoding and page version writers use for those two
 * columns, and writing one plain, dictionary-encoded layout, is a small, fully tested codec.
 */
const MAGIC = Buffer.from('PAR1');
const FOOTER_PROBE = 64 * 1024;
const PAGE_DATA = 0;
const PAGE_DICTIONARY = 2;
const PAGE_DATA_V2 = 3;
const OPTIONAL = 1;

export type RangeRead = (start: number, end: number) => Promise<Buffer>;

interface Leaf {
  readonly name: string;
  readonly element: TStruct;
  readonly type: number;
  readonly maxDefinition: number;
}

export interface ParquetFooter {
  readonly meta: TStruct;
  readonly leaves: readonly Leaf[];
}

/** Reads the footer with one ranged read (two when it is larger than 64 KiB). */
export async function readParquetFooter(read: RangeRead, size: number): Promise<ParquetFooter> {
  if (size < 12) throw new Error('not a Parquet file (too short)');
  const probeStart = Math.max(0, size - FOOTER_PROBE);
  let tail = await read(probeStart, size - 1);
  if (!tail.subarray(tail.length - 4).equals(MAGIC)) throw new Error('not a Parquet file (bad magic bytes)');
  const length = tail.readUInt32LE(tail.length - 8);
  if (length + 8 > tail.length) tail = Buffer.concat([await read(size - 8 - length, probeStart - 1), tail]);
  const meta = new ThriftReader(tail, tail.length - 8 - length).readStruct();
  return { meta, leaves: leavesOf(meta) };
}

function leavesOf(meta: TStruct): Leaf[] {
  const schema = field.list(meta, 2).map(v => (v as { v: TStruct }).v);
  const root = schema[0];
  if ((field.num(root, 5) ?? 0) !== schema.length - 1 || schema.slice(1).some(e => field.num(e, 5) !== undefined)) {
    throw new Error('position-delete file carries deleted rows (the optional "row" column); only file_path and pos are rewritten');
  }
  return schema.slice(1).map(element => ({
    name: field.str(element, 4) ?? '',
    element,
    type: field.num(element, 1) ?? -1,
    maxDefinition: field.num(element, 3) === OPTIONAL ? 1 : 0,
  }));
}

/**
 * The rewritten file as a stream of chunks. `mapPath` turns each distinct source path into the
 * target path; it is called once per distinct value per row group.
 */
export async function* rewritePositionDeletes(read: RangeRead, size: number, mapPath: (path: string) => string): AsyncGenerator<Buffer> {
  const { meta, leaves } = await readParquetFooter(read, size);
  const pathLeaf = leaves.findIndex(l => l.name === 'file_path');
  const posLeaf = leaves.findIndex(l => l.name === 'pos');
  if (leaves.length !== 2 || pathLeaf < 0 || posLeaf < 0) {
    throw new Error(`not a position-delete file: columns are ${leaves.map(l => l.name).join(', ')} (expected file_path, pos)`);
  }
  if (leaves[pathLeaf].type !== PhysicalType.BYTE_ARRAY || leaves[posLeaf].type !== PhysicalType.INT64) {
    throw new Error('not a position-delete file: file_path must be a string and pos a long');
  }
  const rowGroups = field.list(meta, 4).map(v => (v as { v: TStruct }).v);
  const sourceCodec = rowGroups.length > 0 ? field.num(field.struct((field.list(rowGroups[0], 1)[0] as { v: TStruct }).v, 3)!, 4)! : 0;
  const codec = outputCodec(sourceCodec);

  yield MAGIC;
  let offset = MAGIC.length;
  const written: TValue[] = [];
  let totalRows = 0n;
  for (const [ordinal, rowGroup] of rowGroups.entries()) {
    const columns = field.list(rowGroup, 1).map(v => (v as { v: TStruct }).v);
    const start = Math.min(...columns.map(chunkStart));
    const end = Math.max(...columns.map(c => chunkStart(c) + field.num(field.struct(c, 3)!, 7)!));
    const bytes = await read(start, end - 1);
    const decoded = columns.map((c, i) => decodeColumnChunk(bytes, start, field.struct(c, 3)!, leaves[i]));
    const rows = field.num(rowGroup, 3)!;
    const mapped = new Map<string, Buffer>();
    const paths = (decoded[pathLeaf] as Buffer[]).map(value => {
      const source = value.toString('utf8');
      let target = mapped.get(source);
      if (!target) mapped.set(source, target = Buffer.from(mapPath(source), 'utf8'));
      return target;
    });
    const chunks: Buffer[] = [];
    const chunkMeta: TValue[] = [];
    let uncompressed = 0;
    for (const [i, leaf] of leaves.entries()) {
      const encoded = i === pathLeaf
        ? encodeDictionaryChunk(paths, leaf, codec, offset)
        : encodePlainLongChunk(decoded[i] as bigint[], leaf, codec, offset);
      chunks.push(encoded.bytes);
      uncompressed += encoded.uncompressed;
      chunkMeta.push(t.struct([[2, t.i64(offset)], [3, encoded.meta]]));
      offset += encoded.bytes.length;
    }
    const groupBytes = chunks.reduce((n, c) => n + c.length, 0);
    written.push(t.struct([
      [1, t.list(TType.STRUCT, chunkMeta)],
      [2, t.i64(uncompressed)],
      [3, t.i64(rows)],
      [5, t.i64(offset - groupBytes)],
      [6, t.i64(groupBytes)],
      [7, { t: TType.I16, v: ordinal }],
    ]));
    totalRows += BigInt(rows);
    yield* chunks;
  }
  const typeOrder = t.struct([[1, t.struct([])]]);
  const footer = writeStruct(structOf([
    [1, meta.get(1) ?? t.i32(1)],
    [2, meta.get(2)],
    [3, t.i64(totalRows)],
    [4, t.list(TType.STRUCT, written)],
    [5, meta.get(5)],
    [6, t.binary('lake-replica version 1.0.0 (Iceberg path rewrite)')],
    [7, t.list(TType.STRUCT, leaves.map(() => typeOrder))],
  ]));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(footer.length);
  yield Buffer.concat([footer, length, MAGIC]);
}

function chunkStart(column: TStruct): number {
  const meta = field.struct(column, 3)!;
  const dictionary = field.num(meta, 11);
  const data = field.num(meta, 9)!;
  return dictionary !== undefined && dictionary > 0 && dictionary < data ? dictionary : data;
}

function decodeColumnChunk(bytes: Buffer, bytesStart: number, meta: TStruct, leaf: Leaf): Values {
  const codec = field.num(meta, 4)!;
  const total = field.num(meta, 5)!;
  let offset = Math.min(...[field.num(meta, 11), field.num(meta, 9)!].filter((n): n is number => n !== undefined && n > 0)) - bytesStart;
  let dictionary: Values | undefined;
  const values: (Buffer | bigint)[] = [];
  let seen = 0;
  while (seen < total) {
    const reader = new ThriftReader(bytes, offset);
    const header = reader.readStruct();
    const type = field.num(header, 1)!;
    const uncompressedSize = field.num(header, 2)!;
    const compressedSize = field.num(header, 3)!;
    const body = bytes.subarray(reader.offset, reader.offset + compressedSize);
    offset = reader.offset + compressedSize;
    if (type === PAGE_DICTIONARY) {
      const count = field.num(field.struct(header, 7)!, 1)!;
      dictionary = decodePlain(new Cursor(inflateParquetPage(codec, body, uncompressedSize)), count, leaf.type);
    } else if (type === PAGE_DATA) {
      const page = field.struct(header, 5)!;
      const count = field.num(page, 1)!;
      const data = inflateParquetPage(codec, body, uncompressedSize);
      const cursor = new Cursor(data);
      let present = count;
      if (leaf.maxDefinition > 0) {
        const length = data.readUInt32LE(0);
        cursor.offset = 4;
        present = decodeHybrid(cursor, 1, count, 4 + length).filter(level => level === 1).length;
        cursor.offset = 4 + length;
      }
      if (present !== count) throw new Error(`position-delete column ${leaf.name} has nulls`);
      values.push(...decodeValues(cursor, data.length, count, leaf.type, field.num(page, 2)!, dictionary));
      seen += count;
    } else if (type === PAGE_DATA_V2) {
      const page = field.struct(header, 8)!;
      const count = field.num(page, 1)!;
      if ((field.num(page, 2) ?? 0) > 0) throw new Error(`position-delete column ${leaf.name} has nulls`);
      const levels = (field.num(page, 5) ?? 0) + (field.num(page, 6) ?? 0);
      const compressed = page.get(7)?.v !== false;
      const data = compressed
        ? inflateParquetPage(codec, body.subarray(levels), uncompressedSize - levels)
        : body.subarray(levels);
      values.push(...decodeValues(new Cursor(data), data.length, count, leaf.type, field.num(page, 4)!, dictionary));
      seen += count;
    }
    // Index pages hold nothing to rewrite.
  }
  return values as Values;
}

/** None stays none and snappy stays snappy; anything else (ZSTD, BROTLI, ...) is written as GZIP, which every reader has. */
function outputCodec(sourceCodec: number): number {
  const name = PARQUET_CODECS[sourceCodec];
  return name === 'UNCOMPRESSED' || name === 'SNAPPY' ? sourceCodec : PARQUET_CODECS.indexOf('GZIP');
}

function compress(codec: number, data: Buffer): Buffer {
  switch (PARQUET_CODECS[codec]) {
    case 'UNCOMPRESSED': return data;
    case 'SNAPPY': return Buffer.from(snappyCompress(data));
    default: return gzipSync(data);
  }
}

interface EncodedChunk {
  readonly bytes: Buffer;
  readonly meta: TValue;
  readonly uncompressed: number;
}

function definitionLevels(leaf: Leaf, count: number): Buffer {
  if (leaf.maxDefinition === 0) return Buffer.alloc(0);
  const levels = encodeHybrid(new Array<number>(count).fill(1), 1);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(levels.length);
  return Buffer.concat([length, levels]);
}

interface Page {
  readonly bytes: Buffer;
  /** Header plus uncompressed body, as total_uncompressed_size counts it. */
  readonly uncompressed: number;
}

function encodePage(type: number, raw: Buffer, codec: number, pageHeader: [number, TValue]): Page {
  const body = compress(codec, raw);
  const header = writeStruct(structOf([[1, t.i32(type)], [2, t.i32(raw.length)], [3, t.i32(body.length)], pageHeader]));
  return { bytes: Buffer.concat([header, body]), uncompressed: header.length + raw.length };
}

function encodeDictionaryChunk(values: Buffer[], leaf: Leaf, codec: number, offset: number): EncodedChunk {
  const dictionary: Buffer[] = [];
  const byText = new Map<string, number>();
  const indices = values.map(value => {
    const text = value.toString('latin1');
    let index = byText.get(text);
    if (index === undefined) {
      index = dictionary.length;
      dictionary.push(value);
      byText.set(text, index);
    }
    return index;
  });
  const dictionaryRaw = Buffer.concat(dictionary.flatMap(v => [u32(v.length), v]));
  const dictionaryHeader = t.struct([[1, t.i32(dictionary.length)], [2, t.i32(Encoding.PLAIN)]]);
  const dictionaryPage = encodePage(PAGE_DICTIONARY, dictionaryRaw, codec, [7, dictionaryHeader]);
  const width = bitWidth(Math.max(0, dictionary.length - 1));
  const dataRaw = Buffer.concat([definitionLevels(leaf, values.length), Buffer.from([width]), encodeHybrid(indices, width)]);
  const dataPage = encodePage(PAGE_DATA, dataRaw, codec, [5, dataPageHeader(values.length, Encoding.RLE_DICTIONARY)]);
  const sorted = [...dictionary].sort(Buffer.compare);
  return {
    bytes: Buffer.concat([dictionaryPage.bytes, dataPage.bytes]),
    uncompressed: dictionaryPage.uncompressed + dataPage.uncompressed,
    meta: columnMeta(leaf, [Encoding.PLAIN, Encoding.RLE, Encoding.RLE_DICTIONARY], codec, values.length,
      dictionaryPage.uncompressed + dataPage.uncompressed, dictionaryPage.bytes.length + dataPage.bytes.length,
      offset + dictionaryPage.bytes.length, offset, sorted[0], sorted[sorted.length - 1]),
  };
}

function encodePlainLongChunk(values: bigint[], leaf: Leaf, codec: number, offset: number): EncodedChunk {
  const plain = Buffer.alloc(values.length * 8);
  let min = values[0];
  let max = values[0];
  for (const [i, value] of values.entries()) {
    plain.writeBigInt64LE(value, i * 8);
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const raw = Buffer.concat([definitionLevels(leaf, values.length), plain]);
  const data = encodePage(PAGE_DATA, raw, codec, [5, dataPageHeader(values.length, Encoding.PLAIN)]);
  return {
    bytes: data.bytes,
    uncompressed: data.uncompressed,
    meta: columnMeta(leaf, [Encoding.PLAIN, Encoding.RLE], codec, values.length, data.uncompressed, data.bytes.length,
      offset, undefined, int64(min), int64(max)),
  };
}

function int64(value: bigint | undefined): Buffer | undefined {
  if (value === undefined) return undefined;
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(value);
  return b;
}

function dataPageHeader(count: number, encoding: number): TValue {
  return t.struct([[1, t.i32(count)], [2, t.i32(encoding)], [3, t.i32(Encoding.RLE)], [4, t.i32(Encoding.RLE)]]);
}

function columnMeta(leaf: Leaf, encodings: number[], codec: number, count: number, uncompressed: number, compressed: number,
  dataOffset: number, dictionaryOffset: number | undefined, min: Buffer | undefined, max: Buffer | undefined): TValue {
  const statistics = t.struct([[3, t.i64(0)], [5, max && t.binary(max)], [6, min && t.binary(min)]]);
  return t.struct([
    [1, t.i32(leaf.type)],
    [2, t.list(TType.I32, encodings.map(e => t.i32(e)))],
    [3, t.list(TType.BINARY, [t.binary(leaf.name)])],
    [4, t.i32(codec)],
    [5, t.i64(count)],
    [6, t.i64(uncompressed)],
    [7, t.i64(compressed)],
    [9, t.i64(dataOffset)],
    [11, dictionaryOffset === undefined ? undefined : t.i64(dictionaryOffset)],
    [12, statistics],
  ]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

