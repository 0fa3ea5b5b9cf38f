import { DeleteTableCommand, GetDatabaseCommand, GetPartitionsCommand, GetTableCommand, GetTablesCommand, UpdateTableCommand, CreateDatabaseCommand, CreateTableCommand, BatchDeletePartitionCommand, BatchUpdatePartitionCommand, DeleteDatabaseCommand } from '@aws-sdk/client-glue';
import { writeCalls } from '../../src/engine/kernel/report';
import { glueAt, motoCli } from '../support/cli-harness';
import { useMoto } from '../support/moto';
import { orderPartitions, parquet, SAMPLE_ACCOUNT, SAMPLE_BUCKET_MAPS, seedSampleLake } from '../support/sample-lake';

const moto = useMoto();

const SOURCE = 'us-east-1';
const TARGET = 'us-west-2';
const maps = SAMPLE_BUCKET_MAPS.flatMap(m => ['--bucket-map', m]);
const args = (...extra: string[]) => ['--source-region', SOURCE, '--target-region', TARGET, '--exclude-database', 'tmp_*', ...maps, '--json', ...extra];
const source = () => glueAt(moto().endpoint, SOURCE);
const target = (region = TARGET) => glueAt(moto().endpoint, region);
const run = (command: string, ...extra: string[]) => motoCli(moto().endpoint, command, ...args(...extra));

async function table(region: string, db: string, name: string) {
  return (await glueAt(moto().endpoint, region).send(new GetTableCommand({ DatabaseName: db, Name: name }))).Table!;
}

describe('sync against moto (two Regions)', () => {
  test('replicates databases, tables, views, Iceberg tables, resource links and partitions', async () => {
    await seedSampleLake(source());
    const r = await run('sync');
    expect(r.code).toBe(0);
    expect(r.report.counts.database).toEqual({ created: 4, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
    expect(r.report.counts.table).toEqual({ created: 6, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
    expect(r.report.counts.partition).toEqual({ created: 6, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
    expect(r.report.failures).toEqual([]);

    const sales = (await target().send(new GetDatabaseCommand({ Name: 'sales' }))).Database!;
    expect(sales.LocationUri).toBe('s3://acme-lake-raw-usw2/sales/');
    expect(sales.Parameters).toEqual({ 'Owner Team': 'Revenue Ops', 'classification': 'confidential' });

    const orders = await table(TARGET, 'sales', 'orders');
    expect(orders.StorageDescriptor!.Location).toBe('s3://acme-lake-raw-usw2/sales/orders/');
    expect(orders.StorageDescriptor!.SerdeInfo!.Parameters!.path).toBe('s3://acme-lake-raw-usw2/sales/orders/');
    expect(orders.StorageDescriptor!.Columns!.map(c => c.Name)).toEqual(['id', 'name', 'type', 'Customer ID']);
    // Free text that mentions a bucket is user data: copied byte for byte.
    expect(orders.Description).toBe('One row per order line; see s3://acme-lake-raw/README for lineage');
    expect(orders.Parameters!['Mixed Case Key']).toBe('Value With S3://acme-lake-raw/x');

    const view = await table(TARGET, 'sales', 'daily_totals');
    expect(view.TableType).toBe('VIRTUAL_VIEW');
    expect(view.ViewOriginalText).toBe('/* Presto View */ SELECT dt, count(*) AS n FROM orders -- data in s3://acme-lake-raw/sales/orders/');

    const iceberg = await table(TARGET, 'sales', 'events_iceberg');
    expect(iceberg.StorageDescriptor!.Location).toBe('s3a://acme-lake-curated-usw2/sales/events');
    expect(iceberg.Parameters).toEqual({
      table_type: 'ICEBERG',
      metadata_location: 's3://acme-lake-curated-usw2/sales/events/metadata/00002-b.metadata.json',
      previous_metadata_location: 's3://acme-lake-curated-usw2/sales/events/metadata/00001-a.metadata.json',
    });

    // A link into the source catalog and Region points at the replica; others are copied unchanged.
    const link = await table(TARGET, 'marketing', 'orders_link');
    expect(link.TargetTable).toEqual({ CatalogId: SAMPLE_ACCOUNT, DatabaseName: 'sales', Name: 'orders' });
    const dbLink = (await target().send(new GetDatabaseCommand({ Name: 'shared_sales' }))).Database!;
    expect(dbLink.TargetDatabase).toEqual({ CatalogId: SAMPLE_ACCOUNT, DatabaseName: 'sales' });
    const external = (await target().send(new GetDatabaseCommand({ Name: 'partner_feed' }))).Database!;
    expect(external.TargetDatabase).toEqual({ CatalogId: '210987654321', DatabaseName: 'feed', Region: 'eu-west-1' });

    const partitions = (await target().send(new GetPartitionsCommand({ DatabaseName: 'sales', TableName: 'orders' }))).Partitions!;
    expect(partitions.map(p => p.Values).sort()).toEqual(orderPartitions(['2026-11-01', '2026-11-02', '2026-11-03'], ['eu', 'us']).map(p => p.Values).sort());
    expect(partitions.every(p => p.StorageDescriptor!.Location!.startsWith('s3://acme-lake-raw-usw2/sales/orders/dt='))).toBe(true);

    // Out of scope: never replicated.
    await expect(target().send(new GetDatabaseCommand({ Name: 'tmp_scratch' }))).rejects.toThrow(/not found/i);
    // The unmapped bucket is named in a warning.
    expect(r.report.warnings.join('\n')).toMatch(/unmapped bucket "acme-audit-logs" \(for example sales\.audit_log\)/);
    // Partitions are written in batches, not one by one.
    expect(r.report.apiCalls['glue:BatchCreatePartition']).toBe(1);
  });

  test('an unchanged lake costs zero writes on re-sync', async () => {
    await seedSampleLake(source());
    expect((await run('sync')).code).toBe(0);
    const again = await run('sync');
    expect(again.code).toBe(0);
    expect(writeCalls(again.report.apiCalls)).toBe(0);
    expect(again.report.counts.table).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 6, failed: 0 });
    expect(again.report.counts.partition.unchanged).toBe(6);
  });

  test('converges changed tables and partitions with updates only for what changed', async () => {
    await seedSampleLake(source());
    await run('sync');
    const orders = await table(SOURCE, 'sales', 'orders');
    await source().send(new UpdateTableCommand({
      DatabaseName: 'sales',
      TableInput: { Name: 'orders', StorageDescriptor: orders.StorageDescriptor, PartitionKeys: orders.PartitionKeys, Parameters: { ...orders.Parameters, owner: 'new' } },
    }));
    const [changed] = orderPartitions(['2026-11-01'], ['eu']);
    await source().send(new BatchUpdatePartitionCommand({
      DatabaseName: 'sales',
      TableName: 'orders',
      Entries: [{ PartitionValueList: changed.Values, PartitionInput: { ...changed, Parameters: { numRows: '43' } } }],
    }));
    const r = await run('sync');
    expect(r.code).toBe(0);
    expect(r.report.counts.table).toMatchObject({ updated: 1, unchanged: 5 });
    expect(r.report.counts.partition).toMatchObject({ updated: 1, unchanged: 5 });
    expect(writeCalls(r.report.apiCalls)).toBe(2);
    expect((await table(TARGET, 'sales', 'orders')).Parameters!.owner).toBe('new');
  });

  test('replicates into two target Regions with a per-Region bucket mapping', async () => {
    await seedSampleLake(source());
    const r = await motoCli(moto().endpoint, 'sync', '--source-region', SOURCE, '--target-region', TARGET, '--target-region', 'eu-west-1',
      '--database', 'sales', '--bucket-map', 'acme-lake-raw=acme-lake-raw-usw2@us-west-2', '--bucket-map', 'acme-lake-raw=acme-lake-raw-euw1@eu-west-1', '--json');
    expect(r.code).toBe(0);
    expect(r.report.targets).toEqual([TARGET, 'eu-west-1']);
    expect((await table(TARGET, 'sales', 'orders')).StorageDescriptor!.Location).toBe('s3://acme-lake-raw-usw2/sales/orders/');
    expect((await table('eu-west-1', 'sales', 'orders')).StorageDescriptor!.Location).toBe('s3://acme-lake-raw-euw1/sales/orders/');
    // --database narrows the scope.
    await expect(target('eu-west-1').send(new GetDatabaseCommand({ Name: 'marketing' }))).rejects.toThrow(/not found/i);
  });
});

describe('prune', () => {
  async function seedAndSyncThenDeleteInSource() {
    await seedSampleLake(source());
    await run('sync');
    await source().send(new DeleteTableCommand({ DatabaseName: 'sales', Name: 'audit_log' }));
    await source().send(new BatchDeletePartitionCommand({ DatabaseName: 'sales', TableName: 'orders', PartitionsToDelete: [{ Values: ['2026-11-01', 'eu'] }] }));
    await source().send(new DeleteDatabaseCommand({ Name: 'partner_feed' }));
    // Target-only databases: one in scope, one excluded by the scope.
    await target().send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'tmp_only_in_target' } }));
  }

  test('without --prune nothing is deleted and a warning says so', async () => {
    await seedAndSyncThenDeleteInSource();
    const r = await run('sync');
    expect(r.code).toBe(0);
    expect(r.report.counts.table.deleted + r.report.counts.partition.deleted + r.report.counts.database.deleted).toBe(0);
    expect(r.report.warnings.join('\n')).toMatch(/--prune/);
    await expect(table(TARGET, 'sales', 'audit_log')).resolves.toBeDefined();
  });

  test('with --prune deletes what the source deleted, confined to the scope', async () => {
    await seedAndSyncThenDeleteInSource();
    const r = await run('sync', '--prune');
    expect(r.code).toBe(0);
    expect(r.report.counts.database.deleted).toBe(1);
    expect(r.report.counts.table.deleted).toBe(1);
    expect(r.report.counts.partition.deleted).toBe(1);
    await expect(table(TARGET, 'sales', 'audit_log')).rejects.toThrow(/not found/i);
    await expect(target().send(new GetDatabaseCommand({ Name: 'partner_feed' }))).rejects.toThrow(/not found/i);
    const left = (await target().send(new GetPartitionsCommand({ DatabaseName: 'sales', TableName: 'orders' }))).Partitions!;
    expect(left).toHaveLength(5);
    // tmp_* is excluded from the scope, so prune never touches it.
    await expect(target().send(new GetDatabaseCommand({ Name: 'tmp_only_in_target' }))).resolves.toBeDefined();
  });

  test('plan with --prune lists the deletes and writes nothing', async () => {
    await seedAndSyncThenDeleteInSource();
    const r = await run('plan', '--prune');
    expect(r.code).toBe(0);
    expect(writeCalls(r.report.apiCalls)).toBe(0);
    expect(r.report.differences).toEqual(expect.arrayContaining([
      { kind: 'table', key: 'sales.audit_log', target: TARGET, difference: 'extra' },
      { kind: 'database', key: 'partner_feed', target: TARGET, difference: 'extra' },
    ]));
    await expect(table(TARGET, 'sales', 'audit_log')).resolves.toBeDefined();
  });
});

describe('plan and verify', () => {
  test('plan writes nothing and reports what sync would create', async () => {
    await seedSampleLake(source());
    const r = await run('plan');
    expect(r.code).toBe(0);
    expect(r.report.dryRun).toBe(true);
    expect(writeCalls(r.report.apiCalls)).toBe(0);
    expect(r.report.counts.table.created).toBe(6);
    expect((await target().send(new GetTablesCommand({ DatabaseName: 'sales' })).catch(() => ({ TableList: [] }))).TableList).toEqual([]);
  });

  test('verify exits 3 on drift, naming the object and the fields, and 0 once in sync', async () => {
    await seedSampleLake(source());
    await run('sync');
    expect((await run('verify')).code).toBe(0);

    const orders = await table(TARGET, 'sales', 'orders');
    await target().send(new UpdateTableCommand({ DatabaseName: 'sales', TableInput: { Name: 'orders', StorageDescriptor: orders.StorageDescriptor, PartitionKeys: orders.PartitionKeys, Description: 'edited in the replica' } }));
    await target().send(new CreateTableCommand({ DatabaseName: 'sales', TableInput: { Name: 'stray', StorageDescriptor: parquet('s3://acme-lake-raw-usw2/x/', [['a', 'int']]) } }));
    const drift = await run('verify');
    expect(drift.code).toBe(3);
    expect(drift.report.inSync).toBe(false);
    expect(drift.report.differences).toEqual(expect.arrayContaining([
      { kind: 'table', key: 'sales.orders', target: TARGET, difference: 'changed', fields: ['Description', 'Parameters', 'TableType'] },
      { kind: 'table', key: 'sales.stray', target: TARGET, difference: 'extra' },
    ]));
    expect(writeCalls(drift.report.apiCalls)).toBe(0);

    expect((await run('sync', '--prune')).code).toBe(0);
    const after = await run('verify');
    expect(after.code).toBe(0);
    expect(after.report.inSync).toBe(true);
    expect(after.report.differences).toEqual([]);
  });

  test('without --json prints a readable summary', async () => {
    await seedSampleLake(source());
    const r = await motoCli(moto().endpoint, 'plan', '--source-region', SOURCE, '--target-region', TARGET);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/plan \(dry run\): us-east-1 -> us-west-2/);
    expect(r.stdout).toMatch(/missing {2}table sales\.orders in us-west-2/);
  });
});
