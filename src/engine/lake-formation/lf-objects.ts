import type { Resource } from '@aws-sdk/client-lakeformation';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { BucketMappingRule } from '../../shared/bucket-mapping';
import { AwsClients } from '../aws-clients';
import { BucketMapper } from '../bucket-mapper';
import { errorMessage } from '../concurrency';
import { refKey, type ObjectOutcome, type ObjectRef } from '../object-ref';
import { ReportBuilder } from '../report';
import { Scope } from '../scope';
import { convergeTargetState, kindsToRead } from './lf-converge';
import { readLakeFormation, resourceAssignments } from './lf-reader';
import { mapResource, mapS3Arn, ownResource, resourceDatabase, resourceKey } from './lf-shapes';
import { emptyState, type LakeFormationState, type LfKind } from './lf-state';
import { guardedPrincipals, type ProtectedPrincipals } from './protected-principals';

export interface LakeFormationObjectsOptions {
  readonly clients: AwsClients;
  readonly sourceRegion: string;
  readonly scope: Scope;
  /** The kinds switched on; refs of the others are skipped. */
  readonly kinds: readonly LfKind[];
  readonly bucketMappings: readonly BucketMappingRule[];
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
  let catalogId: Promise<string> | undefined;
  let guarded: Promise<ProtectedPrincipals> | undefined;
  return async (refs, region) => {
    const outcomes = new Map<string, ObjectOutcome>();
    catalogId ??= o.clients.sts(o.sourceRegion).send(new GetCallerIdentityCommand({})).then(r => r.Account!);
    guarded ??= guardedPrincipals(o.clients, o.sourceRegion, o.protectedPrincipals);
    const account = await catalogId;
    const live: LfRef[] = [];
    for (const ref of refs as LfRef[]) {
      const skipped = skipReason(ref, o, account);
      if (skipped) outcomes.set(refKey(ref), { status: 'SKIPPED', reason: skipped });
      else live.push(ref);
    }
    if (live.length === 0) return outcomes;
    const listed = kindsToRead([...new Set(live.map(r => r.kind))].filter(k => k !== 'lfTagAssignment'), o.kinds);
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
    const focus = new Focus(account, arn => mapS3Arn(arn, mapper).uri);
    for (const ref of live) {
      const key = refKey(ref);
      const readError = readErrors.get(ref.kind);
      if (readError) {
        outcomes.set(key, { status: 'FAILED', reason: readError });
        continue;
      }
      try {
        const [wanted, actual] = ref.kind === 'lfTagAssignment'
          ? await assignmentStates(o.clients, o.sourceRegion, region, focus.own(ref.resource)!)
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

function skipReason(ref: LfRef, o: LakeFormationObjectsOptions, account: string): string | undefined {
  if (!o.kinds.includes(ref.kind)) return `${ref.kind} replication is switched off`;
  const own = 'resource' in ref ? ownResource(ref.resource, account) : undefined;
  if ('resource' in ref && !own) {
    return 'the resource is in another account\'s catalog: that account shares it, it is not replicated';
  }
  const database = ref.kind === 'dataCellsFilter' ? ref.database : own ? resourceDatabase(lowerCaseNames(own)) : undefined;
  if (database !== undefined && !o.scope.includes(database)) return `database ${database} is out of scope`;
  if (ref.kind === 'lfTagAssignment' && !ref.resource.Database && !(ref.resource.Table?.Name ?? ref.resource.TableWithColumns?.Name)) {
    return 'tags are assigned to a database, a named table or its columns; this resource is none of them';
  }
  return undefined;
}

/** Narrows a whole kind's state to the objects one ref names, in the source or (bucket-mapped) in the target. */
class Focus {
  constructor(private readonly account: string, private readonly mapArn: (arn: string) => string) {}

  /** As the listings show it: the account's catalog id dropped, database and table names lower-cased as Glue stores them. */
  own(resource: Resource): Resource | undefined {
    const own = ownResource(resource, this.account);
    return own && lowerCaseNames(own);
  }

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
          f.DatabaseName === ref.database.toLowerCase() && f.TableName === ref.table.toLowerCase() && f.Name === ref.name));
        break;
      case 'optIn': {
        const scope = grantScope(mapped(this.own(ref.resource)!));
        state.optIns.push(...whole.optIns.filter(i => grantScope(i.Resource) === scope));
        break;
      }
      case 'permission': {
        const scope = grantScope(mapped(this.own(ref.resource)!));
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
    state.tagAssignments.push(...await notFoundAsNone(resourceAssignments(clients.lakeFormation(at), target)));
    return state;
  };
  return Promise.all([read(sourceRegion), read(region)]);
}

/** A resource deleted since the event has no tags. */
async function notFoundAsNone<T>(call: Promise<T[]>): Promise<T[]> {
  try {
    return await call;
  } catch (error) {
    if ((error as Error).name === 'EntityNotFoundException') return [];
    throw error;
  }
}

function summary(counts: { created: number; updated: number; deleted: number; unchanged: number } | undefined): string {
  if (!counts) return 'unchanged';
  const parts = (['created', 'updated', 'deleted', 'unchanged'] as const).filter(k => counts[k] > 0).map(k => `${counts[k]} ${k}`);
  return parts.join(', ') || 'nothing to do';
}
