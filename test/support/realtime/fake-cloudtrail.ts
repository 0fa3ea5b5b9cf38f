import { CloudTrailClient, LookupEventsCommand, type Event, type LookupEventsCommandInput, type LookupEventsCommandOutput } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import type { Clock } from '../../../src/engine/realtime/clock';

/**
 * CloudTrail's event history behind aws-sdk-client-mock (moto has no LookupEvents): events
 * in [StartTime, EndTime], filtered by the one lookup attribute, newest first, 50 a page.
 * Events can be added while polls run, e.g. late deliveries.
 */
export class FakeCloudTrail {
  readonly events: Event[] = [];
  readonly calls: LookupEventsCommandInput[] = [];
  /** Errors to throw, one per call, before answering. */
  readonly failures: Error[] = [];
  readonly stub = mockClient(CloudTrailClient);

  constructor() {
    this.stub.on(LookupEventsCommand).callsFake(async (input: LookupEventsCommandInput) => this.lookup(input));
  }

  add(...events: Event[]): void {
    this.events.push(...events);
  }

  restore(): void {
    this.stub.restore();
  }

  private lookup(input: LookupEventsCommandInput): Partial<LookupEventsCommandOutput> {
    this.calls.push(input);
    const failure = this.failures.shift();
    if (failure) throw failure;
    const start = input.StartTime!.getTime();
    const end = input.EndTime!.getTime();
    const [attribute] = input.LookupAttributes ?? [];
    const matches = this.events
      .filter(e => e.EventTime!.getTime() >= start && e.EventTime!.getTime() <= end)
      .filter(e => !attribute || (attribute.AttributeKey === 'ReadOnly' ? e.ReadOnly === attribute.AttributeValue
        : attribute.AttributeKey === 'EventName' ? e.EventName === attribute.AttributeValue : true))
      .sort((a, b) => b.EventTime!.getTime() - a.EventTime!.getTime());
    const offset = Number(input.NextToken ?? 0);
    const size = Math.min(input.MaxResults ?? 50, 50);
    const page = matches.slice(offset, offset + size);
    const next = offset + size < matches.length ? String(offset + size) : undefined;
    return { Events: page, NextToken: next };
  }
}

export function throttling(): Error {
  return Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
}

/** Time that moves only when slept through or advanced. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(public ms: number) {}

  now(): number {
    return this.ms;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.ms += ms;
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
