import type { AttachedKind } from '../../shared/attached-kinds';
import type { CatalogSource, SourceAttachments, SourceDatabase, SourceTable } from '../glue';
import { errorMessage } from '../kernel/errors';

/** How often a failing source read is tried in all, and the wait before the first retry (doubled for each next). */
export interface PageRetry {
  readonly attempts: number;
  readonly firstDelayMs: number;
}

/**
 * The SDK retries each call (adaptive, up to its attempts); this is the level above, for a page whose
 * call still failed: the listing is read again from where it stopped, a few times, with a growing wait.
 * 1 s, 2 s, 4 s: long enough to ride out a short outage, bounded so a dead source fails the run soon.
 */
export const PAGE_RETRY: PageRetry = { attempts: 4, firstDelayMs: 1000 };

/** What the SDK gives up on that may pass: throttling, a 5xx, or no answer at all (a dropped connection, a timeout). */
export function mayPass(error: unknown): boolean {
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if (e.$retryable) return true;
  if (e.name && /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown|Timeout/.test(e.name)) return true;
  if (e.code && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|ENOTFOUND)$/.test(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  return e.$metadata !== undefined; // an SDK error without a status: no response came back
}

/**
 * A live source whose listings survive a failing page: each listing (databases, a database's tables,
 * a table's partition pages) is reopened where it stopped, after the last database, table or page
 * token it yielded, and a name already yielded is never yielded twice. A failure that will not pass
 * (access denied, a table deleted meanwhile) is not retried.
 */
export class RetryingSource implements CatalogSource {
  readonly sequential: boolean;
  /** Reads that failed and were read again. */
  retried = 0;
  /** The last read retried, with its error. */
  lastRetried?: string;

  constructor(
    private readonly source: CatalogSource,
    private readonly policy: PageRetry = PAGE_RETRY,
    private readonly sleep: (ms: number) => Promise<void> = ms => new Promise(resolve => setTimeout(resolve, ms)),
  ) {
    this.sequential = source.sequential;
  }

  get region(): string {
    return this.source.region;
  }

  catalogId(): Promise<string> {
    return this.source.catalogId();
  }

  /** The catalog's own objects: a few calls, each retried by the SDK; a kind whose read failed fails the snapshot. */
  catalogAttachments(kinds: readonly AttachedKind[]): Promise<SourceAttachments> {
    return this.source.catalogAttachments?.(kinds) ?? Promise.resolve(new Map());
  }

  databases(): AsyncIterable<SourceDatabase> {
    const seen = new Set<string>();
    const source = this.source;
    const retrying = this;
    return this.again('the source\'s databases', async function* () {
      for await (const db of source.databases()) {
        const name = db.input.Name!;
        if (seen.has(name)) continue;
        seen.add(name);
        yield { input: db.input, tables: () => retrying.tables(db), attachments: kinds => db.attachments(kinds) };
      }
    });
  }

  private tables(db: SourceDatabase): AsyncIterable<SourceTable> {
    const seen = new Set<string>();
    let after: string | undefined;
    const retrying = this;
    return this.again(`the tables of ${db.input.Name}`, async function* () {
      for await (const table of db.tables(after)) {
        const name = table.input.Name!;
        if (seen.has(name)) continue;
        seen.add(name);
        after = name;
        yield {
          databaseName: table.databaseName,
          input: table.input,
          partitionPages: (from?: string) => retrying.partitionPages(table, from),
          attachments: kinds => table.attachments(kinds),
        };
      }
    });
  }

  private partitionPages(table: SourceTable, from?: string) {
    let token = from;
    return this.again(`the partitions of ${table.databaseName}.${table.input.Name}`, async function* () {
      for await (const page of table.partitionPages(token)) {
        token = page.next;
        yield page;
      }
    });
  }

  /** Runs a listing that carries on from where its last run stopped, until it ends or fails for good. */
  private async* again<T>(what: string, listing: () => AsyncIterable<T>): AsyncIterable<T> {
    for (let failures = 0; ;) {
      try {
        for await (const item of listing()) {
          failures = 0;
          yield item;
        }
        return;
      } catch (error) {
        failures++;
        if (!mayPass(error)) throw new Error(`reading ${what} failed: ${errorMessage(error)}`, { cause: error });
        if (failures >= this.policy.attempts) {
          throw new Error(`reading ${what} failed ${failures} times in a row, the last time with ${errorMessage(error)}`, { cause: error });
        }
        this.retried++;
        this.lastRetried = `${what}: ${errorMessage(error)}`;
        await this.sleep(this.policy.firstDelayMs * 2 ** (failures - 1));
      }
    }
  }
}
