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
   * before, the distributed map's items, Lake Formation after, then finalize; each item and each Lake
   * Formation phase loops on its own output while not done. `remainingMs` is what each invocation is told
   * it has left (a tiny budget forces continuations); `lakeFormationMs`, when given, is what the Lake
   * Formation invocations are told instead. `invocations` counts the map's item invocations,
   * `lakeFormationInvocations` those of the two phases.
   */
  async runStateMachine(input: RunInput, remainingMs: number, runId = `run-${Date.now()}`, lakeFormationMs = remainingMs) {
    const resolved: ResolvedRun = await resolve({ runId, input });
    const items = await this.readJson<WorkItem[]>(resolved.itemsKey);
    const looped = async (work: WorkItem, budget: number, limit: number): Promise<number> => {
      const context = { getRemainingTimeInMillis: () => budget };
      let state: ItemState = { runId: resolved.runId, options: resolved.options, item: work };
      let n = 0;
      do {
        state = await item(state, context);
        n++;
        expect(n).toBeLessThan(limit);
      } while (!state.done);
      return n;
    };
    const [before, after] = LAKE_FORMATION_ITEMS;
    let lakeFormationInvocations = await looped(before, lakeFormationMs, 2000);
    let invocations = 0;
    for (const work of items) {
      invocations += await looped(work, remainingMs, 500);
      expect(invocations).toBeLessThan(500);
    }
    lakeFormationInvocations += await looped(after, lakeFormationMs, 2000);
    const outcome: RunOutcome = await finalize({ runId: resolved.runId });
    const report = await this.readJson<Report & { snapshotLocation?: string }>(`runs/${runId}/report.json`);
    return { resolved, items, invocations, lakeFormationInvocations, outcome, report };
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
