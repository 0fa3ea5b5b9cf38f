import { GetDatabaseCommand, GetTablesCommand, CreateDatabaseCommand, DeleteTableCommand } from '@aws-sdk/client-glue';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LAKE_FORMATION_ITEMS, type ItemState, type ResolvedRun, type RunOutcome, type WorkItem } from '../../src/engine/job/job-types';
import type { Report } from '../../src/engine/report';
import { handler as finalize } from '../../src/handlers/finalize.lambda';
import { handler as item } from '../../src/handlers/item.lambda';
import { handler as resolve } from '../../src/handlers/resolve.lambda';
import { JOB_SETTINGS_ENV, type JobSettings, type RunInput } from '../../src/shared/job-settings';
import { kindsWithout } from '../../src/shared/lake-formation-kinds';
import { glueAt, motoCli, TEST_CREDENTIALS, useTestCredentials } from '../support/cli-harness';
import { startMoto, type MotoServer } from '../support/moto';
import { seedSampleLake } from '../support/sample-lake';

const SOURCE = 'us-east-1';
const TARGETS = ['us-west-2', 'eu-west-1'];
const BUCKET = 'lake-replica-runs';
const SETTINGS: JobSettings = {
  sourceRegion: SOURCE,
  targetRegions: TARGETS,
  databases: ['*'],
  excludeDatabases: ['tmp_*'],
  bucketMappings: [{ sourceBucket: 'acme-lake-raw', targetBucket: 'acme-lake-raw-dr' }],
  snapshotBucket: BUCKET,
  tableConcurrency: 2,
  metricNamespace: 'LakeReplica',
  // moto lacks opt-ins and LF-tag expressions; the mocked tests cover them.
  lakeFormationKinds: kindsWithout(['opt-ins', 'lf-tag-expressions']),
};

let moto: MotoServer;
let s3: S3Client;
beforeAll(async () => {
  useTestCredentials();
  moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  process.env.AWS_REGION = SOURCE;
  process.env[JOB_SETTINGS_ENV] = JSON.stringify(SETTINGS);
  s3 = new S3Client({ region: SOURCE, endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, forcePathStyle: true });
});
afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL;
  await moto.stop();
});
beforeEach(async () => {
  await moto.reset();
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => jest.restoreAllMocks());

/**
 * Drives the state machine's sequence with the real step inputs and outputs: resolve, then the
 * distributed map's items (each looping on its own output while not done), then finalize.
 * `remainingMs` is what each invocation is told it has left; a tiny budget forces continuations.
 */
async function readJson<T>(key: string): Promise<T> {
  return JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString()) as T;
}

async function runStateMachine(input: RunInput, remainingMs: number, runId = `run-${Date.now()}`) {
  const resolved: ResolvedRun = await resolve({ runId, input });
  const items = await readJson<WorkItem[]>(resolved.itemsKey);
  const [lakeFormationBefore, lakeFormationAfter] = LAKE_FORMATION_ITEMS.map(work =>
    () => item({ runId: resolved.runId, options: resolved.options, item: work }, { getRemainingTimeInMillis: () => remainingMs }));
  await lakeFormationBefore();
  let invocations = 0;
  for (const work of items) {
    let state: ItemState = { runId: resolved.runId, options: resolved.options, item: work };
    do {
      state = await item(state, { getRemainingTimeInMillis: () => remainingMs });
      invocations++;
      expect(invocations).toBeLessThan(500);
    } while (!state.done);
  }
  await lakeFormationAfter();
  const outcome: RunOutcome = await finalize({ runId: resolved.runId });
  const report = await readJson<Report & { snapshotLocation?: string }>(`runs/${runId}/report.json`);
  return { resolved, items, invocations, outcome, report };
}

describe('on-demand job handlers against moto', () => {
  test('one invocation per item: replicates into both targets, writes the report and a restorable snapshot', async () => {
    await seedSampleLake(glueAt(moto.endpoint, SOURCE));
    const { resolved, items, invocations, outcome, report } = await runStateMachine({}, 900_000);
    expect(resolved).toMatchObject({ databases: 4, items: 4 * 3, options: { prune: false, dryRun: false } });
    expect(items.filter(i => i.kind === 'snapshot').map(i => i.database).sort()).toEqual(['marketing', 'partner_feed', 'sales', 'shared_sales']);
    expect(invocations).toBe(12);
    expect(outcome.failed).toBe(0);
    expect(report.counts.database.created).toBe(8);
    expect(report.counts.table.created).toBe(12);
    expect(report.counts.partition.created).toBe(12);
    for (const region of TARGETS) {
      const tables = (await glueAt(moto.endpoint, region).send(new GetTablesCommand({ DatabaseName: 'sales' }))).TableList!;
      expect(tables.find(t => t.Name === 'orders')!.StorageDescriptor!.Location).toBe('s3://acme-lake-raw-dr/sales/orders/');
    }
    expect(outcome.snapshotLocation).toBe(`s3://${BUCKET}/runs/${resolved.runId}/snapshot/manifest.json`);

    // The run's snapshot restores with the CLI into a third Region, the source not read.
    const restore = await motoCli(moto.endpoint, 'restore', '--from', outcome.snapshotLocation!, '--target-region', 'ap-southeast-2', '--json');
    expect(restore.code).toBe(0);
    expect(restore.report.counts.table.created).toBe(6);
    expect(restore.report.counts.partition.created).toBe(6);
  });

  test('a tiny time budget makes every item continue table by table, with nothing lost or counted twice', async () => {
    await seedSampleLake(glueAt(moto.endpoint, SOURCE));
    const { invocations, outcome, report } = await runStateMachine({}, 1);
    // More invocations than items: the continuation loop ran.
    expect(invocations).toBeGreaterThan(12);
    expect(outcome.failed).toBe(0);
    expect(report.counts.database).toMatchObject({ created: 8, unchanged: 0 });
    expect(report.counts.table).toMatchObject({ created: 12, unchanged: 0, failed: 0 });
    expect(report.counts.partition).toMatchObject({ created: 12, failed: 0 });

    // The snapshot parts of a database split over invocations still restore exactly.
    const restore = await motoCli(moto.endpoint, 'restore', '--from', outcome.snapshotLocation!, '--target-region', 'ap-southeast-2', '--json');
    expect(restore.code).toBe(0);
    expect(restore.report.counts.table.created).toBe(6);

    // A second run over the unchanged lake: zero writes to Glue, even across continuations.
    const again = await runStateMachine({}, 1, 'second-run');
    const glueWrites = Object.entries(again.report.apiCalls).filter(([op]) => op.startsWith('glue:') && !/:(Get|BatchGet)/.test(op));
    expect(glueWrites).toEqual([]);
    expect(again.report.counts.table).toMatchObject({ created: 0, updated: 0, unchanged: 12 });
  });

  test('a dry run over a new lake continues across invocations without false failures and writes nothing', async () => {
    await seedSampleLake(glueAt(moto.endpoint, SOURCE));
    const { outcome, report, invocations } = await runStateMachine({ dryRun: true }, 1, 'dry-new');
    expect(invocations).toBeGreaterThan(8);
    expect(outcome.failed).toBe(0);
    expect(report.counts.table).toMatchObject({ created: 12, failed: 0 });
    const glueWrites = Object.entries(report.apiCalls).filter(([op]) => op.startsWith('glue:') && !/:(Get|BatchGet)/.test(op));
    expect(glueWrites).toEqual([]);
  });

  test('run input overrides prune and the patterns for one run; prune is confined to the scope', async () => {
    await seedSampleLake(glueAt(moto.endpoint, SOURCE));
    await runStateMachine({}, 900_000, 'first');
    await glueAt(moto.endpoint, SOURCE).send(new DeleteTableCommand({ DatabaseName: 'sales', Name: 'audit_log' }));
    await glueAt(moto.endpoint, TARGETS[0]).send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'only_in_target' } }));
    await glueAt(moto.endpoint, TARGETS[0]).send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'tmp_kept' } }));

    const dry = await runStateMachine({ prune: true, dryRun: true }, 900_000, 'dry');
    expect(dry.report.dryRun).toBe(true);
    expect(dry.report.counts.table.deleted).toBe(2);
    expect(dry.report.counts.database.deleted).toBe(1);
    await expect(glueAt(moto.endpoint, TARGETS[0]).send(new GetDatabaseCommand({ Name: 'only_in_target' }))).resolves.toBeDefined();

    const pruned = await runStateMachine({ prune: true }, 1, 'pruned');
    expect(pruned.outcome.failed).toBe(0);
    expect(pruned.report.counts.table.deleted).toBe(2);
    expect(pruned.report.counts.database.deleted).toBe(1);
    await expect(glueAt(moto.endpoint, TARGETS[0]).send(new GetDatabaseCommand({ Name: 'only_in_target' }))).rejects.toThrow(/not found/i);
    // Excluded by the scope: never pruned.
    await expect(glueAt(moto.endpoint, TARGETS[0]).send(new GetDatabaseCommand({ Name: 'tmp_kept' }))).resolves.toBeDefined();

    const narrowed = await runStateMachine({ databases: ['marketing'] }, 900_000, 'narrowed');
    expect(narrowed.resolved.databases).toBe(1);
    expect(narrowed.report.counts.partition.unchanged).toBe(0);
  });

  test('bad run input fails the resolve step with a readable error', async () => {
    await expect(resolve({ runId: 'bad', input: { prune: 'yes' } as unknown as RunInput })).rejects.toThrow(/"prune" must be true or false/);
    await expect(resolve({ runId: 'bad', input: { databases: ['sales['] } })).rejects.toThrow(/unclosed "\["/);
    await expect(resolve({ runId: 'bad', input: { dryrun: true } as unknown as RunInput })).rejects.toThrow(/unknown field "dryrun"/);
  });

  test('an item that never finished is a failure in the report, and the outcome says so', async () => {
    await seedSampleLake(glueAt(moto.endpoint, SOURCE));
    const resolved = await resolve({ runId: 'crashed', input: {} });
    // Only the first item runs; the others "crashed" (their Lambda failed after retries).
    const items = await readJson<WorkItem[]>(resolved.itemsKey);
    await item({ runId: 'crashed', options: resolved.options, item: items[0] }, { getRemainingTimeInMillis: () => 900_000 });
    const outcome = await finalize({ runId: 'crashed' });
    expect(outcome.failed).toBeGreaterThan(0);
    expect(outcome.summary).toMatch(/did not complete/);
    expect(outcome.snapshotLocation).toBeUndefined();
  });

  test('finalize publishes the counts as CloudWatch embedded metrics', async () => {
    await seedSampleLake(glueAt(moto.endpoint, SOURCE));
    const lines: string[] = [];
    jest.restoreAllMocks();
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { lines.push(String(chunk)); return true; });
    await runStateMachine({}, 900_000, 'metrics');
    const emf = lines.filter(l => l.includes('"_aws"')).map(l => JSON.parse(l));
    const tables = emf.find(m => m.Kind === 'table');
    expect(tables).toMatchObject({ Created: 12, Failed: 0 });
    expect(tables._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'LakeReplica', Dimensions: [['Kind']] });
    const total = emf.find(m => m.Kind === undefined);
    expect(total).toMatchObject({ Created: 8 + 12 + 12, Failed: 0 });
  });
});
