import { BatchGetPartitionCommand, GetTableCommand, type GlueClient, type PartitionInput, type TableInput } from '@aws-sdk/client-glue';
import { chunk } from '../concurrency';
import { partitionInput, partitionKey, tableInput } from '../glue-shapes';

/** BatchGetPartition takes at most 1000 partitions a call. */
const BATCH_GET_PARTITIONS = 1000;

/** One table as its write shape, or undefined when it (or its database) does not exist. */
export async function getTableInput(glue: GlueClient, databaseName: string, name: string): Promise<TableInput | undefined> {
  try {
    const found = await glue.send(new GetTableCommand({ DatabaseName: databaseName, Name: name }));
    return found.Table ? tableInput(found.Table) : undefined;
  } catch (error) {
    if ((error as Error).name === 'EntityNotFoundException') return undefined;
    throw error;
  }
}

/** The named partitions that exist, as write shapes by partition key; none when the table does not exist. */
export async function getPartitionInputs(
  glue: GlueClient, databaseName: string, tableName: string, values: readonly string[][],
): Promise<Map<string, PartitionInput>> {
  const found = new Map<string, PartitionInput>();
  for (const batch of chunk(values, BATCH_GET_PARTITIONS)) {
    let pending = batch.map(Values => ({ Values }));
    while (pending.length > 0) {
      let result;
      try {
        result = await glue.send(new BatchGetPartitionCommand({ DatabaseName: databaseName, TableName: tableName, PartitionsToGet: pending }));
      } catch (error) {
        if ((error as Error).name === 'EntityNotFoundException') return found;
        throw error;
      }
      for (const p of result.Partitions ?? []) found.set(partitionKey(p.Values), partitionInput(p));
      pending = (result.UnprocessedKeys ?? []).map(k => ({ Values: k.Values ?? [] }));
    }
  }
  return found;
}
