import { LAKE_FORMATION_EVENTS } from './lake-formation-events';
import { glueName, obj, str, type TrailRecord } from './trail-record';
import { ATTACHED_KIND_NAMES, ATTACHED_KINDS, type AttachedKind } from '../../shared/attached-kinds';
import { refKey, type ObjectRef } from '../kernel/object-ref';

export const GLUE_EVENT_SOURCE = 'glue.amazonaws.com';
export const LAKE_FORMATION_EVENT_SOURCE = 'lakeformation.amazonaws.com';

/** Why an event with no usable request parameters is skipped rather than guessed at. */
export const OMITTED = 'request parameters omitted from the CloudTrail record; the next reconcile heals it';

/**
 * What one event means for the replica:
 * - `refs`: the objects to converge;
 * - `skipped`: kept in the ledger as SKIPPED, with the reason (never blocks other events).
 */
export type EventMapping = { readonly refs: readonly ObjectRef[] } | { readonly skipped: string; readonly omitted?: boolean };

type Params = Record<string, unknown>;
/** Refs from the request parameters; a string is the reason the event is skipped. */
type Mapper = (p: Params) => ObjectRef[] | string;

const db = (name: unknown): ObjectRef[] => (glueName(name) ? [{ kind: 'database', database: glueName(name)! }] : []);
const tables = (database: unknown, names: unknown[]): ObjectRef[] => {
  const d = glueName(database);
  if (!d) return [];
  return names.map(glueName).filter((n): n is string => !!n).map(table => ({ kind: 'table', database: d, table }));
};
/** The named partitions; with no list at all, every partition of the table (the record left them out). */
const partitions = (p: Params, values: unknown[] | undefined): ObjectRef[] => {
  const database = glueName(p.databaseName);
  const table = glueName(p.tableName);
  if (!database || !table) return [];
  if (values === undefined) return [{ kind: 'partition', database, table }];
  const list = values.filter(isStringList);
  return list.length > 0 ? [{ kind: 'partition', database, table, values: list }] : [{ kind: 'partition', database, table }];
};
const listOf = (value: unknown): unknown[] | undefined => (Array.isArray(value) ? value : undefined);

const GLUE: Record<string, Mapper> = {
  CreateDatabase: p => db(obj(p.databaseInput).name),
  UpdateDatabase: p => [...db(p.name), ...db(obj(p.databaseInput).name)],
  DeleteDatabase: p => db(p.name),
  CreateTable: p => tables(p.databaseName, [obj(p.tableInput).name]),
  UpdateTable: p => tables(p.databaseName, [obj(p.tableInput).name]),
  DeleteTable: p => tables(p.databaseName, [p.name]),
  BatchDeleteTable: p => tables(p.databaseName, listOf(p.tablesToDelete) ?? []),
  // Table versions do not change the current definition; converging the table is harmless and cheap.
  DeleteTableVersion: p => tables(p.databaseName, [p.tableName]),
  BatchDeleteTableVersion: p => tables(p.databaseName, [p.tableName]),
  CreatePartition: p => partitions(p, p.partitionInput === undefined ? undefined : [obj(p.partitionInput).values]),
  BatchCreatePartition: p => partitions(p, listOf(p.partitionInputList)?.map(e => obj(e).values)),
  // An update may change a partition's values: both the old and the new ones are converged.
  UpdatePartition: p => partitions(p, p.partitionValueList === undefined ? undefined : [p.partitionValueList, obj(p.partitionInput).values]),
  BatchUpdatePartition: p => partitions(p, listOf(p.entries)?.flatMap(e => [obj(e).partitionValueList, obj(obj(e).partitionInput).values])),
  DeletePartition: p => partitions(p, p.partitionValues === undefined ? undefined : [p.partitionValues]),
  BatchDeletePartition: p => partitions(p, listOf(p.partitionsToDelete)?.map(e => obj(e).values)),
};

/** The attached kinds' events name their owner: a table (`databaseName`, `tableName`), a database, or the catalog. */
const attachedRefs = (kind: AttachedKind) => (p: Params): ObjectRef[] => {
  // The catalog's own objects are few: an event converges all of its kind (CATALOG_OWNER has no database).
  if (ATTACHED_KINDS[kind].owner === 'catalog') return [{ kind, database: '' }];
  const database = glueName(p.databaseName);
  if (!database) return [];
  if (ATTACHED_KINDS[kind].owner === 'database') return [{ kind, database }];
  const table = glueName(p.tableName);
  return table ? [{ kind, database, table }] : [];
};
/** The events of the kinds the account's catalog owns (catalogs, connections). */
const CATALOG_EVENTS: ReadonlySet<string> = new Set(ATTACHED_KIND_NAMES.filter(k => ATTACHED_KINDS[k].owner === 'catalog').flatMap(k => ATTACHED_KINDS[k].events));
/** An event several kinds follow (UpdateCatalog: a catalog, and the default catalog's optimization settings) names each. */
const ATTACHED: Record<string, Mapper> = Object.fromEntries([...new Set(ATTACHED_KIND_NAMES.flatMap(k => ATTACHED_KINDS[k].events))].map(name => {
  const kinds = ATTACHED_KIND_NAMES.filter(k => ATTACHED_KINDS[k].events.includes(name));
  return [name, (p => kinds.flatMap(k => attachedRefs(k)(p))) as Mapper] as const;
}));

/** Lake Formation's events, each kind's parsed as lake-formation-events.ts says. */
const LAKE_FORMATION: Record<string, Mapper> = Object.fromEntries(
  LAKE_FORMATION_EVENTS.filter(e => e.needsParameters).map(e => [e.name, e.refs]));

/** Events whose object does not depend on the request: they map the same with or without parameters. */
const WITHOUT_PARAMETERS: Record<string, ObjectRef[]> = Object.fromEntries(
  LAKE_FORMATION_EVENTS.filter(e => !e.needsParameters).map(e => [e.name, e.refs({})]));

/** Write events of the two services that change state the replica does not hold: kept, visibly skipped. */
const NOT_REPLICATED: Record<string, string> = {
  UpdateColumnStatisticsForTable: 'column statistics are not replicated',
  DeleteColumnStatisticsForTable: 'column statistics are not replicated',
  UpdateColumnStatisticsForPartition: 'column statistics are not replicated',
  DeleteColumnStatisticsForPartition: 'column statistics are not replicated',
};

const BY_SOURCE: Record<string, Record<string, Mapper>> = {
  [GLUE_EVENT_SOURCE]: { ...GLUE, ...ATTACHED },
  [LAKE_FORMATION_EVENT_SOURCE]: LAKE_FORMATION,
};

/** The event names that change replicated state, by service: what the `event-names` lookup strategy asks for. */
export const FOLLOWED_EVENT_NAMES: Readonly<Record<string, readonly string[]>> = {
  [GLUE_EVENT_SOURCE]: [...Object.keys(GLUE), ...Object.keys(ATTACHED)],
  [LAKE_FORMATION_EVENT_SOURCE]: [...Object.keys(LAKE_FORMATION), ...Object.keys(WITHOUT_PARAMETERS)],
};

/**
 * Whether the poller keeps this event in the ledger: a successful write of Glue or Lake Formation
 * that changes replicated state, or one that changes state the replica does not hold (kept, skipped, visible).
 */
export function isKept(record: TrailRecord): boolean {
  if (record.errorCode) return false; // failed calls change nothing; batch calls that partly succeeded carry no errorCode
  if (record.eventSource === GLUE_EVENT_SOURCE && Object.hasOwn(NOT_REPLICATED, record.eventName)) return true;
  return FOLLOWED_EVENT_NAMES[record.eventSource]?.includes(record.eventName) ?? false;
}

/** The objects a kept event touches, read from its request parameters, or why it is skipped. */
export function mapEvent(record: TrailRecord): EventMapping {
  const fixed = record.eventSource === LAKE_FORMATION_EVENT_SOURCE ? own(WITHOUT_PARAMETERS, record.eventName) : undefined;
  if (fixed) return { refs: fixed };
  const notReplicated = record.eventSource === GLUE_EVENT_SOURCE ? own(NOT_REPLICATED, record.eventName) : undefined;
  if (notReplicated) return { skipped: notReplicated };
  const mapper = own(own(BY_SOURCE, record.eventSource) ?? {}, record.eventName);
  if (!mapper) return { skipped: `${record.eventSource} ${record.eventName} is not an event the replica follows` };
  const p = record.requestParameters;
  if (!p) return { skipped: OMITTED, omitted: true };
  const catalogId = str(p.catalogId);
  // A catalog's own events name the catalog they change in catalogId (UpdateCatalog, DeleteCatalog).
  if (catalogId && record.recipientAccountId && catalogId !== record.recipientAccountId && !CATALOG_EVENTS.has(record.eventName)) {
    return { skipped: `the call names catalog ${catalogId}, not the source account's catalog` };
  }
  const refs = mapper(p);
  if (typeof refs === 'string') return { skipped: refs };
  if (refs.length === 0) return { skipped: `${record.eventName} names no object the replica holds (parameters incomplete or malformed); the next reconcile heals it` };
  return { refs: unique(refs) };
}

/** Event names are data: "constructor" must not find Object's. */
function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function unique(refs: readonly ObjectRef[]): ObjectRef[] {
  const byKey = new Map<string, ObjectRef>();
  for (const ref of refs) byKey.set(refKey(ref), ref);
  return [...byKey.values()];
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(v => typeof v === 'string');
}
