import { createHash } from 'node:crypto';
import { parseS3Uri, type S3Location } from './s3-location';
import { ICEBERG_STAGING_PREFIX } from '../../shared/iceberg-staging';

/**
 * Where rewritten copies live in each target bucket. S3 replication only writes keys that exist in
 * the source bucket, and no engine writes here, so a staged key never races with a replicated one.
 * Readers that follow Hadoop's hidden-path rule (Hive, Spark, Arrow datasets) skip folders whose
 * names begin with `_`, so a Hive table located at a bucket root does not read staged files as data.
 * IAM scopes the replicator's writes to `arn:aws:s3:::<target-bucket>/_lake-replica/iceberg/*`.
 */
export { ICEBERG_STAGING_PREFIX };

/**
 * Identifies a bucket mapping (source bucket -> target bucket, for one target Region). Staged keys
 * include it, so a changed mapping writes a new chain instead of reusing files that name the old
 * target buckets, and a chain the catalog points at is never overwritten.
 */
export function icebergMappingId(pairs: Readonly<Record<string, string>>): string {
  const lines = Object.entries(pairs).map(([source, target]) => `${source}\u0000${target}\n`).sort();
  return createHash('sha256').update(lines.join('')).digest('hex').slice(0, 16);
}

const MAPPING_ID = /^[0-9a-z][0-9a-z-]{0,62}$/;

export function assertMappingId(mappingId: string): void {
  if (!MAPPING_ID.test(mappingId)) {
    throw new Error(`Iceberg mappingId "${mappingId}" is not valid: use 1 to 63 lower-case letters, digits and "-" (icebergMappingId() makes one)`);
  }
}

/**
 * The staged copy of a source file: `<scheme>://<target bucket>/_lake-replica/iceberg/<mapping id>/<source bucket>/<source key>`.
 * The file name is kept, because engines read the version number from a metadata file's name.
 */
export function stagedLocation(source: S3Location, targetBucket: string, mappingId: string): S3Location {
  return { scheme: source.scheme, bucket: targetBucket, key: `${ICEBERG_STAGING_PREFIX}${mappingId}/${source.bucket}/${source.key}` };
}

/** True when a URI names a staged copy written by this module (under any mapping). */
export function isStagedUri(uri: string): boolean {
  const location = parseS3Uri(uri);
  return location !== undefined && location.key.startsWith(ICEBERG_STAGING_PREFIX);
}
