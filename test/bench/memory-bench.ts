/*
 * npm run bench -- --memory [--partitions 10000,100000,1000000]
 *
 * Peak live heap and partition read calls of the Glue converger over one table of N partitions, for sync,
 * sync --prune and verify, each in a node --expose-gc process of its own (memory-run.ts, a generated lake:
 * no moto, no stored partitions). See docs/benchmarks.md, "Memory of a table's partitions".
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { bundleChild } from './child-bundle';
import type { MemoryRunConfig, MemoryRunResult } from './memory-run';

const BUNDLE = join(__dirname, '..', '..', '.bench', 'memory-run.js');
const MODES: Array<Pick<MemoryRunConfig, 'mode' | 'prune'> & { name: string }> = [
  { name: 'sync', mode: 'sync', prune: false }, { name: 'sync --prune', mode: 'sync', prune: true }, { name: 'verify', mode: 'verify', prune: false },
];

function child(config: MemoryRunConfig): Promise<MemoryRunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  delete env.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--expose-gc', BUNDLE, JSON.stringify(config)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.once('error', reject);
    p.once('exit', code => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as MemoryRunResult) : reject(new Error(`${config.label} exited ${code}`))));
  });
}

export async function memoryBench(argv: string[]): Promise<void> {
  const at = argv.indexOf('--partitions');
  const sizes = (at >= 0 ? argv[at + 1] : '10000,100000,1000000').split(',').map(Number);
  await bundleChild(join(__dirname, 'memory-run.ts'), BUNDLE);
  const mib = (b: number) => (b / 1048576).toFixed(1);
  process.stdout.write('partitions  run           live heap MiB (peak - before)  partition reads  reads/1,000  writes  unchanged\n');
  for (const partitions of sizes) {
    for (const m of MODES) {
      const r = await child({ label: `${m.name} ${partitions}`, partitions, mode: m.mode, prune: m.prune });
      process.stdout.write(`${String(partitions).padEnd(11)} ${m.name.padEnd(13)} ${mib(r.peakLiveHeapBytes - r.baselineHeapBytes).padStart(29)}  ` +
        `${String(r.partitionReadCalls).padStart(15)}  ${(r.partitionReadCalls * 1000 / partitions).toFixed(1).padStart(11)}  ${String(r.writeCalls).padStart(6)}  ` +
        `${r.counts.partition.unchanged}${r.failures > 0 ? ` (${r.failures} failures)` : ''}\n`);
    }
  }
}
