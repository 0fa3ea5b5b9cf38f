import type { Event } from '@aws-sdk/client-cloudtrail';

/** The fields of a CloudTrail record the pipeline reads. Request parameters use the API's member names in lowerCamelCase. */
export interface TrailRecord {
  readonly eventId: string;
  readonly eventName: string;
  readonly eventSource: string;
  readonly eventTime: Date;
  readonly awsRegion?: string;
  readonly recipientAccountId?: string;
  /** Who made the call, for logs. */
  readonly actor?: string;
  /** Absent when the call failed as a whole. */
  readonly errorCode?: string;
  /** Undefined when CloudTrail left them out (too large) or the record has none. */
  readonly requestParameters?: Record<string, unknown>;
  readonly responseElements?: Record<string, unknown>;
}

export type ParsedEvent = { readonly record: TrailRecord } | { readonly malformed: string; readonly eventId?: string };

/**
 * Reads one `LookupEvents` entry. The summary fields (`EventId`, `EventName`, `EventSource`,
 * `EventTime`) are trusted over the embedded JSON, which is parsed only for what they lack.
 */
export function parseTrailEvent(event: Event): ParsedEvent {
  const eventId = event.EventId;
  if (!eventId) return { malformed: 'the event has no EventId' };
  let body: Record<string, unknown> = {};
  if (event.CloudTrailEvent !== undefined) {
    try {
      const parsed: unknown = JSON.parse(event.CloudTrailEvent);
      if (!isObject(parsed)) return { malformed: 'CloudTrailEvent is not a JSON object', eventId };
      body = parsed;
    } catch (error) {
      return { malformed: `CloudTrailEvent is not valid JSON (${(error as Error).message})`, eventId };
    }
  }
  const eventName = event.EventName ?? str(body.eventName);
  const eventSource = event.EventSource ?? str(body.eventSource);
  const time = event.EventTime ?? (str(body.eventTime) ? new Date(str(body.eventTime)!) : undefined);
  if (!eventName || !eventSource) return { malformed: 'the event names no API call or service', eventId };
  if (!time || Number.isNaN(time.getTime())) return { malformed: 'the event has no valid time', eventId };
  const identity = isObject(body.userIdentity) ? body.userIdentity : {};
  return {
    record: {
      eventId,
      eventName,
      eventSource,
      eventTime: time,
      awsRegion: str(body.awsRegion),
      recipientAccountId: str(body.recipientAccountId),
      actor: str(identity.arn) ?? str(identity.type) ?? event.Username,
      errorCode: str(body.errorCode),
      requestParameters: isObject(body.requestParameters) ? body.requestParameters : undefined,
      responseElements: isObject(body.responseElements) ? body.responseElements : undefined,
    },
  };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The object a parameter holds, or an empty one. */
export function obj(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {};
}

/** The objects a list parameter holds. */
export function objects(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/** Glue lower-cases database and table names; a caller may have typed them in any case. */
export function glueName(value: unknown): string | undefined {
  return str(value)?.toLowerCase();
}
