/** A time budget (epoch milliseconds) for one invocation of the on-demand job. */
export interface Deadline {
  /** After this, no new table is started. */
  readonly soft: number;
  /** After this, a table's partitions stop at the next page boundary and are resumed later. */
  readonly hard: number;
}

/** Where a database's convergence stopped, so the next invocation carries on without loss. */
export interface Cursor {
  /** Every table listed up to and including this one is done (or is in `partials`). */
  readonly afterTable?: string;
  /** Tables whose partitions were cut short, with the source page token to resume from. */
  readonly partials?: readonly PartialTable[];
}

export interface PartialTable {
  readonly table: string;
  readonly next: string;
}
