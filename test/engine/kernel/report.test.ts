import { emptyCounts, MAX_LISTED, ReportBuilder, writeCalls, type Mode } from '../../../src/engine/kernel/report';

const KINDS = ['database', 'table', 'partition'];

function builder(mode: Mode = 'sync'): ReportBuilder {
  return new ReportBuilder({
    mode,
    source: { region: 'us-east-1', catalogId: '111111111111' },
    targets: ['us-west-2', 'eu-central-1'],
    scope: { databases: ['*'], excludeDatabases: [] },
    prune: false,
    dryRun: mode === 'plan',
  }, KINDS);
}

describe('ReportBuilder', () => {
  test('starts with zero counts for every kind and the run settings', () => {
    const report = builder().finish({});
    expect(report.counts).toEqual(emptyCounts(KINDS));
    expect(report.counts.table).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
    expect(report.mode).toBe('sync');
    expect(report.targets).toEqual(['us-west-2', 'eu-central-1']);
    expect(report.failures).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(Number.isNaN(Date.parse(report.startedAt))).toBe(false);
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
  });

  test('counts outcomes per kind, by one or by n', () => {
    const b = builder();
    b.count('table', 'created');
    b.count('table', 'created');
    b.count('table', 'unchanged', 5);
    b.count('partition', 'deleted', 250);
    b.count('lfTag', 'updated');
    const { counts } = b.finish({});
    expect(counts.table).toEqual({ created: 2, updated: 0, deleted: 0, unchanged: 5, failed: 0 });
    expect(counts.partition.deleted).toBe(250);
    expect(counts.database).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
    expect(counts.lfTag).toEqual({ created: 0, updated: 1, deleted: 0, unchanged: 0, failed: 0 });
  });

  test('fail lists the failure and counts it', () => {
    const b = builder();
    b.fail({ kind: 'table', key: 'sales.orders', target: 'us-west-2', error: 'AccessDeniedException: no' });
    const report = b.finish({});
    expect(report.failures).toEqual([{ kind: 'table', key: 'sales.orders', target: 'us-west-2', error: 'AccessDeniedException: no' }]);
    expect(report.counts.table.failed).toBe(1);
    expect(report.failuresTruncated).toBeUndefined();
  });

  test('failures beyond MAX_LISTED are counted, not listed', () => {
    const b = builder();
    for (let i = 0; i < MAX_LISTED + 7; i++) b.fail({ kind: 'partition', key: `db.t.${i}`, error: 'x' });
    const report = b.finish({});
    expect(report.failures).toHaveLength(MAX_LISTED);
    expect(report.failures[MAX_LISTED - 1].key).toBe(`db.t.${MAX_LISTED - 1}`);
    expect(report.failuresTruncated).toBe(7);
    expect(report.counts.partition.failed).toBe(MAX_LISTED + 7);
  });

  test('differences are listed for plan and verify, capped like failures', () => {
    const b = builder('verify');
    for (let i = 0; i < MAX_LISTED + 2; i++) b.differ({ kind: 'table', key: `db.t${i}`, target: 'us-west-2', difference: 'missing' });
    const report = b.finish({});
    expect(report.differences).toHaveLength(MAX_LISTED);
    expect(report.differencesTruncated).toBe(2);
  });

  test('differences are ignored for sync', () => {
    const b = builder('sync');
    b.differ({ kind: 'table', key: 'db.t', target: 'us-west-2', difference: 'changed', fields: ['Parameters'] });
    const report = b.finish({});
    expect(report.differences).toBeUndefined();
    expect(report.inSync).toBeUndefined();
  });

  describe('inSync', () => {
    test('verify with no differences and no failures is in sync', () => {
      expect(builder('verify').finish({}).inSync).toBe(true);
    });

    test('a difference means not in sync', () => {
      const b = builder('verify');
      b.differ({ kind: 'database', key: 'db', target: 'us-west-2', difference: 'extra' });
      expect(b.finish({}).inSync).toBe(false);
    });

    test('a failure means not in sync', () => {
      const b = builder('verify');
      b.fail({ kind: 'table', key: 'db.t', error: 'ThrottlingException' });
      expect(b.finish({}).inSync).toBe(false);
    });

    test('plan reports inSync too', () => {
      expect(builder('plan').finish({}).inSync).toBe(true);
    });
  });

  test('warnOnce keeps one copy of each message, in order', () => {
    const b = builder();
    b.warnOnce('b');
    b.warnOnce('a');
    b.warnOnce('b');
    expect(b.finish({}).warnings).toEqual(['b', 'a']);
  });

  test('unmapped buckets become one warning per (target, bucket) naming the bucket, count and first example', () => {
    const b = builder();
    b.unmappedBucket('us-west-2', 'lake-raw', 'sales.orders');
    b.unmappedBucket('us-west-2', 'lake-raw', 'sales.items');
    b.unmappedBucket('us-west-2', 'lake-raw', 'sales.items/dt=1');
    b.unmappedBucket('eu-central-1', 'lake-raw', 'hr.people');
    b.unmappedBucket('us-west-2', 'lake-logs', 'ops.logs');
    const { warnings } = b.finish({});
    expect(warnings).toHaveLength(3);
    const usw2Raw = warnings.find(w => w.includes('us-west-2') && w.includes('"lake-raw"'));
    expect(usw2Raw).toMatch(/^3 location\(s\) replicated to us-west-2 still point at unmapped bucket "lake-raw" \(for example sales\.orders\)/);
    expect(usw2Raw).toContain('Add a bucket mapping for "lake-raw"');
    expect(warnings.find(w => w.includes('eu-central-1'))).toMatch(/^1 location\(s\) replicated to eu-central-1 .*"lake-raw" \(for example hr\.people\)/);
    expect(warnings.find(w => w.includes('"lake-logs"'))).toMatch(/^1 location\(s\) replicated to us-west-2 .*\(for example ops\.logs\)/);
  });

  test('finish records API calls sorted by name', () => {
    const report = builder().finish({ 'glue:UpdateTable': 1, 'glue:GetTables': 3, 'glue:BatchCreatePartition': 2 });
    expect(Object.keys(report.apiCalls)).toEqual(['glue:BatchCreatePartition', 'glue:GetTables', 'glue:UpdateTable']);
    expect(report.apiCalls['glue:GetTables']).toBe(3);
  });
});

describe('writeCalls', () => {
  test('reads do not count', () => {
    const reads = [
      'glue:GetDatabases', 'glue:GetTables', 'glue:GetPartitions', 'sts:GetCallerIdentity', 'lakeformation:ListPermissions',
      'lakeformation:SearchTablesByLFTags', 'cloudtrail:LookupEvents', 's3:HeadObject', 's3:GetObject', 'ec2:DescribeRegions',
    ];
    expect(writeCalls(Object.fromEntries(reads.map(op => [op, 3])))).toBe(0);
  });

  test('writes are summed', () => {
    const calls: Array<[string, number]> = [
      ['glue:GetTables', 5], ['glue:CreateTable', 1], ['glue:UpdateTable', 2], ['glue:BatchCreatePartition', 3],
      ['glue:BatchDeletePartition', 4], ['glue:DeleteDatabase', 1], ['s3:PutObject', 1],
    ];
    expect(writeCalls(Object.fromEntries(calls))).toBe(12);
  });

  test('an empty record has no writes', () => {
    expect(writeCalls({})).toBe(0);
  });
});
