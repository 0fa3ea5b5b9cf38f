import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CreateDatabaseCommand, CreateTableCommand, GetTableCommand, UpdateTableCommand, type TableInput, type ViewDefinitionInput } from '@aws-sdk/client-glue';
import { tableInput } from '../../../src/engine/glue/shapes';
import { writeCalls } from '../../../src/engine/kernel/report';
import { cli, glueAt, motoCli } from '../../support/cli-harness';
import { BUCKETS, createBuckets, pyiceberg, replicate } from '../../support/iceberg/lake';
import { useMoto } from '../../support/moto';
import { failNextViewWrite } from '../../support/moto-glue-extensions';

/**
 * Data Catalog views (multi-dialect and materialized), end to end through the CLI, against moto extended with the
 * asynchronous Table.Status of view writes (test/support/moto-server/README.md): the first read after a write shows
 * QUEUED, the next SUCCESS (or FAILED, when the hook armed it). So a view write the run waits for costs two polls.
 */
const moto = useMoto();
const SOURCE = 'us-east-1';
const TARGET = 'us-west-2';
const DR = 'eu-west-1';
const ACCOUNT = '123456789012';
const DEFINER = `arn:aws:iam::${ACCOUNT}:role/ViewDefiner`;
const run = (command: string, ...extra: string[]) => motoCli(moto().endpoint, command,
  '--source-region', SOURCE, '--target-region', TARGET, '--bucket-map', 'acme-lake=acme-lake-dr', '--skip', 'lake-formation', '--json', ...extra);
const glue = (region: string) => glueAt(moto().endpoint, region);
/** The runs below read no table one by one in the source (a restore has none): every GetTable is a target's. */
const polls = (apiCalls: Record<string, number>) => apiCalls['glue:GetTable'] ?? 0;

const ORDERS: TableInput = {
  Name: 'orders',
  StorageDescriptor: { Columns: [{ Name: 'id', Type: 'bigint' }, { Name: 'amount', Type: 'double' }], Location: 's3://acme-lake/sales/orders/' },
};

function view(name: string, sql: string, definition: Partial<ViewDefinitionInput> = {}): TableInput {
  return {
    Name: name,
    TableType: 'VIRTUAL_VIEW',
    StorageDescriptor: { Columns: [{ Name: 'id', Type: 'bigint' }] },
    ViewDefinition: {
      IsProtected: true,
      Definer: DEFINER,
      SubObjects: [`arn:aws:glue:${SOURCE}:${ACCOUNT}:table/sales/orders`],
      Representations: [
        { Dialect: 'ATHENA', DialectVersion: '3', ViewOriginalText: sql, ViewExpandedText: sql },
        { Dialect: 'SPARK', DialectVersion: '3.5', ViewOriginalText: sql },
      ],
      ...definition,
    },
  };
}

/** An Iceberg materialized view that refreshes itself hourly in the source. */
function materializedView(): TableInput {
  const sql = 'SELECT id, sum(amount) AS total FROM sales.orders GROUP BY id';
  return {
    Name: 'order_totals',
    TableType: 'EXTERNAL_TABLE',
    Parameters: { table_type: 'ICEBERG', metadata_location: 's3://acme-lake/sales/order_totals/metadata/00001-a.metadata.json' },
    StorageDescriptor: { Columns: [{ Name: 'id', Type: 'bigint' }, { Name: 'total', Type: 'double' }], Location: 's3://acme-lake/sales/order_totals/' },
    ViewDefinition: {
      IsManaged: true,
      Definer: DEFINER,
      RefreshSeconds: 3600,
      LastRefreshType: 'FULL',
      ViewVersionId: 7,
      SubObjects: [`arn:aws:glue:${SOURCE}:${ACCOUNT}:table/sales/orders`],
      SubObjectVersionIds: [3],
      Representations: [{ Dialect: 'SPARK', DialectVersion: '3.5', ViewOriginalText: sql, ViewExpandedText: sql }],
    },
  };
}

async function seed(...tables: TableInput[]): Promise<void> {
  await glue(SOURCE).send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'sales' } }));
  for (const TableInput of [ORDERS, ...tables]) await glue(SOURCE).send(new CreateTableCommand({ DatabaseName: 'sales', TableInput }));
}

async function targetTable(name: string, region = TARGET) {
  return (await glue(region).send(new GetTableCommand({ DatabaseName: 'sales', Name: name }))).Table!;
}

/** Updates a view in the source and reads it once there: while its own write is QUEUED, the source reads as before. */
async function updateInSource(table: TableInput): Promise<void> {
  await glue(SOURCE).send(new UpdateTableCommand({ DatabaseName: 'sales', TableInput: table }));
  expect((await targetTable(table.Name!, SOURCE)).Status?.State).toBe('QUEUED');
}

describe('Data Catalog views against moto extended with asynchronous view writes', () => {
  test('sync creates a view and waits for SUCCESS (two GetTable polls, none for the table that is no view); a re-run writes and polls nothing', async () => {
    await seed(view('big_orders', 'SELECT * FROM sales.orders WHERE amount > 100'));
    const first = await run('sync');
    expect({ code: first.code, failures: first.report.failures }).toEqual({ code: 0, failures: [] });
    expect(first.report.counts.table).toMatchObject({ created: 2, failed: 0 });
    expect(polls(first.report.apiCalls)).toBe(2);

    const replica = await targetTable('big_orders');
    expect(replica.Status).toMatchObject({ Action: 'CREATE', State: 'SUCCESS' });
    expect(replica.ViewDefinition).toEqual(view('big_orders', 'SELECT * FROM sales.orders WHERE amount > 100').ViewDefinition);
    expect(replica.ViewDefinition?.Definer).toBe(DEFINER);

    const again = await run('sync');
    expect(again.code).toBe(0);
    expect(writeCalls(again.report.apiCalls)).toBe(0);
    expect(polls(again.report.apiCalls)).toBe(0);
    expect(again.report.counts.table).toMatchObject({ unchanged: 2, created: 0, updated: 0 });
  });

  test('a changed view is updated once its earlier write is looked at (one read), and waited for (two polls)', async () => {
    await seed(view('big_orders', 'SELECT * FROM sales.orders WHERE amount > 100'));
    expect((await run('sync')).code).toBe(0);
    await updateInSource(view('big_orders', 'SELECT * FROM sales.orders WHERE amount > 500'));

    const sync = await run('sync');
    expect({ code: sync.code, failures: sync.report.failures }).toEqual({ code: 0, failures: [] });
    expect(sync.report.counts.table).toMatchObject({ updated: 1, unchanged: 1 });
    expect(sync.report.apiCalls['glue:UpdateTable']).toBe(1);
    expect(polls(sync.report.apiCalls)).toBe(3);
    expect((await targetTable('big_orders')).ViewDefinition?.Representations?.[0].ViewOriginalText).toBe('SELECT * FROM sales.orders WHERE amount > 500');
  });

  test("a view whose create FAILED in the target is a failure with Glue's reason (exit 1); verify lists it; the next sync makes it again", async () => {
    await seed(view('big_orders', 'SELECT * FROM sales.orders WHERE amount > 100'));
    await failNextViewWrite(moto().endpoint, {
      region: TARGET, database: 'sales', table: 'big_orders', errorCode: 'InvalidInputException', errorMessage: 'SPARK: Table sales.orders not found.',
    });
    const failed = await run('sync');
    expect(failed.code).toBe(1);
    expect(failed.report.failures).toEqual([{
      kind: 'table',
      key: 'sales.big_orders',
      target: TARGET,
      error: expect.stringContaining("ViewWriteFailed: Glue's asynchronous CREATE of the view ended FAILED: InvalidInputException: SPARK: Table sales.orders not found."),
    }]);
    expect(failed.report.counts.table).toMatchObject({ created: 1, failed: 1 });

    // moto's failed create reads exactly as requested; only its Status tells it is not in sync.
    const verify = await run('verify');
    expect(verify.code).toBe(3);
    expect(verify.report.differences).toEqual([expect.objectContaining({ kind: 'table', key: 'sales.big_orders', difference: 'changed', fields: ['Status'] })]);

    // Glue refuses to update a view whose create failed: it is deleted and made again.
    const healed = await run('sync');
    expect({ code: healed.code, failures: healed.report.failures }).toEqual({ code: 0, failures: [] });
    expect(healed.report.counts.table).toMatchObject({ updated: 1 });
    expect(healed.report.apiCalls).toMatchObject({ 'glue:BatchDeleteTable': 1, 'glue:CreateTable': 1 });
    expect((await targetTable('big_orders')).Status).toMatchObject({ Action: 'CREATE', State: 'SUCCESS' });
    expect(writeCalls((await run('sync')).report.apiCalls)).toBe(0);
  });

  test("a view whose update FAILED in the target is a failure with Glue's reason; the target keeps the view as it was", async () => {
    await seed(view('big_orders', 'SELECT * FROM sales.orders WHERE amount > 100'));
    expect((await run('sync')).code).toBe(0);
    await updateInSource(view('big_orders', 'SELECT * FROM sales.orders WHERE amount > 500'));
    await failNextViewWrite(moto().endpoint, { region: TARGET, database: 'sales', table: 'big_orders', errorCode: 'InvalidInputException', errorMessage: 'ATHENA: line 1:8: mismatched input.' });

    const failed = await run('sync');
    expect(failed.code).toBe(1);
    expect(failed.report.failures).toEqual([expect.objectContaining({
      key: 'sales.big_orders', error: expect.stringContaining('UPDATE of the view ended FAILED: InvalidInputException: ATHENA: line 1:8: mismatched input.'),
    })]);
    expect((await targetTable('big_orders')).ViewDefinition?.Representations?.[0].ViewOriginalText).toBe('SELECT * FROM sales.orders WHERE amount > 100');
    expect((await run('sync')).code).toBe(0);
  });

  test('a materialized view is created with automatic refresh off (RefreshSeconds dropped, the rest kept); a re-run writes nothing', async () => {
    await seed(materializedView());
    const first = await run('sync');
    expect({ code: first.code, failures: first.report.failures }).toEqual({ code: 0, failures: [] });
    expect(polls(first.report.apiCalls)).toBe(2);

    const replica = await targetTable('order_totals');
    expect(replica).toMatchObject({ IsMaterializedView: true, Status: { State: 'SUCCESS' } });
    const { RefreshSeconds: _refresh, ...withoutRefresh } = materializedView().ViewDefinition!;
    expect(replica.ViewDefinition).toEqual(withoutRefresh);
    expect(replica.StorageDescriptor?.Location).toBe('s3://acme-lake-dr/sales/order_totals/');
    expect((await glue(SOURCE).send(new GetTableCommand({ DatabaseName: 'sales', Name: 'order_totals' }))).Table?.ViewDefinition?.RefreshSeconds).toBe(3600);

    const again = await run('sync');
    expect(again.code).toBe(0);
    expect(writeCalls(again.report.apiCalls)).toBe(0);
    expect(again.report.counts.table).toMatchObject({ unchanged: 2 });
    const verify = await run('verify');
    expect({ code: verify.code, differences: verify.report.differences }).toEqual({ code: 0, differences: [] });
  });

  test('a snapshot keeps RefreshSeconds; a restore recreates the views with refresh off while the source is gone, and again writes nothing', async () => {
    await seed(view('big_orders', 'SELECT * FROM sales.orders WHERE amount > 100'), materializedView());
    const file = join(mkdtempSync(join(tmpdir(), 'views-')), 'lake.jsonl.gz');
    const snap = await motoCli(moto().endpoint, 'snapshot', '--source-region', SOURCE, '--skip', 'lake-formation', '--out', file, '--json');
    expect(snap.code).toBe(0);
    const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n').map(l => JSON.parse(l) as { table?: TableInput });
    expect(lines.find(l => l.table?.Name === 'order_totals')?.table?.ViewDefinition?.RefreshSeconds).toBe(3600);
    expect(JSON.stringify(lines)).not.toMatch(/"Status"|IsStale|IsMaterializedView/);

    await moto().reset();
    const restore = () => motoCli(moto().endpoint, 'restore', '--from', file, '--target-region', DR,
      '--bucket-map', 'acme-lake=acme-lake-dr', '--skip', 'lake-formation', '--json');
    const restored = await restore();
    expect({ code: restored.code, failures: restored.report.failures }).toEqual({ code: 0, failures: [] });
    expect(restored.report.counts.table).toMatchObject({ created: 3 });
    expect(polls(restored.report.apiCalls)).toBe(4);
    expect((await targetTable('order_totals', DR)).ViewDefinition).not.toHaveProperty('RefreshSeconds');
    expect((await targetTable('big_orders', DR)).Status).toMatchObject({ State: 'SUCCESS' });

    const again = await restore();
    expect(again.code).toBe(0);
    expect(writeCalls(again.report.apiCalls)).toBe(0);
    expect(again.report.counts.table).toMatchObject({ unchanged: 3 });
  });
});

describe('an Iceberg materialized view against moto extended with asynchronous view writes, its chain rewritten by the Iceberg rewrite', () => {
  test('the view points at its staged chain with refresh off; a re-run writes nothing, in Glue or in S3', async () => {
    const endpoint = moto().endpoint;
    await createBuckets(endpoint);
    await pyiceberg(endpoint, 'seed', { region: SOURCE, bucket: 'lake-use1', dataBucket: 'lake-data-use1', tables: ['events'] });
    await replicate(endpoint);
    // PyIceberg wrote an Iceberg table; Glue's materialized views are Iceberg tables with a ViewDefinition.
    const events = (await glue(SOURCE).send(new GetTableCommand({ DatabaseName: 'lake', Name: 'events' }))).Table!;
    const sql = 'SELECT id FROM lake.source_events';
    await glue(SOURCE).send(new UpdateTableCommand({
      DatabaseName: 'lake',
      TableInput: { ...tableInput(events), ViewDefinition: { IsManaged: true, Definer: DEFINER, RefreshSeconds: 900, Representations: [{ Dialect: 'SPARK', DialectVersion: '3.5', ViewOriginalText: sql }] } },
    }));
    await glue(SOURCE).send(new GetTableCommand({ DatabaseName: 'lake', Name: 'events' }));

    const sync = () => cli(endpoint, 'sync', '--source-region', SOURCE, '--target-region', TARGET, '--skip', 'lake-formation', '--json',
      ...Object.entries(BUCKETS).flatMap(([from, to]) => ['--bucket-map', `${from}=${to}`]));
    const first = await sync();
    expect({ code: first.code, failures: first.report.failures }).toEqual({ code: 0, failures: [] });
    expect(first.report.iceberg?.tables).toMatchObject({ rewritten: 1 });
    expect(polls(first.report.apiCalls)).toBe(2);
    const replica = (await glue(TARGET).send(new GetTableCommand({ DatabaseName: 'lake', Name: 'events' }))).Table!;
    expect(replica.Parameters?.metadata_location).toMatch(/^s3:\/\/lake-usw2\/_lake-replica\/iceberg\//);
    expect(replica).toMatchObject({ IsMaterializedView: true, Status: { State: 'SUCCESS' } });
    expect(replica.ViewDefinition).toEqual({ IsManaged: true, Definer: DEFINER, Representations: [{ Dialect: 'SPARK', DialectVersion: '3.5', ViewOriginalText: sql }] });

    const again = await sync();
    expect(again.code).toBe(0);
    expect(writeCalls(again.report.apiCalls)).toBe(0);
    expect(again.report.iceberg?.tables).toMatchObject({ unchanged: 1 });
  });
});
