import type { S3Client } from '@aws-sdk/client-s3';
import { openAvro } from './avro';
import { isLive, type ManifestEntryRecord } from './manifest-entries';
import { mapLimit, objectSizes } from './presence';
import { parseS3Uri, s3Uri } from './s3-location';
import { IcebergStorage } from './storage';
import { metadataPaths, parseMetadata } from './table-metadata';

const LISTED = 100;
const CONCURRENCY = 4;

export interface IcebergChainCheck {
  /** True when every path is in a target bucket and every file exists. */
  readonly ok: boolean;
  /** Paths naming a bucket outside the target's mapped buckets (the source, say); at most 100 listed. */
  readonly outside: readonly string[];
  /** Files the chain names that are not in the target; at most 100 listed. */
  readonly missing: readonly string[];
  readonly outsideCount: number;
  readonly missingCount: number;
  /** Files whose existence was checked. */
  readonly filesChecked: number;
  readonly apiCalls: Readonly<Record<string, number>>;
}

/**
 * Walks the chain a target table points at (its current metadata file, every snapshot's manifest
 * list and manifests, their live data and delete files, statistics files and the metadata log) and
 * reports paths outside `targetBuckets` and files missing there. Reads each manifest once,
 * streaming, and checks existence with one listing per directory where files are many.
 */
export async function checkIcebergChain(metadataLocation: string, targetBuckets: Iterable<string>, s3: S3Client): Promise<IcebergChainCheck> {
  const buckets = new Set(targetBuckets);
  const storage = new IcebergStorage(s3, true);
  const outside = new Set<string>();
  const missing = new Set<string>();
  let filesChecked = 0;
  /** A path in a target bucket, or undefined (recorded) when outside; relative paths are skipped. */
  const inTarget = (uri: string) => {
    const location = parseS3Uri(uri);
    if (!location) return undefined;
    if (!buckets.has(location.bucket)) {
      outside.add(uri);
      return undefined;
    }
    return location;
  };
  const checkExist = async (uris: Iterable<string>) => {
    const byBucket = new Map<string, Set<string>>();
    for (const uri of uris) {
      const location = inTarget(uri);
      if (!location) continue;
      if (!byBucket.has(location.bucket)) byBucket.set(location.bucket, new Set());
      byBucket.get(location.bucket)!.add(location.key);
    }
    for (const [bucket, keys] of byBucket) {
      filesChecked += keys.size;
      const sizes = await objectSizes(storage, bucket, keys);
      for (const key of keys) if (!sizes.has(key)) missing.add(s3Uri({ scheme: 's3', bucket, key }));
    }
  };
  const records = async function* (uri: string) {
    const location = inTarget(uri);
    if (!location) return;
    filesChecked++;
    const body = await storage.getStream(location);
    if (!body) {
      missing.add(uri);
      return;
    }
    yield* (await openAvro(body)).records;
  };

  const root = inTarget(metadataLocation);
  const bytes = root && await storage.getBytes(root);
  filesChecked++;
  if (root && !bytes) missing.add(metadataLocation);
  if (root && bytes) {
    const paths = metadataPaths(parseMetadata(bytes, root.key));
    for (const path of paths.filter(p => p.kind === 'location')) inTarget(path.uri);
    await checkExist(paths.filter(p => p.kind === 'metadata-file' || p.kind === 'statistics').map(p => p.uri));
    const manifests = new Set(paths.filter(p => p.kind === 'manifest').map(p => p.uri));
    for (const path of new Set(paths.filter(p => p.kind === 'manifest-list').map(p => p.uri))) {
      for await (const entry of records(path)) manifests.add((entry as { manifest_path: string }).manifest_path);
    }
    await mapLimit([...manifests], CONCURRENCY, async manifest => {
      const files = new Set<string>();
      for await (const record of records(manifest)) {
        const entry = record as unknown as ManifestEntryRecord;
        if (entry.data_file.referenced_data_file) inTarget(entry.data_file.referenced_data_file);
        if (isLive(entry)) files.add(entry.data_file.file_path);
        else inTarget(entry.data_file.file_path);
      }
      await checkExist(files);
    });
  }
  return {
    ok: outside.size === 0 && missing.size === 0,
    outside: [...outside].sort().slice(0, LISTED),
    missing: [...missing].sort().slice(0, LISTED),
    outsideCount: outside.size,
    missingCount: missing.size,
    filesChecked,
    apiCalls: { ...storage.apiCalls },
  };
}
