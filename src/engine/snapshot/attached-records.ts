import type { TableInput } from '@aws-sdk/client-glue';
import type { SnapshotTotals } from './format';
import type { LineWriter } from './io';
import { ATTACHED_KINDS, type AttachedKind } from '../../shared/attached-kinds';
import { attachedKindsOf, isPaged, type PagedAttachments, type SourceAttachments } from '../glue';

/** An owner whose attached objects a snapshot records: a database, or a table (with its definition). */
export interface SnapshotOwner {
  readonly database: string;
  readonly table?: TableInput;
  attachments(kinds: readonly AttachedKind[]): Promise<SourceAttachments>;
}

/**
 * Writes the objects the account's catalog owns (connections, catalogs), one record a kind that has any, before the
 * first database. A kind whose read failed fails the snapshot.
 */
export async function writeCatalogAttached(
  out: LineWriter, attachments: ((kinds: readonly AttachedKind[]) => Promise<SourceAttachments>) | undefined,
  kinds: readonly AttachedKind[], totals: SnapshotTotals,
): Promise<void> {
  const own = attachedKindsOf(kinds, 'catalog');
  if (own.length === 0 || !attachments) return;
  for (const [kind, items] of await attachments(own)) {
    if (items instanceof Error) throw new Error(`reading the account's ${ATTACHED_KINDS[kind].field} failed: ${items.message}`, { cause: items });
    await writeRecords(out, kind, {}, items, totals);
  }
}

/**
 * Writes an owner's attached objects, one record a kind that has any, right after the owner's record. A kind whose
 * read failed fails the snapshot: a snapshot that silently lacked them would restore a replica without them.
 */
export async function writeAttached(out: LineWriter, owner: SnapshotOwner, kinds: readonly AttachedKind[], totals: SnapshotTotals): Promise<void> {
  const own = attachedKindsOf(kinds, owner.table ? 'table' : 'database', owner.table);
  if (own.length === 0) return;
  const where = owner.table ? `${owner.database}.${owner.table.Name}` : owner.database;
  const ownerFields = { database: owner.database, ...owner.table ? { table: owner.table.Name } : {} };
  for (const [kind, items] of await owner.attachments(own)) {
    if (items instanceof Error) throw new Error(`reading the ${ATTACHED_KINDS[kind].field} of ${where} failed: ${items.message}`, { cause: items });
    await writeRecords(out, kind, ownerFields, items, totals);
  }
}

/** One kind's records of one owner: one record, or a record a page for a paged kind (the snapshot holds one page at a time). */
async function writeRecords(
  out: LineWriter, kind: AttachedKind, ownerFields: object, items: readonly object[] | PagedAttachments, totals: SnapshotTotals,
): Promise<void> {
  const pages = isPaged(items) ? items.pages() : [{ items }];
  for await (const page of pages) {
    if (page.items.length === 0) continue;
    out.write({ attached: ATTACHED_KINDS[kind].field, ...ownerFields, items: page.items });
    totals.attached = (totals.attached ?? 0) + page.items.length;
  }
}
