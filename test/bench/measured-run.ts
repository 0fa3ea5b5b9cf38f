/*
 * One measured run of the engine, in a process of its own so its peak RSS is its own.
 * bench.ts bundles this file with esbuild and starts it with plain node (no ts-node or
 * TypeScript compiler in memory); it prints one line of JSON on stdout.
 */
import { runEngine as runJob } from '../../src/cli/run';
import { writeCalls } from '../../src/engine/kernel/report';
import type { Counts } from '../../src/engine/kernel/report';
import { kindsWithout } from '../../src/shared/lake-formation-kinds';

export interface RunConfig {
  readonly label: string;
  readonly endpoint: string;
  readonly sourceRegion: string;
  readonly targetRegion: string;
  readonly sourceBucket: string;
  readonly targetBucket: string;
  readonly concurrency: number;
  /** Replicate Lake Formation state too (the kinds moto serves). */
  readonly lakeFormation: boolean;
}

export interface RunResult {
  readonly label: string;
  /** Around runJob() only: process start-up is not included. */
  readonly wallMs: number;
  /** Node CPU time (user + system) of this process during runJob(): the rest of the wall time is spent waiting on moto. */
  readonly cpuMs: number;
  readonly apiCalls: Record<string, number>;
  readonly writeCalls: number;
  readonly counts: Record<string, Counts>;
  readonly failures: number;
  readonly failureExamples: string[];
  readonly warnings: string[];
  /** process.resourceUsage().maxRSS at the end of the run, in bytes: the peak for the whole process. */
  readonly peakRssBytes: number;
  /** RSS just before runJob(): Node, the AWS SDK and the engine loaded. */
  readonly rssBeforeBytes: number;
  /** Highest V8 heapUsed sampled every 20 ms during runJob(): live objects plus garbage not yet collected. */
  readonly peakHeapUsedBytes: number;
  /** V8 heapUsed after a full GC once runJob() returned (bench.ts starts node with --expose-gc); null without it. */
  readonly heapAfterGcBytes: number | null;
}

export async function measuredRun(config: RunConfig): Promise<RunResult> {
  const rssBeforeBytes = process.memoryUsage().rss;
  let peakHeapUsedBytes = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => { peakHeapUsedBytes = Math.max(peakHeapUsedBytes, process.memoryUsage().heapUsed); }, 20);
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const report = await runJob({
    mode: 'sync',
    sourceRegion: config.sourceRegion,
    targetRegions: [config.targetRegion],
    scope: {},
    bucketMappings: [{ sourceBucket: config.sourceBucket, targetBucket: config.targetBucket }],
    prune: false,
    concurrency: config.concurrency,
    lakeFormation: { kinds: config.lakeFormation ? kindsWithout(['opt-ins', 'lf-tag-expressions']) : [], protectedPrincipals: [] },
    endpoint: config.endpoint,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  peakHeapUsedBytes = Math.max(peakHeapUsedBytes, process.memoryUsage().heapUsed);
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  let heapAfterGcBytes: number | null = null;
  if (typeof global.gc === 'function') {
    global.gc();
    heapAfterGcBytes = process.memoryUsage().heapUsed;
  }
  return {
    label: config.label,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    apiCalls: report.apiCalls,
    writeCalls: writeCalls(report.apiCalls),
    counts: report.counts,
    failures: report.failures.length + (report.failuresTruncated ?? 0),
    failureExamples: report.failures.slice(0, 3).map(f => `${f.kind} ${f.key}${f.target ? ` (${f.target})` : ''}: ${f.error}`),
    warnings: report.warnings,
    peakRssBytes,
    rssBeforeBytes,
    peakHeapUsedBytes,
    heapAfterGcBytes,
  };
}

if (require.main === module) {
  const config = JSON.parse(process.argv[2] ?? '{}') as RunConfig;
  measuredRun(config).then(
    (result) => { process.stdout.write(`${JSON.stringify(result)}\n`); },
    (error) => {
      process.stderr.write(`measured run failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
