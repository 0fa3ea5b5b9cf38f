import { BatchGetPartitionCommand, EntityNotFoundException, GetDatabaseCommand, GetTableCommand } from '@aws-sdk/client-glue';
import type { Database, Table } from '@aws-sdk/client-glue';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AwsClients } from './aws-clients';
import type { CatalogSource, SourceDatabase, SourceLookups, SourceTable } from './catalog-source';
import { chunk } from './concurrency';
import { databasePages, partitionPages, tablePages } from './glue-pages';
import { databaseInput, hasPartitions, partitionInput, partitionKey, tableInput } from './glue-shapes';
import { Scope } from './scope';

/** BatchGetPartition takes at most 1000 partitions a call. */
const BATCH_GET_PARTITIONS = 1000;

/** Reads the source Region's Glue Data Catalog lazily, page by page. */
export class LiveCatalogSource implements CatalogSource, SourceLookups {
  readonly sequential = false;
  readonly lookups: SourceLookups = this;
  private accountId?: Promise<string>;

  constructor(private readonly clients: AwsClients, readonly region: string, private readonly scope: Scope) {}

  private get glue() {
    return this.clients.glue(this.region);
  }

  catalogId(): Promise<string> {
    this.accountId ??= this.clients.sts(this.region).send(new GetCallerIdentityCommand({})).then(r => r.Account!);
    return this.accountId;
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

  async existingPartitions(databaseName: string, tableName: string, values: readonly string[][]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const batch of chunk(values, BATCH_GET_PARTITIONS)) {
      let pending = batch.map(Values => ({ Values }));
      while (pending.length > 0) {
        const result = await this.glue.send(new BatchGetPartitionCommand({
          DatabaseName: databaseName, TableName: tableName, PartitionsToGet: pending,
        }));
        for (const p of result.Partitions ?? []) found.add(partitionKey(p.Values));
        pending = (result.UnprocessedKeys ?? []).map(k => ({ Values: k.Values ?? [] }));
      }
    }
    return found;
  }

  private sourceDatabase(database: Database): SourceDatabase {
    const name = database.Name!;
    return { input: databaseInput(database), tables: after => this.tables(name, after) };
  }

  private sourceTable(databaseName: string, table: Table): SourceTable {
    const input = tableInput(table);
    return {
      databaseName,
      input,
      partitionPages: from => this.partitions(databaseName, input.Name!, hasPartitions(input), from),
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

async function notFoundAsUndefined<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof EntityNotFoundException || (error as Error).name === 'EntityNotFoundException') return undefined;
    throw error;
  }
}
