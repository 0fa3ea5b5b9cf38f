import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { MultiRegionLakeReplica, ReplicationOutcome } from '../../src';
import { JOB_SETTINGS_ENV, type JobSettings } from '../../src/shared/job-settings';
import { cfnLint, ENV, masked, nagFindings, NO_LAKE_FORMATION, synth, testApp } from '../support/synth';

/** Every IAM statement of the template, flattened. */
function statements(template: Template): Array<{ Effect: string; Action: string | string[]; Resource: unknown }> {
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

  test('is cdk-nag AwsSolutions clean', () => {
    expect(nagFindings(stack)).toEqual([]);
  });

  test('passes cfn-lint', () => {
    const result = cfnLint(template.toJSON());
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  test('matches the snapshot (asset hashes masked)', () => {
    expect(masked(template)).toMatchSnapshot();
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
    expect(statements(template).flatMap(s => [s.Action].flat()).filter(a => /^lakeformation:|^iam:/.test(a))).toEqual([]);
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
    const actions = Object.values(policy)
      .flatMap(p => p.Properties.PolicyDocument.Statement)
      .flatMap((s: { Action: string | string[] }) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['states:StartExecution', 'states:DescribeExecution', 's3:GetObject*']));
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
