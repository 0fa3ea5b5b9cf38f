import type {
  Condition, DataCellsFilter, DataLakePrincipal, DataLakeSettings, LFTagPair, Permission, RegisterResourceRequest, Resource,
} from '@aws-sdk/client-lakeformation';

import type { LfKind } from '../../shared/lake-formation-kinds';
export { LF_KINDS, LF_SWITCHES, SKIP_ALL_LAKE_FORMATION, kindsWithout, type LfKind } from '../../shared/lake-formation-kinds';

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

export type { LFTagPair };
