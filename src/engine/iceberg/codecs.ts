import { brotliDecompressSync, gunzipSync, inflateRawSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { uncompress as snappyUncompress } from 'snappyjs';

/**
 * Decompressors for what Iceberg engines write. Node's zlib covers deflate, gzip and brotli;
 * fzstd (pure JS, no native build, Node 20 and 22 alike) covers Zstandard and snappyjs covers Snappy.
 * Node 22 has a native zstd, but Node 20 (where the tests run) does not, and one decoder for both
 * keeps the rewrite identical on either.
 */
export function inflateAvroBlock(codec: string, data: Buffer): Buffer {
  switch (codec) {
    case 'null':
      return data;
    case 'deflate':
      return inflateRawSync(data);
    case 'snappy':
      // Avro's snappy blocks end with a 4-byte CRC-32 of the uncompressed data.
      return Buffer.from(snappyUncompress(data.subarray(0, data.length - 4)));
    case 'zstandard':
      return Buffer.from(zstdDecompress(data));
    default:
      throw new Error(`Avro codec "${codec}" is not supported (supported: null, deflate, snappy, zstandard)`);
  }
}

/** Parquet's CompressionCodec enum, by number. */
export const PARQUET_CODECS = ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'LZO', 'BROTLI', 'LZ4', 'ZSTD', 'LZ4_RAW'] as const;

export function inflateParquetPage(codec: number, data: Buffer, uncompressedSize: number): Buffer {
  switch (PARQUET_CODECS[codec]) {
    case 'UNCOMPRESSED':
      return data;
    case 'SNAPPY':
      return Buffer.from(snappyUncompress(data));
    case 'GZIP':
      return gunzipSync(data);
    case 'BROTLI':
      return brotliDecompressSync(data);
    case 'ZSTD':
      return Buffer.from(zstdDecompress(data, new Uint8Array(uncompressedSize)));
    default:
      throw new Error(`Parquet codec ${PARQUET_CODECS[codec] ?? codec} is not supported (supported: UNCOMPRESSED, SNAPPY, GZIP, BROTLI, ZSTD)`);
  }
}
