import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CloudTrailLookupStrategy, MultiRegionLakeReplica, type MultiRegionLakeReplicaProps } from '../src';
import { LAMBDA_ENVIRONMENT_LIMIT, worstCaseSize } from '../src/function-options';
import { ENV, testApp, warningsOf } from './support/synth';
import { decodeJobSettings, JOB_SETTINGS_ENV, type JobSettings } from '../src/shared/job-settings';

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

describe('more prop mistakes fail at synth', () => {
  test.each<[string, Partial<MultiRegionLakeReplicaProps>, RegExp]>([
    ['a malformed role ARN', { roleMappings: [{ sourceRole: 'glue-role', targetRole: 'arn:aws:iam::111111111111:role/glue-dr' }] },
      /roleMappings: source role "glue-role" is not an IAM role ARN; expected arn:aws:iam::ACCOUNT:role\/NAME/],
    ['a role mapping for a Region that is not a target', {
      roleMappings: [{ sourceRole: 'arn:aws:iam::111111111111:role/a', targetRole: 'arn:aws:iam::111111111111:role/b', targetRegion: 'eu-west-1' }],
    }, /roleMappings: the mapping for "arn:aws:iam::111111111111:role\/a" names targetRegion "eu-west-1", which is not in targetRegions/],
    ['a connection mapping whose secret is in another Region', {
      connectionMappings: [{ connection: 'snowflake', targetRegion: 'us-west-2', secretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:sf' }],
    }, /connectionMappings: connection mapping "snowflake@us-west-2": secret "arn:aws:secretsmanager:us-east-1:111111111111:secret:sf" is in us-east-1, not in the target Region us-west-2/],
    ['a connection mapping for a Region that is not a target', { connectionMappings: [{ connection: 'snowflake', targetRegion: 'eu-west-1', availabilityZone: 'eu-west-1a' }] },
      /connectionMappings: the mapping for "snowflake" names targetRegion "eu-west-1", which is not in targetRegions/],
    ['a connection mapping that maps nothing', { connectionMappings: [{ connection: 'snowflake', targetRegion: 'us-west-2' }] },
      /connectionMappings: connection mapping "snowflake@us-west-2" maps nothing; give at least one of secret, subnet, sg, az/],
    ['a reversed class range', { databases: ['[z-a]*'] },
      /databases: databases pattern "\[z-a\]\*" has the range "z-a", whose first character comes after its last; write it as "a-z"/],
    ['a reversed range in an exclude', { excludeDatabases: ['tmp_[9-0]'] }, /excludeDatabases: excludeDatabases pattern "tmp_\[9-0\]" has the range "9-0"/],
    ['a log level that would drop the metrics', { logLevel: lambda.ApplicationLogLevel.WARN },
      /logLevel: WARN is not allowed; use ApplicationLogLevel.INFO, DEBUG or TRACE/],
  ])('%s', (_what, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('a token Region counts as a target (it is checked at deploy, not at synth)', () => {
    expect(() => build({ targetRegions: [Aws.REGION] })).not.toThrow();
    expect(() => build({ targetRegions: [Aws.REGION, 'us-west-2'] })).not.toThrow();
    expect(() => build({ sourceRegion: Aws.REGION, targetRegions: ['us-west-2'] })).not.toThrow();
    expect(() => build({ targetRegions: [Aws.REGION, 'us-east-1'] })).toThrow(/targetRegions: target Region "us-east-1" is the source Region/);
  });
});

describe('settings fit Lambda\'s 4 KB of environment variables', () => {
  /** `count` per-Region mappings of realistic length, over two target Regions. */
  function regionalMappings(count: number) {
    return Array.from({ length: count }, (_, i) => ({
      sourceBucket: `acme-analytics-lake-raw-${String(i).padStart(3, '0')}`,
      targetBucket: `acme-analytics-lake-raw-${String(i).padStart(3, '0')}-${i % 2 ? 'euw1' : 'usw2'}`,
      targetRegion: i % 2 ? 'eu-west-1' : 'us-west-2',
    }));
  }
  const TARGETS = ['us-west-2', 'eu-west-1'];

  function variables(replica: MultiRegionLakeReplica) {
    const stack = Stack.of(replica);
    return stack.node.findAll().filter((c): c is lambda.CfnFunction => c instanceof lambda.CfnFunction)
      .map(fn => stack.resolve(fn.environment) as { variables: Record<string, unknown> })
      .map(env => env.variables);
  }

  test('a few mappings travel as plain JSON, as handlers read them today', () => {
    const replica = build({ targetRegions: TARGETS, bucketMappings: regionalMappings(4) });
    for (const vars of variables(replica)) {
      expect(JSON.stringify(vars[JOB_SETTINGS_ENV])).toContain('acme-analytics-lake-raw-003-euw1');
      expect(JSON.stringify(vars[JOB_SETTINGS_ENV])).not.toContain('packed');
    }
  });

  test('40 regional mappings (over the limit as plain JSON) travel compressed, and decode to the same settings', () => {
    const mappings = regionalMappings(40);
    const plain: JobSettings = {
      sourceRegion: 'us-east-1',
      targetRegions: TARGETS,
      databases: ['*'],
      excludeDatabases: [],
      bucketMappings: mappings,
      snapshotBucket: 'x'.repeat(63),
      tableConcurrency: 4,
      metricNamespace: 'LakeReplica',
      lakeFormationKinds: [],
      protectedPrincipals: [],
    };
    expect(worstCaseSize({ [JOB_SETTINGS_ENV]: plain })).toBeGreaterThan(LAMBDA_ENVIRONMENT_LIMIT);

    const replica = build({ targetRegions: TARGETS, bucketMappings: mappings });
    const stack = Stack.of(replica);
    for (const vars of variables(replica)) {
      // The deployed value with the bucket's name in place of its token.
      const raw = JSON.stringify(vars[JOB_SETTINGS_ENV]);
      const value = (vars[JOB_SETTINGS_ENV] as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].map(p => typeof p === 'string' ? p : 'snapshots').join('');
      expect(raw).toContain('packed');
      expect(decodeJobSettings(value).bucketMappings).toEqual(mappings);
      expect(decodeJobSettings(value).targetRegions).toEqual(TARGETS);
      const deployed = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, JSON.stringify(stack.resolve(v))]));
      expect(Buffer.byteLength(JSON.stringify(deployed))).toBeLessThan(LAMBDA_ENVIRONMENT_LIMIT);
    }
  });

  test('settings that cannot fit even compressed fail at synth, naming the prop that takes the room', () => {
    const principals = Array.from({ length: 300 }, (_, i) => `arn:aws:iam::111122223333:role/${randomName(i)}`);
    expect(() => build({ protectedPrincipals: principals }))
      .toThrow(/Invalid MultiRegionLakeReplica props:\n {2}- protectedPrincipals: its 300 entries take \d+ bytes of the functions' settings, which need \d+ bytes even compressed .*over Lambda's 4096-byte limit/);
  });
});

/** Names that do not compress well, so that a long list cannot fit. */
function randomName(seed: number): string {
  let x = seed * 2654435761 % 4294967296;
  let name = '';
  for (let i = 0; i < 24; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    name += 'abcdefghijklmnopqrstuvwxyz0123456789'[x % 36];
  }
  return name;
}

describe('props that work, but not as meant, get a synth warning naming the prop', () => {
  function warnings(props: Partial<MultiRegionLakeReplicaProps>, region = ENV.region) {
    const stack = new Stack(testApp(), 'Lake', { env: { ...ENV, region } });
    new MultiRegionLakeReplica(stack, 'Replica', { sourceRegion: 'us-east-1', targetRegions: ['us-west-2'], ...props });
    return warningsOf(stack);
  }

  test('none for a plain configuration in a target Region', () => {
    expect(warnings({})).toEqual([]);
  });

  test.each<[string, Partial<MultiRegionLakeReplicaProps>, RegExp]>([
    ['lookback without near-real-time mode', { nearRealTime: false, lookback: Duration.hours(2) },
      /lookback: 2 hours is ignored because nearRealTime is false/],
    ['pollInterval without near-real-time mode', { nearRealTime: false, pollInterval: Duration.minutes(5) },
      /pollInterval: 5 minutes is ignored because nearRealTime is false/],
    ['lookupStrategy without near-real-time mode', { nearRealTime: false, lookupStrategy: CloudTrailLookupStrategy.EVENT_NAMES },
      /lookupStrategy: "event-names" is ignored because nearRealTime is false/],
    ['snapshotRetention with your own bucket', { snapshotRetention: Duration.days(30), snapshotBucket: undefined },
      /snapshotRetention: 30 days is ignored because snapshotBucket is your own bucket/],
    ['DESTROY on the bucket it creates, which nothing empties', { removalPolicy: RemovalPolicy.DESTROY },
      /removalPolicy: DESTROY cannot delete the snapshot bucket while it holds objects/],
    ['a Region aws-cdk-lib does not know', { targetRegions: ['us-nowhere-9'] },
      /targetRegions: "us-nowhere-9" is not a Region this aws-cdk-lib knows; check the name/],
  ])('%s', (what, props, message) => {
    const own = what.includes('own bucket') ? { snapshotBucket: s3.Bucket.fromBucketName(new Stack(testApp(), 'Other'), 'Runs', 'my-dr-runs') } : {};
    const found = warnings({ ...props, ...own });
    expect(found).toEqual([expect.stringMatching(message)]);
  });

  test('a stack in the source Region, the Region it protects', () => {
    expect(warnings({}, 'us-east-1')).toEqual([
      expect.stringMatching(/the stack is deployed in us-east-1, the sourceRegion it protects: .* deploy the stack in a target Region \(e.g. us-west-2\)/),
    ]);
  });

  test('each warning can be acknowledged by its id', () => {
    expect(warnings({}, 'us-east-1')[0]).toContain('[ack: cdk-multi-region-lake-replica:stackInSourceRegion]');
  });
});
