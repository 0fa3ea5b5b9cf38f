import { AwsClients } from '../engine/aws-clients';
import { RunStore } from '../engine/job/run-store';
import { JOB_SETTINGS_ENV, type JobSettings } from '../shared/job-settings';

/** What every job handler needs: its settings, SDK clients and the run store. Created per invocation. */
export function jobContext(env: NodeJS.ProcessEnv = process.env) {
  const raw = env[JOB_SETTINGS_ENV];
  if (!raw) throw new Error(`${JOB_SETTINGS_ENV} is not set: this function is configured by the MultiRegionLakeReplica construct`);
  const settings = JSON.parse(raw) as JobSettings;
  const clients = new AwsClients();
  const store = new RunStore(clients, env.AWS_REGION ?? settings.sourceRegion, settings.snapshotBucket);
  return { settings, clients, store };
}

/** One structured JSON log line. */
export function log(level: 'info' | 'error', message: string, fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ level, message, ...fields })}\n`);
}

/** The bit of the Lambda context the handlers use. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}
