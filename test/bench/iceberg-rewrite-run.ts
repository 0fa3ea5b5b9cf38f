/*
 * One measured Iceberg rewrite, in a process of its own so its peak RSS is its own. iceberg-bench.ts
 * bundles this file with esbuild, starts it with plain node and reads one line of JSON from stdout.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { rewriteIcebergTable, type IcebergRewriteResult } from '../../src/engine/iceberg';

export interface RewriteRunConfig {
  readonly label: string;
  readonly endpoint: string;
  readonly region: string;
  readonly metadataLocation: string;
  readonly previousMetadataLocation?: string;
  readonly buckets: Record<string, string>;
  readonly mappingId: string;
}

export interface RewriteRunResult {
  readonly label: string;
  readonly wallMs: number;
  /** process.resourceUsage().maxRSS at the end, in bytes: the peak for the whole process. */
  readonly peakRssBytes: number;
  readonly result: IcebergRewriteResult;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as RewriteRunConfig;
  const s3 = new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: true,
    maxAttempts: 3,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const mapUri = (uri: string) => {
    const match = /^(s3a?|s3n):\/\/([^/]+)(.*)$/s.exec(uri);
    const target = match && config.buckets[match[2]];
    return target ? { uri: `${match[1]}://${target}${match[3]}` } : { uri };
  };
  const started = Date.now();
  const result = await rewriteIcebergTable({
    metadataLocation: config.metadataLocation,
    previousMetadataLocation: config.previousMetadataLocation,
    mapUri,
    mappingId: config.mappingId,
    s3,
    dryRun: false,
  });
  const out: RewriteRunResult = {
    label: config.label,
    wallMs: Date.now() - started,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    result,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

void main();
