import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rewritePositionDeletes } from '../../../src/engine/iceberg/parquet/position-deletes';
import { readPuffinFooter, rewritePuffin } from '../../../src/engine/iceberg/puffin';
import { python } from '../../support/iceberg/lake';

/**
 * Delete files written by pyarrow and pyroaring in the layouts engines use, rewritten by our code,
 * then read back by pyarrow and PyIceberg as judges: every row, field ids, key-value metadata.
 */
const SCRIPT = join(__dirname, '..', '..', 'support', 'iceberg', 'delete_files.py');
const SOURCE = 's3://lake-use1/warehouse/t/data';
const TARGET = 's3://lake-usw2/warehouse/t/data';
const mapPath = (path: string) => path.replace('s3://lake-use1/', 's3://lake-usw2/');

let dir: string;
let made: Record<string, number>;

function judge<T>(command: 'make' | 'read', directory: string): T {
  return JSON.parse(execFileSync(python(), [SCRIPT, command, directory], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as T;
}

function rangeRead(bytes: Buffer) {
  const reads: Array<[number, number]> = [];
  const read = async (start: number, end: number) => {
    reads.push([start, end]);
    return bytes.subarray(start, end + 1);
  };
  return { read, reads };
}

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return Buffer.concat(out);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iceberg-deletes-'));
  made = judge<Record<string, number>>('make', dir);
  mkdirSync(join(dir, 'out'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('position-delete Parquet files rewritten, judged by pyarrow', () => {
  interface Judged {
    rows: number;
    paths: string[];
    pos: number[];
    fieldIds: string[];
    metadata: Record<string, string>;
    rowGroups: number;
    pathStats: string[];
  }
  let source: Record<string, Judged>;
  let rewritten: Record<string, Judged>;

  beforeAll(async () => {
    for (const name of readdirSync(dir).filter(f => f.endsWith('.parquet'))) {
      const bytes = readFileSync(join(dir, name));
      expect(bytes.length).toBe(made[name.replace(/\.parquet$/, '')]);
      const out = await collect(rewritePositionDeletes(rangeRead(bytes).read, bytes.length, mapPath));
      writeFileSync(join(dir, 'out', name), out);
    }
    source = judge<Record<string, Judged>>('read', dir);
    rewritten = judge<Record<string, Judged>>('read', join(dir, 'out'));
  });

  test.each(['dictionary-snappy-v1', 'dictionary-zstd-v2', 'plain-gzip', 'plain-none-v2', 'delta-brotli', 'delta-length-zstd-v2', 'row-groups-small-pages', 'optional-columns'])(
    '%s: every row kept with its path mapped; field ids, key-value metadata and row groups kept', name => {
      const before = source[name];
      const after = rewritten[name];
      expect(after.rows).toBe(before.rows);
      expect(before.paths.every(p => p.startsWith(SOURCE))).toBe(true);
      expect(after.paths).toEqual(before.paths.map(mapPath));
      expect(after.pos).toEqual(before.pos);
      expect(after.fieldIds).toEqual(['2147483546', '2147483545']);
      expect(after.metadata).toEqual(before.metadata);
      expect(after.metadata['iceberg.schema']).toBeDefined();
      expect(after.rowGroups).toBe(before.rowGroups);
      expect(after.pathStats.every(min => min.startsWith(TARGET))).toBe(true);
    });

  test('the footer is found with one ranged read, and each row group is one more', async () => {
    const bytes = readFileSync(join(dir, 'row-groups-small-pages.parquet'));
    const { read, reads } = rangeRead(bytes);
    await collect(rewritePositionDeletes(read, bytes.length, mapPath));
    expect(reads).toHaveLength(1 + source['row-groups-small-pages'].rowGroups);
    expect(reads[0][1]).toBe(bytes.length - 1);
  });

  test('a damaged file, and one that carries deleted rows, are refused with the reason', async () => {
    const bytes = readFileSync(join(dir, 'plain-gzip.parquet'));
    const damaged = Buffer.concat([bytes.subarray(0, 100), Buffer.from('PAR0')]);
    await expect(collect(rewritePositionDeletes(rangeRead(damaged).read, damaged.length, mapPath))).rejects.toThrow(/not a Parquet file/);
    const withRow = readFileSync(join(dir, 'refused', 'with-row.parquet'));
    await expect(collect(rewritePositionDeletes(rangeRead(withRow).read, withRow.length, mapPath))).rejects.toThrow(/carries deleted rows/);
  });
});

describe('deletion-vector Puffin files rewritten, judged by PyIceberg', () => {
  test('referenced-data-file is mapped; blobs, offsets and the other footer fields are kept', async () => {
    const name = 'vectors.puffin';
    const bytes = readFileSync(join(dir, name));
    const out = await collect(rewritePuffin(rangeRead(bytes).read, bytes.length, mapPath));
    const puffinDir = join(dir, 'puffin');
    mkdirSync(puffinDir);
    writeFileSync(join(puffinDir, name), out);
    writeFileSync(join(puffinDir, `source-${name}`), bytes);
    const judged = judge<Record<string, Record<string, number[]>>>('read', puffinDir);
    expect(judged.vectors).toEqual({
      [`${TARGET}/dv-0.parquet`]: [0, 5, 9],
      [`${TARGET}/dv-1.parquet`]: [1, 2, 3, 70000],
    });
    expect(Object.values(judged['source-vectors'])).toEqual(Object.values(judged.vectors));

    const before = await readPuffinFooter(rangeRead(bytes).read, bytes.length);
    const after = await readPuffinFooter(rangeRead(out).read, out.length);
    expect(after.footerStart).toBe(before.footerStart);
    expect(out.subarray(0, after.footerStart).equals(bytes.subarray(0, before.footerStart))).toBe(true);
    // 64-bit ids keep every digit.
    expect(String(after.footer.blobs[0]['snapshot-id'])).toBe('9159220805409223552');
    expect(statSync(join(puffinDir, name)).size).toBe(out.length);
  });
});
