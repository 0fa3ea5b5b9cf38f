import { CreateTableCommand, GetTableCommand, UpdateTableCommand, type GetTableRequest, type Table, type TableStatus } from '@aws-sdk/client-glue';
import 'aws-sdk-client-mock-jest';
import { convergeGlue } from '../../../src/engine/glue/converge';
import { LiveCatalogSource } from '../../../src/engine/glue/source';
import type { ViewWait } from '../../../src/engine/glue/views';
import { AwsClients } from '../../../src/engine/kernel/clients';
import type { Report } from '../../../src/engine/kernel/report';
import { Scope } from '../../../src/engine/kernel/scope';
import { asSeenElsewhere, database, FakeLake, table } from '../../support/fake-lake';
import { mockAws, sent, SOURCE_REGION, TARGET_REGION, type MockedAws } from '../../support/sdk-harness';

/**
 * A stateful fake Glue (moto's view emulation always ends a write at the second read, so a write that never ends,
 * and the order of writes, are staged here): how the converger waits for Data Catalog views' asynchronous writes.
 */
const FAST: ViewWait = { firstDelayMs: 1, maxDelayMs: 4, boundMs: 20 };

function catalogView(name: string, sql: string, status?: TableStatus): Table {
  return {
    Name: name,
    DatabaseName: 'sales',
    TableType: 'VIRTUAL_VIEW',
    ViewDefinition: { Definer: 'arn:aws:iam::123456789012:role/Definer', Representations: [{ Dialect: 'ATHENA', DialectVersion: '3', ViewOriginalText: sql }] },
    Status: status,
  };
}

describe('mocked Glue: Data Catalog views are waited for', () => {
  let aws: MockedAws;
  let lake: FakeLake;

  beforeEach(() => {
    aws = mockAws();
    lake = new FakeLake(aws.glue).install().persistWrites();
    lake.region(TARGET_REGION).addDatabase(asSeenElsewhere(database('sales')));
  });

  afterEach(() => aws.restore());

  async function sync(): Promise<Report> {
    const clients = new AwsClients({ maxAttempts: 1 });
    const scope = new Scope();
    const report = await convergeGlue({
      mode: 'sync', source: new LiveCatalogSource(clients, SOURCE_REGION, scope), targetRegions: [TARGET_REGION], scope, clients, viewWait: FAST,
    });
    clients.destroy();
    return report;
  }

  /** GetTable in the target answers the stored table with this Status (a write Glue is still running, say). */
  function targetStatus(status: (call: number) => TableStatus | undefined): void {
    let calls = 0;
    aws.glue.on(GetTableCommand).callsFake((input: GetTableRequest) => {
      const { Table: stored } = lake.getTable(input, TARGET_REGION);
      return { Table: { ...stored, Status: status(calls++) } };
    });
  }

  test('mocked: a view listed before the table it names is created after it (links and views wait for the tables)', async () => {
    lake.region(SOURCE_REGION).addDatabase(database('sales')).addTable(catalogView('a_orders_view', 'SELECT * FROM sales.orders'), table('sales', 'orders'));
    const report = await sync();
    expect(report.failures).toEqual([]);
    expect((await sent(aws.glue, CreateTableCommand)).map(c => c.input.TableInput?.Name)).toEqual(['orders', 'a_orders_view']);
  });

  test('mocked: a view still IN_PROGRESS at the bound is a failure saying so, never created or in sync', async () => {
    lake.region(SOURCE_REGION).addDatabase(database('sales')).addTable(catalogView('v', 'SELECT 1'));
    targetStatus(() => ({ Action: 'CREATE', State: 'IN_PROGRESS' }));
    const report = await sync();
    expect(report.failures).toEqual([{
      kind: 'table',
      key: 'sales.v',
      target: TARGET_REGION,
      error: expect.stringMatching(/^ViewWriteFailed: Glue's asynchronous CREATE of the view is still IN_PROGRESS after 0 s, so it is not in sync/),
    }]);
    expect(report.counts.table).toMatchObject({ created: 0, failed: 1 });
  });

  test('mocked: an update waits for an earlier write still running (Glue refuses an update then), sends it, and waits for it', async () => {
    lake.region(SOURCE_REGION).addDatabase(database('sales')).addTable(catalogView('v', 'SELECT 2'));
    lake.region(TARGET_REGION).addTable(catalogView('v', 'SELECT 1'));
    const states: Array<TableStatus | undefined> = [
      { Action: 'UPDATE', State: 'IN_PROGRESS' }, { Action: 'UPDATE', State: 'SUCCESS' }, // the earlier write
      { Action: 'UPDATE', State: 'QUEUED' }, { Action: 'UPDATE', State: 'SUCCESS' }, // ours
    ];
    targetStatus(call => states[call]);
    const report = await sync();
    expect(report.failures).toEqual([]);
    expect(report.counts.table).toMatchObject({ updated: 1 });
    expect(aws.glue).toHaveReceivedCommandTimes(GetTableCommand, 4);
    expect(aws.glue).toHaveReceivedCommandTimes(UpdateTableCommand, 1);
  });

  test('mocked: tables that are no views are created and updated without a single GetTable poll', async () => {
    lake.region(SOURCE_REGION).addDatabase(database('sales')).addTable(table('sales', 'orders', { overrides: { Description: 'new' } }), table('sales', 'returns'));
    lake.region(TARGET_REGION).addTable(asSeenElsewhere(table('sales', 'orders')));
    const report = await sync();
    expect(report.counts.table).toMatchObject({ created: 1, updated: 1 });
    expect(aws.glue).not.toHaveReceivedCommand(GetTableCommand);
  });
});
