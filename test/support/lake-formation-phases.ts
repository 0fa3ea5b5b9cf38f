import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SOURCE_REGION, TARGET_REGION } from './sdk-harness';
import { ReplicationEngine, type EngineSettings } from '../../src/engine/engine';
import { deadlineFrom, lakeFormationPart } from '../../src/engine/job/run-item';
import { AwsClients } from '../../src/engine/kernel/clients';
import { mergeInto, ReportBuilder, type Report } from '../../src/engine/kernel/report';
import type { Deadline, LakeFormationProgress } from '../../src/engine/kernel/resume';
import { Scope } from '../../src/engine/kernel/scope';
import type { LfPhase } from '../../src/engine/lake-formation';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from '../../src/engine/snapshot';
import { LF_KINDS } from '../../src/shared/lake-formation-kinds';

/** A sync of every Lake Formation kind from SOURCE_REGION into TARGET_REGION, the bucket acme-lake-raw mapped. */
export function lakeFormationSettings(overrides: Partial<EngineSettings> = {}): EngineSettings {
  return {
    mode: 'sync',
    sourceRegion: SOURCE_REGION,
    targetRegions: [TARGET_REGION],
    scope: {},
    bucketMappings: [{ sourceBucket: 'acme-lake-raw', targetBucket: 'acme-lake-raw-usw2' }],
    prune: false,
    concurrency: 2,
    lakeFormation: { kinds: [...LF_KINDS], protectedPrincipals: [] },
    ...overrides,
  };
}

/** A deadline already passed: every invocation converges exactly one chunk, the fewest it may. */
export const PASSED: Deadline = { soft: 0, hard: 0 };

export interface PhaseRun {
  /** Each invocation's report, in order. */
  readonly reports: Report[];
  /** Where each invocation but the last stopped. */
  readonly cursors: LakeFormationProgress[];
  /** The snapshot parts written, file names in order (before phase with a snapshot folder only). */
  readonly parts: string[];
  /** Every invocation's report merged, as finalize merges them. */
  readonly merged: Report;
}

/**
 * One Lake Formation phase of the on-demand job, invocation after invocation as the state machine loops it:
 * each with fresh SDK clients and engine (as a new Lambda would), the previous invocation's cursor, and the
 * deadline (or `remainingMs`, turned into one as the item step does); in the before phase with `snapshotDir`,
 * each invocation writes its snapshot part there, named as the item step names it.
 */
export async function runLakeFormationPhase(
  settings: EngineSettings, phase: LfPhase, o: { deadline?: Deadline; remainingMs?: number; snapshotDir?: string; maxInvocations?: number } = {},
): Promise<PhaseRun> {
  const reports: Report[] = [];
  const cursors: LakeFormationProgress[] = [];
  const parts: string[] = [];
  let progress: LakeFormationProgress | undefined;
  do {
    const seq = reports.length;
    if (seq >= (o.maxInvocations ?? 10_000)) throw new Error(`the ${phase} phase did not finish in ${seq} invocations`);
    const clients = new AwsClients({ maxAttempts: 1 });
    try {
      const engine = await ReplicationEngine.create(settings, clients);
      const part = o.snapshotDir && phase === 'before' ? lakeFormationPart(seq) : undefined;
      // As the item step does: the deadline from the time the invocation has left, when given.
      const deadline = o.remainingMs === undefined ? o.deadline ?? PASSED : deadlineFrom(o.remainingMs);
      const report = await engine.lakeFormationPhase(phase, progress, deadline, part && join(o.snapshotDir!, part));
      reports.push(report);
      if (part) parts.push(part);
      progress = report.continuation?.lakeFormation;
      if (progress) cursors.push(progress);
    } finally {
      clients.destroy();
    }
  } while (progress);
  const merged = new ReportBuilder({ ...reports[0], targets: [...reports[0].targets] }, []).report;
  for (const r of reports) mergeInto(merged, r);
  return { reports, cursors, parts, merged };
}

/**
 * The split snapshot the finalize step writes for these parts (Lake Formation parts only, no database),
 * as `manifest.json` in the parts' folder; returns its path.
 */
export function writeLakeFormationManifest(dir: string, run: PhaseRun, source: { region: string; catalogId: string }): string {
  const last = run.reports[run.reports.length - 1].snapshot!;
  const manifest = {
    header: {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      createdAt: new Date().toISOString(),
      source,
      scope: new Scope().toJSON(),
      lakeFormation: { kinds: last.lakeFormationKinds },
    },
    parts: run.parts,
    totals: { databases: 0, tables: 0, partitions: 0, lakeFormation: run.reports.reduce((n, r) => n + (r.snapshot?.lakeFormation ?? 0), 0) },
  };
  const path = join(dir, 'manifest.json');
  writeFileSync(path, JSON.stringify(manifest));
  return path;
}
