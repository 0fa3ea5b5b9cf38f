import { dataCellsFilter } from './data-cells-filter';
import { dataLakeSettings } from './data-lake-settings';
import { dataLocation } from './data-location';
import type { LfKindModule } from './kind';
import { lfTag } from './lf-tag';
import { lfTagAssignment } from './lf-tag-assignment';
import { lfTagExpression } from './lf-tag-expression';
import { optIn } from './opt-in';
import { permission } from './permission';
import type { LfKind } from '../../../shared/lake-formation-kinds';

/** Each kind's behaviour, beside its row in the kinds table. */
export const KIND_MODULES: { readonly [K in LfKind]: LfKindModule<K> } = {
  dataLakeSettings,
  lfTag,
  lfTagExpression,
  dataLocation,
  dataCellsFilter,
  optIn,
  lfTagAssignment,
  permission,
};
