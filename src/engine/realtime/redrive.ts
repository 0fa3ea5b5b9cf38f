import type { Ledger, LedgerEvent, TargetRecord } from './ledger';
import { DEFAULT_STALE_PENDING_MS } from '../../shared/realtime-settings';

export interface RedriveOptions {
  readonly ledger: Ledger;
  /** Only this target Region's failures (and stale pending work); default every target's. */
  readonly targetRegion?: string;
  /** List what would be redriven without changing anything. */
  readonly dryRun?: boolean;
  /** Also hand PENDING events to the applier again when they have waited longer than `staleAfterMs`. */
  readonly includeStalePending?: boolean;
  /** Default `DEFAULT_STALE_PENDING_MS`. */
  readonly staleAfterMs?: number;
  readonly now?: Date;
}

export interface RedriveResult {
  /** Events set back to PENDING or woken (or that would be, in a dry run). */
  readonly eventIds: string[];
  /** (event, target) pairs handed to the applier again. */
  readonly targets: number;
  /** How many of `eventIds` were stale PENDING events rather than FAILED ones. */
  readonly stalePending: number;
}

/**
 * Sets FAILED events back to PENDING with their attempts reset, and with `includeStalePending`
 * wakes PENDING events the applier never answered for: the ledger's stream hands them to the
 * applier again, which converges their objects from the source's current state.
 */
export async function redriveFailed(o: RedriveOptions): Promise<RedriveResult> {
  const eventIds: string[] = [];
  let targets = 0;
  let stalePending = 0;
  const redrive = async (event: LedgerEvent, status: 'FAILED' | 'PENDING') => {
    const updates: Record<string, TargetRecord> = {};
    for (const [region, record] of Object.entries(event.targets)) {
      if (record.status !== status || (o.targetRegion !== undefined && region !== o.targetRegion)) continue;
      updates[region] = { status: 'PENDING', reason: 'redriven', lastError: record.lastError };
    }
    if (Object.keys(updates).length === 0) return false;
    if (!o.dryRun) await o.ledger.recordOutcome(event.eventId, updates, 'PENDING', o.now);
    eventIds.push(event.eventId);
    targets += Object.keys(updates).length;
    return true;
  };
  for await (const event of o.ledger.failedEvents()) await redrive(event, 'FAILED');
  if (o.includeStalePending) {
    const before = new Date((o.now ?? new Date()).getTime() - (o.staleAfterMs ?? DEFAULT_STALE_PENDING_MS));
    for await (const entry of o.ledger.pendingEvents({ before })) {
      const event = await o.ledger.getEvent(entry.eventId);
      if (event?.state === 'PENDING' && await redrive(event, 'PENDING')) stalePending++;
    }
  }
  return { eventIds, targets, stalePending };
}
