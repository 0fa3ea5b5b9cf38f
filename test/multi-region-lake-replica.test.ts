import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { MultiRegionLakeReplica, ReplicationOutcome, type MultiRegionLakeReplicaProps } from '../src';
import { cfnLint, ENV, masked, nagFindings, nagV3Findings, NO_LAKE_FORMATION, synth, FLAG_SETS, testApp } from './support/synth';
import { JOB_SETTINGS_ENV, type JobSettings } from '../src/shared/job-settings';

/** Every IAM statement of the template, flattened. */
function statements(template: Template): Array<{ Sid?: string; Effect: string; Action: string | string[]; Resource: unknown }> {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(p => p.Properties.PolicyDocument.Statement);
}

function settingsOf(template: Template): JobSettings {
  const fn = Object.values(template.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: { [JOB_SETTINGS_ENV]: Match.anyValue() } } },
  }))[0];
  const value = fn.Properties.Environment.Variables[JOB_SETTINGS_ENV];
  const text = typeof value === 'string' ? value : (value['Fn::Join'][1] as unknown[]).map(p => typeof p === 'string' ? p : 'TOKEN').join('');
  return JSON.parse(text.replace(/"TOKEN"|TOKEN/g, '"token"')) as JobSettings;
}

/** The construct in a stack, not synthesized yet. */
function build(props: Partial<MultiRegionLakeReplicaProps> = {}) {
  const stack = new Stack(testApp(), 'Lake', { env: ENV });
  const replica = new MultiRegionLakeReplica(stack, 'Replica', { sourceRegion: 'us-east-1', targetRegions: ['us-west-2'], ...props });
  return { stack, replica };
}

describe('MultiRegionLakeReplica with only sourceRegion and targetRegions', () => {
  const { stack, template } = synth();

  test('deploys the on-demand job (a state machine and three functions) and near-real-time mode (a poller and an applier), all Node.js 22', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.resourceCountIs('AWS::Lambda::Function', 5);
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs22.x' }, 5);
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Timeout: 900, MemorySize: 1024 }, 2);
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Timeout: 300, MemorySize: 1024 }, 2);
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Timeout: 60, MemorySize: 512 }, 1);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
    });
  });

  test('the state machine resolves, fans out with a distributed map that loops on continuations, and finalizes', () => {
    const definition = JSON.stringify(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(definition).toMatch(/Resolve scope and write manifest/);
    expect(definition).toMatch(/\\"ProcessorConfig\\":\{\\"Mode\\":\\"DISTRIBUTED\\",\\"ExecutionType\\":\\"STANDARD\\"\}/);
    expect(definition).toMatch(/\\"MaxConcurrency\\":10/);
    expect(definition).toMatch(/:states:::s3:getObject\\",\\"ReaderConfig\\":\{\\"InputType\\":\\"JSON\\"\}/);
    expect(definition).toMatch(/\\"Key.\$\\":\\"\$.itemsKey\\"/);
    expect(definition).toMatch(/\\"ResultWriter\\":\{\\"Resource\\":\\"arn:[^]*states:::s3:putObject\\",\\"Parameters\\":\{\\"Bucket\\":\\"/);
    expect(definition).toMatch(/\\"Variable\\":\\"\$\.done\\",\\"BooleanEquals\\":false,\\"Next\\":\\"Converge item\\"/);
    expect(definition).toMatch(/\\"CausePath\\":\\"\$\.summary\\"/);
    expect(definition).toMatch(/\\"ErrorEquals\\":\[\\"States.ALL\\"\],\\"IntervalSeconds\\":10,\\"MaxAttempts\\":3,\\"BackoffRate\\":2/);
  });

  test('creates a versioned, encrypted, SSL-only, private snapshot bucket with lifecycle rules, retained by default', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'ExpireRuns', Prefix: 'runs/', ExpirationInDays: 90 })]) },
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', Properties: { RetentionInDays: 365 } });
  });

  test('least privilege: no * action, Glue reads scoped to the source catalog and writes to the target catalogs', () => {
    const all = statements(template);
    for (const s of all) for (const action of [s.Action].flat()) expect(action).not.toContain('*');
    const glue = all.filter(s => [s.Action].flat().some(a => a.startsWith('glue:')));
    const writes = glue.filter(s => [s.Action].flat().includes('glue:CreateTable'));
    expect(writes).toHaveLength(1);
    expect(JSON.stringify(writes[0].Resource)).toMatch(/glue:us-west-2:111122223333:catalog/);
    expect(JSON.stringify(writes[0].Resource)).not.toMatch(/us-east-1/);
    const sourceReads = glue.filter(s => [s.Action].flat().includes('glue:BatchGetPartition'));
    expect(JSON.stringify(sourceReads[0].Resource)).toMatch(/glue:us-east-1:111122223333:table\/\*\/\*/);
    expect(JSON.stringify(sourceReads[0].Resource)).not.toMatch(/us-west-2/);
    // Runs never delete objects from the bucket.
    expect(all.flatMap(s => [s.Action].flat()).filter(a => a.startsWith('s3:Delete'))).toEqual([]);
  });

  test('the replicator role can write the job functions\' logs (where the metrics are published)', () => {
    const logs = statements(template).filter(s => [s.Action].flat().includes('logs:PutLogEvents'));
    expect(logs.length).toBeGreaterThan(0);
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('ReplicatorRole') }] } });
    expect(JSON.stringify(policies)).toMatch(/logs:PutLogEvents/);
  });

  test('passes the settings to the handlers in one environment variable', () => {
    expect(settingsOf(template)).toMatchObject({
      sourceRegion: 'us-east-1',
      targetRegions: ['us-west-2'],
      databases: ['*'],
      excludeDatabases: [],
      bucketMappings: [],
      tableConcurrency: 4,
      metricNamespace: 'LakeReplica',
    });
  });

  test('every function logs JSON (each line with its request id), its own lines from INFO, Lambda\'s from INFO', () => {
    template.resourcePropertiesCountIs('AWS::Lambda::Function', {
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'INFO' }),
    }, 5);
  });

  test('leaves no unacknowledged finding under cdk-nag 2 or cdk-nag 3', () => {
    expect(nagV3Findings(stack)).toEqual([]);
    expect(nagFindings(stack)).toEqual([]);
  });

  test('passes cfn-lint', () => {
    const result = cfnLint(template.toJSON());
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  // Both flag sets in every run, so neither snapshot is obsolete in the run with the other flags.
  test.each(FLAG_SETS)('matches the snapshot (asset hashes masked), feature flags: %s', flags => {
    expect(masked(synth({}, flags).template)).toMatchSnapshot();
  });
});

describe('props', () => {
  test('databases, excludes and bucket mappings reach the settings, scope the IAM ARNs and deny writes to excluded databases', () => {
    const { template } = synth({
      targetRegions: ['us-west-2', 'eu-west-1'],
      databases: ['sales*', 'Marketing'],
      excludeDatabases: ['sales_tmp*'],
      bucketMappings: [{ sourceBucket: 'acme-raw', targetBucket: 'acme-raw-usw2', targetRegion: 'us-west-2' }, { sourceBucket: 'acme-cur', targetBucket: 'acme-cur-dr' }],
      tableConcurrency: 8,
    });
    expect(settingsOf(template)).toMatchObject({
      targetRegions: ['us-west-2', 'eu-west-1'],
      databases: ['sales*', 'Marketing'],
      excludeDatabases: ['sales_tmp*'],
      bucketMappings: [{ sourceBucket: 'acme-raw', targetBucket: 'acme-raw-usw2', targetRegion: 'us-west-2' }, { sourceBucket: 'acme-cur', targetBucket: 'acme-cur-dr' }],
      tableConcurrency: 8,
    });
    const all = JSON.stringify(statements(template));
    expect(all).toMatch(/glue:eu-west-1:111122223333:database\/sales\*/);
    expect(all).toMatch(/glue:us-west-2:111122223333:table\/marketing\/\*/);
    const deny = statements(template).find(s => s.Effect === 'Deny')!;
    expect(JSON.stringify(deny.Resource)).toMatch(/database\/sales_tmp\*/);
    expect([deny.Action].flat()).toContain('glue:UpdateTable');
  });

  test('a character-class pattern widens the IAM scope to every database', () => {
    const { template } = synth({ databases: ['sales_[ab]'] });
    expect(JSON.stringify(statements(template))).toMatch(/glue:us-west-2:111122223333:table\/\*\/\*/);
  });

  test('an existing snapshot bucket is used and no bucket is created', () => {
    const app = testApp();
    const stack = new Stack(app, 'Lake', { env: ENV });
    const bucket = s3.Bucket.fromBucketName(stack, 'Existing', 'my-dr-runs');
    const replica = new MultiRegionLakeReplica(stack, 'Replica', { sourceRegion: 'us-east-1', targetRegions: ['us-west-2'], snapshotBucket: bucket });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    expect(replica.snapshotBucket).toBe(bucket);
    expect(settingsOf(template).snapshotBucket).toBe('my-dr-runs');
  });

  test('reconcileSchedule runs the job periodically with an input that never prunes', () => {
    const { template } = synth({ reconcileSchedule: events.Schedule.rate(Duration.hours(6)) });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(6 hours)',
      Targets: [Match.objectLike({ Input: '{}' })],
    });
  });

  test('without reconcileSchedule there is no reconcile schedule (only near-real-time mode\'s poll and gap rules)', () => {
    const rules = Object.values(synth().template.findResources('AWS::Events::Rule')).map(r => r.Properties.Description);
    expect(rules.sort()).toEqual(['lake-replica: a CloudTrail gap starts a full reconcile (never prunes)', 'lake-replica: polls CloudTrail for Glue and Lake Formation changes']);
  });

  test('removalPolicy DESTROY applies to the bucket and log groups', () => {
    const { template } = synth({ removalPolicy: RemovalPolicy.DESTROY });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    template.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
  });

  test('maxConcurrency, memorySize, snapshotRetention and metricNamespace are applied', () => {
    const { template } = synth({ maxConcurrency: 40, memorySize: 2048, snapshotRetention: Duration.days(30), metricNamespace: 'DR/Lake' });
    expect(JSON.stringify(template.findResources('AWS::StepFunctions::StateMachine'))).toMatch(/\\"MaxConcurrency\\":40/);
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { MemorySize: 2048 }, 3);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'ExpireRuns', ExpirationInDays: 30 })]) },
    });
    expect(settingsOf(template).metricNamespace).toBe('DR/Lake');
  });

  test('registerAsLakeFormationAdmin adds a merging custom resource for the source and target Regions, Region-scoped', () => {
    const { stack, template } = synth({ registerAsLakeFormationAdmin: true, targetRegions: ['us-west-2', 'eu-west-1'] });
    template.hasResourceProperties('Custom::LakeReplicaDataLakeAdmin', {
      PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ReplicatorRole'), 'Arn'] },
      Regions: ['us-east-1', 'us-west-2', 'eu-west-1'],
    });
    const lf = statements(template).find(s => (s as { Sid?: string }).Sid === 'MergeDataLakeAdmins')!;
    expect(lf).toMatchObject({ Condition: { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2', 'eu-west-1'] } } });
    expect(nagFindings(stack)).toEqual([]);
    expect(cfnLint(template.toJSON())).toEqual({ status: 0, output: '' });
  });

  test('with every Lake Formation kind switched off and no registerAsLakeFormationAdmin, nothing touches Lake Formation', () => {
    const { template } = synth(NO_LAKE_FORMATION);
    // Table optimizers pass their roles to Glue, never to Lake Formation.
    const lakeFormation = statements(template).filter(s => s.Sid !== 'PassRolesToGlue');
    expect(lakeFormation.flatMap(s => [s.Action].flat()).filter(a => /^lakeformation:|^iam:/.test(a))).toEqual([]);
    expect(settingsOf(template).lakeFormationKinds).toEqual([]);
  });

  test('tokens are not validated at synth', () => {
    expect(() => synth({ sourceRegion: Aws.REGION, targetRegions: ['us-west-2'] })).not.toThrow();
  });
});

describe('grants and metrics', () => {
  test('grantStartSync lets a principal start and follow runs and read their reports', () => {
    const stack = new Stack(testApp(), 'Lake', { env: ENV });
    const replica = new MultiRegionLakeReplica(stack, 'Replica', { sourceRegion: 'us-east-1', targetRegions: ['us-west-2'] });
    const user = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    replica.grantStartSync(user);
    const policy = Template.fromStack(stack).findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('Operator') }] },
    });
    const granted = Object.values(policy)
      .flatMap(p => p.Properties.PolicyDocument.Statement)
      .flatMap((s: { Action: string | string[] }) => [s.Action].flat());
    expect(granted).toEqual(expect.arrayContaining(['states:StartExecution', 'states:DescribeExecution', 's3:GetObject*']));
  });

  test('metric helpers name the namespace, outcome and kind', () => {
    const { replica, stack } = synth();
    const tables = replica.metricObjects(ReplicationOutcome.CREATED, 'table');
    expect(tables.namespace).toBe('LakeReplica');
    expect(tables.metricName).toBe('Created');
    expect(tables.dimensions).toEqual({ Kind: 'table' });
    expect(replica.metricFailedObjects().metricName).toBe('Failed');
    expect(stack.resolve(replica.metricRunsFailed().dimensions)).toEqual({ StateMachineArn: { Ref: expect.stringMatching(/StateMachine/) } });
    expect(replica.metricRunsSucceeded().metricName).toBe('ExecutionsSucceeded');
  });
});

describe('what an operator holds on to', () => {
  test('the stack outputs the state machine ARN, the snapshot bucket and the ledger table, named after the construct', () => {
    const { template } = synth();
    template.hasOutput('ReplicaStateMachineArn', { Value: { Ref: Match.stringLikeRegexp('StateMachine') } });
    template.hasOutput('ReplicaSnapshotBucketName', { Value: { Ref: Match.stringLikeRegexp('SnapshotBucket') } });
    template.hasOutput('ReplicaLedgerTableName', { Value: { Ref: Match.stringLikeRegexp('NearRealTimeLedger') } });
  });

  test('two constructs with the same id in one stack fail at synth, since their outputs would clash', () => {
    const stack = new Stack(testApp(), 'Lake', { env: ENV });
    new MultiRegionLakeReplica(new Construct(stack, 'Analytics'), 'Replica', { sourceRegion: 'us-east-1', targetRegions: ['us-west-2'] });
    expect(() => new MultiRegionLakeReplica(new Construct(stack, 'Finance'), 'Replica', { sourceRegion: 'us-east-1', targetRegions: ['us-west-2'] }))
      .toThrow(/Lake\/Analytics\/Replica and Lake\/Finance\/Replica have the same id in one stack, so their stack outputs \(ReplicaStateMachineArn, \.\.\.\) would clash/);
  });

  test('without near-real-time mode there is no ledger output', () => {
    const outputs = Object.keys(synth({ nearRealTime: false }).template.findOutputs('*'));
    expect(outputs.sort()).toEqual(['ReplicaSnapshotBucketName', 'ReplicaStateMachineArn']);
  });

  test('a failed or timed-out run alarms in every configuration', () => {
    for (const nearRealTime of [true, false]) {
      const { template } = synth({ nearRealTime });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmDescription: Match.stringLikeRegexp('a run failed or timed out'),
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'FILL(failed, 0) + FILL(timedOut, 0)' }),
          Match.objectLike({ Id: 'failed', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ExecutionsFailed' }) }) }),
          Match.objectLike({ Id: 'timedOut', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ExecutionsTimedOut' }) }) }),
        ]),
      });
    }
  });

  test('addAlarmAction and addOkAction reach every alarm', () => {
    const { stack, replica } = build();
    const topic = new sns.Topic(stack, 'Pager');
    replica.addAlarmAction(new actions.SnsAction(topic));
    replica.addOkAction(new actions.SnsAction(topic));
    const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(replica.alarms.length);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Pager/) }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: expect.stringMatching(/^Pager/) }]);
    }
    expect(replica.alarms.every(a => a instanceof cloudwatch.Alarm)).toBe(true);
  });

  test('initialSync starts one full run (never pruning) on the stack\'s CREATE_COMPLETE, and nothing does without it', () => {
    const { template } = synth({ initialSync: true });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.cloudformation'],
        'detail-type': ['CloudFormation Stack Status Change'],
        'detail': { 'stack-id': [{ Ref: 'AWS::StackId' }], 'status-details': { status: ['CREATE_COMPLETE'] } },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('StateMachine') }, Input: '{}' })],
    });
    const rules = JSON.stringify(synth().template.findResources('AWS::Events::Rule'));
    expect(rules).not.toContain('aws.cloudformation');
  });

  test('logLevel sets the functions\' application log level', () => {
    const { template } = synth({ logLevel: lambda.ApplicationLogLevel.DEBUG, registerAsLakeFormationAdmin: true });
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { LoggingConfig: Match.objectLike({ LogFormat: 'JSON', ApplicationLogLevel: 'DEBUG' }) }, 6);
  });

  test('the Lake Formation admin custom resource gives up after 10 minutes, not CloudFormation\'s hour', () => {
    synth({ registerAsLakeFormationAdmin: true }).template.hasResourceProperties('Custom::LakeReplicaDataLakeAdmin', { ServiceTimeout: '600' });
  });
});

describe('cdk-nag acknowledgements', () => {
  /** A wildcard statement a user adds to the replicator role after the construct is built. */
  function withUserWildcard() {
    const result = build({ registerAsLakeFormationAdmin: true });
    result.replica.replicatorRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: ['*'],
    }));
    return result;
  }

  test('a wildcard a user adds to replicatorRole is reported by cdk-nag 3, with no acknowledgement of ours on it', () => {
    const { stack } = withUserWildcard();
    expect(nagV3Findings(stack)).toEqual([expect.stringMatching(/^Lake\/Replica\/ReplicatorRole\/DefaultPolicy\/Resource: AwsSolutions-IAM5\[Resource::\*\]$/)]);
  });

  test('a wildcard a user adds to replicatorRole is reported by cdk-nag 2', () => {
    const { stack } = withUserWildcard();
    expect(nagFindings(stack)).toEqual([expect.stringMatching(/^\/Lake\/Replica\/ReplicatorRole\/DefaultPolicy\/Resource: AwsSolutions-IAM5\[Resource::\*\]/)]);
  });

  test('every IAM5 acknowledgement names one finding (cdk-nag 2 applies_to, cdk-nag 3 Rule[finding]); none is a bare rule', () => {
    const { stack, template } = synth({ registerAsLakeFormationAdmin: true });
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const v2 = policies.flatMap(p => (p.Metadata?.cdk_nag?.rules_to_suppress ?? []) as Array<{ id: string; applies_to?: string[] }>);
    expect(v2.length).toBeGreaterThan(0);
    for (const rule of v2) expect(rule).toEqual({ id: 'AwsSolutions-IAM5', reason: expect.any(String), applies_to: expect.arrayContaining([expect.stringMatching(/^(Action|Resource)::/)]) });
    const v3 = stack.node.findAll().filter(c => c instanceof iam.CfnPolicy)
      .flatMap(c => c.node.metadata.filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap(m => Object.keys(m.data as Record<string, string>));
    expect(v3.length).toBeGreaterThan(0);
    for (const id of v3) expect(id).toMatch(/^AwsSolutions-IAM5\[(Action|Resource)::.+\]$/);
  });

  test('the replicator\'s statements live in its own policy; the role\'s default policy is left to users', () => {
    const { template } = synth();
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^ReplicaReplicatorRole') }] } });
    expect(Object.keys(policies)).toEqual([expect.stringMatching(/^ReplicaReplicatorPolicy/)]);
    // The functions that run as the replicator wait for it (the stream event source mapping checks its permissions).
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReplicaReplicatorRole'), 'Arn'] } } }))) {
      expect(fn.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^ReplicaReplicatorPolicy/)]));
    }
  });
});
