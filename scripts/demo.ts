/* The Quick start demo: a local moto lake replicated end to end with the real CLI bundle. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { GlueClient } from '@aws-sdk/client-glue';
import { startMoto } from '../test/support/moto';
import { SAMPLE_BUCKET_MAPS, seedSampleLake } from '../test/support/sample-lake';

const CLI = join(__dirname, '..', 'assets', 'cli', 'lake-replica', 'lake-replica.js');

async function demo() {
  process.stderr.write('Starting a local moto server...\n');
  const moto = await startMoto();
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'demo', AWS_SECRET_ACCESS_KEY: 'demo', AWS_ENDPOINT_URL: moto.endpoint, NODE_NO_WARNINGS: '1' };
  try {
    const glue = new GlueClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' } });
    await seedSampleLake(glue);
    process.stderr.write(`Seeded a sample lake in us-east-1 on ${moto.endpoint}\n`);
    const common = ['--source-region', 'us-east-1', '--target-region', 'us-west-2', '--exclude-database', 'tmp_*',
      ...SAMPLE_BUCKET_MAPS.flatMap(m => ['--bucket-map', m])];
    const run = (title: string, args: string[], okCodes = [0]) => {
      process.stdout.write(`\n$ lake-replica ${args.join(' ')}\n# ${title}\n`);
      try {
        process.stdout.write(execFileSync('node', [CLI, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
      } catch (error) {
        const e = error as { status: number; stdout: string };
        process.stdout.write(e.stdout);
        if (!okCodes.includes(e.status)) throw new Error(`lake-replica exited ${e.status}`);
        process.stdout.write(`(exit code ${e.status})\n`);
      }
    };
    run('what would change (writes nothing)', ['plan', ...common]);
    run('drift before the first sync: exit 3', ['verify', ...common], [3]);
    run('replicate', ['sync', ...common]);
    run('verify: in sync', ['verify', ...common]);
    run('an unchanged lake costs zero writes; the full JSON report', ['sync', ...common, '--json']);
  } finally {
    await moto.stop();
  }
}

demo().catch((error) => {
  process.stderr.write(`demo failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
