import { BatchCreatePartitionCommand, CreateDatabaseCommand, CreateTableCommand, GlueClient } from '@aws-sdk/client-glue';
import type { PartitionInput, StorageDescriptor } from '@aws-sdk/client-glue';

/** A small lake with every object kind the engine replicates; used by the demo and the integration tests. */
export const SAMPLE_ACCOUNT = '123456789012';
export const SAMPLE_BUCKET_MAPS = ['acme-lake-raw=acme-lake-raw-usw2', 'acme-lake-curated=acme-lake-curated-usw2'];

export function parquet(location: string, columns: Array<[string, string]>): StorageDescriptor {
  return {
    Columns: columns.map(([Name, Type]) => ({ Name, Type })),
    Location: location,
    InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    SerdeInfo: {
      SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      Parameters: { 'serialization.format': '1', 'path': location },
    },
  };
}

export function orderPartitions(days: string[], regions: string[]): PartitionInput[] {
  return days.flatMap(dt => regions.map(region => ({
    Values: [dt, region],
    StorageDescriptor: parquet(`s3://acme-lake-raw/sales/orders/dt=${dt}/region=${region}/`, [['id', 'bigint']]),
    Parameters: { numRows: '42' },
  })));
}

export async function seedSampleLake(glue: GlueClient): Promise<void> {
  await glue.send(new CreateDatabaseCommand({
    DatabaseInput: {
      Name: 'sales',
      Description: 'Orders and revenue',
      LocationUri: 's3://acme-lake-raw/sales/',
      Parameters: { 'Owner Team': 'Revenue Ops', 'classification': 'confidential' },
    },
  }));
  await glue.send(new CreateTableCommand({
    DatabaseName: 'sales',
    TableInput: {
      Name: 'orders',
      TableType: 'EXTERNAL_TABLE',
      Description: 'One row per order line; see s3://acme-lake-raw/README for lineage',
      StorageDescriptor: parquet('s3://acme-lake-raw/sales/orders/', [['id', 'bigint'], ['name', 'string'], ['type', 'string'], ['Customer ID', 'string']]),
      PartitionKeys: [{ Name: 'dt', Type: 'string' }, { Name: 'region', Type: 'string' }],
      Parameters: { 'classification': 'parquet', 'EXTERNAL': 'TRUE', 'Mixed Case Key': 'Value With S3://acme-lake-raw/x' },
    },
  }));
  await glue.send(new BatchCreatePartitionCommand({
    DatabaseName: 'sales',
    TableName: 'orders',
    PartitionInputList: orderPartitions(['2026-11-01', '2026-11-02', '2026-11-03'], ['eu', 'us']),
  }));
  await glue.send(new CreateTableCommand({
    DatabaseName: 'sales',
    TableInput: {
      Name: 'daily_totals',
      TableType: 'VIRTUAL_VIEW',
      ViewOriginalText: '/* Presto View */ SELECT dt, count(*) AS n FROM orders -- data in s3://acme-lake-raw/sales/orders/',
      ViewExpandedText: '/* Presto View */',
      StorageDescriptor: { Columns: [{ Name: 'dt', Type: 'string' }, { Name: 'n', Type: 'bigint' }] },
      Parameters: { presto_view: 'true' },
    },
  }));
  await glue.send(new CreateTableCommand({
    DatabaseName: 'sales',
    TableInput: {
      Name: 'events_iceberg',
      TableType: 'EXTERNAL_TABLE',
      StorageDescriptor: { Columns: [{ Name: 'event_id', Type: 'string' }], Location: 's3a://acme-lake-curated/sales/events' },
      Parameters: {
        table_type: 'ICEBERG',
        metadata_location: 's3://acme-lake-curated/sales/events/metadata/00002-b.metadata.json',
        previous_metadata_location: 's3://acme-lake-curated/sales/events/metadata/00001-a.metadata.json',
      },
    },
  }));
  await glue.send(new CreateTableCommand({
    DatabaseName: 'sales',
    TableInput: {
      Name: 'audit_log',
      TableType: 'EXTERNAL_TABLE',
      StorageDescriptor: parquet('s3://acme-audit-logs/sales/', [['at', 'timestamp']]),
    },
  }));
  await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'marketing', LocationUri: 's3n://acme-lake-curated/marketing/' } }));
  await glue.send(new CreateTableCommand({
    DatabaseName: 'marketing',
    TableInput: { Name: 'campaigns', StorageDescriptor: parquet('s3://acme-lake-curated/marketing/campaigns/', [['id', 'string']]) },
  }));
  await glue.send(new CreateTableCommand({
    DatabaseName: 'marketing',
    TableInput: { Name: 'orders_link', TargetTable: { CatalogId: SAMPLE_ACCOUNT, DatabaseName: 'sales', Name: 'orders', Region: 'us-east-1' } },
  }));
  await glue.send(new CreateDatabaseCommand({
    DatabaseInput: { Name: 'shared_sales', TargetDatabase: { CatalogId: SAMPLE_ACCOUNT, DatabaseName: 'sales' } },
  }));
  await glue.send(new CreateDatabaseCommand({
    DatabaseInput: { Name: 'partner_feed', TargetDatabase: { CatalogId: '210987654321', DatabaseName: 'feed', Region: 'eu-west-1' } },
  }));
  await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'tmp_scratch' } }));
}
