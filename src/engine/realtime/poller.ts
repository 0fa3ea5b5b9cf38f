import { CloudTrailClient, LookupEventsCommand, type Event, type LookupAttribute } from '@aws-sdk/client-cloudtrail';
import { backoffMs, Pacer, systemClock, type Clock } from './clock';
import { FOLLOWED_EVENT_NAMES, GLUE_EVENT_SOURCE, isKept, LAKE_FORMATION_EVENT_SOURCE, mapEvent } from './event-map';
import type { Ledger, LedgerEvent, TargetRecord } from './ledger';
import { METRICS, type Signals } from './signals';
import { parseTrailEvent, type TrailRecord } from './trail-record';
import type { LookupStrategy } from '../../shared/realtime-settings';
import type { AwsClients } from '../kernel/clients';
import { errorMessage } from '../kernel/errors';

/**
 * The poller's CloudTrail client makes one attempt per call: the poller paces LookupEvents itself (2 requests
 * a second per account and Region) and backs off on throttling, so SDK retries would spend the shared quota twice.
 */
export function cloudTrailClient(clients: AwsClients, region: string): CloudTrailClient {
  return clients.get(CloudTrailClient, region, () => ({ maxAttempts: 1 }));
}

/** LookupEvents returns at most 50 events a page. */
const PAGE_SIZE = 50;
/**
 * The window is read in time slices, oldest first, and the cursor moves at the end of each finished
 * slice. LookupEvents answers newest first, so a slice read only in part proves nothing about its
 * oldest events: a slice too busy for the rest of a poll is halved for the next poll (down to
 * `MIN_SLICE_MS`), and the slice after a quiet one (one page) is twice as long (up to `MAX_SLICE_MS`).
 * A routine poll (interval + overlap, 16 minutes by default) fits one slice: one call when quiet.
 */
export const MAX_SLICE_MS = 30 * 60_000;
export const MIN_SLICE_MS = 1_000;
const THROTTLE_RETRIES = 6;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 20_000;
const SOURCES = new Set([GLUE_EVENT_SOURCE, LAKE_FORMATION_EVENT_SOURCE]);

export interface PollOptions {
  readonly cloudtrail: CloudTrailClient;
  readonly ledger: Ledger;
  readonly targetRegions: readonly string[];
  readonly lookbackMs: number;
  readonly overlapMs: number;
  readonly lookupStrategy: LookupStrategy;
  readonly lookupsPerSecond: number;
  /** Epoch ms after which no further page is requested; the cursor keeps what was finished. */
  readonly deadline?: number;
  /** Called once when the cursor is older than the lookback: start a full reconcile. */
  readonly onGap?: (gap: Gap) => Promise<void>;
  readonly signals: Signals;
  readonly clock?: Clock;
}

/** Time that was never read: events in it are lost to this mode, and only a full reconcile heals them. */
export interface Gap {
  readonly fromMs: number;
  readonly toMs: number;
}

export interface PollResult {
  readonly startMs: number;
  readonly endMs: number;
  /** Where the cursor is after this poll. */
  readonly cursorMs?: number;
  /** False when the deadline or throttling stopped the poll before the end of its window. */
  readonly complete: boolean;
  /** The slice size this poll read in, and the one the next poll will use. */
  readonly sliceMs: number;
  readonly nextSliceMs: number;
  readonly lookupCalls: number;
  readonly throttled: number;
  /** Events CloudTrail returned. */
  readonly seen: number;
  /** New ledger items: `pending` for the applier, `skipped` marked SKIPPED at once. */
  readonly pending: number;
  readonly skipped: number;
  /** Kept events already in the ledger (overlap, or a poll that ran before). */
  readonly duplicates: number;
  /** Kept events whose record left out the request parameters. */
  readonly omitted: number;
  readonly gap?: Gap;
}

/**
 * Reads the source Region's CloudTrail event history from the persisted cursor (less the
 * overlap that covers CloudTrail's delivery delay) to now, and records each Glue and Lake
 * Formation write event that changes replicated state in the ledger, once.
 */
export async function poll(o: PollOptions): Promise<PollResult> {
  return new Poll(o).run();
}

class Poll {
  private readonly clock: Clock;
  private readonly pacer: Pacer;
  private lookupCalls = 0;
  private throttled = 0;
  private seen = 0;
  private pending = 0;
  private skipped = 0;
  private duplicates = 0;
  private omitted = 0;

  constructor(private readonly o: PollOptions) {
    this.clock = o.clock ?? systemClock;
    this.pacer = new Pacer(o.lookupsPerSecond, this.clock);
  }

  async run(): Promise<PollResult> {
    const started = this.clock.now();
    const now = started;
    const floor = now - this.o.lookbackMs;
    const state = await this.o.ledger.cursor();
    let gap: Gap | undefined;
    let startMs: number;
    let cursorMs = state?.cursorMs;
    let resumeMs = state?.resumeMs;
    if (cursorMs === undefined) {
      startMs = floor; // first poll: catch up what the lookback allows; the initial on-demand sync covers the rest
    } else if (cursorMs < floor) {
      gap = { fromMs: cursorMs, toMs: floor };
      startMs = floor;
    } else {
      startMs = Math.max(floor, resumeMs ?? cursorMs - this.o.overlapMs);
    }
    if (gap) {
      await this.reportGap(gap, now);
      cursorMs = resumeMs = floor;
    }

    const firstSliceMs = Math.min(MAX_SLICE_MS, Math.max(MIN_SLICE_MS, state?.sliceMs ?? MAX_SLICE_MS));
    let sliceMs = firstSliceMs;
    let complete = true;
    for (let sliceStart = startMs; sliceStart < now;) {
      const sliceEnd = Math.min(now, sliceStart + sliceMs);
      const pages = await this.readSlice(sliceStart, sliceEnd);
      if (pages === undefined) {
        // Too busy for what was left of this poll: the next one tries half of it.
        complete = false;
        sliceMs = Math.max(MIN_SLICE_MS, Math.floor(sliceMs / 2));
        break;
      }
      // One page per lookup: the slice was quiet, the next one can be twice as long.
      if (pages <= this.lookups().length) sliceMs = Math.min(MAX_SLICE_MS, sliceMs * 2);
      // Read now, the slice settles what is at least `overlap` old: the next poll resumes there,
      // so a busy overlap read once is not read again and again.
      const nextCursor = Math.max(cursorMs ?? sliceEnd, sliceEnd);
      const nextResume = Math.max(resumeMs ?? -Infinity, Math.min(sliceEnd, now - this.o.overlapMs));
      if (nextCursor !== cursorMs || nextResume !== resumeMs) {
        await this.o.ledger.advanceCursor(nextCursor, { resumeMs: Number.isFinite(nextResume) ? nextResume : undefined });
        cursorMs = nextCursor;
        resumeMs = nextResume;
      }
      sliceStart = sliceEnd;
    }
    if (sliceMs !== state?.sliceMs) await this.o.ledger.saveSliceMs(sliceMs);

    const result: PollResult = {
      startMs,
      endMs: now,
      cursorMs,
      complete,
      sliceMs: firstSliceMs,
      nextSliceMs: sliceMs,
      gap,
      lookupCalls: this.lookupCalls,
      throttled: this.throttled,
      seen: this.seen,
      pending: this.pending,
      skipped: this.skipped,
      duplicates: this.duplicates,
      omitted: this.omitted,
    };
    const finished = this.clock.now();
    this.o.signals.metric({
      [METRICS.pollDuration]: finished - started,
      [METRICS.cursorAge]: cursorMs === undefined ? finished - startMs : finished - cursorMs,
      [METRICS.gapDetected]: gap ? 1 : 0,
      [METRICS.lookupCalls]: this.lookupCalls,
      [METRICS.throttled]: this.throttled,
      [METRICS.eventsRecorded]: this.pending + this.skipped,
      [METRICS.eventsOmitted]: this.omitted,
    });
    this.o.signals.log(complete ? 'info' : 'warn', complete ? 'poll done' : 'poll stopped before the end of its window; the next poll carries on in smaller slices', {
      window: { start: new Date(startMs).toISOString(), end: new Date(now).toISOString() },
      cursor: cursorMs === undefined ? undefined : new Date(cursorMs).toISOString(),
      ...withoutWindow(result),
    });
    return result;
  }

  private async reportGap(gap: Gap, now: number) {
    await this.o.ledger.advanceCursor(gap.toMs, { resumeMs: gap.toMs, gapAt: new Date(now) });
    this.o.signals.log('error', 'gap: the cursor is older than the lookback; events in between are not replayed, a full reconcile heals the replica', {
      from: new Date(gap.fromMs).toISOString(), to: new Date(gap.toMs).toISOString(),
    });
    try {
      await this.o.onGap?.(gap);
    } catch (error) {
      // The gap metric still raises the alarm; healing can be started by hand.
      this.o.signals.log('error', 'could not start the reconcile that heals the gap', { error: errorMessage(error) });
    }
  }

  /** Reads one time slice completely: the pages it took, or undefined when the deadline or persistent throttling stopped it. */
  private async readSlice(startMs: number, endMs: number): Promise<number | undefined> {
    let pages = 0;
    for (const attributes of this.lookups()) {
      let token: string | undefined;
      do {
        const page = await this.lookup(attributes, startMs, endMs, token);
        if (!page) return undefined;
        pages++;
        for (const event of page.Events ?? []) await this.record(event);
        token = page.NextToken;
      } while (token);
    }
    return pages;
  }

  /**
   * `write-events`: one filter, ReadOnly=false, so the lake's millions of reads (GetTable,
   * GetPartitions) are never paged through; the account's other writes are, and dropped here.
   * `event-names`: one lookup per followed event name, a fixed cost per slice.
   */
  private lookups(): LookupAttribute[][] {
    if (this.o.lookupStrategy === 'write-events') return [[{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }]];
    return Object.values(FOLLOWED_EVENT_NAMES).flat().map(name => [{ AttributeKey: 'EventName', AttributeValue: name }]);
  }

  /** One page, paced and retried on throttling; undefined when the poll must stop. */
  private async lookup(attributes: LookupAttribute[], startMs: number, endMs: number, token: string | undefined) {
    for (let attempt = 0; ; attempt++) {
      await this.pacer.wait();
      if (this.o.deadline !== undefined && this.clock.now() > this.o.deadline) return undefined;
      this.lookupCalls++;
      try {
        return await this.o.cloudtrail.send(new LookupEventsCommand({
          LookupAttributes: attributes,
          StartTime: new Date(startMs),
          EndTime: new Date(endMs),
          MaxResults: PAGE_SIZE,
          NextToken: token,
        }));
      } catch (error) {
        if (!isThrottling(error)) throw error;
        this.throttled++;
        if (attempt >= THROTTLE_RETRIES) {
          this.o.signals.log('warn', 'LookupEvents stayed throttled; the poll stops here and the next one carries on', { attempts: attempt + 1 });
          return undefined;
        }
        await this.clock.sleep(backoffMs(attempt, BACKOFF_BASE_MS, BACKOFF_CAP_MS));
      }
    }
  }

  private async record(event: Event) {
    this.seen++;
    const parsed = parseTrailEvent(event);
    if ('malformed' in parsed) {
      // Only our services' events are worth keeping as evidence; anything else is not ours to judge.
      if (parsed.eventId && event.EventSource && SOURCES.has(event.EventSource)) {
        await this.put({
          eventId: parsed.eventId,
          eventName: event.EventName ?? 'unknown',
          eventSource: event.EventSource,
          eventTime: (event.EventTime ?? new Date(this.clock.now())).toISOString(),
        }, [], `malformed CloudTrail record: ${parsed.malformed}`);
      }
      return;
    }
    const record = parsed.record;
    if (!SOURCES.has(record.eventSource) || !isKept(record)) return;
    const mapping = mapEvent(record);
    if ('skipped' in mapping) {
      if (mapping.omitted) this.omitted++;
      await this.put(summary(record), [], mapping.skipped);
    } else {
      await this.put(summary(record), mapping.refs);
    }
  }

  private async put(head: Pick<LedgerEvent, 'eventId' | 'eventName' | 'eventSource' | 'eventTime' | 'actor'>, refs: LedgerEvent['refs'], skipped?: string) {
    const target: TargetRecord = skipped ? { status: 'SKIPPED', reason: skipped } : { status: 'PENDING' };
    const isNew = await this.o.ledger.putIfNew({
      ...head,
      refs,
      targets: Object.fromEntries(this.o.targetRegions.map(r => [r, target])),
      state: skipped ? 'DONE' : 'PENDING',
    });
    if (!isNew) this.duplicates++;
    else if (skipped) this.skipped++;
    else this.pending++;
    if (isNew && skipped) this.o.signals.log('info', 'event skipped', { eventId: head.eventId, eventName: head.eventName, reason: skipped });
  }
}

function summary(record: TrailRecord) {
  return {
    eventId: record.eventId,
    eventName: record.eventName,
    eventSource: record.eventSource,
    eventTime: record.eventTime.toISOString(),
    actor: record.actor,
  };
}

function withoutWindow({ startMs: _s, endMs: _e, cursorMs: _c, ...rest }: PollResult) {
  return rest;
}

function isThrottling(error: unknown): boolean {
  const e = error as { name?: string; $retryable?: { throttling?: boolean }; $metadata?: { httpStatusCode?: number } };
  return e.$retryable?.throttling === true || e.$metadata?.httpStatusCode === 429
    || ['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded'].includes(e.name ?? '');
}
