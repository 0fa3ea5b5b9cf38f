/**
 * What the near-real-time construct tells its poller and applier, as JSON in one environment
 * variable (next to the job settings in `LAKE_REPLICA_SETTINGS`). Shared by the construct and the handlers.
 */
export const REALTIME_SETTINGS_ENV = 'LAKE_REPLICA_REALTIME';

/**
 * How the poller asks CloudTrail for events (see docs/near-real-time.md for the call counts):
 * `write-events` filters on `ReadOnly=false` (one call a poll when the account is quiet);
 * `event-names` asks once per replicated event name (fixed cost, for accounts with very many other writes).
 */
export type LookupStrategy = 'write-events' | 'event-names';

export interface RealtimeSettings {
  /** The DynamoDB ledger: one item per CloudTrail event, plus the poller's cursor. */
  readonly ledgerTable: string;
  /** How far back the poller catches up after downtime; an older cursor is a gap. */
  readonly lookbackMs: number;
  /** How far each poll reaches back before its cursor, for CloudTrail's delivery delay. */
  readonly overlapMs: number;
  /** How long ledger items are kept (their TTL). */
  readonly retentionMs: number;
  readonly lookupStrategy: LookupStrategy;
  /** LookupEvents calls a second; CloudTrail allows 2 per account and Region, shared with every other caller. */
  readonly lookupsPerSecond: number;
  /** The on-demand job's state machine: a gap is healed by a full reconcile. */
  readonly reconcileStateMachineArn?: string;
  /** CloudWatch namespace of the near-real-time metrics. */
  readonly metricNamespace: string;
  /**
   * A PENDING event the applier has not recorded an outcome for in this long (it timed out, ran out of
   * memory, or its stream record expired or went to the dead-letter queue) is woken again by the poller.
   * Default `DEFAULT_STALE_PENDING_MS`.
   */
  readonly stalePendingMs?: number;
}

export const DEFAULT_OVERLAP_MS = 15 * 60_000;
export const DEFAULT_LOOKUPS_PER_SECOND = 1.5;
export const DEFAULT_STALE_PENDING_MS = 15 * 60_000;

/** The settings' problems, each naming the field, the bad value and what is allowed. */
export function realtimeSettingsErrors(s: Partial<RealtimeSettings>): string[] {
  const errors: string[] = [];
  if (typeof s.ledgerTable !== 'string' || s.ledgerTable === '') errors.push('"ledgerTable" must name the ledger table');
  const positive = (name: keyof RealtimeSettings) => {
    const v = s[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) errors.push(`"${name}" must be a positive number, not ${JSON.stringify(v)}`);
  };
  positive('lookbackMs');
  positive('retentionMs');
  positive('lookupsPerSecond');
  if (s.stalePendingMs !== undefined) positive('stalePendingMs');
  if (typeof s.overlapMs !== 'number' || !(s.overlapMs >= 0)) errors.push(`"overlapMs" must be a number >= 0, not ${JSON.stringify(s.overlapMs)}`);
  if (s.lookupStrategy !== 'write-events' && s.lookupStrategy !== 'event-names') {
    errors.push(`"lookupStrategy" must be "write-events" or "event-names", not ${JSON.stringify(s.lookupStrategy)}`);
  }
  if (typeof s.metricNamespace !== 'string' || s.metricNamespace === '') errors.push('"metricNamespace" must be a CloudWatch namespace');
  return errors;
}

export function readRealtimeSettings(env: NodeJS.ProcessEnv = process.env): RealtimeSettings {
  const raw = env[REALTIME_SETTINGS_ENV];
  if (!raw) throw new Error(`${REALTIME_SETTINGS_ENV} is not set: this function is configured by the MultiRegionLakeReplica construct`);
  const settings = JSON.parse(raw) as RealtimeSettings;
  const errors = realtimeSettingsErrors(settings);
  if (errors.length > 0) throw new Error(`invalid ${REALTIME_SETTINGS_ENV}: ${errors.join('; ')}`);
  return settings;
}

/** The ledger's layout, which the construct (table, index, stream filter) and the engine must agree on. */
export const LEDGER = {
  /** Partition key: the CloudTrail event id, or `cursorKey` for the poller's cursor. */
  partitionKey: 'pk',
  cursorKey: '#cursor',
  /** Epoch seconds after which DynamoDB may delete the item. */
  ttlAttribute: 'expiresAt',
  /** `PENDING` (work for the applier), `DONE` or `FAILED`: the stream filter passes only `PENDING` images. */
  stateAttribute: 'state',
  pendingState: 'PENDING',
  /** A sparse index over FAILED events only, for redrive: the key attribute exists only while the event is FAILED. */
  failedIndex: 'failed-events',
  failedIndexKey: 'failedKey',
  failedIndexSortKey: 'eventTime',
  /**
   * A sparse index over PENDING events only, oldest first: the key attribute is set when an event is
   * recorded or redriven and removed with its outcome (DONE or FAILED). It finds events the applier
   * never answered for, and the age of the oldest one.
   */
  pendingIndex: 'pending-events',
  pendingIndexKey: 'pendingKey',
  /** When the event became PENDING (recorded or redriven), ISO 8601. */
  pendingIndexSortKey: 'pendingSince',
  /** When the event was last handed to the applier (recorded, redriven or woken), ISO 8601; projected into the index. */
  touchedAttribute: 'touchedAt',
  /** How many times a stale PENDING event was woken; projected into the index. */
  wakeUpsAttribute: 'wakeUps',
} as const;
