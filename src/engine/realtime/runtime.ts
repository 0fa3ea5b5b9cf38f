import { Ledger } from './ledger';
import { emfSignals, type Signals } from './signals';
import { JOB_SETTINGS_ENV, type JobSettings } from '../../shared/job-settings';
import { readRealtimeSettings, REALTIME_SETTINGS_ENV, type RealtimeSettings } from '../../shared/realtime-settings';
import { AwsClients } from '../aws-clients';

/** What the poller and applier functions share: settings, SDK clients, the ledger and the signal sink. */
export interface RealtimeRuntime {
  readonly settings: JobSettings;
  readonly realtime: RealtimeSettings;
  readonly clients: AwsClients;
  readonly ledger: Ledger;
  readonly signals: Signals;
}

let warm: { key: string; runtime: RealtimeRuntime } | undefined;

/** Created once per execution environment and reused by warm invocations; call counts start afresh each time. */
export function realtimeRuntime(env: NodeJS.ProcessEnv = process.env): RealtimeRuntime {
  const raw = env[JOB_SETTINGS_ENV];
  if (!raw) throw new Error(`${JOB_SETTINGS_ENV} is not set: this function is configured by the MultiRegionLakeReplica construct`);
  const key = `${raw}|${env[REALTIME_SETTINGS_ENV]}|${env.AWS_REGION}|${env.AWS_ENDPOINT_URL}`;
  if (warm?.key !== key) {
    warm?.runtime.clients.destroy();
    const settings = JSON.parse(raw) as JobSettings;
    const realtime = readRealtimeSettings(env);
    const clients = new AwsClients();
    // The ledger lives in the stack's Region, which is the function's.
    const ledger = new Ledger(clients.dynamodb(env.AWS_REGION ?? settings.sourceRegion), realtime.ledgerTable, realtime.retentionMs);
    warm = { key, runtime: { settings, realtime, clients, ledger, signals: emfSignals(realtime.metricNamespace) } };
  }
  warm.runtime.clients.resetCounts();
  return warm.runtime;
}
