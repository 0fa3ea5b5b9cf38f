import { keyDirectory } from './s3-location';
import type { IcebergStorage } from './storage';

/** Up to this many keys in one directory are asked with HeadObject; more are found by one listing. */
export const HEAD_LIMIT = 20;
const HEAD_CONCURRENCY = 16;

/**
 * Finds which keys of one bucket exist, and their sizes, at a bounded cost: a few keys are asked one
 * by one, and a directory with many is listed once, from just before its smallest key to its
 * largest, so a large table costs one listing page per 1,000 objects instead of one call per file.
 */
export async function objectSizes(storage: IcebergStorage, bucket: string, keys: Iterable<string>): Promise<Map<string, number>> {
  const byDirectory = new Map<string, Set<string>>();
  for (const key of keys) {
    const directory = keyDirectory(key);
    let set = byDirectory.get(directory);
    if (!set) byDirectory.set(directory, set = new Set());
    set.add(key);
  }
  const found = new Map<string, number>();
  const heads: string[] = [];
  for (const [directory, set] of byDirectory) {
    if (set.size <= HEAD_LIMIT) {
      heads.push(...set);
      continue;
    }
    const sorted = [...set].sort(byteOrder);
    const last = sorted[sorted.length - 1];
    // A proper prefix of the smallest key sorts just before it, so the listing includes it.
    for await (const object of storage.list(bucket, directory, sorted[0].slice(0, -1))) {
      if (byteOrder(object.key, last) > 0) break;
      if (set.has(object.key)) found.set(object.key, object.size);
    }
  }
  await mapLimit(heads, HEAD_CONCURRENCY, async key => {
    const object = await storage.head({ scheme: 's3', bucket, key });
    if (object) found.set(key, object.size);
  });
  return found;
}

/** S3 lists keys in UTF-8 byte order, which differs from JavaScript's string order past the BMP. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Runs `worker` over `items`, at most `limit` at a time, and keeps the results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, worker: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await worker(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
