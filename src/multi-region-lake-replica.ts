import { CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { BucketMapping } from './bucket-mapping';
import { gluePolicyStatements } from './glue-permissions';
import { LakeFormationAdminFunction } from './handlers/lake-formation-admin-function';
import { lakeFormationPolicyStatements } from './lake-formation-permissions';
import { acceptNagFindings } from './nag-suppressions';
import { NearRealTimeReplication, nearRealTimeMetric } from './near-real-time';
import { OnDemandJob } from './on-demand-job';
import { propsErrors } from './props-validation';
import type { JobSettings } from './shared/job-settings';
import { kindsWithout } from './shared/lake-formation-kinds';

/** Properties of {@link MultiRegionLakeReplica}. */
export interface MultiRegionLakeReplicaProps {
  /** The Region whose Glue Data Catalog is replicated, e.g. `us-east-1`. */
  readonly sourceRegion: string;

  /** The Regions that hold the replica; at least one, none equal to `sourceRegion`. */
  readonly targetRegions: string[];

  /**
   * Database name patterns to replicate (`*`, `?`, `[a-z]`, `[!x]`; case-insensitive).
   * @default - every database
   */
  readonly databases?: string[];

  /**
   * Database name patterns to leave out, applied after `databases`.
   * @default - none
   */
  readonly excludeDatabases?: string[];

  /**
   * Source buckets and the buckets S3 replication copies them into: S3 locations in the
   * replica are rewritten so it reads the replicated data.
   * @default - no mapping; every replicated location is reported as still pointing at the source bucket
   */
  readonly bucketMappings?: BucketMapping[];

  /**
   * Near-real-time mode: poll the source Region's CloudTrail and converge every changed object in each
   * target within minutes, deletes and revokes included. Switch it off to replicate only by runs of the job.
   * @default true
   */
  readonly nearRealTime?: boolean;

  /**
   * How often the near-real-time mode polls CloudTrail: whole minutes, at least one.
   * @default Duration.minutes(1)
   */
  readonly pollInterval?: Duration;

  /**
   * How far back the near-real-time mode catches up after downtime; at most 90 days (CloudTrail's event history).
   * @default Duration.hours(1)
   */
  readonly lookback?: Duration;

  /**
   * How long the near-real-time event ledger keeps each event (its DynamoDB TTL).
   * @default Duration.days(30)
   */
  readonly eventRetention?: Duration;

  /**
   * Alarm when a change takes longer than this to reach a target in near-real-time mode.
   * @default Duration.minutes(20)
   */
  readonly replicationLagAlarmThreshold?: Duration;

  /**
   * How the near-real-time poller asks CloudTrail for the lake's changes.
   *
   * `WRITE_EVENTS` pages through every write management event of the source Region, cheapest while the
   * account makes fewer than about 110 writes a minute (all services together). `EVENT_NAMES` asks once
   * per replicated event name, a fixed 36 calls a poll, for accounts with many other writes. See docs/near-real-time.md.
   * @default CloudTrailLookupStrategy.WRITE_EVENTS
   */
  readonly lookupStrategy?: CloudTrailLookupStrategy;

  /**
   * Where runs write their manifests, reports and snapshots.
   * @default - a new versioned, encrypted bucket that enforces SSL, blocks public access and expires old runs
   */
  readonly snapshotBucket?: s3.IBucket;

  /**
   * Runs the on-demand job on this schedule as a periodic reconcile (never pruning).
   * @default - no schedule; start runs yourself
   */
  readonly reconcileSchedule?: events.Schedule;

  /**
   * What happens to stateful resources (the snapshot bucket it creates, log groups) when removed from the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * How many (target Region x database) items the job converges at once.
   * @default 10
   */
  readonly maxConcurrency?: number;

  /**
   * How many tables one item converges at once inside its Lambda function.
   * @default 4
   */
  readonly tableConcurrency?: number;

  /**
   * Memory of the job's Lambda functions in MiB; a table with a million partitions needs about 1024.
   * @default 1024
   */
  readonly memorySize?: number;

  /**
   * How long runs (manifests, reports, snapshots) are kept in the bucket the construct creates.
   * @default Duration.days(90)
   */
  readonly snapshotRetention?: Duration;

  /**
   * Register the replicator's role as a Lake Formation data lake administrator in the source and
   * target Regions. It is merged into the existing admin list; on removal only this role is taken out.
   * @default false - register it yourself (see the README's prerequisites)
   */
  readonly registerAsLakeFormationAdmin?: boolean;

  /**
   * CloudWatch namespace of the job's metrics.
   * @default "LakeReplica"
   */
  readonly metricNamespace?: string;

  /**
   * Retention of the job's log groups.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Replicate the Lake Formation data lake settings: admins and read-only admins are merged into each
   * target's lists (never removed); default permissions, trusted owners, external filtering and parameters are copied.
   * @default true
   */
  readonly replicateDataLakeSettings?: boolean;

  /**
   * Replicate registered data locations (S3 ARNs bucket-mapped), with their role, hybrid access and federation flags.
   * @default true
   */
  readonly replicateDataLocations?: boolean;

  /**
   * Replicate hybrid access mode opt-ins.
   * @default true
   */
  readonly replicateOptIns?: boolean;

  /**
   * Replicate LF-tag definitions and their assignments on databases, tables and columns.
   * @default true
   */
  readonly replicateLfTags?: boolean;

  /**
   * Replicate named LF-tag expressions. Without them, grants on named expressions are left alone too.
   * @default true
   */
  readonly replicateLfTagExpressions?: boolean;

  /**
   * Replicate data cells filters (row filters and column lists or wildcards with exclusions).
   * @default true
   */
  readonly replicateDataCellsFilters?: boolean;

  /**
   * Replicate Lake Formation permissions of every resource kind, grant options included.
   * @default true
   */
  readonly replicatePermissions?: boolean;

  /**
   * Principals (ARNs, account ids or `IAM_ALLOWED_PRINCIPALS`) whose permissions and opt-ins are never
   * revoked in a target, even by a pruning run. The replicator role and each target's data lake
   * admins are always protected.
   * @default - only the replicator role and each target's data lake admins
   */
  readonly protectedPrincipals?: string[];
}

/** How the near-real-time poller looks up CloudTrail events, for {@link MultiRegionLakeReplicaProps.lookupStrategy}. */
export enum CloudTrailLookupStrategy {
  /** Every write event (`ReadOnly=false`), one call a poll when the account is quiet. The account's other writes are paged and dropped. */
  WRITE_EVENTS = 'write-events',
  /** One lookup per replicated event name: a fixed cost, whatever the account's other writes. */
  EVENT_NAMES = 'event-names',
}

/** Outcomes counted by every run, for {@link MultiRegionLakeReplica.metricObjects}. */
export enum ReplicationOutcome {
  CREATED = 'Created',
  UPDATED = 'Updated',
  DELETED = 'Deleted',
  UNCHANGED = 'Unchanged',
  FAILED = 'Failed',
}

/**
 * Keeps a disaster-recovery replica of a data lake's Glue Data Catalog in other Regions.
 *
 * Deploys an on-demand replication job (a Step Functions state machine running the
 * replication engine in Lambda functions) that snapshots the source state to S3 and
 * converges every target Region's catalog to it.
 */
export class MultiRegionLakeReplica extends Construct {
  /** The on-demand job. Start an execution (input: `{"prune"?, "dryRun"?, "databases"?, "excludeDatabases"?}`) to run it. */
  readonly stateMachine: sfn.StateMachine;
  /** Where runs keep manifests, reports (`runs/<id>/report.json`, `latest/report.json`) and snapshots. */
  readonly snapshotBucket: s3.IBucket;
  /** The role the replication engine runs as: grant it Lake Formation admin in the source and targets. */
  readonly replicatorRole: iam.IRole;
  /** The CloudWatch namespace of the run metrics. */
  readonly metricNamespace: string;
  /** The near-real-time event ledger, one item per CloudTrail event; undefined when `nearRealTime` is false. */
  readonly eventLedger?: dynamodb.ITable;
  /** Where ledger stream records go when the applier gives up on them; undefined when `nearRealTime` is false. */
  readonly deadLetterQueue?: sqs.IQueue;
  /** The near-real-time alarms: replication lag, failed events, CloudTrail gaps, dead letters, a stalled poller, events waiting too long. */
  readonly alarms: cloudwatch.IAlarm[];
  private readonly nearRealTimePipeline?: NearRealTimeReplication;

  constructor(scope: Construct, id: string, props: MultiRegionLakeReplicaProps) {
    super(scope, id);
    const errors = propsErrors(props);
    if (errors.length > 0) throw new Error(`Invalid MultiRegionLakeReplica props:\n  - ${errors.join('\n  - ')}`);

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const databases = props.databases ?? ['*'];
    const excludeDatabases = props.excludeDatabases ?? [];
    this.metricNamespace = props.metricNamespace ?? 'LakeReplica';
    this.snapshotBucket = props.snapshotBucket ?? this.createBucket(removalPolicy, props.snapshotRetention ?? Duration.days(90));

    const role = new iam.Role(this, 'ReplicatorRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'lake-replica: reads the source Glue Data Catalog and converges the target Regions',
    });
    this.replicatorRole = role;
    const lakeFormationKinds = kindsWithout(skippedLakeFormationGroups(props));
    for (const statement of [
      ...gluePolicyStatements(Stack.of(this), props.sourceRegion, props.targetRegions, databases, excludeDatabases),
      ...lakeFormationPolicyStatements(Stack.of(this), props.sourceRegion, props.targetRegions, lakeFormationKinds),
    ]) {
      role.addToPolicy(statement);
    }
    // Runs only read and add objects under their prefixes: no delete, no wildcard actions.
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'RunObjects',
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: ['runs/*', 'latest/*'].map(p => this.snapshotBucket.arnForObjects(p)),
    }));
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ListRunReports',
      actions: ['s3:ListBucket'],
      resources: [this.snapshotBucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': ['runs/*'] } },
    }));
    if (this.snapshotBucket.encryptionKey) this.snapshotBucket.encryptionKey.grantEncryptDecrypt(role);

    const settings: JobSettings = {
      sourceRegion: props.sourceRegion,
      targetRegions: props.targetRegions,
      databases,
      excludeDatabases,
      bucketMappings: (props.bucketMappings ?? []).map(m => ({
        sourceBucket: m.sourceBucket, targetBucket: m.targetBucket, targetRegion: m.targetRegion,
      })),
      snapshotBucket: this.snapshotBucket.bucketName,
      tableConcurrency: props.tableConcurrency ?? 4,
      metricNamespace: this.metricNamespace,
      lakeFormationKinds,
      protectedPrincipals: props.protectedPrincipals ?? [],
    };
    const job = new OnDemandJob(this, 'OnDemandJob', {
      settings,
      bucket: this.snapshotBucket,
      role,
      maxConcurrency: props.maxConcurrency ?? 10,
      memorySize: props.memorySize ?? 1024,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy,
    });
    this.stateMachine = job.stateMachine;

    this.alarms = [];
    if (props.nearRealTime ?? true) {
      const pipeline = new NearRealTimeReplication(this, 'NearRealTime', {
        settings,
        replicatorRole: role,
        reconcileStateMachine: this.stateMachine,
        pollInterval: props.pollInterval,
        lookback: props.lookback,
        eventRetention: props.eventRetention,
        lagAlarmThreshold: props.replicationLagAlarmThreshold,
        lookupStrategy: props.lookupStrategy,
        logRetention: props.logRetention,
        removalPolicy,
        metricNamespace: this.metricNamespace,
      });
      this.nearRealTimePipeline = pipeline;
      this.eventLedger = pipeline.ledger;
      this.deadLetterQueue = pipeline.deadLetterQueue;
      this.alarms.push(pipeline.lagAlarm, pipeline.failedEventsAlarm, pipeline.gapAlarm, pipeline.deadLetterAlarm, pipeline.pollerStalledAlarm,
        pipeline.stalePendingAlarm);
    }

    if (props.reconcileSchedule) {
      new events.Rule(this, 'ReconcileSchedule', {
        description: 'lake-replica: periodic reconcile of the replica (never prunes)',
        schedule: props.reconcileSchedule,
        targets: [new targets.SfnStateMachine(this.stateMachine, { input: events.RuleTargetInput.fromObject({}) })],
      });
    }
    if (props.registerAsLakeFormationAdmin) {
      this.registerAdmin(role, [props.sourceRegion, ...props.targetRegions], props.logRetention ?? logs.RetentionDays.ONE_YEAR, removalPolicy);
    }
    acceptNagFindings(this);
  }

  /**
   * Lets `grantee` retry the near-real-time ledger's FAILED and stale PENDING events (`lake-replica redrive`).
   * Fails when `nearRealTime` is false: there is no ledger then.
   */
  grantRedrive(grantee: iam.IGrantable): iam.Grant {
    if (!this.nearRealTimePipeline) {
      throw new Error('grantRedrive: near-real-time mode is switched off (nearRealTime: false), so there is no event ledger to redrive');
    }
    return this.nearRealTimePipeline.grantRedrive(grantee);
  }

  /**
   * A near-real-time metric, all targets together: `ReplicationLagMs`, `EventsApplied`, `EventsSkipped`,
   * `EventsFailed`, `PollDurationMs`, `CursorAgeMs`, `GapDetected`, `OldestPendingAgeMs` (see docs/near-real-time.md).
   * @param metricName the metric's name
   */
  metricNearRealTime(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return nearRealTimeMetric(this.metricNamespace, metricName, props);
  }

  /** Lets `grantee` start runs, follow them, and read their reports and snapshots. */
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

  /** Objects that failed to replicate, all kinds together: alarm when above zero. */
  metricFailedObjects(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricObjects(ReplicationOutcome.FAILED, undefined, props);
  }

  /** Runs of the on-demand job that failed. */
  metricRunsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricFailed(props);
  }

  /** Runs of the on-demand job that succeeded. */
  metricRunsSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricSucceeded(props);
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

  private registerAdmin(replicator: iam.Role, regions: string[], logRetention: logs.RetentionDays, removalPolicy: RemovalPolicy) {
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
      description: 'lake-replica: merges the replicator role into the Lake Formation admin list',
    });
    new CustomResource(this, 'LakeFormationAdmin', {
      serviceToken: onEvent.functionArn,
      resourceType: 'Custom::LakeReplicaDataLakeAdmin',
      properties: { PrincipalArn: replicator.roleArn, Regions: regions },
    });
  }
}

/** The `--skip` groups that the `replicate*` props switch off. */
function skippedLakeFormationGroups(props: MultiRegionLakeReplicaProps): string[] {
  const switches: Array<[boolean | undefined, string]> = [
    [props.replicateDataLakeSettings, 'data-lake-settings'],
    [props.replicateDataLocations, 'data-locations'],
    [props.replicateOptIns, 'opt-ins'],
    [props.replicateLfTags, 'lf-tags'],
    [props.replicateLfTagExpressions, 'lf-tag-expressions'],
    [props.replicateDataCellsFilters, 'data-cells-filters'],
    [props.replicatePermissions, 'permissions'],
  ];
  return switches.filter(([on]) => on === false).map(([, group]) => group);
}
