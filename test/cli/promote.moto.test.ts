import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateColumnStatisticsTaskSettingsCommand, CreateDatabaseCommand, CreateTableCommand, CreateTableOptimizerCommand, DeleteDatabaseCommand,
  GetCatalogCommand, GetColumnStatisticsTaskSettingsCommand, GetTableCommand, GetTableOptimizerCommand, UpdateCatalogCommand,
  type TableInput, type TableOptimizerConfiguration,
} from '@aws-sdk/client-glue';
import { deployedEngineSettings, ReplicationEngine } from '../../src/engine/engine';
import { AwsClients } from '../../src/engine/kernel/clients';
import { writeCalls } from '../../src/engine/kernel/report';
import { PROMOTED_PARAMETER } from '../../src/engine/promote/mark';
import type { PromoteReport } from '../../src/engine/promote/promote';
import type { JobSettings } from '../../src/shared/job-settings';
import { cli, glueAt, motoCli } from '../support/cli-harness';
import { useMoto } from '../support/moto';

/** `lake-replica promote` / `demote` and the promoted-Region guard, through the CLI, against the extended moto server (test/support/moto-server). */
const moto = useMoto();
const ACCOUNT = '123456789012';
const SOURCE = 'us-east-1';
const DR = 'us-west-2';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/optimizer`;
const glue = (region: string) => glueAt(moto().endpoint, region);
const sync = (...extra: string[]) => motoCli(moto().endpoint, 'sync', '--source-region', SOURCE, '--target-region', DR, '--skip', 'lake-formation', '--json', ...extra);
const promote = (...extra: string[]) => cli(moto().endpoint, 'promote', '--region', DR, ...extra);
const json = (r: { stdout: string }) => JSON.parse(r.stdout) as PromoteReport;

const COMPACTION: TableOptimizerConfiguration = {
  roleArn: ROLE, enabled: true, compactionConfiguration: { icebergConfiguration: { strategy: 'binpack' } },
};
const RETENTION: TableOptimizerConfiguration = {
  roleArn: ROLE, enabled: false, retentionConfiguration: { icebergConfiguration: { snapshotRetentionPeriodInDays: 5 } },
};

/** An Iceberg table of sales in the source (a materialized view with a `ViewDefinition`). */
function createIcebergTable(name: string, extra: Partial<TableInput> = {}) {
  return glue(SOURCE).send(new CreateTableCommand({
    DatabaseName: 'sales',
    TableInput: {
      Name: name,
      TableType: 'EXTERNAL_TABLE',
      Parameters: { table_type: 'ICEBERG', metadata_location: `s3://acme-lake-raw/sales/${name}/metadata/00001.metadata.json` },
      StorageDescriptor: { Columns: [{ Name: 'id', Type: 'bigint' }], Location: `s3://acme-lake-raw/sales/${name}/` },
      ...extra,
    },
  }));
}

async function seed(): Promise<void> {
  await glue(SOURCE).send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'sales' } }));
  await createIcebergTable('events');
  const create = (Type: 'compaction' | 'retention', TableOptimizerConfiguration: TableOptimizerConfiguration) => glue(SOURCE).send(
    new CreateTableOptimizerCommand({ CatalogId: ACCOUNT, DatabaseName: 'sales', TableName: 'events', Type, TableOptimizerConfiguration }));
  await create('compaction', COMPACTION);
  // Switched off in the source: a promotion that knows the source keeps it off.
  await create('retention', RETENTION);
  expect((await sync()).code).toBe(0);
}

async function enabled(region: string): Promise<Record<string, boolean | undefined>> {
  const out: Record<string, boolean | undefined> = {};
  for (const Type of ['compaction', 'retention'] as const) {
    const r = await glue(region).send(new GetTableOptimizerCommand({ CatalogId: ACCOUNT, DatabaseName: 'sales', TableName: 'events', Type }));
    out[Type] = r.TableOptimizer?.configuration?.enabled;
  }
  return out;
}

async function mark(region: string): Promise<string | undefined> {
  return (await glue(region).send(new GetCatalogCommand({ CatalogId: ACCOUNT }))).Catalog?.Parameters?.[PROMOTED_PARAMETER];
}

test('promote --dry-run prints the plan and writes nothing', async () => {
  await seed();
  expect(await enabled(DR)).toEqual({ compaction: false, retention: false });
  const dry = await promote('--dry-run');
  expect(dry.code).toBe(0);
  expect(dry.stdout).toContain(`Promote ${DR} (from the replica's own form), dry run:`);
  expect(dry.stdout).toContain('would update tableOptimizer sales.events/compaction (configuration)');
  expect(dry.stdout).toContain(`would mark ${DR} promoted`);
  expect(dry.stdout).toContain('Dry run: nothing was changed.');
  const report = json(await promote('--dry-run', '--json'));
  expect(writeCalls(report.apiCalls)).toBe(0);
  expect(report.marked).toBe(false);
  expect(await enabled(DR)).toEqual({ compaction: false, retention: false });
  expect(await mark(DR)).toBeUndefined();
});

test('promote from the replica alone enables every replicated optimizer and marks the Region; a second promote changes nothing and says so', async () => {
  await seed();
  const first = await promote();
  expect(first.code).toBe(0);
  expect(first.stdout).toContain('will update tableOptimizer sales.events/compaction (configuration)');
  expect(first.stdout).toContain('will update tableOptimizer sales.events/retention (configuration)');
  expect(first.stdout).toMatch(new RegExp(`Region ${DR} promoted: 2 object\\(s\\) switched on, marked promoted`));
  // Without the source's states, an optimizer the replica carries is enabled: the source had it configured.
  expect(await enabled(DR)).toEqual({ compaction: true, retention: true });
  expect(await mark(DR)).toMatch(/^\d{4}-\d\d-\d\dT/);

  const second = await promote();
  expect(second.code).toBe(0);
  expect(second.stdout).toContain('nothing to change');
  expect(second.stdout).toContain(`Region ${DR} is already promoted: nothing changed.`);
  const again = json(await promote('--json'));
  expect(again).toMatchObject({ changes: [], marked: false, promotedBefore: expect.any(String) });
  expect(writeCalls(again.apiCalls)).toBe(0);
});

test('promote --from a snapshot, with the source gone, enables the optimizers as the source ran them', async () => {
  await seed();
  const file = join(mkdtempSync(join(tmpdir(), 'promote-')), 'lake.jsonl.gz');
  expect((await motoCli(moto().endpoint, 'snapshot', '--source-region', SOURCE, '--skip', 'lake-formation', '--out', file)).code).toBe(0);
  await glue(SOURCE).send(new DeleteDatabaseCommand({ Name: 'sales' }));
  const r = json(await promote('--from', file, '--json'));
  expect(r.changes).toEqual([{ kind: 'tableOptimizer', key: 'sales.events/compaction', fields: ['configuration'] }]);
  expect(await enabled(DR)).toEqual({ compaction: true, retention: false });
});

test('promote --from a snapshot also switches on, as the source ran them, the default catalog\'s optimization, a materialized view\'s refresh and a statistics schedule', async () => {
  await glue(SOURCE).send(new UpdateCatalogCommand({
    CatalogId: ACCOUNT,
    CatalogInput: {
      CatalogProperties: {
        IcebergOptimizationProperties: {
          RoleArn: ROLE, Compaction: { enabled: 'true', strategy: 'binpack' }, Retention: { enabled: 'false', snapshotRetentionPeriodInDays: '5' },
        },
      },
    },
  }));
  await glue(SOURCE).send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'sales' } }));
  await glue(SOURCE).send(new CreateTableCommand({
    DatabaseName: 'sales',
    TableInput: { Name: 'orders', StorageDescriptor: { Columns: [{ Name: 'id', Type: 'bigint' }], Location: 's3://acme-lake-raw/sales/orders/' } },
  }));
  const sql = 'SELECT id, count(*) AS n FROM sales.orders GROUP BY id';
  await createIcebergTable('order_counts', {
    ViewDefinition: {
      IsManaged: true,
      Definer: ROLE,
      RefreshSeconds: 3600,
      SubObjects: [`arn:aws:glue:${SOURCE}:${ACCOUNT}:table/sales/orders`],
      Representations: [{ Dialect: 'SPARK', DialectVersion: '3.5', ViewOriginalText: sql, ViewExpandedText: sql }],
    },
  });
  await glue(SOURCE).send(new CreateColumnStatisticsTaskSettingsCommand({ DatabaseName: 'sales', TableName: 'orders', Role: ROLE, Schedule: 'cron(0 3 * * ? *)' }));
  const state = async () => {
    const catalog = (await glue(DR).send(new GetCatalogCommand({ CatalogId: ACCOUNT }))).Catalog!;
    const optimization = catalog.CatalogProperties?.IcebergOptimizationProperties;
    const view = (await glue(DR).send(new GetTableCommand({ DatabaseName: 'sales', Name: 'order_counts' }))).Table!;
    const task = await glue(DR).send(new GetColumnStatisticsTaskSettingsCommand({ DatabaseName: 'sales', TableName: 'orders' }));
    return {
      compaction: optimization?.Compaction?.enabled,
      retention: optimization?.Retention?.enabled,
      refresh: view.ViewDefinition?.RefreshSeconds,
      schedule: task.ColumnStatisticsTaskSettings?.Schedule?.State,
    };
  };
  const synced = await sync();
  expect({ code: synced.code, failures: synced.report.failures }).toEqual({ code: 0, failures: [] });
  // The replica runs none of them.
  expect(await state()).toEqual({ compaction: 'false', retention: 'false', refresh: undefined, schedule: 'NOT_SCHEDULED' });

  const file = join(mkdtempSync(join(tmpdir(), 'promote-')), 'lake.jsonl.gz');
  expect((await motoCli(moto().endpoint, 'snapshot', '--source-region', SOURCE, '--skip', 'lake-formation', '--out', file)).code).toBe(0);
  await glue(SOURCE).send(new DeleteDatabaseCommand({ Name: 'sales' }));
  const r = json(await promote('--from', file, '--json'));
  expect(r.changes.map(c => `${c.kind} ${c.key}`).sort()).toEqual([
    'catalogOptimization catalog/default', 'statisticsTaskSettings sales.orders/task-settings', 'table sales.order_counts',
  ]);
  expect(r.marked).toBe(true);
  // Retention was off in the source, so it stays off.
  expect(await state()).toEqual({ compaction: 'true', retention: 'false', refresh: 3600, schedule: 'SCHEDULED' });
  // The mark and the optimization share the default catalog: neither write lost the other.
  expect(await mark(DR)).toBeDefined();
  const again = json(await promote('--from', file, '--json'));
  expect(again).toMatchObject({ changes: [], marked: false });
  expect(writeCalls(again.apiCalls)).toBe(0);
});

test('promote --skip table-optimizers leaves them disabled (and still marks the Region)', async () => {
  await seed();
  const r = json(await promote('--skip', 'table-optimizers', '--json'));
  expect(r.changes).toEqual([]);
  expect(r.marked).toBe(true);
  expect(await enabled(DR)).toEqual({ compaction: false, retention: false });
});

test('the guard: sync, restore and the job refuse to write into the promoted Region (exit 1, naming it and demote); demote lifts it', async () => {
  await seed();
  const file = join(mkdtempSync(join(tmpdir(), 'promote-')), 'lake.jsonl.gz');
  expect((await motoCli(moto().endpoint, 'snapshot', '--source-region', SOURCE, '--skip', 'lake-formation', '--out', file)).code).toBe(0);
  expect((await promote()).code).toBe(0);

  const refused = await sync();
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain(`Region ${DR} was promoted to the primary`);
  expect(refused.stderr).toContain(`lake-replica demote --region ${DR}`);
  expect(refused.stderr).toContain(`remove ${DR} from targetRegions`);
  expect(writeCalls(refused.report.apiCalls)).toBe(0);
  const restore = await motoCli(moto().endpoint, 'restore', '--from', file, '--target-region', DR, '--skip', 'lake-formation', '--json');
  expect(restore.code).toBe(1);
  expect(restore.report.error).toMatch(new RegExp(`Region ${DR} was promoted`));
  expect(writeCalls(restore.report.apiCalls)).toBe(0);
  // The job's steps build their engine as the deployed construct does (the applier skips the Region instead: test/handlers/realtime.moto.test.ts).
  const settings = { sourceRegion: SOURCE, targetRegions: [DR], bucketMappings: [], tableConcurrency: 4 } as unknown as JobSettings;
  const clients = new AwsClients({ endpoint: moto().endpoint, maxAttempts: 1 });
  await expect(ReplicationEngine.create(deployedEngineSettings(settings, { prune: true, dryRun: false, databases: ['*'], excludeDatabases: [] }), clients))
    .rejects.toThrow(new RegExp(`Region ${DR} was promoted.*lake-replica demote --region ${DR}`, 's'));
  expect(writeCalls(clients.apiCalls)).toBe(0);
  // An engine that skips promoted targets (the applier's) converges named objects only, never a whole target.
  const skipping = await ReplicationEngine.create({
    ...deployedEngineSettings(settings, { prune: true, dryRun: false, databases: ['*'], excludeDatabases: [] }), promotedTargets: 'skip',
  }, clients);
  await expect(skipping.run()).rejects.toThrow(/promotedTargets "skip" converges named objects only/);
  expect(writeCalls(clients.apiCalls)).toBe(0);
  clients.destroy();
  // Read-only modes still compare: the runbook's verify of a failback.
  expect((await motoCli(moto().endpoint, 'verify', '--source-region', SOURCE, '--target-region', DR, '--skip', 'lake-formation')).code).not.toBe(1);
  // The optimizers the promotion enabled are untouched.
  expect(await enabled(DR)).toEqual({ compaction: true, retention: true });

  const dryDemote = await cli(moto().endpoint, 'demote', '--region', DR, '--dry-run');
  expect(dryDemote.stdout).toContain('demote would remove the mark');
  expect(await mark(DR)).toBeDefined();
  const demote = await cli(moto().endpoint, 'demote', '--region', DR);
  expect(demote.code).toBe(0);
  expect(demote.stdout).toContain(`Region ${DR} demoted`);
  expect(await mark(DR)).toBeUndefined();
  const resumed = await sync();
  expect(resumed.code).toBe(0);
  // A replica again: its optimizers are disabled once more.
  expect(await enabled(DR)).toEqual({ compaction: false, retention: false });
  expect((await cli(moto().endpoint, 'demote', '--region', DR)).stdout).toContain('is not promoted: nothing to demote');
});

test('the mark is a read-modify-write of the default catalog: its other settings are kept', async () => {
  await seed();
  const optimization = { RoleArn: ROLE, Compaction: { enabled: 'true' } };
  await glue(DR).send(new UpdateCatalogCommand({
    CatalogId: ACCOUNT,
    CatalogInput: { Description: 'dr', Parameters: { team: 'lake' }, CatalogProperties: { IcebergOptimizationProperties: optimization } },
  }));
  expect((await promote()).code).toBe(0);
  const promoted = (await glue(DR).send(new GetCatalogCommand({ CatalogId: ACCOUNT }))).Catalog!;
  expect(promoted).toMatchObject({ Description: 'dr', Parameters: { team: 'lake', [PROMOTED_PARAMETER]: expect.any(String) } });
  expect(promoted.CatalogProperties?.IcebergOptimizationProperties).toMatchObject(optimization);
  expect((await cli(moto().endpoint, 'demote', '--region', DR)).code).toBe(0);
  const demoted = (await glue(DR).send(new GetCatalogCommand({ CatalogId: ACCOUNT }))).Catalog!;
  expect(demoted.Parameters).toEqual({ team: 'lake' });
  expect(demoted.CatalogProperties?.IcebergOptimizationProperties).toMatchObject(optimization);
});

test('invalid usage exits 2 with a usage hint before any AWS call (no server at the endpoint)', async () => {
  const r = await cli('http://127.0.0.1:9', 'promote', '--target-region', DR);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('lake-replica: --target-region does not apply to promote');
  expect(r.stderr).toContain('Run "lake-replica --help" for usage.');
  expect((await cli('http://127.0.0.1:9', 'demote')).code).toBe(2);
});
