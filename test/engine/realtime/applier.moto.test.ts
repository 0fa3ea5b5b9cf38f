import {
  BatchCreatePartitionCommand, BatchDeletePartitionCommand, CreateDatabaseCommand, CreateTableCommand, DeleteDatabaseCommand, DeleteTableCommand,
  GetDatabaseCommand, GetPartitionsCommand, GetTableCommand, UpdateDatabaseCommand, UpdatePartitionCommand, UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { LAKE_FORMATION_OFF } from '../../../src/engine/engine';
import { refKey, type ObjectOutcome, type ObjectRef } from '../../../src/engine/kernel/object-ref';
import { Ledger, MAX_ATTEMPTS } from '../../../src/engine/realtime/ledger';
import { redriveFailed } from '../../../src/engine/realtime/redrive';
import { METRICS } from '../../../src/engine/realtime/signals';
import { FakeClock } from '../../support/realtime/fake-cloudtrail';
import { SOURCE, TARGETS, usePipeline, type GlueObjectConverger, type Pipeline } from '../../support/realtime/pipeline';
import { params, trailEvent } from '../../support/realtime/trail-events';

const pipeline = usePipeline();
let p: Pipeline;
beforeEach(() => {
  p = pipeline();
});

const [WEST, EU] = TARGETS;
const source = () => p.glueAt(SOURCE);
const now = () => new Date();

function sd(location: string) {
  return { Columns: [{ Name: 'id', Type: 'bigint' }], Location: location, SerdeInfo: { Parameters: { path: location } } };
}

async function seedDatabase(name = 'sales') {
  await source().send(new CreateDatabaseCommand({ DatabaseInput: { Name: name, LocationUri: `s3://acme-lake-raw/${name}/`, Parameters: { owner: 'Revenue Ops' } } }));
}
async function seedTable(db = 'sales', name = 'orders') {
  await source().send(new CreateTableCommand({
    DatabaseName: db,
    TableInput: { Name: name, StorageDescriptor: sd(`s3://acme-lake-raw/${db}/${name}/`), PartitionKeys: [{ Name: 'dt', Type: 'string' }], Parameters: { classification: 'parquet' } },
  }));
}
async function seedPartitions(values: string[], db = 'sales', name = 'orders') {
  await source().send(new BatchCreatePartitionCommand({
    DatabaseName: db, TableName: name, PartitionInputList: values.map(v => ({ Values: [v], StorageDescriptor: sd(`s3://acme-lake-raw/${db}/${name}/dt=${v}/`) })),
  }));
}

async function database(region: string, name = 'sales') {
  try {
    return (await p.glueAt(region).send(new GetDatabaseCommand({ Name: name }))).Database;
  } catch (error) {
    if ((error as Error).name === 'EntityNotFoundException') return undefined;
    throw error;
  }
}
async function table(region: string, db = 'sales', name = 'orders') {
  try {
    return (await p.glueAt(region).send(new GetTableCommand({ DatabaseName: db, Name: name }))).Table;
  } catch (error) {
    if ((error as Error).name === 'EntityNotFoundException') return undefined;
    throw error;
  }
}
async function partitionValues(region: string, db = 'sales', name = 'orders'): Promise<string[]> {
  const result = await p.glueAt(region).send(new GetPartitionsCommand({ DatabaseName: db, TableName: name }));
  return (result.Partitions ?? []).map(x => x.Values![0]).sort();
}
const inBothTargets = async <T>(read: (region: string) => Promise<T>) => Promise.all(TARGETS.map(read));

describe('applier on moto: converges each object from the source in two targets', () => {
  test('database: create, update, delete', async () => {
    await seedDatabase();
    expect(await p.flow(trailEvent({ id: 'c', name: 'CreateDatabase', time: now(), params: params.createDatabase('sales') }))).toEqual({ batchItemFailures: [] });
    for (const db of await inBothTargets(r => database(r))) {
      expect(db).toMatchObject({ Name: 'sales', LocationUri: 's3://acme-lake-raw-dr/sales/', Parameters: { owner: 'Revenue Ops' } });
    }
    expect(await p.ledger.getEvent('c')).toMatchObject({
      state: 'DONE', targets: { [WEST]: { status: 'APPLIED', reason: 'database sales: created' }, [EU]: { status: 'APPLIED' } },
    });

    await source().send(new UpdateDatabaseCommand({ Name: 'sales', DatabaseInput: { Name: 'sales', Description: 'Orders', LocationUri: 's3://acme-lake-raw/sales/' } }));
    await p.flow(trailEvent({ id: 'u', name: 'UpdateDatabase', time: now(), params: params.updateDatabase('sales') }));
    for (const db of await inBothTargets(r => database(r))) expect(db).toMatchObject({ Description: 'Orders' });
    expect((await p.ledger.getEvent('u'))!.targets[WEST].reason).toMatch(/updated .*Description/);

    await source().send(new DeleteDatabaseCommand({ Name: 'sales' }));
    await p.flow(trailEvent({ id: 'd', name: 'DeleteDatabase', time: now(), params: params.deleteDatabase('sales') }));
    expect(await inBothTargets(r => database(r))).toEqual([undefined, undefined]);
    expect((await p.ledger.getEvent('d'))!.targets[EU].reason).toMatch(/deleted/);
  });

  test('table: create (with its database when missing), update, delete', async () => {
    await seedDatabase();
    await seedTable();
    await p.flow(trailEvent({ name: 'CreateTable', time: now(), params: params.createTable('sales', 'orders') }));
    for (const t of await inBothTargets(r => table(r))) {
      expect(t).toMatchObject({ Name: 'orders', StorageDescriptor: { Location: 's3://acme-lake-raw-dr/sales/orders/' }, PartitionKeys: [{ Name: 'dt', Type: 'string' }] });
    }
    expect(await database(WEST)).toBeDefined();

    await source().send(new UpdateTableCommand({ DatabaseName: 'sales', TableInput: { Name: 'orders', StorageDescriptor: sd('s3://acme-lake-raw/sales/orders_v2/'), PartitionKeys: [{ Name: 'dt', Type: 'string' }] } }));
    await p.flow(trailEvent({ name: 'UpdateTable', time: now(), params: params.updateTable('sales', 'orders') }));
    for (const t of await inBothTargets(r => table(r))) expect(t!.StorageDescriptor!.Location).toBe('s3://acme-lake-raw-dr/sales/orders_v2/');

    await source().send(new DeleteTableCommand({ DatabaseName: 'sales', Name: 'orders' }));
    await p.flow(trailEvent({ name: 'BatchDeleteTable', time: now(), params: params.batchDeleteTable('sales', ['orders']) }));
    expect(await inBothTargets(r => table(r))).toEqual([undefined, undefined]);
  });

  test('partitions: create, update, delete by name, and the whole table when the record left them out', async () => {
    await seedDatabase();
    await seedTable();
    await seedPartitions(['2026-01-01', '2026-01-02']);
    await p.flow(
      trailEvent({ name: 'CreateTable', time: now(), params: params.createTable('sales', 'orders') }),
      trailEvent({ name: 'BatchCreatePartition', time: now(), params: params.batchCreatePartition('sales', 'orders', [['2026-01-01'], ['2026-01-02']]) }),
    );
    expect(await partitionValues(WEST)).toEqual(['2026-01-01', '2026-01-02']);
    expect(await partitionValues(EU)).toEqual(['2026-01-01', '2026-01-02']);

    await source().send(new UpdatePartitionCommand({
      DatabaseName: 'sales',
      TableName: 'orders',
      PartitionValueList: ['2026-01-01'],
      PartitionInput: { Values: ['2026-01-01'], StorageDescriptor: sd('s3://acme-lake-raw/sales/orders/dt=2026-01-01/'), Parameters: { numRows: '7' } },
    }));
    await p.flow(trailEvent({ id: 'up', name: 'UpdatePartition', time: now(), params: params.updatePartition('sales', 'orders', ['2026-01-01']) }));
    const updated = await p.glueAt(EU).send(new GetPartitionsCommand({ DatabaseName: 'sales', TableName: 'orders' }));
    expect(updated.Partitions!.find(x => x.Values![0] === '2026-01-01')!.Parameters).toEqual({ numRows: '7' });
    expect(updated.Partitions!.find(x => x.Values![0] === '2026-01-01')!.StorageDescriptor!.Location).toBe('s3://acme-lake-raw-dr/sales/orders/dt=2026-01-01/');
    expect((await p.ledger.getEvent('up'))!.targets[EU].reason).toMatch(/1 updated/);

    await source().send(new BatchDeletePartitionCommand({ DatabaseName: 'sales', TableName: 'orders', PartitionsToDelete: [{ Values: ['2026-01-02'] }] }));
    await p.flow(trailEvent({ name: 'DeletePartition', time: now(), params: params.deletePartition('sales', 'orders', ['2026-01-02']) }));
    expect(await partitionValues(WEST)).toEqual(['2026-01-01']);

    // A huge batch: CloudTrail kept the table but not the list. Every partition of the table is converged.
    await seedPartitions(['2026-02-01', '2026-02-02', '2026-02-03']);
    await source().send(new BatchDeletePartitionCommand({ DatabaseName: 'sales', TableName: 'orders', PartitionsToDelete: [{ Values: ['2026-01-01'] }] }));
    await p.flow(trailEvent({ id: 'all', name: 'BatchCreatePartition', time: now(), params: { databaseName: 'sales', tableName: 'orders' } }));
    expect(await partitionValues(WEST)).toEqual(['2026-02-01', '2026-02-02', '2026-02-03']);
    expect(await partitionValues(EU)).toEqual(['2026-02-01', '2026-02-02', '2026-02-03']);
    expect((await p.ledger.getEvent('all'))!.targets[WEST].reason).toMatch(/all partitions: 3 created, 0 updated, 1 deleted/);
  });

  test('grant then revoke: Lake Formation events are SKIPPED when its replication is off, Glue events beside them still apply', async () => {
    await seedDatabase();
    const principal = 'arn:aws:iam::123456789012:role/analyst';
    const response = await p.flow(
      trailEvent({ id: 'db', name: 'CreateDatabase', time: now(), params: params.createDatabase('sales') }),
      trailEvent({ id: 'grant', name: 'GrantPermissions', source: 'lakeformation.amazonaws.com', time: now(), params: params.grant(principal, { databaseName: 'sales', name: 'orders' }) }),
    );
    await p.flow(trailEvent({ id: 'revoke', name: 'RevokePermissions', source: 'lakeformation.amazonaws.com', time: now(), params: params.grant(principal, { databaseName: 'sales', name: 'orders' }) }));
    expect(response.batchItemFailures).toEqual([]);
    for (const id of ['grant', 'revoke']) {
      expect(await p.ledger.getEvent(id)).toMatchObject({ state: 'DONE', targets: { [WEST]: { status: 'SKIPPED', reason: LAKE_FORMATION_OFF }, [EU]: { status: 'SKIPPED', reason: LAKE_FORMATION_OFF } } });
    }
    expect((await p.ledger.getEvent('db'))!.state).toBe('DONE');
    expect(p.signals.total(METRICS.skipped)).toBe(4);
  });

  test('Lake Formation refs go to the injected converger, per target, and its outcomes are recorded', async () => {
    const seen: Array<{ region: string; refs: ObjectRef[] }> = [];
    p.lakeFormation = async (refs, region) => {
      seen.push({ region, refs });
      return new Map(refs.map(r => [refKey(r), { status: 'APPLIED', reason: 'revoked 1 permission' } as ObjectOutcome]));
    };
    await p.flow(trailEvent({ id: 'revoke', name: 'BatchRevokePermissions', source: 'lakeformation.amazonaws.com', time: now(), params: params.batchGrant([{ principal: 'a', database: 'sales' }]) }));
    expect(seen.map(s => s.region).sort()).toEqual([...TARGETS].sort());
    expect(seen[0].refs).toEqual([{ kind: 'permission', resource: { Database: { Name: 'sales' } } }]);
    expect((await p.ledger.getEvent('revoke'))!.targets[WEST]).toMatchObject({ status: 'APPLIED', reason: expect.stringMatching(/revoked 1 permission/) });
  });
});

describe('applier on moto: events are hints, state is the truth', () => {
  test('duplicate stream records and several events for one object converge it once', async () => {
    await seedDatabase();
    await seedTable();
    await p.record(
      trailEvent({ name: 'CreateTable', time: now(), params: params.createTable('sales', 'orders') }),
      trailEvent({ name: 'UpdateTable', time: now(), params: params.updateTable('sales', 'orders') }),
      trailEvent({ name: 'UpdateTable', time: now(), params: params.updateTable('sales', 'ORDERS') }),
    );
    const records = await p.pendingRecords();
    p.clients.resetCounts();
    await p.apply([...records, ...records]);
    // One table, two targets: one create each (plus the database it needs), whatever the number of events.
    expect(p.clients.apiCalls['glue:CreateTable']).toBe(2);
    expect(p.clients.apiCalls['glue:UpdateTable']).toBeUndefined();
    expect(p.signals.total(METRICS.applied)).toBe(6);

    // Delivered again later: already applied, nothing to do.
    p.clients.resetCounts();
    expect(await p.apply(records)).toEqual({ batchItemFailures: [] });
    expect(p.clients.apiCalls).toEqual({ 'dynamodb:BatchGetItem': 1 });
  });

  test('reordered events: a delete handled before the create it follows still ends as the source is', async () => {
    await seedDatabase();
    await seedTable();
    await p.flow(trailEvent({ name: 'CreateTable', time: now(), params: params.createTable('sales', 'orders') }));
    // The source now drops and re-creates the table; the events reach the applier newest first.
    await source().send(new DeleteTableCommand({ DatabaseName: 'sales', Name: 'orders' }));
    await seedTable();
    const t = Date.now();
    await p.record(trailEvent({ id: 'recreate', name: 'CreateTable', time: new Date(t), params: params.createTable('sales', 'orders') }));
    const createRecords = await p.pendingRecords();
    await p.record(trailEvent({ id: 'drop', name: 'DeleteTable', time: new Date(t - 1000), params: params.deleteTable('sales', 'orders') }));
    const deleteRecords = await p.pendingRecords();
    await p.apply(deleteRecords);
    expect(await table(WEST)).toBeDefined(); // the source has it: the late delete deletes nothing
    await p.apply(createRecords);
    expect(await inBothTargets(r => table(r))).toEqual([expect.objectContaining({ Name: 'orders' }), expect.objectContaining({ Name: 'orders' })]);
  });

  test('an event for an object deleted since is applied as its absence', async () => {
    await seedDatabase();
    await p.flow(trailEvent({ name: 'CreateDatabase', time: now(), params: params.createDatabase('sales') }));
    await seedTable();
    await p.record(trailEvent({ id: 'gone', name: 'CreateTable', time: now(), params: params.createTable('sales', 'orders') }));
    await source().send(new DeleteTableCommand({ DatabaseName: 'sales', Name: 'orders' }));
    await p.apply(await p.pendingRecords());
    expect(await inBothTargets(r => table(r))).toEqual([undefined, undefined]);
    expect((await p.ledger.getEvent('gone'))!.targets[WEST]).toMatchObject({ status: 'APPLIED', reason: 'table sales.orders: absent in the source and the target' });
  });

  test('objects outside the scope are SKIPPED with a reason and never written', async () => {
    await seedDatabase('tmp_scratch');
    await p.flow(trailEvent({ id: 'tmp', name: 'CreateDatabase', time: now(), params: params.createDatabase('tmp_scratch') }));
    expect(await database(WEST, 'tmp_scratch')).toBeUndefined();
    expect((await p.ledger.getEvent('tmp'))!.targets[WEST]).toEqual(expect.objectContaining({ status: 'SKIPPED', reason: 'database tmp_scratch is outside the replicated scope' }));
  });

  test('lag from the source event time to the applied time is measured per target', async () => {
    await seedDatabase();
    await p.flow(trailEvent({ name: 'CreateDatabase', time: new Date(Date.now() - 90_000), params: params.createDatabase('sales') }));
    const lags = p.signals.values(METRICS.lag);
    expect(lags).toHaveLength(2);
    for (const lag of lags) expect(lag).toBeGreaterThanOrEqual(89_000);
    const regions = p.signals.metrics.filter(m => m.values[METRICS.lag] !== undefined).map(m => m.dimensions?.TargetRegion);
    expect(regions.sort()).toEqual([...TARGETS].sort());
  });
});

/** Fails every ref of one table, as a poison object would; everything else goes to the real converger. */
function poisoned(real: GlueObjectConverger, tableName: string, state: { on: boolean }): GlueObjectConverger {
  return {
    async converge(refs, region) {
      const out = await real.converge(refs.filter(r => !('table' in r && r.table === tableName) || !state.on), region);
      for (const r of refs) if (state.on && 'table' in r && r.table === tableName) out.set(refKey(r), { status: 'FAILED', reason: 'InternalServiceException: simulated poison' });
      return out;
    },
  };
}

describe('applier on moto: failures', () => {
  test('a poison event next to good ones: the good ones apply, it retries with backoff, ends FAILED (alarmed, not dead-lettered); redrive heals it', async () => {
    await seedDatabase();
    await seedTable('sales', 'orders');
    await seedTable('sales', 'poison');
    const poison = { on: true };
    p.glue = poisoned(p.glue, 'poison', poison);
    const clock = new FakeClock(Date.now());
    await p.record(
      trailEvent({ id: 'good1', name: 'CreateDatabase', time: now(), params: params.createDatabase('sales') }),
      trailEvent({ id: 'bad', name: 'CreateTable', time: now(), params: params.createTable('sales', 'poison') }),
      trailEvent({ id: 'good2', name: 'CreateTable', time: now(), params: params.createTable('sales', 'orders') }),
    );
    const records = await p.pendingRecords();
    const badSeq = records.find(r => r.dynamodb!.Keys!.pk.S === 'bad')!.dynamodb!.SequenceNumber!;

    const first = await p.apply(records, { clock });
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: badSeq }] });
    expect((await p.ledger.getEvent('good1'))!.state).toBe('DONE');
    expect((await p.ledger.getEvent('good2'))!.state).toBe('DONE');
    expect(await table(EU)).toBeDefined();
    expect(await p.ledger.getEvent('bad')).toMatchObject({
      state: 'FAILED', targets: { [WEST]: { status: 'FAILED', attempts: 1, lastError: 'table sales.poison: InternalServiceException: simulated poison' } },
    });

    // The stream retries the batch from the failed record: each retry waits longer first.
    // The last attempt leaves it FAILED and alarmed, and is no longer a batch failure: the stream moves on, no DLQ.
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      const retried = attempt < MAX_ATTEMPTS ? [{ itemIdentifier: badSeq }] : [];
      expect(await p.apply(records, { clock })).toEqual({ batchItemFailures: retried });
      expect((await p.ledger.getEvent('bad'))!.targets[WEST].attempts).toBe(attempt);
    }
    expect(clock.sleeps).toEqual([4_000, 8_000]);
    expect((await p.ledger.getEvent('bad'))!.state).toBe('FAILED');
    // Delivered again when out of attempts: not converged again, and not failed again.
    p.clients.resetCounts();
    expect(await p.apply(records, { clock })).toEqual({ batchItemFailures: [] });
    expect(Object.keys(p.clients.apiCalls).filter(k => k.startsWith('glue:'))).toEqual([]);
    expect(p.signals.total(METRICS.failed)).toBe(2 * MAX_ATTEMPTS);

    // Fixed; redrive sets it back to PENDING and the stream hands it to the applier again.
    poison.on = false;
    expect(await redriveFailed({ ledger: p.ledger })).toEqual({ eventIds: ['bad'], targets: 2, stalePending: 0 });
    const redriven = await p.pendingRecords();
    expect(redriven.map(r => [r.eventName, r.dynamodb!.Keys!.pk.S])).toEqual([['MODIFY', 'bad']]);
    expect(await p.apply(redriven, { clock })).toEqual({ batchItemFailures: [] });
    expect(await p.ledger.getEvent('bad')).toMatchObject({ state: 'DONE', targets: { [WEST]: { status: 'APPLIED' }, [EU]: { status: 'APPLIED' } } });
    expect(await inBothTargets(r => table(r, 'sales', 'poison'))).toEqual([expect.anything(), expect.anything()]);
    expect(await redriveFailed({ ledger: p.ledger })).toEqual({ eventIds: [], targets: 0, stalePending: 0 });
  });

  test('redrive for one target leaves the other target\'s failure alone', async () => {
    await seedDatabase();
    await seedTable('sales', 'poison');
    p.glue = poisoned(p.glue, 'poison', { on: true });
    await p.record(trailEvent({ id: 'bad', name: 'CreateTable', time: now(), params: params.createTable('sales', 'poison') }));
    const records = await p.pendingRecords();
    const clock = new FakeClock(Date.now());
    for (let i = 0; i < MAX_ATTEMPTS; i++) await p.apply(records, { clock });
    expect(await redriveFailed({ ledger: p.ledger, targetRegion: EU, dryRun: true })).toEqual({ eventIds: ['bad'], targets: 1, stalePending: 0 });
    expect((await p.ledger.getEvent('bad'))!.targets[EU].status).toBe('FAILED');
    await redriveFailed({ ledger: p.ledger, targetRegion: EU });
    const event = (await p.ledger.getEvent('bad'))!;
    expect(event.targets[EU]).toMatchObject({ status: 'PENDING', lastError: expect.stringMatching(/simulated poison/) });
    expect(event.targets[WEST]).toMatchObject({ status: 'FAILED', attempts: MAX_ATTEMPTS });
  });

  test('a redrive of one target succeeds without failing the record, while the other target stays FAILED and out of attempts', async () => {
    await seedDatabase();
    await seedTable('sales', 'poison');
    const real = p.glue;
    const eu = { failing: true };
    // Only the EU target fails, until it is fixed.
    p.glue = { converge: async (refs, region) => (region === EU && eu.failing ? Promise.reject(new Error('AccessDeniedException: not a data lake admin')) : real.converge(refs, region)) };
    const west = { failing: true };
    const both: GlueObjectConverger = { converge: async (refs, region) => (region === WEST && west.failing ? Promise.reject(new Error('InternalServiceException: West down')) : p.glue.converge(refs, region)) };
    await p.record(trailEvent({ id: 'bad', name: 'CreateTable', time: now(), params: params.createTable('sales', 'poison') }));
    const records = await p.pendingRecords();
    const clock = new FakeClock(Date.now());
    for (let i = 0; i < MAX_ATTEMPTS; i++) await p.apply(records, { clock, glue: both });
    expect(await p.ledger.getEvent('bad')).toMatchObject({ state: 'FAILED', targets: { [WEST]: { attempts: MAX_ATTEMPTS }, [EU]: { attempts: MAX_ATTEMPTS } } });

    eu.failing = false;
    await redriveFailed({ ledger: p.ledger, targetRegion: EU });
    const redriven = await p.pendingRecords();
    expect(redriven).toHaveLength(1);
    // EU applies; West is still out of attempts: the record is done with (no stream retries, no dead letter), the event stays FAILED.
    expect(await p.apply(redriven, { clock, glue: both })).toEqual({ batchItemFailures: [] });
    expect(await p.ledger.getEvent('bad')).toMatchObject({ state: 'FAILED', targets: { [EU]: { status: 'APPLIED' }, [WEST]: { status: 'FAILED', attempts: MAX_ATTEMPTS } } });
    expect(await redriveFailed({ ledger: p.ledger, dryRun: true })).toEqual({ eventIds: ['bad'], targets: 1, stalePending: 0 });
  });

  test('a crash between converging and recording: the event stays pending, and applying it again changes nothing more', async () => {
    await seedDatabase();
    await p.record(trailEvent({ id: 'c', name: 'CreateDatabase', time: now(), params: params.createDatabase('sales') }));
    const records = await p.pendingRecords();
    const crashing = Object.create(p.ledger) as Ledger;
    crashing.recordOutcome = async () => { throw new Error('Task timed out after 60.00 seconds'); };
    const seq = records[0].dynamodb!.SequenceNumber!;
    expect(await p.apply(records, { ledger: crashing })).toEqual({ batchItemFailures: [{ itemIdentifier: seq }] });
    expect(await inBothTargets(r => database(r))).toEqual([expect.anything(), expect.anything()]);
    expect((await p.ledger.getEvent('c'))!.state).toBe('PENDING');

    p.clients.resetCounts();
    expect(await p.apply(records)).toEqual({ batchItemFailures: [] });
    expect(p.clients.apiCalls['glue:CreateDatabase']).toBeUndefined();
    expect(await p.ledger.getEvent('c')).toMatchObject({ state: 'DONE', targets: { [WEST]: { status: 'APPLIED', reason: 'database sales: unchanged' } } });
  });

  test('a target Region that fails as a whole fails only that target of the events', async () => {
    await seedDatabase();
    const real = p.glue;
    p.glue = { converge: async (refs, region) => (region === EU ? Promise.reject(new Error('UnrecognizedClientException: Region disabled')) : real.converge(refs, region)) };
    await p.flow(trailEvent({ id: 'c', name: 'CreateDatabase', time: now(), params: params.createDatabase('sales') }));
    expect(await p.ledger.getEvent('c')).toMatchObject({
      state: 'FAILED',
      targets: { [WEST]: { status: 'APPLIED' }, [EU]: { status: 'FAILED', attempts: 1, lastError: 'database sales: UnrecognizedClientException: Region disabled' } },
    });
  });
});
