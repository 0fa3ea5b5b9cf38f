import {
  BatchGetItemCommand, ConditionalCheckFailedException, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand,
  type AttributeValue, type BatchGetItemCommandOutput, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { LEDGER } from '../../shared/realtime-settings';
import { chunk } from '../kernel/concurrency';
import type { ObjectRef } from '../kernel/object-ref';

export type TargetStatus = 'PENDING' | 'APPLIED' | 'SKIPPED' | 'FAILED';
/** PENDING: work for the applier; DONE: every target applied or skipped; FAILED: some target failed. */
export type EventState = 'PENDING' | 'DONE' | 'FAILED';

/** Attempts before a target of an event is left FAILED for redrive (and no longer retried by the stream). */
export const MAX_ATTEMPTS = 3;

/** One event's outcome in one target Region. */
export interface TargetRecord {
  readonly status: TargetStatus;
  /** Why it was skipped, or what the objects came to. */
  readonly reason?: string;
  /** Failed attempts so far. */
  readonly attempts?: number;
  readonly lastError?: string;
  readonly appliedAt?: string;
}

/** One CloudTrail event in the ledger. */
export interface LedgerEvent {
  readonly eventId: string;
  readonly eventName: string;
  readonly eventSource: string;
  /** ISO 8601, from CloudTrail. */
  readonly eventTime: string;
  readonly actor?: string;
  readonly refs: readonly ObjectRef[];
  readonly targets: Readonly<Record<string, TargetRecord>>;
  readonly state: EventState;
}

/** One entry of the PENDING index. */
export interface PendingEntry {
  readonly eventId: string;
  readonly pendingSince: string;
  readonly touchedAt: string;
  readonly wakeUps: number;
}

export interface PollCursor {
  /** Every event before this time (epoch ms) has been read at least once; undefined until a first slice is finished. */
  readonly cursorMs?: number;
  /**
   * Where the next poll starts reading: every event before it was read at least `overlap` after it
   * happened, so CloudTrail's late deliveries before it have been seen too. Undefined: `cursorMs - overlap`.
   */
  readonly resumeMs?: number;
  /** The time slice the next poll reads in (it shrinks when a slice cannot be read in one poll). */
  readonly sliceMs?: number;
  readonly lastGapAt?: string;
}

const K = LEDGER.partitionKey;
const BATCH_GET = 100;

/** The DynamoDB ledger of CloudTrail events and the poller's cursor. */
export class Ledger {
  constructor(private readonly dynamodb: DynamoDBClient, readonly tableName: string, private readonly retentionMs: number) {}

  /** Records an event once: false when it is already there (an overlapping poll saw it before). */
  async putIfNew(event: LedgerEvent, now = new Date()): Promise<boolean> {
    try {
      await this.dynamodb.send(new PutItemCommand({
        TableName: this.tableName,
        Item: attributes(eventItem(event, now, Math.ceil((now.getTime() + this.retentionMs) / 1000))),
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': K },
      }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Current items (strongly consistent: the stream image may be older), by event id; ids no longer there are left out. */
  async getEvents(ids: readonly string[]): Promise<Map<string, LedgerEvent>> {
    const out = new Map<string, LedgerEvent>();
    for (const batch of chunk([...new Set(ids)], BATCH_GET)) {
      let keys: Record<string, AttributeValue>[] | undefined = batch.map(keyOf);
      while (keys && keys.length > 0) {
        const result: BatchGetItemCommandOutput = await this.dynamodb.send(new BatchGetItemCommand({
          RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } },
        }));
        for (const item of result.Responses?.[this.tableName] ?? []) {
          const event = parseEvent(item);
          if (event) out.set(event.eventId, event);
        }
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return out;
  }

  async getEvent(id: string): Promise<LedgerEvent | undefined> {
    const result = await this.dynamodb.send(new GetItemCommand({ TableName: this.tableName, Key: keyOf(id), ConsistentRead: true }));
    return result.Item ? parseEvent(result.Item) : undefined;
  }

  /**
   * Writes the outcome in some targets and the event's resulting state, and keeps the sparse index
   * keys in step: FAILED events are in the FAILED index, PENDING ones in the PENDING index. Setting an
   * event PENDING again (a redrive) hands it to the applier afresh: it is pending since now.
   */
  async recordOutcome(eventId: string, targets: Readonly<Record<string, TargetRecord>>, state: EventState, now = new Date()): Promise<void> {
    await this.update(eventId, targets, state, now);
  }

  /**
   * A stale PENDING event, still as it was seen (`touchedAt`), handed to the applier again: an update
   * that changes the item, so the stream carries a PENDING image the applier's filter passes.
   * False when the event moved on meanwhile (the applier answered, or another poll woke it).
   */
  async wakePending(eventId: string, seenTouchedAt: string, now = new Date()): Promise<boolean> {
    try {
      await this.dynamodb.send(new UpdateItemCommand({
        TableName: this.tableName,
        Key: keyOf(eventId),
        UpdateExpression: 'SET #touched = :now, #wakeUps = if_not_exists(#wakeUps, :zero) + :one',
        ConditionExpression: '#state = :pending AND #touched = :seen',
        ExpressionAttributeNames: { '#touched': LEDGER.touchedAttribute, '#wakeUps': LEDGER.wakeUpsAttribute, '#state': LEDGER.stateAttribute },
        ExpressionAttributeValues: attributes({ ':now': now.toISOString(), ':zero': 0, ':one': 1, ':pending': 'PENDING', ':seen': seenTouchedAt }),
      }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Records the outcome only if the event is still PENDING as it was seen (`touchedAt`); false when it moved on. */
  async recordOutcomeIfUntouched(eventId: string, targets: Readonly<Record<string, TargetRecord>>, state: EventState,
    seenTouchedAt: string, now = new Date()): Promise<boolean> {
    try {
      await this.update(eventId, targets, state, now, seenTouchedAt);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private async update(eventId: string, targets: Readonly<Record<string, TargetRecord>>, state: EventState, now: Date, seenTouchedAt?: string) {
    const names: Record<string, string> = {
      '#targets': 'targets', '#state': LEDGER.stateAttribute, '#failed': LEDGER.failedIndexKey, '#pending': LEDGER.pendingIndexKey, '#pk': K,
    };
    const values: Record<string, unknown> = { ':state': state, ':now': now.toISOString() };
    const sets = ['#state = :state', 'updatedAt = :now'];
    const removes: string[] = [];
    Object.entries(targets).forEach(([region, record], i) => {
      names[`#r${i}`] = region;
      values[`:r${i}`] = targetItem(record);
      sets.push(`#targets.#r${i} = :r${i}`);
    });
    if (state === 'FAILED') {
      values[':failed'] = 'FAILED';
      sets.push('#failed = :failed');
    } else {
      removes.push('#failed');
    }
    if (state === 'PENDING') {
      Object.assign(names, { '#since': LEDGER.pendingIndexSortKey, '#touched': LEDGER.touchedAttribute, '#wakeUps': LEDGER.wakeUpsAttribute });
      Object.assign(values, { ':pendingKey': 'PENDING', ':zero': 0 });
      sets.push('#pending = :pendingKey', '#since = :now', '#touched = :now', '#wakeUps = :zero');
    } else {
      removes.push('#pending');
    }
    let condition = 'attribute_exists(#pk)';
    if (seenTouchedAt !== undefined) {
      names['#touched'] = LEDGER.touchedAttribute;
      Object.assign(values, { ':pendingState': 'PENDING', ':seen': seenTouchedAt });
      condition += ' AND #state = :pendingState AND #touched = :seen';
    }
    await this.dynamodb.send(new UpdateItemCommand({
      TableName: this.tableName,
      Key: keyOf(eventId),
      UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: attributes(values),
    }));
  }

  /**
   * PENDING events that became pending before `before` (and, with `untouchedSince`, were not handed
   * to the applier since then), oldest first, from the sparse PENDING index; at most `limit` index entries read.
   */
  async* pendingEvents(o: { before: Date; untouchedSince?: Date; limit?: number }): AsyncIterable<PendingEntry> {
    let start: Record<string, AttributeValue> | undefined;
    let left = o.limit ?? Infinity;
    do {
      const page = await this.dynamodb.send(new QueryCommand({
        TableName: this.tableName,
        IndexName: LEDGER.pendingIndex,
        KeyConditionExpression: '#pending = :pending AND #since < :before',
        ...(o.untouchedSince ? { FilterExpression: '#touched < :untouched' } : {}),
        ExpressionAttributeNames: {
          '#pending': LEDGER.pendingIndexKey, '#since': LEDGER.pendingIndexSortKey, ...(o.untouchedSince ? { '#touched': LEDGER.touchedAttribute } : {}),
        },
        ExpressionAttributeValues: attributes({ ':pending': 'PENDING', ':before': o.before.toISOString(), ':untouched': o.untouchedSince?.toISOString() }),
        Limit: Number.isFinite(left) ? Math.min(left, 100) : undefined,
        ExclusiveStartKey: start,
      }));
      left -= page.ScannedCount ?? page.Items?.length ?? 0;
      for (const item of (page.Items ?? []).map(fromItem)) {
        yield {
          eventId: item[K] ?? '',
          pendingSince: item[LEDGER.pendingIndexSortKey] ?? '',
          touchedAt: item[LEDGER.touchedAttribute] ?? '',
          wakeUps: Number(item[LEDGER.wakeUpsAttribute] ?? 0),
        };
      }
      start = page.LastEvaluatedKey;
    } while (start && left > 0);
  }

  /** When the oldest PENDING event became pending; undefined when none is. */
  async oldestPendingSince(): Promise<string | undefined> {
    const page = await this.dynamodb.send(new QueryCommand({
      TableName: this.tableName,
      IndexName: LEDGER.pendingIndex,
      KeyConditionExpression: '#pending = :pending',
      ExpressionAttributeNames: { '#pending': LEDGER.pendingIndexKey },
      ExpressionAttributeValues: attributes({ ':pending': 'PENDING' }),
      Limit: 1,
    }));
    const oldest = page.Items?.[0];
    return oldest && fromItem(oldest)[LEDGER.pendingIndexSortKey];
  }

  /** FAILED events, oldest first, page by page. */
  async* failedEvents(): AsyncIterable<LedgerEvent> {
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.dynamodb.send(new QueryCommand({
        TableName: this.tableName,
        IndexName: LEDGER.failedIndex,
        KeyConditionExpression: '#failed = :failed',
        ExpressionAttributeNames: { '#failed': LEDGER.failedIndexKey },
        ExpressionAttributeValues: attributes({ ':failed': 'FAILED' }),
        ExclusiveStartKey: start,
      }));
      for (const item of page.Items ?? []) {
        // The index projects keys only: read the item itself.
        const event = await this.getEvent(fromItem(item)[K] ?? '');
        if (event?.state === 'FAILED') yield event;
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }

  /** The poller's state; undefined before the first poll saved anything. */
  async cursor(): Promise<PollCursor | undefined> {
    const result = await this.dynamodb.send(new GetItemCommand({
      TableName: this.tableName, Key: keyOf(LEDGER.cursorKey), ConsistentRead: true,
    }));
    if (!result.Item) return undefined;
    const { cursorMs, resumeMs, sliceMs, lastGapAt } = unmarshall(result.Item) as CursorItem;
    return { cursorMs, resumeMs, sliceMs, lastGapAt };
  }

  /**
   * Moves the cursor (and where the next poll resumes) forward, never back: a poller started by
   * hand next to the scheduled one cannot undo the other's progress. Returns false when a newer
   * cursor is already stored.
   */
  async advanceCursor(cursorMs: number, options: { resumeMs?: number; gapAt?: Date; now?: Date } = {}): Promise<boolean> {
    const values: Record<string, unknown> = { ':ms': cursorMs, ':now': (options.now ?? new Date()).toISOString() };
    let update = 'SET cursorMs = :ms, updatedAt = :now';
    let condition = '(attribute_not_exists(cursorMs) OR cursorMs <= :ms)';
    if (options.resumeMs !== undefined) {
      values[':resume'] = options.resumeMs;
      update += ', resumeMs = :resume';
      condition += ' AND (attribute_not_exists(resumeMs) OR resumeMs <= :resume)';
    }
    if (options.gapAt) {
      values[':gap'] = options.gapAt.toISOString();
      update += ', lastGapAt = :gap';
    }
    try {
      await this.dynamodb.send(new UpdateItemCommand({
        TableName: this.tableName,
        Key: keyOf(LEDGER.cursorKey),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeValues: attributes(values),
      }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The slice size the next poll reads in. */
  async saveSliceMs(sliceMs: number): Promise<void> {
    await this.dynamodb.send(new UpdateItemCommand({
      TableName: this.tableName,
      Key: keyOf(LEDGER.cursorKey),
      UpdateExpression: 'SET sliceMs = :slice',
      ExpressionAttributeValues: attributes({ ':slice': sliceMs }),
    }));
  }
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException';
}

/** Attribute values from plain values; an undefined value leaves its attribute out. */
function attributes(values: Record<string, unknown>): Record<string, AttributeValue> {
  return marshall(values, { removeUndefinedValues: true });
}

function keyOf(id: string): Record<string, AttributeValue> {
  return attributes({ [K]: id });
}

function fromItem(item: Record<string, AttributeValue>): EventItem {
  return unmarshall(item) as EventItem;
}

/**
 * An event item as the table holds it, unmarshalled. Strings, but for the TTL, the wake-up count and
 * a target's attempts (numbers); `failedKey` and `pendingKey` exist only while the event is FAILED
 * or PENDING (sparse indexes).
 */
type EventItem = {
  readonly [K]?: string;
  readonly kind?: 'event';
  readonly eventName?: string;
  readonly eventSource?: string;
  readonly [LEDGER.failedIndexSortKey]?: string;
  readonly actor?: string;
  /** ObjectRefs nest Lake Formation resources of many shapes: one JSON string keeps them exact. */
  readonly refs?: string;
  readonly targets?: Readonly<Record<string, Partial<TargetRecord>>>;
  readonly [LEDGER.stateAttribute]?: EventState;
  readonly [LEDGER.failedIndexKey]?: 'FAILED';
  readonly [LEDGER.pendingIndexKey]?: 'PENDING';
  readonly [LEDGER.pendingIndexSortKey]?: string;
  readonly [LEDGER.touchedAttribute]?: string;
  readonly [LEDGER.wakeUpsAttribute]?: number;
  readonly recordedAt?: string;
  /** Epoch seconds. */
  readonly [LEDGER.ttlAttribute]?: number;
};

/** The poller's cursor item, unmarshalled. */
type CursorItem = Partial<PollCursor>;

function eventItem(e: LedgerEvent, now: Date, expiresAt: number): EventItem {
  const pendingSince = e.state === 'PENDING' ? now.toISOString() : undefined;
  return {
    [K]: e.eventId,
    kind: 'event',
    eventName: e.eventName,
    eventSource: e.eventSource,
    [LEDGER.failedIndexSortKey]: e.eventTime,
    actor: e.actor || undefined, // an empty actor is left out too
    refs: JSON.stringify(e.refs),
    targets: Object.fromEntries(Object.entries(e.targets).map(([region, t]) => [region, targetItem(t)])),
    [LEDGER.stateAttribute]: e.state,
    [LEDGER.failedIndexKey]: e.state === 'FAILED' ? 'FAILED' : undefined,
    [LEDGER.pendingIndexKey]: pendingSince === undefined ? undefined : 'PENDING',
    [LEDGER.pendingIndexSortKey]: pendingSince,
    [LEDGER.touchedAttribute]: pendingSince,
    recordedAt: now.toISOString(),
    [LEDGER.ttlAttribute]: expiresAt,
  };
}

/** The record's own fields only: whatever else a caller's object carries stays out of the table. */
function targetItem(t: Partial<TargetRecord>): Partial<TargetRecord> {
  return { status: t.status, reason: t.reason, attempts: t.attempts, lastError: t.lastError, appliedAt: t.appliedAt };
}

function parseEvent(item: Record<string, AttributeValue>): LedgerEvent | undefined {
  const e = fromItem(item);
  if (e.kind !== 'event') return undefined;
  const targets: Record<string, TargetRecord> = {};
  for (const [region, t] of Object.entries(e.targets ?? {})) targets[region] = { ...targetItem(t), status: t.status ?? 'PENDING' };
  return {
    eventId: e[K] ?? '',
    eventName: e.eventName ?? '',
    eventSource: e.eventSource ?? '',
    eventTime: e[LEDGER.failedIndexSortKey] ?? '',
    actor: e.actor,
    refs: JSON.parse(e.refs ?? '[]') as ObjectRef[],
    targets,
    state: e[LEDGER.stateAttribute] ?? 'PENDING',
  };
}

/** The event id of a stream record's key, or undefined for the cursor item. */
export function eventIdOfKey(keys: Record<string, AttributeValue> | undefined): string | undefined {
  const id = keys && fromItem(keys)[K];
  return id && id !== LEDGER.cursorKey ? id : undefined;
}
