import { replicaDifferences } from './catalog-state';
import { cliWithEnv, glueAt, type CliResult } from './cli-harness';
import { writeCalls } from '../../src/engine/kernel/report';
import { seedLake, SOURCE_BUCKET, TARGET_BUCKET, type LakeSize } from '../bench/lake';

/** The CLI's sync of the benchmark's synthetic lake (test/bench/lake.ts) from one Region into another, Glue only. */
export const SOURCE = 'us-east-1';
export const TARGET = 'us-west-2';
/** The engine's default attempts per call, with the SDK's adaptive retries. */
export const ENGINE_MAX_ATTEMPTS = 8;

/** `sync` in-process against `endpoint` (moto, or a proxy in front of it), with the source bucket mapped. */
export function syncLake(endpoint: string, ...extra: string[]): Promise<CliResult> {
  return cliWithEnv({ AWS_MAX_ATTEMPTS: String(ENGINE_MAX_ATTEMPTS) }, endpoint,
    'sync', '--source-region', SOURCE, '--target-region', TARGET, '--bucket-map', `${SOURCE_BUCKET}=${TARGET_BUCKET}`,
    // Partition column statistics (one read a partition per Region) are left to their own suite
    // (test/engine/glue/attached/column-statistics.moto.test.ts): these runs judge the core objects, faults included.
    '--skip', 'lake-formation', '--skip', 'partition-column-statistics', '--json', ...extra);
}

export async function seedSourceLake(motoEndpoint: string, size: LakeSize): Promise<void> {
  await seedLake(glueAt(motoEndpoint, SOURCE), size, () => undefined);
}

/** The target against the source, object by object, read directly at moto. */
export function lakeDifferences(motoEndpoint: string) {
  return replicaDifferences(glueAt(motoEndpoint, SOURCE), glueAt(motoEndpoint, TARGET), { [SOURCE_BUCKET]: TARGET_BUCKET });
}

/** No difference at all between the replica and its source. */
export const CONVERGED = { missing: [], extra: [], changed: [] };

/** Each run's exit code and failures, all at once: exit 0 with none. */
export function expectClean(...runs: CliResult[]): void {
  expect(runs.map(r => ({ code: r.code, failures: r.report.failures }))).toEqual(runs.map(() => ({ code: 0, failures: [] })));
}

/** An unchanged lake, synced again directly at moto: exit 0 and not one write call. */
export async function expectUnchangedResync(motoEndpoint: string): Promise<void> {
  const again = await syncLake(motoEndpoint);
  expectClean(again);
  expect(writeCalls(again.report.apiCalls)).toBe(0);
  expect(again.report.counts.table).toMatchObject({ created: 0, updated: 0, failed: 0 });
  expect(again.report.counts.partition).toMatchObject({ created: 0, updated: 0, failed: 0 });
}
