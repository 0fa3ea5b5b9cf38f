import { realtimeRuntime, type RealtimeRuntime } from './realtime-runtime';
import { GlueConverger, type LakeFormationConverger } from '../engine/glue/objects';
import { Scope } from '../engine/kernel/scope';
import { lakeFormationObjectConverger } from '../engine/lake-formation';
import { applyRecords, type BatchResponse, type StreamRecord } from '../engine/realtime/applier';
import { LF_KINDS } from '../shared/lake-formation-kinds';

/**
 * Near-real-time step 2, on the ledger's stream: converges the objects of pending events in
 * every target. `lakeFormation` wires the Lake Formation converger; without it, Lake Formation
 * events are recorded as SKIPPED.
 */
export function applierHandler(lakeFormation?: (runtime: RealtimeRuntime) => LakeFormationConverger | undefined) {
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

export const handler = applierHandler(({ settings, clients }) => {
  const kinds = LF_KINDS.filter(k => (settings.lakeFormationKinds ?? []).includes(k));
  return kinds.length === 0 ? undefined : lakeFormationObjectConverger({
    clients,
    sourceRegion: settings.sourceRegion,
    scope: new Scope({ databases: settings.databases, excludeDatabases: settings.excludeDatabases }),
    kinds,
    bucketMappings: settings.bucketMappings,
    protectedPrincipals: settings.protectedPrincipals ?? [],
  });
});
