/* The Quick start demo: a local moto lake replicated end to end with the real CLI bundle. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { GlueClient } from '@aws-sdk/client-glue';
import { demoIceberg } from './demo-iceberg';
import { demoRealtime } from './demo-realtime';
import { MOTO_LF_GAPS } from '../test/support/cli-harness';
import { ANALYST, grantAll, lfAt, LOCATION_ROLE, putSettings, register, SOURCE_ADMIN } from '../test/support/lake-formation-seed';
import { startMoto } from '../test/support/moto';
import { SAMPLE_BUCKET_MAPS, seedSampleLake } from '../test/support/sample-lake';

/** A data lake admin, a registered location and column, table and location grants in the source. */
async function seedLakeFormation(endpoint: string): Promise<void> {
  const lf = lfAt(endpoint, 'us-east-1');
  await putSettings(lf, { DataLakeAdmins: [{ DataLakePrincipalIdentifier: SOURCE_ADMIN }] });
  await register(lf, 'arn:aws:s3:::acme-lake-raw/sales', LOCATION_ROLE);
  await grantAll(lf, [
    { principal: ANALYST, resource: { TableWithColumns: { DatabaseName: 'sales', Name: 'orders', ColumnNames: ['id', 'name', 'type'] } }, permissions: ['SELECT'] },
    { principal: ANALYST, resource: { Database: { Name: 'sales' } }, permissions: ['DESCRIBE'] },
    { principal: LOCATION_ROLE, resource: { DataLocation: { ResourceArn: 'arn:aws:s3:::acme-lake-raw/sales' } }, permissions: ['DATA_LOCATION_ACCESS'] },
  ]);
}

const CLI = join(__dirname, '..', 'assets', 'cli', 'lake-replica', 'lake-replica.js');

async function demo() {
  process.stderr.write('Starting a local moto server...\n');
  const moto = await startMoto();
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'demo', AWS_SECRET_ACCESS_KEY: 'demo', AWS_ENDPOINT_URL: moto.endpoint, NODE_NO_WARNINGS: '1' };
  try {
    const glue = new GlueClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' } });
    await seedSampleLake(glue);
    await seedLakeFormation(moto.endpoint);
    process.stderr.write(`Seeded a sample lake (Glue and Lake Formation) in us-east-1 on ${moto.endpoint}\n`);
    // moto has no opt-ins or LF-tag expressions (shared/reference notes): those two groups are skipped here. The
    // sample lake's Iceberg entry has no files to rewrite; a real Iceberg table is replicated after this part.
    const common = ['--source-region', 'us-east-1', '--target-region', 'us-west-2', '--exclude-database', 'tmp_*',
      ...SAMPLE_BUCKET_MAPS.flatMap(m => ['--bucket-map', m]), ...MOTO_LF_GAPS, '--skip', 'iceberg-metadata'];
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

    await moto.reset();
    await demoIceberg(moto.endpoint, CLI, env);

    process.stdout.write('\n');
    await moto.reset();
    await demoRealtime(moto.endpoint);
  } finally {
    await moto.stop();
  }
}

demo().catch((error) => {
  process.stderr.write(`demo failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
