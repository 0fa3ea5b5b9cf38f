/* eslint-disable no-bitwise -- varints. */
/** A cursor over a buffer, for the varints of Thrift and of the Parquet encodings. */
export class Cursor {
  constructor(readonly buffer: Buffer, public offset = 0) {}

  varint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const byte = this.buffer[this.offset++];
      if (byte === undefined) throw new Error('Parquet data is truncated');
      n += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return n;
      scale *= 0x80;
    }
  }

  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  zigzagBig(): bigint {
    let n = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.buffer[this.offset++];
      if (byte === undefined) throw new Error('Parquet data is truncated');
      n |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
      shift += 7n;
    }
    return (n >> 1n) ^ -(n & 1n);
  }
}
