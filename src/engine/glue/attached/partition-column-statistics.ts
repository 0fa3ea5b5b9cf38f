import {
  DeleteColumnStatisticsForPartitionCommand, GetColumnStatisticsForPartitionCommand, UpdateColumnStatisticsForPartitionCommand, paginateGetPartitions,
} from '@aws-sdk/client-glue';
import type { GlueClient, TableInput } from '@aws-sdk/client-glue';
import {
  GET_COLUMNS, UPDATE_ENTRIES, canonicalStatistics, chunks, eachItem, hasHiveStatistics, ownerTable, requestStatistics, updateErrors,
  type ColumnStatisticsItem,
} from './column-statistics-data';
import type { AttachedKindModule, AttachedPage, AttachedRead, Owner } from './kind';
import { errorMessage, isNotFound } from '../../kernel/errors';
import type { EntryError } from '../entry-error';
import { hasPartitions, partitionKey } from '../shapes';

/** One column's statistics on one partition. */
export interface PartitionColumnStatisticsItem extends ColumnStatisticsItem {
  readonly Values: string[];
}

/** Source partitions a page: each costs one GetColumnStatisticsForPartition here and one in each target. */
const PAGE_PARTITIONS = 100;

/**
 * A Hive table's partition column statistics, one object a column of a partition, converged after the partitions.
 * The source's partitions are paged (values only, `ExcludeColumnSchema`) and each page's statistics are read, compared
 * with the same partitions' statistics in the target and written before the next page is read, so memory stays flat
 * however many partitions a table has. Writes go 25 entries a call, partition by partition. Statistics on a partition
 * only the target has go with that partition; on a partition both have, those of columns the source has none for are
 * extra (deleted with prune).
 */
export const partitionColumnStatistics: AttachedKindModule<PartitionColumnStatisticsItem> = {
  afterPartitions: true,

  appliesTo: table => hasHiveStatistics(table) && hasPartitions(table),

  async* pages(glue, owner, table, from) {
    const columns = dataColumns(table);
    const pages = paginateGetPartitions({ client: glue, pageSize: PAGE_PARTITIONS, startingToken: from }, {
      DatabaseName: owner.database, TableName: owner.table, ExcludeColumnSchema: true,
    });
    try {
      for await (const page of pages) {
        const partitions = (page.Partitions ?? []).map(p => p.Values ?? []);
        if (partitions.length === 0) continue;
        yield statisticsPage(await statisticsOf(glue, owner, partitions, columns), partitions, owner, columns, page.NextToken);
      }
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  },

  async read(glue, owner, table) {
    const found = await ownerTable(glue, owner, table);
    if (!found || !hasPartitions(found)) return [];
    const out: Array<AttachedRead<PartitionColumnStatisticsItem>> = [];
    for await (const page of this.pages!(glue, owner, found)) for (const item of page.items) out.push({ item });
    return out;
  },

  key: s => `${partitionKey(s.Values)}/${s.ColumnName}`,

  replica: s => structuredClone(s),

  write: (glue, owner, outcome, items) => (outcome === 'deleted'
    ? eachItem(items, partitionColumnStatistics.key, s => glue.send(new DeleteColumnStatisticsForPartitionCommand({
      DatabaseName: owner.database, TableName: owner.table, PartitionValues: s.Values, ColumnName: s.ColumnName,
    })))
    : updatePartitions(glue, owner, items)),
};

function dataColumns(table: TableInput): string[] {
  return (table.StorageDescriptor?.Columns ?? []).map(c => c.Name!).filter(Boolean);
}

function statisticsPage(
  items: PartitionColumnStatisticsItem[], partitions: string[][], owner: Owner, columns: string[], next: string | undefined,
): AttachedPage<PartitionColumnStatisticsItem> {
  // Without extras to find, a partition whose source has no statistics needs no read in the target: a lake that keeps
  // none costs one read a partition (the source's), not two.
  const withStatistics = () => [...new Map(items.map(s => [partitionKey(s.Values), s.Values])).values()];
  return {
    items,
    next,
    read: async (glue, extras) => (await statisticsOf(glue, owner, extras ? partitions : withStatistics(), columns)).map(item => ({ item })),
  };
}

/** The statistics of some partitions in one Region (a partition it lacks has none). */
async function statisticsOf(glue: GlueClient, owner: Owner, partitions: string[][], columns: string[]): Promise<PartitionColumnStatisticsItem[]> {
  const out: PartitionColumnStatisticsItem[] = [];
  for (const Values of partitions) {
    for (const ColumnNames of chunks(columns, GET_COLUMNS)) {
      try {
        const r = await glue.send(new GetColumnStatisticsForPartitionCommand({
          DatabaseName: owner.database, TableName: owner.table, PartitionValues: Values, ColumnNames,
        }));
        for (const s of r.ColumnStatisticsList ?? []) out.push({ Values: [...Values], ...canonicalStatistics(s) });
      } catch (error) {
        if (isNotFound(error)) break;
        throw error;
      }
    }
  }
  return out;
}

/** Creates and updates, one partition at a time, 25 entries a call. */
async function updatePartitions(glue: GlueClient, owner: Owner, items: readonly PartitionColumnStatisticsItem[]): Promise<Array<EntryError<string>>> {
  const byPartition = new Map<string, PartitionColumnStatisticsItem[]>();
  for (const s of items) {
    const k = partitionKey(s.Values);
    byPartition.set(k, [...byPartition.get(k) ?? [], s]);
  }
  const errors: Array<EntryError<string>> = [];
  for (const entries of byPartition.values()) {
    const Values = entries[0].Values;
    const keyOf = (column: string) => `${partitionKey(Values)}/${column}`;
    for (const batch of chunks(entries, UPDATE_ENTRIES)) {
      try {
        const r = await glue.send(new UpdateColumnStatisticsForPartitionCommand({
          DatabaseName: owner.database,
          TableName: owner.table,
          PartitionValues: Values,
          ColumnStatisticsList: batch.map(({ Values: _, ...s }) => requestStatistics(s)),
        }));
        errors.push(...updateErrors(r.Errors).map(e => ({ ...e, key: keyOf(e.key) })));
      } catch (error) {
        const code = (error as { name?: string }).name;
        for (const s of batch) errors.push({ key: keyOf(s.ColumnName), error: errorMessage(error), code });
      }
    }
  }
  return errors;
}
