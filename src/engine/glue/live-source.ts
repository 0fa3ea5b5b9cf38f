import { GetDatabaseCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import type { Database, Table } from '@aws-sdk/client-glue';
import { databasePages, partitionPages, partitionsByValues, tablePages } from './pages';
import { databaseInput, hasPartitions, partitionInput, partitionKey, tableInput } from './shapes';
import type { CatalogSource, SourceDatabase, SourceLookups, SourceTable } from './source';
import { AwsClients } from '../kernel/clients';
import { notFoundAsUndefined } from '../kernel/errors';
import { Scope } from '../kernel/scope';

/** Reads the source Region's Glue Data Catalog lazily, page by page. */
export class LiveCatalogSource implements CatalogSource, SourceLookups {
  readonly sequential = false;
  readonly lookups: SourceLookups = this;

  constructor(private readonly clients: AwsClients, readonly region: string, private readonly scope: Scope) {}

  private get glue() {
    return this.clients.get(GlueClient, this.region);
  }

  catalogId(): Promise<string> {
    return this.clients.callerIdentity(this.region).then(me => me.account);
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
    for await (const page of partitionsByValues(this.glue, databaseName, tableName, values)) for (const p of page) found.add(partitionKey(p.Values));
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
