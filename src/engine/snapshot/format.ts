import type { DatabaseInput, PartitionInput, TableInput } from '@aws-sdk/client-glue';

/**
 * The snapshot file: JSON Lines, gzip-compressed when its name ends in ".gz".
 * Documented in docs/snapshot-format.md; bump SNAPSHOT_VERSION on any incompatible change.
 *
 *   {"format":"lake-replica-snapshot","version":1,...header}
 *   {"database":{...DatabaseInput}}
 *   {"table":{...TableInput},"database":"db"}
 *   {"partitions":[...PartitionInput],"database":"db","table":"t"}     (one line per page)
 *   {"end":{"databases":1,"tables":1,"partitions":1}}
 *
 * Records are grouped: a database's tables follow it, and a table's partition pages follow it.
 * The trailer proves the file is complete: a snapshot without one is refused.
 */
export const SNAPSHOT_FORMAT = 'lake-replica-snapshot';
export const SNAPSHOT_VERSION = 1;

export interface SnapshotHeader {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly version: number;
  readonly createdAt: string;
  readonly source: { readonly region: string; readonly catalogId: string };
  readonly scope: { readonly databases: readonly string[]; readonly excludeDatabases: readonly string[] };
}

export interface SnapshotTotals { databases: number; tables: number; partitions: number }

export type SnapshotRecord =
  | { readonly database: DatabaseInput }
  | { readonly table: TableInput; readonly database: string }
  | { readonly partitions: PartitionInput[]; readonly database: string; readonly table: string }
  | { readonly end: SnapshotTotals };
