/** A time budget (epoch milliseconds) for one invocation of the on-demand job. */
export interface Deadline {
  /** After this, no new table is started. */
  readonly soft: number;
  /** After this, a table's partitions stop at the next page boundary and are resumed later. */
  readonly hard: number;
}
