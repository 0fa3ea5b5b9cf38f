import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { AwsClients } from '../../src/engine/kernel/clients';

/**
 * A small, valid version 2 snapshot as records, one per line, for tests that break it one way at a time:
 *
 *   1 header   2 settings   3 lfTags   4 database sales   5 table sales.orders (2 partition keys)
 *   6 partitions of sales.orders   7 table sales.customers   8 database marketing
 *   9 table marketing.campaigns   10 trailer
 */
export function sampleRecords(): Array<Record<string, unknown>> {
  const column = (Name: string) => ({ Name, Type: 'string' });
  return [
    {
      format: 'lake-replica-snapshot',
      version: 2,
      createdAt: '2026-11-04T10:00:00.000Z',
      source: { region: 'us-east-1', catalogId: '123456789012' },
      scope: { databases: ['*'], excludeDatabases: [] },
      lakeFormation: { kinds: ['dataLakeSettings', 'lfTag'] },
    },
    { lakeFormation: 'settings', items: [{ DataLakeAdmins: [] }] },
    { lakeFormation: 'lfTags', items: [{ TagKey: 'tier', TagValues: ['gold', 'silver'] }] },
    { database: { Name: 'sales', LocationUri: 's3://acme-lake-raw/sales/' } },
    {
      table: {
        Name: 'orders',
        TableType: 'EXTERNAL_TABLE',
        StorageDescriptor: { Columns: [column('id')], Location: 's3://acme-lake-raw/sales/orders/' },
        PartitionKeys: [column('dt'), column('region')],
        Parameters: { classification: 'parquet' },
      },
      database: 'sales',
    },
    {
      partitions: [
        { Values: ['2026-11-01', 'eu'], StorageDescriptor: { Location: 's3://acme-lake-raw/sales/orders/dt=2026-11-01/region=eu/' } },
        { Values: ['2026-11-01', 'us'], StorageDescriptor: { Location: 's3://acme-lake-raw/sales/orders/dt=2026-11-01/region=us/' } },
      ],
      database: 'sales',
      table: 'orders',
    },
    { table: { Name: 'customers', StorageDescriptor: { Columns: [column('id')] } }, database: 'sales' },
    { database: { Name: 'marketing' } },
    { table: { Name: 'campaigns' }, database: 'marketing' },
    { end: { databases: 2, tables: 3, partitions: 2, lakeFormation: 2 } },
  ];
}

/** Lines as a snapshot file holds them. */
export function snapshotText(lines: ReadonlyArray<string | object>): string {
  return lines.map(l => typeof l === 'string' ? l : JSON.stringify(l)).join('\n') + '\n';
}

/** Writes lines to a file, gzip-compressed when its name ends in ".gz". */
export function writeSnapshotFile(file: string, lines: ReadonlyArray<string | object>): string {
  const text = snapshotText(lines);
  writeFileSync(file, file.endsWith('.gz') ? gzipSync(text) : text);
  return file;
}

/**
 * A fresh folder and AWS clients for each test, removed after. The clients point at a closed port:
 * a test of local files that made an AWS call would fail.
 */
export function useLocalFiles(prefix: string): { readonly dir: string; readonly clients: AwsClients } {
  let current: { dir: string; clients: AwsClients } | undefined;
  beforeEach(() => {
    current = { dir: mkdtempSync(join(tmpdir(), prefix)), clients: new AwsClients({ endpoint: 'http://127.0.0.1:1', maxAttempts: 1 }) };
  });
  afterEach(() => {
    current?.clients.destroy();
    if (current) rmSync(current.dir, { recursive: true, force: true });
  });
  return {
    get dir() { return current!.dir; },
    get clients() { return current!.clients; },
  };
}

/** Text to match literally inside a RegExp (file paths, above all). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
