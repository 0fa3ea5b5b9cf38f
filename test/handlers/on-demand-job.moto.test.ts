import {
  CreateCatalogCommand, CreateConnectionCommand, GetCatalogCommand, GetCatalogsCommand, GetDatabaseCommand, GetTablesCommand, CreateDatabaseCommand,
  DeleteTableCommand, GlueClient,
} from '@aws-sdk/client-glue';
import type { WorkItem } from '../../src/engine/job/job-types';
import { handler as finalize } from '../../src/handlers/finalize.lambda';
import { handler as item } from '../../src/handlers/item.lambda';
import { handler as resolve } from '../../src/handlers/resolve.lambda';
import type { RunInput } from '../../src/shared/job-settings';
import { glueAt, motoCli } from '../support/cli-harness';
import { BUCKET, SOURCE, TARGETS, useJobHarness } from '../support/job-harness';
import { seedSampleLake } from '../support/sample-lake';

const job = useJobHarness();

describe('on-demand job handlers against moto', () => {
  test('one invocation per item: replicates into both targets, writes the report and a restorable snapshot', async () => {
    await seedSampleLake(glueAt(job.endpoint, SOURCE));
    const { resolved, items, invocations, outcome, report } = await job.runStateMachine({}, 900_000);
    expect(resolved).toMatchObject({ databases: 4, items: 4 * 3, options: { prune: false, dryRun: false } });
    expect(items.filter(i => i.kind === 'snapshot').map(i => i.database).sort()).toEqual(['marketing', 'partner_feed', 'sales', 'shared_sales']);
    expect(invocations).toBe(12);
    expect(outcome.failed).toBe(0);
    expect(report.counts.database.created).toBe(8);
    expect(report.counts.table.created).toBe(12);
    expect(report.counts.partition.created).toBe(12);
    for (const region of TARGETS) {
      const tables = (await glueAt(job.endpoint, region).send(new GetTablesCommand({ DatabaseName: 'sales' }))).TableList!;
      expect(tables.find(t => t.Name === 'orders')!.StorageDescriptor!.Location).toBe('s3://acme-lake-raw-dr/sales/orders/');
    }
    expect(outcome.snapshotLocation).toBe(`s3://${BUCKET}/runs/${resolved.runId}/snapshot/manifest.json`);

    // The run's snapshot restores with the CLI into a third Region, the source not read.
    const restore = await motoCli(job.endpoint, 'restore', '--from', outcome.snapshotLocation!, '--target-region', 'ap-southeast-2', '--json');
    expect(restore.code).toBe(0);
    expect(restore.report.counts.table.created).toBe(6);
    expect(restore.report.counts.partition.created).toBe(6);
  });

  test('the catalog\'s own objects (a federated catalog and its connection) are converged once a run, by finalize, into every target, and held in the run\'s snapshot', async () => {
    const source = glueAt(job.endpoint, SOURCE);
    await source.send(new CreateConnectionCommand({
      ConnectionInput: { Name: 'public-rest', ConnectionType: 'CUSTOM' as never, ConnectionProperties: { CONNECTOR_URL: 'https://iceberg.example.com' } },
    }));
    await source.send(new CreateCatalogCommand({
      Name: 'open', CatalogInput: { FederatedCatalog: { Identifier: 'remote', ConnectionName: 'public-rest' }, CreateTableDefaultPermissions: [] },
    }));
    const { outcome, report } = await job.runStateMachine({}, 900_000);
    expect(outcome.failed).toBe(0);
    expect(report.counts.catalog).toMatchObject({ created: 2 });
    expect(report.counts.connection).toMatchObject({ created: 2 });
    for (const region of TARGETS) expect((await glueAt(job.endpoint, region).send(new GetCatalogCommand({ CatalogId: 'open' }))).Catalog?.Name).toBe('open');
    const again = await job.runStateMachine({}, 900_000, `run-again-${Date.now()}`);
    expect(again.report.counts.catalog).toMatchObject({ unchanged: 2, created: 0 });
    // Finalize reads the source's catalogs twice (to converge them, then into the snapshot): both are in the report.
    // (2 GetCatalogs in the source and 2 in each of the 2 targets to converge them, 2 more in the source for the snapshot.)
    expect(again.report.apiCalls['glue:GetCatalogs']).toBe(2 + 2 * 2 + 2);

    // The run's snapshot holds them too: a restore into a third Region, the source not read, brings them back.
    const restore = await motoCli(job.endpoint, 'restore', '--from', again.outcome.snapshotLocation!, '--target-region', 'ap-southeast-2', '--json');
    expect(restore.code).toBe(0);
    expect(restore.report.counts.catalog).toMatchObject({ created: 1, failed: 0 });
    expect(restore.report.counts.connection).toMatchObject({ created: 1, failed: 0 });
    const restored = await glueAt(job.endpoint, 'ap-southeast-2').send(new GetCatalogCommand({ CatalogId: 'open' }));
    expect(restored.Catalog?.FederatedCatalog).toMatchObject({ Identifier: 'remote', ConnectionName: 'public-rest' });
  });

  test('a run whose read of the catalog\'s own objects fails writes no snapshot manifest and says so; the previous snapshot stays the newest', async () => {
    await seedSampleLake(glueAt(job.endpoint, SOURCE));
    const first = await job.runStateMachine({}, 900_000, 'catalog-good');
    expect(first.outcome.snapshotLocation).toBeDefined();
    const send = GlueClient.prototype.send;
    // The SDK call itself is refused (as IAM or Glue would), only GetCatalogs: everything else reaches moto.
    const spy = jest.spyOn(GlueClient.prototype, 'send').mockImplementation(function (this: GlueClient, command: unknown, ...rest: unknown[]) {
      if (command instanceof GetCatalogsCommand) return Promise.reject(Object.assign(new Error('User is not authorized to perform: glue:GetCatalogs'), { name: 'AccessDeniedException' }));
      return (send as (...a: unknown[]) => Promise<unknown>).call(this, command, ...rest);
    } as never);
    try {
      const { outcome, report } = await job.runStateMachine({}, 900_000, 'catalog-refused');
      expect(outcome.failed).toBeGreaterThan(0);
      expect(outcome.snapshotLocation).toBeUndefined();
      expect(report.failures).toContainEqual(expect.objectContaining({
        kind: 'snapshot', key: 'catalog-refused', error: expect.stringMatching(/catalog's own objects .*failed: .*glue:GetCatalogs, so no snapshot manifest was written/),
      }));
    } finally {
      spy.mockRestore();
    }
    expect(await job.readJson<{ runId: string }>('latest/snapshot.json')).toMatchObject({ runId: 'catalog-good' });
  });

  test('a tiny time budget makes every item continue table by table, with nothing lost or counted twice', async () => {
    await seedSampleLake(glueAt(job.endpoint, SOURCE));
    const { invocations, outcome, report } = await job.runStateMachine({}, 1);
    // More invocations than items: the continuation loop ran.
    expect(invocations).toBeGreaterThan(12);
    expect(outcome.failed).toBe(0);
    expect(report.counts.database).toMatchObject({ created: 8, unchanged: 0 });
    expect(report.counts.table).toMatchObject({ created: 12, unchanged: 0, failed: 0 });
    expect(report.counts.partition).toMatchObject({ created: 12, failed: 0 });

    // The snapshot parts of a database split over invocations still restore exactly.
    const restore = await motoCli(job.endpoint, 'restore', '--from', outcome.snapshotLocation!, '--target-region', 'ap-southeast-2', '--json');
    expect(restore.code).toBe(0);
    expect(restore.report.counts.table.created).toBe(6);

    // A second run over the unchanged lake: zero writes to Glue, even across continuations.
    const again = await job.runStateMachine({}, 1, 'second-run');
    const glueWrites = Object.entries(again.report.apiCalls).filter(([op]) => op.startsWith('glue:') && !/:(Get|BatchGet)/.test(op));
    expect(glueWrites).toEqual([]);
    expect(again.report.counts.table).toMatchObject({ created: 0, updated: 0, unchanged: 12 });
  });

  test('a dry run over a new lake continues across invocations without false failures and writes nothing', async () => {
    await seedSampleLake(glueAt(job.endpoint, SOURCE));
    const { outcome, report, invocations } = await job.runStateMachine({ dryRun: true }, 1, 'dry-new');
    expect(invocations).toBeGreaterThan(8);
    expect(outcome.failed).toBe(0);
    expect(report.counts.table).toMatchObject({ created: 12, failed: 0 });
    const glueWrites = Object.entries(report.apiCalls).filter(([op]) => op.startsWith('glue:') && !/:(Get|BatchGet)/.test(op));
    expect(glueWrites).toEqual([]);
  });

  test('run input overrides prune and the patterns for one run; prune is confined to the scope', async () => {
    await seedSampleLake(glueAt(job.endpoint, SOURCE));
    await job.runStateMachine({}, 900_000, 'first');
    await glueAt(job.endpoint, SOURCE).send(new DeleteTableCommand({ DatabaseName: 'sales', Name: 'audit_log' }));
    await glueAt(job.endpoint, TARGETS[0]).send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'only_in_target' } }));
    await glueAt(job.endpoint, TARGETS[0]).send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'tmp_kept' } }));

    const dry = await job.runStateMachine({ prune: true, dryRun: true }, 900_000, 'dry');
    expect(dry.report.dryRun).toBe(true);
    expect(dry.report.counts.table.deleted).toBe(2);
    expect(dry.report.counts.database.deleted).toBe(1);
    await expect(glueAt(job.endpoint, TARGETS[0]).send(new GetDatabaseCommand({ Name: 'only_in_target' }))).resolves.toBeDefined();

    const pruned = await job.runStateMachine({ prune: true }, 1, 'pruned');
    expect(pruned.outcome.failed).toBe(0);
    expect(pruned.report.counts.table.deleted).toBe(2);
    expect(pruned.report.counts.database.deleted).toBe(1);
    await expect(glueAt(job.endpoint, TARGETS[0]).send(new GetDatabaseCommand({ Name: 'only_in_target' }))).rejects.toThrow(/not found/i);
    // Excluded by the scope: never pruned.
    await expect(glueAt(job.endpoint, TARGETS[0]).send(new GetDatabaseCommand({ Name: 'tmp_kept' }))).resolves.toBeDefined();

    const narrowed = await job.runStateMachine({ databases: ['marketing'] }, 900_000, 'narrowed');
    expect(narrowed.resolved.databases).toBe(1);
    expect(narrowed.report.counts.partition.unchanged).toBe(0);
  });

  test('bad run input fails the resolve step with a readable error', async () => {
    await expect(resolve({ runId: 'bad', input: { prune: 'yes' } as unknown as RunInput })).rejects.toThrow(/"prune" must be true or false/);
    await expect(resolve({ runId: 'bad', input: { databases: ['sales['] } })).rejects.toThrow(/unclosed "\["/);
    await expect(resolve({ runId: 'bad', input: { dryrun: true } as unknown as RunInput })).rejects.toThrow(/unknown field "dryrun"/);
  });

  test('an item that never finished is a failure in the report, and the outcome says so', async () => {
    await seedSampleLake(glueAt(job.endpoint, SOURCE));
    const resolved = await resolve({ runId: 'crashed', input: {} });
    // Only the first item runs; the others "crashed" (their Lambda failed after retries).
    const items = await job.readJson<WorkItem[]>(resolved.itemsKey);
    await item({ runId: 'crashed', options: resolved.options, item: items[0] }, { getRemainingTimeInMillis: () => 900_000 });
    const outcome = await finalize({ runId: 'crashed' });
    expect(outcome.failed).toBeGreaterThan(0);
    expect(outcome.summary).toMatch(/did not complete/);
    expect(outcome.snapshotLocation).toBeUndefined();
  });

  test('finalize publishes the counts as CloudWatch embedded metrics', async () => {
    await seedSampleLake(glueAt(job.endpoint, SOURCE));
    const lines: string[] = [];
    jest.restoreAllMocks();
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { lines.push(String(chunk)); return true; });
    await job.runStateMachine({}, 900_000, 'metrics');
    const emf = lines.filter(l => l.includes('"_aws"')).map(l => JSON.parse(l));
    const tables = emf.find(m => m.Kind === 'table');
    expect(tables).toMatchObject({ Created: 12, Failed: 0 });
    expect(tables._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'LakeReplica', Dimensions: [['Kind']] });
    const total = emf.find(m => m.Kind === undefined);
    expect(total).toMatchObject({ Created: 8 + 12 + 12, Failed: 0 });
  });
});
