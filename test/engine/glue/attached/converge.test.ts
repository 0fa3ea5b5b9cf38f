import type { GlueClient } from '@aws-sdk/client-glue';
import { AttachedConvergence, type AttachedRules } from '../../../../src/engine/glue/attached/converge';
import type { AttachedKindModule } from '../../../../src/engine/glue/attached/kind';
import { ATTACHED_MODULES } from '../../../../src/engine/glue/attached/modules';
import type { ReplicaContext } from '../../../../src/engine/glue/shapes';
import { BucketMapper } from '../../../../src/shared/bucket-mapping';

/**
 * The one decision for attached objects, driven through a kind module that keeps its objects in memory (the Glue
 * calls of each real kind are tested against the extended moto server): create, update, unchanged, extra, prune,
 * dry run, and the idempotency conflicts.
 */
interface Item { Name: string; Value: string }

class MemoryKind implements AttachedKindModule<Item> {
  readonly target = new Map<string, Item>();
  readonly writes: string[] = [];
  /** Names whose create is answered AlreadyExists once (a lost answer: the write happened). */
  readonly lostCreates = new Set<string>();
  /** Names whose delete is answered EntityNotFound (gone meanwhile). */
  readonly goneDeletes = new Set<string>();
  failing?: string;

  async read() {
    return [...this.target.values()].map(item => ({ item: { ...item }, problem: item.Value === 'broken' ? 'it is broken' : undefined }));
  }
  key(item: Item) { return item.Name; }
  replica(item: Item) { return { ...item, Value: item.Value.replace('source', 'target') }; }
  async write(_glue: GlueClient, _owner: unknown, outcome: 'created' | 'updated' | 'deleted', items: readonly Item[]) {
    const errors = [];
    for (const item of items) {
      this.writes.push(`${outcome} ${item.Name}`);
      if (item.Name === this.failing) {
        errors.push({ key: item.Name, error: 'AccessDenied: no', code: 'AccessDeniedException' });
      } else if (outcome === 'created' && this.lostCreates.delete(item.Name)) {
        this.target.set(item.Name, { ...item });
        errors.push({ key: item.Name, error: 'exists', code: 'AlreadyExistsException' });
      } else if (outcome === 'deleted' && this.goneDeletes.has(item.Name)) {
        this.target.delete(item.Name);
        errors.push({ key: item.Name, error: 'gone', code: 'EntityNotFoundException' });
      } else if (outcome === 'deleted') {
        this.target.delete(item.Name);
      } else {
        this.target.set(item.Name, { ...item });
      }
    }
    return errors;
  }
}

function harness(options: { prune?: boolean; dryRun?: boolean } = {}) {
  const kind = new MemoryKind();
  const original = ATTACHED_MODULES.partitionIndex;
  (ATTACHED_MODULES as Record<string, unknown>).partitionIndex = kind;
  const counts: Record<string, number> = {};
  const differences: string[] = [];
  const failures: string[] = [];
  const rules: AttachedRules = {
    dryRun: options.dryRun ?? false,
    findsExtras: options.prune ?? false,
    differ: (_k, key, _t, outcome) => { differences.push(`${outcome} ${key}`); },
    count: (_k, outcome, n = 1) => { counts[outcome] = (counts[outcome] ?? 0) + n; },
    fail: (_k, key, _t, error) => { failures.push(`${key}: ${error}`); },
    deleteOrReport: () => options.prune ?? false,
  };
  const convergence = new AttachedConvergence(['partitionIndex'], rules);
  const ctx = { targetRegion: 'us-west-2', mapper: new BucketMapper([], 'us-west-2'), onUnmappedBucket: () => undefined } as unknown as ReplicaContext;
  const converge = (source: Item[]) => convergence.converge({} as GlueClient, { database: 'db', table: 't' }, 'db.t', ctx,
    new Map([['partitionIndex', source]]), ['partitionIndex']);
  const restore = () => { (ATTACHED_MODULES as Record<string, unknown>).partitionIndex = original; };
  return { kind, counts, differences, failures, converge, restore };
}

let h: ReturnType<typeof harness>;
afterEach(() => h.restore());

test('creates what the target lacks, updates what differs, leaves what matches; a re-run writes nothing', async () => {
  h = harness();
  h.kind.target.set('same', { Name: 'same', Value: 'target' });
  h.kind.target.set('old', { Name: 'old', Value: 'stale' });
  const source = [{ Name: 'new', Value: 'source' }, { Name: 'same', Value: 'source' }, { Name: 'old', Value: 'source' }];
  await h.converge(source);
  expect(h.kind.writes).toEqual(['created new', 'updated old']);
  expect(h.counts).toEqual({ created: 1, updated: 1, unchanged: 1 });
  expect([...h.kind.target.values()].every(i => i.Value === 'target')).toBe(true);

  h.kind.writes.length = 0;
  await h.converge(source);
  expect(h.kind.writes).toEqual([]);
  expect(h.counts).toEqual({ created: 1, updated: 1, unchanged: 4 });
});

test('what only the target has is kept without prune and deleted with it; one already gone counts deleted', async () => {
  h = harness();
  h.kind.target.set('extra', { Name: 'extra', Value: 'x' });
  await h.converge([]);
  expect(h.kind.writes).toEqual([]);
  h.restore();

  h = harness({ prune: true });
  h.kind.target.set('extra', { Name: 'extra', Value: 'x' });
  h.kind.target.set('racing', { Name: 'racing', Value: 'x' });
  h.kind.goneDeletes.add('racing');
  await h.converge([]);
  expect(h.kind.writes).toEqual(['deleted extra', 'deleted racing']);
  expect(h.counts).toEqual({ deleted: 2 });
  expect(h.failures).toEqual([]);
});

test('a dry run reports each write and makes none', async () => {
  h = harness({ dryRun: true, prune: true });
  h.kind.target.set('extra', { Name: 'extra', Value: 'x' });
  await h.converge([{ Name: 'new', Value: 'source' }]);
  expect(h.kind.writes).toEqual([]);
  expect(h.differences).toEqual(['created db.t/new', 'deleted db.t/extra']);
  expect(h.counts).toEqual({ created: 1, deleted: 1 });
});

test('a create whose answer was lost is read again and found converged, not failed', async () => {
  h = harness();
  h.kind.lostCreates.add('new');
  await h.converge([{ Name: 'new', Value: 'source' }]);
  expect(h.failures).toEqual([]);
  expect(h.counts).toEqual({ created: 0, unchanged: 1 });
});

test('a failed write is reported with the object and the service error; the others still converge', async () => {
  h = harness();
  h.kind.failing = 'bad';
  await h.converge([{ Name: 'bad', Value: 'source' }, { Name: 'good', Value: 'source' }]);
  expect(h.failures).toEqual(['db.t/bad: AccessDenied: no']);
  expect(h.kind.target.has('good')).toBe(true);
  expect(h.counts).toEqual({ created: 1 });
});

test('an object Glue reports a problem with is a failure even when its definition matches', async () => {
  h = harness();
  h.kind.target.set('idx', { Name: 'idx', Value: 'broken' });
  await h.converge([{ Name: 'idx', Value: 'broken' }]);
  expect(h.failures).toEqual(['db.t/idx: it is broken']);
  expect(h.kind.writes).toEqual([]);
});

test('a source read that failed is one failure for the owner, and nothing of the kind is written', async () => {
  h = harness({ prune: true });
  h.kind.target.set('extra', { Name: 'extra', Value: 'x' });
  const convergence = new AttachedConvergence(['partitionIndex'], {
    dryRun: false,
    findsExtras: true,
    differ: () => undefined,
    count: () => undefined,
    deleteOrReport: () => true,
    fail: (_k, key, _t, error) => { h.failures.push(`${key}: ${error}`); },
  });
  const ctx = { targetRegion: 'us-west-2' } as unknown as ReplicaContext;
  await convergence.converge({} as GlueClient, { database: 'db', table: 't' }, 'db.t', ctx, new Map([['partitionIndex', new Error('throttled')]]), ['partitionIndex']);
  expect(h.failures).toEqual(["db.t/*: reading the source's objects failed, nothing of this kind was converged: throttled"]);
  expect(h.kind.writes).toEqual([]);
});
