import type { PartitionInput } from '@aws-sdk/client-glue';
import { AwsClients } from './aws-clients';
import { BucketMapper } from './bucket-mapper';
import type { CatalogSource, SourceDatabase, SourceTable } from './catalog-source';
import { errorMessage, forEachConcurrent } from './concurrency';
import { changedFields, fieldPrints, fingerprint, type FieldPrints } from './fingerprint';
import { hasPartitions } from './glue-shapes';
import { GlueTarget, partitionKey, type EntryError } from './glue-target';
import { replicaDatabase, replicaPartition, replicaTable, type ReplicaContext } from './replica-shape';
import { ReportBuilder, type Counts, type Mode, type ObjectKind, type Report } from './report';
import { Scope } from './scope';
import type { BucketMappingRule } from '../shared/bucket-mapping';

export const GLUE_KINDS: readonly ObjectKind[] = ['database', 'table', 'partition'];

export interface ReplicateOptions {
  /** plan and verify write nothing; sync and restore converge the targets. */
  readonly mode: Exclude<Mode, 'snapshot'>;
  readonly source: CatalogSource;
  readonly targetRegions: readonly string[];
  readonly scope: Scope;
  readonly bucketMappings?: readonly BucketMappingRule[];
  /** Delete target objects in scope that the source no longer has. */
  readonly prune?: boolean;
  /** Tables converged at once. */
  readonly concurrency?: number;
  readonly clients: AwsClients;
  /** Called as work progresses, with the live counts and the object being worked on. */
  readonly onProgress?: (counts: Readonly<Record<string, Counts>>, current: string) => void;
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

class Replication {
  private readonly report: ReportBuilder;
  private readonly dryRun: boolean;
  private readonly prune: boolean;
  private readonly targets: GlueTarget[];
  private readonly concurrency: number;

  constructor(private readonly o: ReplicateOptions) {
    this.dryRun = o.mode === 'plan' || o.mode === 'verify';
    this.prune = o.prune ?? false;
    this.concurrency = Math.max(1, o.concurrency ?? 8);
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
    const catalogId = await this.o.source.catalogId();
    Object.assign(this.report.report.source, { catalogId });
    const contexts = this.targets.map(t => this.context(t.region, catalogId));
    const existing = await Promise.all(this.targets.map(t => t.databases(this.o.scope)));
    const seen = new Set<string>();
    let listed = true;
    try {
      await forEachConcurrent(this.o.source.databases(), this.o.source.sequential ? 1 : this.concurrency, async (db) => {
        seen.add(db.input.Name!);
        await this.database(db, this.targets.map((target, i) => ({ target, ctx: contexts[i] })), existing);
      });
    } catch (error) {
      listed = false;
      this.report.fail({ kind: 'database', key: '*', error: `listing source databases failed, nothing was pruned: ${errorMessage(error)}` });
    }
    if (listed) {
      for (const [i, target] of this.targets.entries()) {
        const extras = [...existing[i].keys()].filter(name => !seen.has(name));
        await this.extraDatabases(target, extras);
      }
    }
    return this.report.finish(this.o.clients.apiCalls);
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

  private async database(db: SourceDatabase, targets: Array<{ target: GlueTarget; ctx: ReplicaContext }>, existing: Map<string, FieldPrints>[]) {
    const name = db.input.Name!;
    this.progress(name);
    const states: TargetDatabase[] = [];
    for (const [i, { target, ctx }] of targets.entries()) {
      const state: TargetDatabase = { target, ctx };
      states.push(state);
      const desired = replicaDatabase(db.input, this.objectContext(ctx, name));
      const actual = existing[i].get(name);
      try {
        if (actual === undefined) {
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

    const seen = new Set<string>();
    try {
      await forEachConcurrent(this.ordered(db.tables()), this.o.source.sequential ? 1 : this.concurrency, async (table) => {
        seen.add(table.input.Name!);
        await this.table(table, states);
      });
    } catch (error) {
      this.report.fail({ kind: 'database', key: name, error: `listing source tables failed, nothing was pruned in this database: ${errorMessage(error)}` });
      return;
    }
    for (const state of states) {
      if (state.broken || !state.tables) continue;
      await this.extraTables(state, name, [...state.tables.keys()].filter(t => !seen.has(t)));
    }
  }

  /** Tables are yielded as listed; links are moved behind the tables of their page so targets exist first. */
  private async* ordered(tables: AsyncIterable<SourceTable>): AsyncIterable<SourceTable> {
    const links: SourceTable[] = [];
    for await (const table of tables) {
      if (table.input.TargetTable) links.push(table);
      else yield table;
    }
    yield* links;
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

  private async partitions(table: SourceTable, targets: PartitionTarget[]) {
    const db = table.databaseName;
    const name = table.input.Name!;
    const key = `${db}.${name}`;
    try {
      for await (const page of table.partitionPages()) {
        for (const source of page) {
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
      }
    } catch (error) {
      this.report.fail({ kind: 'table', key, error: `listing source partitions failed, no partition of this table was pruned: ${errorMessage(error)}` });
      for (const t of targets) t.existing.clear();
    }
    for (const t of targets) {
      await this.flushPartitions(t, db, name, true);
      const doomed = [...t.existing.keys()].filter(k => this.deleteOrReport('partition', `${key}/${k}`, t.target.region));
      await this.partitionBatch(t, key, 'deleted', doomed.map(k => JSON.parse(k) as string[]),
        values => t.target.deletePartitions(db, name, values), v => v);
    }
  }

  /** Sends full batches as they fill, and the rest at the end of the table. */
  private async flushPartitions(t: PartitionTarget, db: string, table: string, final: boolean) {
    const key = `${db}.${table}`;
    const limit = final ? 1 : 100;
    if (t.creates.length >= limit) {
      const batch = t.creates.splice(0);
      await this.partitionBatch(t, key, 'created', batch, inputs => t.target.createPartitions(db, table, inputs), p => p.Values ?? []);
    }
    if (t.updates.length >= limit) {
      const batch = t.updates.splice(0);
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
    const difference = outcome === 'created' ? 'missing' : outcome === 'updated' ? 'changed' : 'extra';
    this.report.differ({ kind, key, target, difference, fields });
  }

  /**
   * An object only the target has: deleted with prune; otherwise verify lists it as drift and
   * the other modes warn once per kind. Returns whether to delete it.
   */
  private deleteOrReport(kind: ObjectKind, key: string, target: string): boolean {
    if (this.prune) return true;
    if (this.o.mode === 'verify') this.report.differ({ kind, key, target, difference: 'extra' });
    else this.report.warnOnce(`${target} has ${kind}s in scope that the source does not have (e.g. ${key}); they were kept. Run with --prune to delete them.`);
    return false;
  }
}

interface PartitionTarget {
  readonly target: GlueTarget;
  readonly ctx: ReplicaContext;
  /** Target partitions not yet matched to a source partition: what is left at the end is extra. */
  readonly existing: Map<string, string>;
  readonly creates: PartitionInput[];
  readonly updates: PartitionInput[];
}

