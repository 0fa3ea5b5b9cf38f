import { DeleteColumnStatisticsForTableCommand, GetColumnStatisticsForTableCommand, UpdateColumnStatisticsForTableCommand } from '@aws-sdk/client-glue';
import type { GlueClient } from '@aws-sdk/client-glue';
import {
  GET_COLUMNS, UPDATE_ENTRIES, canonicalStatistics, chunks, columnNames, eachItem, hasHiveStatistics, ownerTable, requestStatistics, updateErrors,
  type ColumnStatisticsItem,
} from './column-statistics-data';
import type { AttachedKindModule, AttachedRead, Owner } from './kind';
import { errorMessage, isNotFound } from '../../kernel/errors';
import type { EntryError } from '../entry-error';

/**
 * A Hive table's column statistics (table level), one object a column. Read 100 columns a call, written 25 entries
 * a call (a create and an update are the same Update), an extra deleted column by column with prune. Iceberg tables
 * are left out: their statistics are Puffin files that the metadata rewrite carries.
 */
export const columnStatistics: AttachedKindModule<ColumnStatisticsItem> = {
  appliesTo: hasHiveStatistics,

  async read(glue, owner, table) {
    const found = await ownerTable(glue, owner, table);
    if (!found) return [];
    const out: Array<AttachedRead<ColumnStatisticsItem>> = [];
    for (const ColumnNames of chunks(columnNames(found), GET_COLUMNS)) {
      let page;
      try {
        page = await glue.send(new GetColumnStatisticsForTableCommand({ DatabaseName: owner.database, TableName: owner.table, ColumnNames }));
      } catch (error) {
        if (isNotFound(error)) return [];
        throw error;
      }
      for (const s of page.ColumnStatisticsList ?? []) out.push({ item: canonicalStatistics(s) });
    }
    return out;
  },

  key: s => s.ColumnName,

  replica: s => structuredClone(s),

  write: (glue, owner, outcome, items) => (outcome === 'deleted'
    ? eachItem(items, s => s.ColumnName, s => glue.send(new DeleteColumnStatisticsForTableCommand({
      DatabaseName: owner.database, TableName: owner.table, ColumnName: s.ColumnName,
    })))
    : updateTable(glue, owner, items)),
};

async function updateTable(glue: GlueClient, owner: Owner, items: readonly ColumnStatisticsItem[]): Promise<Array<EntryError<string>>> {
  const errors: Array<EntryError<string>> = [];
  for (const batch of chunks(items, UPDATE_ENTRIES)) {
    try {
      const r = await glue.send(new UpdateColumnStatisticsForTableCommand({
        DatabaseName: owner.database, TableName: owner.table, ColumnStatisticsList: batch.map(requestStatistics),
      }));
      errors.push(...updateErrors(r.Errors));
    } catch (error) {
      const code = (error as { name?: string }).name;
      for (const s of batch) errors.push({ key: s.ColumnName, error: errorMessage(error), code });
    }
  }
  return errors;
}
