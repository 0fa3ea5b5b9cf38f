import type { AttachedKindModule } from './kind';
import { partitionIndex } from './partition-index';
import { tableOptimizer } from './table-optimizer';
import { userDefinedFunction } from './user-defined-function';
import type { AttachedKind } from '../../../shared/attached-kinds';

/** Each attached kind's behaviour, beside its row in the kinds table. */
export const ATTACHED_MODULES: { readonly [K in AttachedKind]: AttachedKindModule<object> } = {
  partitionIndex: partitionIndex as AttachedKindModule<object>,
  userDefinedFunction: userDefinedFunction as AttachedKindModule<object>,
  tableOptimizer: tableOptimizer as AttachedKindModule<object>,
};
