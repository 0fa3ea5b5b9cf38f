import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateDatabaseCommand, CreateTableCommand, DeleteDatabaseCommand, GetDatabasesCommand, GlueClient } from '@aws-sdk/client-glue';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ReplicationEngine } from '../../../src/engine/engine';
import { AwsClients } from '../../../src/engine/kernel/clients';
import type { Report } from '../../../src/engine/kernel/report';
import { glueAt, motoCli, TEST_CREDENTIALS } from '../../support/cli-harness';
import { useMoto } from '../../support/moto';
import { seedSampleLake } from '../../support/sample-lake';
import { escapeRegExp } from '../../support/snapshot-lines';

/**
 * A snapshot run that fails or is killed leaves the previous snapshot as it was, for a local file and
 * for S3. A read fails midway because the source's databases are deleted while the run is on its second
 * database (moto answers its GetTables with EntityNotFoundException, which no retry can pass); a run
 * is killed with SIGKILL, as a child process, while its temporary file exists.
 */

const moto = useMoto();
const SOURCE = 'us-east-1';
const ROOT = join(__dirname, '..', '..', '..');
const BUCKET = 'dr-snapshots';
let dir: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'snapshot-publish-'));
  await seedSampleLake(glueAt(moto().endpoint, SOURCE));
  await s3().send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const s3 = () => new S3Client({ region: SOURCE, endpoint: moto().endpoint, credentials: TEST_CREDENTIALS, forcePathStyle: true });

async function objectBytes(key: string): Promise<{ etag?: string; bytes: Buffer }> {
  const object = await s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return { etag: object.ETag, bytes: Buffer.from(await object.Body!.transformToByteArray()) };
}

/** A good snapshot at `out`, by the CLI. */
async function goodSnapshot(out: string): Promise<void> {
  const r = await motoCli(moto().endpoint, 'snapshot', '--source-region', SOURCE, '--out', out, '--json');
  expect(r.code).toBe(0);
}

/**
 * A snapshot run through the engine, as the CLI makes it, whose source loses its databases midway: just
 * before the run lists the tables of its second database, every source database is deleted, so moto
 * answers that GetTables with EntityNotFoundException.
 */
async function snapshotLosingTheSource(out: string): Promise<Report> {
  const clients = new AwsClients({ endpoint: moto().endpoint, maxAttempts: 2 });
  const listed = new Set<string>();
  clients.get(GlueClient, SOURCE).middlewareStack.add(
    (next, context) => async (args) => {
      const database = (args.input as { DatabaseName?: string }).DatabaseName;
      if (context.commandName === 'GetTablesCommand' && database && !listed.has(database)) {
        listed.add(database);
        if (listed.size === 2) await deleteDatabases(glueAt(moto().endpoint, SOURCE));
      }
      return next(args);
    },
    { step: 'initialize', name: 'deleteTheSourceMidway' },
  );
  try {
    const engine = await ReplicationEngine.create({
      mode: 'snapshot', sourceRegion: SOURCE, targetRegions: [], scope: {}, bucketMappings: [], prune: false, concurrency: 4, snapshotLocation: out,
    }, clients);
    return await engine.run();
  } finally {
    clients.destroy();
  }
}

async function deleteDatabases(glue: GlueClient): Promise<void> {
  for (const db of (await glue.send(new GetDatabasesCommand({}))).DatabaseList ?? []) await glue.send(new DeleteDatabaseCommand({ Name: db.Name }));
}

describe('a snapshot whose source read fails midway', () => {
  test('to a file: the run fails, says the previous snapshot was left as it was, and it is, byte for byte', async () => {
    const file = join(dir, 'latest.jsonl.gz');
    await goodSnapshot(file);
    const before = readFileSync(file);

    const report = await snapshotLosingTheSource(file);

    expect(report.failures).toEqual([{
      kind: 'snapshot',
      key: file,
      error: expect.stringMatching(new RegExp(
        `^the snapshot was not completed: reading the tables of \\w+ failed: EntityNotFoundException: .*; the previous snapshot at ${escapeRegExp(file)} was left as it was$`)),
    }]);
    expect(report.snapshot).toBeUndefined();
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['latest.jsonl.gz']); // no temporary file left
  });

  test('to S3: no PutObject is sent, the failure says so, and the object keeps its bytes and ETag', async () => {
    const out = `s3://${BUCKET}/lake/latest.jsonl.gz`;
    await goodSnapshot(out);
    const before = await objectBytes('lake/latest.jsonl.gz');

    const report = await snapshotLosingTheSource(out);

    expect(report.failures).toEqual([{
      kind: 'snapshot',
      key: out,
      error: expect.stringMatching(new RegExp(`; nothing was uploaded to ${escapeRegExp(out)} \\(no PutObject was sent\\), so the snapshot there, if any, was left as it was$`)),
    }]);
    expect(report.apiCalls['s3:PutObject']).toBeUndefined();
    const after = await objectBytes('lake/latest.jsonl.gz');
    expect(after.etag).toBe(before.etag);
    expect(after.bytes.equals(before.bytes)).toBe(true);
  });

  test('the CLI: an upload that fails exits 1, and its --json report says the object was left as it was', async () => {
    const out = 's3://no-such-bucket/latest.jsonl';
    const r = await motoCli(moto().endpoint, 'snapshot', '--source-region', SOURCE, '--out', out, '--json');
    expect(r.code).toBe(1);
    expect(r.report.failures).toEqual([{
      kind: 'snapshot',
      key: out,
      error: expect.stringMatching(/NoSuchBucket.*; the upload to s3:\/\/no-such-bucket\/latest\.jsonl did not complete, and S3 replaces an object only when an upload completes, so the snapshot there, if any, was left as it was$/),
    }]);
    expect(r.report.snapshot).toBeUndefined();
  });
});

describe('a snapshot run killed while it writes', () => {
  /** Enough tables that the run is still reading when it is killed: each partitioned table costs one GetPartitions. */
  async function seedManyTables(): Promise<void> {
    const glue = glueAt(moto().endpoint, SOURCE);
    await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'big' } }));
    for (let i = 0; i < 150; i++) {
      await glue.send(new CreateTableCommand({
        DatabaseName: 'big',
        TableInput: { Name: `t${String(i).padStart(3, '0')}`, PartitionKeys: [{ Name: 'dt', Type: 'string' }], StorageDescriptor: { Location: `s3://acme-lake-raw/big/t${i}/` } },
      }));
    }
  }

  /** Runs the CLI as a child process and kills it (SIGKILL) as soon as `started()` sees its temporary file. */
  async function killWhileWriting(out: string, started: () => boolean, env: NodeJS.ProcessEnv = {}): Promise<NodeJS.Signals | null> {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src/cli/lake-replica.ts'),
      'snapshot', '--source-region', SOURCE, '--out', out, '--skip', 'lake-formation'], {
      cwd: ROOT,
      env: { ...process.env, ...env, AWS_ENDPOINT_URL: moto().endpoint },
      stdio: 'ignore',
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(resolve => child.once('exit', (code, signal) => resolve({ code, signal })));
    let done: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    void exited.then(e => { done = e; });
    while (!done && !started()) await new Promise(resolve => setTimeout(resolve, 2));
    if (!done) child.kill('SIGKILL');
    const { code, signal } = await exited;
    if (signal !== 'SIGKILL') throw new Error(`the snapshot run ended by itself (exit ${code}) before it could be killed mid-write`);
    return signal;
  }

  test('to a file: the previous snapshot is left byte for byte and still restores; only a hidden temporary file is left beside it', async () => {
    await seedManyTables();
    const file = join(dir, 'latest.jsonl.gz');
    await goodSnapshot(file);
    const before = readFileSync(file);

    const temporary = () => readdirSync(dir).some(name => /^\.latest\.jsonl\.gz\..*\.tmp$/.test(name));
    expect(await killWhileWriting(file, temporary)).toBe('SIGKILL');

    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(dir).filter(name => name !== 'latest.jsonl.gz')).toEqual([expect.stringMatching(/^\.latest\.jsonl\.gz\.\d+-[0-9a-f]+\.tmp$/)]);
    const restore = await motoCli(moto().endpoint, 'restore', '--from', file, '--target-region', 'us-west-2', '--json');
    expect(restore.code).toBe(0);
    expect(restore.report.counts.table.created).toBe(156);
  });

  test('to S3: the object keeps its bytes and ETag', async () => {
    await seedManyTables();
    const out = `s3://${BUCKET}/lake/latest.jsonl.gz`;
    await goodSnapshot(out);
    const before = await objectBytes('lake/latest.jsonl.gz');
    // The S3 form writes its temporary file to the system's temporary folder: here, one this test watches.
    const scratch = mkdtempSync(join(dir, 'tmp-'));

    const temporary = () => readdirSync(scratch).some(name => /^lake-replica-.*\.jsonl\.gz$/.test(name));
    expect(await killWhileWriting(out, temporary, { TMPDIR: scratch })).toBe('SIGKILL');

    const after = await objectBytes('lake/latest.jsonl.gz');
    expect(after.etag).toBe(before.etag);
    expect(after.bytes.equals(before.bytes)).toBe(true);
  });
});
