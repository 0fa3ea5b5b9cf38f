/*
 * npm run bench -- --memory [--partitions 10000,100000,1000000]   (see memory-bench.ts)
 * npm run bench -- [--databases N] [--tables N] [--partitions N] [--grants N] [--change-percent P] [--concurrency N] [--json]
 *
 * Seeds a synthetic lake into us-east-1 on a moto server of its own, then times three sync runs
 * of the engine to us-west-2, each in a child process: initial sync, unchanged re-sync (must
 * write nothing) and re-sync after P% of the tables and partitions changed. See docs/benchmarks.md.
 */
import { spawn } from 'node:child_process';
import { cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GlueClient } from '@aws-sdk/client-glue';
import { LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { bundleChild } from './child-bundle';
import { changeLake, seedGrants, seedLake, SOURCE_BUCKET, TARGET_BUCKET, type ChangeSummary, type LakeSize } from './lake';
import type { RunConfig, RunResult } from './measured-run';
import { memoryBench } from './memory-bench';
import { startMoto } from '../support/moto';

const ROOT = join(__dirname, '..', '..');
const BUNDLE = join(ROOT, '.bench', 'measured-run.js');
const SOURCE_REGION = 'us-east-1';
const TARGET_REGION = 'us-west-2';
const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };

interface Parameters extends LakeSize {
  /** Lake Formation column grants seeded in the source; with any, runs replicate Lake Formation state too. */
  readonly grants: number;
  readonly changePercent: number;
  readonly concurrency: number;
}

interface Check { readonly name: string; readonly ok: boolean; readonly detail: string }

interface MeasuredRun extends RunResult {
  /** Objects the run created, updated or deleted, from the report's counts. */
  readonly changedObjects: number;
  readonly writesPerChangedObject: number | null;
}

const USAGE = `usage: npm run bench -- [--databases N] [--tables N] [--partitions N] [--grants N] [--change-percent P] [--concurrency N] [--json]
  --databases N        databases in the synthetic lake (default 4)
  --tables N           tables per database, all partitioned (default 25)
  --partitions N       partitions per table (default 200)
  --grants N           Lake Formation column grants in the source, one principal each (default 0: Glue only)
  --change-percent P   percent of tables and of partitions changed before run 3 (default 1)
  --concurrency N      engine concurrency (default 8)
  --json               print a JSON summary instead of the table`;

function parameters(argv: string[]): { params: Parameters; json: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      'databases': { type: 'string', default: '4' },
      'tables': { type: 'string', default: '25' },
      'partitions': { type: 'string', default: '200' },
      'grants': { type: 'string', default: '0' },
      'change-percent': { type: 'string', default: '1' },
      'concurrency': { type: 'string', default: '8' },
      'json': { type: 'boolean', default: false },
      'help': { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const integer = (name: string, text: string, min: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${text}"\n${USAGE}`);
    return n;
  };
  const changePercent = Number(values['change-percent']);
  if (!Number.isFinite(changePercent) || changePercent <= 0 || changePercent > 100) {
    throw new Error(`--change-percent must be a number in (0, 100], got "${values['change-percent']}"\n${USAGE}`);
  }
  return {
    params: {
      databases: integer('databases', values.databases, 1),
      tables: integer('tables', values.tables, 1),
      partitions: integer('partitions', values.partitions, 1),
      grants: integer('grants', values.grants, 0),
      changePercent,
      concurrency: integer('concurrency', values.concurrency, 1),
    },
    json: values.json,
  };
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const mib = (bytes: number) => (bytes / 1048576).toFixed(0);
const secs = (ms: number) => (ms / 1000).toFixed(1);
const thousands = (n: number) => n.toLocaleString('en-US');


function runChild(config: RunConfig, echo: NodeJS.WritableStream): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey };
  for (const name of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ENDPOINT_URL', 'NODE_OPTIONS']) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', BUNDLE, JSON.stringify(config)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line) return reject(new Error(`measured run "${config.label}" exited with code ${code}, signal ${signal}`));
      echo.write(`${config.label}: ${line}\n`);
      resolve(JSON.parse(line) as RunResult);
    });
  });
}

function measured(result: RunResult): MeasuredRun {
  const changedObjects = Object.values(result.counts).reduce((sum, c) => sum + c.created + c.updated + c.deleted, 0);
  return { ...result, changedObjects, writesPerChangedObject: changedObjects > 0 ? result.writeCalls / changedObjects : null };
}

function checks(size: LakeSize, grants: number, change: ChangeSummary, runs: MeasuredRun[]): Check[] {
  const [initial, unchanged, changed] = runs;
  const tables = size.databases * size.tables;
  const partitions = tables * size.partitions;
  const out: Check[] = runs.map(r => ({
    name: `${r.label}: no failures`,
    ok: r.failures === 0,
    detail: r.failures === 0 ? '0 failures' : `${r.failures} failures, e.g. ${r.failureExamples.join(' | ')}`,
  }));
  const c = (run: MeasuredRun, kind: string) => run.counts[kind] ?? { created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0 };
  out.push({
    name: `${initial.label}: everything created`,
    ok: c(initial, 'database').created === size.databases && c(initial, 'table').created === tables && c(initial, 'partition').created === partitions,
    detail: `created ${c(initial, 'database').created}/${size.databases} databases, ${c(initial, 'table').created}/${tables} tables, ` +
      `${c(initial, 'partition').created}/${partitions} partitions`,
  });
  if (grants > 0) {
    const batches = initial.apiCalls['lakeformation:BatchGrantPermissions'] ?? 0;
    out.push({
      name: `${initial.label}: every grant replicated, 20 to a batch call`,
      ok: c(initial, 'permission').created === grants && batches === Math.ceil(grants / 20),
      detail: `granted ${c(initial, 'permission').created}/${grants} in ${batches} BatchGrantPermissions calls (minimum ${Math.ceil(grants / 20)})`,
    });
  }
  out.push({
    name: `${unchanged.label}: zero write calls`,
    ok: unchanged.writeCalls === 0,
    detail: `${unchanged.writeCalls} write calls` +
      (unchanged.writeCalls === 0 ? '' : `: ${JSON.stringify(unchanged.apiCalls)}`),
  });
  out.push({
    name: `${changed.label}: exactly the changed objects updated`,
    ok: changed.changedObjects === change.objects && c(changed, 'table').updated === change.tables && c(changed, 'partition').updated === change.partitions,
    detail: `updated ${c(changed, 'table').updated}/${change.tables} tables, ${c(changed, 'partition').updated}/${change.partitions} partitions; ` +
      `${changed.changedObjects} objects written in all`,
  });
  return out;
}

function pad(cells: Array<string | number>, widths: number[]): string {
  return cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ').trimEnd();
}

function table(rows: Array<Array<string | number>>): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => String(r[i]).length)));
  return rows.map(r => pad(r, widths)).join('\n');
}

interface Summary {
  readonly command: string;
  readonly argv: string[];
  readonly parameters: Parameters;
  readonly lake: { tables: number; partitions: number; objects: number };
  readonly machine: { cpus: number; cpuModel: string; memoryBytes: number; os: string; node: string };
  readonly seeding: { ms: number; calls: number };
  readonly change: ChangeSummary;
  readonly runs: MeasuredRun[];
  readonly checks: Check[];
  readonly ok: boolean;
}

function render(s: Summary): string {
  const p = s.parameters;
  const lines: string[] = [];
  lines.push('lake-replica benchmark (sync us-east-1 -> us-west-2 on moto)');
  lines.push(`command:    ${s.command}`);
  lines.push(`lake:       ${p.databases} databases x ${p.tables} tables x ${p.partitions} partitions = ${thousands(s.lake.tables)} tables, ` +
    `${thousands(s.lake.partitions)} partitions (${thousands(s.lake.objects)} objects)`);
  lines.push(`engine:     concurrency ${p.concurrency}; change ${p.changePercent}% before run 3; ` +
    (p.grants > 0 ? `${thousands(p.grants)} Lake Formation grants (opt-ins and LF-tag expressions skipped: moto lacks them)` : 'Glue only'));
  lines.push(`machine:    ${s.machine.cpus} x ${s.machine.cpuModel}, ${mib(s.machine.memoryBytes)} MiB RAM, ${s.machine.os}, node ${s.machine.node}`);
  lines.push(`seeding:    ${secs(s.seeding.ms)} s, ${thousands(s.seeding.calls)} calls (not measured)`);
  lines.push(`change:     ${s.change.tables} tables (UpdateTable) + ${thousands(s.change.partitions)} partitions (BatchUpdatePartition) = ` +
    `${thousands(s.change.objects)} objects; a minimal replica update needs ${thousands(s.change.minimalWrites)} write calls`);
  lines.push('');
  const perChanged = (r: MeasuredRun) => (r.writesPerChangedObject === null ? '-' : r.writesPerChangedObject.toFixed(4));
  lines.push(table([
    ['run', 'wall s', 'node CPU s', 'API calls', 'write calls', 'objects written', 'writes/object', 'peak RSS MiB', 'RSS before MiB', 'peak heap MiB', 'heap after GC MiB'],
    ...s.runs.map(r => [
      r.label, secs(r.wallMs), secs(r.cpuMs), thousands(Object.values(r.apiCalls).reduce((a, b) => a + b, 0)), thousands(r.writeCalls),
      thousands(r.changedObjects), perChanged(r), mib(r.peakRssBytes), mib(r.rssBeforeBytes), mib(r.peakHeapUsedBytes),
      r.heapAfterGcBytes === null ? '-' : mib(r.heapAfterGcBytes),
    ]),
  ]));
  lines.push('');
  const operations = [...new Set(s.runs.flatMap(r => Object.keys(r.apiCalls)))].sort();
  lines.push(table([
    ['API calls by operation', ...s.runs.map((_, i) => `run ${i + 1}`)],
    ...operations.map(op => [op, ...s.runs.map(r => thousands(r.apiCalls[op] ?? 0))]),
    ['write calls (writeCalls)', ...s.runs.map(r => thousands(r.writeCalls))],
  ]));
  lines.push('');
  for (const c of s.checks) lines.push(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  for (const r of s.runs) for (const w of r.warnings) lines.push(`warning (${r.label}): ${w}`);
  lines.push(s.ok ? 'bench ok' : 'bench FAILED');
  return lines.join('\n');
}

async function main(): Promise<void> {
  // The SDK's "node >= 22 soon" notice would be printed by every run; the bench is about the engine.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const argv = process.argv.slice(2);
  const { params, json } = parameters(argv);
  const command = ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' ');
  const size: LakeSize = params;
  const tables = params.databases * params.tables;
  const partitions = tables * params.partitions;
  log(command);

  await bundleChild(join(__dirname, 'measured-run.ts'), BUNDLE);
  log('starting moto...');
  const moto = await startMoto();
  try {
    const glue = new GlueClient({ region: SOURCE_REGION, endpoint: moto.endpoint, credentials: CREDENTIALS, maxAttempts: 3 });
    log(`seeding ${thousands(partitions)} partitions in ${thousands(tables)} tables on ${moto.endpoint}...`);
    const seedStart = Date.now();
    const lf = new LakeFormationClient({ region: SOURCE_REGION, endpoint: moto.endpoint, credentials: CREDENTIALS, maxAttempts: 3 });
    const seedCalls = await seedLake(glue, size, log) + await seedGrants(lf, size, params.grants);
    const seeding = { ms: Date.now() - seedStart, calls: seedCalls };
    log(`seeded in ${secs(seeding.ms)} s`);

    const echo = json ? process.stderr : process.stdout;
    const config = (label: string): RunConfig => ({
      label,
      endpoint: moto.endpoint,
      sourceRegion: SOURCE_REGION,
      targetRegion: TARGET_REGION,
      sourceBucket: SOURCE_BUCKET,
      targetBucket: TARGET_BUCKET,
      concurrency: params.concurrency,
      lakeFormation: params.grants > 0,
    });
    const runs: MeasuredRun[] = [];
    const labels = ['1 initial sync', '2 unchanged re-sync', `3 re-sync after ${params.changePercent}% change`];
    log(`run ${labels[0]}...`);
    runs.push(measured(await runChild(config(labels[0]), echo)));
    log(`run ${labels[1]}...`);
    runs.push(measured(await runChild(config(labels[1]), echo)));
    log(`changing ${params.changePercent}% of the tables and partitions in ${SOURCE_REGION}...`);
    const change = await changeLake(glue, size, params.changePercent, `rev-${Date.now()}`);
    log(`run ${labels[2]}...`);
    runs.push(measured(await runChild(config(labels[2]), echo)));
    glue.destroy();

    const results = checks(size, params.grants, change, runs);
    const cpuList = cpus();
    const summary: Summary = {
      command,
      argv: [process.argv0, ...process.argv.slice(1)],
      parameters: params,
      lake: { tables, partitions, objects: params.databases + tables + partitions },
      machine: { cpus: cpuList.length, cpuModel: cpuList[0]?.model ?? 'unknown', memoryBytes: totalmem(), os: `${platform()} ${release()}`, node: process.version },
      seeding,
      change,
      runs,
      checks: results,
      ok: results.every(c => c.ok),
    };
    process.stdout.write(json ? `${JSON.stringify(summary, null, 2)}\n` : `\n${render(summary)}\n`);
    if (!summary.ok) process.exitCode = 1;
  } finally {
    await moto.stop();
  }
}

(process.argv.includes('--memory') ? memoryBench(process.argv.slice(2)) : main()).catch((error) => {
  process.stderr.write(`bench failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
