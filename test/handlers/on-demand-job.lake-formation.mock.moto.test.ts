import { AddLFTagsToResourceCommand } from '@aws-sdk/client-lakeformation';
import { AwsClients } from '../../src/engine/kernel/clients';
import { writeCalls } from '../../src/engine/kernel/report';
import { Scope } from '../../src/engine/kernel/scope';
import { SnapshotSource, validateSnapshot } from '../../src/engine/snapshot';
import { JOB_SETTINGS_ENV } from '../../src/shared/job-settings';
import { LF_KINDS } from '../../src/shared/lake-formation-kinds';
import { FakeLake } from '../support/fake-lake';
import { BUCKET, SETTINGS, SOURCE, TARGETS, useJobHarness } from '../support/job-harness';
import { FakeLakeFormation } from '../support/lake-formation-fake';
import { ACCOUNT, mockAws, type MockedAws } from '../support/sdk-harness';
import { seedTaggedLake } from '../support/tagged-lake';

/**
 * The whole on-demand job (resolve, Lake Formation before, the map's items, Lake Formation after, finalize)
 * through its real handlers, with a Lake Formation budget so small that each of its invocations converges
 * one chunk: Glue and Lake Formation are the stateful fakes (moto lacks most of Lake Formation, and serves
 * no page tokens), the run store and the snapshot are in moto's S3.
 */

const job = useJobHarness();
const DATABASES = ['finance', 'marketing', 'sales'];
const TABLES = 60;
/** GetTables pages of 25: three pages, so three chunks of the walk, a database. */
const TABLE_PAGE = 25;
const PRINCIPALS = ['analyst', 'steward'].map(name => `arn:aws:iam::${ACCOUNT}:role/${name}`);

let aws: MockedAws;
let glue: FakeLake;
let lf: FakeLakeFormation;
let fresh = 0;

beforeEach(() => {
  aws = mockAws();
  glue = new FakeLake(aws.glue, { databases: 100, tables: TABLE_PAGE, partitions: 1000 }).install().persistWrites();
  lf = new FakeLakeFormation(1000);
  // Glue, STS and Lake Formation answer from the fakes; S3 (the run store) is moto's.
  process.env.AWS_ENDPOINT_URL = job.endpoint;
  // Every kind (the fake serves them all); a namespace of the test's own gives it fresh warm clients, as a new Lambda.
  process.env[JOB_SETTINGS_ENV] = JSON.stringify({ ...SETTINGS, lakeFormationKinds: [...LF_KINDS], metricNamespace: `LakeReplica${++fresh}` });
});
afterEach(() => {
  lf.restore();
  aws.restore();
  process.env[JOB_SETTINGS_ENV] = JSON.stringify(SETTINGS);
});

/** The source lake: tags on each database and table and on a column of every fifth table, SELECT for two principals on each table. */
function seed(): number {
  return seedTaggedLake(glue.region(SOURCE), lf.region(SOURCE), { databases: DATABASES, tables: TABLES, principals: PRINCIPALS });
}

describe('on-demand job Lake Formation steps against the Lake Formation and Glue fakes, the run store on moto', () => {
  test('with one chunk an invocation, the job finishes, every tag assignment converges once into each target, the report counts each object once; an unchanged re-run writes nothing', async () => {
    const tagged = seed();
    const grants = DATABASES.length * TABLES * PRINCIPALS.length;
    const { outcome, report, lakeFormationInvocations, invocations } = await job.runStateMachine({}, 900_000, 'lf-continues', 1);
    expect(outcome.failed).toBe(0);
    expect(report.failures).toEqual([]);
    // Each map item in one invocation. The Lake Formation phases in many: before, the settings, the LF-tags, then
    // (expressions and locations: none) the 9 pages of tables into the snapshot; after, (no filters or opt-ins)
    // the 9 pages converged, then the grants in one chunk.
    expect(invocations).toBe(DATABASES.length * (TARGETS.length + 1));
    const walk = DATABASES.length * Math.ceil(TABLES / TABLE_PAGE);
    expect(lakeFormationInvocations).toBe(2 + walk + walk + 1);

    // Every object counted once, though its phase ran in many invocations whose reports finalize merged.
    expect(report.counts.lfTagAssignment).toEqual({ created: tagged * TARGETS.length, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
    expect(report.counts.permission).toEqual({ created: grants * TARGETS.length, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
    expect(report.counts.lfTag).toMatchObject({ created: 3 * TARGETS.length, unchanged: 0 });
    expect(lf.stub.commandCalls(AddLFTagsToResourceCommand)).toHaveLength(tagged * TARGETS.length);
    for (const region of TARGETS) {
      expect(lf.region(region).assignmentsView()).toEqual(lf.region(SOURCE).assignmentsView());
      expect(lf.region(region).permissionsView()).toEqual(lf.region(SOURCE).permissionsView());
    }

    // The run's snapshot: one Lake Formation part an invocation of the before step, first in the manifest; it validates
    // and holds each assignment once.
    const manifest = await job.readJson<{ header: { lakeFormation?: { kinds: string[] } }; parts: string[]; totals: { lakeFormation?: number } }>(
      outcome.snapshotLocation!.slice(`s3://${BUCKET}/`.length));
    const lakeFormationParts = manifest.parts.filter(p => p.startsWith('_lake-formation'));
    expect(lakeFormationParts.length).toBeGreaterThan(DATABASES.length * Math.ceil(TABLES / TABLE_PAGE));
    expect(manifest.parts.slice(0, lakeFormationParts.length)).toEqual(lakeFormationParts);
    expect(lakeFormationParts.slice(0, 2)).toEqual(['_lake-formation.jsonl.gz', '_lake-formation.000001.jsonl.gz']);
    expect(manifest.header.lakeFormation!.kinds).toEqual([...LF_KINDS]);
    expect(manifest.totals.lakeFormation).toBe(1 + 3 + grants + tagged);
    const clients = new AwsClients({ endpoint: job.endpoint, maxAttempts: 1 });
    try {
      await validateSnapshot(outcome.snapshotLocation!, clients, SOURCE);
      const state = (await new SnapshotSource(outcome.snapshotLocation!, clients, new Scope(), SOURCE).lakeFormation())!;
      expect(state.tagAssignments).toHaveLength(tagged);
      expect(state.permissions).toHaveLength(grants);
    } finally {
      clients.destroy();
    }

    lf.stub.resetHistory();
    const again = await job.runStateMachine({}, 900_000, 'lf-again', 1);
    expect(again.outcome.failed).toBe(0);
    expect(again.lakeFormationInvocations).toBe(lakeFormationInvocations);
    const lakeFormationWrites = Object.fromEntries(Object.entries(again.report.apiCalls).filter(([op]) => op.startsWith('lakeformation:')));
    expect(writeCalls(lakeFormationWrites)).toBe(0);
    expect(lf.writes()).toEqual({});
    expect(again.report.counts.lfTagAssignment).toMatchObject({ created: 0, updated: 0, deleted: 0, unchanged: tagged * TARGETS.length });
    expect(again.report.counts.permission).toMatchObject({ created: 0, deleted: 0, unchanged: grants * TARGETS.length });
  });
});
