import { emfLine } from '../kernel/metrics';

/** Metric names of the near-real-time pipeline: the construct's alarms use the same ones. */
export const METRICS = {
  pollDuration: 'PollDurationMs',
  cursorAge: 'CursorAgeMs',
  gapDetected: 'GapDetected',
  lookupCalls: 'LookupCalls',
  throttled: 'LookupThrottles',
  eventsRecorded: 'EventsRecorded',
  eventsOmitted: 'EventsWithOmittedParameters',
  applied: 'EventsApplied',
  skipped: 'EventsSkipped',
  failed: 'EventsFailed',
  lag: 'ReplicationLagMs',
  oldestPendingAge: 'OldestPendingAgeMs',
  stalePendingWoken: 'StalePendingWoken',
} as const;

/** Where the pipeline's metrics and structured logs go. */
export interface Signals {
  /** One value or a list of values per metric; dimensions apply to all of them. */
  metric(values: Readonly<Record<string, number | readonly number[]>>, dimensions?: Readonly<Record<string, string>>): void;
  log(level: 'info' | 'warn' | 'error', message: string, fields?: Readonly<Record<string, unknown>>): void;
}

const MAX_VALUES = 100;

/**
 * CloudWatch embedded metric format on stdout: the log line is the metric, so the functions
 * need no PutMetricData permission. Each metric is published without dimensions (what the
 * alarms watch) and, when given, with its dimensions too.
 */
export function emfSignals(namespace: string, write: (line: string) => void = l => process.stdout.write(`${l}\n`)): Signals {
  return {
    metric(values, dimensions = {}) {
      const names = Object.keys(values).filter(k => !Array.isArray(values[k]) || (values[k] as number[]).length > 0);
      if (names.length === 0) return;
      const dimensionSets = Object.keys(dimensions).length > 0 ? [[], Object.keys(dimensions)] : [[]];
      const body: Record<string, unknown> = { ...dimensions };
      for (const name of names) {
        const v = values[name];
        body[name] = Array.isArray(v) ? v.slice(0, MAX_VALUES) : v;
      }
      write(emfLine(namespace, dimensionSets, names, body));
    },
    log(level, message, fields = {}) {
      write(JSON.stringify({ level, message, ...fields }));
    },
  };
}

/** Collects what was signalled: for tests and the demo. */
export class RecordedSignals implements Signals {
  readonly metrics: Array<{ values: Readonly<Record<string, number | readonly number[]>>; dimensions?: Readonly<Record<string, string>> }> = [];
  readonly logs: Array<{ level: string; message: string; fields: Readonly<Record<string, unknown>> }> = [];

  metric(values: Readonly<Record<string, number | readonly number[]>>, dimensions?: Readonly<Record<string, string>>): void {
    this.metrics.push({ values, dimensions });
  }

  log(level: 'info' | 'warn' | 'error', message: string, fields: Readonly<Record<string, unknown>> = {}): void {
    this.logs.push({ level, message, fields });
  }

  /** The sum of one metric's values across every signal. */
  total(name: string): number {
    return this.metrics.reduce((sum, m) => {
      const v = m.values[name];
      if (v === undefined) return sum;
      return sum + (Array.isArray(v) ? v.length : v as number);
    }, 0);
  }

  values(name: string): number[] {
    return this.metrics.flatMap(m => {
      const v = m.values[name];
      if (v === undefined) return [];
      return Array.isArray(v) ? [...v] : [v as number];
    });
  }
}
