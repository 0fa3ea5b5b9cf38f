import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { TEST_CREDENTIALS, useTestCredentials } from './cli-harness';
import { startMoto, type MotoServer } from './moto';
import { LAKE_FORMATION_ITEMS, type ItemState, type ResolvedRun, type RunOutcome, type WorkItem } from '../../src/engine/job/job-types';
import type { Report } from '../../src/engine/kernel/report';
import { handler as finalize } from '../../src/handlers/finalize.lambda';
import { handler as item } from '../../src/handlers/item.lambda';
import { handler as resolve } from '../../src/handlers/resolve.lambda';
import { JOB_SETTINGS_ENV, type JobSettings, type RunInput } from '../../src/shared/job-settings';
import { kindsWithout } from '../../src/shared/lake-formation-kinds';

export const SOURCE = 'us-east-1';
export const TARGETS = ['us-west-2', 'eu-west-1'];
export const BUCKET = 'lake-replica-runs';
export const SETTINGS: JobSettings = {
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

/** The on-demand job's handlers against a moto of this test file's own, with the run bucket made before each test. */
export class JobHarness {
  private moto?: MotoServer;
  private s3?: S3Client;

  get endpoint(): string {
    return this.moto!.endpoint;
  }

  async start(): Promise<void> {
    useTestCredentials();
    this.moto = await startMoto();
    process.env.AWS_ENDPOINT_URL = this.moto.endpoint;
    process.env.AWS_REGION = SOURCE;
    process.env[JOB_SETTINGS_ENV] = JSON.stringify(SETTINGS);
    this.s3 = new S3Client({ region: SOURCE, endpoint: this.moto.endpoint, credentials: TEST_CREDENTIALS, forcePathStyle: true });
  }

  async stop(): Promise<void> {
    delete process.env.AWS_ENDPOINT_URL;
    await this.moto?.stop();
  }

  async reset(): Promise<void> {
    await this.moto!.reset();
    await this.s3!.send(new CreateBucketCommand({ Bucket: BUCKET }));
  }

  async readJson<T>(key: string): Promise<T> {
    return JSON.parse(await (await this.s3!.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString()) as T;
  }

  /**
   * Drives the state machine's sequence with the real step inputs and outputs: resolve, Lake Formation
   * before, the distributed map's items (each looping on its own output while not done), Lake Formation
   * after, then finalize. `remainingMs` is what each invocation is told it has left; a tiny budget forces
   * continuations. `invocations` counts the map's item invocations only.
   */
  async runStateMachine(input: RunInput, remainingMs: number, runId = `run-${Date.now()}`) {
    const resolved: ResolvedRun = await resolve({ runId, input });
    const items = await this.readJson<WorkItem[]>(resolved.itemsKey);
    const context = { getRemainingTimeInMillis: () => remainingMs };
    const [before, after] = LAKE_FORMATION_ITEMS;
    await item({ runId: resolved.runId, options: resolved.options, item: before }, context);
    let invocations = 0;
    for (const work of items) {
      let state: ItemState = { runId: resolved.runId, options: resolved.options, item: work };
      do {
        state = await item(state, context);
        invocations++;
        expect(invocations).toBeLessThan(500);
      } while (!state.done);
    }
    await item({ runId: resolved.runId, options: resolved.options, item: after }, context);
    const outcome: RunOutcome = await finalize({ runId: resolved.runId });
    const report = await this.readJson<Report & { snapshotLocation?: string }>(`runs/${runId}/report.json`);
    return { resolved, items, invocations, outcome, report };
  }
}

/** One harness for a test file: moto started once, reset and the run bucket made before each test, stdout kept quiet. */
export function useJobHarness(): JobHarness {
  const job = new JobHarness();
  beforeAll(() => job.start());
  afterAll(() => job.stop());
  beforeEach(async () => {
    await job.reset();
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => jest.restoreAllMocks());
  return job;
}
