/*
 * One measured memory run of the Glue converger over one table of N partitions, in a process of its own
 * (bench.ts --memory bundles this file and starts it with node --expose-gc). The lake is generated, never
 * stored: a stubbed GlueClient answers GetPartitions pages and BatchGetPartition lookups from the partition
 * index alone, so the only partition objects in the heap are the engine's own. Prints one line of JSON.
 */
import {
  BatchGetPartitionCommand, GetDatabaseCommand, GetDatabasesCommand, GetPartitionsCommand, GetTableCommand, GetTablesCommand, GlueClient,
} from '@aws-sdk/client-glue';
import type { BatchGetPartitionRequest, GetPartitionsRequest, Partition } from '@aws-sdk/client-glue';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { databaseName, partitionInput, partitionValues, SOURCE_BUCKET, tableInput, TARGET_BUCKET } from './lake';
import { convergeGlue } from '../../src/engine/glue/converge';
import { LiveCatalogSource } from '../../src/engine/glue/source';
import { AwsClients } from '../../src/engine/kernel/clients';
import { writeCalls, type Counts } from '../../src/engine/kernel/report';
import { Scope } from '../../src/engine/kernel/scope';

export interface MemoryRunConfig {
  readonly label: string;
  readonly partitions: number;
  readonly mode: 'sync' | 'verify';
  readonly prune: boolean;
}

export interface MemoryRunResult extends MemoryRunConfig {
  readonly wallMs: number;
  readonly apiCalls: Record<string, number>;
  readonly writeCalls: number;
  /** GetPartitions + BatchGetPartition calls, both Regions. */
  readonly partitionReadCalls: number;
  readonly counts: Record<string, Counts>;
  readonly failures: number;
  /** V8 heapUsed after a full GC, before the run: Node, the SDK and the engine loaded. */
  readonly baselineHeapBytes: number;
  /** Highest V8 heapUsed after a full GC, sampled at every partition page during the run: the run's live objects. */
  readonly peakLiveHeapBytes: number;
  readonly peakRssBytes: number;
}

const SOURCE = 'us-east-1';
const TARGET = 'us-west-2';
const DB = databaseName(0);
const TABLE = tableInput(0, 0);
const DAY = 86_400_000;
const EPOCH = Date.UTC(2024, 0, 1);

/** The index of a partition from its values (the inverse of lake.ts partitionValues). */
function indexOf(values: readonly string[]): number {
  const [dt, hr] = values;
  return Math.round((Date.parse(`${dt}T00:00:00Z`) - EPOCH) / DAY) * 24 + Number(hr);
}

/** Partition i as a Region has it: the target's replica points at the mapped bucket, so it is unchanged. */
function partitionIn(region: string, i: number): Partition {
  const input = partitionInput(0, 0, i);
  const location = input.StorageDescriptor!.Location!;
  const sd = { ...input.StorageDescriptor, Location: region === SOURCE ? location : location.replace(SOURCE_BUCKET, TARGET_BUCKET) };
  return { ...input, StorageDescriptor: sd, DatabaseName: DB, TableName: TABLE.Name };
}

async function regionOf(client: { config: { region: unknown } }): Promise<string> {
  const region = client.config.region;
  return typeof region === 'function' ? String(await (region as () => Promise<string>)()) : String(region);
}

/**
 * Answers the Glue and STS calls in place of the service: the clients' send is replaced (not a sinon stub,
 * whose call history would keep every answer alive). Returns the calls by operation.
 */
function stubLake(n: number): { calls: Record<string, number>; restore: () => void } {
  const calls: Record<string, number> = {};
  const table = (region: string) => ({
    ...TABLE,
    DatabaseName: DB,
    StorageDescriptor: {
      ...TABLE.StorageDescriptor,
      Location: region === SOURCE ? TABLE.StorageDescriptor!.Location : TABLE.StorageDescriptor!.Location!.replace(SOURCE_BUCKET, TARGET_BUCKET),
    },
  });
  const database = (region: string) => ({ Name: DB, LocationUri: `s3://${region === SOURCE ? SOURCE_BUCKET : TARGET_BUCKET}/${DB}/` });
  const answer = (command: object, region: string): object => {
    if (command instanceof GetDatabasesCommand) return { DatabaseList: [database(region)] };
    if (command instanceof GetDatabaseCommand) return { Database: database(region) };
    if (command instanceof GetTablesCommand) return { TableList: [table(region)] };
    if (command instanceof GetTableCommand) return { Table: table(region) };
    if (command instanceof GetPartitionsCommand) {
      const input: GetPartitionsRequest = command.input;
      const from = Number(input.NextToken ?? 0);
      const to = Math.min(n, from + (input.MaxResults ?? 1000));
      const Partitions: Partition[] = [];
      for (let i = from; i < to; i++) Partitions.push(partitionIn(region, i));
      return { Partitions, NextToken: to < n ? String(to) : undefined };
    }
    if (command instanceof BatchGetPartitionCommand) {
      const input: BatchGetPartitionRequest = command.input;
      const found = (input.PartitionsToGet ?? []).map(p => indexOf(p.Values ?? [])).filter(i => i >= 0 && i < n);
      return { Partitions: found.map(i => partitionIn(region, i)), UnprocessedKeys: [] };
    }
    throw new Error(`the memory bench's lake does not answer ${command.constructor.name}`);
  };
  const glueSend = GlueClient.prototype.send;
  const stsSend = STSClient.prototype.send;
  const count = (name: string) => { calls[name] = (calls[name] ?? 0) + 1; };
  GlueClient.prototype.send = async function send(this: GlueClient, command: object) {
    count(`glue:${command.constructor.name.replace(/Command$/, '')}`);
    return answer(command, await regionOf(this));
  } as typeof glueSend;
  STSClient.prototype.send = async function send(command: object) {
    if (!(command instanceof GetCallerIdentityCommand)) throw new Error('unexpected STS call');
    count('sts:GetCallerIdentity');
    return { Account: '123456789012' };
  } as typeof stsSend;
  return { calls, restore: () => { GlueClient.prototype.send = glueSend; STSClient.prototype.send = stsSend; } };
}

export async function memoryRun(config: MemoryRunConfig): Promise<MemoryRunResult> {
  process.env.AWS_ACCESS_KEY_ID ??= 'bench';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
  const gc = global.gc;
  if (typeof gc !== 'function') throw new Error('run with node --expose-gc');
  if (partitionValues(config.partitions - 1)[0] > '9999') throw new Error('too many partitions for the generated dates');
  const stubs = stubLake(config.partitions);
  const clients = new AwsClients({ maxAttempts: 1 });
  const scope = new Scope();
  gc();
  const baselineHeapBytes = process.memoryUsage().heapUsed;
  let peakLiveHeapBytes = baselineHeapBytes;
  let pages = 0;
  const started = Date.now();
  const report = await convergeGlue({
    mode: config.mode,
    source: new LiveCatalogSource(clients, SOURCE, scope),
    targetRegions: [TARGET],
    scope,
    prune: config.prune,
    bucketMappings: [{ sourceBucket: SOURCE_BUCKET, targetBucket: TARGET_BUCKET }],
    clients,
    // Called once a partition page: every 10th page a full GC, then the live heap.
    onProgress: () => {
      if (pages++ % 10 !== 0) return;
      gc();
      peakLiveHeapBytes = Math.max(peakLiveHeapBytes, process.memoryUsage().heapUsed);
    },
  });
  const wallMs = Date.now() - started;
  clients.destroy();
  stubs.restore();
  const apiCalls = stubs.calls;
  return {
    ...config,
    wallMs,
    apiCalls,
    writeCalls: writeCalls(apiCalls),
    partitionReadCalls: (apiCalls['glue:GetPartitions'] ?? 0) + (apiCalls['glue:BatchGetPartition'] ?? 0),
    counts: report.counts,
    failures: report.failures.length,
    baselineHeapBytes,
    peakLiveHeapBytes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

if (require.main === module) {
  const config = JSON.parse(process.argv[2] ?? '{}') as MemoryRunConfig;
  memoryRun(config).then(
    (result) => { process.stdout.write(`${JSON.stringify(result)}\n`); },
    (error) => {
      process.stderr.write(`memory run failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
