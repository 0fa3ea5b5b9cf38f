/**
 * One CloudWatch embedded metric format log line: the line is the metric, so the functions need no
 * PutMetricData permission. Metrics whose name ends in "Ms" are milliseconds, the others counts.
 */
export function emfLine(namespace: string, dimensions: string[][], metricNames: readonly string[], body: Record<string, unknown>): string {
  return JSON.stringify({
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [{
        Namespace: namespace,
        Dimensions: dimensions,
        Metrics: metricNames.map(Name => ({ Name, Unit: /Ms$/.test(Name) ? 'Milliseconds' : 'Count' })),
      }],
    },
    ...body,
  });
}
