/* eslint-disable no-bitwise -- a binary file format: bit fields, varints and flags. */
import { Cursor } from './cursor';

/**
 * Thrift compact protocol, as Parquet's footer and page headers use it. Decoded fields keep their
 * wire types, so a struct read from a source file (a schema element, say, with its Iceberg field id
 * and logical type) is written back exactly, fields we do not know included.
 */
export enum TType {
  TRUE = 1,
  FALSE = 2,
  BYTE = 3,
  I16 = 4,
  I32 = 5,
  I64 = 6,
  DOUBLE = 7,
  BINARY = 8,
  LIST = 9,
  SET = 10,
  MAP = 11,
  STRUCT = 12,
}

export type TValue =
  | { readonly t: TType.TRUE | TType.FALSE; readonly v: boolean }
  | { readonly t: TType.BYTE | TType.I16 | TType.I32 | TType.DOUBLE; readonly v: number }
  | { readonly t: TType.I64; readonly v: bigint }
  | { readonly t: TType.BINARY; readonly v: Buffer }
  | { readonly t: TType.LIST | TType.SET; readonly elem: TType; readonly v: TValue[] }
  | { readonly t: TType.MAP; readonly v: ReadonlyArray<readonly [TValue, TValue]>; readonly key: TType; readonly value: TType }
  | { readonly t: TType.STRUCT; readonly v: TStruct };

/** Field id -> value. */
export type TStruct = Map<number, TValue>;

export class ThriftReader extends Cursor {
  constructor(buffer: Buffer, start = 0) {
    super(buffer, start);
  }

  readStruct(): TStruct {
    const struct: TStruct = new Map();
    let lastId = 0;
    for (;;) {
      const header = this.buffer[this.offset++];
      if (header === undefined) throw new Error('Parquet metadata is truncated');
      const type = header & 0x0f;
      if (type === 0) return struct;
      const delta = header >> 4;
      const id = delta === 0 ? this.zigzag() : lastId + delta;
      lastId = id;
      struct.set(id, this.readValue(type));
    }
  }

  private readValue(type: TType): TValue {
    switch (type) {
      case TType.TRUE:
      case TType.FALSE:
        return { t: type, v: type === TType.TRUE };
      case TType.BYTE:
        return { t: type, v: this.buffer.readInt8(this.offset++) };
      case TType.I16:
      case TType.I32:
        return { t: type, v: this.zigzag() };
      case TType.I64:
        return { t: type, v: this.zigzagBig() };
      case TType.DOUBLE: {
        const v = this.buffer.readDoubleLE(this.offset);
        this.offset += 8;
        return { t: type, v };
      }
      case TType.BINARY: {
        const length = this.varint();
        const v = this.buffer.subarray(this.offset, this.offset + length);
        this.offset += length;
        return { t: type, v };
      }
      case TType.LIST:
      case TType.SET: {
        const header = this.buffer[this.offset++];
        const size = (header >> 4) === 15 ? this.varint() : header >> 4;
        const elem = header & 0x0f;
        const v: TValue[] = [];
        for (let i = 0; i < size; i++) {
          // Booleans in a list are one byte each: 1 is true.
          if (elem === TType.TRUE || elem === TType.FALSE) {
            const b = this.buffer[this.offset++] === TType.TRUE;
            v.push({ t: b ? TType.TRUE : TType.FALSE, v: b });
          } else {
            v.push(this.readValue(elem));
          }
        }
        return { t: type, elem, v };
      }
      case TType.MAP: {
        const size = this.varint();
        const types = size > 0 ? this.buffer[this.offset++] : 0;
        const key = types >> 4;
        const value = types & 0x0f;
        const v: [TValue, TValue][] = [];
        for (let i = 0; i < size; i++) v.push([this.readValue(key), this.readValue(value)]);
        return { t: type, v, key, value };
      }
      case TType.STRUCT:
        return { t: type, v: this.readStruct() };
      default:
        throw new Error(`Parquet metadata has an unknown Thrift type ${type}`);
    }
  }
}

export function writeStruct(struct: TStruct): Buffer {
  const out: number[] = [];
  writeStructTo(out, struct);
  return Buffer.from(out);
}

function writeStructTo(out: number[], struct: TStruct): void {
  let lastId = 0;
  for (const id of [...struct.keys()].sort((a, b) => a - b)) {
    const value = struct.get(id)!;
    const delta = id - lastId;
    if (delta > 0 && delta <= 15) {
      out.push((delta << 4) | value.t);
    } else {
      out.push(value.t);
      pushVarint(out, zigzag(id));
    }
    lastId = id;
    writeValue(out, value);
  }
  out.push(0);
}

function writeValue(out: number[], value: TValue): void {
  switch (value.t) {
    case TType.TRUE:
    case TType.FALSE:
      return; // the value is in the field header
    case TType.BYTE:
      out.push(value.v & 0xff);
      return;
    case TType.I16:
    case TType.I32:
      pushVarint(out, zigzag(value.v));
      return;
    case TType.I64: {
      let n = (value.v << 1n) ^ (value.v >> 63n);
      n = BigInt.asUintN(64, n);
      while (n >= 0x80n) {
        out.push(Number(n & 0x7fn) | 0x80);
        n >>= 7n;
      }
      out.push(Number(n));
      return;
    }
    case TType.DOUBLE: {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(value.v);
      out.push(...b);
      return;
    }
    case TType.BINARY:
      pushVarint(out, value.v.length);
      for (const byte of value.v) out.push(byte);
      return;
    case TType.LIST:
    case TType.SET:
      if (value.v.length < 15) {
        out.push((value.v.length << 4) | value.elem);
      } else {
        out.push(0xf0 | value.elem);
        pushVarint(out, value.v.length);
      }
      for (const item of value.v) {
        if (item.t === TType.TRUE || item.t === TType.FALSE) out.push(item.v ? TType.TRUE : TType.FALSE);
        else writeValue(out, item);
      }
      return;
    case TType.MAP:
      pushVarint(out, value.v.length);
      if (value.v.length > 0) out.push((value.key << 4) | value.value);
      for (const [k, v] of value.v) {
        writeValue(out, k);
        writeValue(out, v);
      }
      return;
    case TType.STRUCT:
      writeStructTo(out, value.v);
      return;
  }
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function pushVarint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
}

/** Builders for the structs the writer makes. */
export const t = {
  i32: (v: number): TValue => ({ t: TType.I32, v }),
  i64: (v: bigint | number): TValue => ({ t: TType.I64, v: BigInt(v) }),
  bool: (v: boolean): TValue => ({ t: v ? TType.TRUE : TType.FALSE, v }),
  binary: (v: Buffer | string): TValue => ({ t: TType.BINARY, v: typeof v === 'string' ? Buffer.from(v, 'utf8') : v }),
  list: (elem: TType, v: TValue[]): TValue => ({ t: TType.LIST, elem, v }),
  struct: (fields: Array<[number, TValue | undefined]>): TValue => ({ t: TType.STRUCT, v: structOf(fields) }),
};

export function structOf(fields: Array<[number, TValue | undefined]>): TStruct {
  const map: TStruct = new Map();
  for (const [id, value] of fields) if (value !== undefined) map.set(id, value);
  return map;
}

/** Typed reads of decoded fields. */
export const field = {
  num: (s: TStruct, id: number): number | undefined => {
    const v = s.get(id);
    if (v === undefined) return undefined;
    return v.t === TType.I64 ? Number(v.v) : (v.v as number);
  },
  str: (s: TStruct, id: number): string | undefined => {
    const v = s.get(id);
    return v?.t === TType.BINARY ? v.v.toString('utf8') : undefined;
  },
  struct: (s: TStruct, id: number): TStruct | undefined => {
    const v = s.get(id);
    return v?.t === TType.STRUCT ? v.v : undefined;
  },
  list: (s: TStruct, id: number): TValue[] => {
    const v = s.get(id);
    return v?.t === TType.LIST || v?.t === TType.SET ? v.v : [];
  },
};
