import type { CreateTableRequest, DatabaseInput, PartitionInput, TableInput } from '@aws-sdk/client-glue';
import { AttachedConvergence, type AttachedCut, type AttachedPaging, type AttachedRules, type SourceAttachments } from './attached';
import { icebergChainDrift, isIcebergTable, isS3TablesTable, pointAtStagedChain, rewriteIntoTarget } from './iceberg';
import { PartitionDigests } from './partition-digests';
import { hasPartitions, partitionKey, replicaDatabase, replicaPartition, replicaTable, type ReplicaContext } from './shapes';
import type { CatalogSource, SourceDatabase, SourceLookups, SourceTable } from './source';
import { checkReplicaStorage, hasHiveStorage } from './storage-check';
import { BATCH_CREATE_PARTITIONS as BATCH, GlueTarget, type EntryError } from './target';
import { isDataCatalogView, type ViewWait } from './views';
import { ATTACHED_KINDS, type AttachedKind } from '../../shared/attached-kinds';
import { BucketMapper, type BucketMapping } from '../../shared/bucket-mapping';
import { ConnectionMapper, type ConnectionMapping } from '../../shared/connection-mapping';
import { RoleMapper, type RoleMapping } from '../../shared/role-mapping';
import { AwsClients } from '../kernel/clients';
import { changedFields, fieldPrints, fingerprint, type FieldPrints } from '../kernel/compare';
import { forEachConcurrent, Limiter } from '../kernel/concurrency';
import { errorMessage, isAlreadyExists, isNotFound, notFoundAsUndefined } from '../kernel/errors';
import { differenceOf, ReportBuilder, type Counts, type Mode, type ObjectKind, type Report } from '../kernel/report';
import type { Cursor, Deadline, PartialTable } from '../kernel/resume';
import { Scope } from '../kernel/scope';

export const GLUE_KINDS: readonly ObjectKind[] = ['database', 'table', 'partition'];

/**
 * With a deadline, the search for a target's own partitions stops once it has found this many: their deletes (25 a
 * BatchDeletePartition, 100 calls) must fit in the time the hard deadline leaves (at least a minute).
 */
const DOOMED_PER_INVOCATION = 2_500;

export interface GlueConvergeOptions {
  /** plan and verify write nothing; sync and restore converge the targets. */
  readonly mode: Exclude<Mode, 'snapshot'>;
  readonly source: CatalogSource;
  readonly targetRegions: readonly string[];
  readonly scope: Scope;
  readonly bucketMappings?: readonly BucketMapping[];
  /** Roles named by replicated objects (optimizers, statistics tasks) that the targets name otherwise. */
  readonly roleMappings?: readonly RoleMapping[];
  /** Each Glue connection's secret and network settings per target Region (a connection that names them needs one). */
  readonly connectionMappings?: readonly ConnectionMapping[];
  /** Delete target objects in scope that the source no longer has. */
  readonly prune?: boolean;
  /** Tables converged at once. */
  readonly concurrency?: number;
  /**
   * Rewrite Iceberg tables' metadata chains into the target buckets (see docs/iceberg.md). Off, an
   * Iceberg replica keeps reading its metadata from the source Region, with a warning per table.
   * @default true
   */
  readonly icebergMetadata?: boolean;
  /**
   * verify: also check that each Hive table's and partition's location holds objects in the target.
   * @default false
   */
  readonly storageCheck?: boolean;
  /**
   * The objects attached to tables and databases that are converged with them (partition indexes, ...).
   * @default none
   */
  readonly attachedKinds?: readonly AttachedKind[];
  /**
   * How long a Data Catalog view's asynchronous create or update is waited for in a target.
   * @default VIEW_WAIT (about two minutes)
   */
  readonly viewWait?: ViewWait;
  readonly clients: AwsClients;
  /** Called as work progresses, with the live counts and the object being worked on. */
  readonly onProgress?: (counts: Readonly<Record<string, Counts>>, current: string) => void;
}


export interface ConvergeDatabaseOptions extends GlueConvergeOptions {
  readonly database: string;
  /** Where an earlier invocation stopped. */
  readonly cursor?: Cursor;
  readonly deadline?: Deadline;
}

/** Per target, what the engine knows of one database there. */
interface TargetDatabase {
  readonly target: GlueTarget;
  readonly ctx: ReplicaContext;
  /** undefined when the database is new there (or would be, in a dry run): nothing to read. */
  tables?: Map<string, FieldPrints>;
  /** The database could not be created or read there: skip its contents. */
  broken?: string;
}

/**
 * Converges every target Region's catalog to the source, database by database, table by
 * table, page by page. One object's failure is recorded and never stops the others.
 */
export async function convergeGlue(options: GlueConvergeOptions): Promise<Report> {
  return new GlueConvergence(options).run();
}

/**
 * Converges one database of a live source, within a time budget. When the budget runs out,
 * the report carries a `continuation` cursor to pass to the next invocation; nothing done is
 * lost and nothing is counted twice.
 */
export async function convergeDatabase(options: ConvergeDatabaseOptions): Promise<Report> {
  return new GlueConvergence(options).runOne(options.database, options.cursor, options.deadline);
}

/**
 * Converges every partition of one table of a live source: the source's full listing against the
 * target's, deleting (with prune) what only the target has. The table must exist in the targets.
 */
export async function convergeTablePartitions(options: GlueConvergeOptions & { readonly database: string; readonly table: string }): Promise<Report> {
  return new GlueConvergence(options).runPartitionsOf(options.database, options.table);
}

/** Deletes (with prune) or reports target databases in scope that the source no longer has. */
export async function pruneDatabases(options: GlueConvergeOptions, sourceDatabases: ReadonlySet<string>): Promise<Report> {
  return new GlueConvergence(options).pruneOnly(sourceDatabases);
}

export class GlueConvergence {
  readonly report: ReportBuilder;
  private readonly dryRun: boolean;
  private readonly icebergMetadata: boolean;
  private readonly storageCheck: boolean;
  private readonly prune: boolean;
  private readonly targets: GlueTarget[];
  private readonly concurrency: number;
  /** Bounds the tables in flight across every database, not per database. */
  private readonly tableSlots: Limiter;
  private deadline?: Deadline;
  /** Set when the deadline stopped the listing of tables: the last table started. */
  private stoppedAfter?: { table?: string };
  /** The last table pulled from the source listing in this invocation. */
  private lastListed?: string;
  private readonly partials: PartialTable[] = [];
  private readonly keptWarned = new Set<string>();
  private readonly attached: AttachedConvergence;

  constructor(private readonly o: GlueConvergeOptions) {
    this.dryRun = o.mode === 'plan' || o.mode === 'verify';
    this.icebergMetadata = o.icebergMetadata ?? true;
    this.storageCheck = o.mode === 'verify' && (o.storageCheck ?? false);
    this.prune = o.prune ?? false;
    this.concurrency = Math.max(1, o.concurrency ?? 8);
    this.tableSlots = new Limiter(this.concurrency);
    this.targets = o.targetRegions.map(region => new GlueTarget(o.clients, region, o.viewWait));
    this.report = new ReportBuilder({
      mode: o.mode,
      source: { region: o.source.region, snapshot: o.source.snapshotLocation },
      targets: [...o.targetRegions],
      scope: o.scope.toJSON(),
      prune: this.prune,
      dryRun: this.dryRun,
    }, GLUE_KINDS);
    this.attached = new AttachedConvergence(o.attachedKinds ?? [], this.attachedRules());
  }

  async run(): Promise<Report> {
    const all = await this.targetsWithContext();
    // A target whose catalog cannot be read is reported and left out; the others go on.
    const targets: TargetWithContext[] = [];
    const existing: Map<string, FieldPrints>[] = [];
    for (const t of all) {
      try {
        existing.push(await t.target.databases(this.o.scope));
        targets.push(t);
      } catch (error) {
        this.report.fail({ kind: 'database', key: '*', target: t.target.region, error: `listing the target's databases failed, nothing was replicated there: ${errorMessage(error)}` });
      }
    }
    await this.catalogObjects(targets);
    const seen = new Set<string>();
    let listed = true;
    try {
      await forEachConcurrent(this.o.source.databases(), this.o.source.sequential ? 1 : this.concurrency, async (db) => {
        seen.add(db.input.Name!);
        await this.database(db, targets, existing);
      });
    } catch (error) {
      listed = false;
      this.report.fail({ kind: 'database', key: '*', error: `listing source databases failed, nothing was pruned: ${errorMessage(error)}` });
    }
    if (listed) {
      for (const [i, { target }] of targets.entries()) {
        const extras = [...existing[i].keys()].filter(name => !seen.has(name));
        await this.extraDatabases(target, extras);
      }
    }
    return this.report.finish(this.o.clients.apiCalls);
  }

  async runOne(name: string, cursor: Cursor | undefined, deadline: Deadline | undefined): Promise<Report> {
    const lookups = this.o.source.lookups;
    if (!lookups) throw new Error('resuming needs a live source');
    this.deadline = deadline;
    const targets = await this.targetsWithContext();
    const db = await lookups.database(name);
    if (!db) {
      this.report.warnOnce(`database ${name} no longer exists in the source; it was left as it is in the targets (a later run with prune deletes it)`);
      return this.report.finish(this.o.clients.apiCalls);
    }
    const existing = await Promise.all(this.targets.map(async t => {
      const prints = await t.database(name);
      return new Map(prints ? [[name, prints]] : []);
    }));
    await this.database(db, targets, existing, cursor);
    if (this.stoppedAfter || this.partials.length > 0) {
      // Every table listed so far is done or in partials, even when only the hard deadline cut one short.
      this.report.report.continuation = { afterTable: this.stoppedAfter?.table ?? this.lastListed ?? cursor?.afterTable, partials: this.partials };
    }
    return this.report.finish(this.o.clients.apiCalls);
  }

  async runPartitionsOf(db: string, tableName: string): Promise<Report> {
    const lookups = this.o.source.lookups;
    if (!lookups) throw new Error('converging one table needs a live source');
    const targets = await this.targetsWithContext();
    const table = await lookups.table(db, tableName);
    if (table) {
      const states: TargetDatabase[] = targets.map(t => ({ ...t, tables: new Map([[tableName, {}]]) }));
      await this.tablePartitions(db, tableName, table, states);
    }
    return this.report.finish(this.o.clients.apiCalls);
  }

  async pruneOnly(sourceDatabases: ReadonlySet<string>): Promise<Report> {
    // The job's one step per run that sees every target: the catalog's own objects are converged here.
    await this.catalogObjects(await this.targetsWithContext());
    for (const target of this.targets) {
      const existing = await target.databases(this.o.scope);
      await this.extraDatabases(target, [...existing.keys()].filter(name => !sourceDatabases.has(name)));
    }
    return this.report.finish(this.o.clients.apiCalls);
  }

  private async targetsWithContext() {
    const catalogId = await this.o.source.catalogId();
    Object.assign(this.report.report.source, { catalogId });
    return this.targets.map(target => ({ target, ctx: this.context(target.region, catalogId) }));
  }

  private context(targetRegion: string, sourceCatalogId: string): ReplicaContext {
    return {
      sourceRegion: this.o.source.region,
      sourceCatalogId,
      targetRegion,
      mapper: new BucketMapper(this.o.bucketMappings ?? [], targetRegion),
      roles: new RoleMapper(this.o.roleMappings ?? [], targetRegion),
      connections: new ConnectionMapper(this.o.connectionMappings ?? [], targetRegion),
      onUnmappedBucket: () => undefined,
    };
  }

  /** The context for one object: unmapped buckets are reported against it. */
  private objectContext(ctx: ReplicaContext, key: string): ReplicaContext {
    return { ...ctx, onUnmappedBucket: bucket => this.report.unmappedBucket(ctx.targetRegion, bucket, key) };
  }

  private progress(current: string): void {
    this.o.onProgress?.(this.report.report.counts, current);
  }

  // ---- the catalog's own objects ----

  /**
   * Converges what the account's catalog owns (connections, then catalogs) in every target: once a run, before the
   * databases. The source's objects are read once for all targets.
   */
  private async catalogObjects(targets: readonly TargetWithContext[]): Promise<void> {
    const kinds = this.attached.kindsOf('catalog');
    if (kinds.length === 0 || targets.length === 0) return;
    const source = await this.o.source.catalogAttachments?.(kinds) ?? new Map();
    for (const { target, ctx } of targets) {
      await this.attached.convergeCatalog(target.glue, this.objectContext(ctx, 'catalog'), source, kinds);
    }
    this.progress('catalog');
  }

  // ---- databases ----

  private async database(db: SourceDatabase, targets: TargetWithContext[], existing: Map<string, FieldPrints>[], cursor?: Cursor) {
    const name = db.input.Name!;
    this.progress(name);
    const states: TargetDatabase[] = [];
    const attachedKinds = cursor ? [] : this.attached.kindsOf('database');
    const attachments = await db.attachments(attachedKinds);
    for (const [i, { target, ctx }] of targets.entries()) {
      const state: TargetDatabase = { target, ctx };
      states.push(state);
      const desired = replicaDatabase(db.input, this.objectContext(ctx, name));
      const actual = existing[i].get(name);
      try {
        if (cursor) {
          // Resuming: the database was converged by the invocation that started it (or, in a dry run, would have been).
          state.tables = actual === undefined ? undefined : await target.tables(name);
        } else {
          const change = await this.converge('database', name, target.region, fieldPrints(desired), actual, this.databaseWrites(target, desired));
          if (change.outcome !== 'created') state.tables = await target.tables(name);
          await this.attached.converge(target.glue, { database: name }, name, this.objectContext(ctx, name), attachments, attachedKinds);
        }
      } catch (error) {
        state.broken = errorMessage(error);
        this.report.fail({ kind: 'database', key: name, target: target.region, error: `${state.broken}; its tables were not replicated` });
      }
    }

    let seen = new Set<string>();
    try {
      for (const partial of cursor?.partials ?? []) await this.resumePartitions(name, partial, states);
      const tables = this.ordered(this.untilDeadline(db.tables(cursor?.afterTable)));
      await forEachConcurrent(tables, this.o.source.sequential ? 1 : this.concurrency, async (table) => {
        seen.add(table.input.Name!);
        await this.tableSlots.run(() => this.table(table, states));
      });
      if (this.stoppedAfter || this.partials.length > 0) return; // pruning waits for the invocation that finishes
      // A resumed database saw only part of its tables in this invocation: list them all.
      if (cursor) seen = await this.o.source.lookups!.tableNames(name);
    } catch (error) {
      this.report.fail({ kind: 'database', key: name, error: `listing source tables failed, nothing was pruned in this database: ${errorMessage(error)}` });
      return;
    }
    for (const state of states) {
      if (state.broken || !state.tables) continue;
      await this.extraTables(state, name, [...state.tables.keys()].filter(t => !seen.has(t)));
    }
  }

  /**
   * Tables are yielded as listed; links and Data Catalog views are held back to the end of the database so what
   * they name exists first (Glue validates a view's SQL against the target's catalog).
   */
  private async* ordered(tables: AsyncIterable<SourceTable>): AsyncIterable<SourceTable> {
    const links: SourceTable[] = [];
    for await (const table of tables) {
      if (table.input.TargetTable || isDataCatalogView(table.input)) links.push(table);
      else yield table;
    }
    yield* links;
  }

  /**
   * Stops starting tables once the soft deadline has passed (after at least one, so every invocation
   * makes progress), remembering the last one started. The check is made when a next table exists,
   * so an invocation that reaches the end of the listing finishes the database.
   */
  private async* untilDeadline(tables: AsyncIterable<SourceTable>): AsyncIterable<SourceTable> {
    let started = 0;
    for await (const table of tables) {
      if (started > 0 && this.deadline && Date.now() > this.deadline.soft) {
        this.stoppedAfter = { table: this.lastListed };
        return;
      }
      yield table;
      started++;
      this.lastListed = table.input.Name;
    }
  }

  private async extraDatabases(target: GlueTarget, names: string[]) {
    for (const name of names) {
      if (!this.deleteOrReport('database', name, target.region)) continue;
      try {
        await this.write('database', name, target.region, 'deleted', undefined, () => target.deleteDatabase(name));
      } catch (error) {
        this.report.fail({ kind: 'database', key: name, target: target.region, error: errorMessage(error) });
      }
    }
  }

  // ---- tables ----

  private async table(table: SourceTable, states: TargetDatabase[]) {
    const db = table.databaseName;
    const key = `${db}.${table.input.Name}`;
    const partitionTargets: PartitionTarget[] = [];
    const attachments = await table.attachments(this.attached.kindsOf('table', table.input));
    const converged: Array<TargetWithContext> = [];
    for (const state of states) {
      if (state.broken) {
        this.report.fail({ kind: 'table', key, target: state.target.region, error: `database ${db} failed: ${state.broken}` });
        continue;
      }
      const actual = state.tables?.get(table.input.Name!);
      try {
        const desired = await this.desiredTable(table, state.ctx, key);
        if (!desired) continue;
        const withTable = this.attached.withTable(attachments, this.objectContext(state.ctx, key));
        const change = await this.converge('table', key, state.target.region, fieldPrints(desired), actual, this.tableWrites(state.target, db, desired, withTable));
        if (change.outcome === 'unchanged') await this.verifyIcebergChain(table, state, key);
        await this.convergeAttached(state, table, attachments, false, change.outcome === 'created' ? withTable : undefined);
        converged.push(state);
        const storage = this.storageCheck && hasHiveStorage(desired) ? { table: desired.StorageDescriptor!.Location!, partitions: [] } : undefined;
        // A table found in the target (whatever this run's first answer was) has partitions to compare.
        const readPartitions = change.outcome !== 'created' && (actual === undefined || 'PartitionKeys' in actual);
        if (hasPartitions(desired) || readPartitions) {
          const ctx = this.objectContext(state.ctx, key);
          partitionTargets.push({ target: state.target, ctx, lookup: readPartitions, creates: [], updates: [], storage });
        } else if (storage) {
          await this.checkStorage(key, state.target.region, state.ctx, storage);
        }
      } catch (error) {
        this.report.fail({ kind: 'table', key, target: state.target.region, error: `${errorMessage(error)}; its partitions were not replicated` });
      }
    }
    this.progress(key);
    if (partitionTargets.length > 0) await this.partitions(table, partitionTargets);
    // A table the deadline cut gets what follows its partitions in the invocation that finishes them.
    if (this.cutShort(table.input.Name!)) return;
    for (const state of converged) await this.convergeLateAttached(state, table, attachments);
  }

  /**
   * The kinds converged after a table's partitions (partition column statistics) in one target, from a source page
   * token when resuming; past the hard deadline a paged kind stops at a page, and the next invocation goes on there.
   */
  private async convergeLateAttached(
    state: TargetWithContext, table: SourceTable, attachments: SourceAttachments, from?: string, only?: AttachedKind,
  ) {
    const paging = { from, stop: () => this.deadline !== undefined && Date.now() > this.deadline.hard };
    const cut = await this.convergeAttached(state, table, attachments, true, undefined, paging, only);
    if (cut) this.partials.push({ table: table.input.Name!, next: cut.next, attachedIn: { kind: cut.kind, region: state.target.region } });
  }

  /** Converges a table's attached objects in one target: those that go before its partitions, or after them. */
  private async convergeAttached(
    state: TargetWithContext, table: SourceTable, source: SourceAttachments, afterPartitions: boolean, createdWith?: Partial<CreateTableRequest>,
    paging?: AttachedPaging, only?: AttachedKind,
  ): Promise<AttachedCut | undefined> {
    const kinds = this.attached.kindsOf('table', table.input, afterPartitions).filter(k => only === undefined || k === only);
    if (kinds.length === 0) return undefined;
    const name = table.input.Name!;
    const key = `${table.databaseName}.${name}`;
    const owner = { database: table.databaseName, table: name };
    return this.attached.converge(state.target.glue, owner, key, this.objectContext(state.ctx, key), source, kinds, createdWith, table.input, paging);
  }

  private async extraTables(state: TargetDatabase, db: string, names: string[]) {
    const region = state.target.region;
    const doomed = names.filter(name => this.deleteOrReport('table', `${db}.${name}`, region));
    if (doomed.length === 0) return;
    for (const name of doomed) this.differ('table', `${db}.${name}`, region, 'deleted');
    if (this.dryRun) {
      this.report.count('table', 'deleted', doomed.length);
      return;
    }
    try {
      const errors = await state.target.deleteTables(db, doomed);
      this.report.count('table', 'deleted', doomed.length - errors.length);
      for (const e of errors) this.report.fail({ kind: 'table', key: `${db}.${e.key}`, target: region, error: e.error });
    } catch (error) {
      for (const name of doomed) this.report.fail({ kind: 'table', key: `${db}.${name}`, target: region, error: errorMessage(error) });
    }
  }

  // ---- partitions ----

  /**
   * Streams the source's partitions of one table into every target, page by page, from a page token when
   * resuming. Memory stays flat: each source page's values are looked up in the target (BatchGetPartition)
   * and only the difference is written; no target partition is held beyond its page. Partitions only a target
   * has are looked for afterwards, by a listing of the target, and only when pruning or verifying (see
   * `extraPartitions`).
   */
  private async partitions(table: SourceTable, targets: PartitionTarget[], from?: string) {
    const db = table.databaseName;
    const name = table.input.Name!;
    const key = `${db}.${name}`;
    // A snapshot cannot be asked for partitions by value: its keys are kept as 64-bit digests instead (8 B each).
    const digests = this.findsExtras && !this.o.source.lookups ? new PartitionDigests() : undefined;
    let complete = true;
    try {
      for await (const page of table.partitionPages(from)) {
        const unique = [...new Map(page.partitions.map(p => [partitionKey(p.Values), p])).values()];
        if (digests) for (const p of unique) digests.add(partitionKey(p.Values));
        for (const t of targets) {
          if (t.broken) continue;
          const existing = await this.lookUp(t, db, name, unique);
          if (t.broken) continue;
          for (const source of unique) {
            const desired = replicaPartition(source, t.ctx);
            if (t.storage && desired.StorageDescriptor?.Location) t.storage.partitions.push(desired.StorageDescriptor.Location);
            this.queuePartition(t, desired, existing?.get(partitionKey(source.Values)));
          }
          await this.flushPartitions(t, db, name, false);
        }
        this.progress(key);
        if (page.next && this.deadline && Date.now() > this.deadline.hard) {
          this.partials.push({ table: name, next: page.next });
          complete = false;
          break;
        }
      }
    } catch (error) {
      this.report.fail({ kind: 'table', key, error: `listing source partitions failed, no partition of this table was pruned: ${errorMessage(error)}` });
      complete = false;
    }
    for (const t of targets) await this.flushPartitions(t, db, name, true);
    for (const t of targets) if (t.storage) await this.checkStorage(key, t.target.region, t.ctx, t.storage);
    if (!complete || !this.findsExtras) return;
    for (const t of targets) if (t.lookup && !t.broken) await this.extraPartitions(t, db, name, digests);
  }

  /** One source page's partitions as the target has them (fingerprints by key); a failed read stops the table in that target. */
  private async lookUp(
    t: PartitionTarget, db: string, name: string, page: readonly PartitionInput[],
  ): Promise<Map<string, string> | undefined> {
    if (!t.lookup || page.length === 0) return undefined;
    const key = `${db}.${name}`;
    try {
      return await t.target.partitionsByValues(db, name, page.map(p => p.Values ?? []));
    } catch (error) {
      t.broken = true;
      this.report.fail({ kind: 'table', key, target: t.target.region, error: `reading its partitions failed: ${errorMessage(error)}; the rest of its partitions were not replicated` });
      return undefined;
    }
  }

  /**
   * Partitions only one target has: its partitions listed page by page, each page's values tested against the
   * source, deleted with prune (after this invocation's listing, so its pages are not shifted under it) or reported.
   * With a deadline (the job) the search stops at a page past the hard deadline, or once `DOOMED_PER_INVOCATION`
   * are found, so their deletes fit in the time left; the next invocation goes on from that page (`resume`), and a
   * listing that went on after deletes is followed by one more from the top (`PartialTable.sweepAgain`).
   *
   * A live source is asked again by value (BatchGetPartition, 1,000 a call): one more read call per 1,000 target
   * partitions, memory flat whatever the table's size, and right across resumed invocations (the digests of an
   * earlier invocation's pages would be gone). A snapshot cannot be asked: its keys' digests, collected while it
   * streamed, are tested (8 B a partition; a digest collision keeps a partition, never deletes one the source has).
   * See docs/benchmarks.md, "Memory of a table's partitions".
   */
  private async extraPartitions(
    t: PartitionTarget, db: string, name: string, digests: PartitionDigests | undefined, resume?: { from?: string; sweepAgain?: boolean },
  ) {
    const key = `${db}.${name}`;
    const region = t.target.region;
    const doomed: string[][] = [];
    try {
      let cut = false;
      for await (const { values: page, next } of t.target.partitionPages(db, name, resume?.from)) {
        const inSource = page.length === 0 ? new Set<string>() : digests
          ? new Set(page.map(v => partitionKey(v)).filter(k => digests.has(k)))
          : new Set((await this.o.source.lookups!.partitionsByValues(db, name, page)).keys());
        for (const values of page) {
          const k = partitionKey(values);
          if (!inSource.has(k) && this.deleteOrReport('partition', `${key}/${k}`, region)) doomed.push(values);
        }
        // Past the invocation's deadline (the job, one target): what was found so far is deleted now, and the next
        // invocation goes on from this page; after deletes, the token may pass over some, so a sweep follows.
        if (next && this.deadline && (Date.now() > this.deadline.hard || doomed.length >= DOOMED_PER_INVOCATION)) {
          const sweepAgain = resume?.sweepAgain || doomed.length > 0;
          this.partials.push({ table: name, next, extrasIn: region, ...sweepAgain ? { sweepAgain } : {} });
          cut = true;
          break;
        }
      }
      if (!cut && resume?.sweepAgain) this.partials.push({ table: name, next: '', extrasIn: region });
    } catch (error) {
      const pruned = resume ? 'none was pruned in this invocation (earlier invocations of the run deleted those they found)' : 'none was pruned';
      this.report.fail({ kind: 'table', key, target: region, error: `looking for partitions only the target has failed, ${pruned}: ${errorMessage(error)}` });
      return;
    }
    await this.partitionBatch(t, key, 'deleted', doomed, values => t.target.deletePartitions(db, name, values), v => v);
  }

  /** Carries on with a table whose partitions (or search for a target's own partitions) an earlier invocation cut short. */
  private async resumePartitions(db: string, partial: PartialTable, states: TargetDatabase[]) {
    const key = `${db}.${partial.table}`;
    let table: SourceTable | undefined;
    try {
      table = await this.o.source.lookups!.table(db, partial.table);
    } catch (error) {
      // This table only: the other cut tables and the rest of the listing go on.
      this.report.fail({ kind: 'table', key, error: `reading it again to resume its partitions failed, the rest of them were not converged: ${errorMessage(error)}` });
      return;
    }
    if (!table) return; // deleted since: the database's table pruning handles it
    const here = (region?: string) => states.filter(s => (region === undefined || s.target.region === region)
      && !s.broken && s.tables?.has(partial.table));
    const late = () => table.attachments(this.attached.kindsOf('table', table.input, true));
    if (partial.attachedIn) {
      const kind = partial.attachedIn.kind as AttachedKind;
      for (const state of here(partial.attachedIn.region)) await this.convergeLateAttached(state, table, await late(), partial.next, kind);
      return;
    }
    const before = this.partials.length;
    if (partial.extrasIn === undefined) {
      await this.tablePartitions(db, partial.table, table, states, partial.next);
    } else {
      for (const state of here(partial.extrasIn)) {
        const t: PartitionTarget = { target: state.target, ctx: this.objectContext(state.ctx, key), lookup: true, creates: [], updates: [] };
        await this.extraPartitions(t, db, partial.table, undefined, { from: partial.next || undefined, sweepAgain: partial.sweepAgain });
      }
    }
    // The invocation that finishes the table's partitions converges what follows them (in the Regions it went on in).
    if (this.cutShort(partial.table, before)) return;
    const attachments = await late();
    for (const state of here(partial.extrasIn)) await this.convergeLateAttached(state, table, attachments);
  }

  /** Streams one table's source partitions into each target (from a page token when resuming). */
  private async tablePartitions(db: string, name: string, table: SourceTable, states: TargetDatabase[], from?: string) {
    const key = `${db}.${name}`;
    // A table a dry run would have created has nothing to look up yet.
    const targets: PartitionTarget[] = states.filter(s => !s.broken).map(state => ({
      target: state.target, ctx: this.objectContext(state.ctx, key), lookup: state.tables?.has(name) ?? false, creates: [], updates: [],
    }));
    if (targets.length > 0) await this.partitions(table, targets, from);
  }

  /** Sends full batches as they fill, and the rest at the end of the table. */
  private async flushPartitions(t: PartitionTarget, db: string, table: string, final: boolean) {
    const key = `${db}.${table}`;
    // Between pages only whole batches go out; the remainder waits for the next page or the end.
    const take = (queue: PartitionInput[]) => queue.splice(0, final ? queue.length : queue.length - (queue.length % BATCH));
    if (t.creates.length >= (final ? 1 : BATCH)) {
      const batch = take(t.creates);
      const conflicts = await this.partitionBatch(t, key, 'created', batch, inputs => t.target.createPartitions(db, table, inputs), p => p.Values ?? []);
      await this.settleConflicts(t, db, table, batch, conflicts);
    }
    if (t.updates.length >= (final ? 1 : BATCH)) {
      const batch = take(t.updates);
      const conflicts = await this.partitionBatch(t, key, 'updated', batch, inputs => t.target.updatePartitions(db, table, inputs), p => p.Values ?? []);
      await this.settleConflicts(t, db, table, batch, conflicts);
    }
  }

  /**
   * Sends one batch and counts it. Entries the service refused as already there (on a create) or gone
   * (on an update) are returned, not failed: they are idempotency conflicts, settled by a fresh read.
   */
  private async partitionBatch<T>(
    t: PartitionTarget,
    tableKey: string,
    outcome: 'created' | 'updated' | 'deleted',
    entries: T[],
    send: (entries: T[]) => Promise<EntryError<string[]>[]>,
    valuesOf: (entry: T) => string[],
  ): Promise<string[][]> {
    if (entries.length === 0) return [];
    for (const entry of entries) this.differ('partition', `${tableKey}/${partitionKey(valuesOf(entry))}`, t.target.region, outcome);
    if (this.dryRun) {
      this.report.count('partition', outcome, entries.length);
      return [];
    }
    let errors: EntryError<string[]>[];
    try {
      errors = await send(entries);
    } catch (error) {
      errors = entries.map(e => ({ key: valuesOf(e), error: errorMessage(error) }));
    }
    const conflictCode = outcome === 'created' ? 'AlreadyExistsException' : outcome === 'updated' ? 'EntityNotFoundException' : undefined;
    const conflicts = errors.filter(e => e.code !== undefined && e.code === conflictCode);
    const failed = errors.filter(e => !conflicts.includes(e));
    this.report.count('partition', outcome, entries.length - errors.length);
    for (const e of failed) {
      this.report.fail({ kind: 'partition', key: `${tableKey}/${partitionKey(e.key)}`, target: t.target.region, error: e.error });
    }
    return conflicts.map(e => e.key);
  }

  /**
   * Partitions a batch found already there, or already gone: each is read again in the target and
   * decided again, so a lost response or a concurrent writer ends in the source's state, not a failure.
   */
  private async settleConflicts(t: PartitionTarget, db: string, table: string, sent: readonly PartitionInput[], conflicts: string[][]) {
    if (conflicts.length === 0) return;
    const wanted = new Map(sent.map(p => [partitionKey(p.Values), p]));
    const now = await t.target.partitionsByValues(db, table, conflicts);
    const again: PartitionTarget = { ...t, creates: [], updates: [] };
    for (const values of conflicts) {
      const k = partitionKey(values);
      this.queuePartition(again, wanted.get(k)!, now.get(k));
    }
    // A conflict on the second try is a failure: the batch calls report it as one.
    const key = `${db}.${table}`;
    for (const [outcome, queue] of [['created', again.creates], ['updated', again.updates]] as const) {
      const send = (inputs: PartitionInput[]) => outcome === 'created' ? t.target.createPartitions(db, table, inputs) : t.target.updatePartitions(db, table, inputs);
      const left = await this.partitionBatch(again, key, outcome, queue, send, p => p.Values ?? []);
      for (const values of left) {
        this.report.fail({ kind: 'partition', key: `${key}/${partitionKey(values)}`, target: t.target.region, error: 'changed by another writer while it was converged; the next run converges it' });
      }
    }
  }

  // ---- named objects, in the first (only) target: the near-real-time path ----

  /** Converges one database object (not its tables): created, updated, or deleted when the source no longer has it. */
  async databaseObject(name: string): Promise<ObjectChange> {
    const lookups = this.lookups();
    const [{ target, ctx }] = await this.targetsWithContext();
    const source = await lookups.database(name);
    const actual = await target.database(name);
    if (source) {
      const desired = replicaDatabase(source.input, this.objectContext(ctx, name));
      const change = await this.converge('database', name, target.region, fieldPrints(desired), actual, this.databaseWrites(target, desired));
      const kinds = this.attached.kindsOf('database');
      await this.attached.converge(target.glue, { database: name }, name, this.objectContext(ctx, name), await source.attachments(kinds), kinds);
      return change;
    }
    if (!actual) return { outcome: 'absent' };
    await this.extraDatabases(target, [name]);
    return { outcome: 'deleted' };
  }

  /**
   * Converges one table object (not its partitions). A table new to the target gets its database first,
   * when the source has it.
   */
  async tableObject(db: string, name: string, known: KnownDatabases): Promise<ObjectChange> {
    const lookups = this.lookups();
    const [{ target, ctx }] = await this.targetsWithContext();
    const key = `${db}.${name}`;
    const source = await lookups.table(db, name);
    const actual = await target.table(db, name);
    if (source) {
      const desired = await this.desiredTable(source, ctx, key);
      if (!desired) return { outcome: 'held' };
      if (!actual) await this.ensureDatabase(db, known);
      const attachments = await source.attachments(this.attached.kindsOf('table', source.input));
      const withTable = this.attached.withTable(attachments, this.objectContext(ctx, key));
      const change = await this.converge('table', key, target.region, fieldPrints(desired), actual, this.tableWrites(target, db, desired, withTable));
      const created = change.outcome === 'created' ? withTable : undefined;
      for (const late of [false, true]) await this.convergeAttached({ target, ctx }, source, attachments, late, created);
      return change;
    }
    if (!actual) return { outcome: 'absent' };
    await this.extraTables({ target, ctx }, db, [name]);
    return { outcome: 'deleted' };
  }

  /**
   * Converges the named partitions of one table: each is re-read in the source and the target and made
   * to match, deleted when the source no longer has it. A table the target lacks is converged first.
   */
  async namedPartitions(db: string, table: string, values: readonly string[][], known: KnownDatabases): Promise<ObjectChange> {
    const [{ target, ctx }] = await this.targetsWithContext();
    const { inSource, inTarget } = await this.partitionsTable(db, table, known);
    if (!inSource && !inTarget) return { outcome: 'absent' };
    const key = `${db}.${table}`;
    const unique = [...new Map(values.map(v => [partitionKey(v), v])).values()];
    const wanted = inSource
      ? await notFoundAsUndefined(this.lookups().partitionsByValues(db, table, unique)) ?? new Map<string, PartitionInput>()
      : new Map<string, PartitionInput>();
    const existing = await target.partitionsByValues(db, table, unique);
    const t: PartitionTarget = { target, ctx: this.objectContext(ctx, key), lookup: true, creates: [], updates: [] };
    const doomed: string[][] = [];
    for (const v of unique) {
      const k = partitionKey(v);
      const source = wanted.get(k);
      if (source) this.queuePartition(t, replicaPartition(source, t.ctx), existing.get(k));
      else if (existing.has(k)) doomed.push(v);
      else this.report.count('partition', 'unchanged');
    }
    await this.flushPartitions(t, db, table, true);
    await this.partitionBatch(t, key, 'deleted', doomed, batch => target.deletePartitions(db, table, batch), v => v);
    return { outcome: 'partitions' };
  }

  /** Converges every partition of one table (the event did not say which), deleting those only the target has. */
  async allPartitions(db: string, table: string, known: KnownDatabases): Promise<ObjectChange> {
    const { inSource, inTarget } = await this.partitionsTable(db, table, known);
    if (!inSource && !inTarget) return { outcome: 'absent' };
    if (!inSource) return { outcome: 'sourceGone' };
    await this.runPartitionsOf(db, table);
    return { outcome: 'partitions' };
  }

  /**
   * Converges one attached kind's objects on one table (or, without `table`, one database). An owner the target
   * lacks is converged whole, objects included; one the source no longer has is left to its own event.
   */
  async attachedObjects(kind: AttachedKind, db: string, table: string | undefined, known: KnownDatabases): Promise<ObjectChange> {
    const lookups = this.lookups();
    const [{ target, ctx }] = await this.targetsWithContext();
    if (ATTACHED_KINDS[kind].owner === 'catalog') {
      // Connections are read through the catalogs that name them: a catalog's event converges its connection too.
      const kinds = this.attached.kindsOf('catalog').filter(k => k === kind || (kind === 'catalog' && k === 'connection'));
      const source = await this.o.source.catalogAttachments!(kinds);
      await this.attached.convergeCatalog(target.glue, this.objectContext(ctx, 'catalog'), source, kinds);
      return { outcome: 'attached' };
    }
    if (table === undefined) {
      const source = await lookups.database(db);
      if (!source) return { outcome: 'sourceGone' };
      if (!await target.database(db)) return this.databaseObject(db);
      await this.attached.converge(target.glue, { database: db }, db, this.objectContext(ctx, db), await source.attachments([kind]), [kind]);
      return { outcome: 'attached' };
    }
    const source = await lookups.table(db, table);
    if (!source) return { outcome: 'sourceGone' };
    if (!await target.table(db, table)) return this.tableObject(db, table, known);
    const key = `${db}.${table}`;
    const kinds = this.attached.kindsOf('table', source.input).filter(k => k === kind);
    const [owner, attachments] = [{ database: db, table }, await source.attachments(kinds)];
    await this.attached.converge(target.glue, owner, key, this.objectContext(ctx, key), attachments, kinds, undefined, source.input);
    return { outcome: 'attached' };
  }

  /** Whether a table's partitions can be converged: a partition's event may come before its table's. */
  private async partitionsTable(db: string, table: string, known: KnownDatabases): Promise<{ inSource: boolean; inTarget: boolean }> {
    const [{ target }] = await this.targetsWithContext();
    const inSource = (await this.lookups().table(db, table)) !== undefined;
    const inTarget = (await target.table(db, table)) !== undefined;
    if (inSource && !inTarget) await this.tableObject(db, table, known);
    return { inSource, inTarget };
  }

  /** Creates the database in the target when the source has it and the target does not, once per batch. */
  private ensureDatabase(name: string, known: KnownDatabases): Promise<boolean> {
    let exists = known.get(name);
    if (!exists) {
      exists = (async () => {
        const [{ target, ctx }] = await this.targetsWithContext();
        if (await target.database(name)) return true;
        const source = await this.lookups().database(name);
        if (!source) return false;
        await target.createDatabase(replicaDatabase(source.input, this.objectContext(ctx, name)));
        return true;
      })();
      known.set(name, exists);
    }
    return exists;
  }

  private lookups(): SourceLookups {
    const lookups = this.o.source.lookups;
    if (!lookups) throw new Error('converging named objects needs a live source');
    return lookups;
  }

  /**
   * verify: an Iceberg table whose catalog entry matches still needs its chain to be whole in the
   * target, every path in a mapped target bucket and every file there.
   */
  private async verifyIcebergChain(table: SourceTable, state: TargetDatabase, key: string): Promise<void> {
    if (this.o.mode !== 'verify' || !this.icebergMetadata || !isIcebergTable(table.input) || isS3TablesTable(table.input)) return;
    const pointer = (await state.target.tableParameters(table.databaseName, table.input.Name!))?.metadata_location;
    if (!pointer) return;
    const detail = await icebergChainDrift(pointer, state.ctx, this.o.clients);
    if (detail) this.report.differ({ kind: 'table', key, target: state.target.region, difference: 'changed', fields: ['Parameters'], detail });
  }

  /** verify --storage: the table's and its partitions' locations hold objects in the target, or the table is drift. */
  private async checkStorage(key: string, region: string, ctx: ReplicaContext, storage: StorageLocations): Promise<void> {
    try {
      const check = await checkReplicaStorage(storage.table, storage.partitions, ctx, this.o.clients);
      this.report.storageChecked(check.locationsChecked, check.missingCount, check.apiCalls);
      if (check.missingCount === 0) return;
      const detail = `${check.missingCount} of its ${check.locationsChecked} location(s) hold no object in the target (for example ${check.missing[0]})`;
      this.report.differ({ kind: 'table', key, target: region, difference: 'changed', fields: ['StorageDescriptor.Location'], detail });
    } catch (error) {
      this.report.fail({ kind: 'table', key, target: region, error: `checking its storage locations failed: ${errorMessage(error)}` });
    }
  }

  // ---- shared ----

  /**
   * The one decision of what a table's replica in one target is. An Iceberg table (with the rewrite on)
   * points at its metadata chain rewritten into the target buckets; undefined when that chain is not
   * complete there yet (waiting for S3 replication) or cannot be made (failed): the target's table is
   * then left as it is, so a reader never follows a half chain.
   */
  private async desiredTable(table: SourceTable, ctx: ReplicaContext, key: string): Promise<TableInput | undefined> {
    const objectCtx = this.objectContext(ctx, key);
    const desired = replicaTable(table.input, objectCtx);
    if (!isIcebergTable(table.input) || isS3TablesTable(table.input)) return desired;
    const target = ctx.targetRegion;
    const none = { filesWritten: 0, bytesWritten: 0, filesUnchanged: 0 };
    if (!this.icebergMetadata) {
      this.report.iceberg({ key, target, status: 'skipped' }, none);
      this.report.warnOnce(`Iceberg table ${key} in ${target} still depends on the source Region: its metadata files name the source buckets, and the Iceberg metadata rewrite is switched off (--skip iceberg-metadata)`);
      return desired;
    }
    const result = await rewriteIntoTarget({ source: table.input, updatedAt: table.updatedAt, ctx, clients: this.o.clients, dryRun: this.dryRun });
    for (const warning of result.warnings) this.report.warnOnce(`Iceberg table ${key} in ${target}: ${warning}`);
    const entry = { key, target, missing: result.missing, missingCount: result.missingCount, reason: result.reason };
    switch (result.status) {
      case 'rewritten':
      case 'unchanged':
        this.report.iceberg({ key, target, status: result.status }, result);
        return pointAtStagedChain(desired, result);
      case 'waiting':
        this.report.iceberg({ ...entry, status: 'waiting' }, result);
        this.report.warnOnce(`Iceberg table ${key} in ${target} is waiting for S3 replication (${result.missingCount} file(s), for example ${result.missing?.[0]}); its catalog entry was left as it is and converges on a later run`);
        // The target lags the source: verify says so.
        this.differ('table', key, target, 'updated', ['Parameters']);
        return undefined;
      case 'failed':
        this.report.iceberg({ ...entry, status: 'failed' }, result);
        this.report.fail({ kind: 'table', key, target, error: `Iceberg metadata not rewritten, its catalog entry was left as it is: ${result.reason}` });
        return undefined;
      case 'unmapped':
        this.report.iceberg({ ...entry, status: 'unmapped' }, result);
        for (const bucket of result.unmappedBuckets ?? []) objectCtx.onUnmappedBucket(bucket);
        return desired;
      default:
        return desired;
    }
  }

  /**
   * The one decision for a database or a table in one target: create it when the target lacks it,
   * update it when a field differs, else leave it. Returns what it came to.
   *
   * Idempotency errors are converged, not failed: a create that finds the object there already (our own
   * retried call whose first answer was lost, or a concurrent run) re-reads it and decides again; an
   * update that finds it gone creates it.
   */
  private async converge(
    kind: ObjectKind, key: string, region: string, desired: FieldPrints, actual: FieldPrints | undefined,
    writes: { create(): Promise<void>; update(): Promise<void>; reread(): Promise<FieldPrints | undefined> },
  ): Promise<ObjectChange> {
    if (actual === undefined) {
      try {
        await this.write(kind, key, region, 'created', undefined, writes.create);
        return { outcome: 'created' };
      } catch (error) {
        if (!isAlreadyExists(error)) throw error;
        actual = await writes.reread();
        if (actual === undefined) throw error;
      }
    }
    const fields = changedFields(desired, actual);
    if (fields.length === 0) {
      this.report.count(kind, 'unchanged');
      return { outcome: 'unchanged' };
    }
    try {
      await this.write(kind, key, region, 'updated', fields, writes.update);
    } catch (error) {
      if (!isNotFound(error) || await writes.reread() !== undefined) throw error;
      await this.write(kind, key, region, 'created', undefined, writes.create);
      return { outcome: 'created' };
    }
    return { outcome: 'updated', fields };
  }

  private databaseWrites(target: GlueTarget, desired: DatabaseInput) {
    return {
      create: () => target.createDatabase(desired),
      update: () => target.updateDatabase(desired),
      reread: () => target.database(desired.Name!),
    };
  }

  private tableWrites(target: GlueTarget, db: string, desired: TableInput, withTable?: Partial<CreateTableRequest>) {
    return {
      create: () => target.createTable(db, desired, withTable),
      update: () => target.updateTable(db, desired),
      reread: () => target.table(db, desired.Name!),
    };
  }

  /** The one decision for a partition in one target: queued for creation or update, or counted unchanged. */
  private queuePartition(t: PartitionTarget, desired: PartitionInput, actual: string | undefined): void {
    if (actual === undefined) t.creates.push(desired);
    else if (actual !== fingerprint(desired)) t.updates.push(desired);
    else this.report.count('partition', 'unchanged');
  }

  /** Whether this invocation cut the table short (a partial pushed since `since`): the next one goes on with it. */
  private cutShort(table: string, since = 0): boolean {
    return this.partials.slice(since).some(p => p.table === table);
  }

  /** Whether objects only a target has are looked for: deleted with prune, listed by verify. */
  private get findsExtras(): boolean {
    return this.prune || this.o.mode === 'verify';
  }

  /** The run's rules, as every attached kind gets them. */
  private attachedRules(): AttachedRules {
    return {
      dryRun: this.dryRun,
      findsExtras: this.findsExtras,
      differ: (kind, key, target, outcome, fields) => this.differ(kind, key, target, outcome, fields),
      count: (kind, outcome, n) => this.report.count(kind, outcome, n),
      fail: (kind, key, target, error) => this.report.fail({ kind, key, target, error }),
      deleteOrReport: (kind, key, target) => this.deleteOrReport(kind, key, target),
      note: message => this.report.warnOnce(message),
    };
  }

  /** Records a difference (plan/verify) and, unless dry, performs the write. */
  private async write(kind: ObjectKind, key: string, target: string, outcome: 'created' | 'updated' | 'deleted', fields: string[] | undefined, action: () => Promise<void>) {
    this.differ(kind, key, target, outcome, fields);
    if (!this.dryRun) await action();
    this.report.count(kind, outcome);
  }

  private differ(kind: ObjectKind, key: string, target: string, outcome: 'created' | 'updated' | 'deleted', fields?: string[]) {
    const difference = differenceOf(outcome);
    this.report.differ({ kind, key, target, difference, fields });
  }

  /**
   * An object only the target has: deleted with prune; otherwise verify lists it as drift and
   * the other modes warn once per kind. Returns whether to delete it.
   */
  private deleteOrReport(kind: ObjectKind, key: string, target: string): boolean {
    if (this.prune) return true;
    if (this.o.mode === 'verify') {
      this.report.differ({ kind, key, target, difference: 'extra' });
    } else if (!this.keptWarned.has(`${target}|${kind}`)) {
      this.keptWarned.add(`${target}|${kind}`);
      this.report.warnOnce(`${target} has ${kind}s in scope that the source does not have (e.g. ${key}); they were kept. Run with --prune to delete them.`);
    }
    return false;
  }
}

interface TargetWithContext {
  readonly target: GlueTarget;
  readonly ctx: ReplicaContext;
}

interface PartitionTarget {
  readonly target: GlueTarget;
  readonly ctx: ReplicaContext;
  /** Whether the target may have partitions of the table to look up (false: one this run creates, or would). */
  readonly lookup: boolean;
  /** Reading the target's partitions failed: the table's remaining pages are not converged there. */
  broken?: boolean;
  readonly creates: PartitionInput[];
  readonly updates: PartitionInput[];
  /** verify --storage: the table's location and its partitions' as they stream by. */
  readonly storage?: StorageLocations;
}

interface StorageLocations {
  readonly table: string;
  readonly partitions: string[];
}

/** What converging one named object came to. */
export interface ObjectChange {
  /**
   * `held`: an Iceberg table whose rewritten chain is not complete in the target yet; left as it is.
   * `attached`: an owner's attached objects of one kind were converged.
   */
  readonly outcome: 'created' | 'updated' | 'unchanged' | 'deleted' | 'absent' | 'partitions' | 'sourceGone' | 'held' | 'attached';
  readonly fields?: string[];
}

/** Databases a batch of named objects has found or created in the target, by name. */
export type KnownDatabases = Map<string, Promise<boolean>>;
