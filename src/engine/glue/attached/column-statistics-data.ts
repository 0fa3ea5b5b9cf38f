import { GetTableCommand } from '@aws-sdk/client-glue';
import type { ColumnStatistics, ColumnStatisticsData, ColumnStatisticsError, GlueClient, TableInput } from '@aws-sdk/client-glue';
import { errorMessage, isNotFound } from '../../kernel/errors';
import type { EntryError } from '../entry-error';
import { isIcebergTable } from '../iceberg';
import type { Owner } from './kind';

/** Glue's limits: a Get names at most 100 columns, an Update carries at most 25 entries. */
export const GET_COLUMNS = 100;
export const UPDATE_ENTRIES = 25;

/**
 * One column's statistics in a JSON-safe canonical form (what a snapshot stores and what is compared): times as ISO
 * strings (`AnalyzedTime`, a date column's bounds), a decimal's `UnscaledValue` bytes as base64, members without a
 * value left out. `AnalyzedTime` is compared too: a source that recomputed its statistics has a new one, and the
 * target keeps the one it is given, so an unchanged lake compares equal and costs no write.
 */
export interface ColumnStatisticsItem {
  readonly ColumnName: string;
  readonly ColumnType: string;
  readonly AnalyzedTime: string;
  readonly StatisticsData: Record<string, unknown>;
}

/**
 * Hive tables: Iceberg tables' statistics are Puffin files the metadata rewrite carries (a `table_type` ICEBERG without
 * a metadata file yet is left out too); views and resource links have none.
 */
export function hasHiveStatistics(table: TableInput): boolean {
  const iceberg = isIcebergTable(table) || (table.Parameters?.table_type ?? '').toUpperCase() === 'ICEBERG';
  return !table.TargetTable && table.TableType !== 'VIRTUAL_VIEW' && !iceberg && columnNames(table).length > 0;
}

/** The names statistics can be asked for: data columns, then partition keys. */
export function columnNames(table: TableInput): string[] {
  return [...table.StorageDescriptor?.Columns ?? [], ...table.PartitionKeys ?? []].map(c => c.Name!).filter(Boolean);
}

/** The owner's table in this Region (the target's, when the caller did not pass the table); undefined when absent. */
export async function ownerTable(glue: GlueClient, owner: Owner, table?: TableInput): Promise<TableInput | undefined> {
  if (table) return table;
  try {
    return (await glue.send(new GetTableCommand({ DatabaseName: owner.database, Name: owner.table }))).Table as TableInput | undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The canonical form of one column's statistics as Glue answers them. */
export function canonicalStatistics(s: ColumnStatistics): ColumnStatisticsItem {
  return {
    ColumnName: s.ColumnName!,
    ColumnType: s.ColumnType!,
    AnalyzedTime: isoTime(s.AnalyzedTime),
    StatisticsData: canonical(s.StatisticsData) as Record<string, unknown>,
  };
}

/** The SDK's request form of a canonical entry: dates back to Date, base64 back to bytes. */
export function requestStatistics(item: ColumnStatisticsItem): ColumnStatistics {
  const data = structuredClone(item.StatisticsData) as Record<string, Record<string, unknown> | string>;
  const date = data.DateColumnStatisticsData as Record<string, unknown> | undefined;
  if (date) for (const m of ['MinimumValue', 'MaximumValue']) if (typeof date[m] === 'string') date[m] = new Date(date[m] as string);
  const decimal = data.DecimalColumnStatisticsData as Record<string, { UnscaledValue?: unknown }> | undefined;
  if (decimal) {
    for (const m of ['MinimumValue', 'MaximumValue']) {
      const v = decimal[m];
      if (v && typeof v.UnscaledValue === 'string') v.UnscaledValue = Uint8Array.from(Buffer.from(v.UnscaledValue, 'base64'));
    }
  }
  return {
    ColumnName: item.ColumnName,
    ColumnType: item.ColumnType,
    AnalyzedTime: new Date(item.AnalyzedTime),
    StatisticsData: data as unknown as ColumnStatisticsData,
  };
}

function isoTime(t: Date | string | number | undefined): string {
  return t === undefined ? '' : new Date(t).toISOString();
}

/** Dates to ISO strings, bytes to base64, undefined and null members dropped, keys sorted. */
function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined && v !== null) out[k] = canonical(v);
    }
    return out;
  }
  return value;
}

/** An Update's per-entry errors, by column. */
export function updateErrors(errors: readonly ColumnStatisticsError[] | undefined): Array<EntryError<string>> {
  return (errors ?? []).map(e => ({
    key: e.ColumnStatistics?.ColumnName ?? '?',
    error: e.Error?.ErrorMessage ?? e.Error?.ErrorCode ?? 'failed',
    code: e.Error?.ErrorCode,
  }));
}

/** Runs one call per item, collecting the failures by key. */
export async function eachItem<T>(
  items: readonly T[], key: (item: T) => string, call: (item: T) => Promise<unknown>,
): Promise<Array<EntryError<string>>> {
  const errors: Array<EntryError<string>> = [];
  for (const item of items) {
    try {
      await call(item);
    } catch (error) {
      errors.push({ key: key(item), error: errorMessage(error), code: (error as { name?: string }).name });
    }
  }
  return errors;
}
