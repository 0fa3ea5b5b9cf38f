import { CreatePartitionIndexCommand, DeletePartitionIndexCommand, GetPartitionIndexesCommand } from '@aws-sdk/client-glue';
import type { GlueClient, PartitionIndex, PartitionIndexDescriptor } from '@aws-sdk/client-glue';
import type { AttachedKindModule, AttachedRead } from './kind';
import { errorMessage, isNotFound } from '../../kernel/errors';
import type { EntryError } from '../entry-error';
import { hasPartitions } from '../shapes';

/**
 * A table's partition indexes. A new table gets them in its CreateTable call, so Glue has no backfill to run
 * before the partitions arrive; an existing table gets the missing ones created and, with prune, the extra ones
 * deleted. An index cannot be changed: one whose keys differ is deleted and created again.
 */
export const partitionIndex: AttachedKindModule<PartitionIndex> = {
  appliesTo: hasPartitions,

  async read(glue, owner) {
    const out: Array<AttachedRead<PartitionIndex>> = [];
    // The SDK has no paginator for GetPartitionIndexes.
    let NextToken: string | undefined;
    do {
      let page;
      try {
        page = await glue.send(new GetPartitionIndexesCommand({ DatabaseName: owner.database, TableName: owner.table, NextToken }));
      } catch (error) {
        if (isNotFound(error)) return [];
        throw error;
      }
      for (const index of page.PartitionIndexDescriptorList ?? []) out.push(indexRead(index));
      NextToken = page.NextToken;
    } while (NextToken);
    return out;
  },

  key: index => index.IndexName!,

  replica: index => ({ IndexName: index.IndexName, Keys: [...index.Keys ?? []] }),

  withTable: indexes => ({ PartitionIndexes: indexes.map(i => ({ IndexName: i.IndexName, Keys: [...i.Keys ?? []] })) }),

  async write(glue, owner, outcome, indexes) {
    const errors: Array<EntryError<string>> = [];
    for (const index of indexes) {
      try {
        if (outcome !== 'created') await deleteIndex(glue, owner.database, owner.table!, index.IndexName!);
        if (outcome !== 'deleted') {
          await glue.send(new CreatePartitionIndexCommand({ DatabaseName: owner.database, TableName: owner.table, PartitionIndex: index }));
        }
      } catch (error) {
        errors.push({ key: index.IndexName!, error: errorMessage(error), code: (error as { name?: string }).name });
      }
    }
    return errors;
  },
};

function indexRead(index: PartitionIndexDescriptor): AttachedRead<PartitionIndex> {
  const item = { IndexName: index.IndexName, Keys: (index.Keys ?? []).map(k => k.Name!) };
  const failed = index.IndexStatus === 'FAILED' || (index.BackfillErrors?.length ?? 0) > 0;
  if (!failed) return { item };
  const errors = (index.BackfillErrors ?? []).map(e => `${e.Code ?? 'error'} on ${e.Partitions?.length ?? 0} partition(s)`);
  return { item, problem: `its backfill failed in Glue (${index.IndexStatus}${errors.length ? `: ${errors.join('; ')}` : ''}); queries on the table list partitions instead of using the index` };
}

async function deleteIndex(glue: GlueClient, DatabaseName: string, TableName: string, IndexName: string): Promise<void> {
  try {
    await glue.send(new DeletePartitionIndexCommand({ DatabaseName, TableName, IndexName }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
