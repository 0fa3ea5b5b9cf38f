import { MAX_ATTEMPTS } from '../../../src/engine/realtime/ledger';
import { redriveFailed } from '../../../src/engine/realtime/redrive';
import { METRICS } from '../../../src/engine/realtime/signals';
import { MAX_WAKE_UPS, sweepStalePending } from '../../../src/engine/realtime/sweep';
import { DEFAULT_STALE_PENDING_MS } from '../../../src/shared/realtime-settings';
import { FakeClock } from '../../support/realtime/fake-cloudtrail';
import { TARGETS, usePipeline, type Pipeline } from '../../support/realtime/pipeline';
import { params, trailEvent } from '../../support/realtime/trail-events';

// Events whose applier never recorded an outcome (timed out, out of memory, stream record expired or
// dead-lettered) on a moto ledger: the sweep wakes them through the stream, then records them FAILED.

const MINUTE = 60_000;
const [WEST, EU] = TARGETS;
const pipeline = usePipeline();
let p: Pipeline;
beforeEach(() => {
  p = pipeline();
});

const sweep = (clock: FakeClock) => sweepStalePending({ ledger: p.ledger, staleAfterMs: DEFAULT_STALE_PENDING_MS, signals: p.signals, clock });
const later = (minutes: number) => new FakeClock(Date.now() + minutes * MINUTE);

describe('stale PENDING events (moto ledger)', () => {
  test('an event whose stream record was lost is found, woken through the stream, and applied; then it leaves the PENDING index', async () => {
    await p.record(trailEvent({ id: 'lost', name: 'CreateDatabase', time: new Date(), params: params.createDatabase('sales') }));
    await p.pendingRecords(); // the applier timed out on these: no outcome was recorded
    expect((await p.ledger.getEvent('lost'))!.state).toBe('PENDING');

    // Not stale yet: left alone.
    expect(await sweep(later(5))).toMatchObject({ woken: [], failed: [] });
    expect(await p.pendingRecords()).toEqual([]);

    const swept = await sweep(later(16));
    expect(swept).toMatchObject({ woken: ['lost'], failed: [] });
    expect(swept.oldestPendingAgeMs).toBeGreaterThanOrEqual(16 * MINUTE - 5_000);
    expect(p.signals.values(METRICS.oldestPendingAge).at(-1)).toBe(swept.oldestPendingAgeMs);
    // The wake-up is a PENDING image: the construct's filter passes it to the applier.
    const woken = await p.pendingRecords();
    expect(woken.map(r => [r.eventName, r.dynamodb!.Keys!.pk.S])).toEqual([['MODIFY', 'lost']]);
    // Swept again at once: it was just handed over, so it is not stale.
    expect((await sweep(later(17))).woken).toEqual([]);

    expect(await p.apply(woken)).toEqual({ batchItemFailures: [] });
    expect((await p.ledger.getEvent('lost'))!.state).toBe('DONE');
    expect(await sweep(later(40))).toEqual({ woken: [], failed: [], oldestPendingAgeMs: 0 });
  });

  test(`an event the applier never answers for is woken ${MAX_WAKE_UPS} times, then recorded FAILED, alarmed and redriven`, async () => {
    await p.record(trailEvent({ id: 'oom', name: 'CreateTable', time: new Date(), params: params.createTable('sales', 'orders') }));
    for (let i = 1; i <= MAX_WAKE_UPS; i++) expect((await sweep(later(16 * i))).woken).toEqual(['oom']);
    expect(p.signals.total(METRICS.failed)).toBe(0);

    const given = await sweep(later(16 * (MAX_WAKE_UPS + 1)));
    expect(given).toMatchObject({ woken: [], failed: ['oom'], oldestPendingAgeMs: 0 });
    const event = (await p.ledger.getEvent('oom'))!;
    expect(event.state).toBe('FAILED');
    for (const region of TARGETS) {
      expect(event.targets[region]).toMatchObject({ status: 'FAILED', attempts: MAX_ATTEMPTS, lastError: expect.stringMatching(/^no outcome recorded after 3 wake-up\(s\)/) });
    }
    expect(p.signals.total(METRICS.failed)).toBe(2); // one per target: the failed-events alarm fires
    expect(p.signals.logs.some(l => l.level === 'error' && l.message === 'stale pending event recorded FAILED')).toBe(true);

    // Out of the PENDING index, into the FAILED one: redrive finds it and the applier gets it again.
    await p.pendingRecords();
    expect(await redriveFailed({ ledger: p.ledger })).toMatchObject({ eventIds: ['oom'], targets: 2, stalePending: 0 });
    expect((await p.pendingRecords()).map(r => r.dynamodb!.Keys!.pk.S)).toEqual(['oom']);
  });

  test('the sweep does not wake or fail an event the applier answered for after it was read', async () => {
    await p.record(trailEvent({ id: 'raced', name: 'CreateDatabase', time: new Date(), params: params.createDatabase('sales') }));
    const [entry] = await collect(p.ledger.pendingEvents({ before: new Date(Date.now() + MINUTE) }));
    await p.apply(await p.pendingRecords());
    expect(await p.ledger.wakePending('raced', entry.touchedAt)).toBe(false);
    expect(await p.ledger.recordOutcomeIfUntouched('raced', { [WEST]: { status: 'FAILED', attempts: 3 } }, 'FAILED', entry.touchedAt)).toBe(false);
    expect((await p.ledger.getEvent('raced'))!.state).toBe('DONE');
  });

  test('redrive with includeStalePending wakes PENDING events older than the threshold, per target, and a dry run changes nothing', async () => {
    const old = new Date(Date.now() - 20 * MINUTE);
    const pending = (id: string) => ({
      eventId: id,
      eventName: 'UpdateTable',
      eventSource: 'glue.amazonaws.com',
      eventTime: old.toISOString(),
      refs: [{ kind: 'table' as const, database: 'sales', table: 'orders' }],
      targets: { [WEST]: { status: 'PENDING' as const }, [EU]: { status: 'PENDING' as const } },
      state: 'PENDING' as const,
    });
    await p.ledger.putIfNew(pending('stale'), old);
    await p.ledger.putIfNew(pending('fresh'));
    await p.pendingRecords();

    expect(await redriveFailed({ ledger: p.ledger })).toEqual({ eventIds: [], targets: 0, stalePending: 0 });
    expect(await redriveFailed({ ledger: p.ledger, includeStalePending: true, dryRun: true })).toEqual({ eventIds: ['stale'], targets: 2, stalePending: 1 });
    expect(await p.pendingRecords()).toEqual([]);

    expect(await redriveFailed({ ledger: p.ledger, includeStalePending: true, targetRegion: EU })).toEqual({ eventIds: ['stale'], targets: 1, stalePending: 1 });
    expect((await p.pendingRecords()).map(r => r.dynamodb!.Keys!.pk.S)).toEqual(['stale']);
    // Handed over now: pending since now, so neither stale for redrive nor for the sweep.
    expect(await redriveFailed({ ledger: p.ledger, includeStalePending: true })).toMatchObject({ eventIds: [] });
    expect((await sweep(later(1))).woken).toEqual([]);
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
