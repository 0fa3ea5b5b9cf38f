import { jobContext } from './job-runtime';
import { log, type InvocationContext } from './runtime';
import { finalizeRun } from '../engine/job/finalize-run';
import type { RunOutcome } from '../engine/job/job-types';

/** Step 3 of the on-demand job: prune databases if asked, merge the reports, write the snapshot manifest, publish metrics. */
export async function handler(event: { runId: string }, context?: InvocationContext): Promise<RunOutcome> {
  const { settings, clients, store } = jobContext();
  const outcome = await finalizeRun(settings, event.runId, clients, store);
  log(outcome.failed > 0 ? 'error' : 'info', 'run finished', {
    ...outcome,
    ...outcome.failed > 0 ? { action: 'read failures[] in the report; fix the cause, then start the job again (a run converges only what differs)' } : {},
  }, context);
  return outcome;
}
