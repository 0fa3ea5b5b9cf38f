import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { realtimeRuntime } from './realtime-runtime';
import { deployedEngineSettings, ReplicationEngine } from '../engine/engine';
import { applyRecords } from '../engine/realtime/applier';

/**
 * Near-real-time step 2, on the ledger's stream: converges the objects of pending events in every
 * target, from the source's current state. Lake Formation refs are SKIPPED when it is switched off, and so is
 * every object in a target that \`lake-replica promote\` marked (the other targets' events go on).
 */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const { settings, clients, ledger, signals } = realtimeRuntime();
  const engine = await ReplicationEngine.create({
    ...deployedEngineSettings(settings, { prune: true, dryRun: false, databases: settings.databases, excludeDatabases: settings.excludeDatabases }),
    promotedTargets: 'skip',
  }, clients);
  return applyRecords(event.Records ?? [], { ledger, converge: engine.convergeObjects, signals });
}
