/** What every kinds table says of a kind: the IAM actions its replication calls and the CloudTrail events that change it. */
export interface KindRow {
  /** The actions (of the kind's service, without its prefix) reading the kind calls, in the source and the targets. */
  readonly read: readonly string[];
  /** The actions writing the kind calls, in the targets only. */
  readonly write: readonly string[];
  /** The CloudTrail events of the kind's service that change it: what near-real-time follows. */
  readonly events: readonly string[];
}
