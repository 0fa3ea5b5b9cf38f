import { DynamoDBClient, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { eventIdOfKey, Ledger, type LedgerEvent } from '../../../src/engine/realtime/ledger';
import { TEST_CREDENTIALS } from '../../support/cli-harness';
import { useMoto } from '../../support/moto';
import { createLedgerTable, LEDGER_TABLE } from '../../support/realtime/ledger-table';

// The ledger's item layout, as production tables hold it: names and types of every attribute,
// written literally here so that a change to how the ledger encodes items cannot go unnoticed.

const REGION = 'us-west-2';
const RETENTION_MS = 86_400_000;
const RECORDED = new Date('2026-11-26T10:05:00.250Z');
/** ceil((RECORDED + RETENTION_MS) / 1000): epoch seconds, a number. */
const EXPIRES_AT = '1795773901';
const LATER = new Date('2026-11-26T10:20:00.000Z');
const LATEST = new Date('2026-11-26T10:40:00.000Z');
const REFS = [{ kind: 'table', database: 'sales', table: 'orders' }] as const;

const moto = useMoto();
let raw: DynamoDBClient;
let ledger: Ledger;
beforeEach(async () => {
  raw = new DynamoDBClient({ region: REGION, endpoint: moto().endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  await createLedgerTable(raw);
  ledger = new Ledger(raw, LEDGER_TABLE, RETENTION_MS);
});
afterEach(() => raw.destroy());

type Item = Record<string, AttributeValue>;

async function rawItem(pk: string): Promise<Item | undefined> {
  return (await raw.send(new GetItemCommand({ TableName: LEDGER_TABLE, Key: { pk: { S: pk } }, ConsistentRead: true }))).Item;
}

function without(item: Item, ...names: string[]): Item {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !names.includes(name)));
}

/** The item's targets map with the us-west-2 target replaced. */
function westTarget(item: Item, target: Item): AttributeValue {
  return { M: { ...item.targets.M, 'us-west-2': { M: target } } };
}

function event(over: Partial<LedgerEvent> = {}): LedgerEvent {
  return {
    eventId: 'e-1',
    eventName: 'UpdateTable',
    eventSource: 'glue.amazonaws.com',
    eventTime: '2026-11-26T10:00:00Z',
    actor: 'arn:aws:iam::111122223333:role/etl',
    refs: REFS,
    targets: {
      'us-west-2': { status: 'PENDING' },
      'eu-west-1': { status: 'FAILED', reason: 'table', attempts: 2, lastError: 'ThrottlingException', appliedAt: '2026-11-26T10:01:00Z' },
    },
    state: 'PENDING',
    ...over,
  };
}

/** The item `putIfNew(event())` writes at RECORDED. */
const RECORDED_ITEM: Item = {
  pk: { S: 'e-1' },
  kind: { S: 'event' },
  eventName: { S: 'UpdateTable' },
  eventSource: { S: 'glue.amazonaws.com' },
  eventTime: { S: '2026-11-26T10:00:00Z' },
  actor: { S: 'arn:aws:iam::111122223333:role/etl' },
  refs: { S: '[{"kind":"table","database":"sales","table":"orders"}]' },
  targets: {
    M: {
      'us-west-2': { M: { status: { S: 'PENDING' } } },
      'eu-west-1': {
        M: {
          status: { S: 'FAILED' },
          reason: { S: 'table' },
          attempts: { N: '2' },
          lastError: { S: 'ThrottlingException' },
          appliedAt: { S: '2026-11-26T10:01:00Z' },
        },
      },
    },
  },
  state: { S: 'PENDING' },
  pendingKey: { S: 'PENDING' },
  pendingSince: { S: '2026-11-26T10:05:00.250Z' },
  touchedAt: { S: '2026-11-26T10:05:00.250Z' },
  recordedAt: { S: '2026-11-26T10:05:00.250Z' },
  expiresAt: { N: EXPIRES_AT },
};

describe('ledger item layout (moto)', () => {
  test('a new PENDING event: string attributes, refs as one JSON string, targets as maps, sparse PENDING keys and a numeric TTL', async () => {
    expect(await ledger.putIfNew(event(), RECORDED)).toBe(true);
    expect(await rawItem('e-1')).toEqual(RECORDED_ITEM);
  });

  test('a new event that is not PENDING has no PENDING keys; FAILED has the FAILED key; no actor (or an empty one) leaves the attribute out', async () => {
    await ledger.putIfNew(event({ eventId: 'done', state: 'DONE', actor: undefined, targets: {} }), RECORDED);
    await ledger.putIfNew(event({ eventId: 'failed', state: 'FAILED', actor: '', targets: { 'us-west-2': { status: 'FAILED', attempts: 0 } } }), RECORDED);
    const common = {
      kind: { S: 'event' },
      eventName: { S: 'UpdateTable' },
      eventSource: { S: 'glue.amazonaws.com' },
      eventTime: { S: '2026-11-26T10:00:00Z' },
      refs: { S: '[{"kind":"table","database":"sales","table":"orders"}]' },
      recordedAt: { S: '2026-11-26T10:05:00.250Z' },
      expiresAt: { N: EXPIRES_AT },
    };
    expect(await rawItem('done')).toEqual({ ...common, pk: { S: 'done' }, targets: { M: {} }, state: { S: 'DONE' } });
    expect(await rawItem('failed')).toEqual({
      ...common,
      pk: { S: 'failed' },
      targets: { M: { 'us-west-2': { M: { status: { S: 'FAILED' }, attempts: { N: '0' } } } } },
      state: { S: 'FAILED' },
      failedKey: { S: 'FAILED' },
    });
  });

  test('an event already recorded is not written again', async () => {
    await ledger.putIfNew(event(), RECORDED);
    expect(await ledger.putIfNew(event({ eventName: 'DeleteTable', state: 'DONE' }), LATER)).toBe(false);
    expect(await rawItem('e-1')).toEqual(RECORDED_ITEM);
  });

  test('outcomes set the named targets, the state and updatedAt, and move the sparse index keys; a wake-up counts in wakeUps', async () => {
    await ledger.putIfNew(event(), RECORDED);

    await ledger.recordOutcome('e-1', { 'us-west-2': { status: 'FAILED', attempts: 3, lastError: 'AccessDeniedException' } }, 'FAILED', LATER);
    const failed = without({
      ...RECORDED_ITEM,
      targets: westTarget(RECORDED_ITEM, { status: { S: 'FAILED' }, attempts: { N: '3' }, lastError: { S: 'AccessDeniedException' } }),
      state: { S: 'FAILED' },
      failedKey: { S: 'FAILED' },
      updatedAt: { S: '2026-11-26T10:20:00.000Z' },
    }, 'pendingKey');
    expect(await rawItem('e-1')).toEqual(failed);

    // A redrive: PENDING again, pending since now, handed over now, no wake-ups yet.
    await ledger.recordOutcome('e-1', { 'us-west-2': { status: 'PENDING', reason: 'redriven', lastError: 'AccessDeniedException' } }, 'PENDING', LATEST);
    const redriven = without({
      ...failed,
      targets: westTarget(failed, { status: { S: 'PENDING' }, reason: { S: 'redriven' }, lastError: { S: 'AccessDeniedException' } }),
      state: { S: 'PENDING' },
      pendingKey: { S: 'PENDING' },
      pendingSince: { S: '2026-11-26T10:40:00.000Z' },
      touchedAt: { S: '2026-11-26T10:40:00.000Z' },
      wakeUps: { N: '0' },
      updatedAt: { S: '2026-11-26T10:40:00.000Z' },
    }, 'failedKey');
    expect(await rawItem('e-1')).toEqual(redriven);

    const woken = new Date('2026-11-26T11:00:00.000Z');
    expect(await ledger.wakePending('e-1', '2026-11-26T10:40:00.000Z', woken)).toBe(true);
    expect(await ledger.wakePending('e-1', '2026-11-26T10:40:00.000Z', woken)).toBe(false);
    expect(await rawItem('e-1')).toEqual({ ...redriven, touchedAt: { S: '2026-11-26T11:00:00.000Z' }, wakeUps: { N: '1' } });

    const applied = { status: 'APPLIED', reason: 'table', appliedAt: '2026-11-26T11:01:00.000Z' } as const;
    expect(await ledger.recordOutcomeIfUntouched('e-1', { 'us-west-2': applied }, 'DONE', '2026-11-26T10:40:00.000Z', LATEST)).toBe(false);
    expect(await ledger.recordOutcomeIfUntouched('e-1', { 'us-west-2': applied }, 'DONE', '2026-11-26T11:00:00.000Z', woken)).toBe(true);
    const done = without({
      ...redriven,
      targets: westTarget(redriven, { status: { S: 'APPLIED' }, reason: { S: 'table' }, appliedAt: { S: '2026-11-26T11:01:00.000Z' } }),
      state: { S: 'DONE' },
      touchedAt: { S: '2026-11-26T11:00:00.000Z' },
      wakeUps: { N: '1' },
      updatedAt: { S: '2026-11-26T11:00:00.000Z' },
    }, 'pendingKey');
    expect(await rawItem('e-1')).toEqual(done);
  });

  test('an outcome for an event that is not in the ledger is refused', async () => {
    await expect(ledger.recordOutcome('missing', { 'us-west-2': { status: 'APPLIED' } }, 'DONE', LATER))
      .rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(await rawItem('missing')).toBeUndefined();
  });

  test('the cursor item holds numbers for the cursor, resume point and slice, and never moves back', async () => {
    expect(await ledger.advanceCursor(1_795_687_000_000, { resumeMs: 1_795_686_100_000, gapAt: LATER, now: RECORDED })).toBe(true);
    await ledger.saveSliceMs(300_000);
    const cursor = {
      pk: { S: '#cursor' },
      cursorMs: { N: '1795687000000' },
      resumeMs: { N: '1795686100000' },
      lastGapAt: { S: '2026-11-26T10:20:00.000Z' },
      updatedAt: { S: '2026-11-26T10:05:00.250Z' },
      sliceMs: { N: '300000' },
    };
    expect(await rawItem('#cursor')).toEqual(cursor);
    expect(await ledger.advanceCursor(1_795_686_000_000, { now: LATER })).toBe(false);
    expect(await ledger.advanceCursor(1_795_687_000_000, { resumeMs: 1_795_686_000_000, now: LATER })).toBe(false);
    expect(await rawItem('#cursor')).toEqual(cursor);
    expect(await ledger.advanceCursor(1_795_688_000_000, { now: LATER })).toBe(true);
    expect(await rawItem('#cursor')).toEqual({ ...cursor, cursorMs: { N: '1795688000000' }, updatedAt: { S: '2026-11-26T10:20:00.000Z' } });
  });
});

describe('items already in a ledger (moto)', () => {
  const put = (item: Item) => raw.send(new PutItemCommand({ TableName: LEDGER_TABLE, Item: item }));

  test('are read back as events, index entries and the cursor', async () => {
    await put(RECORDED_ITEM);
    await put(without({ ...RECORDED_ITEM, pk: { S: 'e-2' }, state: { S: 'FAILED' }, failedKey: { S: 'FAILED' }, wakeUps: { N: '2' } }, 'pendingKey'));
    await put({ pk: { S: '#cursor' }, cursorMs: { N: '1795687000000' }, sliceMs: { N: '300000' }, updatedAt: { S: '2026-11-26T10:05:00.250Z' } });

    const expected = event();
    expect(await ledger.getEvent('e-1')).toEqual(expected);
    expect(await ledger.getEvent('absent')).toBeUndefined();
    expect(await ledger.getEvent('#cursor')).toBeUndefined();
    const many = await ledger.getEvents(['e-1', 'e-2', 'e-1', 'absent', '#cursor']);
    expect([...many.keys()].sort()).toEqual(['e-1', 'e-2']);
    expect(many.get('e-2')).toEqual({ ...expected, eventId: 'e-2', state: 'FAILED' });

    const pending = [];
    for await (const entry of ledger.pendingEvents({ before: LATER })) pending.push(entry);
    expect(pending).toEqual([{ eventId: 'e-1', pendingSince: '2026-11-26T10:05:00.250Z', touchedAt: '2026-11-26T10:05:00.250Z', wakeUps: 0 }]);
    expect(await ledger.oldestPendingSince()).toBe('2026-11-26T10:05:00.250Z');

    const failed = [];
    for await (const e of ledger.failedEvents()) failed.push(e.eventId);
    expect(failed).toEqual(['e-2']);

    expect(await ledger.cursor()).toEqual({ cursorMs: 1_795_687_000_000, resumeMs: undefined, sliceMs: 300_000, lastGapAt: undefined });
  });

  test('a ledger without a cursor has none', async () => {
    expect(await ledger.cursor()).toBeUndefined();
    expect(await ledger.oldestPendingSince()).toBeUndefined();
  });
});

describe('eventIdOfKey', () => {
  test('is the partition key of an event, and undefined for the cursor or no key', () => {
    expect(eventIdOfKey({ pk: { S: 'e-1' } })).toBe('e-1');
    expect(eventIdOfKey({ pk: { S: '#cursor' } })).toBeUndefined();
    expect(eventIdOfKey(undefined)).toBeUndefined();
  });
});
