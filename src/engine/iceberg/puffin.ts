/* eslint-disable no-bitwise -- a binary file format: bit fields, varints and flags. */
import { parse, stringify } from 'lossless-json';
import type { RangeRead } from './parquet/position-deletes';

/**
 * Rewrites a Puffin file of deletion vectors (format v3): each blob's `referenced-data-file`
 * property is mapped. The blobs are copied as they are, so their offsets and lengths, which the
 * manifest entries record, stay valid; only the footer after them changes.
 */
const MAGIC = Buffer.from([0x50, 0x46, 0x41, 0x31]);
const TRAILER = 4 + 4 + 4; // payload size, flags, magic
const FOOTER_PROBE = 64 * 1024;
const COPY_RANGE = 8 * 1024 * 1024;

export interface PuffinLayout {
  /** Where the footer (its leading magic) starts: everything before it is copied. */
  readonly footerStart: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly footer: Record<string, any>;
}

export async function readPuffinFooter(read: RangeRead, size: number): Promise<PuffinLayout> {
  if (size < MAGIC.length * 2 + TRAILER) throw new Error('not a Puffin file (too short)');
  const probeStart = Math.max(0, size - FOOTER_PROBE);
  let tail = await read(probeStart, size - 1);
  if (!tail.subarray(tail.length - 4).equals(MAGIC)) throw new Error('not a Puffin file (bad magic bytes)');
  const payloadSize = tail.readInt32LE(tail.length - TRAILER);
  const flags = tail.readUInt32LE(tail.length - 8);
  if (flags & 1) throw new Error('Puffin footer is LZ4-compressed; only uncompressed footers (the Iceberg default) are rewritten');
  const footerStart = size - TRAILER - payloadSize - MAGIC.length;
  if (footerStart < probeStart) tail = Buffer.concat([await read(footerStart, probeStart - 1), tail]);
  const local = footerStart - (size - tail.length);
  if (!tail.subarray(local, local + 4).equals(MAGIC)) throw new Error('Puffin footer magic is missing');
  const payload = tail.subarray(local + 4, local + 4 + payloadSize).toString('utf8');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { footerStart, footer: parse(payload) as Record<string, any> };
}

export async function* rewritePuffin(read: RangeRead, size: number, mapPath: (path: string) => string): AsyncGenerator<Buffer> {
  const { footerStart, footer } = await readPuffinFooter(read, size);
  for (const blob of Array.isArray(footer.blobs) ? footer.blobs : []) {
    const properties = blob?.properties;
    if (properties && typeof properties['referenced-data-file'] === 'string') {
      properties['referenced-data-file'] = mapPath(properties['referenced-data-file']);
    }
  }
  for (let start = 0; start < footerStart; start += COPY_RANGE) {
    yield await read(start, Math.min(footerStart, start + COPY_RANGE) - 1);
  }
  const payload = Buffer.from(stringify(footer)!, 'utf8');
  const trailer = Buffer.alloc(TRAILER);
  trailer.writeInt32LE(payload.length, 0);
  trailer.writeUInt32LE(0, 4);
  MAGIC.copy(trailer, 8);
  yield Buffer.concat([MAGIC, payload, trailer]);
}

/** The data files a Puffin file's deletion vectors name. */
export function referencedDataFiles(layout: PuffinLayout): string[] {
  const blobs = Array.isArray(layout.footer.blobs) ? layout.footer.blobs : [];
  return blobs.map((b: { properties?: Record<string, unknown> }) => b?.properties?.['referenced-data-file']).filter((p: unknown): p is string => typeof p === 'string');
}
