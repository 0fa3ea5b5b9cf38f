import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { BucketMapping } from './shared/bucket-mapping';
import { ICEBERG_STAGING_PREFIX } from './shared/iceberg-staging';

/**
 * What the Iceberg metadata rewrite needs, on the target buckets of the mappings only: read the copies S3
 * replication made there (and list them, so a copy not there yet answers "missing", not "access denied"), and
 * write only under the staging prefix. Nothing in the source buckets: the rewrite reads the replicated copies.
 */
export function icebergPolicyStatements(stack: Stack, mappings: readonly BucketMapping[]): iam.PolicyStatement[] {
  const buckets = [...new Set(mappings.map(m => m.targetBucket))];
  if (buckets.length === 0) return [];
  const bucketArn = (bucket: string) => stack.formatArn({ service: 's3', region: '', account: '', resource: bucket });
  return [
    new iam.PolicyStatement({
      sid: 'ReadReplicatedIcebergFiles',
      actions: ['s3:GetObject'],
      resources: buckets.map(b => `${bucketArn(b)}/*`),
    }),
    new iam.PolicyStatement({
      sid: 'ListReplicatedIcebergFiles',
      actions: ['s3:ListBucket'],
      resources: buckets.map(bucketArn),
    }),
    new iam.PolicyStatement({
      sid: 'WriteStagedIcebergMetadata',
      actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      resources: buckets.map(b => `${bucketArn(b)}/${ICEBERG_STAGING_PREFIX}*`),
    }),
  ];
}
