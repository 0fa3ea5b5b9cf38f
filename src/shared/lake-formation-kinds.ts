import type { KindRow } from './kind-row';

/**
 * What of Lake Formation can be replicated, one row a kind: read by the engine, the CLI and the
 * construct. Pure data; each kind's behaviour is its module in src/engine/lake-formation/kinds/.
 * Rows are in the order the kinds are applied, which is also the order of the snapshot's records.
 */
const KINDS = {
  dataLakeSettings: {
    switch: 'data-lake-settings',
    phase: 'before',
    read: ['GetDataLakeSettings'],
    write: ['PutDataLakeSettings'],
    events: ['PutDataLakeSettings'],
    field: 'settings',
    refersTo: [],
  },
  lfTag: {
    switch: 'lf-tags',
    phase: 'before',
    read: ['ListLFTags'],
    write: ['CreateLFTag', 'UpdateLFTag', 'DeleteLFTag'],
    events: ['CreateLFTag', 'UpdateLFTag', 'DeleteLFTag'],
    field: 'lfTags',
    refersTo: [],
  },
  lfTagExpression: {
    switch: 'lf-tag-expressions',
    phase: 'before',
    read: ['ListLFTags', 'ListLFTagExpressions'],
    write: ['CreateLFTagExpression', 'UpdateLFTagExpression', 'DeleteLFTagExpression'],
    events: ['CreateLFTagExpression', 'UpdateLFTagExpression', 'DeleteLFTagExpression'],
    field: 'lfTagExpressions',
    refersTo: ['lfTag'],
  },
  dataLocation: {
    switch: 'data-locations',
    phase: 'before',
    read: ['ListResources'],
    write: ['RegisterResource', 'UpdateResource', 'DeregisterResource'],
    events: ['RegisterResource', 'UpdateResource', 'DeregisterResource'],
    field: 'dataLocations',
    refersTo: [],
  },
  dataCellsFilter: {
    switch: 'data-cells-filters',
    phase: 'after',
    read: ['ListDataCellsFilter'],
    write: ['CreateDataCellsFilter', 'UpdateDataCellsFilter', 'DeleteDataCellsFilter'],
    events: ['CreateDataCellsFilter', 'UpdateDataCellsFilter', 'DeleteDataCellsFilter'],
    field: 'dataCellsFilters',
    refersTo: [],
  },
  optIn: {
    switch: 'opt-ins',
    phase: 'after',
    read: ['ListLakeFormationOptIns'],
    write: ['CreateLakeFormationOptIn', 'DeleteLakeFormationOptIn'],
    events: ['CreateLakeFormationOptIn', 'DeleteLakeFormationOptIn'],
    field: 'optIns',
    refersTo: [],
  },
  lfTagAssignment: {
    switch: 'lf-tags',
    phase: 'after',
    read: ['ListLFTags', 'GetResourceLFTags'],
    write: ['AddLFTagsToResource', 'RemoveLFTagsFromResource'],
    events: ['AddLFTagsToResource', 'RemoveLFTagsFromResource'],
    field: 'tagAssignments',
    refersTo: ['lfTag'],
  },
  permission: {
    switch: 'permissions',
    phase: 'after',
    read: ['ListLFTags', 'ListPermissions'],
    write: ['BatchGrantPermissions', 'BatchRevokePermissions'],
    events: ['GrantPermissions', 'RevokePermissions', 'BatchGrantPermissions', 'BatchRevokePermissions'],
    field: 'permissions',
    refersTo: ['lfTag', 'lfTagExpression', 'dataLocation', 'dataCellsFilter'],
  },
} as const;

/** The report kinds of the Lake Formation state. */
export type LfKind = keyof typeof KINDS;
/** The field of the engine's state that holds a kind. */
export type LfField<K extends LfKind = LfKind> = (typeof KINDS)[K]['field'];

/**
 * The groups a user switches on or off (CLI `--skip`, construct `replicate*` props), in the order
 * the CLI lists them. LF-tags bring their assignments: one is useless without the other. Skipping
 * expressions also leaves grants on named expressions alone, since they cannot be listed without them.
 */
export const LF_SWITCH_NAMES = [
  'data-lake-settings', 'data-locations', 'opt-ins', 'lf-tags', 'lf-tag-expressions', 'data-cells-filters', 'permissions',
] as const;
export type LfSwitch = typeof LF_SWITCH_NAMES[number];

/** A Lake Formation kind: its `lakeformation:` actions and events of lakeformation.amazonaws.com, and these. */
export interface LfKindRow extends KindRow {
  /** The group that switches the kind on or off. */
  readonly switch: LfSwitch;
  /** Applied `before` the Glue objects (tables and grants refer to it) or `after` them (it refers to them). */
  readonly phase: 'before' | 'after';
  /** The field of the engine's state, and the name of the snapshot records, that hold the kind. */
  readonly field: LfField;
  /** The kinds whose objects this kind's objects name: what the source lacks is removed from this kind first. */
  readonly refersTo: readonly LfKind[];
}

export const LAKE_FORMATION_KINDS: { readonly [K in LfKind]: LfKindRow } = KINDS;

/** The kinds, in the order they are applied. */
export const LF_KINDS: readonly LfKind[] = Object.keys(KINDS) as LfKind[];


/** Every run reads each target's data lake admins: they are never revoked. */
export const LF_ALWAYS_READ: readonly string[] = ['GetDataLakeSettings'];

/** The kinds each switch turns on or off. */
export const LF_SWITCHES: Readonly<Record<string, readonly LfKind[]>> = Object.fromEntries(
  LF_SWITCH_NAMES.map(name => [name, LF_KINDS.filter(k => LAKE_FORMATION_KINDS[k].switch === name)]),
);

/** `lake-formation` skips every Lake Formation kind at once. */
export const SKIP_ALL_LAKE_FORMATION = 'lake-formation';

/** The kinds left after skipping some switches (`lake-formation` skips them all). */
export function kindsWithout(skipped: readonly string[]): LfKind[] {
  if (skipped.includes(SKIP_ALL_LAKE_FORMATION)) return [];
  const off = new Set(skipped.flatMap(s => LF_SWITCHES[s] ?? []));
  return LF_KINDS.filter(k => !off.has(k));
}
