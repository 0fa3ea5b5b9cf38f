/*
 * NODE_OPTIONS=--max-old-space-size=8192 npx ts-node --transpile-only --project tsconfig.dev.json test/bench/lake-formation-bench.ts \
 *   [--databases N] [--tables N] [--principals N] [--targets N] [--latency-ms N] [--json]
 *
 * The on-demand job's two Lake Formation phases over a lake of many LF-tagged tables (default 100 databases x
 * 1,000 tables = 100,000), in process against the stateful Glue and Lake Formation fakes (moto lacks most of
 * Lake Formation, and could not hold this lake in reasonable time). Each phase runs invocation after invocation
 * as the state machine loops it, each invocation with the item step's deadline for a 15-minute Lambda, on a
 * modelled clock: every API call takes --latency-ms, calls the engine makes at once overlapping (the clock
 * advances by the latency over the calls in flight). So the invocation counts are what that latency would give,
 * deterministically; the API call counts are exact. Two runs: the initial one, then an unchanged re-run that
 * must write nothing. See docs/benchmarks.md.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GlueClient } from '@aws-sdk/client-glue';
import { LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { AwsClients } from '../../src/engine/kernel/clients';
import { writeCalls, type Report } from '../../src/engine/kernel/report';
import { Scope } from '../../src/engine/kernel/scope';
import type { LfPhase } from '../../src/engine/lake-formation';
import { SnapshotSource, validateSnapshot } from '../../src/engine/snapshot';
import { routeClients } from '../support/client-routes';
import { FakeLake } from '../support/fake-lake';
import { FakeLakeFormation } from '../support/lake-formation-fake';
import { lakeFormationSettings, runLakeFormationPhase, writeLakeFormationManifest, type PhaseRun } from '../support/lake-formation-phases';
import { ACCOUNT, mockAws, SOURCE_REGION } from '../support/sdk-harness';
import { seedTaggedLake } from '../support/tagged-lake';

const TARGETS = ['us-west-2', 'eu-west-1'];
/** What the item step is told a 15-minute Lambda has left when it starts. */
const LAMBDA_MS = 900_000;

const USAGE = `usage: ... lake-formation-bench.ts [--databases N] [--tables N] [--principals N] [--targets N] [--latency-ms N] [--json]
  --databases N    databases in the source (default 100)
  --tables N       tables a database, each tagged, every fifth on a column too (default 1000)
  --principals N   principals granted SELECT on every table (default 1)
  --targets N      target Regions, 1 or 2 (default 1)
  --latency-ms N   modelled time of one API call (default 50)
  --json           print a JSON summary`;

interface Parameters { databases: number; tables: number; principals: number; targets: number; latencyMs: number }

function parameters(argv: string[]): { params: Parameters; json: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      'databases': { type: 'string', default: '100' },
      'tables': { type: 'string', default: '1000' },
      'principals': { type: 'string', default: '1' },
      'targets': { type: 'string', default: '1' },
      'latency-ms': { type: 'string', default: '50' },
      'json': { type: 'boolean', default: false },
    },
  });
  const integer = (name: string, text: string, min: number, max = Infinity) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got "${text}"\n${USAGE}`);
    return n;
  };
  return {
    params: {
      databases: integer('databases', values.databases, 1),
      tables: integer('tables', values.tables, 1),
      principals: integer('principals', values.principals, 0),
      targets: integer('targets', values.targets, 1, TARGETS.length),
      latencyMs: integer('latency-ms', values['latency-ms'], 1),
    },
    json: values.json,
  };
}

/**
 * A clock that only API calls move: each call adds the latency divided by the calls in flight when it ends, so
 * eight calls the engine keeps in flight together cost one latency, and sequential ones one latency each.
 */
class ModelledClock {
  now = Date.parse('2026-01-05T00:00:00.000Z');
  private inFlight = 0;
  private readonly timed = new WeakSet<object>();

  constructor(private readonly latencyMs: number) {}

  install(): () => void {
    const realNow = Date.now;
    Date.now = () => this.now;
    const unroute = [GlueClient, LakeFormationClient].map(type => routeClients(type, client => this.time(client as Timed)));
    return () => {
      Date.now = realNow;
      for (const undo of unroute) undo();
    };
  }

  private time(client: Timed): Timed {
    if (this.timed.has(client)) return client;
    this.timed.add(client);
    client.middlewareStack.add((next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      this.inFlight++;
      try {
        return await next(args);
      } finally {
        this.now += this.latencyMs / this.inFlight;
        this.inFlight--;
      }
    }, { step: 'initialize', name: 'benchModelledLatency' });
    return client;
  }
}

interface Timed { middlewareStack: { add(middleware: unknown, options: object): void } }

interface PhaseFigures {
  readonly run: string;
  readonly phase: LfPhase;
  readonly invocations: number;
  readonly modelledMinutes: number;
  readonly apiCalls: Record<string, number>;
  readonly writeCalls: number;
  readonly counts: Report['counts'];
  readonly failures: number;
}

interface Check { readonly name: string; readonly ok: boolean; readonly detail: string }

const thousands = (n: number) => n.toLocaleString('en-US');
const log = (message: string) => process.stderr.write(`[lake-formation bench] ${message}\n`);

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { params, json } = parameters(process.argv.slice(2));
  const aws = mockAws();
  const glue = new FakeLake(aws.glue).install().persistWrites();
  const lf = new FakeLakeFormation(1000, true);
  const clock = new ModelledClock(params.latencyMs);
  const dir = mkdtempSync(join(tmpdir(), 'lf-bench-'));
  for (const run of ['1', '2']) mkdirSync(join(dir, run));
  const targets = TARGETS.slice(0, params.targets);
  const settings = lakeFormationSettings({ targetRegions: targets });
  try {
    const databases = Array.from({ length: params.databases }, (_, i) => `db_${String(i).padStart(4, '0')}`);
    const principals = Array.from({ length: params.principals }, (_, i) => `arn:aws:iam::${ACCOUNT}:role/reader-${i}`);
    log(`seeding ${thousands(params.databases * params.tables)} tagged tables...`);
    const tagged = seedTaggedLake(glue.region(SOURCE_REGION), lf.region(SOURCE_REGION), { databases, tables: params.tables, principals });
    const grants = params.databases * params.tables * params.principals;
    const uninstall = clock.install();
    const figures: PhaseFigures[] = [];
    const phase = async (run: string, name: LfPhase, snapshotDir?: string): Promise<PhaseRun> => {
      log(`${run}: ${name} phase...`);
      const started = clock.now;
      const result = await runLakeFormationPhase(settings, name, { remainingMs: LAMBDA_MS, snapshotDir });
      figures.push({
        run,
        phase: name,
        invocations: result.reports.length,
        modelledMinutes: Math.round((clock.now - started) / 60_000 * 10) / 10,
        apiCalls: result.merged.apiCalls,
        writeCalls: writeCalls(result.merged.apiCalls),
        counts: result.merged.counts,
        failures: result.merged.failures.length + (result.merged.failuresTruncated ?? 0),
      });
      return result;
    };
    let checks: Check[];
    try {
      const before = await phase('1 initial', 'before', join(dir, '1'));
      await phase('1 initial', 'after');
      // As in the job, the re-run's before phase writes the run's snapshot again.
      await phase('2 unchanged re-run', 'before', join(dir, '2'));
      await phase('2 unchanged re-run', 'after');
      checks = await check(figures, { tagged, grants, targets: targets.length }, lf, dir, before);
    } finally {
      uninstall();
    }
    const summary: Summary = { command: process.argv.slice(1).join(' '), parameters: params, lake: { tables: params.databases * params.tables, tagged, grants }, figures, checks, ok: checks.every(c => c.ok) };
    process.stdout.write(json ? `${JSON.stringify(summary, null, 2)}\n` : `${render(summary)}\n`);
    if (!summary.ok) process.exitCode = 1;
  } finally {
    lf.restore();
    aws.restore();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function check(
  figures: PhaseFigures[], lake: { tagged: number; grants: number; targets: number }, lf: FakeLakeFormation, dir: string, before: PhaseRun,
): Promise<Check[]> {
  const out: Check[] = figures.map(f => ({ name: `${f.run} ${f.phase}: no failures`, ok: f.failures === 0, detail: `${f.failures} failures` }));
  const initial = figures.find(f => f.run.startsWith('1') && f.phase === 'after')!;
  const assignments = initial.counts.lfTagAssignment;
  out.push({
    name: 'every tag assignment converged once into each target',
    ok: assignments.created === lake.tagged * lake.targets && assignments.unchanged === 0
      && initial.apiCalls['lakeformation:AddLFTagsToResource'] === lake.tagged * lake.targets,
    detail: `${thousands(assignments.created)} created (wanted ${thousands(lake.tagged * lake.targets)}), `
      + `${thousands(initial.apiCalls['lakeformation:AddLFTagsToResource'] ?? 0)} AddLFTagsToResource calls`,
  });
  const source = lf.region(SOURCE_REGION).assignmentsView();
  const same = TARGETS.slice(0, lake.targets).every(region => JSON.stringify(lf.region(region).assignmentsView()) === JSON.stringify(source));
  out.push({ name: 'each target holds the source\'s assignments', ok: same, detail: `${thousands(Object.keys(source).length)} tagged resources` });
  out.push({
    name: 'every grant replicated once',
    ok: initial.counts.permission.created === lake.grants * lake.targets,
    detail: `${thousands(initial.counts.permission.created)} granted in ${thousands(initial.apiCalls['lakeformation:BatchGrantPermissions'] ?? 0)} `
      + `BatchGrantPermissions calls (at least ${thousands(Math.ceil(lake.grants / 20) * lake.targets)})`,
  });
  const rerun = figures.filter(f => f.run.startsWith('2'));
  out.push({
    name: 'unchanged re-run: zero write calls',
    ok: rerun.every(f => f.writeCalls === 0) && rerun.find(f => f.phase === 'after')!.counts.lfTagAssignment.unchanged === lake.tagged * lake.targets,
    detail: rerun.map(f => `${f.phase}: ${f.writeCalls} writes`).join(', '),
  });
  const manifest = writeLakeFormationManifest(join(dir, '1'), before, { region: SOURCE_REGION, catalogId: ACCOUNT });
  const clients = new AwsClients({ maxAttempts: 1 });
  try {
    await validateSnapshot(manifest, clients, SOURCE_REGION);
    const state = (await new SnapshotSource(manifest, clients, new Scope(), SOURCE_REGION).lakeFormation())!;
    out.push({
      name: 'the before phase\'s snapshot parts validate and hold each assignment once',
      ok: state.tagAssignments.length === lake.tagged && state.permissions.length === lake.grants,
      detail: `${before.parts.length} parts, ${thousands(state.tagAssignments.length)} assignments, ${thousands(state.permissions.length)} grants`,
    });
  } finally {
    clients.destroy();
  }
  return out;
}

interface Summary {
  readonly command: string;
  readonly parameters: Parameters;
  readonly lake: { tables: number; tagged: number; grants: number };
  readonly figures: PhaseFigures[];
  readonly checks: Check[];
  readonly ok: boolean;
}

function render(s: Summary): string {
  const p = s.parameters;
  const lines = [
    'lake-replica Lake Formation phases benchmark (in process, Glue and Lake Formation fakes, modelled clock)',
    `lake:     ${p.databases} databases x ${p.tables} tables = ${thousands(s.lake.tables)} tables; ${thousands(s.lake.tagged)} tagged resources; `
      + `${thousands(s.lake.grants)} grants; ${p.targets} target Region(s)`,
    `clock:    ${p.latencyMs} ms an API call; each invocation told it has ${LAMBDA_MS / 60_000} minutes, as the item step is`,
    '',
  ];
  const ops = [...new Set(s.figures.flatMap(f => Object.keys(f.apiCalls)))].sort();
  const rows = [
    ['', ...s.figures.map(f => `${f.run} ${f.phase}`)],
    ['invocations', ...s.figures.map(f => String(f.invocations))],
    ['modelled minutes', ...s.figures.map(f => String(f.modelledMinutes))],
    ['API calls', ...s.figures.map(f => thousands(Object.values(f.apiCalls).reduce((a, b) => a + b, 0)))],
    ['write calls', ...s.figures.map(f => thousands(f.writeCalls))],
    ...ops.map(op => [op, ...s.figures.map(f => thousands(f.apiCalls[op] ?? 0))]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
  for (const r of rows) lines.push(r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
  lines.push('');
  for (const c of s.checks) lines.push(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  lines.push(s.ok ? 'bench ok' : 'bench FAILED');
  return lines.join('\n');
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
