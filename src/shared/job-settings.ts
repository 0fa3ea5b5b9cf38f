import { gunzipSync, gzipSync } from 'node:zlib';
import type { BucketMapping } from './bucket-mapping';
import type { ConnectionMapping } from './connection-mapping';
import { globError } from './glob';
import type { RoleMapping } from './role-mapping';

/**
 * What the construct tells the job's handlers, as JSON in one environment variable.
 * Shared by the construct (which writes it) and the handlers (which read it with `decodeJobSettings`).
 */
export const JOB_SETTINGS_ENV = 'LAKE_REPLICA_SETTINGS';

export interface JobSettings {
  readonly sourceRegion: string;
  readonly targetRegions: readonly string[];
  readonly databases: readonly string[];
  readonly excludeDatabases: readonly string[];
  readonly bucketMappings: readonly BucketMapping[];
  /** Roles the targets name instead of the source's; none when absent. */
  readonly roleMappings?: readonly RoleMapping[];
  /** Each Glue connection's secret and network settings per target Region; none when absent. */
  readonly connectionMappings?: readonly ConnectionMapping[];
  readonly snapshotBucket: string;
  /** Tables converged at once inside one Lambda invocation. */
  readonly tableConcurrency: number;
  /** CloudWatch namespace for the run metrics. */
  readonly metricNamespace: string;
  /** The Lake Formation kinds replicated (see LF_KINDS in the engine); none when absent. */
  readonly lakeFormationKinds?: readonly string[];
  /** Principals never revoked, besides the replicator and each target's data lake admins. */
  readonly protectedPrincipals?: readonly string[];
  /** Rewrite Iceberg metadata chains into the target buckets; on when absent. */
  readonly icebergMetadata?: boolean;
  /** The attached kinds replicated (src/shared/attached-kinds.ts); all of them when absent. */
  readonly attachedKinds?: readonly string[];
}

/** The lists that grow with a lake's configuration: what `packJobSettings` compresses. */
export const PACKABLE_SETTINGS = ['targetRegions', 'databases', 'excludeDatabases', 'bucketMappings', 'roleMappings', 'connectionMappings', 'lakeFormationKinds', 'protectedPrincipals'] as const;

type PackableSetting = typeof PACKABLE_SETTINGS[number];

/**
 * Settings with some of their lists moved into `packed`: their JSON, gzip-compressed, base64. The construct writes
 * this form only when the plain JSON would not fit Lambda's 4 KB of environment variables.
 */
export type PackedJobSettings = Omit<JobSettings, PackableSetting> & Partial<Pick<JobSettings, PackableSetting>> & { readonly packed: string };

/** Moves the named lists (default: all of `PACKABLE_SETTINGS`) into `packed`. They must hold no CDK tokens: compressed, a token cannot resolve. */
export function packJobSettings(settings: JobSettings, fields: readonly PackableSetting[] = PACKABLE_SETTINGS): PackedJobSettings {
  const lists: Record<string, unknown> = {};
  const rest: Record<string, unknown> = { ...settings };
  for (const field of fields) {
    if (settings[field] === undefined) continue;
    lists[field] = settings[field];
    delete rest[field];
  }
  return { ...rest, packed: gzipSync(JSON.stringify(lists), { level: 9 }).toString('base64') } as PackedJobSettings;
}

/** Reads `LAKE_REPLICA_SETTINGS` as written by the construct: plain JSON, or JSON with `packed` lists. */
export function decodeJobSettings(raw: string): JobSettings {
  const parsed = JSON.parse(raw) as JobSettings | PackedJobSettings;
  if (!('packed' in parsed) || typeof parsed.packed !== 'string') return parsed as JobSettings;
  const { packed, ...rest } = parsed;
  const lists = JSON.parse(gunzipSync(Buffer.from(packed, 'base64')).toString('utf8')) as Partial<JobSettings>;
  return { ...rest, ...lists } as JobSettings;
}

/** What one run may override, from the state machine's execution input. */
export interface RunInput {
  readonly prune?: boolean;
  readonly dryRun?: boolean;
  readonly databases?: readonly string[];
  readonly excludeDatabases?: readonly string[];
}

/** The options a run resolves to: run input over settings; never delete unless asked. */
export interface RunOptions {
  readonly prune: boolean;
  readonly dryRun: boolean;
  readonly databases: readonly string[];
  readonly excludeDatabases: readonly string[];
}

export function resolveRunOptions(settings: JobSettings, input: RunInput | undefined): RunOptions {
  const errors = runInputErrors(input ?? {});
  if (errors.length > 0) throw new Error(`invalid run input: ${errors.join('; ')}`);
  return {
    prune: input?.prune ?? false,
    dryRun: input?.dryRun ?? false,
    databases: input?.databases ?? settings.databases,
    excludeDatabases: input?.excludeDatabases ?? settings.excludeDatabases,
  };
}

export function runInputErrors(input: RunInput): string[] {
  const errors: string[] = [];
  const known = new Set(['prune', 'dryRun', 'databases', 'excludeDatabases']);
  for (const key of Object.keys(input)) if (!known.has(key)) errors.push(`unknown field "${key}"; allowed: ${[...known].join(', ')}`);
  for (const flag of ['prune', 'dryRun'] as const) {
    if (input[flag] !== undefined && typeof input[flag] !== 'boolean') errors.push(`"${flag}" must be true or false, not ${JSON.stringify(input[flag])}`);
  }
  for (const list of ['databases', 'excludeDatabases'] as const) {
    const value = input[list];
    if (value === undefined) continue;
    if (!Array.isArray(value)) {
      errors.push(`"${list}" must be a list of patterns, not ${JSON.stringify(value)}`);
      continue;
    }
    for (const p of value) {
      const e = typeof p === 'string' ? globError(list, p) : `${list} pattern ${JSON.stringify(p)} is not a string`;
      if (e) errors.push(e);
    }
  }
  return errors;
}
