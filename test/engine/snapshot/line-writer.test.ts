import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { CatalogSource, SourceDatabase } from '../../../src/engine/glue';
import { Scope } from '../../../src/engine/kernel/scope';
import { LineWriter } from '../../../src/engine/snapshot/io';
import { writeSnapshot } from '../../../src/engine/snapshot/write';
import { useLocalFiles } from '../../support/snapshot-lines';

/**
 * Publishing a local snapshot file: it is written under a temporary name beside the location and
 * renamed over it only when complete, so a failure at any point leaves the previous file as it was.
 */

const PREVIOUS = '{"the":"previous snapshot"}\n';
const local = useLocalFiles('snapshot-publish-');

describe('LineWriter', () => {
  test('until close() the location keeps the previous file; the lines go to a hidden temporary file beside it', async () => {
    const file = join(local.dir, 'latest.jsonl.gz');
    writeFileSync(file, PREVIOUS);
    const out = new LineWriter(file, local.clients, 'us-east-1');
    out.write({ a: 1 });
    await new Promise(resolve => setTimeout(resolve, 20));
    expect(readFileSync(file, 'utf8')).toBe(PREVIOUS);
    expect(readdirSync(local.dir).sort()).toEqual([expect.stringMatching(/^\.latest\.jsonl\.gz\.\d+-[0-9a-f]{8}\.tmp$/), 'latest.jsonl.gz']);
    out.write({ b: 2 });
    await out.close();
    expect(gunzipSync(readFileSync(file)).toString('utf8')).toBe('{"a":1}\n{"b":2}\n');
    expect(readdirSync(local.dir)).toEqual(['latest.jsonl.gz']);
  });

  test('abort() removes the temporary file and leaves the previous file as it was', async () => {
    const file = join(local.dir, 'latest.jsonl');
    writeFileSync(file, PREVIOUS);
    const out = new LineWriter(file, local.clients, 'us-east-1');
    for (let i = 0; i < 10_000; i++) out.write({ i });
    await out.abort();
    expect(readFileSync(file, 'utf8')).toBe(PREVIOUS);
    expect(readdirSync(local.dir)).toEqual(['latest.jsonl']);
  });

  test('a rename that fails (the location is a folder) leaves no temporary file, and the error is thrown', async () => {
    const folder = join(local.dir, 'snap.jsonl');
    mkdirSync(folder);
    writeFileSync(join(folder, 'inside'), 'kept');
    const out = new LineWriter(folder, local.clients, 'us-east-1');
    out.write({ a: 1 });
    await expect(out.close()).rejects.toThrow();
    expect(readdirSync(local.dir)).toEqual(['snap.jsonl']);
    expect(readFileSync(join(folder, 'inside'), 'utf8')).toBe('kept');
  });

  test('a missing folder fails close(), without an unhandled rejection', async () => {
    const out = new LineWriter(join(local.dir, 'no-such-folder', 'snap.jsonl'), local.clients, 'us-east-1');
    out.write({ a: 1 });
    await expect(out.close()).rejects.toThrow(/ENOENT/);
  });
});

describe('writeSnapshot', () => {
  /** Two databases; listing the second one's tables fails as a deleted database does. */
  function failingSource(): CatalogSource {
    const database = (name: string, fail: boolean): SourceDatabase => ({
      input: { Name: name },
      attachments: async () => new Map(),
      async* tables() {
        if (fail) throw Object.assign(new Error(`Database ${name} not found.`), { name: 'EntityNotFoundException', $metadata: { httpStatusCode: 400 } });
        yield { databaseName: name, input: { Name: 't' }, async* partitionPages() { /* none */ }, attachments: async () => new Map() };
      },
    });
    return {
      region: 'us-east-1',
      sequential: false,
      catalogId: async () => '123456789012',
      async* databases() {
        yield database('a', false);
        yield database('b', true);
      },
    };
  }

  test('a read that fails midway fails the run, says so, and leaves the previous file as it was', async () => {
    const file = join(local.dir, 'latest.jsonl.gz');
    writeFileSync(file, PREVIOUS);
    const report = await writeSnapshot({ source: failingSource(), scope: new Scope(), location: file, clients: local.clients });
    expect(report.failures).toEqual([{
      kind: 'snapshot',
      key: file,
      error: `the snapshot was not completed: reading the tables of b failed: EntityNotFoundException: Database b not found.; the previous snapshot at ${file} was left as it was`,
    }]);
    expect(report.snapshot).toBeUndefined();
    expect(readFileSync(file, 'utf8')).toBe(PREVIOUS);
    expect(readdirSync(local.dir)).toEqual(['latest.jsonl.gz']);
  });

  test('with no previous file, the failure says none was written', async () => {
    const file = join(local.dir, 'first.jsonl');
    const report = await writeSnapshot({ source: failingSource(), scope: new Scope(), location: file, clients: local.clients });
    expect(report.failures[0].error).toMatch(new RegExp(`; no snapshot was written at ${file.replace(/[.]/g, '\\.')}$`));
    expect(readdirSync(local.dir)).toEqual([]);
  });
});
