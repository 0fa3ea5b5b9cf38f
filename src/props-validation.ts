import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { CloudTrailLookupStrategy, type MultiRegionLakeReplicaProps } from './multi-region-lake-replica-props';
import { bucketMappingErrors } from './shared/bucket-mapping';
import { connectionMappingErrors } from './shared/connection-mapping';
import { globError } from './shared/glob';
import { roleMappingErrors } from './shared/role-mapping';
import { principalError, regionListErrors } from './shared/validation';

/** CloudTrail LookupEvents reaches back 90 days. */
const CLOUDTRAIL_RETENTION = Duration.days(90);

/** Log levels that keep the embedded metric lines, which Lambda files as INFO. */
const METRIC_SAFE_LOG_LEVELS: readonly string[] = [
  lambda.ApplicationLogLevel.INFO, lambda.ApplicationLogLevel.DEBUG, lambda.ApplicationLogLevel.TRACE,
];

const resolved = (value: unknown) => !Token.isUnresolved(value);

/** Every problem with the props, each naming the prop, the bad value and what is allowed; token values are skipped. */
export function propsErrors(props: MultiRegionLakeReplicaProps): string[] {
  const errors: string[] = [];

  if (resolved(props.targetRegions)) {
    // A token Region (e.g. Aws.REGION) counts as a target; only the Regions known at synth are checked.
    const targets = props.targetRegions.filter(resolved);
    const source = resolved(props.sourceRegion) ? props.sourceRegion : undefined;
    const messages = regionListErrors(source ?? 'us-east-1', targets)
      .filter(e => props.targetRegions.length === 0 || !e.startsWith('at least one target Region'))
      .filter(e => source !== undefined || !e.includes('is the source Region'));
    for (const m of messages) errors.push(`${m.startsWith('source Region') ? 'sourceRegion' : 'targetRegions'}: ${m}`);
  }
  for (const [prop, patterns] of [['databases', props.databases], ['excludeDatabases', props.excludeDatabases]] as const) {
    if (patterns === undefined || !resolved(patterns)) continue;
    if (prop === 'databases' && patterns.length === 0) errors.push('databases: the list is empty; leave it out to replicate every database');
    for (const p of patterns.filter(resolved)) {
      const e = globError(prop, p);
      if (e) errors.push(`${prop}: ${e}`);
    }
  }
  errors.push(...mappingErrors('bucketMappings', props.bucketMappings, props.targetRegions, m => m.sourceBucket, m => [m.targetBucket], bucketMappingErrors));
  errors.push(...mappingErrors('roleMappings', props.roleMappings, props.targetRegions, m => m.sourceRole, m => [m.targetRole], roleMappingErrors));
  errors.push(...mappingErrors('connectionMappings', props.connectionMappings, props.targetRegions, m => m.connection,
    m => [m.secretArn, m.subnetId, m.availabilityZone, ...m.securityGroupIds ?? []], connectionMappingErrors));
  if (props.pollInterval && !props.pollInterval.isUnresolved()) {
    const ms = props.pollInterval.toMilliseconds();
    if (ms < 60_000 || ms % 60_000 !== 0) {
      errors.push(`pollInterval: ${props.pollInterval.toHumanString()} is not allowed; use whole minutes of at least 1 minute (EventBridge schedules run at minute granularity)`);
    }
  }
  if (props.lookback && !props.lookback.isUnresolved()) {
    const ms = props.lookback.toMilliseconds();
    if (ms > CLOUDTRAIL_RETENTION.toMilliseconds()) {
      errors.push(`lookback: ${props.lookback.toHumanString()} is longer than CloudTrail's 90 days of event history; use at most Duration.days(90)`);
    }
    const poll = props.pollInterval && !props.pollInterval.isUnresolved() ? props.pollInterval.toMilliseconds() : 60_000;
    if (ms < poll) errors.push(`lookback: ${props.lookback.toHumanString()} is shorter than the poll interval; it must cover at least one poll`);
  }
  if (props.protectedPrincipals && resolved(props.protectedPrincipals)) {
    for (const p of props.protectedPrincipals.filter(resolved)) {
      const e = principalError('protectedPrincipals', p);
      if (e) errors.push(`protectedPrincipals: ${e}`);
    }
  }
  errors.push(...wholeNumber('maxConcurrency', props.maxConcurrency, 1, 10_000));
  errors.push(...wholeNumber('tableConcurrency', props.tableConcurrency, 1, 64));
  errors.push(...wholeNumber('memorySize', props.memorySize, 512, 10_240));
  if (props.eventRetention && !props.eventRetention.isUnresolved() && props.eventRetention.toHours({ integral: false }) < 1) {
    errors.push(`eventRetention: ${props.eventRetention.toHumanString()} is too short; keep ledger events for at least 1 hour so failures can be redriven`);
  }
  if (props.replicationLagAlarmThreshold && !props.replicationLagAlarmThreshold.isUnresolved()
    && props.replicationLagAlarmThreshold.toMilliseconds() < 60_000) {
    errors.push(`replicationLagAlarmThreshold: ${props.replicationLagAlarmThreshold.toHumanString()} is below 1 minute; CloudTrail alone takes minutes to deliver events`);
  }
  const strategies: string[] = Object.values(CloudTrailLookupStrategy);
  if (props.lookupStrategy !== undefined && resolved(props.lookupStrategy) && !strategies.includes(props.lookupStrategy)) {
    errors.push(`lookupStrategy: ${JSON.stringify(props.lookupStrategy)} is not allowed; use CloudTrailLookupStrategy.WRITE_EVENTS ('write-events') `
      + 'or CloudTrailLookupStrategy.EVENT_NAMES (\'event-names\')');
  }
  if (props.snapshotRetention && !props.snapshotRetention.isUnresolved() && props.snapshotRetention.toDays({ integral: false }) < 1) {
    errors.push(`snapshotRetention: ${props.snapshotRetention.toHumanString()} is too short; keep snapshots for at least 1 day`);
  }
  if (props.logLevel !== undefined && !METRIC_SAFE_LOG_LEVELS.includes(props.logLevel)) {
    errors.push(`logLevel: ${props.logLevel} is not allowed; use ApplicationLogLevel.INFO, DEBUG or TRACE (Lambda files the embedded `
      + 'metric lines as INFO, so a higher level would drop the metrics the alarms watch)');
  }
  return errors;
}

function wholeNumber(prop: string, value: number | undefined, min: number, max: number): string[] {
  if (value === undefined || Token.isUnresolved(value)) return [];
  if (!Number.isInteger(value) || value < min || value > max) return [`${prop}: ${value} is not allowed; use a whole number from ${min} to ${max}`];
  return [];
}

/** A synth warning: props that work, but not as their author probably meant. */
export interface PropsWarning {
  /** For `Annotations.addWarningV2`, so a user can acknowledge it. */
  readonly id: string;
  readonly message: string;
}

const WARNING_ID = 'cdk-multi-region-lake-replica';

/** The props only near-real-time mode reads. */
const NEAR_REAL_TIME_PROPS = ['pollInterval', 'lookback', 'eventRetention', 'replicationLagAlarmThreshold', 'lookupStrategy'] as const;

/**
 * What deserves a warning rather than an error: props that are ignored, Regions `aws-cdk-lib` does not know,
 * a snapshot bucket that `RemovalPolicy.DESTROY` cannot delete, and a stack deployed in the Region it protects.
 * @param stackRegion the Region of the stack the construct is in, when known at synth
 */
export function propsWarnings(props: MultiRegionLakeReplicaProps, stackRegion: string | undefined): PropsWarning[] {
  const warnings: PropsWarning[] = [];
  if (props.nearRealTime === false) {
    for (const prop of NEAR_REAL_TIME_PROPS.filter(p => props[p] !== undefined)) {
      warnings.push({
        id: `${WARNING_ID}:ignoredProp`,
        message: `${prop}: ${describe(props[prop])} is ignored because nearRealTime is false; remove it, or leave nearRealTime on to follow changes from CloudTrail`,
      });
    }
  }
  if (props.snapshotBucket && props.snapshotRetention) {
    warnings.push({
      id: `${WARNING_ID}:ignoredProp`,
      message: `snapshotRetention: ${describe(props.snapshotRetention)} is ignored because snapshotBucket is your own bucket; `
        + 'give that bucket lifecycle rules for the runs/ and latest/ prefixes instead',
    });
  }
  if (!props.snapshotBucket && props.removalPolicy === RemovalPolicy.DESTROY) {
    warnings.push({
      id: `${WARNING_ID}:bucketNotEmptied`,
      message: 'removalPolicy: DESTROY cannot delete the snapshot bucket while it holds objects (it is versioned and nothing empties it), '
        + 'so removing the construct fails on the bucket; delete its object versions first, pass your own snapshotBucket, or keep RETAIN',
    });
  }
  const known = new Set(RegionInfo.regions.map(r => r.name));
  const regions: Array<[string, string | undefined]> = [
    ['sourceRegion', props.sourceRegion],
    ...(resolved(props.targetRegions) ? props.targetRegions : []).map((r): [string, string] => ['targetRegions', r]),
  ];
  for (const [prop, region] of regions) {
    if (region === undefined || !resolved(region) || known.has(region)) continue;
    warnings.push({
      id: `${WARNING_ID}:unknownRegion`,
      message: `${prop}: "${region}" is not a Region this aws-cdk-lib knows; check the name (a Region newer than your aws-cdk-lib is fine)`,
    });
  }
  if (stackRegion !== undefined && resolved(stackRegion) && resolved(props.sourceRegion) && stackRegion === props.sourceRegion) {
    const target = resolved(props.targetRegions) ? props.targetRegions.find(resolved) : undefined;
    warnings.push({
      id: `${WARNING_ID}:stackInSourceRegion`,
      message: `the stack is deployed in ${stackRegion}, the sourceRegion it protects: when that Region fails, the job, its snapshots and `
        + `its alarms fail with it; deploy the stack in a target Region${target ? ` (e.g. ${target})` : ''}`,
    });
  }
  return warnings;
}

function describe(value: unknown): string {
  if (value instanceof Duration) return value.toHumanString();
  return JSON.stringify(value);
}

/** A mapping prop's errors, over its entries that are known at synth: each named by its source, checked against targetRegions. */
function mappingErrors<T extends { readonly targetRegion?: string }>(
  prop: string, mappings: readonly T[] | undefined, targetRegions: readonly string[], source: (m: T) => string,
  others: (m: T) => unknown[], errorsOf: (concrete: T[]) => string[],
): string[] {
  if (!mappings || !resolved(mappings)) return [];
  const concrete = mappings.filter(m => resolved(source(m)) && others(m).every(resolved) && resolved(m.targetRegion));
  const errors = errorsOf(concrete).map(m => `${prop}: ${m}`);
  for (const m of concrete) {
    if (m.targetRegion && resolved(targetRegions) && !targetRegions.includes(m.targetRegion)) {
      errors.push(`${prop}: the mapping for "${source(m)}" names targetRegion "${m.targetRegion}", which is not in targetRegions`);
    }
  }
  return errors;
}
