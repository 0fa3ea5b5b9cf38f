import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchCreatePartitionCommand, BatchDeletePartitionCommand, type ColumnStatistics, GetColumnStatisticsForPartitionCommand,
  type GetColumnStatisticsForPartitionRequest, UpdateColumnStatisticsForPartitionCommand, type UpdateColumnStatisticsForPartitionRequest,
  BatchDeleteTableCommand, BatchGetPartitionCommand, BatchUpdatePartitionCommand,
  CreateDatabaseCommand, CreateTableCommand, DeleteDatabaseCommand, GetPartitionsCommand, GetTablesCommand, UpdateDatabaseCommand,
  UpdateTableCommand,
  BatchGetPartitionRequest, GetPartitionsRequest, GetPartitionsResponse, GetTablesResponse,
} from '@aws-sdk/client-glue';
import 'aws-sdk-client-mock-jest';
import { convergeDatabase } from '../../../src/engine/glue/converge';
import { databaseInput, partitionInput, tableInput } from '../../../src/engine/glue/shapes';
import { LiveCatalogSource } from '../../../src/engine/glue/source';
import { AwsClients } from '../../../src/engine/kernel/clients';
import type { Report } from '../../../src/engine/kernel/report';
import type { Cursor, Deadline } from '../../../src/engine/kernel/resume';
import { Scope } from '../../../src/engine/kernel/scope';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type SnapshotRecord, type SnapshotTotals } from '../../../src/engine/snapshot/format';
import { LineWriter } from '../../../src/engine/snapshot/io';
import { writeSnapshotPart, type SnapshotPartResult } from '../../../src/engine/snapshot/part';
import { SnapshotSource } from '../../../src/engine/snapshot/source';
import type { AttachedKind } from '../../../src/shared/attached-kinds';
import { dailyPartitions, database, FakeLake, partition, table } from '../../support/fake-lake';
import { ACCOUNT, mockAws, regionOf, sent, SOURCE_REGION, TARGET_REGION, type MockedAws, type SentCall } from '../../support/sdk-harness';

/**
 * convergeDatabase() and writeSnapshotPart() across invocations: a deadline cuts the work, the
 * report's continuation is fed to the next invocation (with fresh clients, as a new Lambda would),
 * and the fake lake keeps what was written, so each invocation sees the target as the last left it.
 * Time is never waited for: deadlines are already past (epoch 0) or out of reach, or Date.now is
 * moved by a spy.
 */

const PASSED: Deadline = { soft: 0, hard: 0 };
const FAR = Number.MAX_SAFE_INTEGER;
const NO_DEADLINE: Deadline = { soft: FAR, hard: FAR };
const SOFT_PASSED: Deadline = { soft: 0, hard: FAR };
/** A loop that never ends would be a bug; this bounds it. */
const MAX_INVOCATIONS = 12;

interface Invocation {
  readonly report: Report;
  /** The Glue calls of this invocation only, in order. */
  readonly calls: StubCall[];
}

interface StubCall { args: unknown[]; thisValue: unknown; returnValue: unknown }

/** The calls of one command within one invocation, with their Regions (see sent()). */
function callsOf<I extends object>(inv: Invocation, command: new (input: I) => { input: I }): Promise<SentCall<I>[]> {
  return sent({ commandCalls: (c: unknown) => inv.calls.filter(call => call.args[0] instanceof (c as typeof Object)) }, command);
}

function values(calls: SentCall<{ PartitionInputList?: { Values?: string[] }[] }>[]): string[] {
  return calls.flatMap(c => c.input.PartitionInputList!.map(p => p.Values!.join('/')));
}

/** Created partitions as "table/values", for checks across tables. */
function tableValues(calls: SentCall<{ TableName?: string; PartitionInputList?: { Values?: string[] }[] }>[]): string[] {
  return calls.flatMap(c => c.input.PartitionInputList!.map(p => `${c.input.TableName}/${p.Values!.join('/')}`));
}

function deletedValues(calls: SentCall<{ PartitionsToDelete?: { Values?: string[] }[] }>[]): string[] {
  return calls.flatMap(c => c.input.PartitionsToDelete!.map(p => p.Values!.join('/')));
}

function days(count: number, from = 0): string[] {
  return dailyPartitions('x', 'y', count, from).map(p => p.Values![0]);
}

function totalOf(reports: Report[], kind: string, outcome: 'created' | 'updated' | 'deleted' | 'unchanged' | 'failed'): number {
  return reports.reduce((n, r) => n + r.counts[kind][outcome], 0);
}

describe('mocked Glue: convergeDatabase resumes from its cursor across invocations', () => {
  let aws: MockedAws;
  let lake: FakeLake;

  beforeEach(() => {
    aws = mockAws();
    lake = new FakeLake(aws.glue).install().persistWrites();
  });

  afterEach(() => {
    aws.restore();
    jest.restoreAllMocks();
  });

  /** One invocation, as the on-demand job's item step runs it: its own clients, source and report. */
  async function invoke(options: {
    cursor?: Cursor;
    deadline?: Deadline;
    prune?: boolean;
    database?: string;
    targets?: string[];
    concurrency?: number;
    attachedKinds?: AttachedKind[];
  } = {}): Promise<Invocation> {
    const before = aws.glue.calls().length;
    const clients = new AwsClients({ maxAttempts: 1 });
    const scope = new Scope();
    try {
      const report = await convergeDatabase({
        mode: 'sync',
        source: new LiveCatalogSource(clients, SOURCE_REGION, scope),
        targetRegions: options.targets ?? [TARGET_REGION],
        scope,
        prune: options.prune ?? true,
        concurrency: options.concurrency,
        clients,
        database: options.database ?? 'sales',
        cursor: options.cursor,
        deadline: options.deadline,
        attachedKinds: options.attachedKinds,
      });
      return { report, calls: aws.glue.calls().slice(before) as unknown as StubCall[] };
    } finally {
      clients.destroy();
    }
  }

  /** Invokes until the report has no continuation, each invocation with the previous one's cursor. */
  async function untilDone(
    deadline: Deadline, options: { prune?: boolean; cursor?: Cursor; attachedKinds?: AttachedKind[] } = {},
  ): Promise<Invocation[]> {
    const out: Invocation[] = [];
    let cursor = options.cursor;
    do {
      if (out.length >= MAX_INVOCATIONS) throw new Error(`still not done after ${MAX_INVOCATIONS} invocations`);
      const inv = await invoke({ cursor, deadline, prune: options.prune, attachedKinds: options.attachedKinds });
      out.push(inv);
      cursor = inv.report.continuation;
    } while (cursor);
    return out;
  }

  function targetPartitions(tableName: string, region = TARGET_REGION): string[] {
    return (lake.region(region).partitions.get(`sales.${tableName}`) ?? []).map(p => p.Values!.join('/')).sort();
  }

  function targetTables(region = TARGET_REGION): string[] {
    return (lake.region(region).tables.get('sales') ?? []).map(t => t.Name!).sort();
  }

  describe('a hard deadline cuts a table at a partition page', () => {
    beforeEach(() => {
      lake.region(SOURCE_REGION).addDatabase(database('sales'))
        .addTable(table('sales', 'orders'))
        .addPartitions(...dailyPartitions('sales', 'orders', 2500));
      // The target has the database and a table the source no longer has: only the last invocation may delete it.
      lake.region(TARGET_REGION).addDatabase(database('sales'))
        .addTable(table('sales', 'tmp_export', { partitionKeys: [] }));
    });

    test('mocked: the first invocation writes the first page in batches of at most 100, stops at page 2 and prunes nothing', async () => {
      const first = await invoke({ deadline: PASSED });

      const reads = (await callsOf(first, GetPartitionsCommand)).filter(c => c.region === SOURCE_REGION);
      expect(reads).toHaveLength(1); // the page after the deadline is never read
      const page2 = (await reads[0].output() as GetPartitionsResponse).NextToken;
      expect(page2).toEqual(expect.any(String));
      expect(first.report.continuation).toEqual({ afterTable: 'orders', partials: [{ table: 'orders', next: page2 }] });

      const creates = await callsOf(first, BatchCreatePartitionCommand);
      expect(creates).toHaveLength(10);
      for (const c of creates) {
        expect(c.region).toBe(TARGET_REGION);
        expect(c.input.PartitionInputList!.length).toBeLessThanOrEqual(100);
      }
      expect(values(creates)).toEqual(days(1000));
      expect(first.report.counts.partition).toEqual({ created: 1000, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
      expect(first.report.counts.table).toEqual({ created: 1, updated: 0, deleted: 0, unchanged: 0, failed: 0 });

      for (const command of [BatchDeletePartitionCommand, BatchDeleteTableCommand, DeleteDatabaseCommand]) {
        expect(await callsOf(first, command as never)).toEqual([]);
      }
      expect(targetTables()).toEqual(['orders', 'tmp_export']);
      expect(first.report.failures).toEqual([]);
    });

    test('mocked: fed its cursor, successive invocations finish the table: 2 500 created once each, then the extra table is pruned', async () => {
      const invocations = await untilDone(PASSED);
      const reports = invocations.map(i => i.report);

      // 1 000 + 1 000 + 500: one page per invocation, each resumed from the token its predecessor returned. Then
      // (prune) the search for partitions only the target has goes on one target page per invocation: 3 pages.
      expect(reports.map(r => r.counts.partition.created)).toEqual([1000, 1000, 500, 0, 0]);
      for (const [i, inv] of invocations.entries()) {
        const reads = (await callsOf(inv, GetPartitionsCommand)).filter(c => c.region === SOURCE_REGION);
        expect(reads).toHaveLength(i < 3 ? 1 : 0);
        if (i >= 3) continue;
        const cursor = i === 0 ? undefined : invocations[i - 1].report.continuation;
        expect(reads[0].input.NextToken).toBe(cursor?.partials?.[0].next);
        if (i < 2) {
          expect(inv.report.continuation?.partials).toEqual([{ table: 'orders', next: (await reads[0].output() as GetPartitionsResponse).NextToken }]);
        }
      }
      expect(invocations.slice(2, 4).map(i => i.report.continuation?.partials)).toEqual([
        [{ table: 'orders', next: expect.any(String), extrasIn: TARGET_REGION }], [{ table: 'orders', next: expect.any(String), extrasIn: TARGET_REGION }],
      ]);

      const created = (await Promise.all(invocations.map(inv => callsOf(inv, BatchCreatePartitionCommand)))).flat();
      for (const c of created) expect(c.input.PartitionInputList!.length).toBeLessThanOrEqual(100);
      const entries = values(created);
      expect(entries).toHaveLength(2500);
      expect(new Set(entries).size).toBe(2500); // no partition written twice
      expect([...entries].sort()).toEqual(days(2500));
      expect(totalOf(reports, 'partition', 'created')).toBe(2500);
      expect(totalOf(reports, 'partition', 'unchanged')).toBe(0);
      expect(totalOf(reports, 'partition', 'deleted')).toBe(0);
      expect(targetPartitions('orders')).toEqual(days(2500));

      // The database and table are written once, by the invocation that started them.
      expect(totalOf(reports, 'table', 'created')).toBe(1);
      expect(totalOf(reports, 'database', 'unchanged')).toBe(1);
      for (const inv of invocations.slice(1)) {
        for (const command of [CreateDatabaseCommand, UpdateDatabaseCommand, CreateTableCommand, UpdateTableCommand]) {
          expect(await callsOf(inv, command as never)).toEqual([]);
        }
      }

      // Only the invocation with no continuation prunes; the partitions earlier invocations wrote are confirmed, not deleted.
      for (const inv of invocations.slice(0, -1)) expect(await callsOf(inv, BatchDeleteTableCommand)).toEqual([]);
      const last = invocations[invocations.length - 1];
      expect((await callsOf(last, BatchDeleteTableCommand)).map(c => c.input.TablesToDelete)).toEqual([['tmp_export']]);
      expect(aws.glue).not.toHaveReceivedCommand(BatchDeletePartitionCommand);
      expect(targetTables()).toEqual(['orders']);
      expect(reports.flatMap(r => r.failures)).toEqual([]);
    });

    test('mocked: with two target Regions the cut table is one cursor entry (its search for target-only partitions one a Region), and both Regions end with every partition once', async () => {
      const OTHER = 'eu-west-1';
      lake.region(OTHER).addDatabase(database('sales'));
      let cursor: Cursor | undefined;
      const invocations: Invocation[] = [];
      do {
        const inv = await invoke({ cursor, deadline: PASSED, targets: [TARGET_REGION, OTHER] });
        const partials = inv.report.continuation?.partials ?? [];
        if (partials.some(p => p.extrasIn === undefined)) expect(partials).toHaveLength(1);
        else expect(partials.map(p => p.extrasIn).sort()).toEqual(partials.length === 0 ? [] : [OTHER, TARGET_REGION]);
        invocations.push(inv);
        cursor = inv.report.continuation;
      } while (cursor && invocations.length < MAX_INVOCATIONS);

      expect(cursor).toBeUndefined();
      // 3 source pages, then the 2 further target pages of each Region's search.
      expect(invocations).toHaveLength(5);
      const created = (await Promise.all(invocations.map(inv => callsOf(inv, BatchCreatePartitionCommand)))).flat();
      for (const region of [TARGET_REGION, OTHER]) {
        const entries = values(created.filter(c => c.region === region));
        expect(entries).toHaveLength(2500);
        expect(new Set(entries).size).toBe(2500);
        expect(targetPartitions('orders', region)).toEqual(days(2500));
      }
      expect(totalOf(invocations.map(i => i.report), 'partition', 'created')).toBe(5000);
      expect(invocations.flatMap(i => i.report.failures)).toEqual([]);
    });
  });

  describe('resuming a table whose target has extras', () => {
    /** Not in the source: dated 2024. */
    const extras = Array.from({ length: 30 }, (_, i) => `2024-11-${String(i + 1).padStart(2, '0')}`);

    beforeEach(() => {
      lake.region(SOURCE_REGION).addDatabase(database('sales'))
        .addTable(table('sales', 'orders'))
        .addPartitions(...dailyPartitions('sales', 'orders', 2500));
      // The target already has source partitions of page 1 (days 0-99) and of page 2 (days 1500-1599), and 30 extras.
      lake.region(TARGET_REGION).addDatabase(database('sales'))
        .addTable(table('sales', 'orders'))
        .addPartitions(
          ...dailyPartitions('sales', 'orders', 100),
          ...extras.slice(0, 15).map(v => partition('sales', 'orders', [v])),
          ...dailyPartitions('sales', 'orders', 100, 1500),
          ...extras.slice(15).map(v => partition('sales', 'orders', [v])),
        );
    });

    test('mocked: the cut invocation deletes nothing; the resumed one confirms leftovers on the source and deletes only the true extras', async () => {
      const first = await invoke({ deadline: PASSED, prune: true });
      expect(first.report.continuation?.partials).toEqual([{ table: 'orders', next: expect.any(String) }]);
      expect(first.report.counts.partition).toEqual({ created: 900, updated: 0, deleted: 0, unchanged: 100, failed: 0 });
      expect(await callsOf(first, BatchDeletePartitionCommand)).toEqual([]);
      // Each source page is looked up in the target only; the source is not asked until the table is complete.
      expect((await callsOf(first, BatchGetPartitionCommand)).map(c => c.region)).toEqual([TARGET_REGION]);

      const second = await invoke({ cursor: first.report.continuation, deadline: NO_DEADLINE, prune: true });
      expect(second.report.continuation).toBeUndefined();
      // Pages 2 and 3: 1 500 source partitions, of which days 1500-1599 the target had.
      expect(second.report.counts.partition).toEqual({ created: 1400, updated: 0, deleted: 30, unchanged: 100, failed: 0 });

      // Pages 2 and 3 are looked up in the target; then the target is listed and each of its pages (all 2 500
      // partitions and the 30 extras) is looked up on the source, at most 1 000 a call.
      const all = await callsOf(second, BatchGetPartitionCommand);
      expect(all.filter(c => c.region === TARGET_REGION)).toHaveLength(2);
      const lookups = all.filter(c => c.region === SOURCE_REGION);
      expect(lookups.length).toBeGreaterThan(0);
      for (const c of lookups) {
        expect(c.region).toBe(SOURCE_REGION);
        expect(c.input).toMatchObject({ DatabaseName: 'sales', TableName: 'orders' });
        expect(c.input.PartitionsToGet!.length).toBeLessThanOrEqual(1000);
      }
      const asked = lookups.flatMap(c => c.input.PartitionsToGet!.map(p => p.Values![0]));
      expect([...asked].sort()).toEqual([...extras, ...days(2500)].sort());

      const deletes = await callsOf(second, BatchDeletePartitionCommand);
      for (const c of deletes) {
        expect(c.region).toBe(TARGET_REGION);
        expect(c.input.PartitionsToDelete!.length).toBeLessThanOrEqual(25);
      }
      expect(deletedValues(deletes).sort()).toEqual(extras);
      expect(targetPartitions('orders')).toEqual(days(2500));
      expect([first, second].flatMap(i => i.report.failures)).toEqual([]);
    });

    test('mocked: past the hard deadline the search for the target\'s own partitions goes on from its page in the next invocation; every extra is deleted once', async () => {
      const invocations = await untilDone(PASSED, { prune: true });
      const cuts = invocations.flatMap(i => i.report.continuation?.partials ?? []);
      // The source's 3 pages, each cut; then the target's pages, each cut, the search resumed in that target.
      expect(cuts.filter(c => c.extrasIn === undefined)).toHaveLength(2);
      expect(cuts.filter(c => c.extrasIn === TARGET_REGION).length).toBeGreaterThan(0);
      expect(invocations.length).toBeGreaterThan(3);
      const reports = invocations.map(i => i.report);
      expect(totalOf(reports, 'partition', 'created')).toBe(2300);
      expect(totalOf(reports, 'partition', 'deleted')).toBe(30);
      expect(targetPartitions('orders')).toEqual(days(2500));
      // A resumed search reads the target from its page on, never the source's pages again.
      const resumedFromPage = (n: number) => {
        const partial = n > 0 ? invocations[n - 1].report.continuation?.partials?.[0] : undefined;
        return !!partial?.extrasIn && !!partial.next;
      };
      for (const inv of invocations.filter((_, n) => resumedFromPage(n))) {
        expect((await callsOf(inv, BatchCreatePartitionCommand))).toEqual([]);
        const reads = await callsOf<GetPartitionsRequest>(inv, GetPartitionsCommand);
        expect(reads.every(c => c.region === TARGET_REGION && c.input.NextToken)).toBe(true);
      }
      expect(reports.flatMap(r => r.failures)).toEqual([]);
    });

    test('mocked: leftovers BatchGetPartition leaves unprocessed are asked again, never taken for extras', async () => {
      const first = await invoke({ deadline: PASSED, prune: true });
      // The first lookup call leaves half its keys unprocessed (as Glue may under load).
      let lookupCalls = 0;
      aws.glue.on(BatchGetPartitionCommand).callsFake(async (input: BatchGetPartitionRequest, getClient) => {
        const region = await regionOf(getClient());
        if (lookupCalls++ > 0) return lake.batchGetPartition(input, region);
        const wanted = input.PartitionsToGet ?? [];
        const half = Math.floor(wanted.length / 2);
        const answered = lake.batchGetPartition({ ...input, PartitionsToGet: wanted.slice(0, half) }, region);
        return { Partitions: answered.Partitions, UnprocessedKeys: wanted.slice(half) };
      });

      const second = await invoke({ cursor: first.report.continuation, deadline: NO_DEADLINE, prune: true });

      expect(lookupCalls).toBeGreaterThan(2);
      expect(deletedValues(await callsOf(second, BatchDeletePartitionCommand)).sort()).toEqual(extras);
      expect(targetPartitions('orders')).toEqual(days(2500));
      expect(second.report.failures).toEqual([]);
    });

    test('mocked: without prune, the resumed invocation keeps the extras, never lists the target\'s partitions, and does not warn about what it cannot know', async () => {
      const first = await invoke({ deadline: PASSED, prune: false });
      const second = await invoke({ cursor: first.report.continuation, deadline: NO_DEADLINE, prune: false });

      expect(second.report.continuation).toBeUndefined();
      expect(aws.glue).not.toHaveReceivedCommand(BatchDeletePartitionCommand);
      const listings = (await Promise.all([first, second].map(inv => callsOf(inv, GetPartitionsCommand)))).flat();
      expect(listings.map(c => c.region)).toEqual([SOURCE_REGION, SOURCE_REGION, SOURCE_REGION]);
      expect(second.report.counts.partition).toEqual({ created: 1400, updated: 0, deleted: 0, unchanged: 100, failed: 0 });
      expect(second.report.warnings.filter(w => w.includes(' has partitions '))).toEqual([]);
      expect(targetPartitions('orders')).toEqual([...extras, ...days(2500)].sort());
    });
  });

  describe('a target with more extras than one invocation deletes', () => {
    /** 3,000 partitions the source does not have, dated long after its own. */
    const extras = days(3000, 20_000);

    beforeEach(() => {
      lake.region(SOURCE_REGION).addDatabase(database('sales'))
        .addTable(table('sales', 'orders'))
        .addPartitions(...dailyPartitions('sales', 'orders', 500));
      lake.region(TARGET_REGION).addDatabase(database('sales'))
        .addTable(table('sales', 'orders'))
        .addPartitions(...dailyPartitions('sales', 'orders', 500), ...extras.map(v => partition('sales', 'orders', [v])));
    });

    test('mocked: even with time to spare, an invocation stops its search once 2,500 are found and deletes them; the search goes on, then sweeps the target again, and every extra is deleted once', async () => {
      const invocations = await untilDone(NO_DEADLINE, { prune: true });
      const continued = invocations.map(i => i.report.continuation?.partials);
      // Cut after 2,500 found (and deleted): the listing's later pages may have shifted, so it goes on, then sweeps again.
      expect(continued[0]).toEqual([{ table: 'orders', next: expect.any(String), extrasIn: TARGET_REGION, sweepAgain: true }]);
      expect(continued.slice(1, -1).every(p => p?.length === 1 && p[0].extrasIn === TARGET_REGION)).toBe(true);
      expect(continued).toContainEqual([{ table: 'orders', next: '', extrasIn: TARGET_REGION }]);
      expect(continued[continued.length - 1]).toBeUndefined();
      const deleted = await Promise.all(invocations.map(async inv => deletedValues(await callsOf(inv, BatchDeletePartitionCommand))));
      expect(deleted[0]).toHaveLength(2500);
      expect(deleted.flat().sort()).toEqual([...extras].sort());
      expect(totalOf(invocations.map(i => i.report), 'partition', 'deleted')).toBe(3000);
      expect(targetPartitions('orders')).toEqual(days(500));
      expect(invocations.flatMap(i => i.report.failures)).toEqual([]);
    });
  });

  describe('partition column statistics, converged after a table\'s partitions', () => {
    const STATS: AttachedKind[] = ['partitionColumnStatistics'];
    /** Statistics kept per Region and partition: the source has one column's for each partition. */
    let stored: Map<string, ColumnStatistics[]>;
    const where = (region: string, key: string[] | undefined) => `${region}|${(key ?? []).join('/')}`;

    function withStatistics(count: number) {
      lake.region(SOURCE_REGION).addDatabase(database('sales')).addTable(table('sales', 'orders')).addPartitions(...dailyPartitions('sales', 'orders', count));
      lake.region(TARGET_REGION).addDatabase(database('sales'));
      stored = new Map(days(count).map(day => [where(SOURCE_REGION, [day]), [{
        ColumnName: 'id',
        ColumnType: 'bigint',
        AnalyzedTime: new Date('2026-03-01T10:00:00.000Z'),
        StatisticsData: { Type: 'LONG', LongColumnStatisticsData: { NumberOfNulls: 0, NumberOfDistinctValues: 7 } },
      }]]));
      aws.glue.on(GetColumnStatisticsForPartitionCommand).callsFake(async (input: GetColumnStatisticsForPartitionRequest, getClient) => ({
        ColumnStatisticsList: stored.get(where(await regionOf(getClient()), input.PartitionValues)) ?? [], Errors: [],
      }));
      aws.glue.on(UpdateColumnStatisticsForPartitionCommand).callsFake(async (input: UpdateColumnStatisticsForPartitionRequest, getClient) => {
        stored.set(where(await regionOf(getClient()), input.PartitionValues), input.ColumnStatisticsList ?? []);
        return { Errors: [] };
      });
    }

    const statisticsWritten = async (inv: Invocation) => (await callsOf(inv, UpdateColumnStatisticsForPartitionCommand)).length;
    const targetHas = (count: number) => days(count).every(day => (stored.get(where(TARGET_REGION, [day])) ?? []).length === 1);

    test('mocked: a table cut at a partition page gets its statistics in the invocation that finishes its partitions, not before', async () => {
      withStatistics(1500);
      const first = await invoke({ deadline: PASSED, attachedKinds: STATS });
      expect(first.report.continuation?.partials).toEqual([{ table: 'orders', next: expect.any(String) }]);
      // Half the partitions exist in the target: no statistics are read or written for the table yet.
      expect(await statisticsWritten(first)).toBe(0);
      expect(await callsOf(first, GetColumnStatisticsForPartitionCommand)).toEqual([]);
      const second = await invoke({ cursor: first.report.continuation, deadline: NO_DEADLINE, attachedKinds: STATS });
      expect(second.report.continuation).toBeUndefined();
      expect(await statisticsWritten(second)).toBe(1500);
      expect(second.report.counts.partitionColumnStatistics).toMatchObject({ created: 1500, failed: 0 });
      expect(targetHas(1500)).toBe(true);
      expect([first, second].flatMap(i => i.report.failures)).toEqual([]);
    });

    test('mocked: past the hard deadline the statistics stop at a page of 100 partitions and go on from it; an unchanged re-run writes none', async () => {
      withStatistics(250);
      const invocations = await untilDone(PASSED, { attachedKinds: STATS });
      // 3 pages of 100 partitions: cut after the first and the second.
      expect(invocations.map(i => i.report.continuation?.partials)).toEqual([
        [{ table: 'orders', next: expect.any(String), attachedIn: { kind: 'partitionColumnStatistics', region: TARGET_REGION } }],
        [{ table: 'orders', next: expect.any(String), attachedIn: { kind: 'partitionColumnStatistics', region: TARGET_REGION } }],
        undefined,
      ]);
      expect(await Promise.all(invocations.map(statisticsWritten))).toEqual([100, 100, 50]);
      expect(totalOf(invocations.map(i => i.report), 'partitionColumnStatistics', 'created')).toBe(250);
      // The partitions are converged once, by the first invocation.
      expect(totalOf(invocations.map(i => i.report), 'partition', 'created')).toBe(250);
      expect(targetHas(250)).toBe(true);
      expect(invocations.flatMap(i => i.report.failures)).toEqual([]);

      const again = await untilDone(NO_DEADLINE, { attachedKinds: STATS });
      expect(again).toHaveLength(1);
      expect(await statisticsWritten(again[0])).toBe(0);
      expect(again[0].report.counts.partitionColumnStatistics).toMatchObject({ unchanged: 250, created: 0, updated: 0 });
    });
  });

  describe('a soft deadline stops between tables', () => {
    const TABLES = ['a_events', 'b_orders', 'c_customers', 'd_clicks', 'e_returns'];

    beforeEach(() => {
      // Source tables in pages of 2, so "a full listing" is several GetTables pages.
      const source = lake.region(SOURCE_REGION, { tables: 2 }).addDatabase(database('sales'));
      source.addTable(
        table('sales', 'a_events'),
        table('sales', 'b_orders'),
        table('sales', 'c_customers', { partitionKeys: [] }),
        table('sales', 'd_clicks'),
        table('sales', 'e_returns', { partitionKeys: [] }),
      );
      source.addPartitions(...dailyPartitions('sales', 'a_events', 3), ...dailyPartitions('sales', 'b_orders', 4), ...dailyPartitions('sales', 'd_clicks', 2));
      // The target has b_orders already (unchanged, with its partitions) and two tables the source lacks.
      lake.region(TARGET_REGION).addDatabase(database('sales'))
        .addTable(table('sales', 'legacy_x', { partitionKeys: [] }), table('sales', 'b_orders'), table('sales', 'legacy_y'))
        .addPartitions(...dailyPartitions('sales', 'b_orders', 4), partition('sales', 'legacy_y', ['2020-01-01']));
    });

    function tablesTouched(inv: Invocation): number {
      const t = inv.report.counts.table;
      return t.created + t.updated + t.unchanged;
    }

    test('mocked: each invocation past its soft deadline converges exactly one table, in listing order, and carries on after it', async () => {
      const invocations = await untilDone(SOFT_PASSED);
      const continuing = invocations.filter(i => i.report.continuation);

      // The invocation that converges the last table also finishes the database.
      expect(continuing.map(i => i.report.continuation?.afterTable)).toEqual(TABLES.slice(0, -1));
      for (const inv of continuing) {
        expect(tablesTouched(inv)).toBe(1);
        expect(inv.report.continuation?.partials ?? []).toEqual([]);
      }
      // One table each, in listing order: b_orders was already in the target, so its invocation wrote nothing.
      const createdTables = await Promise.all(invocations.map(async inv =>
        (await callsOf(inv, CreateTableCommand)).map(c => c.input.TableInput!.Name!)));
      expect(createdTables).toEqual([['a_events'], [], ['c_customers'], ['d_clicks'], ['e_returns']]);
      expect(tablesTouched(invocations[invocations.length - 1])).toBe(1);
      expect(continuing[1].report.counts.table.unchanged).toBe(1);
      for (const inv of invocations.slice(1)) {
        for (const command of [CreateDatabaseCommand, UpdateDatabaseCommand, BatchUpdatePartitionCommand]) {
          expect(await callsOf(inv, command as never)).toEqual([]);
        }
      }
      expect(totalOf(invocations.map(i => i.report), 'partition', 'created')).toBe(5);
      expect(totalOf(invocations.map(i => i.report), 'partition', 'unchanged')).toBe(4);
      expect(totalOf(invocations.map(i => i.report), 'table', 'created')).toBe(4);
      expect(totalOf(invocations.map(i => i.report), 'table', 'unchanged')).toBe(1);
      // The database is converged once, by the first invocation.
      expect(totalOf(invocations.map(i => i.report), 'database', 'unchanged')).toBe(1);
      expect(invocations.flatMap(i => i.report.failures)).toEqual([]);
    });

    test('mocked: extra tables are pruned only by the invocation with no continuation, from a full listing of source table names', async () => {
      const invocations = await untilDone(SOFT_PASSED);
      const last = invocations[invocations.length - 1];
      expect(last.report.continuation).toBeUndefined();

      for (const inv of invocations.slice(0, -1)) {
        expect(await callsOf(inv, BatchDeleteTableCommand)).toEqual([]);
        expect(inv.report.counts.table.deleted).toBe(0);
      }
      expect((await callsOf(last, BatchDeleteTableCommand)).map(c => [c.region, c.input.TablesToDelete])).toEqual([[TARGET_REGION, ['legacy_x', 'legacy_y']]]);
      expect(last.report.counts.table.deleted).toBe(2);

      // The last invocation listed every source table: a chain of GetTables pages from no token to the end.
      const listing = (await callsOf(last, GetTablesCommand)).filter(c => c.region === SOURCE_REGION);
      const chain = listing.slice(-3);
      expect(chain[0].input.NextToken).toBeUndefined();
      for (let i = 0; i < chain.length; i++) {
        const { NextToken } = await chain[i].output() as GetTablesResponse;
        if (i < chain.length - 1) expect(chain[i + 1].input.NextToken).toBe(NextToken);
        else expect(NextToken).toBeUndefined();
      }
      expect(targetTables()).toEqual([...TABLES].sort());
      expect(targetPartitions('a_events')).toEqual(days(3));
      expect(targetPartitions('b_orders')).toEqual(days(4));
      expect(targetPartitions('d_clicks')).toEqual(days(2));
    });

    // The soft deadline is checked only once a next table exists, so no invocation runs just to prune.
    test('mocked: the invocation that converges the last table also finishes the database (no empty extra invocation)', async () => {
      const invocations = await untilDone(SOFT_PASSED);
      expect(invocations).toHaveLength(TABLES.length);
    });
  });

  describe('a cursor naming a table deleted from the source meanwhile', () => {
    beforeEach(() => {
      lake.region(SOURCE_REGION).addDatabase(database('sales'))
        .addTable(table('sales', 'a_events'), table('sales', 'b_orders'), table('sales', 'c_customers', { partitionKeys: [] }), table('sales', 'd_clicks'))
        .addPartitions(...dailyPartitions('sales', 'a_events', 3), ...dailyPartitions('sales', 'b_orders', 4), ...dailyPartitions('sales', 'd_clicks', 5));
      lake.region(TARGET_REGION).addDatabase(database('sales'));
    });

    function deleteFromSource(name: string) {
      const tables = lake.region(SOURCE_REGION).tables.get('sales')!;
      tables.splice(tables.findIndex(t => t.Name === name), 1);
      lake.region(SOURCE_REGION).partitions.delete(`sales.${name}`);
    }

    test('mocked: the listing restarts from the top and the database converges fully; the deleted table is pruned', async () => {
      const first = await invoke({ deadline: SOFT_PASSED });
      const second = await invoke({ cursor: first.report.continuation, deadline: SOFT_PASSED });
      expect(second.report.continuation?.afterTable).toBe('b_orders');
      deleteFromSource('b_orders');

      const third = await invoke({ cursor: second.report.continuation, deadline: NO_DEADLINE });

      expect(third.report.continuation).toBeUndefined();
      // The listing is sorted by name, as Glue lists: tables after the deleted one follow, a_events is not revisited.
      expect(third.report.counts.table).toEqual({ created: 2, updated: 0, deleted: 1, unchanged: 0, failed: 0 });
      expect(third.report.counts.partition).toEqual({ created: 5, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
      expect((await callsOf(third, BatchCreatePartitionCommand)).map(c => c.input.TableName)).toEqual(['d_clicks']);
      expect((await callsOf(third, BatchDeleteTableCommand)).map(c => c.input.TablesToDelete)).toEqual([['b_orders']]);
      expect(targetTables()).toEqual(['a_events', 'c_customers', 'd_clicks']);
      expect(targetPartitions('a_events')).toEqual(days(3));
      expect(targetPartitions('d_clicks')).toEqual(days(5));
      expect([first, second, third].flatMap(i => i.report.failures)).toEqual([]);
    });

    test('mocked: still under a passed soft deadline, the restarted listing converges in a bounded number of invocations', async () => {
      const first = await invoke({ deadline: SOFT_PASSED });
      expect(first.report.continuation?.afterTable).toBe('a_events');
      deleteFromSource('a_events');

      const rest = await untilDone(SOFT_PASSED, { cursor: first.report.continuation });
      const reports = [first, ...rest].map(i => i.report);

      expect(targetTables()).toEqual(['b_orders', 'c_customers', 'd_clicks']);
      expect(targetPartitions('b_orders')).toEqual(days(4));
      expect(targetPartitions('d_clicks')).toEqual(days(5));
      // Every partition was written once; a_events (deleted from the source) was pruned by the last invocation only.
      const created = (await Promise.all(rest.map(inv => callsOf(inv, BatchCreatePartitionCommand)))).flat();
      expect(new Set(tableValues(created)).size).toBe(tableValues(created).length);
      expect(tableValues(created)).toHaveLength(9);
      expect(totalOf(reports, 'table', 'deleted')).toBe(1);
      expect(rest[rest.length - 1].report.counts.table.deleted).toBe(1);
      expect(reports.flatMap(r => r.failures)).toEqual([]);
    });
  });

  describe('a hard deadline that passes after the table listing has ended', () => {
    let clock: number;

    beforeEach(() => {
      lake.region(SOURCE_REGION).addDatabase(database('sales'))
        .addTable(table('sales', 'customers', { partitionKeys: [] }), table('sales', 'orders'), table('sales', 'returns', { partitionKeys: [] }))
        .addPartitions(...dailyPartitions('sales', 'orders', 2500));
      lake.region(TARGET_REGION).addDatabase(database('sales'));
      // The clock moves past the deadline only while orders' first source page is read: by then the
      // lanes have pulled the whole (one-page) table listing, as they do for a database of a few tables.
      clock = 1_000_000;
      jest.spyOn(Date, 'now').mockImplementation(() => clock);
      aws.glue.on(GetPartitionsCommand).callsFake(async (input: GetPartitionsRequest, getClient) => {
        const region = await regionOf(getClient());
        if (region === SOURCE_REGION && input.TableName === 'orders' && input.NextToken === undefined) {
          await new Promise(resolve => setImmediate(resolve)); // let every queued pull run first; no time passes
          clock += 3_600_000;
        }
        return lake.getPartitions(input, region);
      });
    });

    test('mocked: the cut table is resumed and the database converges; no partition is written twice', async () => {
      const deadline = { soft: clock + 60_000, hard: clock + 60_000 };
      const first = await invoke({ deadline });
      expect(first.report.continuation?.partials).toEqual([{ table: 'orders', next: expect.any(String) }]);
      expect(first.report.counts.partition.created).toBe(1000);

      const second = await invoke({ cursor: first.report.continuation, deadline: NO_DEADLINE });

      expect(second.report.continuation).toBeUndefined();
      const created = (await Promise.all([first, second].map(inv => callsOf(inv, BatchCreatePartitionCommand)))).flat();
      expect(values(created)).toHaveLength(2500);
      expect(new Set(values(created)).size).toBe(2500);
      expect(targetPartitions('orders')).toEqual(days(2500));
      expect(targetTables()).toEqual(['customers', 'orders', 'returns']);
    });

    // See the report: runOne() falls back to the incoming cursor's afterTable (here none) when the
    // listing ended before the soft deadline, so the next invocation re-converges every table of
    // the database from the top, orders from its first page, and counts them all a second time.
    test('mocked: the next invocation revisits no table the first one finished, so nothing is counted twice', async () => {
      const deadline = { soft: clock + 60_000, hard: clock + 60_000 };
      const first = await invoke({ deadline });
      const second = await invoke({ cursor: first.report.continuation, deadline: NO_DEADLINE });
      const reports = [first.report, second.report];
      expect(totalOf(reports, 'table', 'created')).toBe(3);
      expect(totalOf(reports, 'table', 'unchanged')).toBe(0);
      expect(totalOf(reports, 'partition', 'created')).toBe(2500);
      expect(totalOf(reports, 'partition', 'unchanged')).toBe(0);
      // Orders' source pages: 1 in the first invocation, pages 2 and 3 in the second.
      expect((await callsOf(second, GetPartitionsCommand)).filter(c => c.region === SOURCE_REGION)).toHaveLength(2);
      // Every table the listing gave the first invocation is done or in partials: its cursor can say so.
      expect(first.report.continuation?.afterTable).toBe('returns');
    });
  });
});

describe('mocked Glue: writeSnapshotPart cuts a database into parts that read as one snapshot', () => {
  let aws: MockedAws;
  let lake: FakeLake;
  let dir: string;

  beforeEach(() => {
    aws = mockAws();
    lake = new FakeLake(aws.glue).install();
    dir = mkdtempSync(join(tmpdir(), 'lake-replica-resume-'));
    const source = lake.region(SOURCE_REGION);
    source.addDatabase(database('sales'), database('finance'))
      .addTable(table('sales', 'orders'), table('sales', 'customers', { partitionKeys: [] }), table('sales', 'clicks'))
      .addTable(table('finance', 'ledger'))
      .addPartitions(...dailyPartitions('sales', 'orders', 2500), ...dailyPartitions('sales', 'clicks', 1200), ...dailyPartitions('finance', 'ledger', 1001));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    aws.restore();
  });

  interface Part { readonly result: SnapshotPartResult; readonly lines: string[] }

  /** Writes a database's parts, one invocation each (fresh clients, a new file), until no continuation is returned. */
  async function parts(databaseName: string, deadline: Deadline, onPart?: (index: number) => void): Promise<Part[]> {
    const out: Part[] = [];
    let cursor: Cursor | undefined;
    do {
      if (out.length >= MAX_INVOCATIONS) throw new Error(`still not done after ${MAX_INVOCATIONS} invocations`);
      const clients = new AwsClients({ maxAttempts: 1 });
      const path = join(dir, `${databaseName}-${String(out.length).padStart(6, '0')}.jsonl`);
      const writer = new LineWriter(path, clients, SOURCE_REGION);
      let result: SnapshotPartResult;
      try {
        result = await writeSnapshotPart(new LiveCatalogSource(clients, SOURCE_REGION, new Scope()), databaseName, writer, cursor, deadline);
      } finally {
        await writer.close();
        clients.destroy();
      }
      out.push({ result, lines: readFileSync(path, 'utf8').split('\n').filter(l => l.length > 0) });
      onPart?.(out.length);
      cursor = result.continuation;
    } while (cursor);
    return out;
  }

  /** A record as "kind name": database sales, table sales.orders, partitions sales.orders 2025-01-01..2027-09-26 (1000). */
  function describeRecord(record: SnapshotRecord): string {
    if ('partitions' in record) {
      const v = record.partitions.map(p => p.Values![0]);
      return `partitions ${record.database}.${record.table} ${v[0]}..${v[v.length - 1]} (${v.length})`;
    }
    if ('attached' in record) return `${record.attached} ${record.database}.${record.table}`;
    if ('table' in record) return `table ${record.database}.${record.table.Name}`;
    if ('database' in record) return `database ${record.database.Name}`;
    return 'end';
  }

  function pageOf(databaseName: string, tableName: string, count: number, from = 0): string {
    const v = days(count, from);
    return `partitions ${databaseName}.${tableName} ${v[0]}..${v[v.length - 1]} (${count})`;
  }

  test('mocked: a passed hard deadline cuts each table at a partition page; the parts, in order, hold each record once', async () => {
    const written = await parts('sales', PASSED);

    expect(written.map(p => p.result.continuation)).toEqual([
      { afterTable: 'orders', partials: [{ table: 'orders', next: expect.any(String) }] },
      { afterTable: 'orders', partials: [{ table: 'orders', next: expect.any(String) }] },
      { afterTable: 'customers' },
      { afterTable: 'clicks', partials: [{ table: 'clicks', next: expect.any(String) }] },
      undefined,
    ]);
    const records = written.flatMap(p => p.lines.map(l => JSON.parse(l) as SnapshotRecord));
    expect(records.map(describeRecord)).toEqual([
      'database sales',
      'table sales.orders',
      pageOf('sales', 'orders', 1000),
      pageOf('sales', 'orders', 1000, 1000),
      pageOf('sales', 'orders', 500, 2000),
      'table sales.customers',
      'table sales.clicks',
      pageOf('sales', 'clicks', 1000),
      pageOf('sales', 'clicks', 200, 1000),
    ]);
    // Parts hold records only: no header, no trailer.
    for (const r of records) {
      expect(r).not.toHaveProperty('format');
      expect(r).not.toHaveProperty('end');
    }
    // Write shapes: no output-only fields.
    const first = records[0] as { database: object };
    expect(first.database).toEqual(databaseInput(database('sales')));
    const partitionRecord = records[2] as { partitions: object[] };
    expect(partitionRecord.partitions[0]).toEqual(JSON.parse(JSON.stringify(partitionInput(dailyPartitions('sales', 'orders', 1)[0]))));
    expect(records[1]).toEqual({ table: JSON.parse(JSON.stringify(tableInput(table('sales', 'orders')))), database: 'sales' });

    const totals = written.reduce<SnapshotTotals>((t, p) => ({
      databases: t.databases + p.result.totals.databases,
      tables: t.tables + p.result.totals.tables,
      partitions: t.partitions + p.result.totals.partitions,
    }), { databases: 0, tables: 0, partitions: 0 });
    expect(totals).toEqual({ databases: 1, tables: 3, partitions: 3700 });

    // Each resumed part reads its first source page with the token its predecessor returned.
    const reads = await sent(aws.glue, GetPartitionsCommand);
    const tokens = reads.map(c => c.input.NextToken);
    for (const p of written) for (const partial of p.result.continuation?.partials ?? []) expect(tokens).toContain(partial.next);
    expect(reads).toHaveLength(5); // every page read once
  });

  test('mocked: the parts of two databases, framed by a header and trailer, read back through SnapshotSource as the source', async () => {
    const all = [...await parts('finance', PASSED), ...await parts('sales', PASSED)];
    const totals = all.reduce<SnapshotTotals>((t, p) => ({
      databases: t.databases + p.result.totals.databases,
      tables: t.tables + p.result.totals.tables,
      partitions: t.partitions + p.result.totals.partitions,
    }), { databases: 0, tables: 0, partitions: 0 });
    const header = {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      createdAt: '2026-02-01T00:00:00.000Z',
      source: { region: SOURCE_REGION, catalogId: ACCOUNT },
      scope: { databases: [], excludeDatabases: [] },
    };
    const file = join(dir, 'snapshot.jsonl');
    writeFileSync(file, [JSON.stringify(header), ...all.flatMap(p => p.lines), JSON.stringify({ end: totals })].join('\n') + '\n');

    const clients = new AwsClients({ maxAttempts: 1 });
    const read: Record<string, string[]> = {};
    try {
      const snapshot = new SnapshotSource(file, clients, new Scope(), SOURCE_REGION);
      for await (const db of snapshot.databases()) {
        for await (const t of db.tables()) {
          const key = `${t.databaseName}.${t.input.Name}`;
          read[key] = [];
          for await (const page of t.partitionPages()) read[key].push(...page.partitions.map(p => p.Values![0]));
        }
      }
    } finally {
      clients.destroy();
    }
    expect(read).toEqual({
      'finance.ledger': days(1001),
      'sales.orders': days(2500),
      'sales.customers': [],
      'sales.clicks': days(1200),
    });
  });

  // See the report: when the cursor's afterTable was deleted from the source between parts, the
  // live listing restarts from the top (right for converging, which is idempotent), so the
  // snapshot holds the tables before it twice and a restore from it fails on AlreadyExists.
  // Known limit: this fake lists tables in insertion order (orders, customers, clicks), not sorted as Glue does,
  // so the engine cannot know which tables came before the deleted one and lists them all again.
  test.failing('mocked: a table deleted between parts of an unsorted listing does not make the next part repeat tables', async () => {
    const written = await parts('sales', SOFT_PASSED, (index) => {
      if (index === 2) { // after the part that ended with customers
        const tables = lake.region(SOURCE_REGION).tables.get('sales')!;
        tables.splice(tables.findIndex(t => t.Name === 'customers'), 1);
      }
    });
    const tableRecords = written.flatMap(p => p.lines.map(l => JSON.parse(l) as SnapshotRecord)).filter(r => 'table' in r && !('partitions' in r)).map(describeRecord);
    expect(tableRecords).toEqual(['table sales.orders', 'table sales.customers', 'table sales.clicks']);
  });
});
