import { BatchDeletePartitionCommand, DeleteDatabaseCommand, DeleteTableCommand } from '@aws-sdk/client-glue';
import { databaseName, partitionValues, tableName, type LakeSize } from '../../bench/lake';
import { CONVERGED, expectClean, expectUnchangedResync, lakeDifferences, seedSourceLake, SOURCE, syncLake, TARGET } from '../../support/bench-sync';
import { glueAt, type CliResult } from '../../support/cli-harness';
import { expectFaultsInjected, useFaultProxy, type FaultKind, type FaultRule } from '../../support/fault-proxy';
import { useMoto } from '../../support/moto';

/*
 * Writes in the target reach moto and take effect, and their answers are lost: the SDK retries them and
 * meets what the first attempt did (AlreadyExistsException, EntityNotFoundException). The sync must converge
 * those objects and their children, not fail them. The target is judged directly at moto, never through the proxy.
 */
const moto = useMoto();
const faults = useFaultProxy(() => moto().endpoint);

/** 4 databases, 48 tables, 2,400 partitions. */
const LAKE: LakeSize = { databases: 4, tables: 12, partitions: 50 };
/** Two BatchCreatePartition calls per table. */
const SMALL: LakeSize = { databases: 1, tables: 3, partitions: 120 };
const SMALL_COUNTS = { databases: 1, tables: 3, partitions: 360 };
const FAILED_NONE = { failed: 0 };

/** The first call of `operation` in the target is forwarded, takes effect, and its answer is dropped. */
const loseFirst = (operation: string): FaultRule[] => [{ operations: [`glue:${operation}`], regions: [TARGET], rate: 1, faults: ['lostResponse'], limit: 1 }];

/** Syncs the small lake losing the answer of the first `operation`: exit 0, nothing failed, the target is the source. */
async function syncLosingFirst(operation: string): Promise<CliResult> {
  await seedSourceLake(moto().endpoint, SMALL);
  faults().setRules(loseFirst(operation));
  const r = await syncLake(faults().endpoint);
  expect(faults().injected).toEqual([expect.objectContaining({ operation: `glue:${operation}`, region: TARGET, fault: 'lostResponse' })]);
  expectClean(r);
  expect(r.report.counts).toMatchObject({ database: FAILED_NONE, table: FAILED_NONE, partition: FAILED_NONE });
  expect(await lakeDifferences(moto().endpoint)).toEqual({ sourceCounts: SMALL_COUNTS, ...CONVERGED });
  return r;
}

test('sync with 30% of Glue calls faulted, lost responses among the faults: every object converges with exit 0, an unchanged re-run writes nothing', async () => {
  await seedSourceLake(moto().endpoint, LAKE);
  const kinds: FaultKind[] = ['throttle', 'error500', 'error503', 'drop', 'latency', 'lostResponse'];
  faults().setRules([{ operations: ['glue:*'], rate: 0.3, faults: kinds }]);
  const r = await syncLake(faults().endpoint);
  expectFaultsInjected(faults(), 'glue', kinds, 0.3);
  // Lost answers of creates, not only of reads: the case that needs converging on AlreadyExistsException.
  expect(faults().injected.filter(f => f.fault === 'lostResponse' && /:(Create|BatchCreate)/.test(f.operation)).length).toBeGreaterThan(0);
  expectClean(r);
  expect(r.report.counts).toMatchObject({ database: FAILED_NONE, table: FAILED_NONE, partition: FAILED_NONE });
  expect(await lakeDifferences(moto().endpoint)).toEqual({ sourceCounts: { databases: 4, tables: 48, partitions: 2400 }, ...CONVERGED });
  await expectUnchangedResync(moto().endpoint);
});

describe('a write whose answer is lost converges, with its children', () => {
  test('the first CreateTable (the issue\'s reproducer): sync exits 0 with the table\'s partitions replicated', async () => {
    const r = await syncLosingFirst('CreateTable');
    expect(r.report.counts.partition.created).toBe(360);
    await expectUnchangedResync(moto().endpoint);
  });

  test('the first CreateDatabase: sync exits 0 with the database\'s tables replicated', async () => {
    const r = await syncLosingFirst('CreateDatabase');
    expect(r.report.counts.table.created).toBe(3);
  });

  test('the first BatchCreatePartition: its 100 partitions are not reported failed', async () => {
    const r = await syncLosingFirst('BatchCreatePartition');
    expect(r.report.counts.partition.created + r.report.counts.partition.unchanged).toBe(360);
  });

  test('deletes under --prune (DeleteDatabase, BatchDeleteTable, BatchDeletePartition): a retry finding the object gone is not a failure', async () => {
    await seedSourceLake(moto().endpoint, { databases: 2, tables: 3, partitions: 30 });
    expectClean(await syncLake(moto().endpoint));
    const source = glueAt(moto().endpoint, SOURCE);
    await source.send(new DeleteDatabaseCommand({ Name: databaseName(1) }));
    await source.send(new DeleteTableCommand({ DatabaseName: databaseName(0), Name: tableName(2) }));
    await source.send(new BatchDeletePartitionCommand({
      DatabaseName: databaseName(0), TableName: tableName(0), PartitionsToDelete: [0, 1, 2].map(i => ({ Values: partitionValues(i) })),
    }));
    faults().setRules(['DeleteDatabase', 'BatchDeleteTable', 'BatchDeletePartition'].flatMap(loseFirst));
    const r = await syncLake(faults().endpoint, '--prune');
    expect(faults().count('lostResponse')).toBe(3);
    expectClean(r);
    expect(await lakeDifferences(moto().endpoint)).toEqual({ sourceCounts: { databases: 1, tables: 2, partitions: 57 }, ...CONVERGED });
  });
});
