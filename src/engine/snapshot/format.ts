import type { DatabaseInput, PartitionInput, TableInput } from '@aws-sdk/client-glue';
import type { AttachedKind } from '../../shared/attached-kinds';
import type { LfField, LfKind } from '../lake-formation';

/**
 * The snapshot file: JSON Lines, gzip-compressed when its name ends in ".gz".
 * Documented in docs/snapshot-format.md; bump SNAPSHOT_VERSION on any incompatible change.
 *
 *   {"format":"lake-replica-snapshot","version":2,...header,"lakeFormation":{"kinds":[...]}}
 *   {"lakeFormation":"permissions","items":[...]}                      (Lake Formation state, up to 1000 items a line)
 *   {"attached":"catalogs","items":[...]}                             (the account catalog's own objects: connections, catalogs)
 *   {"database":{...DatabaseInput}}
 *   {"table":{...TableInput},"database":"db"}
 *   {"attached":"partitionIndexes","database":"db","table":"t","items":[...]}   (a table's or, without "table", a database's attached objects)
 *   {"partitions":[...PartitionInput],"database":"db","table":"t"}     (one line per page)
 *   {"end":{"databases":1,"tables":1,"partitions":1,"lakeFormation":1}}
 *
 * Lake Formation records come first: a restore applies settings, tags and locations before the
 * Glue objects. Records are grouped: a database's attached objects and tables follow it, and a table's attached
 * objects and then its partition pages follow it.
 * The trailer proves the file is complete: a snapshot without one is refused.
 */
export const SNAPSHOT_FORMAT = 'lake-replica-snapshot';
export const SNAPSHOT_VERSION = 3;
/** Version 1 has no Lake Formation state, version 2 no attached objects; both are still read. */
export const READABLE_VERSIONS: readonly number[] = [1, 2, 3];

export interface SnapshotHeader {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly version: number;
  readonly createdAt: string;
  readonly source: { readonly region: string; readonly catalogId: string };
  readonly scope: { readonly databases: readonly string[]; readonly excludeDatabases: readonly string[] };
  /** The Lake Formation kinds captured; absent when none were (and in version 1). */
  readonly lakeFormation?: { readonly kinds: readonly LfKind[] };
  /** The attached kinds captured (version 3); a kind left out was not read, and a restore leaves it alone. */
  readonly attached?: { readonly kinds: readonly AttachedKind[] };
}

export interface SnapshotTotals { databases: number; tables: number; partitions: number; lakeFormation?: number; attached?: number }

/** Totals before anything is counted. */
export function noTotals(): SnapshotTotals {
  return { databases: 0, tables: 0, partitions: 0, attached: 0 };
}

export type SnapshotRecord =
  | { readonly lakeFormation: LfField; readonly items: unknown[] }
  | { readonly database: DatabaseInput }
  | { readonly table: TableInput; readonly database: string }
  | { readonly attached: string; readonly database: string; readonly table?: string; readonly items: object[] }
  /** The catalog's own objects (version 3, optional): after the Lake Formation records, before the first database. */
  | { readonly attached: string; readonly database?: undefined; readonly table?: undefined; readonly items: object[] }
  | { readonly partitions: PartitionInput[]; readonly database: string; readonly table: string }
  | { readonly end: SnapshotTotals };
