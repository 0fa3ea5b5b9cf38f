import { GLUE_KINDS, GlueConvergence, type KnownDatabases, type ObjectChange } from './converge';
import type { LiveCatalogSource } from './source';
import { ATTACHED_KIND_NAMES, ATTACHED_KINDS, type AttachedKind } from '../../shared/attached-kinds';
import type { BucketMapping } from '../../shared/bucket-mapping';
import type { ConnectionMapping } from '../../shared/connection-mapping';
import type { RoleMapping } from '../../shared/role-mapping';
import type { AwsClients } from '../kernel/clients';
import { errorMessage } from '../kernel/errors';
import { refKey, type ObjectConverger, type ObjectOutcome, type ObjectRef } from '../kernel/object-ref';
import type { Report } from '../kernel/report';
import type { Scope } from '../kernel/scope';

export interface GlueObjectsOptions {
  readonly clients: AwsClients;
  readonly source: LiveCatalogSource;
  readonly scope: Scope;
  readonly bucketMappings: readonly BucketMapping[];
  readonly roleMappings?: readonly RoleMapping[];
  /** Each connection's secret and network settings per target Region (default none). */
  readonly connectionMappings?: readonly ConnectionMapping[];
  /** Rewrite Iceberg metadata chains into the target buckets (default true). */
  readonly icebergMetadata?: boolean;
  /** The attached kinds converged with their owners (default none). */
  readonly attachedKinds?: readonly AttachedKind[];
}

type GlueRef = Extract<ObjectRef, { kind: 'database' | 'table' | 'partition' | AttachedKind }>;
type PartitionRef = Extract<ObjectRef, { kind: 'partition' }>;

/** Owners before what hangs off them; attached objects last, once their owners are converged. */
const ORDER: Record<GlueRef['kind'], number> = {
  database: 0,
  table: 1,
  partition: 2,
  // The catalog's own objects (connections, then catalogs) before the databases, as a run converges them.
  ...Object.fromEntries(ATTACHED_KIND_NAMES.map((k, i) => [k, ATTACHED_KINDS[k].owner === 'catalog' ? i - ATTACHED_KIND_NAMES.length : 3])) as Record<AttachedKind, number>,
};

/**
 * The near-real-time path for Glue objects: each named object is re-read in the source and converged in
 * the target by the run path's own decisions (GlueConvergence), deleted when the source no longer has it
 * (only inside the scope). This file only groups the refs and turns what happened into outcomes.
 */
export function glueObjectConverger(o: GlueObjectsOptions): ObjectConverger {
  return async (refs, region) => {
    const outcomes = new Map<string, ObjectOutcome>();
    const known: KnownDatabases = new Map();
    // Parents first, so a child's event never waits for its parent's to be handled.
    const sorted = (refs.filter(r => r.kind in ORDER) as GlueRef[]).sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
    const partitionGroups = new Map<string, PartitionRef[]>();
    const settle = async (group: readonly GlueRef[], work: (c: GlueConvergence) => Promise<ObjectChange>) => {
      const convergence = new GlueConvergence({
        mode: 'sync',
        source: o.source,
        targetRegions: [region],
        scope: o.scope,
        bucketMappings: o.bucketMappings,
        roleMappings: o.roleMappings,
        connectionMappings: o.connectionMappings,
        prune: true,
        clients: o.clients,
        icebergMetadata: o.icebergMetadata,
        attachedKinds: o.attachedKinds,
      });
      let outcome: ObjectOutcome;
      try {
        const change = await work(convergence);
        outcome = outcomeOf(group[0], change, convergence.report.finish({}), convergence.report.unmappedBuckets());
      } catch (error) {
        outcome = { status: 'FAILED', reason: errorMessage(error) };
      }
      for (const ref of group) outcomes.set(refKey(ref), outcome);
    };
    for (const ref of sorted) {
      const catalogOwned = ref.kind !== 'database' && ref.kind !== 'table' && ref.kind !== 'partition' && ATTACHED_KINDS[ref.kind].owner === 'catalog';
      if (!catalogOwned && !o.scope.includes(ref.database)) {
        outcomes.set(refKey(ref), { status: 'SKIPPED', reason: `database ${ref.database} is outside the replicated scope` });
      } else if (ref.kind === 'partition') {
        const group = `${ref.database}\u0000${ref.table}`;
        partitionGroups.set(group, [...partitionGroups.get(group) ?? [], ref]);
      } else if (ref.kind === 'database') {
        await settle([ref], c => c.databaseObject(ref.database));
      } else if (ref.kind === 'table') {
        await settle([ref], c => c.tableObject(ref.database, ref.table, known));
      } else if (!(o.attachedKinds ?? []).includes(ref.kind)) {
        outcomes.set(refKey(ref), { status: 'SKIPPED', reason: `${ATTACHED_KINDS[ref.kind].switch} are switched off` });
      } else {
        await settle([ref], c => c.attachedObjects(ref.kind, ref.database, ref.table, known));
      }
    }
    for (const group of partitionGroups.values()) {
      const { database, table } = group[0];
      // A ref that does not name its partitions stands for all of them.
      await settle(group, c => group.some(r => r.values === undefined)
        ? c.allPartitions(database, table, known)
        : c.namedPartitions(database, table, group.flatMap(r => r.values ?? []), known));
    }
    return outcomes;
  };
}

/** An object's outcome from what its convergence reported: FAILED with the failures, else APPLIED with what it did. */
function outcomeOf(ref: GlueRef, change: ObjectChange, report: Report, unmapped: readonly string[]): ObjectOutcome {
  if (report.failures.length > 0) {
    const listed = report.failures.slice(0, 3).map(f => `${f.key}: ${f.error}`).join('; ');
    return { status: 'FAILED', reason: listed + (report.failures.length > 3 ? ` (and ${report.failures.length - 3} more)` : '') };
  }
  // Failed, so the stream retries it: the next attempt finds more of the replicated copies there.
  if (change.outcome === 'held') return { status: 'FAILED', reason: report.warnings.join('; ') || 'waiting for S3 replication' };
  let reason = describeChange(ref, change, report);
  if (unmapped.length > 0) reason += `; locations still point at unmapped bucket(s) ${unmapped.join(', ')} (add a bucket mapping)`;
  return { status: 'APPLIED', reason };
}

function describeChange(ref: GlueRef, change: ObjectChange, report: Report): string {
  const partitions = report.counts.partition;
  const tally = `${partitions.created} created, ${partitions.updated} updated, ${partitions.deleted} deleted, ${partitions.unchanged} unchanged`;
  switch (change.outcome) {
    case 'created': return 'created';
    case 'unchanged': return 'unchanged';
    case 'updated': return `updated ${change.fields!.join(', ')}`;
    case 'deleted': return ref.kind === 'database' ? 'deleted with its tables (no longer in the source)' : 'deleted (no longer in the source)';
    case 'absent': return ref.kind === 'partition' ? 'table absent in the source and the target' : 'absent in the source and the target';
    case 'sourceGone': return 'table no longer in the source: its own event deletes it with its partitions';
    case 'held': return 'left as it is: its Iceberg chain is not complete in the target yet';
    case 'partitions': return ref.kind === 'partition' && ref.values === undefined ? `all partitions: ${tally}` : `partitions: ${tally}`;
    case 'attached': {
      const c = report.counts[ref.kind] ?? { created: 0, updated: 0, deleted: 0, unchanged: 0 };
      return `${ATTACHED_KINDS[ref.kind as AttachedKind].field}: ${c.created} created, ${c.updated} updated, ${c.deleted} deleted, ${c.unchanged} unchanged`;
    }
  }
}

export { GLUE_KINDS };
