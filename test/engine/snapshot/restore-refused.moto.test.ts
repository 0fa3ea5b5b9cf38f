import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateDatabaseCommand, GetDatabasesCommand, GetTablesCommand } from '@aws-sdk/client-glue';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AwsClients } from '../../../src/engine/kernel/clients';
import { writeCalls } from '../../../src/engine/kernel/report';
import { Scope } from '../../../src/engine/kernel/scope';
import { SnapshotPins } from '../../../src/engine/snapshot/io';
import { SnapshotSource } from '../../../src/engine/snapshot/source';
import { validateSnapshot } from '../../../src/engine/snapshot/validate';
import { glueAt, motoCli, TEST_CREDENTIALS, type CliResult } from '../../support/cli-harness';
import { useMoto } from '../../support/moto';
import { seedSampleLake } from '../../support/sample-lake';
import { escapeRegExp } from '../../support/snapshot-lines';

/**
 * `lake-replica restore` of a malformed snapshot against moto: each one is refused before any write,
 * with exit 1 (2 for a file that is no snapshot at all), a --json report whose `error` and `failures[]`
 * name the file and the line, no Glue or Lake Formation call at all, and a target left as it was. The
 * target holds a database in scope that the snapshot lacks: a restore with --prune that wrote anything
 * would delete it.
 */

const moto = useMoto();
const SOURCE = 'us-east-1';
const TARGET = 'us-west-2';
const CANARY = 'stale_db';
let dir: string;
/** The sample lake's snapshot, taken once per test (moto is reset before each). */
let records: Array<Record<string, any>>;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'restore-refused-'));
  await seedSampleLake(glueAt(moto().endpoint, SOURCE));
  const file = join(dir, 'good.jsonl');
  const snap = await motoCli(moto().endpoint, 'snapshot', '--source-region', SOURCE, '--exclude-database', 'tmp_*', '--out', file, '--json');
  expect(snap.code).toBe(0);
  records = readFileSync(file, 'utf8').trim().split('\n').map(l => JSON.parse(l) as Record<string, any>);
  await glueAt(moto().endpoint, TARGET).send(new CreateDatabaseCommand({ DatabaseInput: { Name: CANARY } }));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

type Line = Record<string, any> | string;
const isTable = (r: Line, db?: string) => typeof r === 'object' && 'table' in r && !('partitions' in r) && (db === undefined || r.database === db);
const isPartitions = (r: Line) => typeof r === 'object' && 'partitions' in r;

/** The index of the first line that matches. */
function find(lines: Line[], match: (r: Line) => boolean): number {
  const i = lines.findIndex(match);
  if (i < 0) throw new Error('the sample snapshot has no such line');
  return i;
}

async function restore(file: string, ...more: string[]): Promise<CliResult> {
  return motoCli(moto().endpoint, 'restore', '--from', file, '--target-region', TARGET, '--prune', '--json', ...more);
}

async function targetDatabases(): Promise<string[]> {
  return ((await glueAt(moto().endpoint, TARGET).send(new GetDatabasesCommand({}))).DatabaseList ?? []).map(d => d.Name!).sort();
}

/** What every refused restore shows: its reason in the report, no Glue or Lake Formation call, and the target as it was. */
async function expectRefusedBeforeAnyWrite(r: CliResult, code: number, reason: RegExp): Promise<void> {
  expect(r.code).toBe(code);
  expect(r.report.error).toMatch(reason);
  expect(r.stderr).toMatch(reason);
  expect(writeCalls(r.report.apiCalls)).toBe(0);
  expect(Object.keys(r.report.apiCalls).filter(op => /^(glue|lakeformation):/.test(op))).toEqual([]);
  expect(await targetDatabases()).toEqual([CANARY]);
}

test('control: the unbroken snapshot restores, and its --prune deletes the canary', async () => {
  const file = join(dir, 'good.jsonl');
  const r = await restore(file);
  expect(r.code).toBe(0);
  expect(r.report.error).toBeUndefined();
  expect(await targetDatabases()).toEqual(['marketing', 'partner_feed', 'sales', 'shared_sales']);
});

/** Each case changes the sample and returns the 1-based line the refusal names. */
const CASES: Array<[string, (lines: Line[]) => number, RegExp]> = [
  ['a well-formed line of unknown shape {} among the tables', l => { const i = find(l, r => isTable(r)) + 1; l.splice(i, 0, '{}'); return i + 1; },
    /\{\} is not a snapshot record/],
  ['a well-formed line of unknown shape [] among the tables', l => { const i = find(l, r => isTable(r)) + 1; l.splice(i, 0, '[]'); return i + 1; },
    /the line is a list, not a snapshot record/],
  ['a well-formed line of unknown shape {"foo":1} among the tables', l => { const i = find(l, r => isTable(r)) + 1; l.splice(i, 0, '{"foo":1}'); return i + 1; },
    /\{"foo":1\} is not a snapshot record/],
  ['a partition whose Values is a string instead of a list', l => { const i = find(l, isPartitions); (l[i] as any).partitions[0].Values = '2026-11-01'; return i + 1; },
    /partitions\[0\]\.Values is a string \("2026-11-01"\); a list was expected/],
  ['a table listed under the wrong database', l => { const i = find(l, r => isTable(r, 'marketing')); (l[i] as any).database = 'sales'; return i + 1; },
    /table sales\.\w+ is listed under database "sales", but it follows database "marketing"/],
  ['partitions of a table other than the one they follow', l => {
    const i = find(l, r => isTable(r, 'marketing')) + 1;
    l.splice(i, 0, { ...(l[find(l, isPartitions)] as object) });
    return i + 1;
  }, /partitions of sales\.orders, but they follow table marketing\.\w+/],
  ['a line after the trailer', l => { l.push({ database: { Name: 'late' } }); return l.length; }, /a line follows the trailer/],
  ['trailer counts that do not match', l => { (l[l.length - 1] as any).end.partitions = 5; return l.length; }, /the trailer counts 5 partitions, but the snapshot holds 6/],
  ['a garbage Lake Formation item', l => { (l[1] as any).items = ['garbage']; return 2; }, /settings items\[0\] is a string \("garbage"\); an object was expected/],
  ['a header without source', l => { delete (l[0] as any).source; return 1; }, /the header has no source/],
  ['a truncated snapshot', l => { l.splice(l.length - 3); return l.length; }, /the snapshot ends here, without its trailer: the snapshot is truncated/],
  ['a line that is not JSON', l => { const i = find(l, r => isTable(r)); l[i] = JSON.stringify(l[i]).slice(0, 30); return i + 1; }, /the line is not JSON: /],
];

test.each(CASES)('%s: refused with exit 1 before any write, naming the line', async (_what, change, problem) => {
  const lines: Line[] = structuredClone(records);
  const line = change(lines);
  const file = join(dir, 'broken.jsonl.gz');
  writeFileSync(file, gzipSync(lines.map(l => typeof l === 'string' ? l : JSON.stringify(l)).join('\n') + '\n'));

  const r = await restore(file);

  const reason = new RegExp(`${escapeRegExp(file)} line ${line}: ${problem.source}`);
  await expectRefusedBeforeAnyWrite(r, 1, reason);
  expect(r.report.failures).toEqual([{ kind: 'snapshot', key: file, error: expect.stringMatching(reason) }]);
  expect(r.report.failures[0].error).toMatch(/the snapshot was refused before anything was written to any target$/);
  expect(r.report.counts.database).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
});

describe('a file that is no snapshot at all exits 2, with its reason in the report', () => {
  test.each([
    ['a ".gz" file that is not gzip', (file: string) => writeFileSync(file, '{"format":"lake-replica-snapshot"}\n'), 'x.jsonl.gz',
      /: it is not gzip data, though its name ends in "\.gz" \(incorrect header check\)/],
    ['a first line that is not JSON', (file: string) => writeFileSync(file, 'PK\u0003\u0004 not a snapshot\n'), 'x.jsonl', / line 1: this is not a lake-replica snapshot: its first line is not JSON/],
    ['an empty file', (file: string) => writeFileSync(file, ''), 'x.jsonl', /: the file is empty: this is not a lake-replica snapshot/],
    ['a missing file', () => undefined, 'missing.jsonl.gz', /: there is no such file/],
  ])('%s', async (_what, make, name, problem) => {
    const file = join(dir, name);
    make(file);
    const r = await restore(file);
    await expectRefusedBeforeAnyWrite(r, 2, new RegExp(`${escapeRegExp(file)}${problem.source}`));
    expect(r.report.failures).toHaveLength(1);
  });

  test('gzip data cut short is a truncated snapshot: exit 1, naming the file', async () => {
    const bytes = gzipSync(records.map(l => JSON.stringify(l)).join('\n') + '\n');
    const file = join(dir, 'cut.jsonl.gz');
    writeFileSync(file, bytes.subarray(0, bytes.length - 40));
    const r = await restore(file);
    await expectRefusedBeforeAnyWrite(r, 1, new RegExp(`${escapeRegExp(file)}: its gzip data ends early after line \\d+ \\(unexpected end of file\\): the snapshot is truncated`));
  });
});

describe('a run\'s split snapshot in S3 (manifest and parts) is checked whole, then read again', () => {
  const BUCKET = 'dr-snapshots';
  const PREFIX = 'runs/exec-1/snapshot/';
  const s3 = () => new S3Client({ region: TARGET, endpoint: moto().endpoint, credentials: TEST_CREDENTIALS, forcePathStyle: true });

  /** Splits the sample as the job does: the Lake Formation records, then one part per database; returns the manifest's location. */
  async function putSplit(change: (parts: Map<string, Line[]>) => void = () => undefined): Promise<string> {
    await s3().send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: TARGET } }));
    const parts = new Map<string, Line[]>();
    let current = '_lake-formation/000000.jsonl.gz';
    for (const r of records.slice(1, -1)) {
      if ('database' in r && !('table' in r) && !('partitions' in r)) current = `${encodeURIComponent(r.database.Name)}/000000.jsonl.gz`;
      parts.set(current, [...parts.get(current) ?? [], r]);
    }
    change(parts);
    for (const [path, lines] of parts) {
      const body = gzipSync(lines.map(l => typeof l === 'string' ? l : JSON.stringify(l)).join('\n') + '\n');
      await s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: PREFIX + path, Body: body }));
    }
    const manifest = { header: records[0], parts: [...parts.keys()], totals: records[records.length - 1].end };
    await s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}manifest.json`, Body: JSON.stringify(manifest) }));
    return `s3://${BUCKET}/${PREFIX}manifest.json`;
  }

  test('an unbroken split snapshot restores; every file is read twice: once to check it, once to restore it', async () => {
    const location = await putSplit();
    const r = await restore(location);
    expect(r.code).toBe(0);
    expect(await targetDatabases()).toEqual(['marketing', 'partner_feed', 'sales', 'shared_sales']);
    // The manifest and its 5 parts (Lake Formation and 4 databases), each read by both passes.
    expect(r.report.apiCalls['s3:GetObject']).toBe(12);
    expect((await glueAt(moto().endpoint, TARGET).send(new GetTablesCommand({ DatabaseName: 'sales' }))).TableList).toHaveLength(4);
  });

  test('a malformed part is refused before any write, naming the part and its line', async () => {
    const location = await putSplit(parts => { (parts.get('sales/000000.jsonl.gz')!.find(isPartitions) as any).partitions[0].Values = 'eu'; });
    const r = await restore(location);
    const lineInPart = 1 + databasePart(records, 'sales').findIndex(isPartitions);
    await expectRefusedBeforeAnyWrite(r, 1,
      new RegExp(`s3://${BUCKET}/${escapeRegExp(PREFIX)}sales/000000\\.jsonl\\.gz line ${lineInPart}: partitions\\[0\\]\\.Values is a string`));
  });

  test('totals in the manifest that do not match its parts are refused, naming the manifest', async () => {
    await putSplit();
    const manifest = { header: records[0], parts: ['_lake-formation/000000.jsonl.gz', 'sales/000000.jsonl.gz'], totals: records[records.length - 1].end };
    await s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}manifest.json`, Body: JSON.stringify(manifest) }));
    const r = await restore(`s3://${BUCKET}/${PREFIX}manifest.json`);
    await expectRefusedBeforeAnyWrite(r, 1, new RegExp(`${escapeRegExp(`s3://${BUCKET}/${PREFIX}manifest.json`)} \\(its "totals"\\): the trailer counts 4 databases, but the snapshot holds 1`));
  });

  test('an object replaced after the first pass is refused by the second (If-Match on its ETag)', async () => {
    const location = await putSplit();
    const clients = new AwsClients({ endpoint: moto().endpoint, maxAttempts: 1 });
    try {
      const pins = new SnapshotPins();
      await validateSnapshot(location, clients, TARGET, pins);
      await s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}manifest.json`, Body: JSON.stringify({ replaced: true }) }));
      await expect(new SnapshotSource(location, clients, new Scope(), TARGET, pins).open())
        .rejects.toThrow(`${location}: the object changed after it was checked; nothing more is read from it`);
    } finally {
      clients.destroy();
    }
  });

  /** The records of one database's part, as putSplit() cuts them. */
  function databasePart(all: Array<Record<string, any>>, database: string): Line[] {
    const start = all.findIndex(r => 'database' in r && !('table' in r) && !('partitions' in r) && r.database.Name === database);
    const end = all.findIndex((r, i) => i > start && (('database' in r && !('table' in r) && !('partitions' in r)) || 'end' in r));
    return all.slice(start, end);
  }
});
