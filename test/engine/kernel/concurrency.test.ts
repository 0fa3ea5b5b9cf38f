import fc from 'fast-check';
import { chunk, forEachConcurrent } from '../../../src/engine/kernel/concurrency';
import { errorMessage } from '../../../src/engine/kernel/errors';

const tick = () => new Promise<void>(resolve => setImmediate(resolve));

async function* generate(n: number, pulled: number[]): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) {
    pulled.push(i);
    await tick();
    yield i;
  }
}

describe('forEachConcurrent', () => {
  test('never exceeds its limit and processes every item of an async generator exactly once (property)', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 8 }), fc.array(fc.nat(3), { maxLength: 40 }),
      async (n, limit, delays) => {
        let inFlight = 0;
        let maxInFlight = 0;
        const seen: number[] = [];
        await forEachConcurrent(generate(n, []), limit, async item => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          for (let i = 0; i < (delays[item % Math.max(1, delays.length)] ?? 0); i++) await tick();
          seen.push(item);
          inFlight--;
        });
        expect(maxInFlight).toBeLessThanOrEqual(limit);
        expect(inFlight).toBe(0);
        expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      }), { numRuns: 50 });
  });

  test('reaches its limit when there is enough work', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    await forEachConcurrent(generate(20, []), 4, async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      for (let i = 0; i < 5; i++) await tick();
      inFlight--;
    });
    expect(maxInFlight).toBe(4);
  });

  test('pulls lazily: no more than limit items are pulled ahead of the workers', async () => {
    const pulled: number[] = [];
    const release: Array<() => void> = [];
    const done = forEachConcurrent(generate(10, pulled), 3, () => new Promise<void>(resolve => release.push(resolve)));
    for (let i = 0; i < 20; i++) await tick();
    expect(release).toHaveLength(3);
    expect(pulled).toEqual([0, 1, 2]);
    release.shift()!();
    for (let i = 0; i < 20; i++) await tick();
    expect(release).toHaveLength(3);
    expect(pulled).toEqual([0, 1, 2, 3]);
    while (release.length > 0) {
      release.shift()!();
      for (let i = 0; i < 10; i++) await tick();
    }
    await done;
    expect(pulled).toHaveLength(10);
  });

  test('never advances an async generator concurrently', async () => {
    let active = 0;
    let overlapped = false;
    const source = {
      [Symbol.asyncIterator]() {
        let i = 0;
        return {
          async next(): Promise<IteratorResult<number>> {
            if (active > 0) overlapped = true;
            active++;
            await tick();
            active--;
            return i < 30 ? { value: i++, done: false } : { value: undefined, done: true };
          },
        };
      },
    };
    const seen: number[] = [];
    await forEachConcurrent(source, 6, async item => { seen.push(item); });
    expect(overlapped).toBe(false);
    expect(seen).toHaveLength(30);
  });

  test('accepts a plain iterable', async () => {
    const seen: string[] = [];
    await forEachConcurrent(['a', 'b', 'c'], 2, async item => { seen.push(item); });
    expect(seen.sort()).toEqual(['a', 'b', 'c']);
  });

  test('a limit below 1 still makes progress one at a time', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const seen: number[] = [];
    await forEachConcurrent([1, 2, 3], 0, async item => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await tick();
      seen.push(item);
      inFlight--;
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(maxInFlight).toBe(1);
  });

  test('a worker failure rejects the whole run', async () => {
    await expect(forEachConcurrent([1, 2, 3], 2, async item => {
      if (item === 2) throw new Error('boom');
    })).rejects.toThrow('boom');
  });
});

describe('chunk', () => {
  test.each([
    [[], 3, []],
    [[1, 2, 3], 3, [[1, 2, 3]]],
    [[1, 2, 3, 4], 3, [[1, 2, 3], [4]]],
    [[1, 2], 1, [[1], [2]]],
  ])('chunk(%j, %i) is %j', (items, size, expected) => {
    expect(chunk(items, size)).toEqual(expected);
  });

  test('chunks are at most size long, only the last may be shorter, and they concatenate to the input (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer(), { maxLength: 300 }), fc.integer({ min: 1, max: 120 }), (items, size) => {
      const chunks = chunk(items, size);
      expect(chunks.flat()).toEqual(items);
      expect(chunks.length).toBe(Math.ceil(items.length / size));
      chunks.forEach((c, i) => {
        expect(c.length).toBeGreaterThan(0);
        if (i < chunks.length - 1) expect(c.length).toBe(size);
        else expect(c.length).toBeLessThanOrEqual(size);
      });
    }));
  });

  test.each([[100], [25]])('Glue batch size %i splits 1001 items as the API allows', size => {
    const chunks = chunk(Array.from({ length: 1001 }, (_, i) => i), size);
    expect(Math.max(...chunks.map(c => c.length))).toBe(size);
    expect(chunks.flat()).toHaveLength(1001);
  });
});

describe('errorMessage', () => {
  test('prefixes a named error with its name', () => {
    const error = new Error('no such table');
    error.name = 'EntityNotFoundException';
    expect(errorMessage(error)).toBe('EntityNotFoundException: no such table');
  });

  test('a plain Error is its message; anything else is stringified', () => {
    expect(errorMessage(new Error('plain'))).toBe('plain');
    expect(errorMessage('text')).toBe('text');
    expect(errorMessage(42)).toBe('42');
  });
});
