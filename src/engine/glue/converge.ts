import type { PartitionInput } from '@aws-sdk/client-glue';
import { replicaDatabase, replicaPartition, replicaTable, type ReplicaContext } from './replica-shape';
import { hasPartitions, partitionKey } from './shapes';
import type { CatalogSource, Cursor, PartialTable, SourceDatabase, SourceTable } from './source';
import { BATCH_CREATE_PARTITIONS as BATCH, GlueTarget, type EntryError } from './target';
import { BucketMapper } from '../../bucket-mapping';
import type { BucketMapping } from '../../bucket-mapping';
import { AwsClients } from '../kernel/clients';
import { changedFields, fieldPrints, fingerprint, type FieldPrints } from '../kernel/compare';
import { errorMessage, forEachConcurrent, Limiter } from '../kernel/concurrency';
import { differenceOf, ReportBuilder, type Counts, type Mode, type ObjectKind, type Report } from '../kernel/report';
import { Scope } from '../kernel/scope';

export const GLUE_KINDS: readonly ObjectKind[] = ['database', 'table', 'partition'];

export interface ReplicateOptions {
  /** plan and verify write nothing; sync and restore converge the targets. */
  readonly mode: Exclude<Mode, 'snapshot'>;
  readonly source: CatalogSource;
  readonly targetRegions: readonly string[];
  readonly scope: Scope;
  readonly bucketMappings?: readonly BucketMapping[];
  /** Delete target objects in scope that the source no longer has. */
  readonly prune?: boolean;
  /** Tables converged at once. */
  readonly concurrency?: number;
  readonly clients: AwsClients;
  /** Called as work progresses, with the live counts and the object being worked on. */
  readonly onProgress?: (counts: Readonly<Record<string, Counts>>, current: string) => void;
}

/** A time budget (epoch milliseconds) for one invocation of the on-demand job. */
export interface Deadline {
  /** After this, no new table is started. */
  readonly soft: number;
  /** After this, a table's partitions stop at the next page boundary and are resumed later. */
  readonly hard: number;
}

export interface ConvergeDatabaseOptions extends ReplicateOptions {
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
export async function replicate(options: ReplicateOptions): Promise<Report> {
  return new Replication(options).run();
}

/**
 * Converges one database of a live source, within a time budget. When the budget runs out,
 * the report carries a `continuation` cursor to pass to the next invocation; nothing done is
 * lost and nothing is counted twice.
 */
export async function convergeDatabase(options: ConvergeDatabaseOptions): Promise<Report> {
  return new Replication(options).runOne(options.database, options.cursor, options.deadline);
}

/**
 * Converges every partition of one table of a live source: the source's full listing against the
 * target's, deleting (with prune) what only the target has. The table must exist in the targets.
 */
export async function convergeTablePartitions(options: ReplicateOptions & { readonly database: string; readonly table: string }): Promise<Report> {
  return new Replication(options).runPartitionsOf(options.database, options.table);
}

/** Deletes (with prune) or reports target databases in scope that the source no longer has. */
export async function pruneDatabases(options: ReplicateOptions, sourceDatabases: ReadonlySet<string>): Promise<Report> {
  return new Replication(options).pruneOnly(sourceDatabases);
}

class Replication {
  private readonly report: ReportBuilder;
  private readonly dryRun: boolean;
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

  constructor(private readonly o: ReplicateOptions) {
    this.dryRun = o.mode === 'plan' || o.mode === 'verify';
    this.prune = o.prune ?? false;
    this.concurrency = Math.max(1, o.concurrency ?? 8);
    this.tableSlots = new Limiter(this.concurrency);
    this.targets = o.targetRegions.map(region => new GlueTarget(o.clients, region));
    this.report = new ReportBuilder({
      mode: o.mode,
      source: { region: o.source.region, snapshot: o.source.snapshotLocation },
      targets: [...o.targetRegions],
      scope: o.scope.toJSON(),
      prune: this.prune,
      dryRun: this.dryRun,
    }, GLUE_KINDS);
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

  // ---- databases ----

  private async database(db: SourceDatabase, targets: TargetWithContext[], existing: Map<string, FieldPrints>[], cursor?: Cursor) {
    const name = db.input.Name!;
    this.progress(name);
    const states: TargetDatabase[] = [];
    for (const [i, { target, ctx }] of targets.entries()) {
      const state: TargetDatabase = { target, ctx };
      states.push(state);
      const desired = replicaDatabase(db.input, this.objectContext(ctx, name));
      const actual = existing[i].get(name);
      try {
        if (cursor) {
          // Resuming: the database was converged by the invocation that started it (or, in a dry run, would have been).
          state.tables = actual === undefined ? undefined : await target.tables(name);
        } else if (actual === undefined) {
          await this.write('database', name, target.region, 'created', undefined, () => target.createDatabase(desired));
        } else {
          const fields = changedFields(fieldPrints(desired), actual);
          if (fields.length > 0) await this.write('database', name, target.region, 'updated', fields, () => target.updateDatabase(desired));
          else this.report.count('database', 'unchanged');
          state.tables = await target.tables(name);
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

  /** Tables are yielded as listed; links are held back to the end of the database so their targets exist first. */
  private async* ordered(tables: AsyncIterable<SourceTable>): AsyncIterable<SourceTable> {
    const links: SourceTable[] = [];
    for await (const table of tables) {
      if (table.input.TargetTable) links.push(table);
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
    for (const state of states) {
      if (state.broken) {
        this.report.fail({ kind: 'table', key, target: state.target.region, error: `database ${db} failed: ${state.broken}` });
        continue;
      }
      const desired = replicaTable(table.input, this.objectContext(state.ctx, key));
      const actual = state.tables?.get(table.input.Name!);
      try {
        let readPartitions = false;
        if (actual === undefined) {
          await this.write('table', key, state.target.region, 'created', undefined, () => state.target.createTable(db, desired));
        } else {
          const fields = changedFields(fieldPrints(desired), actual);
          if (fields.length > 0) await this.write('table', key, state.target.region, 'updated', fields, () => state.target.updateTable(db, desired));
          else this.report.count('table', 'unchanged');
          readPartitions = 'PartitionKeys' in actual;
        }
        if (hasPartitions(desired) || readPartitions) {
          partitionTargets.push({
            target: state.target,
            ctx: this.objectContext(state.ctx, key),
            existing: readPartitions ? await state.target.partitions(db, desired.Name!) : new Map(),
            creates: [],
            updates: [],
          });
        }
      } catch (error) {
        this.report.fail({ kind: 'table', key, target: state.target.region, error: `${errorMessage(error)}; its partitions were not replicated` });
      }
    }
    this.progress(key);
    if (partitionTargets.length > 0) await this.partitions(table, partitionTargets);
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
   * Streams the source's partitions of one table into every target. From a page token when
   * resuming: target partitions left over then may have been matched by an earlier invocation,
   * so they are checked against the source before being called extra.
   */
  private async partitions(table: SourceTable, targets: PartitionTarget[], from?: string) {
    const db = table.databaseName;
    const name = table.input.Name!;
    const key = `${db}.${name}`;
    let complete = true;
    try {
      for await (const page of table.partitionPages(from)) {
        for (const source of page.partitions) {
          const k = partitionKey(source.Values);
          for (const t of targets) {
            const desired = replicaPartition(source, t.ctx);
            const actual = t.existing.get(k);
            t.existing.delete(k);
            if (actual === undefined) t.creates.push(desired);
            else if (actual !== fingerprint(desired)) t.updates.push(desired);
            else this.report.count('partition', 'unchanged');
          }
        }
        for (const t of targets) await this.flushPartitions(t, db, name, false);
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
    if (!complete) return;
    const leftover = targets.flatMap(t => [...t.existing.keys()]);
    let stillInSource = new Set<string>();
    if (from !== undefined && leftover.length > 0) {
      try {
        stillInSource = await this.o.source.lookups!.existingPartitions(db, name, [...new Set(leftover)].map(k => JSON.parse(k) as string[]));
      } catch (error) {
        this.report.fail({ kind: 'table', key, error: `checking leftover partitions against the source failed, none was pruned: ${errorMessage(error)}` });
        return;
      }
    }
    for (const t of targets) {
      const doomed = [...t.existing.keys()]
        .filter(k => !stillInSource.has(k))
        .filter(k => this.deleteOrReport('partition', `${key}/${k}`, t.target.region));
      await this.partitionBatch(t, key, 'deleted', doomed.map(k => JSON.parse(k) as string[]),
        values => t.target.deletePartitions(db, name, values), v => v);
    }
  }

  /** Carries on with a table whose partitions an earlier invocation cut short. */
  private async resumePartitions(db: string, partial: PartialTable, states: TargetDatabase[]) {
    const table = await this.o.source.lookups!.table(db, partial.table);
    if (!table) return; // deleted since: the database's table pruning handles it
    await this.tablePartitions(db, partial.table, table, states, partial.next);
  }

  /** Reads each target's partitions of one table, then streams the source's into them (from a page token when resuming). */
  private async tablePartitions(db: string, name: string, table: SourceTable, states: TargetDatabase[], from?: string) {
    const key = `${db}.${name}`;
    const targets: PartitionTarget[] = [];
    for (const state of states) {
      if (state.broken) continue;
      try {
        targets.push({
          target: state.target,
          ctx: this.objectContext(state.ctx, key),
          // A table a dry run would have created has nothing to read yet.
          existing: state.tables?.has(name) ? await state.target.partitions(db, name) : new Map(),
          creates: [],
          updates: [],
        });
      } catch (error) {
        this.report.fail({ kind: 'table', key, target: state.target.region, error: `${errorMessage(error)}; its partitions were not replicated` });
      }
    }
    if (targets.length > 0) await this.partitions(table, targets, from);
  }

  /** Sends full batches as they fill, and the rest at the end of the table. */
  private async flushPartitions(t: PartitionTarget, db: string, table: string, final: boolean) {
    const key = `${db}.${table}`;
    // Between pages only whole batches go out; the remainder waits for the next page or the end.
    const take = (queue: PartitionInput[]) => queue.splice(0, final ? queue.length : queue.length - (queue.length % BATCH));
    if (t.creates.length >= (final ? 1 : BATCH)) {
      const batch = take(t.creates);
      await this.partitionBatch(t, key, 'created', batch, inputs => t.target.createPartitions(db, table, inputs), p => p.Values ?? []);
    }
    if (t.updates.length >= (final ? 1 : BATCH)) {
      const batch = take(t.updates);
      await this.partitionBatch(t, key, 'updated', batch, inputs => t.target.updatePartitions(db, table, inputs), p => p.Values ?? []);
    }
  }

  private async partitionBatch<T>(
    t: PartitionTarget,
    tableKey: string,
    outcome: 'created' | 'updated' | 'deleted',
    entries: T[],
    send: (entries: T[]) => Promise<EntryError<string[]>[]>,
    valuesOf: (entry: T) => string[],
  ) {
    if (entries.length === 0) return;
    for (const entry of entries) this.differ('partition', `${tableKey}/${partitionKey(valuesOf(entry))}`, t.target.region, outcome);
    if (this.dryRun) {
      this.report.count('partition', outcome, entries.length);
      return;
    }
    let errors: EntryError<string[]>[];
    try {
      errors = await send(entries);
    } catch (error) {
      errors = entries.map(e => ({ key: valuesOf(e), error: errorMessage(error) }));
    }
    this.report.count('partition', outcome, entries.length - errors.length);
    for (const e of errors) {
      this.report.fail({ kind: 'partition', key: `${tableKey}/${partitionKey(e.key)}`, target: t.target.region, error: e.error });
    }
  }

  // ---- shared ----

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
  /** Target partitions not yet matched to a source partition: what is left at the end is extra. */
  readonly existing: Map<string, string>;
  readonly creates: PartitionInput[];
  readonly updates: PartitionInput[];
}

