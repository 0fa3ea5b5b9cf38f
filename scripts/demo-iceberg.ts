/* The Quick start demo's Iceberg part: a table PyIceberg writes in us-east-1 is read in us-west-2 after the source bucket is gone. */
import { execFileSync } from 'node:child_process';
import {
  BUCKETS, createBuckets, deleteSourceBuckets, pyiceberg, replicate, SOURCE_REGION, TARGET_REGION,
} from '../test/support/iceberg/lake';

interface Seeded { [table: string]: { snapshots: { id: string }[]; ids: number[][] } }
interface Read { [table: string]: { ids: number[]; older: number[][]; location: string } }

export async function demoIceberg(endpoint: string, cli: string, env: NodeJS.ProcessEnv): Promise<void> {
  process.stdout.write('\n# Iceberg: a table written by PyIceberg in us-east-1, replicated, then read in us-west-2 with the source bucket gone\n');
  await createBuckets(endpoint);
  const { result: seeded } = await pyiceberg<Seeded>(endpoint, 'seed', {
    region: SOURCE_REGION, bucket: 'lake-use1', dataBucket: 'lake-data-use1', tables: ['events'],
  });
  const copied = await replicate(endpoint);
  process.stdout.write(`  PyIceberg wrote lake.events in ${seeded.events.snapshots.length} commits; S3 replication (simulated) copied ${copied.length} objects to us-west-2\n`);
  const maps = Object.entries(BUCKETS).flatMap(([from, to]) => ['--bucket-map', `${from}=${to}`]);
  const args = ['sync', '--source-region', SOURCE_REGION, '--target-region', TARGET_REGION, ...maps, '--skip', 'lake-formation'];
  process.stdout.write(`\n$ lake-replica ${args.join(' ')}\n`);
  process.stdout.write(execFileSync('node', [cli, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  await deleteSourceBuckets(endpoint);
  process.stdout.write('\n  The source buckets are deleted. PyIceberg reads the table in us-west-2:\n');
  const { result, opened } = await pyiceberg<Read>(endpoint, 'read', {
    region: TARGET_REGION, tables: [{ name: 'events', snapshots: [seeded.events.snapshots[0].id] }],
  });
  const buckets = [...new Set(opened.map(line => /s3:\/\/([^/]+)/.exec(line)?.[1]).filter((b): b is string => b !== undefined))].sort();
  process.stdout.write(`  rows now: ${result.events.ids.length} (${result.events.ids.join(', ')}); at the first snapshot (time travel): ${result.events.older[0].length}\n`);
  process.stdout.write(`  table location: ${result.events.location}; buckets read: ${buckets.join(', ')}\n`);
  if (buckets.some(b => b in BUCKETS)) throw new Error(`the DR read reached a source bucket: ${buckets.join(', ')}`);
}
