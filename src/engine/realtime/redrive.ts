import type { Ledger, TargetRecord } from './ledger';

export interface RedriveOptions {
  readonly ledger: Ledger;
  /** Only this target Region's failures; default every target's. */
  readonly targetRegion?: string;
  /** List what would be redriven without changing anything. */
  readonly dryRun?: boolean;
}

export interface RedriveResult {
  /** FAILED events set back to PENDING (or that would be, in a dry run). */
  readonly eventIds: string[];
  /** (event, target) pairs set back to PENDING. */
  readonly targets: number;
}

/**
 * Sets FAILED events back to PENDING with their attempts reset: the ledger's stream hands them to
 * the applier again, which converges their objects from the source's current state.
 */
export async function redriveFailed(o: RedriveOptions): Promise<RedriveResult> {
  const eventIds: string[] = [];
  let targets = 0;
  for await (const event of o.ledger.failedEvents()) {
    const updates: Record<string, TargetRecord> = {};
    for (const [region, record] of Object.entries(event.targets)) {
      if (record.status !== 'FAILED' || (o.targetRegion !== undefined && region !== o.targetRegion)) continue;
      updates[region] = { status: 'PENDING', reason: 'redriven', lastError: record.lastError };
    }
    if (Object.keys(updates).length === 0) continue;
    if (!o.dryRun) await o.ledger.recordOutcome(event.eventId, updates, 'PENDING');
    eventIds.push(event.eventId);
    targets += Object.keys(updates).length;
  }
  return { eventIds, targets };
}
