import { WarmSlot, type WarmContext } from './runtime';
import { RunStore } from '../engine/job/run-store';

/** The on-demand job's handlers: settings, SDK clients and the run store (in the function's own Region). */
export interface JobContext extends WarmContext {
  readonly store: RunStore;
}

const jobSlot = new WarmSlot<JobContext>((settings, clients, env) =>
  ({ settings, clients, store: new RunStore(clients, env.AWS_REGION ?? settings.sourceRegion, settings.snapshotBucket) }));

export function jobContext(env: NodeJS.ProcessEnv = process.env): JobContext {
  return jobSlot.get(env);
}
