import { Annotations, CfnOutput, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { loggingOptions } from './function-options';
import { gluePolicyStatements } from './glue-permissions';
import { LakeFormationAdminFunction } from './handlers/lake-formation-admin-function';
import { icebergPolicyStatements } from './iceberg-permissions';
import { lakeFormationPolicyStatements } from './lake-formation-permissions';
import type { MultiRegionLakeReplicaProps } from './multi-region-lake-replica-props';
import { acceptNagFindings } from './nag-suppressions';
import { NearRealTimeReplication, nearRealTimeMetric } from './near-real-time';
import { OnDemandJob } from './on-demand-job';
import { propsErrors, propsWarnings } from './props-validation';
import { ReplicatorRole } from './replicator-role';
import { attachedKindsWithout } from './shared/attached-kinds';
import type { JobSettings } from './shared/job-settings';
import { kindsWithout } from './shared/lake-formation-kinds';

/** Outcomes counted by every run, for {@link MultiRegionLakeReplica.metricObjects}. */
export enum ReplicationOutcome {
  /** Objects created in a target (a grant counts as created). */
  CREATED = 'Created',
  /** Objects updated in a target to match the source. */
  UPDATED = 'Updated',
  /** Objects deleted from a target, by a pruning run or near-real-time mode (a revoke counts as deleted). */
  DELETED = 'Deleted',
  /** Objects already equal to the source: no write. */
  UNCHANGED = 'Unchanged',
  /** Objects that could not be converged; the report names each one. */
  FAILED = 'Failed',
}

/**
 * Keeps a disaster-recovery replica of a data lake's Glue Data Catalog and Lake Formation state in other Regions.
 *
 * Deploys an on-demand replication job (a Step Functions state machine running the replication engine in
 * Lambda functions) that snapshots the source state to S3 and converges every target Region to it, and
 * (unless `nearRealTime` is false) a near-real-time pipeline that follows the source's CloudTrail. The stack
 * outputs `<id>StateMachineArn`, `<id>SnapshotBucketName` and, with near-real-time mode, `<id>LedgerTableName`.
 *
 * @example
 * import { App, Stack } from 'aws-cdk-lib';
 * import { MultiRegionLakeReplica } from 'cdk-multi-region-lake-replica';
 *
 * const app = new App();
 * // Deploy it in a target Region: the job, its snapshots and its alarms must outlive the source Region.
 * const stack = new Stack(app, 'LakeReplica', { env: { region: 'us-west-2' } });
 * new MultiRegionLakeReplica(stack, 'Replica', {
 *   sourceRegion: 'us-east-1',
 *   targetRegions: ['us-west-2'],
 *   bucketMappings: [{ sourceBucket: 'acme-lake-raw', targetBucket: 'acme-lake-raw-usw2' }],
 *   initialSync: true,
 * });
 */
export class MultiRegionLakeReplica extends Construct {
  /** The on-demand job. Start an execution (input: `{"prune"?, "dryRun"?, "databases"?, "excludeDatabases"?}`) to run it. */
  readonly stateMachine: sfn.StateMachine;
  /** Where runs keep manifests, reports (`runs/<id>/report.json`, `latest/report.json`) and snapshots. */
  readonly snapshotBucket: s3.IBucket;
  /**
   * The role the replication engine runs as: grant it Lake Formation admin in the source and targets. What the
   * library grants it is in a policy of its own; what you add goes to the role's default policy, where cdk-nag
   * checks it with no acknowledgement of ours.
   */
  readonly replicatorRole: iam.IRole;
  /** The CloudWatch namespace of the run metrics. */
  readonly metricNamespace: string;
  /** The near-real-time event ledger, one item per CloudTrail event; undefined when `nearRealTime` is false. */
  readonly eventLedger?: dynamodb.ITable;
  /** Where ledger stream records go when the applier gives up on them; undefined when `nearRealTime` is false. */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * Every alarm of the construct: failed or timed-out runs of the on-demand job (in every configuration) and, in
   * near-real-time mode, replication lag, failed events, CloudTrail gaps, dead letters, a stalled poller and events
   * waiting too long. They have no actions until you add some with `addAlarmAction`.
   */
  readonly alarms: cloudwatch.IAlarm[];
  private readonly ownAlarms: cloudwatch.Alarm[];
  private readonly nearRealTimePipeline?: NearRealTimeReplication;

  /**
   * @param scope the construct to create it in; deploy its stack in a target Region
   * @param id the construct's id, also the prefix of the stack outputs (`<id>StateMachineArn`, ...)
   * @param props the source, the targets and what to replicate
   */
  constructor(scope: Construct, id: string, props: MultiRegionLakeReplicaProps) {
    super(scope, id);
    const errors = propsErrors(props);
    if (errors.length > 0) throw new Error(`Invalid MultiRegionLakeReplica props:\n  - ${errors.join('\n  - ')}`);
    for (const warning of propsWarnings(props, Stack.of(this).region)) Annotations.of(this).addWarningV2(warning.id, warning.message);

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const databases = props.databases ?? ['*'];
    const excludeDatabases = props.excludeDatabases ?? [];
    this.metricNamespace = props.metricNamespace ?? 'LakeReplica';
    this.snapshotBucket = props.snapshotBucket ?? this.createBucket(removalPolicy, props.snapshotRetention ?? Duration.days(90));

    const replicator = new ReplicatorRole(this, 'Replicator');
    this.replicatorRole = replicator.role;
    const skipped = skippedGroups(props);
    const lakeFormationKinds = kindsWithout(skipped);
    const attachedKinds = attachedKindsWithout(skipped);
    for (const statement of [
      ...gluePolicyStatements(Stack.of(this), props.sourceRegion, props.targetRegions, databases, excludeDatabases, attachedKinds),
      ...lakeFormationPolicyStatements(Stack.of(this), props.sourceRegion, props.targetRegions, lakeFormationKinds),
      ...(props.replicateIcebergMetadata ?? true) ? icebergPolicyStatements(Stack.of(this), props.bucketMappings ?? []) : [],
    ]) {
      replicator.addToPrincipalPolicy(statement);
    }
    // Runs only read and add objects under their prefixes: no delete, no wildcard actions.
    replicator.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'RunObjects',
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: ['runs/*', 'latest/*'].map(p => this.snapshotBucket.arnForObjects(p)),
    }));
    replicator.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ListRunReports',
      actions: ['s3:ListBucket'],
      resources: [this.snapshotBucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': ['runs/*'] } },
    }));
    if (this.snapshotBucket.encryptionKey) this.snapshotBucket.encryptionKey.grantEncryptDecrypt(replicator);
    if (props.replicateIcebergMetadata ?? true) {
      for (const key of props.targetBucketKeys ?? []) key.grant(replicator, 'kms:Decrypt', 'kms:GenerateDataKey');
    }

    const settings: JobSettings = {
      sourceRegion: props.sourceRegion,
      targetRegions: props.targetRegions,
      databases,
      excludeDatabases,
      bucketMappings: (props.bucketMappings ?? []).map(m => ({
        sourceBucket: m.sourceBucket, targetBucket: m.targetBucket, targetRegion: m.targetRegion,
      })),
      ...props.roleMappings?.length ? {
        roleMappings: props.roleMappings.map(m => ({ sourceRole: m.sourceRole, targetRole: m.targetRole, targetRegion: m.targetRegion })),
      } : {},
      ...props.connectionMappings?.length ? {
        connectionMappings: props.connectionMappings.map(m => ({
          connection: m.connection,
          targetRegion: m.targetRegion,
          secretArn: m.secretArn,
          subnetId: m.subnetId,
          securityGroupIds: m.securityGroupIds,
          availabilityZone: m.availabilityZone,
        })),
      } : {},
      snapshotBucket: this.snapshotBucket.bucketName,
      tableConcurrency: props.tableConcurrency ?? 4,
      metricNamespace: this.metricNamespace,
      lakeFormationKinds,
      protectedPrincipals: props.protectedPrincipals ?? [],
      ...(props.replicateIcebergMetadata ?? true) ? {} : { icebergMetadata: false },
      attachedKinds,
    };
    const job = new OnDemandJob(this, 'OnDemandJob', {
      settings,
      bucket: this.snapshotBucket,
      replicator,
      maxConcurrency: props.maxConcurrency ?? 10,
      memorySize: props.memorySize ?? 1024,
      logRetention,
      removalPolicy,
      logLevel: props.logLevel,
    });
    this.stateMachine = job.stateMachine;
    this.ownAlarms = [job.runsFailedAlarm];
    this.output('StateMachineArn', this.stateMachine.stateMachineArn,
      'The on-demand job: aws stepfunctions start-execution --state-machine-arn <this> --input \'{}\'');
    this.output('SnapshotBucketName', this.snapshotBucket.bucketName, 'Runs, reports (latest/report.json) and snapshots');

    if (props.nearRealTime ?? true) {
      const pipeline = new NearRealTimeReplication(this, 'NearRealTime', {
        settings,
        replicator,
        reconcileStateMachine: this.stateMachine,
        pollInterval: props.pollInterval,
        lookback: props.lookback,
        eventRetention: props.eventRetention,
        lagAlarmThreshold: props.replicationLagAlarmThreshold,
        lookupStrategy: props.lookupStrategy,
        logRetention,
        removalPolicy,
        metricNamespace: this.metricNamespace,
        logLevel: props.logLevel,
      });
      this.nearRealTimePipeline = pipeline;
      this.eventLedger = pipeline.ledger;
      this.deadLetterQueue = pipeline.deadLetterQueue;
      this.ownAlarms.push(pipeline.lagAlarm, pipeline.failedEventsAlarm, pipeline.gapAlarm, pipeline.deadLetterAlarm, pipeline.pollerStalledAlarm,
        pipeline.stalePendingAlarm);
      this.output('LedgerTableName', pipeline.ledger.tableName,
        'The near-real-time event ledger: lake-replica redrive --ledger-table <this> --ledger-region <the stack\'s Region>');
    }
    this.alarms = [...this.ownAlarms];

    if (props.reconcileSchedule) {
      new events.Rule(this, 'ReconcileSchedule', {
        description: 'lake-replica: periodic reconcile of the replica (never prunes)',
        schedule: props.reconcileSchedule,
        targets: [new targets.SfnStateMachine(this.stateMachine, { input: events.RuleTargetInput.fromObject({}) })],
      });
    }
    if (props.initialSync) {
      // CloudFormation reports the stack's status to EventBridge: its CREATE_COMPLETE starts the first full run.
      new events.Rule(this, 'InitialSync', {
        description: 'lake-replica: one full run (never prunes) when the stack is first created',
        eventPattern: {
          source: ['aws.cloudformation'],
          detailType: ['CloudFormation Stack Status Change'],
          detail: { 'stack-id': [Stack.of(this).stackId], 'status-details': { status: ['CREATE_COMPLETE'] } },
        },
        targets: [new targets.SfnStateMachine(this.stateMachine, { input: events.RuleTargetInput.fromObject({}) })],
      });
    }
    if (props.registerAsLakeFormationAdmin) {
      this.registerAdmin(replicator.role, [props.sourceRegion, ...props.targetRegions], logRetention, removalPolicy, props.logLevel);
    }
    acceptNagFindings(this);
  }

  /**
   * Sends every alarm of the construct (`alarms`) to these actions when it goes into ALARM, e.g.
   * `new cloudwatch_actions.SnsAction(topic)`.
   * @param actions what to do when an alarm fires
   */
  addAlarmAction(...actions: cloudwatch.IAlarmAction[]): void {
    for (const alarm of this.ownAlarms) alarm.addAlarmAction(...actions);
  }

  /**
   * Sends every alarm of the construct (`alarms`) to these actions when it returns to OK.
   * @param actions what to do when an alarm clears
   */
  addOkAction(...actions: cloudwatch.IAlarmAction[]): void {
    for (const alarm of this.ownAlarms) alarm.addOkAction(...actions);
  }

  /**
   * Lets `grantee` retry the near-real-time ledger's FAILED and stale PENDING events (`lake-replica redrive`).
   * Fails when `nearRealTime` is false: there is no ledger then.
   * @param grantee the operator (a role, user or group) who runs `lake-replica redrive`
   */
  grantRedrive(grantee: iam.IGrantable): iam.Grant {
    if (!this.nearRealTimePipeline) {
      throw new Error('grantRedrive: near-real-time mode is switched off (nearRealTime: false), so there is no event ledger to redrive');
    }
    return this.nearRealTimePipeline.grantRedrive(grantee);
  }

  /**
   * A near-real-time metric, all targets together: `ReplicationLagMs`, `EventsApplied`, `EventsSkipped`,
   * `EventsFailed`, `PollDurationMs`, `CursorAgeMs`, `GapDetected`, `OldestPendingAgeMs` (see
   * [docs/near-real-time.md](https://github.com/lakereplica/cdk-multi-region-lake-replica/blob/main/docs/near-real-time.md)).
   * @param metricName the metric's name
   * @param props statistic, period and other options; by default the metric's own statistic over 5 minutes
   */
  metricNearRealTime(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return nearRealTimeMetric(this.metricNamespace, metricName, props);
  }

  /**
   * Lets `grantee` start runs, follow them, and read their reports and snapshots.
   * @param grantee the operator or pipeline (a role, user or group) that starts runs
   */
  grantStartSync(grantee: iam.IGrantable): iam.Grant {
    this.stateMachine.grantRead(grantee);
    this.snapshotBucket.grantRead(grantee, 'runs/*');
    this.snapshotBucket.grantRead(grantee, 'latest/*');
    return this.stateMachine.grantStartExecution(grantee);
  }

  /**
   * Objects with this outcome per run, for one kind (`database`, `table`, `partition`) or all kinds.
   * @param outcome what happened to the objects
   * @param kind the object kind; leave out for all kinds together
   * @param props statistic, period and other options; by default the sum over 1 hour
   */
  metricObjects(outcome: ReplicationOutcome, kind?: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.metricNamespace,
      metricName: outcome,
      dimensionsMap: kind ? { Kind: kind } : undefined,
      statistic: cloudwatch.Stats.SUM,
      period: Duration.hours(1),
      ...props,
    });
  }

  /**
   * Objects that failed to replicate, all kinds together: alarm when above zero.
   * @param props statistic, period and other options; by default the sum over 1 hour
   */
  metricFailedObjects(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricObjects(ReplicationOutcome.FAILED, undefined, props);
  }

  /**
   * Runs of the on-demand job that failed (the `alarms` include one on failed or timed-out runs).
   * @param props statistic, period and other options; by default the sum over 5 minutes
   */
  metricRunsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricFailed(props);
  }

  /**
   * Runs of the on-demand job that succeeded.
   * @param props statistic, period and other options; by default the sum over 5 minutes
   */
  metricRunsSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricSucceeded(props);
  }

  /** A stack output named after the construct (`<id><name>`), so the README's commands can find it. */
  private output(name: string, value: string, description: string): void {
    const clash = Stack.of(this).node.findAll()
      .find(c => c !== this && c instanceof MultiRegionLakeReplica && Stack.of(c) === Stack.of(this) && c.node.id === this.node.id);
    if (clash) {
      throw new Error(`MultiRegionLakeReplica: ${clash.node.path} and ${this.node.path} have the same id in one stack, so their stack `
        + `outputs (${this.node.id}${name}, ...) would clash; give them different ids`);
    }
    const output = new CfnOutput(this, name, { value, description });
    output.overrideLogicalId(`${this.node.id.replace(/[^A-Za-z0-9]/g, '')}${name}`);
  }

  private createBucket(removalPolicy: RemovalPolicy, retention: Duration): s3.Bucket {
    return new s3.Bucket(this, 'SnapshotBucket', {
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
      autoDeleteObjects: false,
      lifecycleRules: [
        { id: 'ExpireRuns', prefix: 'runs/', expiration: retention, noncurrentVersionExpiration: Duration.days(7) },
        { id: 'ExpireOldLatest', prefix: 'latest/', noncurrentVersionExpiration: retention },
        { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
  }

  private registerAdmin(
    replicator: iam.IRole, regions: string[], logRetention: logs.RetentionDays, removalPolicy: RemovalPolicy, logLevel?: lambda.ApplicationLogLevel,
  ) {
    const logGroup = new logs.LogGroup(this, 'LakeFormationAdminLogs', { retention: logRetention, removalPolicy });
    const role = new iam.Role(this, 'LakeFormationAdminRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'lake-replica: merges the replicator role into the Lake Formation admin list',
    });
    logGroup.grantWrite(role);
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'MergeDataLakeAdmins',
      actions: ['lakeformation:GetDataLakeSettings', 'lakeformation:PutDataLakeSettings'],
      // Lake Formation settings have no resource-level permissions; the Region condition scopes them.
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': regions } },
    }));
    const onEvent = new LakeFormationAdminFunction(this, 'LakeFormationAdminHandler', {
      role,
      logGroup,
      timeout: Duration.minutes(2),
      ...loggingOptions(logLevel),
      description: 'lake-replica: merges the replicator role into the Lake Formation admin list',
    });
    new CustomResource(this, 'LakeFormationAdmin', {
      serviceToken: onEvent.functionArn,
      resourceType: 'Custom::LakeReplicaDataLakeAdmin',
      // The function's 2-minute timeout, and Lambda's two retries of an asynchronous invocation, with room to spare.
      serviceTimeout: Duration.minutes(10),
      properties: { PrincipalArn: replicator.roleArn, Regions: regions },
    });
  }
}

/** The `--skip` groups that the `replicate*` props switch off. */
function skippedGroups(props: MultiRegionLakeReplicaProps): string[] {
  const switches: Array<[boolean | undefined, string]> = [
    [props.replicateDataLakeSettings, 'data-lake-settings'],
    [props.replicateDataLocations, 'data-locations'],
    [props.replicateOptIns, 'opt-ins'],
    [props.replicateLfTags, 'lf-tags'],
    [props.replicateLfTagExpressions, 'lf-tag-expressions'],
    [props.replicateDataCellsFilters, 'data-cells-filters'],
    [props.replicatePermissions, 'permissions'],
    [props.replicatePartitionIndexes, 'partition-indexes'],
    [props.replicateUserDefinedFunctions, 'user-defined-functions'],
    [props.replicateCatalogs, 'catalogs'],
    [props.replicateConnections, 'connections'],
    [props.replicateCatalogOptimization, 'catalog-optimization'],
    [props.replicateTableOptimizers, 'table-optimizers'],
    [props.replicateColumnStatistics, 'column-statistics'],
    [props.replicatePartitionColumnStatistics, 'partition-column-statistics'],
    [props.replicateStatisticsTaskSettings, 'statistics-task-settings'],
  ];
  return switches.filter(([on]) => on === false).map(([, group]) => group);
}
