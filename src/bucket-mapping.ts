/**
 * A source bucket and the bucket that holds its replicated data.
 *
 * S3 locations in the replicated catalog that name `sourceBucket` are rewritten to
 * `targetBucket`; the rest of each URI is kept byte for byte.
 */
export interface BucketMapping {
  /** The bucket named by locations in the source Region's catalog. */
  readonly sourceBucket: string;
  /** The bucket S3 replication copies `sourceBucket` into. */
  readonly targetBucket: string;
  /**
   * Apply this mapping only in this target Region.
   * @default - every target Region
   */
  readonly targetRegion?: string;
}
