import type { DatabaseInput, PartitionInput, TableInput } from '@aws-sdk/client-glue';

/**
 * The source state, as write shapes (output-only fields already dropped) and before any
 * bucket mapping. A live Region and a snapshot file both provide it.
 */
export interface CatalogSource {
  readonly region: string;
  /** Where the snapshot was read from, when the source is one. */
  readonly snapshotLocation?: string;
  /**
   * True when the source can only be read in order (a snapshot stream): the engine then
   * visits one database and one table at a time.
   */
  readonly sequential: boolean;
  /** The account's catalog id in the source; links into it are pointed at the replica. */
  catalogId(): Promise<string>;
  /** In-scope databases. A thrown error means the listing is incomplete and nothing may be pruned. */
  databases(): AsyncIterable<SourceDatabase>;
}

export interface SourceDatabase {
  readonly input: DatabaseInput;
  tables(): AsyncIterable<SourceTable>;
}

export interface SourceTable {
  readonly databaseName: string;
  readonly input: TableInput;
  /** Pages of partitions; empty for tables without partitions. */
  partitionPages(): AsyncIterable<PartitionInput[]>;
}
