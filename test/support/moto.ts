import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A moto server of our own, on a free loopback port, from the project's pinned virtualenv, extended with the
 * Glue operations moto lacks (test/support/moto-server; hooks in test/support/moto-glue-extensions.ts).
 */
export interface MotoServer {
  readonly endpoint: string;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '..', '..');

export const TEST_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** Static credentials for the SDK clients the engine creates. */
export function useTestCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = TEST_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = TEST_CREDENTIALS.secretAccessKey;
  process.env.AWS_MAX_ATTEMPTS = '2';
  process.env.NODE_NO_WARNINGS = '1';
}

/** The extended server (Glue operations moto lacks, added to moto's own classes): see test/support/moto-server. */
const EXTENDED_SERVER = join(__dirname, 'moto-server', 'server.py');

/** The Python a moto_server entry script runs under, from its first line (`#!/path/python` or `#!/usr/bin/env python3`). */
function pythonOf(motoServer: string): string | undefined {
  if (!existsSync(motoServer)) return undefined;
  const first = readFileSync(motoServer, 'utf8').split('\n', 1)[0];
  const interpreter = /^#!\s*(?:\S*\/env\s+)?(\S*python[\d.]*)\s*$/.exec(first)?.[1];
  if (!interpreter) return undefined;
  return !interpreter.includes('/') || existsSync(interpreter) ? interpreter : undefined;
}

/** The Python to run the extended server with: the one MOTO_SERVER's moto runs under, or the project's .venv. */
function motoPython(): string {
  const fromEnv = process.env.MOTO_SERVER;
  if (fromEnv) {
    const python = pythonOf(fromEnv);
    if (python) return python;
    throw new Error(
      `MOTO_SERVER=${fromEnv} is not a Python moto_server script (its first line names no Python that exists): ` +
      'the tests run moto extended with the Glue operations it lacks (test/support/moto-server/server.py) under ' +
      "that moto's Python. Point MOTO_SERVER at a moto_server entry script. Integration tests never skip.");
  }
  const local = join(ROOT, '.venv', 'bin', 'python');
  if (existsSync(join(ROOT, '.venv', 'bin', 'moto_server')) && existsSync(local)) return local;
  throw new Error(
    'moto is not installed: run "bash scripts/python-env.sh" (it installs the pinned moto from requirements-dev.txt into .venv), ' +
    'or set MOTO_SERVER to a moto_server binary. Integration tests never skip.');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startMoto(timeoutMs = 30_000): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // moto logs every request: to a file, not a pipe, so a caller blocked in execFileSync cannot stall it.
  const logFile = join(mkdtempSync(join(tmpdir(), 'moto-')), 'moto.log');
  const log = openSync(logFile, 'w');
  const child: ChildProcess = spawn(motoPython(), [EXTENDED_SERVER, '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', log, log] });
  closeSync(log);
  const stderr = () => readFileSync(logFile, 'utf8').slice(-4000);
  let exited: string | undefined;
  child.once('exit', (code, signal) => { exited = `the moto server exited (code ${code}, signal ${signal})`; });

  const reset = async () => {
    const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    if (response.status !== 200) throw new Error(`moto reset answered ${response.status}`);
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`moto could not start: ${exited}\n${stderr()}`);
    try {
      await reset();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`moto did not answer on ${endpoint} within ${timeoutMs} ms\n${stderr()}`);
      }
      await new Promise(r => setTimeout(r, 150));
    }
  }
  return {
    endpoint,
    reset,
    stop: () => new Promise<void>(resolve => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/**
 * One moto server for a test file: started once with the test credentials set, reset before each
 * test, stopped at the end. The getter gives the running server.
 */
export function useMoto(): () => MotoServer {
  let moto: MotoServer | undefined;
  beforeAll(async () => {
    useTestCredentials();
    moto = await startMoto();
  });
  afterAll(() => moto?.stop());
  beforeEach(() => moto!.reset());
  return () => moto!;
}
