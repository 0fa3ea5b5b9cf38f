import type { Resource } from '@aws-sdk/client-lakeformation';
import { glueName, isObject, obj, objects, str } from './trail-record';
import { LAKE_FORMATION_KINDS, LF_KINDS, type LfKind } from '../../shared/lake-formation-kinds';
import type { ObjectRef } from '../kernel/object-ref';

/** A CloudTrail record's request parameters: the API's member names in lowerCamelCase. */
type Params = Record<string, unknown>;
type RefOf<K extends LfKind> = Extract<ObjectRef, { kind: K }>;

/** How one kind's events name its objects; `withoutParameters` when they name it whatever the request says. */
interface KindEvents<K extends LfKind> {
  readonly withoutParameters?: boolean;
  refs(params: Params, eventName: string): Array<RefOf<K>>;
}

const BATCH_PERMISSION_EVENTS: ReadonlySet<string> = new Set(['BatchGrantPermissions', 'BatchRevokePermissions']);

/**
 * Each kind's CloudTrail parsing, beside the event names in its row of the kinds table. It is kept out of
 * the kinds' modules so that the poller, which only maps events, bundles no Lake Formation or Glue client.
 */
const KIND_EVENTS: { readonly [K in LfKind]: KindEvents<K> } = {
  dataLakeSettings: { withoutParameters: true, refs: () => [{ kind: 'dataLakeSettings' }] },
  lfTag: { refs: p => (str(p.tagKey) ? [{ kind: 'lfTag', tagKey: str(p.tagKey)! }] : []) },
  lfTagExpression: { refs: p => (str(p.name) ? [{ kind: 'lfTagExpression', name: str(p.name)! }] : []) },
  dataLocation: { refs: p => (str(p.resourceArn) ? [{ kind: 'dataLocation', resourceArn: str(p.resourceArn)! }] : []) },
  dataCellsFilter: { refs: (p, eventName) => filterRef(eventName === 'DeleteDataCellsFilter' ? p : obj(p.tableData)) },
  optIn: { refs: p => onResource('optIn', p.resource) },
  lfTagAssignment: { refs: p => onResource('lfTagAssignment', p.resource) },
  permission: {
    refs: (p, eventName) => (BATCH_PERMISSION_EVENTS.has(eventName)
      ? objects(p.entries).flatMap(e => onResource('permission', e.resource))
      : onResource('permission', p.resource)),
  },
};

/** One CloudTrail event of Lake Formation that the replica follows. */
export interface LakeFormationEvent {
  readonly name: string;
  readonly kind: LfKind;
  /** False when the event names its object whatever its parameters (the one data lake settings object). */
  readonly needsParameters: boolean;
  /** The objects the event names, from its request parameters. */
  refs(params: Params): ObjectRef[];
}

/** Every followed event, kind by kind in the table's order. */
export const LAKE_FORMATION_EVENTS: readonly LakeFormationEvent[] = LF_KINDS.flatMap(kind => LAKE_FORMATION_KINDS[kind].events.map(name => ({
  name,
  kind,
  needsParameters: !KIND_EVENTS[kind].withoutParameters,
  refs: (params: Params): ObjectRef[] => KIND_EVENTS[kind].refs(params, name),
})));

function filterRef(f: Params): Array<RefOf<'dataCellsFilter'>> {
  const [database, table, name] = [glueName(f.databaseName), glueName(f.tableName), str(f.name)];
  return database && table && name ? [{ kind: 'dataCellsFilter', database, table, name }] : [];
}

/** The ref of a kind named by the resource it is on, when the parameter holds one. */
function onResource<K extends 'permission' | 'optIn' | 'lfTagAssignment'>(kind: K, resource: unknown): Array<RefOf<K>> {
  return isObject(resource) ? [{ kind, resource: sdkResource(resource) } as RefOf<K>] : [];
}

/**
 * CloudTrail writes a request's members in lowerCamelCase (`table`, `databaseName`, `lFTag`);
 * the SDK's `Resource` uses the API's own names (`Table`, `DatabaseName`, `LFTag`). Only keys
 * change: values (names, column lists) are user data and are kept byte for byte.
 */
function sdkResource(value: Params): Resource {
  return pascalKeys(value) as Resource;
}

function pascalKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascalKeys);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[pascalKey(key)] = pascalKeys(v);
  return out;
}

function pascalKey(key: string): string {
  // LF-tag members keep their acronym: lFTag, lfTag and LFTag are all the SDK's LFTag.
  if (/^l[fF][A-Z]/.test(key)) return `LF${key.slice(2)}`;
  return key.charAt(0).toUpperCase() + key.slice(1);
}
