import type { DatabaseInput, PartitionInput, TableInput } from '@aws-sdk/client-glue';
import type { PartitionPageOf } from './pages';

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
  /** Lookups a run needs to resume where an earlier invocation stopped; live sources only. */
  readonly lookups?: SourceLookups;
  /** The account's catalog id in the source; links into it are pointed at the replica. */
  catalogId(): Promise<string>;
  /** In-scope databases. A thrown error means the listing is incomplete and nothing may be pruned. */
  databases(): AsyncIterable<SourceDatabase>;
}

export interface SourceDatabase {
  readonly input: DatabaseInput;
  /** Tables in listing order; with `after`, those listed after that table. */
  tables(after?: string): AsyncIterable<SourceTable>;
}

export type PartitionPage = PartitionPageOf<PartitionInput>;

export interface SourceTable {
  readonly databaseName: string;
  readonly input: TableInput;
  /** Pages of partitions (empty for tables without partitions), from a page token when resuming. */
  partitionPages(from?: string): AsyncIterable<PartitionPage>;
}

export interface SourceLookups {
  database(name: string): Promise<SourceDatabase | undefined>;
  table(databaseName: string, name: string): Promise<SourceTable | undefined>;
  tableNames(databaseName: string): Promise<Set<string>>;
  /** Which of these partition value lists the source still has (as partition keys). */
  existingPartitions(databaseName: string, tableName: string, values: readonly string[][]): Promise<Set<string>>;
}

/** Where a database's convergence stopped, so the next invocation carries on without loss. */
export interface Cursor {
  /** Every table listed up to and including this one is done (or is in `partials`). */
  readonly afterTable?: string;
  /** Tables whose partitions were cut short, with the source page token to resume from. */
  readonly partials?: readonly PartialTable[];
}

export interface PartialTable {
  readonly table: string;
  readonly next: string;
}
