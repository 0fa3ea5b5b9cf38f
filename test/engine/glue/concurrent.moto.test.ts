import { BatchDeletePartitionCommand, DeleteDatabaseCommand, DeleteTableCommand } from '@aws-sdk/client-glue';
import { changeLake, databaseName, partitionValues, tableName, type LakeSize } from '../../bench/lake';
import { CONVERGED, expectClean, expectUnchangedResync, lakeDifferences, seedSourceLake, SOURCE, syncLake } from '../../support/bench-sync';
import { glueAt } from '../../support/cli-harness';
import { useMoto } from '../../support/moto';

/*
 * Two syncs converging the same target at once, as when a scheduled reconcile overlaps a manual run:
 * each meets the other's writes (a create that already exists, a delete already done) and must converge.
 */
const moto = useMoto();

/** 4 databases, 48 tables, 2,400 partitions. */
const LAKE: LakeSize = { databases: 4, tables: 12, partitions: 50 };

describe('two syncs into one target at once', () => {
  test('into an empty target: both exit 0, and every object is there, as in the source', async () => {
    await seedSourceLake(moto().endpoint, LAKE);
    const [a, b] = await Promise.all([syncLake(moto().endpoint), syncLake(moto().endpoint)]);
    expectClean(a, b);
    // Each run accounts for every object: made by it, or found made by the other.
    for (const r of [a, b]) {
      const accounted = (kind: string) => r.report.counts[kind].created + r.report.counts[kind].unchanged + r.report.counts[kind].updated;
      expect({ databases: accounted('database'), tables: accounted('table'), partitions: accounted('partition') }).toEqual({ databases: 4, tables: 48, partitions: 2400 });
    }
    expect(await lakeDifferences(moto().endpoint)).toEqual({ sourceCounts: { databases: 4, tables: 48, partitions: 2400 }, ...CONVERGED });
    await expectUnchangedResync(moto().endpoint);
  });

  test('with --prune after the source changed: updates and deletes overlap, both exit 0 and the target is the source', async () => {
    await seedSourceLake(moto().endpoint, LAKE);
    expectClean(await syncLake(moto().endpoint));
    const source = glueAt(moto().endpoint, SOURCE);
    await changeLake(source, LAKE, 10, 'r2');
    await source.send(new DeleteDatabaseCommand({ Name: databaseName(3) }));
    await source.send(new DeleteTableCommand({ DatabaseName: databaseName(0), Name: tableName(0) }));
    await source.send(new BatchDeletePartitionCommand({
      DatabaseName: databaseName(1), TableName: tableName(1), PartitionsToDelete: [0, 1, 2, 3, 4].map(i => ({ Values: partitionValues(i) })),
    }));
    const [a, b] = await Promise.all([syncLake(moto().endpoint, '--prune'), syncLake(moto().endpoint, '--prune')]);
    expectClean(a, b);
    expect(await lakeDifferences(moto().endpoint)).toEqual({ sourceCounts: { databases: 3, tables: 35, partitions: 1745 }, ...CONVERGED });
    await expectUnchangedResync(moto().endpoint);
  });
});
