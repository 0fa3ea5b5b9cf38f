import { AwsClients } from '../engine/aws-clients';
import { RunStore } from '../engine/job/run-store';
import { JOB_SETTINGS_ENV, type JobSettings } from '../shared/job-settings';

interface JobContext {
  readonly settings: JobSettings;
  readonly clients: AwsClients;
  readonly store: RunStore;
}

let warm: { key: string; context: JobContext } | undefined;

/**
 * What every job handler needs: its settings, SDK clients and the run store. Created once per
 * execution environment and reused by warm invocations; call counts start afresh each time.
 */
export function jobContext(env: NodeJS.ProcessEnv = process.env): JobContext {
  const raw = env[JOB_SETTINGS_ENV];
  if (!raw) throw new Error(`${JOB_SETTINGS_ENV} is not set: this function is configured by the MultiRegionLakeReplica construct`);
  const key = `${raw}|${env.AWS_REGION}|${env.AWS_ENDPOINT_URL}`;
  if (warm?.key !== key) {
    warm?.context.clients.destroy();
    const settings = JSON.parse(raw) as JobSettings;
    const clients = new AwsClients();
    warm = { key, context: { settings, clients, store: new RunStore(clients, env.AWS_REGION ?? settings.sourceRegion, settings.snapshotBucket) } };
  }
  warm.context.clients.resetCounts();
  return warm.context;
}

/** One structured JSON log line. */
export function log(level: 'info' | 'error', message: string, fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ level, message, ...fields })}\n`);
}

/** The bit of the Lambda context the handlers use. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}
