import { realtimeRuntime } from './realtime-runtime';
import type { InvocationContext } from './runtime';
import { errorMessage } from '../engine/kernel/errors';
import { cloudTrailClient, poll, type PollResult } from '../engine/realtime/poller';
import { sweepStalePending, type SweepResult } from '../engine/realtime/sweep';
import { DEFAULT_STALE_PENDING_MS } from '../shared/realtime-settings';

/** Time kept back from the Lambda timeout to record the cursor and metrics. */
const MARGIN_MS = 15_000;

/**
 * Near-real-time step 1, on a schedule with one instance at a time: CloudTrail events into the
 * ledger, then a short sweep that wakes PENDING events the applier never answered for.
 */
export async function handler(_event: unknown, context: InvocationContext): Promise<PollResult & { sweep?: SweepResult }> {
  const { settings, realtime, clients, ledger, signals } = realtimeRuntime();
  const polled = await poll({
    cloudtrail: cloudTrailClient(clients, settings.sourceRegion),
    ledger,
    targetRegions: settings.targetRegions,
    lookbackMs: realtime.lookbackMs,
    overlapMs: realtime.overlapMs,
    lookupStrategy: realtime.lookupStrategy,
    lookupsPerSecond: realtime.lookupsPerSecond,
    deadline: Date.now() + context.getRemainingTimeInMillis() - MARGIN_MS,
    signals,
    // The gap metric's alarm starts the reconcile (an EventBridge rule on its state change).
    onGap: async gap => signals.log('warn', 'the gap alarm starts a full reconcile', {
      stateMachine: realtime.reconcileStateMachineArn, from: new Date(gap.fromMs).toISOString(), to: new Date(gap.toMs).toISOString(),
    }),
  });
  try {
    return { ...polled, sweep: await sweepStalePending({ ledger, staleAfterMs: realtime.stalePendingMs ?? DEFAULT_STALE_PENDING_MS, signals }) };
  } catch (error) {
    // The polled events are recorded; without the oldest-pending metric the stale-events alarm fires (missing data breaches).
    signals.log('error', 'could not sweep the ledger for stale pending events', {
      error: errorMessage(error), action: 'the next poll sweeps again; lake-replica redrive --include-stale-pending wakes them by hand',
    });
    return polled;
  }
}
