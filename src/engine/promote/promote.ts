import { GlueClient, type TableInput } from '@aws-sdk/client-glue';
import { PROMOTED_PARAMETER, promotedAt, setPromoted } from './mark';
import { ATTACHED_KINDS, ATTACHED_KIND_NAMES, type AttachedKind } from '../../shared/attached-kinds';
import { GlueTarget, LiveCatalogSource, promotedTable, type CatalogSource } from '../glue';
import { ATTACHED_MODULES, attachedKindsOf, CATALOG_OWNER, isPaged, CATALOG_OWNER_KEY, type Owner, type SourceAttachments } from '../glue/attached';
import type { AwsClients } from '../kernel/clients';
import { changedFields, fieldPrints } from '../kernel/compare';
import { errorMessage } from '../kernel/errors';
import { callerIdentity } from '../kernel/identity';
import { Scope, type ScopeConfig } from '../kernel/scope';
import { SnapshotPins, SnapshotSource, validateSnapshot } from '../snapshot';

/** What `lake-replica promote` and `demote` are given. */
export interface PromoteSettings {
  /** The Region to promote (or demote). */
  readonly region: string;
  /** A snapshot of the old source: its enabled states and refresh intervals win over the replica's own form. */
  readonly snapshotLocation?: string;
  /** The Region of the snapshot's bucket. @default the promoted Region */
  readonly snapshotRegion?: string;
  readonly scope: ScopeConfig;
  /** The attached kinds to promote. @default all of them (those with `promoted()` take part) */
  readonly attachedKinds?: readonly AttachedKind[];
  readonly dryRun: boolean;
}

/** One object a promotion switches on: a table (a materialized view's refresh) or an attached object. */
export interface PromoteChange {
  readonly kind: 'table' | AttachedKind;
  readonly key: string;
  readonly fields: string[];
  /** Set when the write failed. */
  error?: string;
}

export interface PromoteReport {
  readonly mode: 'promote' | 'demote';
  readonly region: string;
  readonly dryRun: boolean;
  readonly from?: string;
  /** When the Region was marked promoted before this run, if it was. */
  readonly promotedBefore?: string;
  /** promote: marked now; demote: the mark removed now (false on a dry run or when nothing was to do). */
  marked: boolean;
  readonly changes: PromoteChange[];
  /** Objects whose promoted form could not be read or written, and other errors. */
  readonly failures: Array<{ kind: string; key: string; error: string }>;
  apiCalls: Record<string, number>;
}

/** The source's form of each object a promotion looks at, by owner key: read from a snapshot. */
interface SourceForms {
  readonly tables: Map<string, TableInput>;
  readonly attached: Map<string, SourceAttachments>;
}

/**
 * Turns a DR Region into a primary that keeps itself healthy: every attached kind with `promoted()` (table optimizers
 * enabled, and any kind that joins by implementing it) and every table whose promoted form differs
 * (`promotedTable`: a materialized view's refresh) is written in its promoted form; then the Region is marked promoted
 * (src/engine/promote/mark.ts), which stops every writing mode from replicating into it. A dry run writes nothing.
 * Idempotent: a second promotion finds nothing to change and the mark already set.
 */
export async function promoteRegion(settings: PromoteSettings, clients: AwsClients): Promise<PromoteReport> {
  const glue = clients.get(GlueClient, settings.region);
  const { account } = await callerIdentity(clients, settings.region);
  const promotedBefore = await promotedAt(glue, account);
  const scope = new Scope(settings.scope);
  const kinds = (settings.attachedKinds ?? ATTACHED_KIND_NAMES).filter(k => ATTACHED_MODULES[k].promoted);
  const report: PromoteReport = {
    mode: 'promote',
    region: settings.region,
    dryRun: settings.dryRun,
    from: settings.snapshotLocation,
    promotedBefore,
    marked: false,
    changes: [],
    failures: [],
    apiCalls: {},
  };
  const source = settings.snapshotLocation ? await snapshotForms(settings, clients, scope, kinds) : undefined;
  const target = new GlueTarget(clients, settings.region);
  const replica: CatalogSource = new LiveCatalogSource(clients, settings.region, scope);
  // The account catalog's own objects first (e.g. the default catalog's optimization settings), then each owner below.
  const catalogKinds = attachedKindsOf(kinds, 'catalog');
  if (catalogKinds.length > 0 && replica.catalogAttachments) {
    const owner = { ...CATALOG_OWNER, catalogId: account };
    const held = await replica.catalogAttachments(catalogKinds);
    await promoteAttached(report, glue, owner, CATALOG_OWNER_KEY, catalogKinds, held, source, settings.dryRun);
  }
  for await (const db of replica.databases()) {
    const database = db.input.Name!;
    const databaseKinds = attachedKindsOf(kinds, 'database');
    await promoteAttached(report, glue, { database }, database, databaseKinds, await db.attachments(databaseKinds), source, settings.dryRun);
    for await (const t of db.tables()) {
      const key = `${database}.${t.input.Name}`;
      const desired = promotedTable(t.input, source?.tables.get(key));
      const fields = changedFields(fieldPrints(desired), fieldPrints(t.input));
      if (fields.length > 0) {
        const change: PromoteChange = { kind: 'table', key, fields };
        report.changes.push(change);
        if (!settings.dryRun) await target.updateTable(database, desired).catch((error) => { change.error = errorMessage(error); });
      }
      const tableKinds = attachedKindsOf(kinds, 'table', t.input);
      if (tableKinds.length === 0) continue;
      const owner = { database, table: t.input.Name };
      await promoteAttached(report, glue, owner, key, tableKinds, await t.attachments(tableKinds), source, settings.dryRun);
    }
  }
  for (const c of report.changes) if (c.error) report.failures.push({ kind: c.kind, key: c.key, error: c.error });
  // Marked last, and only when everything was promoted: a promotion that failed part-way is run again.
  if (!settings.dryRun && promotedBefore === undefined && report.failures.length === 0) {
    await setPromoted(glue, account, new Date().toISOString());
    report.marked = true;
  }
  report.apiCalls = clients.apiCalls;
  return report;
}

/** Removes the promoted mark (for failing back): the Region takes replication again. Objects are left as they are. */
export async function demoteRegion(settings: Pick<PromoteSettings, 'region' | 'dryRun'>, clients: AwsClients): Promise<PromoteReport> {
  const glue = clients.get(GlueClient, settings.region);
  const { account } = await callerIdentity(clients, settings.region);
  const promotedBefore = await promotedAt(glue, account);
  const marked = !settings.dryRun && promotedBefore !== undefined;
  if (marked) await setPromoted(glue, account, undefined);
  return { mode: 'demote', region: settings.region, dryRun: settings.dryRun, promotedBefore, marked, changes: [], failures: [], apiCalls: clients.apiCalls };
}

async function promoteAttached(
  report: PromoteReport, glue: GlueClient, owner: Owner, ownerKey: string, kinds: readonly AttachedKind[], replicas: SourceAttachments,
  source: SourceForms | undefined, dryRun: boolean,
): Promise<void> {
  for (const kind of kinds) {
    const m = ATTACHED_MODULES[kind];
    const items = replicas.get(kind);
    if (items === undefined) continue;
    if (items instanceof Error) {
      report.failures.push({ kind, key: `${ownerKey}/*`, error: `reading them failed, none was promoted: ${items.message}` });
      continue;
    }
    // Paged kinds (partition column statistics) run the same replicated and promoted: they have no promoted form.
    if (isPaged(items)) continue;
    const sourceItems = source?.attached.get(ownerKey)?.get(kind);
    const byKey = new Map(Array.isArray(sourceItems) ? sourceItems.map(i => [m.key(i), i]) : []);
    const updates: object[] = [];
    for (const item of items) {
      const desired = m.promoted!(item, byKey.get(m.key(item)));
      const fields = changedFields(fieldPrints(desired), fieldPrints(item));
      if (fields.length === 0) continue;
      report.changes.push({ kind, key: `${ownerKey}/${m.key(item)}`, fields });
      updates.push(desired);
    }
    if (dryRun || updates.length === 0) continue;
    for (const e of await m.write(glue, owner, 'updated', updates)) {
      report.failures.push({ kind, key: `${ownerKey}/${e.key}`, error: e.error });
    }
  }
}

/** The snapshot's tables and attached objects of the promoted kinds, by owner key (checked whole first, as restore does). */
async function snapshotForms(settings: PromoteSettings, clients: AwsClients, scope: Scope, kinds: readonly AttachedKind[]): Promise<SourceForms> {
  const region = settings.snapshotRegion ?? settings.region;
  const pins = new SnapshotPins();
  await validateSnapshot(settings.snapshotLocation!, clients, region, pins);
  const snapshot = new SnapshotSource(settings.snapshotLocation!, clients, scope, region, pins);
  await snapshot.open();
  const forms: SourceForms = { tables: new Map(), attached: new Map() };
  const catalogKinds = kinds.filter(k => ATTACHED_KINDS[k].owner === 'catalog');
  if (catalogKinds.length > 0) forms.attached.set(CATALOG_OWNER_KEY, await snapshot.catalogAttachments(catalogKinds));
  for await (const db of snapshot.databases()) {
    const database = db.input.Name!;
    forms.attached.set(database, await db.attachments(kinds.filter(k => ATTACHED_KINDS[k].owner === 'database')));
    for await (const t of db.tables()) {
      const key = `${database}.${t.input.Name}`;
      forms.tables.set(key, t.input);
      forms.attached.set(key, await t.attachments(kinds.filter(k => ATTACHED_KINDS[k].owner === 'table')));
    }
  }
  return forms;
}

export { PROMOTED_PARAMETER };
