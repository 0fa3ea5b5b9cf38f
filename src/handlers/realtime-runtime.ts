import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { WarmSlot, type WarmContext } from './warm-slot';
import { Ledger } from '../engine/realtime/ledger';
import { emfSignals, type Signals } from '../engine/realtime/signals';
import { readRealtimeSettings, REALTIME_SETTINGS_ENV, type RealtimeSettings } from '../shared/realtime-settings';

/** What the poller and applier functions share: settings, SDK clients, the ledger and the signal sink. */
export interface RealtimeRuntime extends WarmContext {
  readonly realtime: RealtimeSettings;
  readonly ledger: Ledger;
  readonly signals: Signals;
}

const slot = new WarmSlot<RealtimeRuntime>((settings, clients, env) => {
  const realtime = readRealtimeSettings(env);
  // The ledger lives in the stack's Region, which is the function's.
  const ledger = new Ledger(clients.get(DynamoDBClient, env.AWS_REGION ?? settings.sourceRegion), realtime.ledgerTable, realtime.retentionMs);
  return { settings, realtime, clients, ledger, signals: emfSignals(realtime.metricNamespace) };
}, [REALTIME_SETTINGS_ENV]);

/** Created once per execution environment and reused by warm invocations; call counts start afresh each time. */
export function realtimeRuntime(env: NodeJS.ProcessEnv = process.env): RealtimeRuntime {
  return slot.get(env);
}
