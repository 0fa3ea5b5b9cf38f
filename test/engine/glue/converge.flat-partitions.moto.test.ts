import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchCreatePartitionCommand, BatchUpdatePartitionCommand, CreateDatabaseCommand, CreateTableCommand, GetPartitionsCommand, type GlueClient,
  type PartitionInput,
} from '@aws-sdk/client-glue';
import { writeCalls } from '../../../src/engine/kernel/report';
import { glueAt, motoCli } from '../../support/cli-harness';
import { useMoto } from '../../support/moto';

/**
 * A table's partitions converge page by page against the extended moto server, through the CLI: each source page
 * is looked up in the target by value (BatchGetPartition), and the target's partitions are listed only to find the
 * ones the source lacks, with --prune or in verify. 1 500 partitions: moto answers a listing in one page, so its
 * values are looked up in two BatchGetPartition calls (at most 1 000 a call).
 */

const moto = useMoto();
const SOURCE = 'us-east-1';
const TARGET = 'us-west-2';
const COUNT = 1500;

function day(i: number): string {
  return new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
}

function partitionOf(i: number, revision = '1'): PartitionInput {
  return {
    Values: [day(i)],
    StorageDescriptor: { Location: `s3://flat-lake/sales/orders/dt=${day(i)}/`, Columns: [{ Name: 'id', Type: 'bigint' }] },
    Parameters: { revision },
  };
}

async function seedTable(glue: GlueClient, partitions: PartitionInput[]): Promise<void> {
  await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'sales' } }));
  await glue.send(new CreateTableCommand({
    DatabaseName: 'sales',
    TableInput: {
      Name: 'orders',
      TableType: 'EXTERNAL_TABLE',
      PartitionKeys: [{ Name: 'dt', Type: 'string' }],
      StorageDescriptor: { Location: 's3://flat-lake/sales/orders/', Columns: [{ Name: 'id', Type: 'bigint' }] },
    },
  }));
  await addPartitions(glue, partitions);
}

async function addPartitions(glue: GlueClient, partitions: PartitionInput[]): Promise<void> {
  for (let i = 0; i < partitions.length; i += 100) {
    await glue.send(new BatchCreatePartitionCommand({ DatabaseName: 'sales', TableName: 'orders', PartitionInputList: partitions.slice(i, i + 100) }));
  }
}

async function partitionDays(region: string): Promise<string[]> {
  const out: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await glueAt(moto().endpoint, region).send(new GetPartitionsCommand({ DatabaseName: 'sales', TableName: 'orders', NextToken }));
    out.push(...(page.Partitions ?? []).map(p => p.Values![0]));
    NextToken = page.NextToken;
  } while (NextToken);
  return out.sort();
}

// Partition column statistics page the partitions on their own and read one partition's statistics at a time;
// left out here, where the partitions' own reads are counted (their costs: column-statistics.moto.test.ts).
const run = (...argv: string[]) => motoCli(moto().endpoint, ...argv, '--skip', 'partition-column-statistics', '--json');
const sync = (...more: string[]) => run('sync', '--source-region', SOURCE, '--target-region', TARGET, ...more);
const reads = (r: { report: { apiCalls: Record<string, number> } }) => ({
  GetPartitions: r.report.apiCalls['glue:GetPartitions'] ?? 0, BatchGetPartition: r.report.apiCalls['glue:BatchGetPartition'] ?? 0,
});
const source = Array.from({ length: COUNT }, (_, i) => partitionOf(i));

describe('against the extended moto server: partitions converge page by page', () => {
  beforeEach(async () => {
    await seedTable(glueAt(moto().endpoint, SOURCE), source);
  });

  test('an unchanged table: 0 writes, one BatchGetPartition per source page, and the target is listed only with --prune or in verify', async () => {
    const first = await sync();
    expect(first.code).toBe(0);
    expect(first.report.counts.partition).toMatchObject({ created: COUNT, failed: 0 });

    const again = await sync();
    expect(again.code).toBe(0);
    expect(writeCalls(again.report.apiCalls)).toBe(0);
    expect(again.report.counts.partition).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: COUNT, failed: 0 });
    // The source's page looked up in the target; the target's partitions never listed.
    expect(reads(again)).toEqual({ GetPartitions: 1, BatchGetPartition: 2 });

    const pruned = await sync('--prune');
    expect(writeCalls(pruned.report.apiCalls)).toBe(0);
    // Plus the target's listing, tested against the source by value.
    expect(reads(pruned)).toEqual({ GetPartitions: 2, BatchGetPartition: 4 });

    const verified = await run('verify', '--source-region', SOURCE, '--target-region', TARGET);
    expect(verified.code).toBe(0);
    expect(reads(verified)).toEqual({ GetPartitions: 2, BatchGetPartition: 4 });
  });

  test('changed partitions are updated; target-only partitions are found only by verify and --prune', async () => {
    expect((await sync()).code).toBe(0);
    const changed = [3, 999, 1000, 1499].map(i => partitionOf(i, '2'));
    await glueAt(moto().endpoint, SOURCE).send(new BatchUpdatePartitionCommand({
      DatabaseName: 'sales', TableName: 'orders', Entries: changed.map(p => ({ PartitionValueList: p.Values, PartitionInput: p })),
    }));
    const extras = [COUNT + 10, COUNT + 11, COUNT + 12].map(i => partitionOf(i));
    await addPartitions(glueAt(moto().endpoint, TARGET), extras);

    const plain = await sync();
    expect(plain.code).toBe(0);
    expect(plain.report.counts.partition).toEqual({ created: 0, updated: 4, deleted: 0, unchanged: COUNT - 4, failed: 0 });
    expect(plain.report.warnings.filter(w => w.includes(' has partitions '))).toEqual([]);

    const verified = await run('verify', '--source-region', SOURCE, '--target-region', TARGET);
    // Exit 3: verify found differences.
    expect(verified.code).toBe(3);
    expect((verified.report.differences ?? []).filter(d => d.kind === 'partition').map(d => [d.key, d.difference]))
      .toEqual(expect.arrayContaining(extras.map(p => [`sales.orders/${JSON.stringify(p.Values)}`, 'extra'])));

    const pruned = await sync('--prune');
    expect(pruned.code).toBe(0);
    expect(pruned.report.counts.partition).toEqual({ created: 0, updated: 0, deleted: 3, unchanged: COUNT, failed: 0 });
    // Only --prune and verify add the listing of the target to the source's.
    expect(reads(pruned).GetPartitions).toBeGreaterThan(reads(plain).GetPartitions);
    expect(reads(verified).GetPartitions).toBe(reads(pruned).GetPartitions);
    expect(await partitionDays(TARGET)).toEqual(source.map(p => p.Values![0]).sort());
  });

  test('restore from a snapshot takes the same path: looked up page by page, target-only partitions pruned against the snapshot\'s key digests', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lake-replica-flat-')), 'lake.jsonl');
    expect((await run('snapshot', '--source-region', SOURCE, '--out', file)).code).toBe(0);
    // The target has a third of the table, one of those changed, and two partitions the snapshot lacks.
    await seedTable(glueAt(moto().endpoint, TARGET), [
      ...source.slice(0, 499),
      partitionOf(499, 'stale'),
      partitionOf(COUNT + 1), partitionOf(COUNT + 2),
    ]);

    const kept = await run('restore', '--from', file, '--target-region', TARGET);
    expect(kept.code).toBe(0);
    expect(kept.report.counts.partition).toEqual({ created: 1000, updated: 1, deleted: 0, unchanged: 499, failed: 0 });
    // The snapshot's page looked up in the target (two calls); without --prune the target's partitions are never listed.
    expect(reads(kept)).toEqual({ GetPartitions: 0, BatchGetPartition: 2 });

    const pruned = await run('restore', '--from', file, '--target-region', TARGET, '--prune');
    expect(pruned.code).toBe(0);
    expect(pruned.report.counts.partition).toEqual({ created: 0, updated: 0, deleted: 2, unchanged: COUNT, failed: 0 });
    // The target listed once and tested against the digests: no read of a source.
    expect(reads(pruned)).toEqual({ GetPartitions: 1, BatchGetPartition: 2 });
    expect(await partitionDays(TARGET)).toEqual(source.map(p => p.Values![0]).sort());
  });
});
