import { mappingErrors, parseMapping, type MappingKind } from './mappings';
import { bucketNameError } from './validation';

/**
 * A source bucket and the bucket that holds its replicated data.
 *
 * S3 locations in the replicated catalog that name `sourceBucket` are rewritten to
 * `targetBucket`; the rest of each URI is kept byte for byte. A mapping with a `targetRegion`
 * wins over one without for that Region.
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

export const BUCKET_MAPPINGS: MappingKind<BucketMapping> = {
  option: '--bucket-map',
  what: 'bucket',
  placeholders: ['SOURCE_BUCKET', 'TARGET_BUCKET'],
  make: (sourceBucket, targetBucket, targetRegion) => ({ sourceBucket, targetBucket, targetRegion }),
  source: m => m.sourceBucket,
  target: m => m.targetBucket,
  nameError: bucketNameError,
};

/** Errors for a list of mappings: invalid bucket or Region names, and a source bucket mapped twice for one target. */
export function bucketMappingErrors(mappings: readonly BucketMapping[]): string[] {
  return mappingErrors(BUCKET_MAPPINGS, mappings);
}

/** Parses the CLI form `SRC=DST` or `SRC=DST@REGION`. Throws with a readable message when malformed. */
export function parseBucketMapping(text: string): BucketMapping {
  return parseMapping(BUCKET_MAPPINGS, text);
}

const S3_URI = /^(s3|s3a|s3n):\/\/([^/?#]+)(.*)$/s;
const S3_ARN = /^(arn:[^:]+:s3:::)(.*)$/s;

export interface MappedUri {
  readonly uri: string;
  /** Set when the URI names a bucket that has no mapping for this target. */
  readonly unmappedBucket?: string;
}

/** Rewrites the bucket of S3 URIs and S3 ARNs for one target Region; everything else is returned as is. */
export class BucketMapper {
  private readonly byBucket = new Map<string, string>();
  private readonly replicaBuckets = new Set<string>();

  constructor(mappings: readonly BucketMapping[], readonly targetRegion: string) {
    // A Region-specific mapping wins over a mapping for every Region.
    for (const m of mappings) if (m.targetRegion === undefined) this.byBucket.set(m.sourceBucket, m.targetBucket);
    for (const m of mappings) if (m.targetRegion === targetRegion) this.byBucket.set(m.sourceBucket, m.targetBucket);
    for (const target of this.byBucket.values()) this.replicaBuckets.add(target);
  }

  /** The resolved `source bucket -> target bucket` pairs for this target Region (Region-specific mappings applied). */
  pairs(): Record<string, string> {
    return Object.fromEntries(this.byBucket);
  }

  /** The buckets this target's locations are mapped into. */
  targetBuckets(): string[] {
    return [...this.replicaBuckets];
  }

  /** `s3://`, `s3a://` and `s3n://` URIs. */
  map(uri: string): MappedUri {
    const match = S3_URI.exec(uri);
    if (!match) return { uri };
    const [, scheme, bucket, rest] = match;
    const target = this.byBucket.get(bucket);
    if (target === undefined) return this.replicaBuckets.has(bucket) ? { uri } : { uri, unmappedBucket: bucket };
    return { uri: `${scheme}://${target}${rest}` };
  }

  /** An S3 ARN (`arn:aws:s3:::bucket/prefix`), as Lake Formation names locations; other ARNs as they are. */
  mapArn(arn: string): MappedUri {
    const match = S3_ARN.exec(arn);
    if (!match) return { uri: arn };
    const mapped = this.map(`s3://${match[2]}`);
    return { uri: match[1] + mapped.uri.slice('s3://'.length), unmappedBucket: mapped.unmappedBucket };
  }
}
