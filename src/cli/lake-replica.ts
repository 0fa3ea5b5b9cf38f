import { parseCli, type CliCommand, type PromoteConfig, type RedriveConfig } from './args';
import { promoteSummary, runPromote } from './promote';
import { redriveSummary, runRedrive } from './redrive';
import { Progress, summary } from './render';
import { runEngine, RunFailed } from './run';
import { helpText, UsageError } from './usage';
import { errorMessage } from '../engine/kernel/errors';
import type { Report } from '../engine/kernel/report';
import { SnapshotRefused } from '../engine/snapshot';

export const EXIT = { ok: 0, failure: 1, usage: 2, drift: 3 } as const;

export interface CliIo {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
}

export function exitCode(report: Report): number {
  if (report.error !== undefined || report.failures.length > 0) return EXIT.failure;
  if (report.mode === 'verify' && report.inSync === false) return EXIT.drift;
  return EXIT.ok;
}

/** The whole CLI: parse, run the engine, print, and return the exit code. With --json, every exit prints its reason as JSON. */
export async function main(argv: readonly string[], io: CliIo = process): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCli(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`lake-replica: ${error.message}\nRun "lake-replica --help" for usage.\n`);
    if (argv.includes('--json')) io.stdout.write(`${JSON.stringify({ error: error.message }, null, 2)}\n`);
    return EXIT.usage;
  }
  if (command.redrive) return redrive(command.redrive, command.json, io);
  if (command.promote) return promote(command.promote, command.json, io);
  if (command.help || !command.job) {
    io.stdout.write(`${helpText(command.helpCommand)}\n`);
    return EXIT.ok;
  }
  const progress = new Progress(io.stderr, command.job.mode);
  let report: Report;
  try {
    report = await runEngine(command.job, (counts, current) => progress.update(counts, current));
  } catch (error) {
    progress.end();
    const cause = error instanceof RunFailed ? error.cause : error;
    io.stderr.write(`lake-replica: ${command.job.mode} failed: ${errorMessage(cause)}\n`);
    if (command.json && error instanceof RunFailed) io.stdout.write(`${JSON.stringify(error.report, null, 2)}\n`);
    // A file that holds no snapshot at all is a wrong --from, like a usage error.
    return cause instanceof SnapshotRefused && cause.notASnapshot ? EXIT.usage : EXIT.failure;
  }
  progress.end();
  io.stdout.write(command.json ? `${JSON.stringify(report, null, 2)}\n` : `${summary(report)}\n`);
  return exitCode(report);
}

async function redrive(config: RedriveConfig, json: boolean, io: CliIo): Promise<number> {
  try {
    const result = await runRedrive(config);
    io.stdout.write(json ? `${JSON.stringify({ mode: 'redrive', ...config, ...result }, null, 2)}\n` : `${redriveSummary(config, result)}\n`);
    return EXIT.ok;
  } catch (error) {
    io.stderr.write(`lake-replica: redrive failed: ${errorMessage(error)}\n`);
    if (json) io.stdout.write(`${JSON.stringify({ mode: 'redrive', ...config, error: errorMessage(error) }, null, 2)}\n`);
    return EXIT.failure;
  }
}

async function promote(config: PromoteConfig, json: boolean, io: CliIo): Promise<number> {
  try {
    const report = await runPromote(config);
    io.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${promoteSummary(report)}\n`);
    return report.failures.length > 0 ? EXIT.failure : EXIT.ok;
  } catch (error) {
    io.stderr.write(`lake-replica: ${config.command} failed: ${errorMessage(error)}\n`);
    if (json) io.stdout.write(`${JSON.stringify({ mode: config.command, region: config.region, error: errorMessage(error) }, null, 2)}\n`);
    return error instanceof SnapshotRefused && error.notASnapshot ? EXIT.usage : EXIT.failure;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(code => { process.exitCode = code; }, (error) => {
    process.stderr.write(`lake-replica: ${errorMessage(error)}\n`);
    process.exitCode = EXIT.failure;
  });
}
