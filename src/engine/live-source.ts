import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AwsClients } from './aws-clients';
import type { CatalogSource, SourceDatabase, SourceTable } from './catalog-source';
import { databasePages, partitionPages, tablePages } from './glue-pages';
import { databaseInput, hasPartitions, partitionInput, tableInput } from './glue-shapes';
import { Scope } from './scope';

/** Reads the source Region's Glue Data Catalog lazily, page by page. */
export class LiveCatalogSource implements CatalogSource {
  readonly sequential = false;
  private accountId?: Promise<string>;

  constructor(private readonly clients: AwsClients, readonly region: string, private readonly scope: Scope) {}

  catalogId(): Promise<string> {
    this.accountId ??= this.clients.sts(this.region).send(new GetCallerIdentityCommand({})).then(r => r.Account!);
    return this.accountId;
  }

  async* databases(): AsyncIterable<SourceDatabase> {
    const glue = this.clients.glue(this.region);
    for await (const page of databasePages(glue)) {
      for (const database of page) {
        if (!database.Name || !this.scope.includes(database.Name)) continue;
        const name = database.Name;
        yield {
          input: databaseInput(database),
          tables: () => this.tables(name),
        };
      }
    }
  }

  private async* tables(databaseName: string): AsyncIterable<SourceTable> {
    const glue = this.clients.glue(this.region);
    for await (const page of tablePages(glue, databaseName)) {
      for (const table of page) {
        const input = tableInput(table);
        yield {
          databaseName,
          input,
          partitionPages: () => this.partitions(databaseName, input.Name!, hasPartitions(input)),
        };
      }
    }
  }

  private async* partitions(databaseName: string, tableName: string, partitioned: boolean) {
    if (!partitioned) return;
    for await (const page of partitionPages(this.clients.glue(this.region), databaseName, tableName)) {
      yield page.map(partitionInput);
    }
  }
}
