import { parseArgs } from 'node:util';
import { UsageError } from './usage';
import { kindsWithout, LF_SWITCHES, SKIP_ALL_LAKE_FORMATION } from '../engine/lake-formation/lf-state';
import type { Mode } from '../engine/report';
import type { JobConfig } from '../engine/run-job';
import { bucketMappingErrors, parseBucketMapping, type BucketMappingRule } from '../shared/bucket-mapping';
import { globError } from '../shared/glob';
import { principalError, regionError, regionListErrors } from '../shared/validation';

export interface CliCommand {
  readonly help: boolean;
  readonly json: boolean;
  readonly job?: JobConfig;
}

const COMMANDS: readonly Mode[] = ['plan', 'sync', 'verify', 'snapshot', 'restore'];

/** Which options each command accepts beyond the shared ones. */
const ONLY_FOR: Record<string, readonly Mode[]> = {
  'prune': ['plan', 'sync', 'restore'],
  'out': ['snapshot'],
  'from': ['restore'],
  'target-region': ['plan', 'sync', 'verify', 'restore'],
  'bucket-map': ['plan', 'sync', 'verify', 'restore'],
  'protect-principal': ['plan', 'sync', 'verify', 'restore'],
};

/** What `--skip` takes: a group of Lake Formation state, or all of it. */
export const SKIP_NAMES: readonly string[] = [...Object.keys(LF_SWITCHES), SKIP_ALL_LAKE_FORMATION];


export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        'source-region': { type: 'string' },
        'target-region': { type: 'string', multiple: true },
        'database': { type: 'string', multiple: true },
        'exclude-database': { type: 'string', multiple: true },
        'bucket-map': { type: 'string', multiple: true },
        'prune': { type: 'boolean' },
        'out': { type: 'string' },
        'from': { type: 'string' },
        'endpoint-url': { type: 'string' },
        'concurrency': { type: 'string' },
        'skip': { type: 'string', multiple: true },
        'protect-principal': { type: 'string', multiple: true },
        'json': { type: 'boolean' },
        'help': { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { help: true, json: false };
  const [command, ...extra] = positionals;
  if (!command) throw new UsageError('a command is required: one of plan, sync, verify, snapshot, restore');
  if (!COMMANDS.includes(command as Mode)) throw new UsageError(`unknown command "${command}"; expected one of ${COMMANDS.join(', ')}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const mode = command as Mode;

  for (const [option, modes] of Object.entries(ONLY_FOR)) {
    if ((v as Record<string, unknown>)[option] !== undefined && !modes.includes(mode)) {
      throw new UsageError(`--${option} does not apply to ${mode}; it is for ${modes.join(', ')}`);
    }
  }

  const targets = v['target-region'] ?? [];
  const source = v['source-region'];
  const errors: string[] = [];
  if (mode === 'restore') {
    if (source !== undefined) {errors.push(...regionListErrors(source, targets));} else {
      if (targets.length === 0) errors.push('restore needs at least one --target-region');
      for (const t of targets) { const e = regionError('target Region', t); if (e) errors.push(e); }
      if (new Set(targets).size !== targets.length) errors.push('a --target-region is listed twice; list each target once');
    }
    if (!v.from) errors.push('restore needs --from FILE or s3://bucket/key');
  } else if (mode === 'snapshot') {
    if (source === undefined) {errors.push('snapshot needs --source-region');} else { const e = regionError('source Region', source); if (e) errors.push(e); }
    if (!v.out) errors.push('snapshot needs --out FILE or s3://bucket/key');
  } else {
    if (source === undefined) errors.push(`${mode} needs --source-region`);
    else errors.push(...regionListErrors(source, targets));
  }
  for (const p of v.database ?? []) { const e = globError('--database', p); if (e) errors.push(e); }
  for (const p of v['exclude-database'] ?? []) { const e = globError('--exclude-database', p); if (e) errors.push(e); }

  const bucketMappings: BucketMappingRule[] = [];
  for (const text of v['bucket-map'] ?? []) {
    try {
      bucketMappings.push(parseBucketMapping(text));
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  errors.push(...bucketMappingErrors(bucketMappings).filter(e => e.includes('mapped twice')));
  for (const m of bucketMappings) {
    if (m.targetRegion && !targets.includes(m.targetRegion)) {
      errors.push(`--bucket-map for "${m.sourceBucket}" names Region "${m.targetRegion}", which is not a --target-region`);
    }
  }

  const concurrency = v.concurrency === undefined ? 8 : Number(v.concurrency);
  if ((v.concurrency !== undefined && !/^\d+$/.test(v.concurrency)) || concurrency < 1 || concurrency > 64) {
    errors.push(`--concurrency "${v.concurrency}" is not allowed; expected a whole number from 1 to 64`);
  }
  const endpoint = v['endpoint-url'] ?? (env.AWS_ENDPOINT_URL || undefined);
  if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint)) {
    errors.push(`endpoint URL "${endpoint}" is not an http(s) URL`);
  }
  const skipped = v.skip ?? [];
  for (const name of skipped) {
    if (!SKIP_NAMES.includes(name)) errors.push(`--skip "${name}" is not allowed; expected one of ${SKIP_NAMES.join(', ')}`);
  }
  for (const principal of v['protect-principal'] ?? []) {
    const e = principalError('--protect-principal', principal);
    if (e) errors.push(e);
  }
  if (errors.length > 0) throw new UsageError(errors.join('\n'));

  return {
    help: false,
    json: v.json ?? false,
    job: {
      mode,
      sourceRegion: source,
      targetRegions: targets,
      scope: { databases: v.database, excludeDatabases: v['exclude-database'] },
      bucketMappings,
      prune: v.prune ?? false,
      concurrency,
      lakeFormation: { kinds: kindsWithout(skipped), protectedPrincipals: v['protect-principal'] ?? [] },
      snapshotLocation: v.out ?? v.from,
      endpoint,
    },
  };
}
