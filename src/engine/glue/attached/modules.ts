import { catalog } from './catalog';
import { catalogOptimization } from './catalog-optimization';
import { columnStatistics } from './column-statistics';
import { connection } from './connection';
import type { AttachedKindModule } from './kind';
import { partitionColumnStatistics } from './partition-column-statistics';
import { partitionIndex } from './partition-index';
import { statisticsTaskSettings } from './statistics-task-settings';
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
  columnStatistics: columnStatistics as AttachedKindModule<object>,
  partitionColumnStatistics: partitionColumnStatistics as AttachedKindModule<object>,
  statisticsTaskSettings: statisticsTaskSettings as AttachedKindModule<object>,
};
