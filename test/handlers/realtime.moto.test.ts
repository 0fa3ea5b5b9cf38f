import { CreateDatabaseCommand, GetCatalogCommand, GetDatabaseCommand, GlueClient } from '@aws-sdk/client-glue';
import { setPromoted } from '../../src/engine/promote/mark';
import { handler as applier } from '../../src/handlers/applier.lambda';
import { handler as poller } from '../../src/handlers/poller.lambda';
import type { JobSettings } from '../../src/shared/job-settings';
import { JOB_SETTINGS_ENV } from '../../src/shared/job-settings';
import { REALTIME_SETTINGS_ENV, type RealtimeSettings } from '../../src/shared/realtime-settings';
import { LEDGER_TABLE } from '../support/realtime/ledger-table';
import { BUCKET_MAPPINGS, SOURCE, TARGETS, usePipeline } from '../support/realtime/pipeline';
import { params, trailEvent } from '../support/realtime/trail-events';

// The Lambda handlers in-process, configured through their environment as the construct does;
// CloudTrail is mocked (moto has no LookupEvents), everything else is moto.

const pipeline = usePipeline();
const saved = { ...process.env };
afterAll(() => {
  process.env = saved;
});

/** Configures the handlers through their environment as the construct does; returns the captured log lines. */
function deploy(endpoint: string): jest.SpyInstance {
  const settings: JobSettings = {
    sourceRegion: SOURCE,
    targetRegions: TARGETS,
    databases: ['*'],
    excludeDatabases: [],
    bucketMappings: BUCKET_MAPPINGS,
    snapshotBucket: 'unused',
    tableConcurrency: 2,
    metricNamespace: 'LakeReplica',
  };
  const realtime: RealtimeSettings = {
    ledgerTable: LEDGER_TABLE,
    lookbackMs: 3600_000,
    overlapMs: 900_000,
    retentionMs: 86_400_000,
    lookupStrategy: 'write-events',
    lookupsPerSecond: 100,
    metricNamespace: 'LakeReplica',
  };
  Object.assign(process.env, {
    [JOB_SETTINGS_ENV]: JSON.stringify(settings),
    [REALTIME_SETTINGS_ENV]: JSON.stringify(realtime),
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: SOURCE,
  });
  return jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
}

const logLines = (stdout: jest.SpyInstance) => stdout.mock.calls.map(c => JSON.parse(String(c[0])) as Record<string, unknown>);

test('the poller and applier handlers carry a change from CloudTrail to both targets', async () => {
  const p = pipeline();
  const stdout = deploy(p.endpoint);
  try {
    await p.glueAt(SOURCE).send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'sales', LocationUri: 's3://acme-lake-raw/sales/' } }));
    p.trail.add(trailEvent({ id: 'e1', name: 'CreateDatabase', time: new Date(), params: params.createDatabase('sales') }));
    const polled = await poller({}, { getRemainingTimeInMillis: () => 60_000 });
    // The poll ends with a sweep of the PENDING index: the new event is not stale.
    expect(polled).toMatchObject({ pending: 1, complete: true, sweep: { woken: [], failed: [] } });
    const response = await applier({ Records: await p.pendingRecords() });
    expect(response).toEqual({ batchItemFailures: [] });
    for (const region of TARGETS) {
      expect((await p.glueAt(region).send(new GetDatabaseCommand({ Name: 'sales' }))).Database!.LocationUri).toBe('s3://acme-lake-raw-dr/sales/');
    }
    // Structured logs name the object and target; metrics go out in embedded metric format.
    const lines = logLines(stdout);
    expect(lines).toContainEqual(expect.objectContaining({ message: 'object converged', target: 'us-west-2', object: { kind: 'database', database: 'sales' }, status: 'APPLIED' }));
    expect(lines.some(l => (l._aws as { CloudWatchMetrics?: Array<{ Namespace: string }> } | undefined)?.CloudWatchMetrics?.[0].Namespace === 'LakeReplica' && 'ReplicationLagMs' in l)).toBe(true);
  } finally {
    stdout.mockRestore();
  }
});

test('a target that lake-replica promote marked gets its events SKIPPED with the reason; the other target converges and the batch does not fail', async () => {
  const p = pipeline();
  const [promoted, replica] = TARGETS;
  await setPromoted(p.glueAt(promoted), '123456789012', '2026-12-03T06:00:00.000Z');
  const stdout = deploy(p.endpoint);
  try {
    await p.glueAt(SOURCE).send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'sales', LocationUri: 's3://acme-lake-raw/sales/' } }));
    p.trail.add(trailEvent({ id: 'e1', name: 'CreateDatabase', time: new Date(), params: params.createDatabase('sales') }));
    await poller({}, { getRemainingTimeInMillis: () => 60_000 });
    expect(await applier({ Records: await p.pendingRecords() })).toEqual({ batchItemFailures: [] });
    expect((await p.glueAt(replica).send(new GetDatabaseCommand({ Name: 'sales' }))).Database!.LocationUri).toBe('s3://acme-lake-raw-dr/sales/');
    await expect(p.glueAt(promoted).send(new GetDatabaseCommand({ Name: 'sales' }))).rejects.toThrow(/not found/i);
    const event = (await p.ledger.getEvents(['e1'])).get('e1')!;
    expect(event.targets[replica].status).toBe('APPLIED');
    expect(event.targets[promoted]).toMatchObject({
      status: 'SKIPPED', reason: `not replicated: Region ${promoted} was promoted to the primary (lake-replica promote, 2026-12-03T06:00:00.000Z)`,
    });
    // Nothing is left to retry: the event is done, not pending for the promoted Region.
    expect(event.state).toBe('DONE');
    expect(logLines(stdout)).toContainEqual(expect.objectContaining({ message: 'event skipped', target: promoted }));
  } finally {
    stdout.mockRestore();
  }
});

test('a target whose promoted mark cannot be read gets its events FAILED, to be retried; the other target converges', async () => {
  const p = pipeline();
  const [unreadable, replica] = TARGETS;
  const send = GlueClient.prototype.send;
  const spy = jest.spyOn(GlueClient.prototype, 'send').mockImplementation(async function (this: GlueClient, command: unknown, ...rest: unknown[]) {
    if (command instanceof GetCatalogCommand && await this.config.region() === unreadable) {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    }
    return (send as (...a: unknown[]) => Promise<unknown>).call(this, command, ...rest);
  } as never);
  const stdout = deploy(p.endpoint);
  try {
    await p.glueAt(SOURCE).send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'sales', LocationUri: 's3://acme-lake-raw/sales/' } }));
    p.trail.add(trailEvent({ id: 'e1', name: 'CreateDatabase', time: new Date(), params: params.createDatabase('sales') }));
    await poller({}, { getRemainingTimeInMillis: () => 60_000 });
    const records = await p.pendingRecords();
    // The record fails: the stream retries it, and only the target still pending is converged then.
    expect((await applier({ Records: records })).batchItemFailures).toHaveLength(records.length);
    expect((await p.glueAt(replica).send(new GetDatabaseCommand({ Name: 'sales' }))).Database).toBeDefined();
    const event = (await p.ledger.getEvents(['e1'])).get('e1')!;
    expect(event.targets[replica].status).toBe('APPLIED');
    expect(event.targets[unreadable]).toMatchObject({
      status: 'FAILED', attempts: 1, lastError: expect.stringContaining(`reading whether Region ${unreadable} is promoted (GetCatalog 123456789012) failed: ThrottlingException: Rate exceeded; nothing was converged there`),
    });
  } finally {
    stdout.mockRestore();
    spy.mockRestore();
  }
});
