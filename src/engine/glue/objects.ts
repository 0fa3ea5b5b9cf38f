import { GlueClient, type PartitionInput } from '@aws-sdk/client-glue';
import { convergeTablePartitions } from './converge';
import { LiveCatalogSource } from './live-source';
import { getPartitionInputs, getTableInput } from './object-reads';
import { replicaDatabase, replicaPartition, replicaTable, type ReplicaContext } from './replica-shape';
import { partitionKey } from './shapes';
import { GlueTarget, type EntryError } from './target';
import type { BucketMapping } from '../../bucket-mapping';
import { BucketMapper } from '../../bucket-mapping';
import type { AwsClients } from '../kernel/clients';
import { changedFields, fieldPrints, fingerprint } from '../kernel/compare';
import { errorMessage } from '../kernel/concurrency';
import { refKey, type ObjectOutcome, type ObjectRef } from '../kernel/object-ref';
import { Scope } from '../kernel/scope';

/** Converges Glue objects (databases, tables, partitions) of the source in one target Region. */
export interface GlueObjectConverger {
  /** One outcome per ref, by `refKey`. Refs of other kinds are left out. */
  converge(refs: readonly ObjectRef[], targetRegion: string): Promise<Map<string, ObjectOutcome>>;
}

/** The Lake Formation engine's counterpart, injected by whoever wires the applier. */
export type LakeFormationConverger = (refs: ObjectRef[], targetRegion: string) => Promise<Map<string, ObjectOutcome>>;

export interface GlueConvergerOptions {
  readonly clients: AwsClients;
  readonly sourceRegion: string;
  readonly scope: Scope;
  readonly bucketMappings?: readonly BucketMapping[];
}

type GlueRef = Extract<ObjectRef, { kind: 'database' | 'table' | 'partition' }>;
type PartitionRef = Extract<ObjectRef, { kind: 'partition' }>;

/**
 * Re-reads each object's current state in the source and makes the target match it: created,
 * updated, or deleted when the source no longer has it (only inside the scope). What the event
 * said is never replayed, so duplicate, late and reordered events all end in the same state.
 */
export class GlueConverger implements GlueObjectConverger {
  private readonly source: LiveCatalogSource;

  constructor(private readonly o: GlueConvergerOptions) {
    this.source = new LiveCatalogSource(o.clients, o.sourceRegion, o.scope);
  }

  async converge(refs: readonly ObjectRef[], targetRegion: string): Promise<Map<string, ObjectOutcome>> {
    const catalogId = await this.source.catalogId();
    return new TargetConvergence(this.o, this.source, targetRegion, catalogId).run(refs.filter(isGlueRef));
  }
}

function isGlueRef(ref: ObjectRef): ref is GlueRef {
  return ref.kind === 'database' || ref.kind === 'table' || ref.kind === 'partition';
}

const ORDER: Record<GlueRef['kind'], number> = { database: 0, table: 1, partition: 2 };

class TargetConvergence {
  private readonly outcomes = new Map<string, ObjectOutcome>();
  private readonly target: GlueTarget;
  private readonly targetGlue: GlueClient;
  private readonly sourceGlue: GlueClient;
  private readonly mapper: BucketMapper;
  /** Databases known to exist in the target after this run created or found them. */
  private readonly databases = new Map<string, Promise<boolean>>();
  /** Unmapped buckets met by the work in progress. */
  private onUnmapped = new Set<string>();

  constructor(
    private readonly o: GlueConvergerOptions,
    private readonly source: LiveCatalogSource,
    private readonly region: string,
    private readonly sourceCatalogId: string,
  ) {
    this.target = new GlueTarget(o.clients, region);
    this.targetGlue = o.clients.get(GlueClient, region);
    this.sourceGlue = o.clients.get(GlueClient, o.sourceRegion);
    this.mapper = new BucketMapper(o.bucketMappings ?? [], region);
  }

  async run(refs: GlueRef[]): Promise<Map<string, ObjectOutcome>> {
    // Parents first, so a child's event never waits for its parent's to be handled.
    const sorted = [...refs].sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
    const partitionGroups = new Map<string, PartitionRef[]>();
    for (const ref of sorted) {
      if (!this.o.scope.includes(ref.database)) {
        this.outcomes.set(refKey(ref), { status: 'SKIPPED', reason: `database ${ref.database} is outside the replicated scope` });
      } else if (ref.kind === 'partition') {
        const group = `${ref.database}\u0000${ref.table}`;
        partitionGroups.set(group, [...partitionGroups.get(group) ?? [], ref]);
      } else {
        await this.settle([ref], () => ref.kind === 'database' ? this.database(ref.database) : this.table(ref.database, ref.table));
      }
    }
    for (const group of partitionGroups.values()) await this.settle(group, () => this.partitions(group));
    return this.outcomes;
  }

  /** Runs one piece of work (objects are converged one at a time) and records its outcome for its refs. */
  private async settle(refs: readonly ObjectRef[], work: () => Promise<string>) {
    const unmapped = new Set<string>();
    this.onUnmapped = unmapped;
    let outcome: ObjectOutcome;
    try {
      let reason = await work();
      if (unmapped.size > 0) reason += `; locations still point at unmapped bucket(s) ${[...unmapped].join(', ')} (add a bucket mapping)`;
      outcome = { status: 'APPLIED', reason };
    } catch (error) {
      outcome = { status: 'FAILED', reason: errorMessage(error) };
    }
    for (const ref of refs) this.outcomes.set(refKey(ref), outcome);
  }

  private get ctx(): ReplicaContext {
    const unmapped = this.onUnmapped;
    return {
      sourceRegion: this.o.sourceRegion,
      sourceCatalogId: this.sourceCatalogId,
      targetRegion: this.region,
      mapper: this.mapper,
      onUnmappedBucket: bucket => unmapped.add(bucket),
    };
  }

  private async database(name: string): Promise<string> {
    const source = await this.source.database(name);
    const actual = await this.target.database(name);
    if (source) {
      const desired = replicaDatabase(source.input, this.ctx);
      if (!actual) {
        await this.target.createDatabase(desired);
        return 'created';
      }
      const fields = changedFields(fieldPrints(desired), actual);
      if (fields.length === 0) return 'unchanged';
      await this.target.updateDatabase(desired);
      return `updated ${fields.join(', ')}`;
    }
    if (!actual) return 'absent in the source and the target';
    await this.target.deleteDatabase(name);
    return 'deleted with its tables (no longer in the source)';
  }

  /** Creates the database in the target when the source has it and the target does not; false when the source lacks it. */
  private ensureDatabase(name: string): Promise<boolean> {
    let known = this.databases.get(name);
    if (!known) {
      known = (async () => {
        if (await this.target.database(name)) return true;
        const source = await this.source.database(name);
        if (!source) return false;
        await this.target.createDatabase(replicaDatabase(source.input, this.ctx));
        return true;
      })();
      this.databases.set(name, known);
    }
    return known;
  }

  private async table(db: string, name: string): Promise<string> {
    const source = await this.source.table(db, name);
    const actual = await getTableInput(this.targetGlue, db, name);
    if (source) {
      const desired = replicaTable(source.input, this.ctx);
      if (!actual) {
        await this.ensureDatabase(db);
        await this.target.createTable(db, desired);
        return 'created';
      }
      const fields = changedFields(fieldPrints(desired), fieldPrints(actual));
      if (fields.length === 0) return 'unchanged';
      await this.target.updateTable(db, desired);
      return `updated ${fields.join(', ')}`;
    }
    if (!actual) return 'absent in the source and the target';
    throwEntryErrors(await this.target.deleteTables(db, [name]));
    return 'deleted (no longer in the source)';
  }

  /** One table's partition refs together: the named partitions, or all of them when a ref does not name them. */
  private async partitions(refs: readonly PartitionRef[]): Promise<string> {
    const { database: db, table } = refs[0];
    const source = await this.source.table(db, table);
    const tableExists = (await getTableInput(this.targetGlue, db, table)) !== undefined;
    if (source && !tableExists) await this.table(db, table); // a partition's event may come before its table's
    if (!source && !tableExists) return 'table absent in the source and the target';
    if (refs.some(r => r.values === undefined)) return this.allPartitions(db, table, source !== undefined);
    const values = uniqueValues(refs.flatMap(r => r.values ?? []));
    return this.namedPartitions(db, table, values, source !== undefined);
  }

  private async namedPartitions(db: string, table: string, values: string[][], inSource: boolean): Promise<string> {
    const desired = inSource ? await getPartitionInputs(this.sourceGlue, db, table, values) : new Map<string, PartitionInput>();
    const actual = await getPartitionInputs(this.targetGlue, db, table, values);
    const creates: PartitionInput[] = [];
    const updates: PartitionInput[] = [];
    const deletes: string[][] = [];
    for (const v of values) {
      const key = partitionKey(v);
      const wanted = desired.get(key);
      const present = actual.get(key);
      if (wanted) {
        const replica = replicaPartition(wanted, this.ctx);
        if (!present) creates.push(replica);
        else if (fingerprint(replica) !== fingerprint(present)) updates.push(replica);
      } else if (present) {
        deletes.push(v);
      }
    }
    const errors = [
      ...creates.length > 0 ? await this.target.createPartitions(db, table, creates) : [],
      ...updates.length > 0 ? await this.target.updatePartitions(db, table, updates) : [],
      ...deletes.length > 0 ? await this.target.deletePartitions(db, table, deletes) : [],
    ];
    throwEntryErrors(errors, e => `partition ${partitionKey(e.key)}`);
    return `partitions: ${creates.length} created, ${updates.length} updated, ${deletes.length} deleted, `
      + `${values.length - creates.length - updates.length - deletes.length} unchanged`;
  }

  /** The record did not say which partitions: the whole table's, through the on-demand engine's paged comparison. */
  private async allPartitions(db: string, table: string, inSource: boolean): Promise<string> {
    if (!inSource) return 'table no longer in the source: its own event deletes it with its partitions';
    const report = await convergeTablePartitions({
      mode: 'sync',
      source: this.source,
      targetRegions: [this.region],
      scope: this.o.scope,
      bucketMappings: this.o.bucketMappings,
      prune: true,
      clients: this.o.clients,
      database: db,
      table,
    });
    if (report.failures.length > 0) {
      throw new Error(report.failures.slice(0, 3).map(f => `${f.key}: ${f.error}`).join('; ') + (report.failures.length > 3 ? ` (and ${report.failures.length - 3} more)` : ''));
    }
    const c = report.counts.partition;
    for (const warning of report.warnings) {
      const bucket = /unmapped bucket "([^"]+)"/.exec(warning)?.[1];
      if (bucket) this.onUnmapped.add(bucket);
    }
    return `all partitions: ${c.created} created, ${c.updated} updated, ${c.deleted} deleted, ${c.unchanged} unchanged`;
  }
}

function uniqueValues(values: readonly string[][]): string[][] {
  return [...new Map(values.map(v => [partitionKey(v), v])).values()];
}

function throwEntryErrors<K>(errors: readonly EntryError<K>[], name: (e: EntryError<K>) => string = e => String(e.key)) {
  if (errors.length === 0) return;
  throw new Error(errors.slice(0, 3).map(e => `${name(e)}: ${e.error}`).join('; ') + (errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''));
}
