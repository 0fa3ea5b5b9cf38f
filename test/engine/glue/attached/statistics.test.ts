import { canonicalStatistics, hasHiveStatistics, requestStatistics } from '../../../../src/engine/glue/attached/column-statistics-data';
import { statisticsTaskSettings } from '../../../../src/engine/glue/attached/statistics-task-settings';
import type { ReplicaContext } from '../../../../src/engine/glue/shapes';

const ctx = { roles: { map: (arn: string) => arn.replace('us-east-1', 'us-west-2') } } as unknown as ReplicaContext;

test('canonical statistics: dates as ISO strings, decimal bytes as base64, and back to the request form', () => {
  const item = canonicalStatistics({
    ColumnName: 'amount',
    ColumnType: 'decimal(10,2)',
    AnalyzedTime: new Date('2026-03-01T10:00:00Z'),
    StatisticsData: {
      Type: 'DECIMAL',
      DecimalColumnStatisticsData: {
        MinimumValue: { UnscaledValue: Uint8Array.from([1, 44]), Scale: 2 }, MaximumValue: undefined, NumberOfNulls: 0, NumberOfDistinctValues: 3,
      },
    },
  });
  expect(item).toEqual({
    ColumnName: 'amount',
    ColumnType: 'decimal(10,2)',
    AnalyzedTime: '2026-03-01T10:00:00.000Z',
    StatisticsData: { DecimalColumnStatisticsData: { MinimumValue: { Scale: 2, UnscaledValue: 'ASw=' }, NumberOfDistinctValues: 3, NumberOfNulls: 0 }, Type: 'DECIMAL' },
  });
  const request = requestStatistics(item);
  expect(request.AnalyzedTime).toEqual(new Date('2026-03-01T10:00:00Z'));
  expect(request.StatisticsData?.DecimalColumnStatisticsData?.MinimumValue?.UnscaledValue).toEqual(Uint8Array.from([1, 44]));
  expect(canonicalStatistics(request)).toEqual(item);
  const date = requestStatistics(canonicalStatistics({
    ColumnName: 'day',
    ColumnType: 'date',
    AnalyzedTime: new Date(0),
    StatisticsData: { Type: 'DATE', DateColumnStatisticsData: { MinimumValue: new Date('2025-01-01T00:00:00Z'), NumberOfNulls: 0, NumberOfDistinctValues: 1 } },
  }));
  expect(date.StatisticsData?.DateColumnStatisticsData?.MinimumValue).toEqual(new Date('2025-01-01T00:00:00Z'));
});

test('only Hive tables carry statistics: not Iceberg tables, views or resource links', () => {
  const sd = { Columns: [{ Name: 'id', Type: 'bigint' }] };
  expect(hasHiveStatistics({ Name: 't', StorageDescriptor: sd })).toBe(true);
  expect(hasHiveStatistics({ Name: 't', StorageDescriptor: sd, Parameters: { table_type: 'iceberg', metadata_location: 's3://b/m.json' } })).toBe(false);
  expect(hasHiveStatistics({ Name: 't', StorageDescriptor: sd, TableType: 'VIRTUAL_VIEW' })).toBe(false);
  expect(hasHiveStatistics({ Name: 't', TargetTable: { DatabaseName: 'd', Name: 't' } })).toBe(false);
  expect(hasHiveStatistics({ Name: 't' })).toBe(false);
});

test('task settings: the replica has its role mapped and its schedule stopped; promoted runs it as the source did', () => {
  const source = { Role: 'arn:aws:iam::1:role/stats-us-east-1', Schedule: 'cron(0 3 * * ? *)', ScheduleState: 'SCHEDULED', SampleSize: 50 };
  const replica = statisticsTaskSettings.replica(source, ctx);
  expect(replica).toEqual({ Role: 'arn:aws:iam::1:role/stats-us-west-2', Schedule: 'cron(0 3 * * ? *)', ScheduleState: 'NOT_SCHEDULED', SampleSize: 50 });
  expect(statisticsTaskSettings.promoted!(replica, source)).toEqual({ ...replica, ScheduleState: 'SCHEDULED' });
  expect(statisticsTaskSettings.promoted!(replica, { ...source, ScheduleState: 'NOT_SCHEDULED' })).toEqual(replica);
  expect(statisticsTaskSettings.promoted!(replica, undefined)).toEqual({ ...replica, ScheduleState: 'SCHEDULED' });
  // Without a schedule there is nothing to pause or start.
  const onDemand = { Role: source.Role };
  expect(statisticsTaskSettings.promoted!(statisticsTaskSettings.replica(onDemand, ctx), onDemand)).toEqual({ Role: 'arn:aws:iam::1:role/stats-us-west-2' });
});
