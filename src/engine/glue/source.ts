import { GetDatabaseCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import type { Database, DatabaseInput, Partition, PartitionInput, Table, TableInput } from '@aws-sdk/client-glue';
import { CATALOG_OWNER, readAttachments, type SourceAttachments } from './attached';
import { databasePages, partitionPages, partitionsByValues, tablePages, type PartitionPageOf } from './pages';
import { databaseInput, hasPartitions, partitionInput, partitionKey, tableInput } from './shapes';
import type { AttachedKind } from '../../shared/attached-kinds';
import { AwsClients } from '../kernel/clients';
import { notFoundAsUndefined } from '../kernel/errors';
import { callerIdentity } from '../kernel/identity';
import { Scope } from '../kernel/scope';

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
  /**
   * The objects the account's catalog owns (connections, catalogs) of the given kinds; a kind the source does not hold
   * (an older snapshot's) is left out. Absent: the source holds none.
   */
  catalogAttachments?(kinds: readonly AttachedKind[]): Promise<SourceAttachments>;
}

export interface SourceDatabase {
  readonly input: DatabaseInput;
  /** The database's attached objects of the given kinds; a kind the source does not hold is left out. */
  attachments(kinds: readonly AttachedKind[]): Promise<SourceAttachments>;
  /** Tables in listing order; with `after`, those listed after that table. */
  tables(after?: string): AsyncIterable<SourceTable>;
}

export type PartitionPage = PartitionPageOf<PartitionInput>;

export interface SourceTable {
  readonly databaseName: string;
  readonly input: TableInput;
  /** When the source last changed the table (a live source's UpdateTime; a snapshot has none). */
  readonly updatedAt?: Date;
  /** Pages of partitions (empty for tables without partitions), from a page token when resuming. */
  partitionPages(from?: string): AsyncIterable<PartitionPage>;
  /** The table's attached objects of the given kinds; a kind the source does not hold (an older snapshot's) is left out. */
  attachments(kinds: readonly AttachedKind[]): Promise<SourceAttachments>;
}

export interface SourceLookups {
  database(name: string): Promise<SourceDatabase | undefined>;
  table(databaseName: string, name: string): Promise<SourceTable | undefined>;
  tableNames(databaseName: string): Promise<Set<string>>;
  /** Those of the named partitions the source has, by partition key; throws when the table does not exist. */
  partitionsByValues(databaseName: string, tableName: string, values: readonly string[][]): Promise<Map<string, PartitionInput>>;
}

/** Reads the source Region's Glue Data Catalog lazily, page by page. */
export class LiveCatalogSource implements CatalogSource, SourceLookups {
  readonly sequential = false;
  readonly lookups: SourceLookups = this;

  constructor(private readonly clients: AwsClients, readonly region: string, private readonly scope: Scope) {}

  private get glue() {
    return this.clients.get(GlueClient, this.region);
  }

  catalogId(): Promise<string> {
    return callerIdentity(this.clients, this.region).then(me => me.account);
  }

  async catalogAttachments(kinds: readonly AttachedKind[]): Promise<SourceAttachments> {
    return readAttachments(this.glue, { ...CATALOG_OWNER, catalogId: await this.catalogId() }, kinds);
  }

  async* databases(): AsyncIterable<SourceDatabase> {
    for await (const page of databasePages(this.glue)) {
      for (const database of page) {
        if (database.Name && this.scope.includes(database.Name)) yield this.sourceDatabase(database);
      }
    }
  }

  async database(name: string): Promise<SourceDatabase | undefined> {
    const found = await notFoundAsUndefined(this.glue.send(new GetDatabaseCommand({ Name: name })));
    return found?.Database ? this.sourceDatabase(found.Database) : undefined;
  }

  async table(databaseName: string, name: string): Promise<SourceTable | undefined> {
    const found = await notFoundAsUndefined(this.glue.send(new GetTableCommand({ DatabaseName: databaseName, Name: name })));
    return found?.Table ? this.sourceTable(databaseName, found.Table) : undefined;
  }

  async tableNames(databaseName: string): Promise<Set<string>> {
    const names = new Set<string>();
    for await (const page of tablePages(this.glue, databaseName)) for (const t of page) if (t.Name) names.add(t.Name);
    return names;
  }

  async partitionsByValues(databaseName: string, tableName: string, values: readonly string[][]): Promise<Map<string, PartitionInput>> {
    return partitionsByKey(this.glue, databaseName, tableName, values, partitionInput);
  }

  private sourceDatabase(database: Database): SourceDatabase {
    const name = database.Name!;
    return {
      input: databaseInput(database),
      tables: after => this.tables(name, after),
      attachments: kinds => readAttachments(this.glue, { database: name }, kinds),
    };
  }

  private sourceTable(databaseName: string, table: Table): SourceTable {
    const input = tableInput(table);
    return {
      databaseName,
      input,
      updatedAt: table.UpdateTime,
      partitionPages: from => this.partitions(databaseName, input.Name!, hasPartitions(input), from),
      attachments: kinds => readAttachments(this.glue, { database: databaseName, table: input.Name! }, kinds, input),
    };
  }

  /**
   * Tables in listing order. With `after`, skips through that table. If it is no longer listed
   * (deleted meanwhile): when the listing came sorted by name, as Glue lists, the tables named
   * after it follow; otherwise everything is listed again (converging is idempotent).
   */
  private async* tables(databaseName: string, after?: string): AsyncIterable<SourceTable> {
    let skipping = after !== undefined;
    let sorted = true;
    let previous = '';
    for await (const page of tablePages(this.glue, databaseName)) {
      for (const table of page) {
        const name = table.Name ?? '';
        if (name < previous) sorted = false;
        previous = name;
        if (skipping) {
          if (name === after) skipping = false;
          continue;
        }
        yield this.sourceTable(databaseName, table);
      }
    }
    if (!skipping) return;
    for await (const page of tablePages(this.glue, databaseName)) {
      for (const table of page) if (!sorted || (table.Name ?? '') > after!) yield this.sourceTable(databaseName, table);
    }
  }

  private async* partitions(databaseName: string, tableName: string, partitioned: boolean, from?: string) {
    if (!partitioned) return;
    for await (const page of partitionPages(this.glue, databaseName, tableName, from)) {
      yield { partitions: page.partitions.map(partitionInput), next: page.next };
    }
  }
}

/** The named partitions that exist, by partition key, each as `shape` makes it; throws when the table does not exist. */
export async function partitionsByKey<T>(
  glue: GlueClient, databaseName: string, tableName: string, values: readonly string[][], shape: (p: Partition) => T,
): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  for await (const page of partitionsByValues(glue, databaseName, tableName, values)) {
    for (const p of page) found.set(partitionKey(p.Values), shape(p));
  }
  return found;
}
