/* The benchmark's synthetic lake: generated, seeded into the source Region and partly changed. */
import {
  BatchCreatePartitionCommand, BatchUpdatePartitionCommand, CreateDatabaseCommand, CreateTableCommand, GlueClient, UpdateTableCommand,
} from '@aws-sdk/client-glue';
import type { PartitionInput, StorageDescriptor, TableInput } from '@aws-sdk/client-glue';
import { GrantPermissionsCommand, type LakeFormationClient } from '@aws-sdk/client-lakeformation';

export const SOURCE_BUCKET = 'bench-lake-raw';
export const TARGET_BUCKET = 'bench-lake-raw-usw2';
/** Glue's limit for BatchCreatePartition and BatchUpdatePartition entries. */
const PARTITION_BATCH = 100;

export interface LakeSize {
  readonly databases: number;
  readonly tables: number;
  readonly partitions: number;
}

/** What the change step did, and the writes a minimal replica update of it needs. */
export interface ChangeSummary {
  readonly tables: number;
  readonly partitions: number;
  readonly objects: number;
  /** One UpdateTable per changed table plus one BatchUpdatePartition per 100 changed partitions of a table. */
  readonly minimalWrites: number;
  /** Calls the change step itself made against the source (not measured). */
  readonly sourceCalls: number;
}

const pad = (n: number, width = 3) => String(n).padStart(width, '0');
export const databaseName = (d: number) => `bench_db_${pad(d)}`;
export const tableName = (t: number) => `events_${pad(t)}`;

const COLUMNS: Array<[string, string]> = [
  ['event_id', 'string'], ['user_id', 'bigint'], ['session_id', 'string'], ['event_type', 'string'],
  ['amount', 'decimal(18,2)'], ['currency', 'string'], ['country', 'string'], ['ts', 'timestamp'],
];

function parquet(location: string): StorageDescriptor {
  return {
    Columns: COLUMNS.map(([Name, Type]) => ({ Name, Type })),
    Location: location,
    InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    Compressed: true,
    SerdeInfo: {
      SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      Parameters: { 'serialization.format': '1' },
    },
  };
}

function tableLocation(d: number, t: number): string {
  return `s3://${SOURCE_BUCKET}/${databaseName(d)}/${tableName(t)}/`;
}

export function tableInput(d: number, t: number, revision?: string): TableInput {
  return {
    Name: tableName(t),
    Description: `Synthetic event table ${t} of ${databaseName(d)}`,
    Owner: 'bench',
    TableType: 'EXTERNAL_TABLE',
    StorageDescriptor: parquet(tableLocation(d, t)),
    PartitionKeys: [{ Name: 'dt', Type: 'string' }, { Name: 'hr', Type: 'string' }],
    Parameters: {
      'classification': 'parquet',
      'EXTERNAL': 'TRUE',
      'parquet.compression': 'SNAPPY',
      'projection.enabled': 'false',
      ...(revision ? { bench_revision: revision } : {}),
    },
  };
}

/** Partition i of a table: one hour of data, dt=YYYY-MM-DD/hr=HH from 2024-01-01. */
export function partitionValues(i: number): [string, string] {
  const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(i / 24) * 86_400_000).toISOString().slice(0, 10);
  return [day, pad(i % 24, 2)];
}

export function partitionInput(d: number, t: number, i: number, revision?: string): PartitionInput {
  const [dt, hr] = partitionValues(i);
  return {
    Values: [dt, hr],
    StorageDescriptor: parquet(`${tableLocation(d, t)}dt=${dt}/hr=${hr}/`),
    Parameters: {
      numRows: String(1000 + ((i * 7919) % 100_000)),
      totalSize: String(1_048_576 + ((i * 104_729) % 10_000_000)),
      ...(revision ? { bench_revision: revision } : {}),
    },
  };
}

/** Runs `work` over `items` with at most `limit` calls in flight. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

function check(what: string, errors: readonly unknown[] | undefined): void {
  if (errors && errors.length > 0) throw new Error(`${what}: ${errors.length} entries failed, e.g. ${JSON.stringify(errors[0])}`);
}

export async function seedLake(glue: GlueClient, size: LakeSize, onProgress: (message: string) => void): Promise<number> {
  let calls = 0;
  const tables: Array<[number, number]> = [];
  for (let d = 0; d < size.databases; d++) {
    await glue.send(new CreateDatabaseCommand({
      DatabaseInput: {
        Name: databaseName(d),
        Description: `Synthetic benchmark database ${d}`,
        LocationUri: `s3://${SOURCE_BUCKET}/${databaseName(d)}/`,
        Parameters: { owner: 'bench', classification: 'internal' },
      },
    }));
    calls++;
    for (let t = 0; t < size.tables; t++) tables.push([d, t]);
  }
  let done = 0;
  await pool(tables, 4, async ([d, t]) => {
    await glue.send(new CreateTableCommand({ DatabaseName: databaseName(d), TableInput: tableInput(d, t) }));
    calls++;
    for (let from = 0; from < size.partitions; from += PARTITION_BATCH) {
      const inputs: PartitionInput[] = [];
      for (let i = from; i < Math.min(from + PARTITION_BATCH, size.partitions); i++) inputs.push(partitionInput(d, t, i));
      const result = await glue.send(new BatchCreatePartitionCommand({
        DatabaseName: databaseName(d), TableName: tableName(t), PartitionInputList: inputs,
      }));
      calls++;
      check(`seeding ${databaseName(d)}.${tableName(t)}`, result.Errors);
    }
    if (++done % Math.max(1, Math.floor(tables.length / 10)) === 0) onProgress(`seeded ${done}/${tables.length} tables`);
  });
  return calls;
}

/** `count` indices spread evenly over [0, total). */
function spread(total: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => Math.floor((k * total) / count));
}

/**
 * Changes `percent`% of the tables (a parameter, via UpdateTable) and `percent`% of the
 * partitions (a parameter, via BatchUpdatePartition). Changed partitions are spread evenly over
 * every table, the worst case for batching: each table with a change costs at least one call.
 */
export async function changeLake(glue: GlueClient, size: LakeSize, percent: number, revision: string): Promise<ChangeSummary> {
  const totalTables = size.databases * size.tables;
  const totalPartitions = totalTables * size.partitions;
  const changedTables = spread(totalTables, Math.min(totalTables, Math.ceil((totalTables * percent) / 100)));
  const changedPartitions = spread(totalPartitions, Math.min(totalPartitions, Math.ceil((totalPartitions * percent) / 100)));
  let sourceCalls = 0;

  await pool(changedTables, 4, async (g) => {
    const d = Math.floor(g / size.tables);
    const t = g % size.tables;
    await glue.send(new UpdateTableCommand({ DatabaseName: databaseName(d), TableInput: tableInput(d, t, revision) }));
    sourceCalls++;
  });

  const byTable = new Map<number, number[]>();
  for (const g of changedPartitions) {
    const table = Math.floor(g / size.partitions);
    const list = byTable.get(table) ?? [];
    list.push(g % size.partitions);
    byTable.set(table, list);
  }
  const batches: Array<[number, number[]]> = [];
  for (const [table, indices] of byTable) {
    for (let from = 0; from < indices.length; from += PARTITION_BATCH) batches.push([table, indices.slice(from, from + PARTITION_BATCH)]);
  }
  await pool(batches, 4, async ([g, indices]) => {
    const d = Math.floor(g / size.tables);
    const t = g % size.tables;
    const result = await glue.send(new BatchUpdatePartitionCommand({
      DatabaseName: databaseName(d),
      TableName: tableName(t),
      Entries: indices.map(i => ({ PartitionValueList: partitionValues(i), PartitionInput: partitionInput(d, t, i, revision) })),
    }));
    sourceCalls++;
    check(`changing ${databaseName(d)}.${tableName(t)}`, result.Errors);
  });

  return {
    tables: changedTables.length,
    partitions: changedPartitions.length,
    objects: changedTables.length + changedPartitions.length,
    minimalWrites: changedTables.length + batches.length,
    sourceCalls,
  };
}

/**
 * One SELECT grant on three columns of a table per principal, tables taken in turn: `count` distinct
 * (principal, resource) pairs. One GrantPermissions call each (moto's batch grant drops grant options).
 */
export async function seedGrants(lf: LakeFormationClient, size: LakeSize, count: number): Promise<number> {
  const tables = size.databases * size.tables;
  for (let i = 0; i < count; i++) {
    const t = i % tables;
    await lf.send(new GrantPermissionsCommand({
      Principal: { DataLakePrincipalIdentifier: `arn:aws:iam::123456789012:role/bench-analyst-${i}` },
      Resource: { TableWithColumns: { DatabaseName: databaseName(Math.floor(t / size.tables)), Name: tableName(t % size.tables), ColumnNames: ['id', 'name', 'type'] } },
      Permissions: ['SELECT'],
    }));
  }
  lf.destroy();
  return count;
}
