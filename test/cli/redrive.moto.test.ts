import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Ledger, type LedgerEvent } from '../../src/engine/realtime/ledger';
import { cli, TEST_CREDENTIALS } from '../support/cli-harness';
import { useMoto } from '../support/moto';
import { createLedgerTable, LEDGER_TABLE } from '../support/realtime/ledger-table';

const REGION = 'us-west-2';
const moto = useMoto();
let ledger: Ledger;
beforeEach(async () => {
  const dynamodb = new DynamoDBClient({ region: REGION, endpoint: moto().endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  await createLedgerTable(dynamodb);
  ledger = new Ledger(dynamodb, LEDGER_TABLE, 86_400_000);
});

function event(eventId: string): LedgerEvent {
  return {
    eventId,
    eventName: 'UpdateTable',
    eventSource: 'glue.amazonaws.com',
    eventTime: '2026-11-26T10:00:00Z',
    refs: [{ kind: 'table', database: 'sales', table: 'orders' }],
    targets: { 'us-west-2': { status: 'PENDING' }, 'eu-west-1': { status: 'PENDING' } },
    state: 'PENDING',
  };
}

async function failIn(eventId: string, failed: string[]): Promise<void> {
  await ledger.putIfNew(event(eventId));
  const targets = Object.fromEntries(['us-west-2', 'eu-west-1'].map(r => [r, failed.includes(r)
    ? { status: 'FAILED' as const, attempts: 3, lastError: 'AccessDeniedException: not a data lake admin' }
    : { status: 'APPLIED' as const }]));
  await ledger.recordOutcome(eventId, targets, 'FAILED');
}

const redrive = (...extra: string[]) => cli(moto().endpoint, 'redrive', '--ledger-table', LEDGER_TABLE, '--ledger-region', REGION, ...extra);

describe('lake-replica redrive against a moto ledger', () => {
  test('--dry-run lists the failed events and changes nothing', async () => {
    await failIn('e-1', ['us-west-2']);
    const r = await redrive('--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('would redrive 1 failed event(s), 1 event-target pair(s)');
    expect(r.stdout).toContain('e-1');
    expect((await ledger.getEvent('e-1'))!.targets['us-west-2'].status).toBe('FAILED');
  });

  test('sets FAILED targets back to PENDING, leaves applied targets alone, and reports JSON', async () => {
    await failIn('e-1', ['us-west-2', 'eu-west-1']);
    await failIn('e-2', ['eu-west-1']);
    await ledger.putIfNew(event('e-3'));
    const r = await redrive('--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { eventIds: string[]; targets: number };
    expect(out.eventIds.sort()).toEqual(['e-1', 'e-2']);
    expect(out.targets).toBe(3);
    const e2 = (await ledger.getEvent('e-2'))!;
    expect(e2.state).toBe('PENDING');
    expect(e2.targets['eu-west-1'].status).toBe('PENDING');
    expect(e2.targets['us-west-2'].status).toBe('APPLIED');
    expect((await ledger.getEvent('e-3'))!.targets['us-west-2'].status).toBe('PENDING');
  });

  test('--include-stale-pending also wakes PENDING events the applier never answered for, and says how many', async () => {
    await failIn('e-1', ['us-west-2']);
    await ledger.putIfNew(event('stuck'), new Date(Date.now() - 60 * 60_000));
    await ledger.putIfNew(event('fresh'));
    const plain = await redrive('--dry-run');
    expect(plain.stdout).toContain('would redrive 1 failed event(s), 1 event-target pair(s)');
    const r = await redrive('--include-stale-pending');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('redrove 1 failed event(s) and 1 stale pending event(s), 3 event-target pair(s)');
    expect(r.stdout).toContain('stuck');
    expect(r.stdout).not.toContain('fresh');
    // Woken: pending since now, so a second run finds nothing stale.
    const again = await redrive('--include-stale-pending', '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ eventIds: [], stalePending: 0 });
  });

  test('--target-region redrives only that target', async () => {
    await failIn('e-1', ['us-west-2', 'eu-west-1']);
    const r = await redrive('--target-region', 'eu-west-1');
    expect(r.code).toBe(0);
    const e1 = (await ledger.getEvent('e-1'))!;
    expect(e1.targets['eu-west-1'].status).toBe('PENDING');
    expect(e1.targets['us-west-2'].status).toBe('FAILED');
  });

  test('bad usage exits 2 with a hint before any AWS call', async () => {
    for (const argv of [
      ['redrive', '--ledger-region', REGION],
      ['redrive', '--ledger-table', LEDGER_TABLE, '--ledger-region', 'nowhere'],
      ['redrive', '--ledger-table', LEDGER_TABLE, '--ledger-region', REGION, '--source-region', 'us-east-1'],
      ['redrive', '--ledger-table', LEDGER_TABLE, '--ledger-region', REGION, '--target-region', 'us-west-2', '--target-region', 'eu-west-1'],
      ['sync', '--source-region', 'us-east-1', '--target-region', REGION, '--dry-run'],
      ['sync', '--source-region', 'us-east-1', '--target-region', REGION, '--include-stale-pending'],
    ]) {
      const r = await cli('http://127.0.0.1:9', ...argv);
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
      expect(r.stderr).toMatch(/Run "lake-replica --help" for usage/);
    }
  });

  test('a ledger table that does not exist fails with exit 1 and says why', async () => {
    const r = await cli(moto().endpoint, 'redrive', '--ledger-table', 'no-such-ledger', '--ledger-region', REGION);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/redrive failed: .*(ResourceNotFound|not found)/i);
  });
});
