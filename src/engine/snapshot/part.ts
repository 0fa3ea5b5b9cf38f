import { writeAttached, writeCatalogAttached } from './attached-records';
import { noTotals, type SnapshotTotals } from './format';
import { LineWriter } from './io';
import type { AttachedKind } from '../../shared/attached-kinds';
import type { CatalogSource, SourceLookups } from '../glue';
import type { Cursor, PartialTable, Deadline } from '../kernel/resume';

export interface SnapshotPartResult {
  readonly totals: SnapshotTotals;
  readonly continuation?: Cursor;
}

/**
 * Writes one database's records (no header or trailer) as one part of a run's snapshot,
 * within a time budget. A later invocation continues from the returned cursor, so the
 * parts of a database, read in order, hold each record once.
 */
export async function writeSnapshotPart(
  lookups: SourceLookups, database: string, out: LineWriter, cursor: Cursor | undefined, deadline: Deadline,
  attachedKinds: readonly AttachedKind[] = [],
): Promise<SnapshotPartResult> {
  const totals = noTotals();
  const db = await lookups.database(database);
  if (!db) return { totals };
  if (!cursor) {
    out.write({ database: db.input });
    totals.databases++;
    await writeAttached(out, { database, attachments: kinds => db.attachments(kinds) }, attachedKinds, totals);
  }
  type Pages = AsyncIterable<{ partitions: unknown[]; next?: string }>;
  const writePartitions = async (table: string, pages: Pages): Promise<PartialTable | undefined> => {
    for await (const { partitions, next } of pages) {
      if (partitions.length > 0) out.write({ partitions, database, table });
      totals.partitions += partitions.length;
      if (next && Date.now() > deadline.hard) return { table, next };
    }
    return undefined;
  };
  // The snapshot walk is sequential, so at most one table is ever cut short.
  for (const partial of cursor?.partials ?? []) {
    const table = await lookups.table(database, partial.table);
    const cut = table && await writePartitions(partial.table, table.partitionPages(partial.next));
    if (cut) return { totals, continuation: { afterTable: cursor?.afterTable, partials: [cut] } };
  }
  let last = cursor?.afterTable;
  let written = 0;
  for await (const table of db.tables(cursor?.afterTable)) {
    // Checked when a next table exists, so the part that reaches the end finishes the database.
    if (written > 0 && Date.now() > deadline.soft) return { totals, continuation: { afterTable: last } };
    written++;
    const name = table.input.Name!;
    out.write({ table: table.input, database });
    totals.tables++;
    await writeAttached(out, { database, table: table.input, attachments: kinds => table.attachments(kinds) }, attachedKinds, totals);
    last = name;
    const cut = await writePartitions(name, table.partitionPages());
    if (cut) return { totals, continuation: { afterTable: last, partials: [cut] } };
  }
  return { totals };
}

/**
 * Writes the objects the account's catalog owns (connections, catalogs, the catalog's optimization) as one part of a
 * run's snapshot: read in one go (a few pages), so it needs no cursor. A kind whose read failed fails the part.
 */
export async function writeCatalogPart(source: CatalogSource, out: LineWriter, attachedKinds: readonly AttachedKind[]): Promise<SnapshotPartResult> {
  const totals = noTotals();
  await writeCatalogAttached(out, source.catalogAttachments?.bind(source), attachedKinds, totals);
  return { totals };
}
