import { createHash } from 'node:crypto';

/**
 * A set of 64-bit digests of partition keys, 8 bytes a key in one growing typed array (10,000,000 keys: 80 MB),
 * for testing a target's partitions against a source that cannot be asked by value (a snapshot). Sorted once,
 * on the first lookup; searched by bisection. A collision (about 1 in 2^64 a pair) makes a key look present.
 */
export class PartitionDigests {
  private digests = new BigUint64Array(1024);
  private size = 0;
  private sorted = false;

  add(key: string): void {
    if (this.size === this.digests.length) {
      const grown = new BigUint64Array(Math.max(1024, this.digests.length * 2));
      grown.set(this.digests);
      this.digests = grown;
    }
    this.digests[this.size++] = digest(key);
    this.sorted = false;
  }

  has(key: string): boolean {
    if (!this.sorted) {
      this.digests = this.digests.slice(0, this.size).sort();
      this.sorted = true;
    }
    const d = digest(key);
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = Math.floor((lo + hi) / 2);
      const at = this.digests[mid];
      if (at === d) return true;
      if (at < d) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}

function digest(key: string): bigint {
  return createHash('sha256').update(key).digest().readBigUInt64BE(0);
}
