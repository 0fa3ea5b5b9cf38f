/* eslint-disable no-bitwise -- a binary file format: bit fields, varints and flags. */
import type { Cursor } from './cursor';
/**
 * Parquet value encodings that writers use for a position-delete file's two columns (a string and a
 * long): PLAIN, dictionary (RLE/bit-packed indices), DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
 * DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT.
 */
export const Encoding = {
  PLAIN: 0,
  PLAIN_DICTIONARY: 2,
  RLE: 3,
  BIT_PACKED: 4,
  DELTA_BINARY_PACKED: 5,
  DELTA_LENGTH_BYTE_ARRAY: 6,
  DELTA_BYTE_ARRAY: 7,
  RLE_DICTIONARY: 8,
  BYTE_STREAM_SPLIT: 9,
} as const;

export const PhysicalType = { INT32: 1, INT64: 2, BYTE_ARRAY: 6 } as const;

export type Values = Buffer[] | bigint[];

/** Reads `count` values of `width` bits, least significant bit first. */
function unpack(buffer: Buffer, offset: number, count: number, width: number): bigint[] {
  const out: bigint[] = new Array(count);
  let bit = offset * 8;
  if (width <= 32) {
    for (let i = 0; i < count; i++) {
      let value = 0;
      for (let b = 0; b < width; b++, bit++) {
        if ((buffer[bit >> 3] >> (bit & 7)) & 1) value += 2 ** b;
      }
      out[i] = BigInt(value);
    }
    return out;
  }
  for (let i = 0; i < count; i++) {
    let value = 0n;
    for (let b = 0; b < width; b++, bit++) {
      if ((buffer[bit >> 3] >> (bit & 7)) & 1) value |= 1n << BigInt(b);
    }
    out[i] = value;
  }
  return out;
}

/** The RLE / bit-packed hybrid, for levels and dictionary indices. */
export function decodeHybrid(cursor: Cursor, width: number, count: number, end: number): number[] {
  const out: number[] = [];
  const byteWidth = Math.ceil(width / 8);
  while (out.length < count && cursor.offset < end) {
    const header = cursor.varint();
    if (header & 1) {
      const values = (header >>> 1) * 8;
      const unpacked = unpack(cursor.buffer, cursor.offset, values, width);
      cursor.offset += (values * width) / 8;
      for (const v of unpacked) if (out.length < count) out.push(Number(v));
    } else {
      const run = header >>> 1;
      let value = 0;
      for (let i = 0; i < byteWidth; i++) value += cursor.buffer[cursor.offset + i] * 2 ** (8 * i);
      cursor.offset += byteWidth;
      for (let i = 0; i < run && out.length < count; i++) out.push(value);
    }
  }
  if (out.length < count) throw new Error('Parquet RLE data is truncated');
  return out;
}

/** RLE / bit-packed hybrid: runs of 8 or more equal values as RLE, the rest as bit-packed groups of 8. */
export function encodeHybrid(values: ArrayLike<number>, width: number): Buffer {
  const out: number[] = [];
  const byteWidth = Math.ceil(width / 8);
  let i = 0;
  while (i < values.length) {
    let run = 1;
    while (i + run < values.length && values[i + run] === values[i]) run++;
    if (run >= 8 || width === 0) {
      pushVarint(out, run << 1);
      for (let b = 0; b < byteWidth; b++) out.push(Math.floor(values[i] / 2 ** (8 * b)) & 0xff);
      i += run;
      continue;
    }
    pushVarint(out, (1 << 1) | 1);
    const group = new Array(width).fill(0);
    for (let j = 0; j < 8; j++) {
      const v = i + j < values.length ? values[i + j] : 0;
      for (let b = 0; b < width; b++) {
        const bit = j * width + b;
        if (Math.floor(v / 2 ** b) & 1) group[bit >> 3] |= 1 << (bit & 7);
      }
    }
    out.push(...group);
    i += 8;
  }
  return Buffer.from(out);
}

export function bitWidth(maxValue: number): number {
  let width = 0;
  while (2 ** width <= maxValue) width++;
  return width;
}

function decodeDeltaBinaryPacked(cursor: Cursor): bigint[] {
  const blockSize = cursor.varint();
  const miniBlocks = cursor.varint();
  const total = cursor.varint();
  const perMini = blockSize / miniBlocks;
  let last = cursor.zigzagBig();
  const out: bigint[] = total > 0 ? [last] : [];
  while (out.length < total) {
    const minDelta = cursor.zigzagBig();
    const widths = [...cursor.buffer.subarray(cursor.offset, cursor.offset + miniBlocks)];
    cursor.offset += miniBlocks;
    for (const width of widths) {
      if (out.length >= total) break;
      const deltas = unpack(cursor.buffer, cursor.offset, perMini, width);
      cursor.offset += (perMini * width) / 8;
      for (const delta of deltas) {
        if (out.length >= total) break;
        last = BigInt.asIntN(64, last + minDelta + delta);
        out.push(last);
      }
    }
  }
  return out;
}

function decodePlainBinary(cursor: Cursor, count: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const length = cursor.buffer.readUInt32LE(cursor.offset);
    out.push(cursor.buffer.subarray(cursor.offset + 4, cursor.offset + 4 + length));
    cursor.offset += 4 + length;
  }
  return out;
}

function decodePlainInt(cursor: Cursor, count: number, type: number): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) {
    if (type === PhysicalType.INT64) {
      out.push(cursor.buffer.readBigInt64LE(cursor.offset));
      cursor.offset += 8;
    } else {
      out.push(BigInt(cursor.buffer.readInt32LE(cursor.offset)));
      cursor.offset += 4;
    }
  }
  return out;
}

export function decodePlain(cursor: Cursor, count: number, type: number): Values {
  if (type === PhysicalType.BYTE_ARRAY) return decodePlainBinary(cursor, count);
  if (type === PhysicalType.INT64 || type === PhysicalType.INT32) return decodePlainInt(cursor, count, type);
  throw new Error(`Parquet physical type ${type} is not expected in a position-delete file`);
}

/** Decodes `count` non-null values of a data page. */
export function decodeValues(cursor: Cursor, end: number, count: number, type: number, encoding: number, dictionary: Values | undefined): Values {
  switch (encoding) {
    case Encoding.PLAIN:
      return decodePlain(cursor, count, type);
    case Encoding.PLAIN_DICTIONARY:
    case Encoding.RLE_DICTIONARY: {
      if (!dictionary) throw new Error('Parquet dictionary-encoded page has no dictionary page');
      const width = cursor.buffer[cursor.offset++];
      const indices = decodeHybrid(cursor, width, count, end);
      return indices.map(index => dictionary[index]) as Values;
    }
    case Encoding.DELTA_BINARY_PACKED:
      return decodeDeltaBinaryPacked(cursor);
    case Encoding.DELTA_LENGTH_BYTE_ARRAY: {
      const lengths = decodeDeltaBinaryPacked(cursor);
      return lengths.map(length => {
        const value = cursor.buffer.subarray(cursor.offset, cursor.offset + Number(length));
        cursor.offset += Number(length);
        return value;
      });
    }
    case Encoding.DELTA_BYTE_ARRAY: {
      const prefixes = decodeDeltaBinaryPacked(cursor);
      const suffixLengths = decodeDeltaBinaryPacked(cursor);
      const out: Buffer[] = [];
      let previous = Buffer.alloc(0);
      for (let i = 0; i < prefixes.length; i++) {
        const suffix = cursor.buffer.subarray(cursor.offset, cursor.offset + Number(suffixLengths[i]));
        cursor.offset += Number(suffixLengths[i]);
        previous = Buffer.concat([previous.subarray(0, Number(prefixes[i])), suffix]);
        out.push(previous);
      }
      return out;
    }
    case Encoding.BYTE_STREAM_SPLIT: {
      const width = type === PhysicalType.INT64 ? 8 : 4;
      const out: bigint[] = [];
      const value = Buffer.alloc(width);
      for (let i = 0; i < count; i++) {
        for (let b = 0; b < width; b++) value[b] = cursor.buffer[cursor.offset + b * count + i];
        out.push(width === 8 ? value.readBigInt64LE(0) : BigInt(value.readInt32LE(0)));
      }
      cursor.offset += width * count;
      return out;
    }
    default:
      throw new Error(`Parquet encoding ${encoding} is not supported for a position-delete column`);
  }
}

function pushVarint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
}
