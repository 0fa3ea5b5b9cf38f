import type { Event } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GlueClient } from '@aws-sdk/client-glue';
import { FakeCloudTrail } from './fake-cloudtrail';
import { createLedgerTable, LEDGER_TABLE } from './ledger-table';
import { StreamReader } from './stream';
import { convergeByKind } from '../../../src/engine/engine';
import { glueObjectConverger } from '../../../src/engine/glue/objects';
import { LiveCatalogSource } from '../../../src/engine/glue/source';
import { AwsClients } from '../../../src/engine/kernel/clients';
import type { ObjectConverger } from '../../../src/engine/kernel/object-ref';
import { Scope } from '../../../src/engine/kernel/scope';
import { applyRecords, type ApplyOptions, type BatchResponse, type StreamRecord } from '../../../src/engine/realtime/applier';
import type { Clock } from '../../../src/engine/realtime/clock';
import { Ledger } from '../../../src/engine/realtime/ledger';
import { cloudTrailClient, poll, type PollResult } from '../../../src/engine/realtime/poller';
import { RecordedSignals } from '../../../src/engine/realtime/signals';
import { ATTACHED_KIND_NAMES } from '../../../src/shared/attached-kinds';
import { useTestCredentials } from '../cli-harness';
import { startMoto, type MotoServer } from '../moto';

/** A Glue converger the tests can wrap: the engine's, or one that fails some targets or objects. */
export interface GlueObjectConverger {
  converge: ObjectConverger;
}

export const SOURCE = 'us-east-1';
export const TARGETS = ['us-west-2', 'eu-west-1'];
export const BUCKET_MAPPINGS = [{ sourceBucket: 'acme-lake-raw', targetBucket: 'acme-lake-raw-dr' }];

/**
 * The near-real-time pipeline on moto: simulated CloudTrail events (the only mocked part; moto
 * has no LookupEvents) are polled into a real DynamoDB ledger, whose real stream records feed the applier.
 */
export class Pipeline {
  /** `maxAttempts`: per AWS call; 1 unless a test injects faults the SDK's retries must absorb. */
  static async start(endpoint: string, scope = new Scope({ excludeDatabases: ['tmp_*'] }), maxAttempts = 1): Promise<Pipeline> {
    const pipeline = new Pipeline(endpoint, scope, maxAttempts);
    await createLedgerTable(pipeline.clients.get(DynamoDBClient, SOURCE));
    return pipeline;
  }

  readonly clients: AwsClients;
  readonly ledger: Ledger;
  readonly trail = new FakeCloudTrail();
  readonly signals = new RecordedSignals();
  readonly stream: StreamReader;
  glue: GlueObjectConverger;
  lakeFormation?: ObjectConverger;

  private constructor(readonly endpoint: string, scope: Scope, maxAttempts: number) {
    this.clients = new AwsClients({ endpoint, maxAttempts });
    this.ledger = new Ledger(this.clients.get(DynamoDBClient, SOURCE), LEDGER_TABLE, 24 * 3600_000);
    this.stream = new StreamReader(endpoint, this.clients.get(DynamoDBClient, SOURCE), LEDGER_TABLE, SOURCE);
    const source = new LiveCatalogSource(this.clients, SOURCE, scope);
    // Every attached kind, as a deployed construct replicates by default.
    const attachedKinds = ATTACHED_KIND_NAMES;
    this.glue = { converge: glueObjectConverger({ clients: this.clients, source, scope, bucketMappings: BUCKET_MAPPINGS, attachedKinds }) };
  }

  glueAt(region: string) {
    return this.clients.get(GlueClient, region);
  }

  /** Adds simulated CloudTrail events and runs one poll over them. */
  async record(...events: Event[]): Promise<PollResult> {
    this.trail.add(...events);
    return poll({
      cloudtrail: cloudTrailClient(this.clients, SOURCE),
      ledger: this.ledger,
      targetRegions: TARGETS,
      lookbackMs: 3600_000,
      overlapMs: 15 * 60_000,
      lookupStrategy: 'write-events',
      lookupsPerSecond: 1000,
      signals: this.signals,
    });
  }

  /** The stream records the construct's filter would pass (PENDING images) since the last read. */
  pendingRecords(): Promise<StreamRecord[]> {
    return this.stream.readPending();
  }

  /** The engine's split of refs between the Glue and Lake Formation convergers, over the ones this pipeline holds (tests swap them). */
  apply(records: readonly StreamRecord[], extra: Partial<ApplyOptions> & { clock?: Clock; glue?: GlueObjectConverger } = {}): Promise<BatchResponse> {
    const { glue = this.glue, ...options } = extra;
    const converge: ObjectConverger = (refs, region) =>
      convergeByKind(refs, region, { glue: (r, at) => glue.converge(r, at), lakeFormation: this.lakeFormation });
    return applyRecords(records, { ledger: this.ledger, converge, signals: this.signals, ...options });
  }

  /** Records the events, then applies the stream records they produced. */
  async flow(...events: Event[]): Promise<BatchResponse> {
    await this.record(...events);
    return this.apply(await this.pendingRecords());
  }

  stop(): void {
    this.trail.restore();
    this.clients.destroy();
  }
}

/** One moto for the test file, reset before each test, with a fresh pipeline (ledger table included). */
export function usePipeline(): () => Pipeline {
  let moto: MotoServer;
  let pipeline: Pipeline | undefined;
  beforeAll(async () => {
    useTestCredentials();
    moto = await startMoto();
  });
  afterAll(() => moto.stop());
  beforeEach(async () => {
    await moto.reset();
    pipeline = await Pipeline.start(moto.endpoint);
  });
  afterEach(() => pipeline?.stop());
  return () => pipeline!;
}
