import { bucketNameError, regionError } from './validation';

/** One source bucket mapped to the bucket that holds its replicated data. */
export interface BucketMappingRule {
  readonly sourceBucket: string;
  readonly targetBucket: string;
  /** Only for this target Region; undefined means every target Region. */
  readonly targetRegion?: string;
}

/** Errors for a list of mappings: invalid bucket or Region names, and a source bucket mapped twice for one target. */
export function bucketMappingErrors(mappings: readonly BucketMappingRule[]): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const m of mappings) {
    for (const error of [
      bucketNameError('source bucket', m.sourceBucket),
      bucketNameError('target bucket', m.targetBucket),
      m.targetRegion === undefined ? undefined : regionError('bucket mapping target Region', m.targetRegion),
    ]) if (error) errors.push(error);
    const key = `${m.sourceBucket}@${m.targetRegion ?? '*'}`;
    if (seen.has(key)) {
      errors.push(`source bucket "${m.sourceBucket}" is mapped twice for ${m.targetRegion ? `target Region "${m.targetRegion}"` : 'all target Regions'}; map each source bucket once per target`);
    }
    seen.add(key);
  }
  return errors;
}

/** Parses the CLI form `SRC=DST` or `SRC=DST@REGION`. Throws with a readable message when malformed. */
export function parseBucketMapping(text: string): BucketMappingRule {
  const match = /^([^=@\s]+)=([^=@\s]+)(?:@([^=@\s]+))?$/.exec(text);
  if (!match) {
    throw new Error(`--bucket-map "${text}" is malformed; expected SOURCE_BUCKET=TARGET_BUCKET or SOURCE_BUCKET=TARGET_BUCKET@TARGET_REGION`);
  }
  const rule: BucketMappingRule = { sourceBucket: match[1], targetBucket: match[2], targetRegion: match[3] };
  const errors = bucketMappingErrors([rule]);
  if (errors.length > 0) throw new Error(`--bucket-map "${text}": ${errors.join('; ')}`);
  return rule;
}
