import { WarmSlot, type WarmContext } from './warm-slot';
import { RunStore } from '../engine/job/run-store';

interface JobContext extends WarmContext {
  readonly store: RunStore;
}

const slot = new WarmSlot<JobContext>((settings, clients, env) =>
  ({ settings, clients, store: new RunStore(clients, env.AWS_REGION ?? settings.sourceRegion, settings.snapshotBucket) }));

/**
 * What every job handler needs: its settings, SDK clients and the run store. Created once per
 * execution environment and reused by warm invocations; call counts start afresh each time.
 */
export function jobContext(env: NodeJS.ProcessEnv = process.env): JobContext {
  return slot.get(env);
}

/** One structured JSON log line. */
export function log(level: 'info' | 'error', message: string, fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ level, message, ...fields })}\n`);
}

/** The bit of the Lambda context the handlers use. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}
