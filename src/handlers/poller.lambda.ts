import type { InvocationContext } from './job-context';
import { poll, type PollResult } from '../engine/realtime/poller';
import { realtimeRuntime } from '../engine/realtime/runtime';

/** Time kept back from the Lambda timeout to record the cursor and metrics. */
const MARGIN_MS = 15_000;

/** Near-real-time step 1, on a schedule with one instance at a time: CloudTrail events into the ledger. */
export async function handler(_event: unknown, context: InvocationContext): Promise<PollResult> {
  const { settings, realtime, clients, ledger, signals } = realtimeRuntime();
  return poll({
    cloudtrail: clients.cloudtrail(settings.sourceRegion),
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
}
