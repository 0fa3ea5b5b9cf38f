import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { Event } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GlueClient } from '@aws-sdk/client-glue';
import { FakeCloudTrail } from './fake-cloudtrail';
import { createLedgerTable, LEDGER_TABLE } from './ledger-table';
import { StreamReader } from './stream';
import { GlueConverger, type GlueObjectConverger, type LakeFormationConverger } from '../../../src/engine/glue/objects';
import { AwsClients } from '../../../src/engine/kernel/clients';
import { Scope } from '../../../src/engine/kernel/scope';
import { applyRecords, type ApplyOptions, type BatchResponse, type StreamRecord } from '../../../src/engine/realtime/applier';
import type { Clock } from '../../../src/engine/realtime/clock';
import { Ledger } from '../../../src/engine/realtime/ledger';
import { poll, type PollResult } from '../../../src/engine/realtime/poller';
import { RecordedSignals } from '../../../src/engine/realtime/signals';
import { useTestCredentials } from '../../support/cli-harness';
import { startMoto, type MotoServer } from '../../support/moto';

export const SOURCE = 'us-east-1';
export const TARGETS = ['us-west-2', 'eu-west-1'];
export const BUCKET_MAPPINGS = [{ sourceBucket: 'acme-lake-raw', targetBucket: 'acme-lake-raw-dr' }];

/**
 * The near-real-time pipeline on moto: simulated CloudTrail events (the only mocked part; moto
 * has no LookupEvents) are polled into a real DynamoDB ledger, whose real stream records feed the applier.
 */
export class Pipeline {
  static async start(endpoint: string, scope = new Scope({ excludeDatabases: ['tmp_*'] })): Promise<Pipeline> {
    const pipeline = new Pipeline(endpoint, scope);
    await createLedgerTable(pipeline.clients.get(DynamoDBClient, SOURCE));
    return pipeline;
  }

  readonly clients: AwsClients;
  readonly ledger: Ledger;
  readonly trail = new FakeCloudTrail();
  readonly signals = new RecordedSignals();
  readonly stream: StreamReader;
  glue: GlueObjectConverger;
  lakeFormation?: LakeFormationConverger;

  private constructor(readonly endpoint: string, scope: Scope) {
    this.clients = new AwsClients({ endpoint, maxAttempts: 1 });
    this.ledger = new Ledger(this.clients.get(DynamoDBClient, SOURCE), LEDGER_TABLE, 24 * 3600_000);
    this.stream = new StreamReader(endpoint, this.clients.get(DynamoDBClient, SOURCE), LEDGER_TABLE, SOURCE);
    this.glue = new GlueConverger({ clients: this.clients, sourceRegion: SOURCE, scope, bucketMappings: BUCKET_MAPPINGS });
  }

  glueAt(region: string) {
    return this.clients.get(GlueClient, region);
  }

  /** Adds simulated CloudTrail events and runs one poll over them. */
  async record(...events: Event[]): Promise<PollResult> {
    this.trail.add(...events);
    return poll({
      cloudtrail: this.clients.get(CloudTrailClient, SOURCE),
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

  apply(records: readonly StreamRecord[], extra: Partial<ApplyOptions> & { clock?: Clock } = {}): Promise<BatchResponse> {
    return applyRecords(records, { ledger: this.ledger, glue: this.glue, lakeFormation: this.lakeFormation, signals: this.signals, ...extra });
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
