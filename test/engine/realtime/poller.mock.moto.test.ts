import type { AwsClients } from '../../../src/engine/kernel/clients';
import { OMITTED } from '../../../src/engine/realtime/event-map';
import type { Ledger } from '../../../src/engine/realtime/ledger';
import { cloudTrailClient, MAX_SLICE_MS, poll, type Gap, type PollOptions, type PollResult } from '../../../src/engine/realtime/poller';
import { METRICS, RecordedSignals } from '../../../src/engine/realtime/signals';
import { FakeClock, throttling, type FakeCloudTrail } from '../../support/realtime/fake-cloudtrail';
import { usePipeline } from '../../support/realtime/pipeline';
import { params, trailEvent } from '../../support/realtime/trail-events';

// CloudTrail LookupEvents is mocked (moto has no LookupEvents); the ledger is moto's DynamoDB.

const MINUTE = 60_000;
const T0 = Date.parse('2026-03-02T10:00:00Z');
const TARGETS = ['us-west-2', 'eu-west-1'];

const pipeline = usePipeline();
let clients: AwsClients;
let ledger: Ledger;
let trail: FakeCloudTrail;
let clock: FakeClock;
let signals: RecordedSignals;

beforeEach(() => {
  ({ clients, ledger, trail } = pipeline());
  clock = new FakeClock(T0);
  signals = new RecordedSignals();
});

function options(extra: Partial<PollOptions> = {}): PollOptions {
  return {
    cloudtrail: cloudTrailClient(clients, 'us-east-1'),
    ledger,
    targetRegions: TARGETS,
    lookbackMs: 60 * MINUTE,
    overlapMs: 15 * MINUTE,
    lookupStrategy: 'write-events',
    lookupsPerSecond: 2,
    signals,
    clock,
    ...extra,
  };
}

const at = (minutesBeforeT0: number) => new Date(T0 - minutesBeforeT0 * MINUTE);

describe('poller (mocked CloudTrail, moto DynamoDB ledger)', () => {
  test('records each followed write event once with its objects, PENDING in every target, and drops the rest', async () => {
    trail.add(
      trailEvent({ id: 'create-db', name: 'CreateDatabase', time: at(31), params: params.createDatabase('Sales') }),
      trailEvent({ id: 'create-table', name: 'CreateTable', time: at(29), params: params.createTable('sales', 'orders') }),
      trailEvent({ id: 'grant', name: 'GrantPermissions', source: 'lakeformation.amazonaws.com', time: at(28), params: params.grant('arn:aws:iam::123456789012:role/analyst', { databaseName: 'sales', name: 'orders' }) }),
      // Not ours: another service's write, a failed call, a crawler change.
      trailEvent({ id: 'ec2', name: 'RunInstances', source: 'ec2.amazonaws.com', time: at(27), params: { instanceType: 't3.micro' } }),
      trailEvent({ id: 'denied', name: 'DeleteTable', time: at(26), params: params.deleteTable('sales', 'orders'), errorCode: 'AccessDeniedException' }),
      trailEvent({ id: 'crawler', name: 'CreateCrawler', time: at(25), params: { name: 'c' } }),
    );
    const result = await poll(options());
    expect(result).toMatchObject({ complete: true, pending: 3, skipped: 0, duplicates: 0, seen: 6 });

    const [db, table, grant, ec2, denied, crawler] = await Promise.all(['create-db', 'create-table', 'grant', 'ec2', 'denied', 'crawler'].map(id => ledger.getEvent(id)));
    expect(db).toMatchObject({
      eventName: 'CreateDatabase',
      eventSource: 'glue.amazonaws.com',
      eventTime: at(31).toISOString(),
      state: 'PENDING',
      refs: [{ kind: 'database', database: 'sales' }], // Glue lower-cases names
      targets: { 'us-west-2': { status: 'PENDING' }, 'eu-west-1': { status: 'PENDING' } },
      actor: 'arn:aws:sts::123456789012:assumed-role/etl-role/etl',
    });
    expect(table!.refs).toEqual([{ kind: 'table', database: 'sales', table: 'orders' }]);
    expect(grant!.refs).toEqual([{ kind: 'permission', resource: { Table: { CatalogId: '123456789012', DatabaseName: 'sales', Name: 'orders' } } }]);
    expect([ec2, denied, crawler]).toEqual([undefined, undefined, undefined]);
  });

  test('never pages through read events: every call filters on ReadOnly=false, one per page', async () => {
    trail.add(...Array.from({ length: 300 }, (_, i) => trailEvent({ name: 'GetTable', time: at(10 + (i % 40) / 10), params: { databaseName: 'sales', name: 'orders' }, readOnly: true })));
    trail.add(trailEvent({ id: 'w', name: 'UpdateTable', time: at(5), params: params.updateTable('sales', 'orders') }));
    const result = await poll(options({ lookbackMs: 15 * MINUTE }));
    expect(trail.calls.every(c => c.LookupAttributes?.length === 1 && c.LookupAttributes[0].AttributeKey === 'ReadOnly' && c.LookupAttributes[0].AttributeValue === 'false')).toBe(true);
    expect(result.lookupCalls).toBe(1); // one quiet slice, one page: the 300 reads were never returned
    expect(result.seen).toBe(1);
  });

  test('pages through a busy window, 50 events a page, and advances the cursor', async () => {
    trail.add(...Array.from({ length: 120 }, (_, i) => trailEvent({ id: `p${i}`, name: 'BatchCreatePartition', time: at(20 - i / 10), params: params.batchCreatePartition('sales', 'orders', [[`2026-01-${i}`]]) })));
    const result = await poll(options({ lookbackMs: 30 * MINUTE }));
    expect(result.pending).toBe(120);
    // One 30-minute slice, newest first: 50 + 50 + 20.
    expect(trail.calls).toHaveLength(3);
    expect(trail.calls.filter(c => c.NextToken !== undefined)).toHaveLength(2);
    expect((await ledger.cursor())!.cursorMs).toBe(T0);
    expect(result.endMs - result.startMs).toBe(MAX_SLICE_MS);
  });

  test('a later poll starts at the cursor less the overlap: late events are caught, overlap repeats are deduped', async () => {
    trail.add(trailEvent({ id: 'a', name: 'CreateTable', time: at(2), params: params.createTable('sales', 'a') }));
    await poll(options());
    expect((await ledger.cursor())!.cursorMs).toBe(T0);

    clock.advance(MINUTE);
    // Delivered late: it happened 5 minutes before the first poll but was not in CloudTrail yet.
    trail.add(trailEvent({ id: 'late', name: 'DeleteTable', time: at(5), params: params.deleteTable('sales', 'old') }));
    trail.add(trailEvent({ id: 'new', name: 'UpdateTable', time: new Date(T0 + 30_000), params: params.updateTable('sales', 'a') }));
    const second = await poll(options());
    expect(second.startMs).toBe(T0 - 15 * MINUTE);
    expect(second).toMatchObject({ pending: 2, duplicates: 1, complete: true });
    expect(await ledger.getEvent('late')).toMatchObject({ refs: [{ kind: 'table', database: 'sales', table: 'old' }] });
    expect((await ledger.cursor())!.cursorMs).toBe(second.endMs);
  });

  test('the cursor never moves back: a second poller with an older clock leaves it', async () => {
    await poll(options());
    clock.ms = T0 - 10 * MINUTE;
    await poll(options());
    expect((await ledger.cursor())!.cursorMs).toBe(T0);
  });

  test('paces calls within the quota and backs off on throttling', async () => {
    trail.add(...Array.from({ length: 60 }, (_, i) => trailEvent({ name: 'CreatePartition', time: at(10 - i / 10), params: params.createPartition('sales', 'orders', [`d${i}`]) })));
    trail.failures.push(throttling(), throttling());
    const result = await poll(options({ lookbackMs: 15 * MINUTE, lookupsPerSecond: 2 }));
    expect(result).toMatchObject({ throttled: 2, lookupCalls: 4, pending: 60, complete: true });
    expect(signals.total(METRICS.throttled)).toBe(2);
    // Backoff waits come on top of the 500 ms spacing; nothing was sent faster than 2 a second.
    expect(clock.sleeps.filter(s => s === 500).length).toBeGreaterThanOrEqual(1);
  });

  test('a poll that stays throttled stops, keeps what it finished, and the next one carries on', async () => {
    trail.add(trailEvent({ id: 'old', name: 'CreateTable', time: at(50), params: params.createTable('sales', 'old') }));
    trail.add(trailEvent({ id: 'recent', name: 'CreateTable', time: at(5), params: params.createTable('sales', 'recent') }));
    const first = await poll(options({ lookbackMs: 60 * MINUTE, deadline: undefined }));
    expect(first.complete).toBe(true);

    clock.advance(20 * MINUTE);
    trail.failures.push(...Array.from({ length: 7 }, throttling));
    const stopped = await poll(options());
    expect(stopped.complete).toBe(false);
    expect((await ledger.cursor())!.cursorMs).toBe(T0); // unchanged: nothing of this poll finished

    const next = await poll(options());
    expect(next.complete).toBe(true);
    expect((await ledger.cursor())!.cursorMs).toBe(next.endMs);
    expect(await ledger.getEvent('recent')).toBeDefined();
  });

  test('a deadline stops between pages: finished slices move the cursor, the unfinished one is read again next time', async () => {
    trail.add(...Array.from({ length: 80 }, (_, i) => trailEvent({ name: 'CreatePartition', time: at(55 - i / 10), params: params.createPartition('sales', 'orders', [`d${i}`]) })));
    // Two pages fit (at T0 and T0+500 ms at 2 calls a second); the next slice's first call would be at T0+1000.
    const result = await poll(options({ deadline: T0 + 600 }));
    expect(result).toMatchObject({ complete: false, pending: 80, lookupCalls: 2 });
    expect((await ledger.cursor())!.cursorMs).toBe(T0 - 30 * MINUTE);
  });

  test('a burst too busy for one poll is read over a few polls in smaller slices: no gap, no lost event, the cursor only moves forward', async () => {
    await poll(options()); // quiet: cursor at T0
    // 600 writes in 10 minutes (12 pages a window), and polls that can make 3 calls each (2 a second, 1.2 s each).
    const burst = Array.from({ length: 600 }, (_, i) => trailEvent({ id: `b${i}`, name: 'CreatePartition', time: new Date(T0 + i * 1000), params: params.createPartition('sales', 'orders', [`d${i}`]) }));
    trail.add(...burst);
    clock.advance(11 * MINUTE);
    const results: PollResult[] = [];
    const cursors: number[] = [];
    for (let i = 0; i < 30 && !results.at(-1)?.complete; i++) {
      results.push(await poll(options({ deadline: clock.now() + 1_200 })));
      cursors.push((await ledger.cursor())!.cursorMs!);
      clock.advance(MINUTE);
    }
    const done = results.at(-1)!;
    expect(done.complete).toBe(true);
    expect(results.length).toBeGreaterThan(2);
    expect(results.length).toBeLessThan(30);
    expect(results.every(r => r.gap === undefined && r.lookupCalls <= 3)).toBe(true);
    expect(Math.min(...results.map(r => r.nextSliceMs))).toBeLessThan(MAX_SLICE_MS / 8); // it shrank to fit
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b)); // never backwards
    expect(cursors.at(-1)).toBe(done.endMs);
    const recorded = await ledger.getEvents(burst.map(e => e.EventId!));
    expect(recorded.size).toBe(600);
    expect(results.reduce((n, r) => n + r.pending, 0)).toBe(600);
    expect(signals.total(METRICS.gapDetected)).toBe(0);

    // Quiet again: the slices grow back, and a routine poll is one call.
    for (let i = 0; i < 6; i++) {
      await poll(options({ deadline: clock.now() + 1_200 }));
      clock.advance(MINUTE);
    }
    trail.calls.length = 0;
    const routine = await poll(options({ deadline: clock.now() + 1_200 }));
    expect(routine).toMatchObject({ complete: true, lookupCalls: 1, sliceMs: MAX_SLICE_MS });
  });

  test('a poll that can read only part of its overlap still moves where the next one starts', async () => {
    await poll(options());
    // A burst inside the overlap that takes more than one poll, then nothing new.
    trail.add(...Array.from({ length: 300 }, (_, i) => trailEvent({ id: `o${i}`, name: 'UpdatePartition', time: new Date(T0 - 14 * MINUTE + i * 1000), params: params.updatePartition('sales', 'orders', [`d${i}`]) })));
    const starts: number[] = [];
    for (let i = 0; i < 20; i++) {
      clock.advance(MINUTE);
      const r = await poll(options({ deadline: clock.now() + 1_200 }));
      starts.push(r.startMs);
      if (r.complete) break;
    }
    // A poll that finished nothing starts where the last one did, with half the slice; none starts further back.
    expect(starts.length).toBeLessThan(20);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(starts.at(-1)).toBeGreaterThan(starts[0]);
    expect((await ledger.getEvents(Array.from({ length: 300 }, (_, i) => `o${i}`))).size).toBe(300);
  });

  test('keeps batch calls that partly succeeded, with every partition they named', async () => {
    trail.add(trailEvent({
      id: 'partial',
      name: 'BatchCreatePartition',
      time: at(3),
      params: params.batchCreatePartition('sales', 'orders', [['2026-01-01'], ['2026-01-02']]),
      response: { errors: [{ partitionValues: ['2026-01-02'], errorDetail: { errorCode: 'AlreadyExistsException', errorMessage: 'Partition already exists.' } }] },
    }));
    await poll(options());
    expect((await ledger.getEvent('partial'))!.refs).toEqual([{ kind: 'partition', database: 'sales', table: 'orders', values: [['2026-01-01'], ['2026-01-02']] }]);
  });

  test('omitted parameters: skipped and counted when nothing names the object, the whole table when only the list is missing', async () => {
    trail.add(
      trailEvent({ id: 'omitted', name: 'BatchCreatePartition', time: at(4) }),
      trailEvent({ id: 'list-missing', name: 'BatchUpdatePartition', time: at(3), params: { databaseName: 'sales', tableName: 'orders' } }),
      trailEvent({ id: 'settings', name: 'PutDataLakeSettings', source: 'lakeformation.amazonaws.com', time: at(2) }),
      trailEvent({ id: 'grant-omitted', name: 'BatchGrantPermissions', source: 'lakeformation.amazonaws.com', time: at(1) }),
    );
    const result = await poll(options());
    expect(result).toMatchObject({ pending: 2, skipped: 2, omitted: 2 });
    expect(await ledger.getEvent('omitted')).toMatchObject({
      state: 'DONE', refs: [], targets: { 'us-west-2': { status: 'SKIPPED', reason: OMITTED }, 'eu-west-1': { status: 'SKIPPED', reason: OMITTED } },
    });
    expect((await ledger.getEvent('grant-omitted'))!.targets['us-west-2']).toEqual(expect.objectContaining({ status: 'SKIPPED', reason: OMITTED }));
    expect((await ledger.getEvent('list-missing'))!.refs).toEqual([{ kind: 'partition', database: 'sales', table: 'orders' }]);
    expect((await ledger.getEvent('settings'))!.refs).toEqual([{ kind: 'dataLakeSettings' }]);
    expect(signals.total(METRICS.eventsOmitted)).toBe(2);
  });

  test('malformed records of our services are kept as SKIPPED, never blocking the others', async () => {
    const bad = { ...trailEvent({ id: 'bad', name: 'CreateTable', time: at(3), params: params.createTable('sales', 'x') }), CloudTrailEvent: '{"eventVersion": "1.09", truncated' };
    trail.add(bad, trailEvent({ id: 'good', name: 'DeleteDatabase', time: at(2), params: params.deleteDatabase('tmp') }));
    const result = await poll(options());
    expect(result).toMatchObject({ pending: 1, skipped: 1 });
    expect((await ledger.getEvent('bad'))!.targets['us-west-2'].reason).toMatch(/^malformed CloudTrail record: CloudTrailEvent is not valid JSON/);
    expect((await ledger.getEvent('good'))!.state).toBe('PENDING');
  });

  test('a cursor older than the lookback is a gap: metric, alarm input, reconcile started, catch-up bounded', async () => {
    await ledger.advanceCursor(T0 - 3 * 60 * MINUTE);
    const gaps: Gap[] = [];
    trail.add(trailEvent({ id: 'inside', name: 'CreateDatabase', time: at(30), params: params.createDatabase('fresh') }));
    trail.add(trailEvent({ id: 'lost', name: 'CreateDatabase', time: at(90), params: params.createDatabase('lost') }));
    const result = await poll(options({ onGap: async g => { gaps.push(g); } }));
    expect(result.gap).toEqual({ fromMs: T0 - 180 * MINUTE, toMs: T0 - 60 * MINUTE });
    expect(gaps).toEqual([result.gap]);
    expect(result.startMs).toBe(T0 - 60 * MINUTE);
    expect(await ledger.getEvent('inside')).toBeDefined();
    expect(await ledger.getEvent('lost')).toBeUndefined(); // the reconcile heals it
    expect(signals.total(METRICS.gapDetected)).toBe(1);
    expect((await ledger.cursor())!.lastGapAt).toBe(new Date(T0).toISOString());
    expect(signals.logs.some(l => l.level === 'error' && /gap/.test(l.message))).toBe(true);

    // A gap whose reconcile cannot be started is still reported (the alarm fires) and polling goes on.
    await ledger.advanceCursor(T0 + 3 * 60 * MINUTE);
    clock.advance(6 * 60 * MINUTE);
    const again = await poll(options({ onGap: async () => { throw new Error('AccessDenied'); } }));
    expect(again.gap).toBeDefined();
    expect(again.complete).toBe(true);
  });

  test('the event-names strategy asks once per followed event name per slice', async () => {
    trail.add(trailEvent({ id: 'g', name: 'CreateTable', time: at(3), params: params.createTable('sales', 'x') }));
    const result = await poll(options({ lookupStrategy: 'event-names', lookbackMs: 10 * MINUTE }));
    const names = trail.calls.map(c => c.LookupAttributes![0]);
    expect(names.every(a => a.AttributeKey === 'EventName')).toBe(true);
    expect(new Set(names.map(a => a.AttributeValue)).size).toBe(names.length);
    expect(names.map(a => a.AttributeValue)).toEqual(expect.arrayContaining(['CreateTable', 'BatchGrantPermissions', 'PutDataLakeSettings']));
    expect(result.pending).toBe(1);
  });

  test('publishes poll duration, cursor age and lookups as metrics', async () => {
    await poll(options());
    const [m] = signals.metrics;
    const names = [METRICS.pollDuration, METRICS.cursorAge, METRICS.gapDetected, METRICS.lookupCalls];
    expect(Object.keys(m.values)).toEqual(expect.arrayContaining(names));
    expect(m.values[METRICS.cursorAge]).toBeGreaterThanOrEqual(0);
  });
});
