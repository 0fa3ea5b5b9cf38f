import { BatchUpdatePartitionCommand, UpdateDatabaseCommand, UpdateTableCommand } from '@aws-sdk/client-glue';
import 'aws-sdk-client-mock-jest';
import { convergeGlue } from '../../../src/engine/glue/converge';
import { LiveCatalogSource } from '../../../src/engine/glue/source';
import { AwsClients } from '../../../src/engine/kernel/clients';
import type { Report } from '../../../src/engine/kernel/report';
import { Scope } from '../../../src/engine/kernel/scope';
import { asSeenElsewhere, dailyPartitions, database, FakeLake, table } from '../../support/fake-lake';
import { mockAws, sent, SOURCE_REGION, TARGET_REGION, type MockedAws } from '../../support/sdk-harness';

const OUTPUT_ONLY_TABLE_FIELDS = [
  'CatalogId', 'DatabaseName', 'CreateTime', 'UpdateTime', 'LastAccessTime', 'CreatedBy', 'VersionId',
  'IsRegisteredWithLakeFormation', 'IsMultiDialectView', 'IsMaterializedView',
];

describe('mocked Glue: UpdateTable is sent with SkipArchive (moto ignores the flag)', () => {
  let aws: MockedAws;

  beforeEach(() => {
    aws = mockAws();
    const lake = new FakeLake(aws.glue).install();
    const before = table('sales', 'orders');
    lake.region(TARGET_REGION).addDatabase(asSeenElsewhere(database('sales'))).addTable(asSeenElsewhere(before));
    lake.region(TARGET_REGION).addPartitions(...dailyPartitions('sales', 'orders', 3).map(p => asSeenElsewhere(p)));
    lake.region(SOURCE_REGION)
      .addDatabase(database('sales', { Description: 'Orders, returns and revenue' }))
      .addTable({
        ...before,
        Description: 'One row per order line',
        Parameters: { ...before.Parameters, 'projection.enabled': 'false' },
        VersionId: '5',
      })
      .addPartitions(...dailyPartitions('sales', 'orders', 3));
  });

  afterEach(() => aws.restore());

  async function run(mode: 'sync' | 'plan'): Promise<Report> {
    const clients = new AwsClients({ maxAttempts: 1 });
    const scope = new Scope();
    const report = await convergeGlue({
      mode, source: new LiveCatalogSource(clients, SOURCE_REGION, scope), targetRegions: [TARGET_REGION], scope, clients,
    });
    clients.destroy();
    return report;
  }

  test('mocked: a changed table is updated once, with SkipArchive: true and only input fields', async () => {
    const report = await run('sync');

    const calls = await sent(aws.glue, UpdateTableCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].region).toBe(TARGET_REGION);
    expect(calls[0].input).toMatchObject({ DatabaseName: 'sales', SkipArchive: true });
    expect(calls[0].input.TableInput).toMatchObject({
      Name: 'orders',
      Description: 'One row per order line',
      Parameters: expect.objectContaining({ 'projection.enabled': 'false', 'EXTERNAL': 'TRUE' }),
      PartitionKeys: [{ Name: 'dt', Type: 'string' }],
    });
    for (const field of OUTPUT_ONLY_TABLE_FIELDS) expect(calls[0].input.TableInput).not.toHaveProperty(field);
    expect(report.counts.table).toEqual({ created: 0, updated: 1, deleted: 0, unchanged: 0, failed: 0 });
    // Partitions are compared after the update: equal ones are not rewritten.
    expect(aws.glue).not.toHaveReceivedCommand(BatchUpdatePartitionCommand);
    expect(report.counts.partition.unchanged).toBe(3);
  });

  test('mocked: a changed database is updated by name with a DatabaseInput', async () => {
    await run('sync');

    const calls = await sent(aws.glue, UpdateDatabaseCommand);
    expect(calls.map(c => c.input)).toEqual([{
      Name: 'sales',
      DatabaseInput: expect.objectContaining({ Name: 'sales', Description: 'Orders, returns and revenue' }),
    }]);
    expect(calls[0].input.DatabaseInput).not.toHaveProperty('CreateTime');
    expect(calls[0].input.DatabaseInput).not.toHaveProperty('CatalogId');
  });

  test('mocked: plan names the changed fields and sends no UpdateTable', async () => {
    const report = await run('plan');

    expect(aws.glue).not.toHaveReceivedCommand(UpdateTableCommand);
    expect(aws.glue).not.toHaveReceivedCommand(UpdateDatabaseCommand);
    expect(report.differences).toEqual(expect.arrayContaining([
      { kind: 'table', key: 'sales.orders', target: TARGET_REGION, difference: 'changed', fields: ['Description', 'Parameters'] },
      { kind: 'database', key: 'sales', target: TARGET_REGION, difference: 'changed', fields: ['Description'] },
    ]));
    expect(report.inSync).toBe(false);
  });
});

describe('mocked Glue: a changed replicated timestamp is replicated', () => {
  let aws: MockedAws;

  afterEach(() => aws.restore());

  // KNOWN BUG (src/engine/fingerprint.ts canonical): `value instanceof Date` is false for the Dates that
  // glue-shapes keep() makes with structuredClone when running under Jest (they come from Node's outer realm), so
  // canonical() turns them into {} and drops them: every Jest test is blind to a LastAnalyzedTime change.
  // Production (one realm) is not affected. Remove `.failing` once canonical() uses util.types.isDate().
  test('mocked: a newer source LastAnalyzedTime updates the target table (KNOWN BUG under Jest)', async () => {
    aws = mockAws();
    const lake = new FakeLake(aws.glue).install();
    const analysed = (when: string) => table('sales', 'orders', { partitionKeys: [], overrides: { LastAnalyzedTime: new Date(when) } });
    lake.region(SOURCE_REGION).addDatabase(database('sales')).addTable(analysed('2026-03-02T04:00:00.000Z'));
    lake.region(TARGET_REGION).addDatabase(database('sales')).addTable(analysed('2026-03-01T04:00:00.000Z'));
    const clients = new AwsClients({ maxAttempts: 1 });
    const scope = new Scope();

    const report = await convergeGlue({
      mode: 'sync', source: new LiveCatalogSource(clients, SOURCE_REGION, scope), targetRegions: [TARGET_REGION], scope, clients,
    });
    clients.destroy();

    expect(report.counts.table.updated).toBe(1);
    expect(aws.glue).toHaveReceivedCommandWith(UpdateTableCommand, {
      TableInput: expect.objectContaining({ LastAnalyzedTime: new Date('2026-03-02T04:00:00.000Z') }),
    });
  });
});
