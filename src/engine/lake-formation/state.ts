import type {
  Condition, DataCellsFilter, DataLakePrincipal, DataLakeSettings, LFTagPair, Permission, RegisterResourceRequest, Resource,
} from '@aws-sdk/client-lakeformation';

import { LAKE_FORMATION_KINDS, LF_KINDS, type LfField, type LfKind } from '../../shared/lake-formation-kinds';

/** A registered location, as RegisterResource takes it (unmapped in the source state). */
export type DataLocation = RegisterResourceRequest;

export interface OptIn {
  readonly Principal: DataLakePrincipal;
  readonly Resource: Resource;
  readonly Condition?: Condition;
}

export interface LfTag {
  readonly TagKey: string;
  readonly TagValues: string[];
}

export interface LfTagExpression {
  readonly Name: string;
  readonly Description?: string;
  readonly Expression: LfTag[];
}

/** The LF-tags assigned directly to one database, table or column (inherited ones are not listed). */
export interface TagAssignment {
  /** `Database`, `Table`, or `TableWithColumns` with one column. */
  readonly Resource: Resource;
  readonly LFTags: LfTag[];
}

/** One principal's permissions on one resource: the listing's entries for them, merged. */
export interface PermissionEntry {
  readonly Principal: DataLakePrincipal;
  readonly Resource: Resource;
  readonly Condition?: Condition;
  readonly Permissions: Permission[];
  readonly PermissionsWithGrantOption: Permission[];
}

/**
 * One Region's Lake Formation state in scope, as write shapes, with output-only fields and the
 * account's own catalog id dropped. `kinds` says what was read: a kind that was not read (switched
 * off, or its listing failed) says nothing about what exists, so nothing of it may be deleted.
 */
export interface LakeFormationState {
  readonly kinds: LfKind[];
  settings?: DataLakeSettings;
  readonly dataLocations: DataLocation[];
  readonly optIns: OptIn[];
  readonly lfTags: LfTag[];
  readonly lfTagExpressions: LfTagExpression[];
  readonly dataCellsFilters: DataCellsFilter[];
  readonly tagAssignments: TagAssignment[];
  readonly permissions: PermissionEntry[];
}

export function emptyState(): LakeFormationState {
  return { kinds: [], dataLocations: [], optIns: [], lfTags: [], lfTagExpressions: [], dataCellsFilters: [], tagAssignments: [], permissions: [] };
}

/** The state's fields, one a kind, in the order the kinds are applied: what snapshot records are named. */
export const STATE_FIELDS: readonly LfField[] = LF_KINDS.map(k => LAKE_FORMATION_KINDS[k].field);

/** What one object of a kind is, as the state holds it; the settings are one object. */
export type ItemOf<K extends LfKind> = LfField<K> extends 'settings' ? DataLakeSettings
  : LakeFormationState[Exclude<LfField<K>, 'settings'>][number];

/** The objects a field holds: the settings as a list of one, or none. */
export function stateItems(state: LakeFormationState, field: LfField): unknown[] {
  if (field === 'settings') return state.settings ? [state.settings] : [];
  return state[field];
}

/** Adds objects to a field; the settings are replaced by the first. */
export function addStateItems(state: LakeFormationState, field: LfField, items: readonly unknown[]): void {
  if (field === 'settings') state.settings = items[0] as DataLakeSettings | undefined;
  else (state[field] as unknown[]).push(...items);
}

/** One kind's objects in a state. */
export function kindItems<K extends LfKind>(state: LakeFormationState, kind: K): Array<ItemOf<K>> {
  return stateItems(state, LAKE_FORMATION_KINDS[kind].field) as Array<ItemOf<K>>;
}

/** A state that holds one kind only, with these objects, and says it was read. */
export function kindState<K extends LfKind>(kind: K, items: ReadonlyArray<ItemOf<K>>): LakeFormationState {
  const state = emptyState();
  state.kinds.push(kind);
  addStateItems(state, LAKE_FORMATION_KINDS[kind].field, items);
  return state;
}

export type { LFTagPair };
