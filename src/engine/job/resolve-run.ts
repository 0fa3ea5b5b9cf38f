import { jobEngine } from './job-engine';
import type { ResolvedRun, RunManifest, WorkItem } from './job-types';
import { RunStore } from './run-store';
import type { JobSettings, RunInput } from '../../shared/job-settings';
import { resolveRunOptions } from '../../shared/job-settings';
import { AwsClients } from '../kernel/clients';

/** Step 1: resolve the scope, list the source's databases in it, and write the manifest and work items. */
export async function resolveRun(
  settings: JobSettings, runId: string, input: RunInput | undefined, clients: AwsClients, store: RunStore,
): Promise<ResolvedRun> {
  const options = resolveRunOptions(settings, input);
  const { catalogId, databases } = await (await jobEngine(settings, options, clients, store)).listDatabases();

  const items: WorkItem[] = [];
  for (const database of databases) {
    if (!options.dryRun) items.push({ kind: 'snapshot', database });
    for (const target of settings.targetRegions) items.push({ kind: 'converge', database, target });
  }
  const prefix = RunStore.runPrefix(runId);
  const manifest: RunManifest = {
    runId,
    createdAt: new Date().toISOString(),
    source: { region: settings.sourceRegion, catalogId },
    targets: settings.targetRegions,
    options,
    databases,
    items: items.length,
  };
  await store.putJson(`${prefix}manifest.json`, manifest);
  await store.putJson(`${prefix}items.json`, items);
  return { runId, options, itemsKey: `${prefix}items.json`, databases: databases.length, items: items.length };
}
