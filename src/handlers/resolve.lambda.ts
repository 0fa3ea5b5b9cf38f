import { jobContext } from './job-runtime';
import { log, type InvocationContext } from './runtime';
import type { ResolvedRun } from '../engine/job/job-types';
import { resolveRun } from '../engine/job/resolve-run';
import type { RunInput } from '../shared/job-settings';

/** Step 1 of the on-demand job: resolve the scope and write the run manifest and work items. */
export async function handler(event: { runId: string; input?: RunInput }, context?: InvocationContext): Promise<ResolvedRun> {
  const { settings, clients, store } = jobContext();
  const resolved = await resolveRun(settings, event.runId, event.input, clients, store);
  log('info', 'run resolved', { runId: event.runId, databases: resolved.databases, items: resolved.items, options: resolved.options }, context);
  return resolved;
}
