import type { KindRow } from './kind-row';

/**
 * Glue objects attached to a database or a table, beyond databases, tables and partitions themselves: one
 * row a kind, read by the engine, the CLI and the construct. Pure data; each kind's behaviour is its module
 * in src/engine/glue/attached/. Rows are in the order the kinds are converged.
 */
const KINDS = {
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
  },
} as const;

/** The report kinds of the attached objects. */
export type AttachedKind = keyof typeof KINDS;

/** An attached kind: its `glue:` actions and events of glue.amazonaws.com, and these. */
export interface AttachedKindRow extends KindRow {
  /** The `--skip` group and construct switch (`replicate*` prop) that turns the kind off. */
  readonly switch: string;
  /** What the objects hang off: they are converged right after it, and named by it. */
  readonly owner: 'database' | 'table';
  /** The member of a snapshot's owner record that holds the kind's objects. */
  readonly field: string;
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
