import { systemClock, type Clock } from './clock';
import { MAX_ATTEMPTS, type Ledger, type TargetRecord } from './ledger';
import { METRICS, type Signals } from './signals';

/** Wake-ups of a stale PENDING event before it is recorded FAILED (alarmed, and found by redrive). */
export const MAX_WAKE_UPS = 3;
/** PENDING index entries one sweep reads at most: a sweep rides along with a poll and stays short. */
export const SWEEP_LIMIT = 25;

export interface SweepOptions {
  readonly ledger: Ledger;
  /** A PENDING event not handed to the applier for this long is stale. */
  readonly staleAfterMs: number;
  readonly signals: Signals;
  readonly clock?: Clock;
  readonly maxWakeUps?: number;
  readonly limit?: number;
}

export interface SweepResult {
  /** Stale PENDING events handed to the applier again. */
  readonly woken: string[];
  /** Stale PENDING events out of wake-ups, recorded FAILED. */
  readonly failed: string[];
  /** How long the oldest PENDING event has been waiting; 0 when none is. */
  readonly oldestPendingAgeMs: number;
}

/**
 * Finds PENDING events the applier never recorded an outcome for (it timed out or ran out of
 * memory, or their stream records expired or went to the dead-letter queue) and wakes each again
 * with an update the applier's stream filter passes; after `maxWakeUps` it records the event FAILED,
 * so it is alarmed and redriven like any other failure, never left waiting unseen. Publishes the
 * age of the oldest PENDING event, which the stale-events alarm watches.
 */
export async function sweepStalePending(o: SweepOptions): Promise<SweepResult> {
  const clock = o.clock ?? systemClock;
  const maxWakeUps = o.maxWakeUps ?? MAX_WAKE_UPS;
  const now = new Date(clock.now());
  const cutoff = new Date(now.getTime() - o.staleAfterMs);
  const woken: string[] = [];
  const failed: string[] = [];
  const failedPerTarget = new Map<string, number>();
  for await (const entry of o.ledger.pendingEvents({ before: cutoff, untouchedSince: cutoff, limit: o.limit ?? SWEEP_LIMIT })) {
    const waitedMinutes = Math.round((now.getTime() - Date.parse(entry.pendingSince)) / 60_000);
    if (entry.wakeUps < maxWakeUps) {
      if (await o.ledger.wakePending(entry.eventId, entry.touchedAt, now)) {
        woken.push(entry.eventId);
        o.signals.log('warn', 'stale pending event handed to the applier again', { eventId: entry.eventId, pendingSince: entry.pendingSince, wakeUps: entry.wakeUps + 1 });
      }
      continue;
    }
    const event = await o.ledger.getEvent(entry.eventId);
    if (event?.state !== 'PENDING') continue;
    const lastError = `no outcome recorded after ${entry.wakeUps} wake-up(s) over ${waitedMinutes} minutes: the applier timed out, ran out of memory `
      + 'or lost the stream record (see its logs and the dead-letter queue); lake-replica redrive retries it';
    const updates: Record<string, TargetRecord> = {};
    for (const [region, record] of Object.entries(event.targets)) {
      if (record.status === 'PENDING') updates[region] = { status: 'FAILED', attempts: MAX_ATTEMPTS, lastError };
    }
    if (!await o.ledger.recordOutcomeIfUntouched(entry.eventId, updates, 'FAILED', entry.touchedAt, now)) continue;
    failed.push(entry.eventId);
    for (const region of Object.keys(updates)) failedPerTarget.set(region, (failedPerTarget.get(region) ?? 0) + 1);
    o.signals.log('error', 'stale pending event recorded FAILED', { eventId: entry.eventId, eventName: event.eventName, targets: Object.keys(updates), lastError });
  }
  const oldest = await o.ledger.oldestPendingSince();
  const oldestPendingAgeMs = oldest ? Math.max(0, now.getTime() - Date.parse(oldest)) : 0;
  o.signals.metric({ [METRICS.oldestPendingAge]: oldestPendingAgeMs, [METRICS.stalePendingWoken]: woken.length });
  for (const [region, count] of failedPerTarget) o.signals.metric({ [METRICS.failed]: count }, { TargetRegion: region });
  return { woken, failed, oldestPendingAgeMs };
}
