/**
 * Iceberg metadata rewrite: makes a replicated Iceberg table readable, and writable after a
 * failover, from the target Region's storage alone.
 *
 * S3 replication copies an Iceberg table's files byte for byte, so the copies still name the source
 * bucket in every path: the table location, each snapshot's manifest list, each manifest, each data
 * and delete file. This module writes rewritten copies of the files that hold paths, staged under
 * `_lake-replica/iceberg/<mapping id>/<source bucket>/<source key>` in each target bucket, and gives
 * back the staged metadata file for the target catalog to point at.
 *
 * ## Entry points (one call per table per target; plain inputs; nothing read from the environment)
 *
 * - `rewriteIcebergTable(request)`: the Glue converger (run path and near-real-time path alike)
 *   calls it for each in-scope table with `Parameters.table_type` ICEBERG whose `metadata_location`
 *   moved, passing the SOURCE catalog's `metadata_location` / `previous_metadata_location`, the
 *   target's bucket mapping as a function plus its `icebergMappingId`, and an S3 client in the
 *   target Region. Then:
 *     - `rewritten` / `unchanged`: write `metadataLocation` and `previousMetadataLocation` into the
 *       target table's parameters (unchanged and already pointing there: no catalog write);
 *     - `waiting`: keep the target's current pointers, report the `missing` keys, retry next run or
 *       from the near-real-time retry; `failed` (after `ICEBERG_REPLICATION_WAIT_MS`, or an
 *       unsupported file): keep the pointers and report `reason`;
 *     - `unmapped`: warn as for any unmapped location; no rewrite;
 *     - `notIceberg` / `s3Tables`: leave the table to the ordinary replica path.
 *   `dryRun: true` (plan, verify) counts what would be written and writes nothing. Failing back is
 *   the same call with the reversed mapping. `apiCalls`, `filesWritten`, `bytesWritten` and
 *   `filesUnchanged` feed the per-table report.
 * - `checkIcebergChain(metadataLocation, targetBuckets, s3)`: `verify`'s drift check of the chain a
 *   TARGET table points at: every path it names is in one of the target's mapped buckets and exists.
 * - `checkStorageLocations(tableLocation, partitionLocations, s3)`: `verify --storage` for Hive
 *   tables: one listing of the table's prefix shows which locations exist.
 * - `icebergMappingId(pairs)`, `ICEBERG_STAGING_PREFIX`, `isStagedUri(uri)`, `isS3TablesLocation(uri)`:
 *   for the converger's bookkeeping and the construct's IAM (write only on the staging prefix).
 *
 * The S3 calls needed, on each target bucket of the mapping: s3:GetObject on the bucket's objects and
 * s3:ListBucket on the bucket (read the replicated copies, find staged ones; without ListBucket a
 * missing key answers 403 instead of 404, and a table would fail instead of waiting), s3:PutObject
 * and s3:AbortMultipartUpload on `arn:aws:s3:::<bucket>/_lake-replica/iceberg/*` only; kms:Decrypt
 * and kms:GenerateDataKey on the buckets' keys for SSE-KMS. `verify` needs only the read half.
 */
export { rewriteIcebergTable, isS3TablesLocation, ICEBERG_REPLICATION_WAIT_MS } from './rewrite-table';
export { checkIcebergChain, type IcebergChainCheck } from './check-chain';
export { checkStorageLocations, type StorageLocationCheck } from './storage-readiness';
export { icebergMappingId, isStagedUri, ICEBERG_STAGING_PREFIX } from './staging';
export type { IcebergRewriteRequest, IcebergRewriteResult, IcebergRewriteStatus, MappedUri } from './types';
