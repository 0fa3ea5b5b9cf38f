import type { KindRow } from './kind-row';

/**
 * Glue objects attached to a database or a table, beyond databases, tables and partitions themselves: one
 * row a kind, read by the engine, the CLI and the construct. Pure data; each kind's behaviour is its module
 * in src/engine/glue/attached/. Rows are in the order the kinds are converged.
 */
const KINDS = {
  // Owned by the account's catalog: converged once per run and target, before the databases. A connection comes
  // before the catalogs that name it.
  connection: {
    switch: 'connections',
    owner: 'catalog',
    // GetCatalogs: only the connections a replicated catalog names are replicated.
    read: ['GetCatalogs', 'GetConnection'],
    write: ['CreateConnection', 'UpdateConnection', 'DeleteConnection'],
    events: ['CreateConnection', 'UpdateConnection', 'DeleteConnection', 'BatchDeleteConnection'],
    field: 'connections',
  },
  catalog: {
    switch: 'catalogs',
    owner: 'catalog',
    read: ['GetCatalogs'],
    write: ['CreateCatalog', 'UpdateCatalog', 'DeleteCatalog'],
    events: ['CreateCatalog', 'UpdateCatalog', 'DeleteCatalog'],
    field: 'catalogs',
  },
  // The default catalog's Iceberg optimization settings (CatalogProperties.IcebergOptimizationProperties): read,
  // modified and written back whole, its other members (Parameters above all) as the target has them.
  catalogOptimization: {
    switch: 'catalog-optimization',
    owner: 'catalog',
    read: ['GetCatalog'],
    write: ['UpdateCatalog'],
    events: ['UpdateCatalog'],
    field: 'catalogOptimization',
    passesRole: true,
  },
  partitionIndex: {
    switch: 'partition-indexes',
    owner: 'table',
    read: ['GetPartitionIndexes'],
    write: ['CreatePartitionIndex', 'DeletePartitionIndex'],
    events: ['CreatePartitionIndex', 'DeletePartitionIndex'],
    field: 'partitionIndexes',
  },
  userDefinedFunction: {
    switch: 'user-defined-functions',
    owner: 'database',
    // GetUserDefinedFunction: an update first reads the target's function (its governance mode cannot change).
    read: ['GetUserDefinedFunctions', 'GetUserDefinedFunction'],
    write: ['CreateUserDefinedFunction', 'UpdateUserDefinedFunction', 'DeleteUserDefinedFunction'],
    events: ['CreateUserDefinedFunction', 'UpdateUserDefinedFunction', 'DeleteUserDefinedFunction'],
    field: 'userDefinedFunctions',
  },
  tableOptimizer: {
    switch: 'table-optimizers',
    owner: 'table',
    // GetDatabase, granted anyway, gives the catalog id the optimizer APIs take. Creating one also passes its role
    // to Glue (iam:PassRole, granted beside: src/glue-permissions.ts).
    read: ['BatchGetTableOptimizer'],
    write: ['CreateTableOptimizer', 'UpdateTableOptimizer', 'DeleteTableOptimizer'],
    events: ['CreateTableOptimizer', 'UpdateTableOptimizer', 'DeleteTableOptimizer'],
    field: 'tableOptimizers',
    passesRole: true,
  },
  columnStatistics: {
    switch: 'column-statistics',
    owner: 'table',
    // Hive tables only: an Iceberg table's statistics are Puffin files the metadata rewrite carries.
    read: ['GetColumnStatisticsForTable'],
    write: ['UpdateColumnStatisticsForTable', 'DeleteColumnStatisticsForTable'],
    events: ['UpdateColumnStatisticsForTable', 'DeleteColumnStatisticsForTable'],
    field: 'columnStatistics',
  },
  partitionColumnStatistics: {
    switch: 'partition-column-statistics',
    owner: 'table',
    // The kind pages the source's partitions itself (GetPartitions, granted to every run), one
    // GetColumnStatisticsForPartition a partition in each Region.
    read: ['GetColumnStatisticsForPartition'],
    write: ['UpdateColumnStatisticsForPartition', 'DeleteColumnStatisticsForPartition'],
    events: ['UpdateColumnStatisticsForPartition', 'DeleteColumnStatisticsForPartition'],
    field: 'partitionColumnStatistics',
  },
  statisticsTaskSettings: {
    switch: 'statistics-task-settings',
    owner: 'table',
    read: ['GetColumnStatisticsTaskSettings'],
    // Start: `lake-replica promote` turns a replica's stopped schedule back on.
    write: [
      'CreateColumnStatisticsTaskSettings', 'UpdateColumnStatisticsTaskSettings', 'DeleteColumnStatisticsTaskSettings',
      'StopColumnStatisticsTaskRunSchedule', 'StartColumnStatisticsTaskRunSchedule',
    ],
    events: [
      'CreateColumnStatisticsTaskSettings', 'UpdateColumnStatisticsTaskSettings', 'DeleteColumnStatisticsTaskSettings',
      'StartColumnStatisticsTaskRunSchedule', 'StopColumnStatisticsTaskRunSchedule',
    ],
    field: 'statisticsTaskSettings',
    passesRole: true,
  },
} as const;

/** What attached objects hang off. */
export type AttachedOwner = 'catalog' | 'database' | 'table';

/** The report kinds of the attached objects. */
export type AttachedKind = keyof typeof KINDS;

/** An attached kind: its `glue:` actions and events of glue.amazonaws.com, and these. */
export interface AttachedKindRow extends KindRow {
  /** The `--skip` group and construct switch (`replicate*` prop) that turns the kind off. */
  readonly switch: string;
  /**
   * What the objects hang off: they are converged right after it, and named by it. `catalog`: the account's
   * catalog itself, converged once per run and target before the databases.
   */
  readonly owner: AttachedOwner;
  /** The member of a snapshot's owner record that holds the kind's objects. */
  readonly field: string;
  /** Its writes name a role Glue assumes (iam:PassRole to glue.amazonaws.com, granted only while the kind is on). */
  readonly passesRole?: boolean;
}

export const ATTACHED_KINDS: { readonly [K in AttachedKind]: AttachedKindRow } = KINDS;

/** The kinds, in the order they are converged. */
export const ATTACHED_KIND_NAMES: readonly AttachedKind[] = Object.keys(KINDS) as AttachedKind[];

/** The switch names, in the table's order. */
export const ATTACHED_SWITCH_NAMES: readonly string[] = ATTACHED_KIND_NAMES.map(k => ATTACHED_KINDS[k].switch);

/** The kinds left after skipping some switches. */
export function attachedKindsWithout(skipped: readonly string[]): AttachedKind[] {
  return ATTACHED_KIND_NAMES.filter(k => !skipped.includes(ATTACHED_KINDS[k].switch));
}
