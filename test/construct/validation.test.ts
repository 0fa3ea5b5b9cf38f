import { Duration, Stack } from 'aws-cdk-lib';
import { MultiRegionLakeReplica, type MultiRegionLakeReplicaProps } from '../../src';
import { ENV, testApp } from '../support/synth';

function build(props: Partial<MultiRegionLakeReplicaProps>) {
  const stack = new Stack(testApp(), 'Lake', { env: ENV });
  return new MultiRegionLakeReplica(stack, 'Replica', { sourceRegion: 'us-east-1', targetRegions: ['us-west-2'], ...props });
}

describe('invalid props fail at synth, naming the prop, the bad value and what is allowed', () => {
  test.each<[string, Partial<MultiRegionLakeReplicaProps>, RegExp]>([
    ['an invalid source Region', { sourceRegion: 'us-east' }, /sourceRegion: source Region "us-east" is not a valid AWS Region name; expected a name such as "us-east-1"/],
    ['an invalid target Region', { targetRegions: ['US-WEST-2'] }, /targetRegions: target Region "US-WEST-2" is not a valid AWS Region name/],
    ['the source Region as a target', { targetRegions: ['us-east-1'] }, /targetRegions: target Region "us-east-1" is the source Region; a replica must live in another Region/],
    ['a duplicate target', { targetRegions: ['us-west-2', 'us-west-2'] }, /targetRegions: target Region "us-west-2" is listed twice/],
    ['an empty target list', { targetRegions: [] }, /targetRegions: at least one target Region is required/],
    ['an invalid source bucket', { bucketMappings: [{ sourceBucket: 'Bad_Bucket', targetBucket: 'good-bucket' }] },
      /bucketMappings: source bucket "Bad_Bucket" is not a valid S3 bucket name: S3 bucket names are 3-63 characters/],
    ['an invalid target bucket', { bucketMappings: [{ sourceBucket: 'good-bucket', targetBucket: '192.168.1.1' }] },
      /bucketMappings: target bucket "192.168.1.1" is not a valid S3 bucket name/],
    ['a source bucket mapped twice for the same target', {
      bucketMappings: [{ sourceBucket: 'raw-data', targetBucket: 'raw-a', targetRegion: 'us-west-2' }, { sourceBucket: 'raw-data', targetBucket: 'raw-b', targetRegion: 'us-west-2' }],
    }, /bucketMappings: source bucket "raw-data" is mapped twice for target Region "us-west-2"/],
    ['a mapping for a Region that is not a target', { bucketMappings: [{ sourceBucket: 'raw-data', targetBucket: 'raw-b', targetRegion: 'eu-west-1' }] },
      /names targetRegion "eu-west-1", which is not in targetRegions/],
    ['a poll interval under a minute', { pollInterval: Duration.seconds(30) }, /pollInterval: 30 seconds is not allowed; use whole minutes of at least 1 minute/],
    ['a poll interval not in whole minutes', { pollInterval: Duration.seconds(90) }, /pollInterval: 1 minute 30 seconds is not allowed; use whole minutes/],
    ['a lookback longer than 90 days', { lookback: Duration.days(91) }, /lookback: 91 days is longer than CloudTrail's 90 days of event history; use at most Duration.days\(90\)/],
    ['a lookback shorter than the poll interval', { pollInterval: Duration.minutes(10), lookback: Duration.minutes(5) }, /lookback: 5 minutes is shorter than the poll interval/],
    ['an empty pattern', { databases: [''] }, /databases: databases pattern "" is empty/],
    ['a malformed pattern', { excludeDatabases: ['tmp_[abc'] }, /excludeDatabases: excludeDatabases pattern "tmp_\[abc" has an unclosed "\["/],
    ['an empty databases list', { databases: [] }, /databases: the list is empty; leave it out to replicate every database/],
    ['a bad maxConcurrency', { maxConcurrency: 0 }, /maxConcurrency: 0 is not allowed; use a whole number from 1 to 10000/],
    ['a bad tableConcurrency', { tableConcurrency: 2.5 }, /tableConcurrency: 2.5 is not allowed; use a whole number from 1 to 64/],
    ['a bad memorySize', { memorySize: 128 }, /memorySize: 128 is not allowed; use a whole number from 512 to 10240/],
    ['a snapshot retention under a day', { snapshotRetention: Duration.hours(2) }, /snapshotRetention: 2 hours is too short/],
  ])('%s', (_what, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('every problem is reported at once', () => {
    expect(() => build({ sourceRegion: 'nowhere', targetRegions: [], lookback: Duration.days(100) }))
      .toThrow(/Invalid MultiRegionLakeReplica props:\n {2}- sourceRegion: .*\n {2}- targetRegions: .*\n {2}- lookback: /);
  });

  test('the boundaries are allowed', () => {
    const limits = { pollInterval: Duration.minutes(1), lookback: Duration.days(90), maxConcurrency: 10_000, tableConcurrency: 64 };
    expect(() => build(limits)).not.toThrow();
  });
});
