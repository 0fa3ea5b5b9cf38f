import type { BucketMappingRule } from '../shared/bucket-mapping';

const S3_URI = /^(s3|s3a|s3n):\/\/([^/?#]+)(.*)$/s;

export interface MappedUri {
  readonly uri: string;
  /** Set when the URI names a bucket that has no mapping for this target. */
  readonly unmappedBucket?: string;
}

/** Rewrites the bucket of S3 URIs for one target Region; everything else is returned as is. */
export class BucketMapper {
  private readonly byBucket = new Map<string, string>();
  private readonly replicaBuckets = new Set<string>();

  constructor(rules: readonly BucketMappingRule[], readonly targetRegion: string) {
    // A Region-specific rule wins over a rule for every Region.
    for (const rule of rules) if (rule.targetRegion === undefined) this.byBucket.set(rule.sourceBucket, rule.targetBucket);
    for (const rule of rules) if (rule.targetRegion === targetRegion) this.byBucket.set(rule.sourceBucket, rule.targetBucket);
    for (const target of this.byBucket.values()) this.replicaBuckets.add(target);
  }

  map(uri: string): MappedUri {
    const match = S3_URI.exec(uri);
    if (!match) return { uri };
    const [, scheme, bucket, rest] = match;
    const target = this.byBucket.get(bucket);
    if (target === undefined) return this.replicaBuckets.has(bucket) ? { uri } : { uri, unmappedBucket: bucket };
    return { uri: `${scheme}://${target}${rest}` };
  }
}
