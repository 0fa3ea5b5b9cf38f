import type { Resource } from '@aws-sdk/client-lakeformation';
import { convergeTargetState } from './converge';
import { KIND_MODULES } from './kinds';
import type { KindReader, RefOf } from './kinds/kind';
import { guardedPrincipals, type ProtectedPrincipals } from './protected-principals';
import { inTargetRegion, ownResource, resourceDatabase } from './shapes';
import { kindReader, kindsToRead, readLakeFormation } from './source';
import { emptyState, kindItems, kindState, type LakeFormationState } from './state';
import type { BucketMapping } from '../../shared/bucket-mapping';
import { BucketMapper } from '../../shared/bucket-mapping';
import type { LfKind } from '../../shared/lake-formation-kinds';
import { AwsClients } from '../kernel/clients';
import { errorMessage } from '../kernel/errors';
import { callerIdentity } from '../kernel/identity';
import { refKey, type ObjectOutcome, type ObjectConverger } from '../kernel/object-ref';
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

type LfRef = RefOf<LfKind>;

/** Converges the Lake Formation objects some events touched in one target; keyed by `refKey`. */
export type LakeFormationObjectConverger = ObjectConverger;

/**
 * The near-real-time applier's Lake Formation path. Each object is re-read in the source and the
 * target and the target converged to the source, deletes and revokes included (never for protected
 * principals): the event only said where to look. A kind is listed once per call, whatever the
 * number of objects of that kind; a kind with `readOne` (tag assignments) is read per object instead.
 */
export function lakeFormationObjectConverger(o: LakeFormationObjectsOptions): LakeFormationObjectConverger {
  let guarded: Promise<ProtectedPrincipals> | undefined;
  return async (refs, region) => {
    const outcomes = new Map<string, ObjectOutcome>();
    guarded ??= guardedPrincipals(o.clients, o.sourceRegion, o.protectedPrincipals);
    const { account } = await callerIdentity(o.clients, o.sourceRegion);
    // Each ref keeps its key (outcomes answer the event's ref) and names its resource as the listings do.
    const live: Array<{ key: string; ref: LfRef }> = [];
    for (const given of refs as LfRef[]) {
      const ref = asListed(given, account);
      const skipped = !o.kinds.includes(given.kind) ? `${given.kind} replication is switched off`
        : ref ? skipReason(ref.kind, ref, o.scope) : 'the resource is in another account\'s catalog: that account shares it, it is not replicated';
      if (skipped) outcomes.set(refKey(given), { status: 'SKIPPED', reason: skipped });
      else live.push({ key: refKey(given), ref: ref! });
    }
    if (live.length === 0) return outcomes;
    const listed = kindsToRead([...new Set(live.map(({ ref }) => ref.kind))].filter(k => !KIND_MODULES[k].readOne), o.kinds);
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
    const side = (state: LakeFormationState, at: string, mapArn?: (arn: string) => string): Side =>
      ({ state, reader: kindReader({ clients: o.clients, region: at, scope: o.scope, kinds: [], catalogId: account }), mapArn });
    const sides = [side(source, o.sourceRegion), side(target, region, arn => mapper.mapArn(inTargetRegion(arn, region)).uri)] as const;
    for (const { key, ref } of live) {
      const readError = readErrors.get(ref.kind);
      if (readError) {
        outcomes.set(key, { status: 'FAILED', reason: readError });
        continue;
      }
      try {
        const [wanted, actual] = await Promise.all(sides.map(at => focused(ref.kind, ref, at)));
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

/** One Region's side of a call: its listings, what reads one object there, and in the target how locations map. */
interface Side {
  readonly state: LakeFormationState;
  readonly reader: KindReader;
  readonly mapArn?: (arn: string) => string;
}

/** One side's state of the one object a ref names: read on its own, or narrowed from the listing. */
async function focused<K extends LfKind>(kind: K, ref: RefOf<K>, side: Side): Promise<LakeFormationState> {
  const module = KIND_MODULES[kind];
  const items = module.readOne ? await module.readOne(side.reader, ref) : module.focus(kindItems(side.state, kind), ref, side.mapArn);
  return kindState(kind, items);
}

/**
 * The ref as the listings name its object: the account's catalog id dropped, database and table names
 * lower-cased as Glue stores them; undefined when the resource is in another account's catalog.
 */
function asListed(ref: LfRef, account: string): LfRef | undefined {
  if ('database' in ref) return { ...ref, database: ref.database.toLowerCase(), table: ref.table.toLowerCase() };
  if (!('resource' in ref)) return ref;
  const own = ownResource(ref.resource, account);
  return own && { ...ref, resource: lowerCaseNames(own) };
}

function skipReason<K extends LfKind>(kind: K, ref: RefOf<K>, scope: Scope): string | undefined {
  const database = 'database' in ref ? ref.database : 'resource' in ref ? resourceDatabase(ref.resource) : undefined;
  if (database !== undefined && !scope.includes(database)) return `database ${database} is out of scope`;
  return KIND_MODULES[kind].skipReason?.(ref);
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

function summary(counts: { created: number; updated: number; deleted: number; unchanged: number } | undefined): string {
  if (!counts) return 'unchanged';
  const parts = (['created', 'updated', 'deleted', 'unchanged'] as const).filter(k => counts[k] > 0).map(k => `${counts[k]} ${k}`);
  return parts.join(', ') || 'nothing to do';
}
