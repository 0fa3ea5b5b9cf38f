import { AwsClients } from './aws-clients';
import type { CatalogSource } from './catalog-source';
import { LiveCatalogSource } from './live-source';
import { replicate } from './replicate';
import type { Counts, Mode, Report } from './report';
import { Scope, type ScopeConfig } from './scope';
import type { BucketMappingRule } from '../shared/bucket-mapping';
import { SnapshotSource } from './snapshot/snapshot-source';
import { writeSnapshot } from './snapshot/write-snapshot';

/** One run of the engine, as the CLI and the on-demand job describe it. */
export interface JobConfig {
  readonly mode: Mode;
  /** Required except for restore, where the snapshot names it. */
  readonly sourceRegion?: string;
  readonly targetRegions: readonly string[];
  readonly scope: ScopeConfig;
  readonly bucketMappings: readonly BucketMappingRule[];
  readonly prune: boolean;
  readonly concurrency: number;
  /** snapshot: where to write; restore: where to read. */
  readonly snapshotLocation?: string;
  readonly endpoint?: string;
  readonly maxAttempts?: number;
}

export interface JobProgress {
  (counts: Readonly<Record<string, Counts | number>>, current: string): void;
}

export async function runJob(config: JobConfig, onProgress?: JobProgress): Promise<Report> {
  const clients = new AwsClients({ endpoint: config.endpoint, maxAttempts: config.maxAttempts });
  let scope = new Scope(config.scope);
  try {
    if (config.mode === 'snapshot') {
      const source = new LiveCatalogSource(clients, config.sourceRegion!, scope);
      return await writeSnapshot({ source, scope, location: config.snapshotLocation!, clients, onProgress: t => onProgress?.({ ...t }, '') });
    }
    let source: CatalogSource;
    if (config.mode === 'restore') {
      const header = await new SnapshotSource(config.snapshotLocation!, clients, scope, config.targetRegions[0]).open();
      // A restore never reaches outside what the snapshot covers: prune included.
      scope = new Scope(config.scope, new Scope(header.scope));
      const snapshot = new SnapshotSource(config.snapshotLocation!, clients, scope, config.targetRegions[0]);
      await snapshot.open();
      source = snapshot;
    } else {
      source = new LiveCatalogSource(clients, config.sourceRegion!, scope);
    }
    return await replicate({
      mode: config.mode,
      source,
      targetRegions: config.targetRegions,
      scope,
      bucketMappings: config.bucketMappings,
      prune: config.prune,
      concurrency: config.concurrency,
      clients,
      onProgress,
    });
  } finally {
    clients.destroy();
  }
}
