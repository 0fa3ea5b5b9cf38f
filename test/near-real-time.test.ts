import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { CloudTrailLookupStrategy, MultiRegionLakeReplica } from '../src';
import { acceptNagFindings } from '../src/nag-suppressions';
import { NearRealTimeReplication, type NearRealTimeReplicationProps } from '../src/near-real-time';
import { ReplicatorRole } from '../src/replicator-role';
import { cfnLint, ENV, nagFindings, synth as synthReplica, testApp } from './support/synth';
import type { JobSettings } from '../src/shared/job-settings';
import { REALTIME_SETTINGS_ENV } from '../src/shared/realtime-settings';

const SETTINGS: JobSettings = {
  sourceRegion: 'us-east-1',
  targetRegions: ['us-west-2', 'eu-west-1'],
  databases: ['sales*'],
  excludeDatabases: [],
  bucketMappings: [],
  snapshotBucket: 'snapshots',
  tableConcurrency: 4,
  metricNamespace: 'LakeReplica',
};

/** A stand-in for the on-demand job, logged and traced as the real one is. */
function testStateMachine(stack: Stack): sfn.StateMachine {
  return new sfn.StateMachine(stack, 'Job', {
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Run')),
    tracingEnabled: true,
    logs: { destination: new logs.LogGroup(stack, 'JobLogs', { retention: logs.RetentionDays.ONE_WEEK }), level: sfn.LogLevel.ALL },
  });
}

function synth(props: Partial<NearRealTimeReplicationProps> = {}, beforeSynth?: (stack: Stack, pipeline: NearRealTimeReplication) => void) {
  const app = testApp();
  const stack = new Stack(app, 'Lake', { env: ENV });
  const replicator = new ReplicatorRole(stack, 'Replicator');
  const pipeline = new NearRealTimeReplication(stack, 'NearRealTime', {
    settings: SETTINGS, replicator, reconcileStateMachine: testStateMachine(stack), ...props,
  });
  beforeSynth?.(stack, pipeline);
  return { stack, pipeline, replicator, template: Template.fromStack(stack) };
}

/** Every statement of every IAM policy in the template. */
function statements(template: Template): Array<{ Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown }> {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(p => (p as { Properties: { PolicyDocument: { Statement: [] } } }).Properties.PolicyDocument.Statement);
}

describe('NearRealTimeReplication', () => {
  test('polls on the schedule, one poll at a time, never queuing ticks', () => {
    const { template } = synth({ pollInterval: Duration.minutes(2) });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(2 minutes)',
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('CloudTrail events into the ledger'), ReservedConcurrentExecutions: 1, Timeout: 120 });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 });
  });

  test('the ledger: on-demand billing, TTL, NEW_IMAGE stream, point-in-time recovery, encryption, kept on removal, FAILED and PENDING indexes', () => {
    const { template } = synth();
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        GlobalSecondaryIndexes: [
          { IndexName: 'failed-events', KeySchema: [{ AttributeName: 'failedKey', KeyType: 'HASH' }, { AttributeName: 'eventTime', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } },
          {
            IndexName: 'pending-events',
            KeySchema: [{ AttributeName: 'pendingKey', KeyType: 'HASH' }, { AttributeName: 'pendingSince', KeyType: 'RANGE' }],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['touchedAt', 'wakeUps'] },
          },
        ],
      },
    });
  });

  test('a customer key encrypts the ledger and the dead-letter queue', () => {
    const app = testApp();
    const stack = new Stack(app, 'Keyed', { env: ENV });
    const encryptionKey = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new NearRealTimeReplication(stack, 'NearRealTime', {
      settings: SETTINGS,
      replicator: new ReplicatorRole(stack, 'Replicator'),
      reconcileStateMachine: testStateMachine(stack),
      encryptionKey,
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() } });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue() });
  });

  test('a customer key is granted, by named actions, to the poller, the applier (ledger, stream and dead-letter producer) and redrive operators', () => {
    const app = testApp();
    const stack = new Stack(app, 'Keyed', { env: ENV });
    const encryptionKey = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const pipeline = new NearRealTimeReplication(stack, 'NearRealTime', {
      settings: SETTINGS,
      replicator: new ReplicatorRole(stack, 'Replicator'),
      reconcileStateMachine: testStateMachine(stack),
      encryptionKey,
    });
    pipeline.grantRedrive(new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() }));
    const template = Template.fromStack(stack);
    const policies = template.findResources('AWS::IAM::Policy');
    const keyActions = (role: string) => Object.values(policies)
      .filter(p => JSON.stringify(p.Properties.Roles).includes(role))
      .flatMap(p => (p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>))
      .filter(st => JSON.stringify(st.Resource).includes('Key961B73FD'))
      .flatMap(st => [st.Action].flat());
    for (const role of ['PollerRole', 'Replicator', 'Operator']) {
      expect({ role, actions: keyActions(role) }).toEqual({ role, actions: expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']) });
    }
    // The applier's role sends to the dead-letter queue itself (the event source mapping uses it).
    const replicator = JSON.stringify(Object.values(policies).filter(p => JSON.stringify(p.Properties.Roles).includes('Replicator')));
    expect(replicator).toMatch(/"Action":"sqs:SendMessage","Effect":"Allow","Resource":\{"Fn::GetAtt":\["NearRealTimeDeadLetterQueue/);
    for (const st of statements(template)) for (const action of [st.Action].flat()) expect(action).not.toMatch(/\*/);
  });

  test('the applier: stream source with batch size, bisect, retries, record age, partial failures, PENDING-only filter, encrypted SSL-only DLQ', () => {
    const { template } = synth({ batchSize: 20 });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 20,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 21600,
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { state: { S: ['PENDING'] } } } }) }] },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('alarms on lag, failed events, gaps, the dead-letter queue, a stalled poller and events waiting too long; a gap starts the reconcile', () => {
    const { template } = synth({ lagAlarmThreshold: Duration.minutes(10) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ReplicationLagMs', Namespace: 'LakeReplica', Threshold: 600_000, Statistic: 'Maximum' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'EventsFailed', Threshold: 1, Statistic: 'Sum' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'GapDetected',
      Threshold: 1,
      Period: 60,
      AlarmDescription: Match.stringLikeRegexp('never prunes: deletes, revokes and deregistrations made during the gap stay in the targets; review lake-replica verify and run a sync with --prune'),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Namespace: 'AWS/SQS', Threshold: 1 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CursorAgeMs', TreatMissingData: 'breaching' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'OldestPendingAgeMs',
      Statistic: 'Maximum',
      Threshold: 30 * 60_000,
      TreatMissingData: 'breaching',
      AlarmDescription: Match.stringLikeRegexp('redrive --include-stale-pending'),
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], 'detail': { state: { value: ['ALARM'] } } },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^Job') }, Input: '{}' })],
    });
  });

  test('the functions get their settings from one environment variable each', () => {
    const { template } = synth({ lookback: Duration.hours(3) });
    const functions = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { [REALTIME_SETTINGS_ENV]: Match.anyValue() } } } }));
    expect(functions).toHaveLength(2);
    type Fn = { Properties: { Environment: { Variables: Record<string, unknown> } } };
    const raw = JSON.stringify((functions[0] as Fn).Properties.Environment.Variables[REALTIME_SETTINGS_ENV]);
    expect(raw).toContain('\\"lookbackMs\\":10800000');
  });

  test('least privilege: no wildcard actions; LookupEvents only in the source Region; the poller reads nothing of the lake', () => {
    const { template } = synth();
    const all = statements(template);
    for (const s of all) for (const action of [s.Action].flat()) expect(action).not.toMatch(/\*/);
    const lookup = all.filter(s => [s.Action].flat().includes('cloudtrail:LookupEvents'));
    expect(lookup).toEqual([expect.objectContaining({ Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } })]);

    const pollerPolicy = Object.values(template.findResources('AWS::IAM::Policy')).find(p => JSON.stringify(p).includes('cloudtrail:LookupEvents'))!;
    const pollerActions = JSON.stringify(pollerPolicy);
    expect(pollerActions).not.toMatch(/glue:|lakeformation:|states:|sqs:/);
    expect(pollerActions).toContain('dynamodb:PutItem');
    expect(pollerActions).toContain('dynamodb:Query'); // the sweep reads the PENDING index

    // The applier runs as the replicator role, whose Glue and Lake Formation statements the main construct adds.
    expect(all.find(s => s.Sid === 'ReadTargetObjects')).toBeUndefined();
  });

  test('grantRedrive lets a principal query the FAILED and PENDING indexes and update ledger items, nothing more', () => {
    const { template } = synth({}, (stack, pipeline) => {
      pipeline.grantRedrive(new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() }));
    });
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find(p => JSON.stringify(p).includes('Operator'))!;
    type Policy = { Properties: { PolicyDocument: { Statement: Array<{ Action: string[]; Resource: unknown[] }> } } };
    const statement = (policy as Policy).Properties.PolicyDocument.Statement[0];
    // Sorted: the recommended flags minimize (and sort) policies.
    expect([...statement.Action].sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(JSON.stringify(statement.Resource)).toContain('/index/*');
  });

  test('cdk-nag AwsSolutions is clean with the pipeline\'s justified suppressions, and cfn-lint passes', () => {
    // The replicator role's policy belongs to the parent construct, which accepts its findings; the test stack stands in.
    const { stack } = synth({}, s => acceptNagFindings(s));
    expect(nagFindings(stack)).toEqual([]);
    const lint = cfnLint(Template.fromStack(stack).toJSON());
    expect(lint.output).toBe('');
    expect(lint.status).toBe(0);
  });
});

describe('MultiRegionLakeReplica deploys near-real-time mode', () => {
  test('on by default: polls every minute, looks back an hour, keeps events 30 days, and exposes the ledger, DLQ and six alarms besides the failed-runs one', () => {
    const { replica, template } = synthReplica();
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    expect(replica.eventLedger).toBeDefined();
    expect(replica.deadLetterQueue).toBeDefined();
    expect(replica.alarms).toHaveLength(7);
    const functions = JSON.stringify(template.findResources('AWS::Lambda::Function'));
    expect(functions).toContain('\\"lookbackMs\\":3600000');
    expect(functions).toContain('\\"retentionMs\\":2592000000');
  });

  test('pollInterval, lookback, eventRetention and the lag threshold reach the pipeline', () => {
    const { template } = synthReplica({
      pollInterval: Duration.minutes(5),
      lookback: Duration.hours(6),
      eventRetention: Duration.days(7),
      replicationLagAlarmThreshold: Duration.minutes(45),
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    const functions = JSON.stringify(template.findResources('AWS::Lambda::Function'));
    expect(functions).toContain('\\"lookbackMs\\":21600000');
    expect(functions).toContain('\\"retentionMs\\":604800000');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ReplicationLagMs', Threshold: 45 * 60_000 });
  });

  test('lookupStrategy reaches the poller (write-events by default), and an unknown one fails at synth naming the choices', () => {
    const defaults = JSON.stringify(synthReplica().template.findResources('AWS::Lambda::Function'));
    expect(defaults).toContain('\\"lookupStrategy\\":\\"write-events\\"');
    const byName = JSON.stringify(synthReplica({ lookupStrategy: CloudTrailLookupStrategy.EVENT_NAMES }).template.findResources('AWS::Lambda::Function'));
    expect(byName).toContain('\\"lookupStrategy\\":\\"event-names\\"');
    expect(() => synthReplica({ lookupStrategy: 'event-source' as CloudTrailLookupStrategy }))
      .toThrow(/lookupStrategy: "event-source" is not allowed; use CloudTrailLookupStrategy.WRITE_EVENTS \('write-events'\) or CloudTrailLookupStrategy.EVENT_NAMES/);
  });

  test('the applier runs as the replicator role, which holds the Glue and Lake Formation permissions', () => {
    const { template } = synthReplica();
    const applier = Object.values(template.findResources('AWS::Lambda::Function'))
      .find(f => JSON.stringify(f).includes('near-real-time: converges'))!;
    expect(JSON.stringify(applier.Properties.Role)).toContain('ReplicatorRole');
  });

  test('nearRealTime: false deploys no ledger, poller or applier, and grantRedrive says why it cannot', () => {
    const { replica, stack, template } = synthReplica({ nearRealTime: false });
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(statements(template).flatMap(s => [s.Action].flat()).filter(a => a.startsWith('cloudtrail:') || a.startsWith('dynamodb:'))).toEqual([]);
    expect(replica.eventLedger).toBeUndefined();
    // Failed runs still alarm.
    expect(replica.alarms).toHaveLength(1);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => replica.grantRedrive(operator)).toThrow(/near-real-time mode is switched off \(nearRealTime: false\)/);
  });

  test('grantRedrive on the construct grants the ledger actions redrive needs', () => {
    const stack = new Stack(testApp(), 'Lake', { env: ENV });
    const replica = new MultiRegionLakeReplica(stack, 'Replica', { sourceRegion: 'us-east-1', targetRegions: ['us-west-2'] });
    replica.grantRedrive(new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() }));
    const operator = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^Operator') }] } }));
    const granted = operator.flatMap(p => p.Properties.PolicyDocument.Statement).flatMap((st: { Action: string | string[] }) => [st.Action].flat());
    expect(granted.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
  });

  test('invalid eventRetention and lag threshold fail at synth, naming the prop and what is allowed', () => {
    expect(() => synthReplica({ eventRetention: Duration.minutes(10) })).toThrow(/eventRetention: 10 minutes is too short; keep ledger events for at least 1 hour/);
    expect(() => synthReplica({ replicationLagAlarmThreshold: Duration.seconds(30) })).toThrow(/replicationLagAlarmThreshold: 30 seconds is below 1 minute/);
  });

  test('the whole construct with near-real-time mode is cdk-nag clean and passes cfn-lint', () => {
    const { stack, template } = synthReplica();
    expect(nagFindings(stack)).toEqual([]);
    expect(cfnLint(template.toJSON())).toEqual({ status: 0, output: '' });
  });
});
