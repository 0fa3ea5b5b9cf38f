import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { backoffMs, systemClock, type Clock } from './clock';
import { eventIdOfKey, MAX_ATTEMPTS, type EventState, type Ledger, type LedgerEvent, type TargetRecord } from './ledger';
import { METRICS, type Signals } from './signals';
import { ATTACHED_KINDS } from '../../shared/attached-kinds';
import { errorMessage } from '../kernel/errors';
import { refKey, type ObjectConverger, type ObjectOutcome, type ObjectRef } from '../kernel/object-ref';
import { resourceLabel } from '../lake-formation';

/** A record of the ledger's DynamoDB stream, as Lambda delivers it. */
export type StreamRecord = DynamoDBRecord;

/** Partial batch response: the stream resumes from the first failed record. */
export type BatchResponse = DynamoDBBatchResponse;

const BACKOFF_BASE_MS = 2_000;
const BACKOFF_CAP_MS = 30_000;

export interface ApplyOptions {
  readonly ledger: Ledger;
  /** Converges the objects of a target's events there (the engine's `convergeObjects`). */
  readonly converge: ObjectConverger;
  readonly signals: Signals;
  readonly clock?: Clock;
  readonly maxAttempts?: number;
}

/** What one event still needs in one target. */
interface Work {
  readonly event: LedgerEvent;
  readonly region: string;
  readonly previous: TargetRecord;
}

/**
 * Handles a batch of ledger stream records: for every event still pending, and every target it
 * is pending in, converges the objects it touches (each object once per batch, whatever the
 * number of events naming it) from the source's current state, then records the outcome.
 *
 * The ledger item, read again here, is the truth, not the stream image: a record delivered twice,
 * late, or after its event was applied finds nothing to do. A crash between converging and
 * recording leaves the event pending; converging again reaches the same state.
 */
export async function applyRecords(records: readonly StreamRecord[], o: ApplyOptions): Promise<BatchResponse> {
  const clock = o.clock ?? systemClock;
  const maxAttempts = o.maxAttempts ?? MAX_ATTEMPTS;
  const sequenceOf = new Map<string, string[]>();
  for (const record of records) {
    // The stream image's attribute values have the SDK's shape; only the key's S is read.
    const id = eventIdOfKey(record.dynamodb?.Keys as Record<string, AttributeValue> | undefined);
    const seq = record.dynamodb?.SequenceNumber;
    if (!id || !seq || record.eventName === 'REMOVE') continue;
    sequenceOf.set(id, [...sequenceOf.get(id) ?? [], seq]);
  }
  const events = await o.ledger.getEvents([...sequenceOf.keys()]);

  // A target out of attempts is neither converged again nor retried by the stream: it stays FAILED
  // in the ledger (alarmed, found by redrive). Only a target with attempts left fails its record.
  const work: Work[] = [];
  const failedFor = new Set<string>();
  let retrying = 0;
  for (const event of events.values()) {
    for (const [region, previous] of Object.entries(event.targets)) {
      const attempts = previous.attempts ?? 0;
      if (previous.status === 'PENDING' || (previous.status === 'FAILED' && attempts < maxAttempts)) {
        work.push({ event, region, previous });
        if (previous.status === 'FAILED') retrying = Math.max(retrying, attempts);
      }
    }
  }
  // A retried batch waits first, so a transient fault has time to clear.
  if (retrying > 0) await clock.sleep(backoffMs(retrying, BACKOFF_BASE_MS, BACKOFF_CAP_MS, () => 1));

  const outcomes = await convergeByTarget(work, o);

  const now = new Date(clock.now());
  const tally = new Tally();
  const byEvent = new Map<string, Work[]>();
  for (const w of work) byEvent.set(w.event.eventId, [...byEvent.get(w.event.eventId) ?? [], w]);
  for (const [eventId, items] of byEvent) {
    const event = items[0].event;
    const updates: Record<string, TargetRecord> = {};
    for (const w of items) updates[w.region] = targetRecord(w, outcomes.get(w.region)!, now);
    const merged = { ...event.targets, ...updates };
    const state = stateOf(merged);
    try {
      await o.ledger.recordOutcome(eventId, updates, state, now);
    } catch (error) {
      // Not recorded: the record is retried, and converging again is harmless.
      o.signals.log('error', 'could not record the outcome; the stream retries the event', { eventId, error: errorMessage(error) });
      failedFor.add(eventId);
      continue;
    }
    // Retried by the stream only while some target has attempts left; an exhausted one is alarmed and redriven by hand.
    if (Object.values(updates).some(t => t.status === 'FAILED' && (t.attempts ?? 0) < maxAttempts)) failedFor.add(eventId);
    for (const [region, record] of Object.entries(updates)) {
      tally.add(region, record, now.getTime() - Date.parse(event.eventTime));
      o.signals.log(record.status === 'FAILED' ? 'error' : 'info', `event ${record.status.toLowerCase()}`, {
        eventId, eventName: event.eventName, eventTime: event.eventTime, target: region, ...record,
      });
    }
  }
  tally.publish(o.signals);

  const failures = [...failedFor].flatMap(id => sequenceOf.get(id) ?? []);
  return { batchItemFailures: failures.map(itemIdentifier => ({ itemIdentifier })) };
}

/** Per target, each distinct object of the batch converged once: outcomes by refKey. */
async function convergeByTarget(work: readonly Work[], o: ApplyOptions): Promise<Map<string, Map<string, ObjectOutcome>>> {
  const refsByTarget = new Map<string, Map<string, ObjectRef>>();
  for (const w of work) {
    const refs = refsByTarget.get(w.region) ?? new Map<string, ObjectRef>();
    for (const ref of w.event.refs) refs.set(refKey(ref), ref);
    refsByTarget.set(w.region, refs);
  }
  const out = new Map<string, Map<string, ObjectOutcome>>();
  for (const [region, byKey] of refsByTarget) {
    const refs = [...byKey.values()];
    let outcomes: Map<string, ObjectOutcome>;
    try {
      outcomes = await o.converge(refs, region);
    } catch (error) {
      outcomes = new Map(refs.map(ref => [refKey(ref), { status: 'FAILED', reason: errorMessage(error) }]));
    }
    for (const ref of refs) {
      const outcome = outcomes.get(refKey(ref));
      o.signals.log(outcome?.status === 'FAILED' ? 'error' : 'info', 'object converged', { target: region, object: ref, ...outcome });
    }
    out.set(region, outcomes);
  }
  return out;
}

/** An event's outcome in one target: FAILED if any of its objects failed, SKIPPED if all were skipped, else APPLIED. */
function targetRecord(w: Work, outcomes: ReadonlyMap<string, ObjectOutcome>, now: Date): TargetRecord {
  const results = w.event.refs.map(ref => ({ ref, outcome: outcomes.get(refKey(ref)) ?? { status: 'FAILED', reason: 'not converged' } as ObjectOutcome }));
  const failed = results.filter(r => r.outcome.status === 'FAILED');
  if (failed.length > 0) {
    return {
      status: 'FAILED',
      attempts: (w.previous.status === 'FAILED' ? w.previous.attempts ?? 0 : 0) + 1,
      lastError: failed.map(f => `${describe(f.ref)}: ${f.outcome.reason ?? 'failed'}`).join('; ').slice(0, 2000),
    };
  }
  if (results.length === 0) return { status: 'SKIPPED', reason: 'the event touches no replicated object' };
  if (results.every(r => r.outcome.status === 'SKIPPED')) {
    return { status: 'SKIPPED', reason: [...new Set(results.map(r => r.outcome.reason ?? 'skipped'))].join('; ') };
  }
  return {
    status: 'APPLIED',
    appliedAt: now.toISOString(),
    reason: results.map(r => `${describe(r.ref)}: ${r.outcome.status === 'SKIPPED' ? 'skipped, ' : ''}${r.outcome.reason ?? r.outcome.status.toLowerCase()}`).join('; ').slice(0, 2000),
  };
}

function stateOf(targets: Readonly<Record<string, TargetRecord>>): EventState {
  const statuses = Object.values(targets).map(t => t.status);
  if (statuses.includes('FAILED')) return 'FAILED';
  if (statuses.includes('PENDING')) return 'PENDING';
  return 'DONE';
}

/** Per target, what a batch came to: one metric line each. */
class Tally {
  private readonly byRegion = new Map<string, { applied: number; skipped: number; failed: number; lag: number[] }>();

  add(region: string, record: TargetRecord, lagMs: number) {
    const t = this.byRegion.get(region) ?? { applied: 0, skipped: 0, failed: 0, lag: [] };
    if (record.status === 'APPLIED') {
      t.applied++;
      if (Number.isFinite(lagMs)) t.lag.push(lagMs);
    } else if (record.status === 'SKIPPED') {
      t.skipped++;
    } else if (record.status === 'FAILED') {
      t.failed++;
    }
    this.byRegion.set(region, t);
  }

  publish(signals: Signals) {
    for (const [region, t] of this.byRegion) {
      const values = { [METRICS.applied]: t.applied, [METRICS.skipped]: t.skipped, [METRICS.failed]: t.failed, [METRICS.lag]: t.lag };
      signals.metric(values, { TargetRegion: region });
    }
  }
}

/** A short human name for a ref in reasons and errors. */
export function describe(ref: ObjectRef): string {
  switch (ref.kind) {
    case 'database': return `database ${ref.database}`;
    case 'table': return `table ${ref.database}.${ref.table}`;
    case 'partition': return ref.values ? `${ref.values.length} partition(s) of ${ref.database}.${ref.table}` : `all partitions of ${ref.database}.${ref.table}`;
    case 'permission': return `permissions on ${resourceLabel(ref.resource)}`;
    case 'lfTagAssignment': return `LF-tags of ${resourceLabel(ref.resource)}`;
    case 'optIn': return `opt-ins on ${resourceLabel(ref.resource)}`;
    case 'lfTag': return `LF-tag ${ref.tagKey}`;
    case 'lfTagExpression': return `LF-tag expression ${ref.name}`;
    case 'dataCellsFilter': return `data cells filter ${ref.database}.${ref.table}/${ref.name}`;
    case 'dataLocation': return `data location ${ref.resourceArn}`;
    case 'dataLakeSettings': return 'data lake settings';
    default: return ATTACHED_KINDS[ref.kind].owner === 'catalog' ? `the account's ${ATTACHED_KINDS[ref.kind].field}` : `${ATTACHED_KINDS[ref.kind].field} of ${ref.table === undefined ? 'database ' : ''}${ref.database}${ref.table === undefined ? '' : `.${ref.table}`}`;
  }
}
