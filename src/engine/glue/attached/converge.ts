import type { CreateTableRequest, GlueClient, TableInput } from '@aws-sdk/client-glue';
import { CATALOG_OWNER, CATALOG_OWNER_KEY, type AttachedKindModule, type AttachedPage, type AttachedRead, type AttachedWrite, type Owner } from './kind';
import { ATTACHED_MODULES } from './modules';
import { ATTACHED_KINDS, type AttachedKind, type AttachedOwner } from '../../../shared/attached-kinds';
import { changedFields, fieldPrints } from '../../kernel/compare';
import { errorMessage } from '../../kernel/errors';
import type { ReplicaContext } from '../shapes';

/** What the run's rules are, as the Glue converger applies them to every kind. */
export interface AttachedRules {
  readonly dryRun: boolean;
  /** Whether objects only the target has are looked for (prune, verify); otherwise a paged kind reads only what it compares. */
  readonly findsExtras: boolean;
  differ(kind: AttachedKind, key: string, target: string, outcome: AttachedWrite, fields?: string[]): void;
  count(kind: AttachedKind, outcome: AttachedWrite | 'unchanged', n?: number): void;
  fail(kind: AttachedKind, key: string, target: string, error: string): void;
  /** An object only the target has: whether to delete it (prune); otherwise it is reported as the run's mode says. */
  deleteOrReport(kind: AttachedKind, key: string, target: string): boolean;
  /** A note for the run's warnings (an object another replication carries), given once. */
  note?(message: string): void;
}

/**
 * The source's attached objects of one owner, read once and shared by every target; a kind whose read failed holds
 * its error; a paged kind (`AttachedKindModule.pages`) holds its pages, read again by each target that converges them.
 */
export type SourceAttachments = ReadonlyMap<AttachedKind, readonly object[] | Error | PagedAttachments>;

/** A paged kind's source objects of one owner: each call reads them again, a page at a time. */
export interface PagedAttachments {
  pages(from?: string): AsyncIterable<AttachedPage<object>>;
}

/** Where a paged kind's pages go on (a later invocation), and when they stop (the invocation's deadline). */
export interface AttachedPaging {
  /** The source page token to start from. */
  readonly from?: string;
  /** Asked after each page that has a next one: true stops there. */
  stop(): boolean;
}

/** A paged kind stopped by `AttachedPaging.stop`: the token its next page starts from. */
export interface AttachedCut {
  readonly kind: AttachedKind;
  readonly next: string;
}

/** Whether an owner's objects of a kind come in pages. */
export function isPaged(items: readonly object[] | Error | PagedAttachments): items is PagedAttachments {
  return !Array.isArray(items) && !(items instanceof Error);
}

/** Of `kinds`, those an owner carries, in table order; for a table, `afterPartitions` picks its late or early kinds. */
export function attachedKindsOf(kinds: readonly AttachedKind[], owner: AttachedOwner, table?: TableInput, afterPartitions?: boolean): AttachedKind[] {
  return kinds.filter(k => {
    const m = ATTACHED_MODULES[k];
    if (ATTACHED_KINDS[k].owner !== owner) return false;
    if (owner === 'table' && afterPartitions !== undefined && (m.afterPartitions ?? false) !== afterPartitions) return false;
    return !table || (m.appliesTo?.(table) ?? true);
  });
}

/** Reads one owner's objects of each kind, in one Region (the source's, shared by every target). */
export async function readAttachments(
  glue: GlueClient, owner: Owner, kinds: readonly AttachedKind[], table?: TableInput,
): Promise<SourceAttachments> {
  const out = new Map<AttachedKind, readonly object[] | Error | PagedAttachments>();
  for (const kind of kinds) {
    const m = ATTACHED_MODULES[kind];
    if (m.pages && table) {
      out.set(kind, { pages: from => m.pages!(glue, owner, table, from) });
      continue;
    }
    try {
      out.set(kind, (await m.read(glue, owner, table)).map(r => r.item));
    } catch (error) {
      out.set(kind, error instanceof Error ? error : new Error(errorMessage(error)));
    }
  }
  return out;
}

/**
 * The one decision for attached objects in one target, for every kind: create what the target lacks, update what
 * differs, leave what matches, and delete (with prune) or report what only the target has. A create refused as
 * existing re-reads the target and decides again; a delete refused as gone counts deleted. The run path, restore,
 * verify and near-real-time all come through here.
 */
export class AttachedConvergence {
  constructor(readonly kinds: readonly AttachedKind[], private readonly rules: AttachedRules) {}

  /** The kinds of an owner, in table order; `afterPartitions` picks the table's late kinds. */
  kindsOf(owner: AttachedOwner, table?: TableInput, afterPartitions?: boolean): AttachedKind[] {
    return attachedKindsOf(this.kinds, owner, table, afterPartitions);
  }

  /** Converges the objects the account's catalog owns (connections, catalogs) in one target: once a run, before the databases. */
  async convergeCatalog(glue: GlueClient, ctx: ReplicaContext, source: SourceAttachments, kinds: readonly AttachedKind[]): Promise<void> {
    await this.converge(glue, { ...CATALOG_OWNER, catalogId: ctx.sourceCatalogId }, CATALOG_OWNER_KEY, ctx, source, kinds);
  }

  /** The CreateTable members that give a new table its objects at once (for the kinds that have them). */
  withTable(source: SourceAttachments, ctx: ReplicaContext): Partial<CreateTableRequest> {
    let extra: Partial<CreateTableRequest> = {};
    for (const [kind, items] of source) {
      const m = ATTACHED_MODULES[kind];
      if (!m.withTable || !Array.isArray(items) || items.length === 0) continue;
      extra = { ...extra, ...m.withTable(items.map(i => m.replica(i, ctx))) };
    }
    return extra;
  }

  /**
   * Converges one owner's objects of the given kinds in one target. `createdWith`: the owner was just created with
   * these objects (CreateTable took them), so they count created and nothing is read. `table`: the owner's definition
   * (the source's, which the target's now matches), given to the kinds' target reads (column statistics name columns).
   */
  async converge(
    glue: GlueClient, owner: Owner, ownerKey: string, ctx: ReplicaContext, source: SourceAttachments,
    kinds: readonly AttachedKind[], createdWith?: Partial<CreateTableRequest>, table?: TableInput, paging?: AttachedPaging,
  ): Promise<AttachedCut | undefined> {
    let cut: AttachedCut | undefined;
    for (const kind of kinds) {
      const items = source.get(kind);
      if (items === undefined) continue;
      if (items instanceof Error) {
        this.rules.fail(kind, `${ownerKey}/*`, ctx.targetRegion, `reading the source's objects failed, nothing of this kind was converged: ${items.message}`);
        continue;
      }
      const m = ATTACHED_MODULES[kind];
      if (isPaged(items)) {
        const next = await this.convergePages(kind, m, glue, owner, ownerKey, ctx, items, paging);
        if (next !== undefined) cut = { kind, next };
        continue;
      }
      const kept = this.withoutExcluded(m, items);
      const held = new Set<string>();
      const replicable = kept.filter(i => {
        const needs = m.needs?.(i, ctx);
        if (needs === undefined) return true;
        held.add(m.key(i));
        this.rules.fail(kind, `${ownerKey}/${m.key(i)}`, ctx.targetRegion, needs);
        return false;
      });
      const desired = replicable.map(i => m.replica(i, ctx));
      if (createdWith && m.withTable && desired.length > 0) {
        for (const item of desired) this.rules.differ(kind, `${ownerKey}/${m.key(item)}`, ctx.targetRegion, 'created');
        this.rules.count(kind, 'created', desired.length);
        continue;
      }
      try {
        await this.convergeKind(kind, m, glue, owner, ownerKey, ctx.targetRegion, desired, () => m.read(glue, owner, table), held);
      } catch (error) {
        this.rules.fail(kind, `${ownerKey}/*`, ctx.targetRegion, `converging them in the target failed: ${errorMessage(error)}`);
      }
    }
    return cut;
  }

  /**
   * A paged kind: each source page is compared with the same page in the target and written before the next is read.
   * Returns the token to go on from when `paging` stopped it.
   */
  private async convergePages(
    kind: AttachedKind, m: AttachedKindModule<object>, glue: GlueClient, owner: Owner, ownerKey: string, ctx: ReplicaContext,
    source: PagedAttachments, paging?: AttachedPaging,
  ): Promise<string | undefined> {
    try {
      for await (const page of source.pages(paging?.from)) {
        const desired = page.items.map(i => m.replica(i, ctx));
        await this.convergeKind(kind, m, glue, owner, ownerKey, ctx.targetRegion, desired, () => page.read(glue, this.rules.findsExtras));
        if (page.next && paging?.stop()) return page.next;
      }
    } catch (error) {
      this.rules.fail(kind, `${ownerKey}/*`, ctx.targetRegion, `converging them failed: ${errorMessage(error)}`);
    }
    return undefined;
  }

  private async convergeKind(
    kind: AttachedKind, m: AttachedKindModule<object>, glue: GlueClient, owner: Owner, ownerKey: string, region: string, desired: object[],
    readTarget: () => Promise<Array<AttachedRead<object>>>, held: ReadonlySet<string> = new Set(),
  ): Promise<void> {
    const w: KindWrites = { kind, m, glue, owner, ownerKey, region };
    // Objects another replication carries, and those held back for what the target lacks, are left as they are.
    const read = async () => (await readTarget()).filter(r => m.excluded?.(r.item) === undefined && !held.has(m.key(r.item)));
    const have = new Map((await read()).map(r => [m.key(r.item), r]));
    const creates: Change[] = [];
    const updates: Change[] = [];
    for (const item of desired) {
      this.decide(w, item, have.get(m.key(item)), creates, updates);
      have.delete(m.key(item));
    }
    const extras = [...have.values()]
      .filter(r => this.rules.deleteOrReport(kind, `${ownerKey}/${m.key(r.item)}`, region))
      .map(r => ({ item: r.item }));
    const conflicts = await this.send(w, 'created', creates);
    await this.send(w, 'updated', updates);
    await this.send(w, 'deleted', extras);
    if (conflicts.length === 0) return;
    // Created meanwhile (our own create whose answer was lost, or another writer): read again and decide once more.
    const now = new Map((await read()).map(r => [m.key(r.item), r]));
    const again: Change[] = [];
    const missing: Change[] = [];
    for (const item of conflicts) this.decide(w, item, now.get(m.key(item)), missing, again);
    const left = [...await this.send(w, 'updated', again), ...await this.send(w, 'created', missing)];
    for (const item of left) {
      this.rules.fail(kind, `${ownerKey}/${m.key(item)}`, region, 'changed by another writer while it was converged; the next run converges it');
    }
  }

  /** The source's objects less those another replication carries, each named once in the warnings. */
  private withoutExcluded(m: AttachedKindModule<object>, items: readonly object[]): object[] {
    return items.filter(i => {
      const note = m.excluded?.(i);
      if (note !== undefined) this.rules.note?.(note);
      return note === undefined;
    });
  }

  private decide(w: KindWrites, item: object, found: AttachedRead<object> | undefined, creates: Change[], updates: Change[]): void {
    if (!found) {
      creates.push({ item });
      return;
    }
    const key = `${w.ownerKey}/${w.m.key(item)}`;
    if (found.problem) this.rules.fail(w.kind, key, w.region, found.problem);
    const fields = changedFields(fieldPrints(item), fieldPrints(found.item));
    if (fields.length > 0) updates.push({ item, fields });
    else if (!found.problem) this.rules.count(w.kind, 'unchanged');
  }

  /** Reports and (unless dry) makes one kind of write; returns the creates refused as already there. */
  private async send(w: KindWrites, outcome: AttachedWrite, changes: Change[]): Promise<object[]> {
    if (changes.length === 0) return [];
    for (const c of changes) this.rules.differ(w.kind, `${w.ownerKey}/${w.m.key(c.item)}`, w.region, outcome, c.fields);
    if (this.rules.dryRun) {
      this.rules.count(w.kind, outcome, changes.length);
      return [];
    }
    const items = changes.map(c => c.item);
    const errors = await w.m.write(w.glue, w.owner, outcome, items);
    const byKey = new Map(items.map(i => [w.m.key(i), i]));
    const conflicts: object[] = [];
    let failed = 0;
    for (const e of errors) {
      if (outcome === 'deleted' && e.code === 'EntityNotFoundException') continue;
      failed++;
      if (outcome === 'created' && e.code === 'AlreadyExistsException' && byKey.has(e.key)) conflicts.push(byKey.get(e.key)!);
      else this.rules.fail(w.kind, `${w.ownerKey}/${e.key}`, w.region, e.error);
    }
    this.rules.count(w.kind, outcome, items.length - failed);
    return conflicts;
  }
}

/** One kind's writes in one owner of one target. */
interface KindWrites {
  readonly kind: AttachedKind;
  readonly m: AttachedKindModule<object>;
  readonly glue: GlueClient;
  readonly owner: Owner;
  readonly ownerKey: string;
  readonly region: string;
}

/** An object to write, with the fields an update changes. */
interface Change {
  readonly item: object;
  readonly fields?: string[];
}
