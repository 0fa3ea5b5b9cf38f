import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  CreateDatabaseCommand, CreateUserDefinedFunctionCommand, DeleteDatabaseCommand, DeleteUserDefinedFunctionCommand, GetDatabasesCommand,
  GetUserDefinedFunctionCommand, GetUserDefinedFunctionsCommand, UpdateUserDefinedFunctionCommand,
  type GlueClient, type UserDefinedFunctionInput,
} from '@aws-sdk/client-glue';
import { glueObjectConverger } from '../../../../src/engine/glue/objects';
import { LiveCatalogSource } from '../../../../src/engine/glue/source';
import { writeCalls } from '../../../../src/engine/kernel/report';
import { Scope } from '../../../../src/engine/kernel/scope';
import { glueAt, motoCli } from '../../../support/cli-harness';
import { useMoto } from '../../../support/moto';
import { BUCKET_MAPPINGS, SOURCE as PIPELINE_SOURCE, TARGETS, usePipeline } from '../../../support/realtime/pipeline';
import { params, trailEvent } from '../../../support/realtime/trail-events';
import { SAMPLE_BUCKET_MAPS } from '../../../support/sample-lake';

const SOURCE = 'us-east-1';
const TARGET = 'us-west-2';

const MASK: UserDefinedFunctionInput = {
  FunctionName: 'mask_pii',
  ClassName: 'com.acme.udf.MaskPii',
  OwnerName: 'etl',
  OwnerType: 'USER',
  FunctionType: 'REGULAR_FUNCTION',
  ResourceUris: [
    { ResourceType: 'JAR', Uri: 's3://acme-lake-raw/udf/mask-pii-1.4.jar' },
    { ResourceType: 'FILE', Uri: 's3a://acme-lake-curated/udf/dictionary.txt' },
  ],
  ArtifactLocation: 's3://acme-lake-curated/udf/',
};
/** Its archive is in a bucket with no mapping: left pointing at the source's, and warned about. */
const GEO: UserDefinedFunctionInput = {
  FunctionName: 'geo_lookup',
  ClassName: 'com.acme.udf.GeoLookup',
  OwnerName: 'analysts',
  OwnerType: 'GROUP',
  ResourceUris: [{ ResourceType: 'ARCHIVE', Uri: 's3://acme-audit-logs/udf/geo.zip' }, { ResourceType: 'JAR', Uri: 'https://repo.acme.example/udf/geo.jar' }],
};
const UPPER: UserDefinedFunctionInput = { FunctionName: 'to_upper', ClassName: 'com.acme.udf.ToUpper', OwnerName: 'etl', OwnerType: 'ROLE' };

async function seedDatabase(glue: GlueClient, name: string, functions: readonly UserDefinedFunctionInput[]): Promise<void> {
  await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: name, LocationUri: `s3://acme-lake-raw/${name}/` } }));
  for (const FunctionInput of functions) await glue.send(new CreateUserDefinedFunctionCommand({ DatabaseName: name, FunctionInput }));
}

/** A database's functions in one Region, in the write shape, by name. */
async function functionsIn(glue: GlueClient, db: string): Promise<Record<string, UserDefinedFunctionInput>> {
  const out: Record<string, UserDefinedFunctionInput> = {};
  let NextToken: string | undefined;
  do {
    const page = await glue.send(new GetUserDefinedFunctionsCommand({ DatabaseName: db, Pattern: '*', NextToken }));
    for (const { CreateTime: _c, DatabaseName: _d, CatalogId: _id, ...f } of page.UserDefinedFunctions ?? []) out[f.FunctionName!] = f;
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

const mapped = (f: UserDefinedFunctionInput): UserDefinedFunctionInput => JSON.parse(JSON.stringify(f)
  .replace(/s3:\/\/acme-lake-raw\//g, 's3://acme-lake-raw-usw2/')
  .replace(/(s3a?):\/\/acme-lake-curated\//g, '$1://acme-lake-curated-usw2/'));

describe('user-defined functions through the CLI, against moto extended with user-defined functions (listings paged at 2)', () => {
  const moto = useMoto();
  const source = () => glueAt(moto().endpoint, SOURCE);
  const target = () => glueAt(moto().endpoint, TARGET);
  const maps = SAMPLE_BUCKET_MAPS.flatMap(m => ['--bucket-map', m]);
  const run = (command: string, ...extra: string[]) =>
    motoCli(moto().endpoint, command, '--source-region', SOURCE, '--target-region', TARGET, ...maps, '--json', ...extra);

  test('plan lists them; sync creates a new database with its functions, URIs in the mapped buckets, an unmapped bucket warned about', async () => {
    await seedDatabase(source(), 'analytics', [MASK, GEO, UPPER]);

    const plan = await run('plan');
    expect(plan.code).toBe(0);
    expect(plan.report.differences!.filter(d => d.kind === 'userDefinedFunction').map(d => `${d.difference} ${d.key}`).sort())
      .toEqual(['missing analytics/geo_lookup', 'missing analytics/mask_pii', 'missing analytics/to_upper']);
    expect(writeCalls(plan.report.apiCalls)).toBe(0);

    const r = await run('sync');
    expect(r.code).toBe(0);
    expect(r.report.failures).toEqual([]);
    expect(r.report.counts.database.created).toBe(1);
    expect(r.report.counts.userDefinedFunction).toEqual({ created: 3, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
    expect(r.report.apiCalls['glue:CreateUserDefinedFunction']).toBe(3);
    expect(await functionsIn(target(), 'analytics')).toEqual({ mask_pii: mapped(MASK), geo_lookup: GEO, to_upper: UPPER });
    expect((await functionsIn(target(), 'analytics')).mask_pii.ResourceUris).toEqual([
      { ResourceType: 'JAR', Uri: 's3://acme-lake-raw-usw2/udf/mask-pii-1.4.jar' },
      { ResourceType: 'FILE', Uri: 's3a://acme-lake-curated-usw2/udf/dictionary.txt' },
    ]);
    expect(r.report.warnings.join('\n')).toMatch(/replicated to us-west-2 still point at unmapped bucket "acme-audit-logs" \(for example analytics\)/);
  });

  test('an unchanged lake: a re-run writes nothing and reads each database\'s functions once a Region, page by page', async () => {
    await seedDatabase(source(), 'analytics', [MASK, GEO, UPPER]);
    await seedDatabase(source(), 'empty', []);
    expect((await run('sync')).code).toBe(0);

    const again = await run('sync');
    expect(again.code).toBe(0);
    expect(writeCalls(again.report.apiCalls)).toBe(0);
    expect(again.report.counts.userDefinedFunction).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 3, failed: 0 });
    // analytics: 2 pages in the source and 2 in the target; empty: 1 page in each.
    expect(again.report.apiCalls['glue:GetUserDefinedFunctions']).toBe(6);
    expect(again.report.apiCalls['glue:GetUserDefinedFunction']).toBeUndefined();
  });

  test('a function changed in the source is updated; one whose governance mode changed is created again', async () => {
    await seedDatabase(source(), 'analytics', [MASK, UPPER]);
    expect((await run('sync')).code).toBe(0);

    const masked = { ...MASK, ClassName: 'com.acme.udf.MaskPiiV2', ResourceUris: [{ ResourceType: 'JAR' as const, Uri: 's3://acme-lake-raw/udf/mask-pii-2.0.jar' }] };
    await source().send(new UpdateUserDefinedFunctionCommand({ DatabaseName: 'analytics', FunctionName: 'mask_pii', FunctionInput: masked }));
    // Glue cannot change a function's governance mode: the source's owner deletes and creates it.
    const governed = { ...UPPER, GovernanceMode: 'LAKE_FORMATION' as const, ArtifactLocation: 's3://acme-lake-raw/udf/' };
    await source().send(new DeleteUserDefinedFunctionCommand({ DatabaseName: 'analytics', FunctionName: 'to_upper' }));
    await source().send(new CreateUserDefinedFunctionCommand({ DatabaseName: 'analytics', FunctionInput: governed }));

    const r = await run('sync');
    expect(r.code).toBe(0);
    expect(r.report.counts.userDefinedFunction).toMatchObject({ created: 0, updated: 2, deleted: 0, unchanged: 0 });
    expect(await functionsIn(target(), 'analytics')).toEqual({ mask_pii: mapped(masked), to_upper: mapped(governed) });
    // mask_pii in place; to_upper deleted and created (one read of the target's function each, to compare modes).
    expect(r.report.apiCalls).toMatchObject({
      'glue:UpdateUserDefinedFunction': 1, 'glue:DeleteUserDefinedFunction': 1, 'glue:CreateUserDefinedFunction': 1, 'glue:GetUserDefinedFunction': 2,
    });
    expect(writeCalls((await run('sync')).report.apiCalls)).toBe(0);
  });

  test('a function only the target has is kept and listed by verify without prune, and deleted with it', async () => {
    await seedDatabase(source(), 'analytics', [UPPER]);
    expect((await run('sync')).code).toBe(0);
    await target().send(new CreateUserDefinedFunctionCommand({ DatabaseName: 'analytics', FunctionInput: { ...UPPER, FunctionName: 'legacy_fn' } }));

    const kept = await run('sync');
    expect(kept.code).toBe(0);
    expect(kept.report.counts.userDefinedFunction).toMatchObject({ deleted: 0, unchanged: 1 });
    expect(kept.report.warnings.join('\n')).toMatch(/us-west-2 has userDefinedFunctions in scope that the source does not have \(e\.g\. analytics\/legacy_fn\); they were kept/);
    expect(Object.keys(await functionsIn(target(), 'analytics')).sort()).toEqual(['legacy_fn', 'to_upper']);

    const verify = await run('verify');
    expect(verify.code).toBe(3);
    expect(verify.report.differences).toEqual([{ kind: 'userDefinedFunction', key: 'analytics/legacy_fn', target: TARGET, difference: 'extra' }]);

    const pruned = await run('sync', '--prune');
    expect(pruned.code).toBe(0);
    expect(pruned.report.counts.userDefinedFunction).toMatchObject({ deleted: 1, unchanged: 1 });
    expect(Object.keys(await functionsIn(target(), 'analytics'))).toEqual(['to_upper']);
    expect((await run('verify')).code).toBe(0);
  });

  test('--skip user-defined-functions leaves them alone: none read, none written, extras not reported', async () => {
    await seedDatabase(source(), 'analytics', [MASK]);
    const r = await run('sync', '--skip', 'user-defined-functions');
    expect(r.code).toBe(0);
    expect(r.report.counts.database.created).toBe(1);
    expect(r.report.counts.userDefinedFunction).toBeUndefined();
    expect(Object.keys(r.report.apiCalls).filter(op => op.includes('UserDefinedFunction'))).toEqual([]);
    expect(await functionsIn(target(), 'analytics')).toEqual({});

    await target().send(new CreateUserDefinedFunctionCommand({ DatabaseName: 'analytics', FunctionInput: UPPER }));
    const verify = await run('verify', '--skip', 'user-defined-functions');
    expect(verify.code).toBe(0);
    expect(verify.report.differences).toEqual([]);
    expect(await functionsIn(target(), 'analytics')).toEqual({ to_upper: UPPER });
  });

  test('a snapshot records them after their database; a restore recreates them with the source gone, and again writes nothing', async () => {
    await seedDatabase(source(), 'analytics', [MASK, GEO, UPPER]);
    const file = join(mkdtempSync(join(tmpdir(), 'lake-replica-udf-')), 'lake.jsonl.gz');
    const snap = await motoCli(moto().endpoint, 'snapshot', '--source-region', SOURCE, '--out', file, '--json');
    expect(snap.code).toBe(0);
    const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n').map(l => JSON.parse(l) as Record<string, unknown>);
    const at = lines.findIndex(l => (l.database as { Name?: string } | undefined)?.Name === 'analytics');
    expect(lines[at + 1]).toEqual({ attached: 'userDefinedFunctions', database: 'analytics', items: [GEO, MASK, UPPER] });
    expect(lines[0]).toMatchObject({ attached: { kinds: expect.arrayContaining(['userDefinedFunction']) } });
    expect(lines[lines.length - 1]).toMatchObject({ end: { databases: 1, attached: 3 } });

    for (const db of (await source().send(new GetDatabasesCommand({}))).DatabaseList ?? []) {
      await source().send(new DeleteDatabaseCommand({ Name: db.Name }));
    }
    const restore = await motoCli(moto().endpoint, 'restore', '--from', file, '--target-region', TARGET, ...maps, '--json');
    expect(restore.code).toBe(0);
    expect(restore.report.counts.userDefinedFunction).toMatchObject({ created: 3 });
    expect(await functionsIn(target(), 'analytics')).toEqual({ mask_pii: mapped(MASK), geo_lookup: GEO, to_upper: UPPER });

    const again = await motoCli(moto().endpoint, 'restore', '--from', file, '--target-region', TARGET, ...maps, '--json');
    expect(again.code).toBe(0);
    expect(writeCalls(again.report.apiCalls)).toBe(0);
    expect(again.report.counts.userDefinedFunction).toMatchObject({ unchanged: 3 });
  });
});

describe('user-defined functions near real time, against moto extended with user-defined functions', () => {
  const pipeline = usePipeline();
  const now = () => new Date();
  const FN: UserDefinedFunctionInput = {
    FunctionName: 'mask_pii',
    ClassName: 'com.acme.udf.MaskPii',
    OwnerName: 'etl',
    OwnerType: 'USER',
    ResourceUris: [{ ResourceType: 'JAR', Uri: 's3://acme-lake-raw/udf/mask.jar' }],
  };

  test('Create, Update and DeleteUserDefinedFunction events converge the database\'s functions in both targets', async () => {
    const p = pipeline();
    const source = p.glueAt(PIPELINE_SOURCE);
    await source.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'analytics' } }));
    await source.send(new CreateUserDefinedFunctionCommand({ DatabaseName: 'analytics', FunctionInput: FN }));

    // The target lacks the database: it is created, with its functions.
    expect(await p.flow(trailEvent({ id: 'c', name: 'CreateUserDefinedFunction', time: now(), params: params.createUserDefinedFunction('analytics', 'mask_pii') })))
      .toEqual({ batchItemFailures: [] });
    for (const region of TARGETS) {
      expect((await functionsIn(p.glueAt(region), 'analytics')).mask_pii.ResourceUris).toEqual([{ ResourceType: 'JAR', Uri: 's3://acme-lake-raw-dr/udf/mask.jar' }]);
    }
    expect(await p.ledger.getEvent('c')).toMatchObject({ state: 'DONE', targets: { [TARGETS[0]]: { status: 'APPLIED', reason: 'userDefinedFunctions of database analytics: created' } } });

    await source.send(new UpdateUserDefinedFunctionCommand({
      DatabaseName: 'analytics', FunctionName: 'mask_pii', FunctionInput: { ...FN, ClassName: 'com.acme.udf.MaskPiiV2' },
    }));
    await p.flow(trailEvent({ id: 'u', name: 'UpdateUserDefinedFunction', time: now(), params: params.updateUserDefinedFunction('analytics', 'mask_pii') }));
    for (const region of TARGETS) expect((await functionsIn(p.glueAt(region), 'analytics')).mask_pii.ClassName).toBe('com.acme.udf.MaskPiiV2');
    expect((await p.ledger.getEvent('u'))!.targets[TARGETS[1]]).toMatchObject({
      status: 'APPLIED', reason: 'userDefinedFunctions of database analytics: userDefinedFunctions: 0 created, 1 updated, 0 deleted, 0 unchanged',
    });

    await source.send(new DeleteUserDefinedFunctionCommand({ DatabaseName: 'analytics', FunctionName: 'mask_pii' }));
    await p.flow(trailEvent({ id: 'd', name: 'DeleteUserDefinedFunction', time: now(), params: params.deleteUserDefinedFunction('analytics', 'mask_pii') }));
    for (const region of TARGETS) {
      await expect(p.glueAt(region).send(new GetUserDefinedFunctionCommand({ DatabaseName: 'analytics', FunctionName: 'mask_pii' })))
        .rejects.toThrow(/not found/i);
    }
    expect((await p.ledger.getEvent('d'))!.targets[TARGETS[0]]).toMatchObject({ status: 'APPLIED', reason: expect.stringMatching(/1 deleted/) });
  });

  test('with user-defined functions switched off, their events are SKIPPED and nothing is written', async () => {
    const p = pipeline();
    const scope = new Scope({ excludeDatabases: ['tmp_*'] });
    p.glue = {
      converge: glueObjectConverger({
        clients: p.clients, source: new LiveCatalogSource(p.clients, PIPELINE_SOURCE, scope), scope, bucketMappings: BUCKET_MAPPINGS, attachedKinds: ['partitionIndex'],
      }),
    };
    const source = p.glueAt(PIPELINE_SOURCE);
    await source.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'analytics' } }));
    await source.send(new CreateUserDefinedFunctionCommand({ DatabaseName: 'analytics', FunctionInput: FN }));

    await p.flow(trailEvent({ id: 's', name: 'CreateUserDefinedFunction', time: now(), params: params.createUserDefinedFunction('analytics', 'mask_pii') }));
    expect((await p.ledger.getEvent('s'))!.targets[TARGETS[0]]).toMatchObject({ status: 'SKIPPED', reason: 'user-defined-functions are switched off' });
    for (const region of TARGETS) {
      await expect(p.glueAt(region).send(new GetUserDefinedFunctionCommand({ DatabaseName: 'analytics', FunctionName: 'mask_pii' })))
        .rejects.toThrow(/not found/i);
    }
  });
});
