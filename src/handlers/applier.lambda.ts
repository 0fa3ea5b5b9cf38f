import { applyRecords, type BatchResponse, type StreamRecord } from '../engine/realtime/applier';
import { GlueConverger, type LakeFormationConverger } from '../engine/realtime/glue-converger';
import { realtimeRuntime, type RealtimeRuntime } from '../engine/realtime/runtime';
import { Scope } from '../engine/scope';

/**
 * Near-real-time step 2, on the ledger's stream: converges the objects of pending events in
 * every target. `lakeFormation` wires the Lake Formation converger; without it, Lake Formation
 * events are recorded as SKIPPED.
 */
export function applierHandler(lakeFormation?: (runtime: RealtimeRuntime) => LakeFormationConverger) {
  return async (event: { Records: StreamRecord[] }): Promise<BatchResponse> => {
    const runtime = realtimeRuntime();
    const { settings, clients, ledger, signals } = runtime;
    const glue = new GlueConverger({
      clients,
      sourceRegion: settings.sourceRegion,
      scope: new Scope({ databases: settings.databases, excludeDatabases: settings.excludeDatabases }),
      bucketMappings: settings.bucketMappings,
    });
    return applyRecords(event.Records ?? [], { ledger, glue, lakeFormation: lakeFormation?.(runtime), signals });
  };
}

export const handler = applierHandler();
