import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Scope } from '../../../src/engine/kernel/scope';
import { SnapshotPins } from '../../../src/engine/snapshot/io';
import { SnapshotRefused } from '../../../src/engine/snapshot/refusal';
import { SnapshotSource } from '../../../src/engine/snapshot/source';
import { validateSnapshot } from '../../../src/engine/snapshot/validate';
import { escapeRegExp, sampleRecords, snapshotText, useLocalFiles, writeSnapshotFile } from '../../support/snapshot-lines';

/**
 * The first pass of a restore over local snapshot files: every malformed snapshot is refused with a
 * SnapshotRefused naming the file, the line and what is wrong. No AWS call is made (none could be:
 * the clients point at a closed port).
 */

type Line = Record<string, unknown> | string;
const local = useLocalFiles('snapshot-validate-');

async function refusal(file: string): Promise<SnapshotRefused> {
  try {
    await validateSnapshot(file, local.clients, 'us-east-1');
  } catch (error) {
    if (error instanceof SnapshotRefused) return error;
    throw error;
  }
  throw new Error(`${file} was not refused`);
}

/** The sample with one change; line numbers are 1-based, as the refusal names them. */
function changed(change: (lines: Line[]) => void, name = 'snapshot.jsonl'): string {
  const lines: Line[] = sampleRecords();
  change(lines);
  return writeSnapshotFile(join(local.dir, name), lines);
}

const record = (lines: Line[], line: number) => lines[line - 1] as Record<string, any>;

describe('a snapshot that passes', () => {
  test('the sample, plain and gzip, is accepted, and its header returned', async () => {
    for (const name of ['ok.jsonl', 'ok.jsonl.gz']) {
      const file = writeSnapshotFile(join(local.dir, name), sampleRecords());
      await expect(validateSnapshot(file, local.clients, 'us-east-1')).resolves.toMatchObject({ version: 2, source: { region: 'us-east-1' } });
    }
  });

  test('blank lines after the trailer are tolerated', async () => {
    const file = changed(lines => lines.push('', '  '));
    await expect(validateSnapshot(file, local.clients, 'us-east-1')).resolves.toMatchObject({ version: 2 });
  });

  test('a version 1 snapshot (no Lake Formation state) is accepted', async () => {
    const file = changed(lines => {
      const header = record(lines, 1);
      header.version = 1;
      delete header.lakeFormation;
      lines.splice(1, 2);
      delete record(lines, lines.length).end.lakeFormation;
    });
    await expect(validateSnapshot(file, local.clients, 'us-east-1')).resolves.toMatchObject({ version: 1 });
  });

  test('fields a newer build adds inside the Glue shapes are allowed (they are dropped on read)', async () => {
    const file = changed(lines => { record(lines, 5).table.SomeFutureField = { x: 1 }; });
    await expect(validateSnapshot(file, local.clients, 'us-east-1')).resolves.toMatchObject({ version: 2 });
  });
});

describe('the catalog\'s own objects (connections, catalogs): a version 3 record without a database', () => {
  const CATALOG = { Name: 'polaris', CatalogInput: { FederatedCatalog: { Identifier: 'arn:snowflake:polaris', ConnectionName: 'snowflake' } } };
  const withCatalogs = (place: (lines: Line[], rec: Record<string, unknown>) => void, rec: Record<string, unknown> = { attached: 'catalogs', items: [CATALOG] }) =>
    changed(lines => {
      Object.assign(record(lines, 1), { version: 3, attached: { kinds: ['catalog'] } });
      record(lines, lines.length).end.attached = 1;
      place(lines, rec);
    });

  test('after the Lake Formation records and before the first database, it is accepted', async () => {
    const file = withCatalogs((lines, rec) => lines.splice(3, 0, rec));
    await expect(validateSnapshot(file, local.clients, 'us-east-1')).resolves.toMatchObject({ version: 3 });
    const source = new SnapshotSource(file, local.clients, new Scope({}), 'us-east-1');
    expect(await source.catalogAttachments(['catalog', 'connection'])).toEqual(new Map([['catalog', [CATALOG]]]));
  });

  test('after a database, it is refused', async () => {
    const error = await refusal(withCatalogs((lines, rec) => lines.splice(4, 0, rec)));
    expect(error.message).toMatch(/line 5: catalogs follow database sales \(line 4\): the catalog's own objects come before the first database/);
  });

  test('with a "database", or an item of the wrong shape, it is refused', async () => {
    expect((await refusal(withCatalogs((lines, rec) => lines.splice(3, 0, rec), { attached: 'catalogs', database: 'sales', items: [CATALOG] }))).message)
      .toMatch(/catalogs belong to the account's catalog, so the record has no "database" or "table"/);
    expect((await refusal(withCatalogs((lines, rec) => lines.splice(3, 0, rec), { attached: 'catalogs', items: [{ Name: 'x' }] }))).message)
      .toMatch(/catalogs items\[0\]/);
  });
});

describe('each malformed snapshot is refused, naming the file and the line', () => {
  const cases: Array<[string, (lines: Line[]) => void, number, RegExp]> = [
    ['a well-formed line of unknown shape {} among the tables', l => l.splice(6, 0, '{}'), 7,
      /\{\} is not a snapshot record: a record has one of "database", "table", "attached", "partitions", "lakeFormation" or "end"/],
    ['a well-formed line of unknown shape [] among the tables', l => l.splice(6, 0, '[]'), 7, /the line is a list, not a snapshot record/],
    ['a well-formed line of unknown shape {"foo":1} among the tables', l => l.splice(6, 0, '{"foo":1}'), 7, /\{"foo":1\} is not a snapshot record/],
    ['a JSON value that is not an object', l => l.splice(6, 0, '42'), 7, /the line is a number \(42\), not a snapshot record/],
    ['a partition whose Values is a string', l => { record(l, 6).partitions[1].Values = '2026-11-01'; }, 6,
      /partitions\[1\]\.Values is a string \("2026-11-01"\); a list was expected/],
    ['a partition with fewer values than its table has partition keys', l => { record(l, 6).partitions[0].Values = ['2026-11-01']; }, 6,
      /partitions\[0\]\.Values has 1 value\(s\), but table sales\.orders has 2 partition key\(s\)/],
    ['a table listed under the wrong database', l => { record(l, 9).database = 'sales'; }, 9,
      /table sales\.campaigns is listed under database "sales", but it follows database "marketing" \(line 8\)/],
    ['partitions of a table other than the one they follow', l => l.splice(6, 0, { ...record(l, 6), table: 'customers' }), 7,
      /partitions of sales\.customers, but they follow table sales\.orders \(line 5\): a table's partitions follow it/],
    ['partitions of another database\'s table', l => l.splice(9, 0, { ...record(l, 6) }), 10,
      /partitions of sales\.orders, but they follow table marketing\.campaigns \(line 9\)/],
    ['a line after the trailer', l => l.push({ database: { Name: 'late' } }), 11, /a line follows the trailer \(line 10\): a snapshot ends with its trailer/],
    ['trailer counts that do not match', l => { record(l, 10).end.tables = 4; }, 10, /the trailer counts 4 tables, but the snapshot holds 3/],
    ['a trailer that does not count the Lake Formation items', l => { delete record(l, 10).end.lakeFormation; }, 10,
      /the trailer does not count the Lake Formation items the header names/],
    ['a Lake Formation item that is not an object', l => { record(l, 3).items = ['garbage']; }, 3,
      /lfTags items\[0\] is a string \("garbage"\); an object was expected/],
    ['a Lake Formation item without a required field', l => { record(l, 3).items = [{ TagKey: 'tier' }]; }, 3, /lfTags items\[0\] has no TagValues/],
    ['a Lake Formation record of an unknown list', l => { record(l, 3).lakeFormation = 'bogus'; }, 3,
      /"lakeFormation" is a string \("bogus"\); one of settings, lfTags, .*permissions was expected/],
    ['a Lake Formation record after the Glue objects', l => l.splice(4, 0, { lakeFormation: 'lfTags', items: [] }), 5,
      /Lake Formation records come right after the header/],
    ['data lake settings listed twice', l => l.splice(2, 0, { lakeFormation: 'settings', items: [{}] }), 3, /the data lake settings are listed more than once \(first at line 2\)/],
    ['a header without source', l => { delete record(l, 1).source; }, 1, /the header has no source/],
    ['a header whose source has no region', l => { record(l, 1).source = { catalogId: '123456789012' }; }, 1, /the header\.source has no region/],
    ['a header of an unknown version', l => { record(l, 1).version = 4; }, 1, /snapshot format version 4; this lake-replica reads versions 1, 2 and 3/],
    ['a header with an unknown Lake Formation kind', l => { record(l, 1).lakeFormation = { kinds: ['everything'] }; }, 1,
      /unknown Lake Formation kind "everything"/],
    ['a header whose scope pattern does not compile', l => { record(l, 1).scope = { databases: ['sales['], excludeDatabases: [] }; }, 1,
      /the header's scope has a pattern that does not compile/],
    ['a JSON object that is not a snapshot header', l => { l[0] = { hello: 'world' }; }, 1, /this is not a lake-replica snapshot: the first line has no "format"/],
    ['a line that is not JSON', l => l.splice(6, 1, '{"table": {"Name": "customers"'), 7, /the line is not JSON: /],
    ['an empty line among the records', l => l.splice(6, 0, ''), 7, /the line is empty/],
    ['a table listed twice', l => l.splice(6, 0, { ...record(l, 7) }), 8, /table sales\.customers is listed twice \(first at line 7\)/],
    ['a database listed twice', l => l.splice(9, 0, { database: { Name: 'sales' } }), 10, /database sales is listed twice \(first at line 4\)/],
    ['a table before any database', l => l.splice(3, 0, { table: { Name: 'early' }, database: 'sales' }), 4, /table sales\.early comes before any database record/],
    ['a table without a name', l => { delete record(l, 7).table.Name; }, 7, /table has no Name/],
    ['a record with an unexpected field', l => { record(l, 7).extra = 1; }, 7, /a table record has an unexpected field "extra"/],
    ['a column whose name is a number', l => { record(l, 5).table.StorageDescriptor.Columns[0].Name = 7; }, 5,
      /table\.StorageDescriptor\.Columns\[0\]\.Name is a number \(7\); a string was expected/],
    ['table parameters that are not strings', l => { record(l, 5).table.Parameters = { numRows: 42 }; }, 5,
      /table\.Parameters\["numRows"\] is a number \(42\); a string was expected/],
    ['a null where an object belongs', l => { record(l, 4).database.Parameters = null; }, 4, /database\.Parameters is null; an object was expected/],
    ['a truncated snapshot (the trailer is gone)', l => l.pop(), 9, /the snapshot ends here, without its trailer: the snapshot is truncated/],
  ];

  test.each(cases)('%s', async (_what, change, line, problem) => {
    const file = changed(change);
    const refused = await refusal(file);
    expect(refused.message).toMatch(new RegExp(`^${escapeRegExp(file)} line ${line}: `));
    expect(refused.message).toMatch(problem);
    // A first line that is no snapshot header at all is a usage mistake (exit 2); the rest are broken snapshots (exit 1).
    expect(refused).toMatchObject({ location: file, line, notASnapshot: /this is not a lake-replica snapshot/.test(refused.message) });
  });

  test.each(cases.filter(([what]) => /unknown shape|Values is a string|wrong database|after the trailer|truncated/.test(what)))(
    'the second read refuses it too, before yielding what follows the problem: %s', async (_what, change, line) => {
      const file = changed(change);
      const source = new SnapshotSource(file, local.clients, new Scope(), 'us-east-1');
      const read: string[] = [];
      const walk = async () => {
        for await (const db of source.databases()) {
          for await (const t of db.tables()) {
            read.push(`${t.databaseName}.${t.input.Name}`);
            for await (const _page of t.partitionPages()) { /* read through */ }
          }
        }
      };
      await expect(walk()).rejects.toThrow(new RegExp(`^${escapeRegExp(file)} line ${line}: `));
    });
});

describe('a file that is not a snapshot at all is refused as such (notASnapshot)', () => {
  test('an empty file', async () => {
    const file = join(local.dir, 'empty.jsonl');
    writeFileSync(file, '');
    expect(await refusal(file)).toMatchObject({ notASnapshot: true, message: `${file}: the file is empty: this is not a lake-replica snapshot` });
  });

  test('a missing file', async () => {
    const file = join(local.dir, 'missing.jsonl.gz');
    expect(await refusal(file)).toMatchObject({ notASnapshot: true, message: `${file}: there is no such file` });
  });

  test('a first line that is not JSON', async () => {
    const file = join(local.dir, 'notes.txt');
    writeFileSync(file, 'these are my notes\n');
    const refused = await refusal(file);
    expect(refused).toMatchObject({ notASnapshot: true, line: 1 });
    expect(refused.message).toMatch(new RegExp(`^${escapeRegExp(file)} line 1: this is not a lake-replica snapshot: its first line is not JSON`));
  });

  test('a ".gz" file that is not gzip', async () => {
    const file = join(local.dir, 'plain.jsonl.gz');
    writeFileSync(file, snapshotText(sampleRecords()));
    const refused = await refusal(file);
    expect(refused).toMatchObject({ notASnapshot: true });
    expect(refused.message).toBe(`${file}: it is not gzip data, though its name ends in ".gz" (incorrect header check)`);
  });
});

describe('broken gzip names the file', () => {
  test('gzip data cut short is a truncated snapshot', async () => {
    const file = join(local.dir, 'cut.jsonl.gz');
    const whole = gzipSync(snapshotText(sampleRecords()));
    writeFileSync(file, whole.subarray(0, whole.length - 30));
    const refused = await refusal(file);
    expect(refused.notASnapshot).toBe(false);
    expect(refused.message).toMatch(new RegExp(`^${escapeRegExp(file)}: its gzip data ends early after line \\d+ \\(unexpected end of file\\): the snapshot is truncated`));
  });

  test('gzip data damaged in the middle', async () => {
    const file = join(local.dir, 'damaged.jsonl.gz');
    const text = snapshotText([...sampleRecords().slice(0, 9), ...Array.from({ length: 2000 }, (_, i) => ({ table: { Name: `t${i}` }, database: 'marketing' }))]);
    const bytes = gzipSync(text, { level: 0 });
    bytes.fill(0xff, Math.floor(bytes.length / 2), Math.floor(bytes.length / 2) + 64);
    writeFileSync(file, bytes);
    const refused = await refusal(file);
    expect(refused.message).toMatch(new RegExp(`^${escapeRegExp(file)}`));
  });
});

describe('the restore reads the same bytes it checked', () => {
  test('a file changed after the first pass is refused when the second pass opens it', async () => {
    const file = writeSnapshotFile(join(local.dir, 'pinned.jsonl'), sampleRecords());
    const pins = new SnapshotPins();
    await validateSnapshot(file, local.clients, 'us-east-1', pins);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"campaigns"', '"campaigns_v2"'));
    const source = new SnapshotSource(file, local.clients, new Scope(), 'us-east-1', pins);
    await expect(source.open()).rejects.toThrow(`${file}: the file changed after it was checked; nothing more is read from it`);
  });

  test('an unchanged file reads back whole, as validated', async () => {
    const file = writeSnapshotFile(join(local.dir, 'pinned.jsonl.gz'), sampleRecords());
    const pins = new SnapshotPins();
    await validateSnapshot(file, local.clients, 'us-east-1', pins);
    const source = new SnapshotSource(file, local.clients, new Scope(), 'us-east-1', pins);
    const read: string[] = [];
    for await (const db of source.databases()) {
      for await (const t of db.tables()) {
        for await (const page of t.partitionPages()) read.push(...page.partitions.map(p => `${t.input.Name}/${p.Values!.join('/')}`));
        read.push(`${db.input.Name}.${t.input.Name}`);
      }
    }
    expect(read).toEqual(['orders/2026-11-01/eu', 'orders/2026-11-01/us', 'sales.orders', 'sales.customers', 'marketing.campaigns']);
    expect((await source.lakeFormation())?.lfTags).toEqual([{ TagKey: 'tier', TagValues: ['gold', 'silver'] }]);
  });
});
