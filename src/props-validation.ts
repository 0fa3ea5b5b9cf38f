import { Duration, Token } from 'aws-cdk-lib';
import { bucketMappingErrors } from './bucket-mapping';
import { CloudTrailLookupStrategy, type MultiRegionLakeReplicaProps } from './multi-region-lake-replica';
import { globError } from './shared/glob';
import { principalError, regionListErrors } from './shared/validation';

/** CloudTrail LookupEvents reaches back 90 days. */
const CLOUDTRAIL_RETENTION = Duration.days(90);

const resolved = (value: unknown) => !Token.isUnresolved(value);

/** Every problem with the props, each naming the prop, the bad value and what is allowed; token values are skipped. */
export function propsErrors(props: MultiRegionLakeReplicaProps): string[] {
  const errors: string[] = [];

  if (resolved(props.targetRegions)) {
    const targets = props.targetRegions.filter(resolved);
    const source = resolved(props.sourceRegion) ? props.sourceRegion : undefined;
    const messages = source !== undefined
      ? regionListErrors(source, targets)
      : regionListErrors('us-east-1', targets).filter(e => !e.includes('is the source Region'));
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
  if (props.bucketMappings && resolved(props.bucketMappings)) {
    const concrete = props.bucketMappings.filter(m => resolved(m.sourceBucket) && resolved(m.targetBucket) && resolved(m.targetRegion));
    errors.push(...bucketMappingErrors(concrete).map(m => `bucketMappings: ${m}`));
    for (const m of concrete) {
      if (m.targetRegion && resolved(props.targetRegions) && !props.targetRegions.includes(m.targetRegion)) {
        errors.push(`bucketMappings: the mapping for "${m.sourceBucket}" names targetRegion "${m.targetRegion}", which is not in targetRegions`);
      }
    }
  }
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
  return errors;
}

function wholeNumber(prop: string, value: number | undefined, min: number, max: number): string[] {
  if (value === undefined || Token.isUnresolved(value)) return [];
  if (!Number.isInteger(value) || value < min || value > max) return [`${prop}: ${value} is not allowed; use a whole number from ${min} to ${max}`];
  return [];
}
