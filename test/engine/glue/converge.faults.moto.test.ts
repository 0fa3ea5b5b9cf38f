import type { LakeSize } from '../../bench/lake';
import { CONVERGED, expectClean, expectUnchangedResync, lakeDifferences, seedSourceLake, syncLake } from '../../support/bench-sync';
import { expectFaultsInjected, useFaultProxy, type FaultKind } from '../../support/fault-proxy';
import { useMoto } from '../../support/moto';

/*
 * The Glue converger driven by the CLI's sync through a proxy that injects faults in front of moto, into
 * 30% of every Glue call, source reads and target writes alike, at the engine's default attempts.
 * The target is judged directly at moto, object by object, never through the proxy.
 * Lost responses: converge.lost-responses.faults.moto.test.ts.
 */
const moto = useMoto();
const faults = useFaultProxy(() => moto().endpoint);

/** 4 databases, 48 tables, 2,400 partitions. */
const LAKE: LakeSize = { databases: 4, tables: 12, partitions: 50 };
const FAILED_NONE = { failed: 0 };

async function syncThrough(kinds: readonly FaultKind[]) {
  faults().setRules([{ operations: ['glue:*'], rate: 0.3, faults: kinds }]);
  const r = await syncLake(faults().endpoint);
  expectFaultsInjected(faults(), 'glue', kinds, 0.3);
  expectClean(r);
  return r;
}

describe('sync with 30% of Glue calls faulted converges every object with exit 0, and an unchanged re-run writes nothing', () => {
  test('throttling, 500, 503, dropped connections and latency, mixed', async () => {
    await seedSourceLake(moto().endpoint, LAKE);
    const r = await syncThrough(['throttle', 'error500', 'error503', 'drop', 'latency']);
    expect(r.report.counts).toMatchObject({
      database: { created: 4, ...FAILED_NONE }, table: { created: 48, ...FAILED_NONE }, partition: { created: 2400, ...FAILED_NONE },
    });
    expect(await lakeDifferences(moto().endpoint)).toEqual({ sourceCounts: { databases: 4, tables: 48, partitions: 2400 }, ...CONVERGED });
    await expectUnchangedResync(moto().endpoint);
  });

  test('throttling alone: the adaptive retries slow down and still get every call through', async () => {
    await seedSourceLake(moto().endpoint, { databases: 1, tables: 4, partitions: 50 });
    await syncThrough(['throttle']);
    expect(await lakeDifferences(moto().endpoint)).toEqual({ sourceCounts: { databases: 1, tables: 4, partitions: 200 }, ...CONVERGED });
    await expectUnchangedResync(moto().endpoint);
  });
});
