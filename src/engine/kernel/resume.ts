import type { LfKind } from '../../shared/lake-formation-kinds';

/** A time budget (epoch milliseconds) for one invocation of the on-demand job. */
export interface Deadline {
  /** After this, no new table (or Lake Formation chunk) is started. */
  readonly soft: number;
  /** After this, a table's partitions stop at the next page boundary and are resumed later. */
  readonly hard: number;
}

/** Where an invocation stopped, so the next one carries on without loss. */
export interface Cursor {
  /** Every table listed up to and including this one is done (or is in `partials`). */
  readonly afterTable?: string;
  /** Tables whose partitions were cut short, with the source page token to resume from. */
  readonly partials?: readonly PartialTable[];
  /** In a Lake Formation step of the job: where its phase stopped. */
  readonly lakeFormation?: LakeFormationProgress;
}

export interface PartialTable {
  readonly table: string;
  /** The source's page token; with `extrasIn`, that target's. */
  readonly next: string;
  /**
   * Set when the source's partitions are all converged and the search for partitions only this target Region has
   * (prune, verify) stopped at its page `next`: the next invocation goes on from there.
   */
  readonly extrasIn?: string;
  /**
   * With `extrasIn`: this listing deleted partitions before it was cut, so its later page tokens may have passed over
   * some (as many as were deleted, if Glue's tokens count positions). Once it reaches the end, the search lists the
   * target once more from the top (`next` empty), which ends when a listing deletes nothing before a cut.
   */
  readonly sweepAgain?: boolean;
  /**
   * Set when the table's partitions are all converged and a paged attached kind (partition column statistics) stopped
   * in this Region at the source page `next`: the next invocation goes on from there.
   */
  readonly attachedIn?: { readonly kind: string; readonly region: string };
}

/**
 * Where a Lake Formation phase stopped: the step to go on with and, inside it, where. A step that
 * converges a listing goes on after the catalog position `after`; the step that walks the source's
 * databases and tables goes on at `database` (not started when `tablePage` is absent, else at that
 * page of its tables).
 */
export interface LakeFormationProgress {
  /** The step, e.g. "converge permission". */
  readonly step: string;
  /** Positions up to and including this one ([database, table]) are done. */
  readonly after?: readonly [string, string];
  readonly database?: string;
  /** The Glue page token of the next page of `database`'s tables. */
  readonly tablePage?: string;
  /** Kinds the phase's snapshot could not read whole so far: left out of the snapshot's kinds. */
  readonly incomplete?: readonly LfKind[];
}
