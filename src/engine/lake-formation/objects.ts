import { LakeFormationClient } from '@aws-sdk/client-lakeformation';
import type { Resource } from '@aws-sdk/client-lakeformation';
import { convergeTargetState, kindsToRead } from './converge';
import { guardedPrincipals, type ProtectedPrincipals } from './protected-principals';
import { mapResource, ownResource, resourceDatabase, resourceKey } from './shapes';
import { readLakeFormation, resourceAssignments } from './source';
import { emptyState, type LakeFormationState } from './state';
import type { BucketMapping } from '../../bucket-mapping';
import { BucketMapper } from '../../bucket-mapping';
import type { LfKind } from '../../shared/lake-formation-kinds';
import { AwsClients } from '../kernel/clients';
import { errorMessage } from '../kernel/concurrency';
import { notFoundAsUndefined } from '../kernel/errors';
import { refKey, type ObjectOutcome, type ObjectRef } from '../kernel/object-ref';
import { ReportBuilder } from '../kernel/report';
import { Scope } from '../kernel/scope';

export interface LakeFormationObjectsOptions {
  readonly clients: AwsClients;
  readonly sourceRegion: string;
  readonly scope: Scope;
  /** The kinds switched on; refs of the others are skipped. */
  readonly kinds: readonly LfKind[];
  readonly bucketMappings: readonly BucketMapping[];
  readonly protectedPrincipals: readonly string[];
}

type LfRef = Exclude<ObjectRef, { kind: 'database' | 'table' | 'partition' }>;

/** Converges the Lake Formation objects some events touched in one target; keyed by `refKey`. */
export type LakeFormationObjectConverger = (refs: ObjectRef[], targetRegion: string) => Promise<Map<string, ObjectOutcome>>;

/**
 * The near-real-time applier's Lake Formation path. Each object is re-read in the source and the
 * target and the target converged to the source, deletes and revokes included (never for protected
 * principals): the event only said where to look. A kind is listed once per call, whatever the
 * number of objects of that kind; tag assignments are read per resource.
 */
export function lakeFormationObjectConverger(o: LakeFormationObjectsOptions): LakeFormationObjectConverger {
  let guarded: Promise<ProtectedPrincipals> | undefined;
  return async (refs, region) => {
    const outcomes = new Map<string, ObjectOutcome>();
    guarded ??= guardedPrincipals(o.clients, o.sourceRegion, o.protectedPrincipals);
    const { account } = await o.clients.callerIdentity(o.sourceRegion);
    // Each ref keeps its key (outcomes answer the event's ref) and names its resource as the listings do.
    const live: Array<{ key: string; ref: LfRef }> = [];
    for (const given of refs as LfRef[]) {
      const ref = asListed(given, account);
      const skipped = !o.kinds.includes(given.kind) ? `${given.kind} replication is switched off`
        : ref ? skipReason(ref, o.scope) : 'the resource is in another account\'s catalog: that account shares it, it is not replicated';
      if (skipped) outcomes.set(refKey(given), { status: 'SKIPPED', reason: skipped });
      else live.push({ key: refKey(given), ref: ref! });
    }
    if (live.length === 0) return outcomes;
    const listed = kindsToRead([...new Set(live.map(({ ref }) => ref.kind))].filter(k => k !== 'lfTagAssignment'), o.kinds);
    const readErrors = new Map<string, string>();
    const read = (at: string) => listed.length === 0 ? Promise.resolve(emptyState()) : readLakeFormation({
      clients: o.clients,
      region: at,
      scope: o.scope,
      kinds: listed,
      catalogId: account,
      onReadError: (kind, error) => readErrors.set(kind, `reading ${kind} in ${at} failed: ${error}`),
    });
    const [source, target] = await Promise.all([read(o.sourceRegion), read(region)]);
    const mapper = new BucketMapper(o.bucketMappings, region);
    const focus = new Focus(arn => mapper.mapArn(arn).uri);
    for (const { key, ref } of live) {
      const readError = readErrors.get(ref.kind);
      if (readError) {
        outcomes.set(key, { status: 'FAILED', reason: readError });
        continue;
      }
      try {
        const [wanted, actual] = ref.kind === 'lfTagAssignment'
          ? await assignmentStates(o.clients, o.sourceRegion, region, ref.resource)
          : [focus.state(source, ref, false), focus.state(target, ref, true)];
        const report = new ReportBuilder({
          mode: 'sync', source: { region: o.sourceRegion }, targets: [region], scope: o.scope.toJSON(), prune: true, dryRun: false,
        }, [ref.kind]);
        await convergeTargetState(wanted, actual, region, {
          mode: 'sync',
          clients: o.clients,
          targetRegions: [region],
          scope: o.scope,
          kinds: [ref.kind],
          bucketMappings: o.bucketMappings,
          prune: true,
          protectedPrincipals: await guarded,
          catalogId: account,
          report,
        });
        const failures = report.report.failures;
        outcomes.set(key, failures.length > 0
          ? { status: 'FAILED', reason: failures.map(f => `${f.key}: ${f.error}`).join('; ') }
          : { status: 'APPLIED', reason: summary(report.report.counts[ref.kind]) });
      } catch (error) {
        outcomes.set(key, { status: 'FAILED', reason: errorMessage(error) });
      }
    }
    return outcomes;
  };
}

/**
 * The ref as the listings name its object: the account's catalog id dropped, database and table names
 * lower-cased as Glue stores them; undefined when the resource is in another account's catalog.
 */
function asListed(ref: LfRef, account: string): LfRef | undefined {
  if (ref.kind === 'dataCellsFilter') return { ...ref, database: ref.database.toLowerCase(), table: ref.table.toLowerCase() };
  if (!('resource' in ref)) return ref;
  const own = ownResource(ref.resource, account);
  return own && { ...ref, resource: lowerCaseNames(own) };
}

function skipReason(ref: LfRef, scope: Scope): string | undefined {
  const database = ref.kind === 'dataCellsFilter' ? ref.database : 'resource' in ref ? resourceDatabase(ref.resource) : undefined;
  if (database !== undefined && !scope.includes(database)) return `database ${database} is out of scope`;
  if (ref.kind === 'lfTagAssignment' && !ref.resource.Database && !(ref.resource.Table?.Name ?? ref.resource.TableWithColumns?.Name)) {
    return 'tags are assigned to a database, a named table or its columns; this resource is none of them';
  }
  return undefined;
}

/** Narrows a whole kind's state to the objects one ref names, in the source or (bucket-mapped) in the target. */
class Focus {
  constructor(private readonly mapArn: (arn: string) => string) {}

  state(whole: LakeFormationState, ref: LfRef, inTarget: boolean): LakeFormationState {
    const state = emptyState();
    state.kinds.push(ref.kind);
    const mapped = (r: Resource) => inTarget ? mapResource(r, arn => this.mapArn(arn)) : r;
    switch (ref.kind) {
      case 'dataLakeSettings':
        state.settings = whole.settings;
        break;
      case 'lfTag':
        state.lfTags.push(...whole.lfTags.filter(t => t.TagKey === ref.tagKey));
        break;
      case 'lfTagExpression':
        state.lfTagExpressions.push(...whole.lfTagExpressions.filter(e => e.Name === ref.name));
        break;
      case 'dataLocation': {
        const arn = inTarget ? this.mapArn(ref.resourceArn) : ref.resourceArn;
        state.dataLocations.push(...whole.dataLocations.filter(l => l.ResourceArn === arn));
        break;
      }
      case 'dataCellsFilter':
        state.dataCellsFilters.push(...whole.dataCellsFilters.filter(f =>
          f.DatabaseName === ref.database && f.TableName === ref.table && f.Name === ref.name));
        break;
      case 'optIn': {
        const scope = grantScope(mapped(ref.resource));
        state.optIns.push(...whole.optIns.filter(i => grantScope(i.Resource) === scope));
        break;
      }
      case 'permission': {
        const scope = grantScope(mapped(ref.resource));
        state.permissions.push(...whole.permissions.filter(p => grantScope(p.Resource) === scope));
        break;
      }
      case 'lfTagAssignment':
        break;
    }
    return state;
  }
}

/**
 * Which grants one event may have changed: every grant on the same table (in any column form, since a
 * listing may show a table grant as columns), every grant on the same LF-tag key (a listing may group its
 * values differently from the event), or on exactly the same resource for the other kinds.
 */
function grantScope(resource: Resource): string {
  const table = resource.Table ?? resource.TableWithColumns;
  if (table) return `table\u0000${table.DatabaseName}\u0000${table.Name ?? '*'}`;
  if (resource.LFTag) return `lftag\u0000${resource.LFTag.TagKey}`;
  return resourceKey(resource);
}

/** Glue stores database and table names in lower case; a CloudTrail record keeps the caller's spelling. */
function lowerCaseNames(resource: Resource): Resource {
  const out = structuredClone(resource) as Record<string, Record<string, unknown>>;
  for (const part of Object.values(out)) {
    for (const field of ['DatabaseName', 'TableName'] as const) if (typeof part[field] === 'string') part[field] = (part[field] as string).toLowerCase();
  }
  if (out.Database) out.Database.Name = (out.Database.Name as string).toLowerCase();
  for (const kind of ['Table', 'TableWithColumns'] as const) {
    if (typeof out[kind]?.Name === 'string') out[kind].Name = (out[kind].Name as string).toLowerCase();
  }
  return out as Resource;
}

/** The tags assigned to one database, or to one table and its columns, in the source and the target. */
async function assignmentStates(
  clients: AwsClients, sourceRegion: string, region: string, resource: Resource,
): Promise<[LakeFormationState, LakeFormationState]> {
  const table = resource.Table ?? resource.TableWithColumns;
  const target: Resource = resource.Database
    ? { Database: { Name: resource.Database.Name } }
    : { Table: { DatabaseName: table!.DatabaseName, Name: table!.Name } };
  const read = async (at: string) => {
    const state = emptyState();
    state.kinds.push('lfTagAssignment');
    // A resource deleted since the event has no tags.
    state.tagAssignments.push(...await notFoundAsUndefined(resourceAssignments(clients.get(LakeFormationClient, at), target)) ?? []);
    return state;
  };
  return Promise.all([read(sourceRegion), read(region)]);
}

function summary(counts: { created: number; updated: number; deleted: number; unchanged: number } | undefined): string {
  if (!counts) return 'unchanged';
  const parts = (['created', 'updated', 'deleted', 'unchanged'] as const).filter(k => counts[k] > 0).map(k => `${counts[k]} ${k}`);
  return parts.join(', ') || 'nothing to do';
}
