import type { WorkItem } from './job-types';
import type { JobSettings, RunOptions } from '../../shared/job-settings';
import { LiveCatalogSource } from '../glue/live-source';
import { AwsClients } from '../kernel/clients';
import { ReportBuilder, type Report } from '../kernel/report';
import { Scope } from '../kernel/scope';
import { convergeLakeFormation, kindsToRead, phaseKinds, guardedPrincipals, readSourceLakeFormation } from '../lake-formation';
import { LF_KINDS, type LfKind } from '../lake-formation';
import { LineWriter } from '../snapshot/io';
import { lakeFormationItems, lakeFormationRecords } from '../snapshot/lake-formation-records';

/** The snapshot part that holds the Lake Formation state, named to sort before every database's parts. */
export const LAKE_FORMATION_PART = '_lake-formation.jsonl.gz';

export function lakeFormationKinds(settings: JobSettings): LfKind[] {
  return LF_KINDS.filter(k => (settings.lakeFormationKinds ?? []).includes(k));
}

/**
 * One phase of the Lake Formation state, into every target: `before` also writes the state to the
 * run's snapshot. Each phase reads the source afresh: the source's current state is the truth.
 */
export async function runLakeFormationItem(
  settings: JobSettings, options: RunOptions, item: WorkItem, clients: AwsClients, snapshotPrefix: string, bucket: string,
): Promise<Report> {
  const kinds = lakeFormationKinds(settings);
  const scope = new Scope({ databases: options.databases, excludeDatabases: options.excludeDatabases });
  const source = new LiveCatalogSource(clients, settings.sourceRegion, scope);
  const mode = options.dryRun ? 'plan' : 'sync';
  const report = new ReportBuilder({
    mode,
    source: { region: settings.sourceRegion },
    targets: [...settings.targetRegions],
    scope: scope.toJSON(),
    prune: options.prune,
    dryRun: options.dryRun,
  }, kinds);
  const catalogId = await source.catalogId();
  const phase = item.phase ?? 'before';
  // The before step also writes the whole state to the run's snapshot; otherwise a step reads what it converges.
  const snapshotting = phase === 'before' && !options.dryRun;
  const read = snapshotting ? kinds : kindsToRead(phaseKinds(phase, kinds, options.prune), kinds);
  const state = await readSourceLakeFormation(clients, settings.sourceRegion, scope, read, catalogId, report);
  let snapshot: Report['snapshot'];
  if (snapshotting) {
    const location = `s3://${bucket}/${snapshotPrefix}${LAKE_FORMATION_PART}`;
    const out = new LineWriter(location, clients, process.env.AWS_REGION ?? settings.sourceRegion);
    for (const record of lakeFormationRecords(state)) out.write(record);
    await out.close();
    snapshot = {
      location,
      format: 'lake-replica-snapshot-part',
      version: 1,
      databases: 0,
      tables: 0,
      partitions: 0,
      lakeFormation: lakeFormationItems(state),
      lakeFormationKinds: [...state.kinds],
    };
  }
  await convergeLakeFormation(state, phase, {
    mode,
    clients,
    targetRegions: settings.targetRegions,
    scope,
    kinds,
    bucketMappings: settings.bucketMappings,
    prune: options.prune,
    protectedPrincipals: await guardedPrincipals(clients, settings.sourceRegion, settings.protectedPrincipals ?? []),
    catalogId,
    report,
  });
  const finished = report.finish(clients.apiCalls);
  finished.snapshot = snapshot;
  return finished;
}
