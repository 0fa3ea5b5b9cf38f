import { catalog } from './catalog';
import { catalogOptimization } from './catalog-optimization';
import { connection } from './connection';
import type { AttachedKindModule } from './kind';
import { partitionIndex } from './partition-index';
import { tableOptimizer } from './table-optimizer';
import { userDefinedFunction } from './user-defined-function';
import type { AttachedKind } from '../../../shared/attached-kinds';

/** Each attached kind's behaviour, beside its row in the kinds table. */
export const ATTACHED_MODULES: { readonly [K in AttachedKind]: AttachedKindModule<object> } = {
  connection: connection as AttachedKindModule<object>,
  catalog: catalog as AttachedKindModule<object>,
  catalogOptimization: catalogOptimization as AttachedKindModule<object>,
  partitionIndex: partitionIndex as AttachedKindModule<object>,
  userDefinedFunction: userDefinedFunction as AttachedKindModule<object>,
  tableOptimizer: tableOptimizer as AttachedKindModule<object>,
};
