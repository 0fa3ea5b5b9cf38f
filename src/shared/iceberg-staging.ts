/**
 * Where the Iceberg metadata rewrite writes its staged files in each target bucket: a prefix S3 replication never
 * writes, so the two never race on one key, and one the construct can scope the replicator's writes to.
 */
export const ICEBERG_STAGING_PREFIX = '_lake-replica/iceberg/';
