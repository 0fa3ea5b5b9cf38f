import { BatchCreatePartitionCommand, CreateDatabaseCommand, CreateTableCommand } from '@aws-sdk/client-glue';
import type { ObjectRef } from '../../../src/engine/kernel/object-ref';
import type { BatchResponse, StreamRecord } from '../../../src/engine/realtime/applier';
import { ENGINE_MAX_ATTEMPTS } from '../../support/bench-sync';
import { compareCatalogs, readCatalog } from '../../support/catalog-state';
import { cliWithEnv, glueAt } from '../../support/cli-harness';
import { expectFaultsInjected, useFaultProxy, type FaultKind, type FaultRule } from '../../support/fault-proxy';
import { startMoto, useTestCredentials, type MotoServer } from '../../support/moto';
import { FakeClock } from '../../support/realtime/fake-cloudtrail';
import { BUCKET_MAPPINGS, Pipeline, SOURCE, TARGETS, type GlueObjectConverger } from '../../support/realtime/pipeline';
import { params, trailEvent } from '../../support/realtime/trail-events';
import { parquet } from '../../support/sample-lake';

/*
 * The near-real-time applier on moto, with its AWS calls (Glue in both targets, and the ledger) through a
 * proxy that injects faults, and the SDK's retries at the engine's default attempts. The ledger's stream
 * is read around the faults, as Lambda would deliver it. Targets are judged directly at moto.
 */
let moto: MotoServer;
beforeAll(async () => {
  useTestCredentials();
  moto = await startMoto();
});
afterAll(() => moto.stop());
const faults = useFaultProxy(() => moto.endpoint);
let p: Pipeline;
beforeEach(async () => {
  await moto.reset();
  p = await Pipeline.start(faults().endpoint, undefined, ENGINE_MAX_ATTEMPTS);
});
afterEach(() => p.stop());

const [WEST, EU] = TARGETS;
const DATABASE = 'sales';
const TABLES = Array.from({ length: 6 }, (_, i) => `orders_${i}`);
const DAYS = Array.from({ length: 10 }, (_, i) => `2026-01-${String(i + 1).padStart(2, '0')}`);
const direct = (region: string) => glueAt(moto.endpoint, region);
/** What the applier's own calls go through: Glue in every Region, and the ledger's reads and writes (not its stream). */
const APPLY_CALLS = ['glue:*', 'dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'];

async function seedSource(): Promise<void> {
  const glue = direct(SOURCE);
  await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: DATABASE, LocationUri: `s3://acme-lake-raw/${DATABASE}/`, Parameters: { owner: 'Revenue Ops' } } }));
  for (const table of TABLES) {
    await glue.send(new CreateTableCommand({
      DatabaseName: DATABASE,
      TableInput: {
        Name: table,
        TableType: 'EXTERNAL_TABLE',
        StorageDescriptor: parquet(`s3://acme-lake-raw/${DATABASE}/${table}/`, [['id', 'bigint'], ['amount', 'double']]),
        PartitionKeys: [{ Name: 'dt', Type: 'string' }],
        Parameters: { classification: 'parquet' },
      },
    }));
    await glue.send(new BatchCreatePartitionCommand({
      DatabaseName: DATABASE,
      TableName: table,
      PartitionInputList: DAYS.map(dt => ({ Values: [dt], StorageDescriptor: parquet(`s3://acme-lake-raw/${DATABASE}/${table}/dt=${dt}/`, [['id', 'bigint']]) })),
    }));
  }
}

/** The CloudTrail events of that seeding, polled into the ledger: the records of one stream batch. */
async function recordedBatch(): Promise<{ ids: string[]; records: StreamRecord[] }> {
  const now = new Date();
  const events = [
    trailEvent({ id: 'db', name: 'CreateDatabase', time: now, params: params.createDatabase(DATABASE) }),
    ...TABLES.map(t => trailEvent({ id: `table-${t}`, name: 'CreateTable', time: now, params: params.createTable(DATABASE, t) })),
    ...TABLES.map(t => trailEvent({ id: `partitions-${t}`, name: 'BatchCreatePartition', time: now, params: params.batchCreatePartition(DATABASE, t, DAYS.map(d => [d])) })),
  ];
  await p.record(...events);
  const records = await p.pendingRecords();
  expect(records).toHaveLength(events.length);
  return { ids: events.map(e => e.EventId!), records };
}

/** Each event's state, per-target status and last errors in the ledger, read with the faults switched off. */
async function ledgerStates(ids: readonly string[]): Promise<Record<string, string>> {
  faults().setRules([]);
  const out: Record<string, string> = {};
  for (const id of ids) {
    const event = await p.ledger.getEvent(id);
    if (!event) {
      out[id] = 'missing';
      continue;
    }
    const errors = TARGETS.filter(t => event.targets[t]?.lastError).map(t => `${t}: ${event.targets[t].lastError}`);
    out[id] = `${event.state} ${TARGETS.map(t => `${t}=${event.targets[t]?.status}`).join(' ')}${errors.length > 0 ? ` (${errors.join('; ')})` : ''}`;
  }
  return out;
}
const allApplied = (ids: readonly string[]) => Object.fromEntries(ids.map(id => [id, `DONE ${WEST}=APPLIED ${EU}=APPLIED`]));

/** Both targets against the source, object by object, read directly at moto. */
async function targetDifferences() {
  const mapping = Object.fromEntries(BUCKET_MAPPINGS.map(m => [m.sourceBucket, m.targetBucket]));
  const source = await readCatalog(direct(SOURCE));
  expect(source.size).toBe(1 + TABLES.length * (1 + DAYS.length));
  const out: Record<string, unknown> = {};
  for (const region of TARGETS) out[region] = compareCatalogs(source, await readCatalog(direct(region)), mapping);
  return out;
}
const converged = () => Object.fromEntries(TARGETS.map(t => [t, { missing: [], extra: [], changed: [] }]));

/** Converges the objects `before` picks for real in `region`, then fails as a crash does; other Regions are untouched. */
function crashingAfter(real: GlueObjectConverger, region: string, crash: () => Promise<never>): GlueObjectConverger {
  return {
    async converge(refs, at) {
      if (at !== region) return real.converge(refs, at);
      await real.converge(refs.filter(before), at);
      return crash();
    },
  };
}
/** What reaches the target before the crash: the database and the first three tables, none of their partitions. */
const before = (ref: ObjectRef) => ref.kind === 'database' || (ref.kind === 'table' && TABLES.indexOf(ref.table) < 3);

/** Every object written once per target, over every delivery of the batch: no duplicate writes. */
function expectEachWrittenOnce(): void {
  const writes = p.clients.apiCalls;
  expect([writes['glue:CreateDatabase'], writes['glue:CreateTable'], writes['glue:BatchCreatePartition']])
    .toEqual([TARGETS.length, TABLES.length * TARGETS.length, TABLES.length * TARGETS.length]);
  expect(Object.keys(writes).filter(op => /^glue:(Update|BatchUpdate|Delete|BatchDelete)/.test(op))).toEqual([]);
}

const NO_FAILURES: BatchResponse = { batchItemFailures: [] };

describe('applier under injected faults: the ledger ends APPLIED, the targets converged, no event lost', () => {
  test('throttling, 500, 503, dropped connections and latency at 30% of Glue and ledger calls while applying a batch', async () => {
    await seedSource();
    const { ids, records } = await recordedBatch();
    const kinds: FaultKind[] = ['throttle', 'error500', 'error503', 'drop', 'latency'];
    faults().setRules([{ operations: APPLY_CALLS, rate: 0.3, faults: kinds }]);
    expect(await p.apply(records)).toEqual(NO_FAILURES);
    expectFaultsInjected(faults(), 'glue', kinds, 0.3);
    expect(faults().injected.some(f => f.operation.startsWith('dynamodb:'))).toBe(true);
    expect(await ledgerStates(ids)).toEqual(allApplied(ids));
    expect(await targetDifferences()).toEqual(converged());
    // Adaptive retry slows every client down after throttling, and each table brings its attached kinds' reads
    // (column statistics a partition among them): a bound for a loaded machine, not a measure of speed.
  }, 300_000);

  test('a lost reply from Glue: the first CreateDatabase, CreateTable and BatchCreatePartition in one target take effect, their answers are lost', async () => {
    await seedSource();
    const { ids, records } = await recordedBatch();
    const lose = (operation: string): FaultRule => ({ operations: [`glue:${operation}`], regions: [WEST], rate: 1, faults: ['lostResponse'], limit: 1 });
    faults().setRules(['CreateDatabase', 'CreateTable', 'BatchCreatePartition'].map(lose));
    const response = await p.apply(records);
    expect(faults().injected.map(f => f.operation).sort()).toEqual(['glue:BatchCreatePartition', 'glue:CreateDatabase', 'glue:CreateTable']);
    expect(await ledgerStates(ids)).toEqual(allApplied(ids));
    expect(response).toEqual(NO_FAILURES);
    expect(await targetDifferences()).toEqual(converged());
  });

  test('a lost reply from the ledger: the outcome is written and its answer lost; the retry writes it again', async () => {
    await seedSource();
    const { ids, records } = await recordedBatch();
    faults().setRules([{ operations: ['dynamodb:UpdateItem'], rate: 1, faults: ['lostResponse'], limit: 3 }]);
    expect(await p.apply(records)).toEqual(NO_FAILURES);
    expect(faults().count('lostResponse', 'dynamodb:UpdateItem')).toBe(3);
    expect(await ledgerStates(ids)).toEqual(allApplied(ids));
    expect(await targetDifferences()).toEqual(converged());
  });

  test('a crash in the middle of a batch (the converger throws after some objects were converged): the stream\'s retry converges the rest, nothing written twice', async () => {
    await seedSource();
    const { ids, records } = await recordedBatch();
    const clock = new FakeClock(Date.now());
    const crash = () => Promise.reject(new Error('Runtime.ExitError: RequestId: 1f2e Error: Runtime exited with error: signal: killed'));
    const first = await p.apply(records, { clock, glue: crashingAfter(p.glue, WEST, crash) });
    // Every event is handed back to the stream: none is dropped as done.
    expect(first.batchItemFailures.map(f => f.itemIdentifier).sort()).toEqual(records.map(r => r.dynamodb!.SequenceNumber!).sort());
    for (const state of Object.values(await ledgerStates(ids))) expect(state).toMatch(new RegExp(`^FAILED ${WEST}=FAILED ${EU}=APPLIED .*Runtime.ExitError`));

    expect(await p.apply(records, { clock })).toEqual(NO_FAILURES);
    expect(await ledgerStates(ids)).toEqual(allApplied(ids));
    expect(await targetDifferences()).toEqual(converged());
    expectEachWrittenOnce();
  });

  test('a crash that kills the invocation mid-batch (nothing recorded after it): the redelivered batch converges the rest', async () => {
    await seedSource();
    const { ids, records } = await recordedBatch();
    // The invocation stops inside the West target's convergence and never answers.
    let crashed!: () => void;
    const stopped = new Promise<void>(resolve => { crashed = resolve; });
    const killed = () => {
      crashed();
      return new Promise<never>(() => undefined);
    };
    void p.apply(records, { glue: crashingAfter(p.glue, WEST, killed) });
    await stopped;
    expect(new Set(Object.values(await ledgerStates(ids)).map(s => s.split(' ')[0]))).toEqual(new Set(['PENDING']));

    // Lambda delivers the same records again, to a new invocation.
    expect(await p.apply(records)).toEqual(NO_FAILURES);
    expect(await ledgerStates(ids)).toEqual(allApplied(ids));
    expect(await targetDifferences()).toEqual(converged());
    expectEachWrittenOnce();
  });
});

describe('applier overlapping a sync', () => {
  test('a sync writes the objects between the applier\'s read and its write: the sync exits 0, the batch is APPLIED, the targets are the source', async () => {
    await seedSource();
    const { ids, records } = await recordedBatch();
    // The applier has read the West target (no database there) and is about to create the database: a sync runs now.
    const gate = faults().holdNext('glue:CreateDatabase', WEST);
    const applying = p.apply(records);
    await gate.reached;
    const mapping = BUCKET_MAPPINGS.flatMap(m => ['--bucket-map', `${m.sourceBucket}=${m.targetBucket}`]);
    const synced = await cliWithEnv({ AWS_MAX_ATTEMPTS: String(ENGINE_MAX_ATTEMPTS) }, moto.endpoint, 'sync', '--source-region', SOURCE,
      ...TARGETS.flatMap(t => ['--target-region', t]), ...mapping, '--skip', 'lake-formation', '--json');
    gate.release();
    const applied = await applying;
    expect({ code: synced.code, failures: synced.report.failures }).toEqual({ code: 0, failures: [] });
    expect(await ledgerStates(ids)).toEqual(allApplied(ids));
    expect(applied).toEqual(NO_FAILURES);
    expect(await targetDifferences()).toEqual(converged());
  });
});
