import type { S3Client } from '@aws-sdk/client-s3';

/** A source URI mapped into the target Region; `unmappedBucket` is set when its bucket has no mapping. */
export interface MappedUri {
  readonly uri: string;
  readonly unmappedBucket?: string;
}

export interface IcebergRewriteRequest {
  /** The source catalog's `metadata_location`: an absolute URI into a source bucket. */
  readonly metadataLocation: string;
  /** The source catalog's `previous_metadata_location`, if any. */
  readonly previousMetadataLocation?: string;
  /** Maps a source URI to the target Region's URI (for failback, pass the reversed mapping). */
  readonly mapUri: (uri: string) => MappedUri;
  /**
   * Identifies the bucket mapping for this target (see `icebergMappingId`). Staged keys include it, so
   * a changed mapping writes a new chain rather than reusing files that name the old buckets.
   */
  readonly mappingId: string;
  /** An S3 client in the TARGET Region: source files are read from their replicated copies there. */
  readonly s3: S3Client;
  /** Plan and verify: compute what would be written, and write nothing. */
  readonly dryRun: boolean;
  /** Now, in epoch milliseconds, for the replication-lag bound (default Date.now()). */
  readonly now?: number;
  /**
   * When the source committed `metadataLocation` (the source table's UpdateTime), in epoch
   * milliseconds: it ages a missing metadata file. Without it, a missing metadata file waits.
   */
  readonly committedAt?: number;
  /** How long a replicated copy may be missing before the table fails (default ICEBERG_REPLICATION_WAIT_MS). */
  readonly waitBoundMs?: number;
}

export type IcebergRewriteStatus =
  /** A rewritten chain is staged (in a dry run: would be); point the catalog at `metadataLocation`. */
  | 'rewritten'
  /** The staged chain already exists: zero writes. Point the catalog at `metadataLocation` if it is not already. */
  | 'unchanged'
  /** Replicated copies have not arrived (`missing`): keep the target's previous pointer and retry. */
  | 'waiting'
  /** Copies still missing after the bound, or a file that cannot be rewritten (`reason`): keep the previous pointer. */
  | 'failed'
  /** A location names a bucket with no mapping (`unmappedBuckets`): no rewrite; the replica would read the source. */
  | 'unmapped'
  /** The metadata location is not an Iceberg metadata file. */
  | 'notIceberg'
  /** An S3 Tables table: S3 Tables replication rewrites it; leave it to that. */
  | 's3Tables';

export interface IcebergRewriteResult {
  readonly status: IcebergRewriteStatus;
  /** The staged rewritten current metadata file, for the target catalog's `metadata_location`. */
  readonly metadataLocation?: string;
  /** The staged rewritten previous metadata file, for `previous_metadata_location`. */
  readonly previousMetadataLocation?: string;
  /** Target URIs of replicated copies not there yet (waiting) or after the bound (failed); at most 100 listed. */
  readonly missing?: readonly string[];
  /** How many copies are missing in all. */
  readonly missingCount?: number;
  readonly unmappedBuckets?: readonly string[];
  /** Staged files written (in a dry run: that would be written) and their bytes. */
  readonly filesWritten: number;
  readonly bytesWritten: number;
  /** Staged files found already rewritten and reused. */
  readonly filesUnchanged: number;
  /** S3 calls made, by "s3:Operation". */
  readonly apiCalls: Readonly<Record<string, number>>;
  readonly reason?: string;
  /** Notes that do not stop the rewrite (history entries dropped, for example). */
  readonly warnings: readonly string[];
}
