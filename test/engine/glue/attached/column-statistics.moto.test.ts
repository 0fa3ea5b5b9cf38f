import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchCreatePartitionCommand, CreateColumnStatisticsTaskSettingsCommand, CreateDatabaseCommand, CreateTableCommand,
  DeleteColumnStatisticsForTableCommand,
  GetColumnStatisticsForPartitionCommand, GetColumnStatisticsForTableCommand, GetColumnStatisticsTaskSettingsCommand,
  UpdateColumnStatisticsForPartitionCommand, UpdateColumnStatisticsForTableCommand, UpdateColumnStatisticsTaskSettingsCommand,
  type ColumnStatistics,
} from '@aws-sdk/client-glue';
import { ReplicationEngine } from '../../../../src/engine/engine';
import { canonicalStatistics } from '../../../../src/engine/glue/attached/column-statistics-data';
import { AwsClients } from '../../../../src/engine/kernel/clients';
import { writeCalls } from '../../../../src/engine/kernel/report';
import { glueAt, motoCli } from '../../../support/cli-harness';
import { useMoto } from '../../../support/moto';

/** Column statistics (table and partition level) and their task settings, end to end through the CLI, against the extended moto server. */
const moto = useMoto();
const SOURCE = 'us-east-1';
const TARGET = 'us-west-2';
const DR = 'eu-west-1';
const SOURCE_ROLE = 'arn:aws:iam::123456789012:role/stats-us-east-1';
const TARGET_ROLE = 'arn:aws:iam::123456789012:role/stats-us-west-2';
const run = (command: string, ...extra: string[]) => motoCli(moto().endpoint, command,
  '--source-region', SOURCE, '--target-region', TARGET, '--skip', 'lake-formation', '--json', ...extra);
const glue = (region: string) => glueAt(moto().endpoint, region);
const DAYS = ['2026-01-01', '2026-01-02', '2026-01-03'];
const ANALYZED = new Date('2026-03-01T10:00:00.000Z');

/** 30 columns, so a table's statistics take two Update calls of at most 25 entries. */
const MANY = Array.from({ length: 30 }, (_, i) => `c${String(i).padStart(2, '0')}`);

function stats(analyzed = ANALYZED, distinct = 42): ColumnStatistics[] {
  return [
    { ColumnName: 'id', ColumnType: 'bigint', AnalyzedTime: analyzed, StatisticsData: { Type: 'LONG', LongColumnStatisticsData: { MinimumValue: 1, MaximumValue: 9000, NumberOfNulls: 0, NumberOfDistinctValues: distinct } } },
    {
      ColumnName: 'amount',
      ColumnType: 'decimal(10,2)',
      AnalyzedTime: analyzed,
      StatisticsData: {
        Type: 'DECIMAL',
        DecimalColumnStatisticsData: {
          MinimumValue: { UnscaledValue: Uint8Array.from([0x01, 0x2c]), Scale: 2 },
          MaximumValue: { UnscaledValue: Uint8Array.from([0xff, 0x00, 0x10]), Scale: 2 },
          NumberOfNulls: 3,
          NumberOfDistinctValues: 17,
        },
      },
    },
    { ColumnName: 'ratio', ColumnType: 'double', AnalyzedTime: analyzed, StatisticsData: { Type: 'DOUBLE', DoubleColumnStatisticsData: { MinimumValue: -0.125, MaximumValue: 3.5e10, NumberOfNulls: 1, NumberOfDistinctValues: 5 } } },
    { ColumnName: 'day', ColumnType: 'date', AnalyzedTime: analyzed, StatisticsData: { Type: 'DATE', DateColumnStatisticsData: { MinimumValue: new Date('2025-01-01T00:00:00Z'), MaximumValue: new Date('2026-01-03T00:00:00Z'), NumberOfNulls: 0, NumberOfDistinctValues: 3 } } },
    { ColumnName: 'blob', ColumnType: 'binary', AnalyzedTime: analyzed, StatisticsData: { Type: 'BINARY', BinaryColumnStatisticsData: { MaximumLength: 512, AverageLength: 40.5, NumberOfNulls: 2 } } },
    ...MANY.map(c => ({ ColumnName: c, ColumnType: 'string', AnalyzedTime: analyzed, StatisticsData: { Type: 'STRING' as const, StringColumnStatisticsData: { MaximumLength: 10, AverageLength: 4.25, NumberOfNulls: 0, NumberOfDistinctValues: 2 } } })),
  ];
}

async function seed(): Promise<void> {
  const g = glue(SOURCE);
  await g.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'sales' } }));
  const columns = [
    { Name: 'id', Type: 'bigint' }, { Name: 'amount', Type: 'decimal(10,2)' }, { Name: 'ratio', Type: 'double' }, { Name: 'day', Type: 'date' },
    { Name: 'blob', Type: 'binary' }, ...MANY.map(Name => ({ Name, Type: 'string' })),
  ];
  const sd = (location: string) => ({ Columns: columns, Location: location, InputFormat: 'org.apache.hadoop.mapred.TextInputFormat' });
  await g.send(new CreateTableCommand({
    DatabaseName: 'sales',
    TableInput: { Name: 'orders', TableType: 'EXTERNAL_TABLE', StorageDescriptor: sd('s3://acme-lake-raw/sales/orders/'), PartitionKeys: [{ Name: 'dt', Type: 'string' }] },
  }));
  await g.send(new BatchCreatePartitionCommand({
    DatabaseName: 'sales',
    TableName: 'orders',
    PartitionInputList: DAYS.map(d => ({ Values: [d], StorageDescriptor: sd(`s3://acme-lake-raw/sales/orders/dt=${d}/`) })),
  }));
  // An Iceberg table: its statistics are Puffin files the metadata rewrite carries, so none are copied.
  await g.send(new CreateTableCommand({
    DatabaseName: 'sales',
    TableInput: { Name: 'events', TableType: 'EXTERNAL_TABLE', Parameters: { table_type: 'ICEBERG' }, StorageDescriptor: { Columns: [{ Name: 'id', Type: 'bigint' }], Location: 's3://acme-lake-raw/sales/events/' } },
  }));
  await updateTable(SOURCE, stats());
  await g.send(new UpdateColumnStatisticsForTableCommand({ DatabaseName: 'sales', TableName: 'events', ColumnStatisticsList: stats().slice(0, 1) }));
  // Two of the three partitions have statistics; the first has 35 columns' (two Update calls).
  await updatePartition(SOURCE, DAYS[0], stats());
  await updatePartition(SOURCE, DAYS[1], stats().slice(0, 2));
  await g.send(new CreateColumnStatisticsTaskSettingsCommand({
    DatabaseName: 'sales', TableName: 'orders', Role: SOURCE_ROLE, Schedule: 'cron(0 3 * * ? *)', SampleSize: 50, ColumnNameList: ['id', 'amount'],
  }));
}

async function updateTable(region: string, list: ColumnStatistics[], table = 'orders'): Promise<void> {
  for (let i = 0; i < list.length; i += 25) {
    await glue(region).send(new UpdateColumnStatisticsForTableCommand({ DatabaseName: 'sales', TableName: table, ColumnStatisticsList: list.slice(i, i + 25) }));
  }
}

async function updatePartition(region: string, day: string, list: ColumnStatistics[]): Promise<void> {
  for (let i = 0; i < list.length; i += 25) {
    await glue(region).send(new UpdateColumnStatisticsForPartitionCommand({ DatabaseName: 'sales', TableName: 'orders', PartitionValues: [day], ColumnStatisticsList: list.slice(i, i + 25) }));
  }
}

const ALL = ['id', 'amount', 'ratio', 'day', 'blob', ...MANY];

async function tableStats(region: string, table = 'orders'): Promise<unknown[]> {
  const out = [];
  for (const names of [ALL.slice(0, 100)]) {
    const r = await glue(region).send(new GetColumnStatisticsForTableCommand({ DatabaseName: 'sales', TableName: table, ColumnNames: table === 'orders' ? names : ['id'] }));
    out.push(...(r.ColumnStatisticsList ?? []).map(canonicalStatistics));
  }
  return out.sort((a, b) => a.ColumnName.localeCompare(b.ColumnName));
}

async function partitionStats(region: string, day: string): Promise<unknown[]> {
  const r = await glue(region).send(new GetColumnStatisticsForPartitionCommand({ DatabaseName: 'sales', TableName: 'orders', PartitionValues: [day], ColumnNames: ALL }));
  return (r.ColumnStatisticsList ?? []).map(canonicalStatistics).sort((a, b) => a.ColumnName.localeCompare(b.ColumnName));
}

async function taskSettings(region: string) {
  return (await glue(region).send(new GetColumnStatisticsTaskSettingsCommand({ DatabaseName: 'sales', TableName: 'orders' }))).ColumnStatisticsTaskSettings;
}

test('sync copies table and partition statistics of Hive tables (not Iceberg) and the task settings paused; a re-run makes no write', async () => {
  await seed();
  const r = await run('sync', '--role-map', `${SOURCE_ROLE}=${TARGET_ROLE}`);
  expect(r.code).toBe(0);
  expect(r.report.failures).toEqual([]);
  expect(r.report.counts.columnStatistics).toMatchObject({ created: 35, failed: 0 });
  expect(r.report.counts.partitionColumnStatistics).toMatchObject({ created: 37, failed: 0 });
  expect(r.report.counts.statisticsTaskSettings).toMatchObject({ created: 1, failed: 0 });
  // 35 entries: two table Updates; partition 1: two, partition 2: one.
  expect(r.report.apiCalls['glue:UpdateColumnStatisticsForTable']).toBe(2);
  expect(r.report.apiCalls['glue:UpdateColumnStatisticsForPartition']).toBe(3);
  expect(await tableStats(TARGET)).toEqual(await tableStats(SOURCE));
  expect(await tableStats(TARGET, 'events')).toEqual([]);
  for (const day of DAYS) expect(await partitionStats(TARGET, day)).toEqual(await partitionStats(SOURCE, day));
  expect((await partitionStats(TARGET, DAYS[0]))).toHaveLength(35);
  expect(await taskSettings(TARGET)).toMatchObject({
    Role: TARGET_ROLE, SampleSize: 50, ColumnNameList: ['id', 'amount'], Schedule: { ScheduleExpression: 'cron(0 3 * * ? *)', State: 'NOT_SCHEDULED' },
  });
  expect((await taskSettings(SOURCE))?.Schedule?.State).toBe('SCHEDULED');

  const again = await run('sync', '--role-map', `${SOURCE_ROLE}=${TARGET_ROLE}`);
  expect(again.code).toBe(0);
  expect(writeCalls(again.report.apiCalls)).toBe(0);
  expect(again.report.counts.columnStatistics).toMatchObject({ unchanged: 35, created: 0, updated: 0 });
  expect(again.report.counts.partitionColumnStatistics).toMatchObject({ unchanged: 37, created: 0, updated: 0 });
  expect(again.report.counts.statisticsTaskSettings).toMatchObject({ unchanged: 1 });
  // Extra reads an unchanged lake costs, source and target together (one Hive table of 35 columns, 3 partitions): each
  // partition read in the source, and in the target only the 2 the source has statistics for.
  expect(again.report.apiCalls).toMatchObject({
    'glue:GetColumnStatisticsForTable': 2,
    'glue:GetColumnStatisticsForPartition': 3 + 2,
    'glue:GetColumnStatisticsTaskSettings': 2,
  });
  // Looking for extras (prune, verify), every partition is read in the target too.
  expect((await run('verify')).report.apiCalls['glue:GetColumnStatisticsForPartition']).toBe(3 + 3);
  // Partition statistics page the source's partitions once more (3 partitions: one more GetPartitions page); nothing else.
  const without = await run('sync', '--skip', 'partition-column-statistics');
  const reads = (calls: Record<string, number>) => Object.fromEntries(Object.entries(calls).filter(([op]) => !/ColumnStatistics/.test(op)));
  expect(reads(again.report.apiCalls)).toEqual({ ...reads(without.report.apiCalls), 'glue:GetPartitions': without.report.apiCalls['glue:GetPartitions'] + 1 });
});

test('a recomputed statistic is updated; an extra is kept by sync, listed by verify, deleted with prune; --skip leaves them', async () => {
  await seed();
  expect((await run('sync')).code).toBe(0);
  const later = new Date('2026-03-02T10:00:00.000Z');
  await updateTable(SOURCE, stats(later, 43).slice(0, 1));
  await updatePartition(SOURCE, DAYS[1], stats(later, 44).slice(0, 1));
  await glue(SOURCE).send(new DeleteColumnStatisticsForTableCommand({ DatabaseName: 'sales', TableName: 'orders', ColumnName: 'blob' }));
  await updatePartition(TARGET, DAYS[2], stats().slice(2, 3));
  await glue(SOURCE).send(new UpdateColumnStatisticsTaskSettingsCommand({ DatabaseName: 'sales', TableName: 'orders', SampleSize: 75 }));

  const skipped = await run('sync', '--skip', 'column-statistics', '--skip', 'partition-column-statistics', '--skip', 'statistics-task-settings');
  expect(skipped.code).toBe(0);
  expect(Object.keys(skipped.report.apiCalls).filter(op => /ColumnStatistics/.test(op))).toEqual([]);

  const verify = await run('verify');
  expect(verify.code).toBe(3);
  expect(verify.report.differences).toEqual(expect.arrayContaining([
    expect.objectContaining({ kind: 'columnStatistics', key: 'sales.orders/id' }),
    expect.objectContaining({ kind: 'columnStatistics', key: 'sales.orders/blob', difference: 'extra' }),
    expect.objectContaining({ kind: 'partitionColumnStatistics', key: 'sales.orders/["2026-01-02"]/id' }),
    expect.objectContaining({ kind: 'partitionColumnStatistics', key: 'sales.orders/["2026-01-03"]/ratio', difference: 'extra' }),
    expect.objectContaining({ kind: 'statisticsTaskSettings', key: 'sales.orders/task-settings' }),
  ]));

  const sync = await run('sync');
  expect(sync.code).toBe(0);
  expect(sync.report.counts.columnStatistics).toMatchObject({ updated: 1, deleted: 0 });
  expect(sync.report.counts.partitionColumnStatistics).toMatchObject({ updated: 1, deleted: 0 });
  expect(sync.report.counts.statisticsTaskSettings).toMatchObject({ updated: 1 });
  expect(await tableStats(TARGET)).toHaveLength(35);
  expect((await taskSettings(TARGET))).toMatchObject({ SampleSize: 75, Schedule: { State: 'NOT_SCHEDULED' } });

  const pruned = await run('sync', '--prune');
  expect(pruned.code).toBe(0);
  expect(pruned.report.counts.columnStatistics).toMatchObject({ deleted: 1 });
  expect(pruned.report.counts.partitionColumnStatistics).toMatchObject({ deleted: 1 });
  expect(await tableStats(TARGET)).toEqual(await tableStats(SOURCE));
  for (const day of DAYS) expect(await partitionStats(TARGET, day)).toEqual(await partitionStats(SOURCE, day));
  expect(writeCalls((await run('sync', '--prune')).report.apiCalls)).toBe(0);
});

test('a snapshot carries the statistics and task settings, and a restore recreates them while the source is gone', async () => {
  await seed();
  const file = join(mkdtempSync(join(tmpdir(), 'stats-')), 'lake.jsonl.gz');
  const snap = await motoCli(moto().endpoint, 'snapshot', '--source-region', SOURCE, '--skip', 'lake-formation', '--out', file, '--json');
  expect(snap.code).toBe(0);
  const want = { table: await tableStats(SOURCE), partitions: await Promise.all(DAYS.map(d => partitionStats(SOURCE, d))) };
  expect(snap.report.snapshot).toMatchObject({ attached: 35 + 37 + 1 });
  await moto().reset();
  const restore = await motoCli(moto().endpoint, 'restore', '--from', file, '--target-region', DR, '--skip', 'lake-formation', '--json');
  expect(restore.code).toBe(0);
  expect(restore.report.failures).toEqual([]);
  expect(restore.report.counts.columnStatistics).toMatchObject({ created: 35 });
  expect(restore.report.counts.partitionColumnStatistics).toMatchObject({ created: 37 });
  expect(await tableStats(DR)).toEqual(want.table);
  expect(await Promise.all(DAYS.map(d => partitionStats(DR, d)))).toEqual(want.partitions);
  expect(await taskSettings(DR)).toMatchObject({ Role: SOURCE_ROLE, Schedule: { State: 'NOT_SCHEDULED' } });
});

test('near-real-time: statistics and task settings events converge them in the target', async () => {
  await seed();
  expect((await run('sync')).code).toBe(0);
  const later = new Date('2026-03-05T10:00:00.000Z');
  await updateTable(SOURCE, stats(later, 50).slice(0, 2));
  await updatePartition(SOURCE, DAYS[2], stats(later).slice(0, 1));
  await glue(SOURCE).send(new UpdateColumnStatisticsTaskSettingsCommand({ DatabaseName: 'sales', TableName: 'orders', Schedule: 'cron(0 4 * * ? *)' }));
  const engine = await ReplicationEngine.create({
    mode: 'sync', sourceRegion: SOURCE, targetRegions: [TARGET], scope: {}, bucketMappings: [], prune: true, concurrency: 4,
  }, new AwsClients({ endpoint: moto().endpoint, maxAttempts: 1 }));
  const outcomes = await engine.convergeObjects([
    { kind: 'columnStatistics', database: 'sales', table: 'orders' },
    { kind: 'partitionColumnStatistics', database: 'sales', table: 'orders' },
    { kind: 'statisticsTaskSettings', database: 'sales', table: 'orders' },
  ], TARGET);
  expect([...outcomes.values()]).toEqual([
    { status: 'APPLIED', reason: 'columnStatistics: 0 created, 2 updated, 0 deleted, 33 unchanged' },
    { status: 'APPLIED', reason: 'partitionColumnStatistics: 1 created, 0 updated, 0 deleted, 37 unchanged' },
    { status: 'APPLIED', reason: 'statisticsTaskSettings: 0 created, 1 updated, 0 deleted, 0 unchanged' },
  ]);
  expect(await tableStats(TARGET)).toEqual(await tableStats(SOURCE));
  expect(await partitionStats(TARGET, DAYS[2])).toEqual(await partitionStats(SOURCE, DAYS[2]));
  expect(await taskSettings(TARGET)).toMatchObject({ Schedule: { ScheduleExpression: 'cron(0 4 * * ? *)', State: 'NOT_SCHEDULED' } });
});
