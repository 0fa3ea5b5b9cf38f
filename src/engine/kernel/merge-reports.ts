import { MAX_LISTED, emptyCounts, type Counts, type Report } from './report';

/** Adds one invocation's report into the run's report: counts and calls add up, lists are capped. */
export function mergeInto(run: Report, part: Report): void {
  for (const [kind, counts] of Object.entries(part.counts)) {
    const into: Counts = (run.counts[kind] ??= emptyCounts([kind])[kind]);
    for (const outcome of Object.keys(counts) as Array<keyof Counts>) into[outcome] += counts[outcome];
  }
  for (const [op, n] of Object.entries(part.apiCalls)) run.apiCalls[op] = (run.apiCalls[op] ?? 0) + n;
  for (const w of part.warnings) if (!run.warnings.includes(w) && run.warnings.length < MAX_LISTED) run.warnings.push(w);
  for (const f of part.failures) {
    if (run.failures.length < MAX_LISTED) run.failures.push(f);
    else run.failuresTruncated = (run.failuresTruncated ?? 0) + 1;
  }
  if (part.failuresTruncated) run.failuresTruncated = (run.failuresTruncated ?? 0) + part.failuresTruncated;
  if (run.differences && part.differences) {
    for (const d of part.differences) {
      if (run.differences.length < MAX_LISTED) run.differences.push(d);
      else run.differencesTruncated = (run.differencesTruncated ?? 0) + 1;
    }
  }
}
