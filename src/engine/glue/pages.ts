import { BatchGetPartitionCommand, GlueClient, paginateGetDatabases, paginateGetPartitions, paginateGetTables } from '@aws-sdk/client-glue';
import type { Database, Partition, Table } from '@aws-sdk/client-glue';
import { chunk } from '../kernel/concurrency';

/** BatchGetPartition takes at most 1000 partitions a call. */
const BATCH_GET_PARTITIONS = 1000;

/** Every listing is paged to the end (the SDK's paginators); pages are yielded as they arrive so memory stays flat. */

export async function* databasePages(glue: GlueClient): AsyncIterable<Database[]> {
  for await (const page of paginateGetDatabases({ client: glue, pageSize: 100 }, {})) yield page.DatabaseList ?? [];
}

export async function* tablePages(glue: GlueClient, DatabaseName: string): AsyncIterable<Table[]> {
  for await (const page of paginateGetTables({ client: glue, pageSize: 100 }, { DatabaseName })) yield page.TableList ?? [];
}

/** A page of partitions and the token of the next page, so a long table can be resumed. */
export interface PartitionPageOf<T> { readonly partitions: T[]; readonly next?: string }

export async function* partitionPages(
  glue: GlueClient, DatabaseName: string, TableName: string, from?: string,
): AsyncIterable<PartitionPageOf<Partition>> {
  // No Expression: an empty one is rejected, and we want every partition.
  for await (const page of paginateGetPartitions({ client: glue, pageSize: 1000, startingToken: from }, { DatabaseName, TableName })) {
    yield { partitions: page.Partitions ?? [], next: page.NextToken };
  }
}

/** The named partitions that exist, batch by batch, unprocessed keys asked again; throws when the table does not exist. */
export async function* partitionsByValues(
  glue: GlueClient, databaseName: string, tableName: string, values: readonly string[][],
): AsyncIterable<Partition[]> {
  for (const batch of chunk(values, BATCH_GET_PARTITIONS)) {
    let pending = batch.map(Values => ({ Values }));
    while (pending.length > 0) {
      const result = await glue.send(new BatchGetPartitionCommand({ DatabaseName: databaseName, TableName: tableName, PartitionsToGet: pending }));
      yield result.Partitions ?? [];
      pending = (result.UnprocessedKeys ?? []).map(k => ({ Values: k.Values ?? [] }));
    }
  }
}
