import { parseArgs } from 'node:util';
import { COMMANDS, didYouMean, OPTIONS, optionName, UsageError, type CommandName } from './usage';
import type { EngineSettings } from '../engine/engine';
import type { Mode } from '../engine/kernel/report';
import type { PromoteSettings } from '../engine/promote/promote';
import { ATTACHED_SWITCH_NAMES, attachedKindsWithout } from '../shared/attached-kinds';
import { BUCKET_MAPPINGS } from '../shared/bucket-mapping';
import { connectionMappingErrors, parseConnectionMapping, type ConnectionMapping } from '../shared/connection-mapping';
import { globError } from '../shared/glob';
import { kindsWithout, LF_SWITCHES, SKIP_ALL_LAKE_FORMATION } from '../shared/lake-formation-kinds';
import { mappingErrors, parseMapping, type Mapping, type MappingKind } from '../shared/mappings';
import { ROLE_MAPPINGS } from '../shared/role-mapping';
import { principalError, regionError, regionListErrors } from '../shared/validation';

export interface CliCommand {
  readonly help: boolean;
  /** With `help`: the command whose help was asked for (`lake-replica sync --help`). */
  readonly helpCommand?: CommandName;
  readonly json: boolean;
  readonly job?: CliJob;
  readonly redrive?: RedriveConfig;
  readonly promote?: PromoteConfig;
}

/** `promote` / `demote`: one Region, and how to reach AWS. */
export interface PromoteConfig extends PromoteSettings {
  readonly command: 'promote' | 'demote';
  readonly endpoint?: string;
  readonly maxAttempts?: number;
}

/** A plan, sync, verify, snapshot or restore: the engine's settings, and how to reach AWS. */
export interface CliJob extends EngineSettings {
  readonly endpoint?: string;
  /** Attempts per AWS call (AWS_MAX_ATTEMPTS); the engine's default when absent. */
  readonly maxAttempts?: number;
}

/** `redrive`: set the near-real-time ledger's FAILED events back to PENDING (and wake stale PENDING ones). */
export interface RedriveConfig {
  readonly ledgerTable: string;
  readonly ledgerRegion: string;
  readonly targetRegion?: string;
  readonly dryRun: boolean;
  /** Also wake PENDING events the applier has not answered for in 15 minutes. */
  readonly includeStalePending: boolean;
  readonly endpoint?: string;
  readonly maxAttempts?: number;
}

type Command = CommandName;

/** Which options each command accepts beyond the shared ones (`--endpoint-url`, `--json`, `--help`). */
const ONLY_FOR: Record<string, readonly Command[]> = Object.fromEntries(
  OPTIONS.filter(o => o.commands).map(o => [optionName(o), o.commands!]),
);
const OPTION_NAMES = OPTIONS.map(optionName);

/** `--skip iceberg-metadata`: Iceberg replicas keep the source's metadata chain (with a warning per table). */
export const SKIP_ICEBERG_METADATA = 'iceberg-metadata';

/** What `--skip` takes: a group of Lake Formation state, or all of it, an attached kind, or the Iceberg metadata rewrite. */
export const SKIP_NAMES: readonly string[] = [...Object.keys(LF_SWITCHES), SKIP_ALL_LAKE_FORMATION, ...ATTACHED_SWITCH_NAMES, SKIP_ICEBERG_METADATA];


export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        'source-region': { type: 'string' },
        'region': { type: 'string' },
        'target-region': { type: 'string', multiple: true },
        'database': { type: 'string', multiple: true },
        'exclude-database': { type: 'string', multiple: true },
        'bucket-map': { type: 'string', multiple: true },
        'role-map': { type: 'string', multiple: true },
        'connection-map': { type: 'string', multiple: true },
        'prune': { type: 'boolean' },
        'storage': { type: 'boolean' },
        'out': { type: 'string' },
        'from': { type: 'string' },
        'endpoint-url': { type: 'string' },
        'concurrency': { type: 'string' },
        'skip': { type: 'string', multiple: true },
        'protect-principal': { type: 'string', multiple: true },
        'ledger-table': { type: 'string' },
        'ledger-region': { type: 'string' },
        'dry-run': { type: 'boolean' },
        'include-stale-pending': { type: 'boolean' },
        'json': { type: 'boolean' },
        'help': { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(parseArgsMessage(error as Error & { code?: string }));
  }
  const { values: v, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (v.help) {
    return COMMANDS.includes(command as Command) ? { help: true, json: false, helpCommand: command as Command } : { help: true, json: false };
  }
  if (!command) throw new UsageError(`a command is required: one of ${COMMANDS.join(', ')}`);
  if (!COMMANDS.includes(command as Command)) {
    throw new UsageError(`unknown command "${command}"${didYouMean(command, COMMANDS)}; expected one of ${COMMANDS.join(', ')}`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);

  for (const [option, commands] of Object.entries(ONLY_FOR)) {
    if ((v as Record<string, unknown>)[option] !== undefined && !commands.includes(command as Command)) {
      const instead = option === 'dry-run' && command === 'sync' ? ' (plan shows what sync would change)' : '';
      throw new UsageError(`--${option} does not apply to ${command}; it is for ${commands.join(', ')}${instead}`);
    }
  }
  const endpoint = v['endpoint-url'] ?? (env.AWS_ENDPOINT_URL || undefined);
  const endpointError = endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint) ? `endpoint URL "${endpoint}" is not an http(s) URL` : undefined;
  if (command === 'redrive') return { help: false, json: v.json ?? false, redrive: redriveConfig(v, env, endpoint, endpointError) };
  if (command === 'promote' || command === 'demote') {
    return { help: false, json: v.json ?? false, promote: promoteConfig(command, v, env, endpoint, endpointError) };
  }
  const mode = command as Mode;

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

  const bucketMappings = cliMappings(BUCKET_MAPPINGS, v['bucket-map'], targets, errors);
  const roleMappings = cliMappings(ROLE_MAPPINGS, v['role-map'], targets, errors);
  const connectionMappings = cliConnectionMappings(v['connection-map'], targets, errors);

  const concurrency = v.concurrency === undefined ? 8 : Number(v.concurrency);
  if ((v.concurrency !== undefined && !/^\d+$/.test(v.concurrency)) || concurrency < 1 || concurrency > 64) {
    errors.push(`--concurrency "${v.concurrency}" is not allowed; expected a whole number from 1 to 64`);
  }
  if (endpointError) errors.push(endpointError);
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
      roleMappings,
      ...connectionMappings.length > 0 ? { connectionMappings } : {},
      prune: v.prune ?? false,
      concurrency,
      lakeFormation: { kinds: kindsWithout(skipped), protectedPrincipals: v['protect-principal'] ?? [] },
      // Left out (on, the default) unless skipped.
      icebergMetadata: skipped.includes(SKIP_ICEBERG_METADATA) ? false : undefined,
      attachedKinds: attachedKindsWithout(skipped),
      storageCheck: v.storage ? true : undefined,
      snapshotLocation: v.out ?? v.from,
      endpoint,
      maxAttempts: Number(env.AWS_MAX_ATTEMPTS) || undefined,
    },
  };
}

/** parseArgs's message without its hint about positionals, with a suggestion for a mistyped option. */
function parseArgsMessage(error: Error & { code?: string }): string {
  const message = error.message.replace(/\. To specify a positional argument.*$/s, '');
  const unknown = error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(--?[^']+)'/.exec(message)?.[1] : undefined;
  if (!unknown?.startsWith('--')) return message;
  return `${message}${didYouMean(unknown.slice(2), OPTION_NAMES, name => `--${name}`)}`;
}

function redriveConfig(
  v: { 'ledger-table'?: string; 'ledger-region'?: string; 'target-region'?: string[]; 'dry-run'?: boolean; 'include-stale-pending'?: boolean },
  env: NodeJS.ProcessEnv, endpoint: string | undefined, endpointError: string | undefined,
): RedriveConfig {
  const errors: string[] = [];
  const table = v['ledger-table'];
  if (!table) errors.push('redrive needs --ledger-table NAME (the construct\'s ledger table: its stack output <id>LedgerTableName)');
  else if (!/^[A-Za-z0-9_.-]{3,255}$/.test(table)) errors.push(`--ledger-table "${table}" is not a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)`);
  const region = v['ledger-region'] ?? (env.AWS_REGION || undefined);
  if (!region) {errors.push('redrive needs --ledger-region R (the Region the construct is deployed in), or AWS_REGION');} else { const e = regionError('ledger Region', region); if (e) errors.push(e); }
  const targets = v['target-region'] ?? [];
  if (targets.length > 1) errors.push('redrive takes at most one --target-region; leave it out to redrive every target');
  for (const t of targets) { const e = regionError('target Region', t); if (e) errors.push(e); }
  if (endpointError) errors.push(endpointError);
  if (errors.length > 0) throw new UsageError(errors.join('\n'));
  return {
    ledgerTable: table!,
    ledgerRegion: region!,
    targetRegion: targets[0],
    dryRun: v['dry-run'] ?? false,
    includeStalePending: v['include-stale-pending'] ?? false,
    endpoint,
    maxAttempts: Number(env.AWS_MAX_ATTEMPTS) || undefined,
  };
}

function promoteConfig(
  command: 'promote' | 'demote',
  v: { 'region'?: string; 'from'?: string; 'dry-run'?: boolean; 'database'?: string[]; 'exclude-database'?: string[]; 'skip'?: string[] },
  env: NodeJS.ProcessEnv, endpoint: string | undefined, endpointError: string | undefined,
): PromoteConfig {
  const errors: string[] = [];
  const region = v.region;
  if (!region) {errors.push(`${command} needs --region R (the Region to ${command})`);} else { const e = regionError('Region', region); if (e) errors.push(e); }
  for (const p of v.database ?? []) { const e = globError('--database', p); if (e) errors.push(e); }
  for (const p of v['exclude-database'] ?? []) { const e = globError('--exclude-database', p); if (e) errors.push(e); }
  for (const name of v.skip ?? []) {
    if (!ATTACHED_SWITCH_NAMES.includes(name)) errors.push(`--skip "${name}" is not allowed for ${command}; expected one of ${ATTACHED_SWITCH_NAMES.join(', ')}`);
  }
  if (endpointError) errors.push(endpointError);
  if (errors.length > 0) throw new UsageError(errors.join('\n'));
  return {
    command,
    region: region!,
    snapshotLocation: v.from,
    scope: { databases: v.database, excludeDatabases: v['exclude-database'] },
    attachedKinds: attachedKindsWithout(v.skip ?? []),
    dryRun: v['dry-run'] ?? false,
    endpoint,
    maxAttempts: Number(env.AWS_MAX_ATTEMPTS) || undefined,
  };
}

/**
 * One mapping option's rules, parsed; their problems (each malformed one, one source mapped twice, a Region that is
 * no target) go to `errors`.
 */
/** `--connection-map NAME@REGION=secret=ARN,subnet=ID,sg=ID1+ID2,az=ZONE`, each for a --target-region. */
function cliConnectionMappings(texts: readonly string[] | undefined, targets: readonly string[], errors: string[]): ConnectionMapping[] {
  const mappings: ConnectionMapping[] = [];
  for (const text of texts ?? []) {
    try {
      mappings.push(parseConnectionMapping(text));
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  errors.push(...connectionMappingErrors(mappings).filter(e => e.includes('mapped twice')));
  for (const m of mappings) {
    if (!targets.includes(m.targetRegion)) errors.push(`--connection-map for "${m.connection}" names Region "${m.targetRegion}", which is not a --target-region`);
  }
  return mappings;
}

function cliMappings<T extends Mapping>(
  kind: MappingKind<T>, texts: readonly string[] | undefined, targets: readonly string[], errors: string[],
): T[] {
  const mappings: T[] = [];
  for (const text of texts ?? []) {
    try {
      mappings.push(parseMapping(kind, text));
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  errors.push(...mappingErrors(kind, mappings).filter(e => e.includes('mapped twice')));
  for (const m of mappings) {
    if (m.targetRegion && !targets.includes(m.targetRegion)) {
      errors.push(`${kind.option} for "${kind.source(m)}" names Region "${m.targetRegion}", which is not a --target-region`);
    }
  }
  return mappings;
}
