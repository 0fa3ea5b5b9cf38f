import { GetTableCommand, type GlueClient, type PartitionInput, type TableInput } from '@aws-sdk/client-glue';
import { partitionsByValues } from './pages';
import { partitionInput, partitionKey, tableInput } from './shapes';
import { notFoundAsUndefined } from '../kernel/errors';

/** One table as its write shape, or undefined when it (or its database) does not exist. */
export async function getTableInput(glue: GlueClient, databaseName: string, name: string): Promise<TableInput | undefined> {
  const found = await notFoundAsUndefined(glue.send(new GetTableCommand({ DatabaseName: databaseName, Name: name })));
  return found?.Table ? tableInput(found.Table) : undefined;
}

/** The named partitions that exist, as write shapes by partition key; none when the table does not exist. */
export async function getPartitionInputs(
  glue: GlueClient, databaseName: string, tableName: string, values: readonly string[][],
): Promise<Map<string, PartitionInput>> {
  const found = new Map<string, PartitionInput>();
  await notFoundAsUndefined((async () => {
    for await (const page of partitionsByValues(glue, databaseName, tableName, values)) {
      for (const p of page) found.set(partitionKey(p.Values), partitionInput(p));
    }
  })());
  return found;
}
