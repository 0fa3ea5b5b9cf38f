import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { WarmSlot, type WarmContext } from './runtime';
import { Ledger } from '../engine/realtime/ledger';
import { emfSignals, type Signals } from '../engine/realtime/signals';
import { readRealtimeSettings, REALTIME_SETTINGS_ENV, type RealtimeSettings } from '../shared/realtime-settings';

/** The poller and applier: settings, SDK clients, the ledger and the signal sink. */
export interface RealtimeRuntime extends WarmContext {
  readonly realtime: RealtimeSettings;
  readonly ledger: Ledger;
  readonly signals: Signals;
}

const realtimeSlot = new WarmSlot<RealtimeRuntime>((settings, clients, env) => {
  const realtime = readRealtimeSettings(env);
  // The ledger lives in the stack's Region, which is the function's.
  const ledger = new Ledger(clients.get(DynamoDBClient, env.AWS_REGION ?? settings.sourceRegion), realtime.ledgerTable, realtime.retentionMs);
  return { settings, realtime, clients, ledger, signals: emfSignals(realtime.metricNamespace) };
}, [REALTIME_SETTINGS_ENV]);

export function realtimeRuntime(env: NodeJS.ProcessEnv = process.env): RealtimeRuntime {
  return realtimeSlot.get(env);
}
