import { jobContext } from './job-runtime';
import { log, type InvocationContext } from './runtime';
import type { ItemState } from '../engine/job/job-types';
import { runItem } from '../engine/job/run-item';

/** Step 2 of the on-demand job, for one work item: returns `done: false` with a cursor when it ran out of time. */
export async function handler(event: ItemState, context: InvocationContext): Promise<ItemState> {
  const { settings, clients, store } = jobContext();
  try {
    const next = await runItem(settings, event, context.getRemainingTimeInMillis(), clients, store);
    log('info', next.done ? 'item done' : 'item continues', { runId: event.runId, item: event.item, seq: next.seq, cursor: next.cursor }, context);
    return next;
  } catch (error) {
    log('error', 'item failed', {
      runId: event.runId,
      item: event.item,
      seq: event.seq,
      error: (error as Error).message,
      action: 'the state machine retries this item; if it keeps failing, finalize names it in the run report',
    }, context);
    throw error;
  }
}
