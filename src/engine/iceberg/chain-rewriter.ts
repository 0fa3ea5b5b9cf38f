import { openAvro, outputCodec, writeAvro } from './avro';
import { Blocked, MissingObject, UnmappedBucket, Unsupported } from './blocked';
import {
  contentOf, CONTENT_POSITION_DELETES, fromArray, isLive, mapPathBounds, mapRecords,
  type ManifestEntryRecord,
} from './manifest-entries';
import { rewritePositionDeletes, type RangeRead } from './parquet/position-deletes';
import { mapLimit, objectSizes } from './presence';
import { rewritePuffin } from './puffin';
import { parseS3Uri, s3Uri, type S3Location } from './s3-location';
import { stagedLocation } from './staging';
import type { IcebergStorage } from './storage';
import { encodeMetadata, parseMetadata, rewriteMetadataPaths, type MetadataDocument } from './table-metadata';
import type { MappedUri } from './types';

const MANIFEST_CONCURRENCY = 4;

/** Where a source file's replicated copy is read and its rewritten copy is staged. */
interface Placement {
  readonly replica: S3Location;
  readonly staged: S3Location;
}

/** A file of the rewritten chain: its URI, and its length when the parent must record it. */
export interface ChainFile {
  readonly uri: string;
  readonly size?: number;
}

/** A metadata-log entry whose file never arrived and is older than the bound: left out of the rewritten log. */
export class DroppedHistory extends Error {}

/**
 * Rewrites the files of one table's chain, bottom-up: a file is written only when every file it
 * names exists in the target (replicated, or staged by an earlier step), so a staged file's
 * existence means its whole subtree is there, and a later run reuses it without reading it.
 * Each staged file is written once (a conditional put) and looked up at most once per run.
 */
export class ChainRewriter {
  readonly missing = new Map<string, number | undefined>();
  readonly unmapped = new Set<string>();
  readonly unsupported: string[] = [];
  readonly warnings: string[] = [];
  filesWritten = 0;
  bytesWritten = 0;
  filesUnchanged = 0;
  private readonly memo = new Map<string, Promise<ChainFile | undefined>>();
  /** Staged key -> its size, or null when known to be absent. */
  private readonly stagedSizes = new Map<string, number | null>();

  constructor(
    readonly storage: IcebergStorage,
    private readonly mapUri: (uri: string) => MappedUri,
    private readonly mappingId: string,
    private readonly isOverdue: (committedAt: number | undefined) => boolean,
  ) {}

  /** The mapped target URI, or undefined (and recorded) when its bucket has no mapping. */
  mapped(uri: string): string | undefined {
    const result = this.mapUri(uri);
    if (result.unmappedBucket !== undefined) {
      this.unmapped.add(result.unmappedBucket);
      return undefined;
    }
    return result.uri;
  }

  /** Like `mapped`, but throws, for paths inside a file being rewritten. */
  mapStrict(uri: string): string {
    const result = this.mapUri(uri);
    if (result.unmappedBucket !== undefined) throw new UnmappedBucket(result.unmappedBucket);
    return result.uri;
  }

  /**
   * Where a source file is read and staged: 'relative' for a format v4 relative path, which names the
   * replicated copy as it is; undefined (recorded) when its bucket has no mapping.
   */
  placement(uri: string): Placement | undefined | 'relative' {
    const source = parseS3Uri(uri);
    if (!source) return 'relative';
    const target = this.mapped(uri);
    if (target === undefined) return undefined;
    const replica = parseS3Uri(target)!;
    return { replica, staged: stagedLocation(source, replica.bucket, this.mappingId) };
  }

  /** The staged URI a metadata file names for a source file, without rewriting it. */
  stagedUri(uri: string): string | undefined {
    const place = this.placement(uri);
    if (place === 'relative') return uri;
    return place && s3Uri(place.staged);
  }

  async stagedSize(location: S3Location): Promise<number | undefined> {
    const key = objectKey(location);
    if (!this.stagedSizes.has(key)) this.stagedSizes.set(key, (await this.storage.head(location))?.size ?? null);
    return this.stagedSizes.get(key) ?? undefined;
  }

  /** Looks up many staged files at once: one listing per directory where they are many (see objectSizes). */
  async prefetchStaged(locations: readonly S3Location[]): Promise<void> {
    const byBucket = new Map<string, string[]>();
    for (const location of locations) {
      if (this.stagedSizes.has(objectKey(location))) continue;
      const keys = byBucket.get(location.bucket) ?? [];
      keys.push(location.key);
      byBucket.set(location.bucket, keys);
    }
    for (const [bucket, keys] of byBucket) {
      const sizes = await objectSizes(this.storage, bucket, keys);
      for (const key of keys) this.stagedSizes.set(objectKey({ bucket, key }), sizes.get(key) ?? null);
    }
  }

  /**
   * Writes the staged copy of `uri` unless it exists; `produce` reads the replicated copy and gives
   * the rewritten bytes. A Blocked error from it is recorded, and the result is undefined.
   */
  private once(uri: string, committedAt: number | undefined, contentType: string,
    produce: (replica: S3Location) => Promise<AsyncIterable<Uint8Array> | Uint8Array | undefined>): Promise<ChainFile | undefined> {
    const place = this.placement(uri);
    if (place === 'relative') return Promise.resolve({ uri });
    if (place === undefined) return Promise.resolve(undefined);
    const stagedKey = objectKey(place.staged);
    const stagedUri = s3Uri(place.staged);
    let pending = this.memo.get(stagedKey);
    if (!pending) {
      pending = (async () => {
        const existing = await this.stagedSize(place.staged);
        if (existing !== undefined) {
          this.filesUnchanged++;
          return { uri: stagedUri, size: existing };
        }
        try {
          const body = await produce(place.replica);
          if (body === undefined) return undefined;
          const outcome = await this.storage.putIfAbsent(place.staged, body, contentType);
          if (outcome.written) {
            this.filesWritten++;
            this.bytesWritten += outcome.size;
          } else {
            this.filesUnchanged++;
          }
          this.stagedSizes.set(stagedKey, outcome.size);
          return { uri: stagedUri, size: outcome.size };
        } catch (error) {
          if (error instanceof MissingObject) this.missing.set(error.uri, error.committedAt ?? committedAt);
          else if (error instanceof UnmappedBucket) this.unmapped.add(error.bucket);
          else if (error instanceof Unsupported) this.unsupported.push(error.message);
          else if (error instanceof Blocked) this.unsupported.push(error.message);
          else if (error instanceof DroppedHistory) throw error;
          else throw error;
          return undefined;
        }
      })();
      this.memo.set(stagedKey, pending);
    }
    return pending;
  }

  private async stream(replica: S3Location, committedAt: number | undefined): Promise<AsyncIterable<Uint8Array>> {
    const body = await this.storage.getStream(replica);
    if (!body) throw new MissingObject(s3Uri(replica), committedAt);
    return body;
  }

  private rangeReader(replica: S3Location, committedAt: number | undefined): RangeRead {
    return async (start, end) => {
      const bytes = await this.storage.getBytes(replica, { start, end });
      if (!bytes) throw new MissingObject(s3Uri(replica), committedAt);
      return bytes;
    };
  }

  /** A snapshot's manifest list: each manifest is made first, then the list naming them with their lengths. */
  manifestList(uri: string, committedAt: number | undefined): Promise<ChainFile | undefined> {
    return this.once(uri, committedAt, 'application/avro', async replica => {
      const file = await openAvro(await this.stream(replica, committedAt));
      const entries: Array<{ manifest_path: string; manifest_length: bigint }> = [];
      for await (const entry of file.records) entries.push(entry as { manifest_path: string; manifest_length: bigint });
      const places = entries.map(e => this.placement(e.manifest_path));
      await this.prefetchStaged(places.filter((p): p is Placement => typeof p === 'object').map(p => p.staged));
      const manifests = await mapLimit(entries, MANIFEST_CONCURRENCY, e => this.manifest(e.manifest_path, committedAt));
      if (manifests.some(m => m === undefined)) return undefined;
      entries.forEach((entry, i) => {
        entry.manifest_path = manifests[i]!.uri;
        if (manifests[i]!.size !== undefined) entry.manifest_length = BigInt(manifests[i]!.size!);
      });
      return writeAvro(file.header, outputCodec(file.header.codec), fromArray(entries));
    });
  }

  /**
   * A manifest, data or delete, read twice: the first pass checks that every live file it names is
   * in the target and rewrites its delete files; the second streams the rewritten entries out. Only
   * the names of the files to check are held, never the entries.
   */
  manifest(uri: string, committedAt: number | undefined): Promise<ChainFile | undefined> {
    return this.once(uri, committedAt, 'application/avro', async replica => {
      const expected = new Map<string, Map<string, number>>();
      const deleteFiles = new Map<string, { format: string; size: number }>();
      let blocked = false;
      const first = await openAvro(await this.stream(replica, committedAt));
      for await (const record of first.records) {
        const entry = record as unknown as ManifestEntryRecord;
        const file = entry.data_file;
        const target = this.mapped(file.file_path);
        if (file.referenced_data_file && this.mapped(file.referenced_data_file) === undefined) blocked = true;
        if (target === undefined) {
          blocked = true;
          continue;
        }
        if (!isLive(entry)) continue;
        if (contentOf(file) === CONTENT_POSITION_DELETES) {
          deleteFiles.set(file.file_path, { format: file.file_format, size: Number(file.file_size_in_bytes) });
          continue;
        }
        const location = parseS3Uri(target);
        if (!location) continue;
        let keys = expected.get(location.bucket);
        if (!keys) expected.set(location.bucket, keys = new Map());
        keys.set(location.key, Number(file.file_size_in_bytes));
      }
      for (const [bucket, keys] of expected) {
        const sizes = await objectSizes(this.storage, bucket, keys.keys());
        for (const [key, size] of keys) {
          const found = sizes.get(key);
          if (found === size) continue;
          const copy = s3Uri({ scheme: 's3', bucket, key });
          if (found !== undefined) this.warnings.push(`${copy} is ${found} bytes in the target but ${size} in the manifest; waiting for the replicated copy`);
          this.missing.set(copy, committedAt);
          blocked = true;
        }
      }
      expected.clear();
      const rewritten = new Map<string, ChainFile>();
      await mapLimit([...deleteFiles], MANIFEST_CONCURRENCY, async ([path, { format, size }]) => {
        const file = await this.deleteFile(path, format, size, committedAt);
        if (file) rewritten.set(path, file);
        else blocked = true;
      });
      if (blocked) return undefined;

      const second = await openAvro(await this.stream(replica, committedAt));
      const entries = mapRecords<ManifestEntryRecord>(second.records, entry => this.rewriteEntry(entry, rewritten));
      return writeAvro(second.header, outputCodec(second.header.codec), entries);
    });
  }

  private rewriteEntry(entry: ManifestEntryRecord, rewritten: ReadonlyMap<string, ChainFile>): void {
    const file = entry.data_file;
    const staged = isLive(entry) ? rewritten.get(file.file_path) : undefined;
    if (staged) {
      file.file_path = staged.uri;
      if (staged.size !== undefined) file.file_size_in_bytes = BigInt(staged.size);
      // Row-group offsets of the source file do not hold in the rewritten one; the field is optional.
      if (file.split_offsets) file.split_offsets = null;
    } else {
      file.file_path = this.mapStrict(file.file_path);
    }
    if (contentOf(file) === CONTENT_POSITION_DELETES) {
      mapPathBounds(file, path => {
        if (!parseS3Uri(path)) return undefined;
        const mapped = this.mapUri(path);
        return mapped.unmappedBucket === undefined ? mapped.uri : undefined;
      });
    }
    if (file.referenced_data_file) file.referenced_data_file = this.mapStrict(file.referenced_data_file);
  }

  /** A position-delete file (Parquet or Avro) or a deletion-vector Puffin file, with each data file path mapped. */
  deleteFile(uri: string, format: string, size: number, committedAt: number | undefined): Promise<ChainFile | undefined> {
    const kind = format.toUpperCase();
    return this.once(uri, committedAt, 'application/octet-stream', async replica => {
      const mapPath = (path: string) => this.mapStrict(path);
      switch (kind) {
        case 'PARQUET':
          return rewritePositionDeletes(this.rangeReader(replica, committedAt), size, mapPath);
        case 'PUFFIN':
          return rewritePuffin(this.rangeReader(replica, committedAt), size, mapPath);
        case 'AVRO': {
          const file = await openAvro(await this.stream(replica, committedAt));
          const rows = mapRecords<{ file_path: string }>(file.records, row => { row.file_path = mapPath(row.file_path); });
          return writeAvro(file.header, outputCodec(file.header.codec), rows);
        }
        default:
          throw new Unsupported(uri, `${format} position-delete files are not rewritten (Parquet, Avro and Puffin are)`);
      }
    });
  }

  /**
   * An older metadata file (the previous one, or a metadata-log entry): its paths are renamed to
   * their staged or mapped copies, but the snapshots it alone names are not rewritten, so expired
   * snapshots are never brought back. An old history file that never arrived is dropped (`optional`).
   */
  versionFile(uri: string, committedAt: number | undefined, optional: boolean): Promise<ChainFile | undefined> {
    return this.once(uri, committedAt, 'application/json', async replica => {
      const bytes = await this.storage.getBytes(replica);
      if (!bytes) {
        if (optional && this.isOverdue(committedAt)) throw new DroppedHistory(uri);
        throw new MissingObject(s3Uri(replica), committedAt);
      }
      const document = parseMetadata(bytes, replica.key);
      return this.encodeVersion(document, replica.key, undefined);
    });
  }

  /**
   * Renames every path in a metadata document. `log`, for the current file, gives each
   * metadata-log entry's rewritten copy (undefined: dropped); older files name staged copies.
   */
  encodeVersion(document: MetadataDocument, name: string, log: ReadonlyMap<string, string | undefined> | undefined): Buffer {
    rewriteMetadataPaths(document, path => {
      switch (path.kind) {
        case 'location':
        case 'statistics':
          return this.mapStrict(path.uri);
        case 'metadata-file':
          if (log) return log.get(path.uri);
          return this.stagedOrThrow(path.uri);
        default:
          return this.stagedOrThrow(path.uri);
      }
    });
    return encodeMetadata(document, name);
  }

  private stagedOrThrow(uri: string): string {
    const staged = this.stagedUri(uri);
    if (staged === undefined) throw new UnmappedBucket(this.mapUri(uri).unmappedBucket ?? uri);
    return staged;
  }
}


/** One object whatever the URI scheme that names it. */
function objectKey(location: { readonly bucket: string; readonly key: string }): string {
  return `${location.bucket}/${location.key}`;
}
