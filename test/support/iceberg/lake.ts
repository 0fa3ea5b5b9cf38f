import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateDatabaseCommand, CreateTableCommand, GetTableCommand, GlueClient, UpdateTableCommand } from '@aws-sdk/client-glue';
import {
  CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command,
  PutObjectCommand, S3Client, type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import type { MappedUri } from '../../../src/engine/iceberg';
import { TEST_CREDENTIALS } from '../moto';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');
const SCRIPT = join(__dirname, 'lake.py');

export const SOURCE_REGION = 'us-east-1';
export const TARGET_REGION = 'us-west-2';
/** Source bucket -> target bucket, as the construct's bucket mapping would say. */
export const BUCKETS: Readonly<Record<string, string>> = {
  'lake-use1': 'lake-usw2',
  'lake-data-use1': 'lake-data-usw2',
};

export function python(): string {
  const local = join(ROOT, '.venv', 'bin', 'python');
  if (existsSync(local)) return local;
  throw new Error('PyIceberg is not installed: run "bash scripts/python-env.sh" (it installs the pinned pyiceberg from requirements-dev.txt into .venv). Iceberg tests never skip.');
}

export interface LakeRun<T> {
  readonly result: T;
  /** Every path PyIceberg opened: "read <uri>" / "write <uri>". */
  readonly opened: string[];
}

/** Runs a command of lake.py (PyIceberg on moto) and returns its JSON answer and the files it opened. */
export async function pyiceberg<T>(endpoint: string, command: 'seed' | 'append' | 'expire' | 'read', args: Record<string, unknown>): Promise<LakeRun<T>> {
  const dir = mkdtempSync(join(tmpdir(), 'iceberg-io-'));
  const log = join(dir, 'opened.log');
  try {
    const { stdout } = await run(python(), [SCRIPT, command, JSON.stringify({ endpoint, ...args })], {
      env: { ...process.env, PYTHONPATH: __dirname, ICEBERG_IO_LOG: log, AWS_EC2_METADATA_DISABLED: 'true' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
    const opened = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
    return { result: JSON.parse(stdout) as T, opened };
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`lake.py ${command} failed: ${e.message}\n${e.stderr ?? ''}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function s3At(endpoint: string, region: string): S3Client {
  return new S3Client({ region, endpoint, forcePathStyle: true, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
}

export function glueAt(endpoint: string, region: string): GlueClient {
  return new GlueClient({ region, endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
}

export async function createBuckets(endpoint: string, only: 'source' | 'both' = 'both'): Promise<void> {
  for (const [source, target] of Object.entries(BUCKETS)) {
    await s3At(endpoint, SOURCE_REGION).send(new CreateBucketCommand({ Bucket: source }));
    if (only === 'source') continue;
    await s3At(endpoint, TARGET_REGION).send(new CreateBucketCommand({
      Bucket: target, CreateBucketConfiguration: { LocationConstraint: TARGET_REGION as BucketLocationConstraint },
    }));
  }
}

/** The bucket mapping as a function, the way the engine's mapper answers. */
export function mapBuckets(pairs: Readonly<Record<string, string>>): (uri: string) => MappedUri {
  const targets = new Set(Object.values(pairs));
  return uri => {
    const match = /^(s3a?|s3n):\/\/([^/]+)(.*)$/s.exec(uri);
    if (!match) return { uri };
    const target = pairs[match[2]];
    if (target) return { uri: `${match[1]}://${target}${match[3]}` };
    return targets.has(match[2]) ? { uri } : { uri, unmappedBucket: match[2] };
  };
}

async function* objects(s3: S3Client, bucket: string): AsyncGenerator<string> {
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const object of page.Contents ?? []) yield object.Key!;
    token = page.NextContinuationToken;
  } while (token);
}

/**
 * Copies objects byte for byte from the source buckets to their target buckets, as S3 replication
 * does; keys already copied are left alone, and `except` keys are held back (replication lag).
 * `back` copies the other way, as replication set up for failing back would. Returns the URIs copied.
 */
export async function replicate(endpoint: string, except: (key: string) => boolean = () => false, back = false): Promise<string[]> {
  const source = s3At(endpoint, back ? TARGET_REGION : SOURCE_REGION);
  const target = s3At(endpoint, back ? SOURCE_REGION : TARGET_REGION);
  const copied: string[] = [];
  for (const [forward, reverse] of Object.entries(BUCKETS)) {
    const [from, to] = back ? [reverse, forward] : [forward, reverse];
    const present = new Set<string>();
    for await (const key of objects(target, to)) present.add(key);
    for await (const key of objects(source, from)) {
      if (present.has(key) || except(key)) continue;
      const object = await source.send(new GetObjectCommand({ Bucket: from, Key: key }));
      const body = Buffer.from(await object.Body!.transformToByteArray());
      await target.send(new PutObjectCommand({ Bucket: to, Key: key, Body: body }));
      copied.push(`s3://${to}/${key}`);
    }
  }
  return copied;
}

/** The source Region's storage is lost. */
export async function deleteSourceBuckets(endpoint: string): Promise<void> {
  const s3 = s3At(endpoint, SOURCE_REGION);
  for (const bucket of Object.keys(BUCKETS)) {
    const keys: string[] = [];
    for await (const key of objects(s3, bucket)) keys.push(key);
    for (let i = 0; i < keys.length; i += 1000) {
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.slice(i, i + 1000).map(Key => ({ Key })) } }));
    }
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  }
}

export interface IcebergPointers {
  readonly metadataLocation: string;
  readonly previousMetadataLocation?: string;
  readonly updatedAt?: number;
}

export async function pointersOf(glue: GlueClient, table: string, database = 'lake'): Promise<IcebergPointers> {
  const found = (await glue.send(new GetTableCommand({ DatabaseName: database, Name: table }))).Table!;
  return {
    metadataLocation: found.Parameters!.metadata_location,
    previousMetadataLocation: found.Parameters!.previous_metadata_location,
    updatedAt: found.UpdateTime?.getTime(),
  };
}

/**
 * Points the target Region's Glue table at the rewritten chain, with a plain CreateTable or
 * UpdateTable, the way the Glue converger will.
 */
export async function pointTarget(glue: GlueClient, table: string, pointers: IcebergPointers, location: string): Promise<void> {
  await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'lake' } })).catch(error => {
    if ((error as Error).name !== 'AlreadyExistsException') throw error;
  });
  const TableInput = {
    Name: table,
    TableType: 'EXTERNAL_TABLE',
    Parameters: {
      table_type: 'ICEBERG',
      metadata_location: pointers.metadataLocation,
      ...(pointers.previousMetadataLocation ? { previous_metadata_location: pointers.previousMetadataLocation } : {}),
    },
    StorageDescriptor: { Location: location },
  };
  try {
    await glue.send(new CreateTableCommand({ DatabaseName: 'lake', TableInput }));
  } catch (error) {
    if ((error as Error).name !== 'AlreadyExistsException') throw error;
    await glue.send(new UpdateTableCommand({ DatabaseName: 'lake', TableInput }));
  }
}

/** Counts the S3 calls a client makes, by command name. */
export function countCalls(client: S3Client): Record<string, number> {
  const calls: Record<string, number> = {};
  client.middlewareStack.add((next, context) => async args => {
    const name = context.commandName ?? 'unknown';
    calls[name] = (calls[name] ?? 0) + 1;
    return next(args);
  }, { step: 'initialize', name: 'countIcebergCalls' });
  return calls;
}
