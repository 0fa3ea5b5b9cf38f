import { Stack, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { JOB_SETTINGS_ENV, PACKABLE_SETTINGS, packJobSettings, type JobSettings } from './shared/job-settings';
import { REALTIME_SETTINGS_ENV, type RealtimeSettings } from './shared/realtime-settings';

/** Lambda's limit for a function's environment variables together, measured as their JSON (`{"NAME":"value",...}`). */
export const LAMBDA_ENVIRONMENT_LIMIT = 4096;

/** The longest value a token may resolve to, by settings field; any other token counts as `OTHER_TOKEN_LENGTH`. */
const TOKEN_LENGTH: Readonly<Record<string, number>> = {
  snapshotBucket: 63,
  ledgerTable: 255,
  metricNamespace: 255,
  reconcileStateMachineArn: 256,
};
const OTHER_TOKEN_LENGTH = 256;

/** What the construct's props put into the settings lists, to name the one that takes the room. */
const PROP_OF_SETTING: Readonly<Record<string, string>> = {
  targetRegions: 'targetRegions',
  databases: 'databases',
  excludeDatabases: 'excludeDatabases',
  bucketMappings: 'bucketMappings',
  protectedPrincipals: 'protectedPrincipals',
};

/** Every function logs JSON (each line with its request id) at the construct's level; Lambda's own lines at INFO. */
export function loggingOptions(logLevel: lambda.ApplicationLogLevel = lambda.ApplicationLogLevel.INFO) {
  return {
    loggingFormat: lambda.LoggingFormat.JSON,
    applicationLogLevelV2: logLevel,
    systemLogLevelV2: lambda.SystemLogLevel.INFO,
  };
}

/**
 * The environment of a function that reads the job settings (and, for the near-real-time functions, the
 * realtime settings), proven at synth to fit Lambda's limit with the longest values its tokens could take.
 * Plain JSON when it fits; otherwise the lists travel compressed (`packJobSettings`); a synth error names
 * the prop that takes the room when even that does not fit.
 */
export function settingsEnvironment(scope: Construct, settings: JobSettings, realtime?: RealtimeSettings): Record<string, string> {
  const stack = Stack.of(scope);
  const render = (job: object) => ({ [JOB_SETTINGS_ENV]: job, ...(realtime ? { [REALTIME_SETTINGS_ENV]: realtime } : {}) });
  const plain = render(settings);
  let chosen: Record<string, object> = plain;
  if (worstCaseSize(plain) > LAMBDA_ENVIRONMENT_LIMIT) {
    const packable = PACKABLE_SETTINGS.filter(field => settings[field] !== undefined && !hasToken(settings[field]));
    const packed = render(packJobSettings(settings, packable));
    if (worstCaseSize(packed) > LAMBDA_ENVIRONMENT_LIMIT) throw new Error(tooLarge(settings, worstCaseSize(packed)));
    chosen = packed;
  }
  return Object.fromEntries(Object.entries(chosen).map(([name, value]) => [name, stack.toJsonString(value)]));
}

/** The environment's size as Lambda measures it, each token replaced by the longest value it may resolve to. */
export function worstCaseSize(environment: Record<string, object>): number {
  const rendered = Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, JSON.stringify(withLongestTokens(value))]));
  return Buffer.byteLength(JSON.stringify(rendered), 'utf8');
}

function withLongestTokens(value: unknown, field = ''): unknown {
  if (Token.isUnresolved(value)) return 'x'.repeat(TOKEN_LENGTH[field] ?? OTHER_TOKEN_LENGTH);
  if (Array.isArray(value)) return value.map(v => withLongestTokens(v, field));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withLongestTokens(v, k)]));
  }
  return value;
}

function hasToken(value: unknown): boolean {
  if (Token.isUnresolved(value)) return true;
  if (Array.isArray(value)) return value.some(hasToken);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasToken);
  return false;
}

function tooLarge(settings: JobSettings, size: number): string {
  const [field, bytes] = Object.keys(PROP_OF_SETTING)
    .map((f): [string, number] => [f, JSON.stringify(settings[f as keyof JobSettings] ?? []).length])
    .sort((a, b) => b[1] - a[1])[0];
  const count = (settings[field as keyof JobSettings] as readonly unknown[] | undefined)?.length ?? 0;
  return `Invalid MultiRegionLakeReplica props:\n  - ${PROP_OF_SETTING[field]}: its ${count} entries take ${bytes} bytes of the functions' `
    + `settings, which need ${size} bytes even compressed (counting the longest names its tokens may resolve to), over Lambda's `
    + `${LAMBDA_ENVIRONMENT_LIMIT}-byte limit for a function's environment; use fewer or shorter entries (e.g. one bucket mapping for every `
    + 'target Region instead of one per Region, or one pattern for several databases), or split the lake over two constructs';
}
