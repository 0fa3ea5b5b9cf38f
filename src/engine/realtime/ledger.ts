import {
  BatchGetItemCommand, ConditionalCheckFailedException, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand,
  type AttributeValue, type BatchGetItemCommandOutput, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { LEDGER } from '../../shared/realtime-settings';
import { chunk } from '../kernel/concurrency';
import type { ObjectRef } from '../kernel/object-ref';

export type TargetStatus = 'PENDING' | 'APPLIED' | 'SKIPPED' | 'FAILED';
/** PENDING: work for the applier; DONE: every target applied or skipped; FAILED: some target failed. */
export type EventState = 'PENDING' | 'DONE' | 'FAILED';

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
        Item: {
          ...eventItem(event, now),
          recordedAt: { S: now.toISOString() },
          [LEDGER.ttlAttribute]: { N: String(Math.ceil((now.getTime() + this.retentionMs) / 1000)) },
        },
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
      let keys: Record<string, AttributeValue>[] | undefined = batch.map(id => ({ [K]: { S: id } }));
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
    const result = await this.dynamodb.send(new GetItemCommand({ TableName: this.tableName, Key: { [K]: { S: id } }, ConsistentRead: true }));
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
        Key: { [K]: { S: eventId } },
        UpdateExpression: 'SET #touched = :now, #wakeUps = if_not_exists(#wakeUps, :zero) + :one',
        ConditionExpression: '#state = :pending AND #touched = :seen',
        ExpressionAttributeNames: { '#touched': LEDGER.touchedAttribute, '#wakeUps': LEDGER.wakeUpsAttribute, '#state': LEDGER.stateAttribute },
        ExpressionAttributeValues: {
          ':now': { S: now.toISOString() }, ':zero': { N: '0' }, ':one': { N: '1' }, ':pending': { S: 'PENDING' }, ':seen': { S: seenTouchedAt },
        },
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
    const values: Record<string, AttributeValue> = { ':state': { S: state }, ':now': { S: now.toISOString() } };
    const sets = ['#state = :state', 'updatedAt = :now'];
    const removes: string[] = [];
    Object.entries(targets).forEach(([region, record], i) => {
      names[`#r${i}`] = region;
      values[`:r${i}`] = { M: targetItem(record) };
      sets.push(`#targets.#r${i} = :r${i}`);
    });
    if (state === 'FAILED') {
      values[':failed'] = { S: 'FAILED' };
      sets.push('#failed = :failed');
    } else {
      removes.push('#failed');
    }
    if (state === 'PENDING') {
      Object.assign(names, { '#since': LEDGER.pendingIndexSortKey, '#touched': LEDGER.touchedAttribute, '#wakeUps': LEDGER.wakeUpsAttribute });
      Object.assign(values, { ':pendingKey': { S: 'PENDING' }, ':zero': { N: '0' } });
      sets.push('#pending = :pendingKey', '#since = :now', '#touched = :now', '#wakeUps = :zero');
    } else {
      removes.push('#pending');
    }
    let condition = 'attribute_exists(#pk)';
    if (seenTouchedAt !== undefined) {
      names['#touched'] = LEDGER.touchedAttribute;
      Object.assign(values, { ':pendingState': { S: 'PENDING' }, ':seen': { S: seenTouchedAt } });
      condition += ' AND #state = :pendingState AND #touched = :seen';
    }
    await this.dynamodb.send(new UpdateItemCommand({
      TableName: this.tableName,
      Key: { [K]: { S: eventId } },
      UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
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
        ExpressionAttributeValues: {
          ':pending': { S: 'PENDING' }, ':before': { S: o.before.toISOString() }, ...(o.untouchedSince ? { ':untouched': { S: o.untouchedSince.toISOString() } } : {}),
        },
        Limit: Number.isFinite(left) ? Math.min(left, 100) : undefined,
        ExclusiveStartKey: start,
      }));
      left -= page.ScannedCount ?? page.Items?.length ?? 0;
      for (const item of page.Items ?? []) {
        yield {
          eventId: item[K]?.S ?? '',
          pendingSince: item[LEDGER.pendingIndexSortKey]?.S ?? '',
          touchedAt: item[LEDGER.touchedAttribute]?.S ?? '',
          wakeUps: Number(item[LEDGER.wakeUpsAttribute]?.N ?? 0),
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
      ExpressionAttributeValues: { ':pending': { S: 'PENDING' } },
      Limit: 1,
    }));
    return page.Items?.[0]?.[LEDGER.pendingIndexSortKey]?.S;
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
        ExpressionAttributeValues: { ':failed': { S: 'FAILED' } },
        ExclusiveStartKey: start,
      }));
      for (const item of page.Items ?? []) {
        // The index projects keys only: read the item itself.
        const event = await this.getEvent(item[K]?.S ?? '');
        if (event?.state === 'FAILED') yield event;
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }

  /** The poller's state; undefined before the first poll saved anything. */
  async cursor(): Promise<PollCursor | undefined> {
    const result = await this.dynamodb.send(new GetItemCommand({
      TableName: this.tableName, Key: { [K]: { S: LEDGER.cursorKey } }, ConsistentRead: true,
    }));
    if (!result.Item) return undefined;
    const number = (v: AttributeValue | undefined) => (v?.N !== undefined && Number.isFinite(Number(v.N)) ? Number(v.N) : undefined);
    return {
      cursorMs: number(result.Item.cursorMs),
      resumeMs: number(result.Item.resumeMs),
      sliceMs: number(result.Item.sliceMs),
      lastGapAt: result.Item.lastGapAt?.S,
    };
  }

  /**
   * Moves the cursor (and where the next poll resumes) forward, never back: a poller started by
   * hand next to the scheduled one cannot undo the other's progress. Returns false when a newer
   * cursor is already stored.
   */
  async advanceCursor(cursorMs: number, options: { resumeMs?: number; gapAt?: Date; now?: Date } = {}): Promise<boolean> {
    const values: Record<string, AttributeValue> = { ':ms': { N: String(cursorMs) }, ':now': { S: (options.now ?? new Date()).toISOString() } };
    let update = 'SET cursorMs = :ms, updatedAt = :now';
    let condition = '(attribute_not_exists(cursorMs) OR cursorMs <= :ms)';
    if (options.resumeMs !== undefined) {
      values[':resume'] = { N: String(options.resumeMs) };
      update += ', resumeMs = :resume';
      condition += ' AND (attribute_not_exists(resumeMs) OR resumeMs <= :resume)';
    }
    if (options.gapAt) {
      values[':gap'] = { S: options.gapAt.toISOString() };
      update += ', lastGapAt = :gap';
    }
    try {
      await this.dynamodb.send(new UpdateItemCommand({
        TableName: this.tableName,
        Key: { [K]: { S: LEDGER.cursorKey } },
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeValues: values,
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
      Key: { [K]: { S: LEDGER.cursorKey } },
      UpdateExpression: 'SET sliceMs = :slice',
      ExpressionAttributeValues: { ':slice': { N: String(sliceMs) } },
    }));
  }
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException';
}

function eventItem(e: LedgerEvent, now: Date): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    [K]: { S: e.eventId },
    kind: { S: 'event' },
    eventName: { S: e.eventName },
    eventSource: { S: e.eventSource },
    [LEDGER.failedIndexSortKey]: { S: e.eventTime },
    // ObjectRefs nest Lake Formation resources of many shapes: one JSON string keeps them exact.
    refs: { S: JSON.stringify(e.refs) },
    targets: { M: Object.fromEntries(Object.entries(e.targets).map(([r, t]) => [r, { M: targetItem(t) }])) },
    [LEDGER.stateAttribute]: { S: e.state },
  };
  if (e.actor) item.actor = { S: e.actor };
  if (e.state === 'FAILED') item[LEDGER.failedIndexKey] = { S: 'FAILED' };
  if (e.state === 'PENDING') {
    item[LEDGER.pendingIndexKey] = { S: 'PENDING' };
    item[LEDGER.pendingIndexSortKey] = { S: now.toISOString() };
    item[LEDGER.touchedAttribute] = { S: now.toISOString() };
  }
  return item;
}

function targetItem(t: TargetRecord): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = { status: { S: t.status } };
  if (t.reason !== undefined) item.reason = { S: t.reason };
  if (t.attempts !== undefined) item.attempts = { N: String(t.attempts) };
  if (t.lastError !== undefined) item.lastError = { S: t.lastError };
  if (t.appliedAt !== undefined) item.appliedAt = { S: t.appliedAt };
  return item;
}

function parseEvent(item: Record<string, AttributeValue>): LedgerEvent | undefined {
  if (item.kind?.S !== 'event') return undefined;
  const targets: Record<string, TargetRecord> = {};
  for (const [region, value] of Object.entries(item.targets?.M ?? {})) {
    const t = value.M ?? {};
    targets[region] = {
      status: (t.status?.S ?? 'PENDING') as TargetStatus,
      reason: t.reason?.S,
      attempts: t.attempts?.N === undefined ? undefined : Number(t.attempts.N),
      lastError: t.lastError?.S,
      appliedAt: t.appliedAt?.S,
    };
  }
  return {
    eventId: item[K]?.S ?? '',
    eventName: item.eventName?.S ?? '',
    eventSource: item.eventSource?.S ?? '',
    eventTime: item[LEDGER.failedIndexSortKey]?.S ?? '',
    actor: item.actor?.S,
    refs: JSON.parse(item.refs?.S ?? '[]') as ObjectRef[],
    targets,
    state: (item[LEDGER.stateAttribute]?.S ?? 'PENDING') as EventState,
  };
}

/** The event id of a stream record's key, or undefined for the cursor item. */
export function eventIdOfKey(keys: Record<string, AttributeValue> | undefined): string | undefined {
  const id = keys?.[K]?.S;
  return id && id !== LEDGER.cursorKey ? id : undefined;
}
