import { gunzipSync, gzipSync } from 'node:zlib';
import { isLosslessNumber, parse, stringify } from 'lossless-json';

/**
 * An Iceberg table metadata file (`*.metadata.json`, or `*.gz.metadata.json` gzipped), parsed so that
 * numbers keep their exact text: snapshot ids use all 64 bits, which a JavaScript number cannot hold.
 * Only the path fields are changed; everything else (ids, sequence numbers, schemas, specs, sort
 * orders, refs, the snapshot log) is written back as read.
 */
// lossless-json gives plain objects whose numbers are LosslessNumber instances.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MetadataDocument = Record<string, any>;

/** Where a path in the metadata points, which decides how it is rewritten. */
export type MetadataPathKind =
  /** The table location and write.* path properties: the mapped target location, where engines write after failover. */
  | 'location'
  /** A snapshot's manifest list (or a v1 snapshot's manifests): the staged rewritten copy. */
  | 'manifest-list'
  | 'manifest'
  /** A metadata-log entry or the previous metadata file: the staged rewritten copy. */
  | 'metadata-file'
  /** Table and partition statistics hold no paths: the mapped replicated copy. */
  | 'statistics';

export interface MetadataPath {
  readonly kind: MetadataPathKind;
  readonly uri: string;
  /** When the file was committed (a snapshot's or log entry's timestamp), for the replication-lag bound. */
  readonly committedAt?: number;
}

export const WRITE_PATH_PROPERTIES = ['write.data.path', 'write.metadata.path', 'write.object-storage.path', 'write.folder-storage.path'];

export function isGzipMetadata(name: string): boolean {
  return name.endsWith('.gz.metadata.json');
}

export function parseMetadata(bytes: Buffer, name: string): MetadataDocument {
  const text = (isGzipMetadata(name) || (bytes[0] === 0x1f && bytes[1] === 0x8b) ? gunzipSync(bytes) : bytes).toString('utf8');
  const document = parse(text);
  if (document === null || typeof document !== 'object' || Array.isArray(document)) throw new Error('metadata file is not a JSON object');
  return document as MetadataDocument;
}

export function encodeMetadata(document: MetadataDocument, name: string): Buffer {
  const text = Buffer.from(stringify(document)!, 'utf8');
  return isGzipMetadata(name) ? gzipSync(text) : text;
}

export function formatVersion(document: MetadataDocument): number | undefined {
  const value = document['format-version'];
  const n = Number(isLosslessNumber(value) ? value.value : value);
  return Number.isInteger(n) ? n : undefined;
}

export function numberOf(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(isLosslessNumber(value) ? value.value : value);
  return Number.isFinite(n) ? n : undefined;
}

/** Every path the metadata names, with its kind. */
export function metadataPaths(document: MetadataDocument): MetadataPath[] {
  const paths: MetadataPath[] = [];
  visitPaths(document, (kind, uri, committedAt) => {
    paths.push({ kind, uri, committedAt });
    return uri;
  });
  return paths;
}

/** Replaces every path with `rewrite`'s answer; returning undefined drops a metadata-log entry. */
export function rewriteMetadataPaths(document: MetadataDocument, rewrite: (path: MetadataPath) => string | undefined): void {
  visitPaths(document, (kind, uri, committedAt) => rewrite({ kind, uri, committedAt }));
}

function visitPaths(document: MetadataDocument, visit: (kind: MetadataPathKind, uri: string, committedAt?: number) => string | undefined): void {
  const at = (value: unknown) => numberOf(value);
  if (typeof document.location === 'string') document.location = visit('location', document.location) ?? document.location;
  const properties = document.properties;
  if (properties && typeof properties === 'object') {
    for (const key of WRITE_PATH_PROPERTIES) {
      if (typeof properties[key] === 'string') properties[key] = visit('location', properties[key]) ?? properties[key];
    }
  }
  for (const snapshot of arrayOf(document.snapshots)) {
    const committedAt = at(snapshot['timestamp-ms']);
    if (typeof snapshot['manifest-list'] === 'string') {
      snapshot['manifest-list'] = visit('manifest-list', snapshot['manifest-list'], committedAt) ?? snapshot['manifest-list'];
    }
    if (Array.isArray(snapshot.manifests)) {
      snapshot.manifests = snapshot.manifests.map((uri: string) => visit('manifest', uri, committedAt) ?? uri);
    }
  }
  if (Array.isArray(document['metadata-log'])) {
    document['metadata-log'] = document['metadata-log'].filter((entry: MetadataDocument) => {
      if (typeof entry['metadata-file'] !== 'string') return true;
      const rewritten = visit('metadata-file', entry['metadata-file'], at(entry['timestamp-ms']));
      if (rewritten === undefined) return false;
      entry['metadata-file'] = rewritten;
      return true;
    });
  }
  for (const key of ['statistics', 'partition-statistics']) {
    for (const entry of arrayOf(document[key])) {
      if (typeof entry['statistics-path'] === 'string') entry['statistics-path'] = visit('statistics', entry['statistics-path']) ?? entry['statistics-path'];
    }
  }
}

function arrayOf(value: unknown): MetadataDocument[] {
  return Array.isArray(value) ? value.filter(v => v && typeof v === 'object') : [];
}
