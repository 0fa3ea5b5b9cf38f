/** Time, injectable so tests of pacing and backoff need not wait. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
};

/** Spaces calls evenly at no more than `perSecond`, across every caller sharing it. */
export class Pacer {
  private nextAt = 0;

  constructor(private readonly perSecond: number, private readonly clock: Clock) {}

  async wait(): Promise<void> {
    const now = this.clock.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + 1000 / this.perSecond;
    if (at > now) await this.clock.sleep(at - now);
  }
}

/** Full-jitter exponential backoff: a random wait up to base * 2^attempt, capped. */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}
