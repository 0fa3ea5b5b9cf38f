import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { loggingOptions, settingsEnvironment } from './function-options';
import { ApplierFunction } from './handlers/applier-function';
import { PollerFunction } from './handlers/poller-function';
import { acceptNagFindings } from './nag-suppressions';
import type { ReplicatorRole } from './replicator-role';
import type { JobSettings } from './shared/job-settings';
import {
  DEFAULT_LOOKUPS_PER_SECOND, DEFAULT_STALE_PENDING_MS, LEDGER, type LookupStrategy, type RealtimeSettings,
} from './shared/realtime-settings';

/** Properties of {@link NearRealTimeReplication}. */
export interface NearRealTimeReplicationProps {
  /** What the on-demand job replicates: source, targets, scope and bucket mappings. */
  readonly settings: JobSettings;

  /** The replicator: it reads the source and writes the targets; the applier runs as it. */
  readonly replicator: ReplicatorRole;

  /** The on-demand job, started for a full reconcile when a gap is detected. */
  readonly reconcileStateMachine: sfn.IStateMachine;

  /**
   * How often CloudTrail is polled: whole minutes, at least one.
   * @default Duration.minutes(1)
   */
  readonly pollInterval?: Duration;

  /**
   * How far back the poller catches up after downtime; a cursor older than this is a gap.
   * @default Duration.hours(1)
   */
  readonly lookback?: Duration;

  /**
   * How far each poll reaches back before its cursor, for CloudTrail's delivery delay.
   * @default Duration.minutes(15)
   */
  readonly overlap?: Duration;

  /**
   * How long ledger items are kept (their TTL).
   * @default Duration.days(30)
   */
  readonly eventRetention?: Duration;

  /**
   * A key for the ledger and the dead-letter queue.
   * @default - AWS managed keys
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Alarm when an applied change took longer than this to reach a target.
   * @default Duration.minutes(20)
   */
  readonly lagAlarmThreshold?: Duration;

  /**
   * How the poller asks CloudTrail for events (see docs/near-real-time.md).
   * @default 'write-events'
   */
  readonly lookupStrategy?: LookupStrategy;

  /**
   * Ledger stream records per applier invocation.
   * @default 50
   */
  readonly batchSize?: number;

  /**
   * Retention of the functions' log groups.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the ledger, queue and log groups when removed from the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * CloudWatch namespace of the pipeline's metrics.
   * @default - the job settings' namespace
   */
  readonly metricNamespace?: string;

  /**
   * The lowest level of the functions' own log lines that reaches CloudWatch Logs.
   * @default lambda.ApplicationLogLevel.INFO
   */
  readonly logLevel?: lambda.ApplicationLogLevel;
}

/** One of the pipeline's metrics in a namespace, all targets together, over 5 minutes unless told otherwise. */
export function nearRealTimeMetric(namespace: string, metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace, metricName, period: Duration.minutes(5), ...props });
}

/** Stream retries before the dead-letter queue: the applier itself stops converging after 3 attempts. */
const STREAM_RETRIES = 5;

/**
 * Near-real-time replication: a poller reads the source Region's CloudTrail into a DynamoDB
 * ledger, one item per event; an applier on the ledger's stream converges each touched object in
 * every target from the source's current state. Alarms on lag, failed events, gaps and the
 * dead-letter queue; a gap starts the on-demand job as a full reconcile.
 */
export class NearRealTimeReplication extends Construct {
  /** One item per CloudTrail event (and the poller's cursor). */
  readonly ledger: dynamodb.Table;
  readonly poller: lambda.Function;
  readonly applier: lambda.Function;
  /** Where the ledger stream's records go when the applier gives up on them. */
  readonly deadLetterQueue: sqs.Queue;
  readonly lagAlarm: cloudwatch.Alarm;
  readonly failedEventsAlarm: cloudwatch.Alarm;
  readonly gapAlarm: cloudwatch.Alarm;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  readonly pollerStalledAlarm: cloudwatch.Alarm;
  /** Events have waited too long for the applier (it timed out, or their stream records were lost). */
  readonly stalePendingAlarm: cloudwatch.Alarm;
  readonly metricNamespace: string;
  private readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: NearRealTimeReplicationProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    const pollInterval = props.pollInterval ?? Duration.minutes(1);
    const lookback = props.lookback ?? Duration.hours(1);
    const overlap = props.overlap ?? Duration.minutes(15);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    this.metricNamespace = props.metricNamespace ?? props.settings.metricNamespace;

    this.ledger = new dynamodb.Table(this, 'Ledger', {
      partitionKey: { name: LEDGER.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: LEDGER.ttlAttribute,
      stream: dynamodb.StreamViewType.NEW_IMAGE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: props.encryptionKey ? dynamodb.TableEncryption.CUSTOMER_MANAGED : dynamodb.TableEncryption.AWS_MANAGED,
      encryptionKey: props.encryptionKey,
      removalPolicy,
    });
    this.ledger.addGlobalSecondaryIndex({
      indexName: LEDGER.failedIndex,
      partitionKey: { name: LEDGER.failedIndexKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: LEDGER.failedIndexSortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
    // PENDING events only, oldest first: the poller's sweep and redrive find the ones the applier never answered for.
    this.ledger.addGlobalSecondaryIndex({
      indexName: LEDGER.pendingIndex,
      partitionKey: { name: LEDGER.pendingIndexKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: LEDGER.pendingIndexSortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [LEDGER.touchedAttribute, LEDGER.wakeUpsAttribute],
    });

    const realtime: RealtimeSettings = {
      ledgerTable: this.ledger.tableName,
      lookbackMs: lookback.toMilliseconds(),
      overlapMs: overlap.toMilliseconds(),
      retentionMs: (props.eventRetention ?? Duration.days(30)).toMilliseconds(),
      lookupStrategy: props.lookupStrategy ?? 'write-events',
      lookupsPerSecond: DEFAULT_LOOKUPS_PER_SECOND,
      reconcileStateMachineArn: props.reconcileStateMachine.stateMachineArn,
      metricNamespace: this.metricNamespace,
      stalePendingMs: DEFAULT_STALE_PENDING_MS,
    };
    const environment = settingsEnvironment(this, props.settings, realtime);

    this.poller = this.createPoller(props, pollInterval, environment, logRetention, removalPolicy);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: props.encryptionKey ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    this.applier = this.createApplier(props, environment, logRetention, removalPolicy);

    const alarms = this.createAlarms(props.lagAlarmThreshold ?? Duration.minutes(20), pollInterval, overlap);
    [this.lagAlarm, this.failedEventsAlarm, this.gapAlarm, this.deadLetterAlarm, this.pollerStalledAlarm, this.stalePendingAlarm] = alarms;

    // A gap heals by a full reconcile: the gap alarm going off starts the on-demand job.
    new events.Rule(this, 'HealGap', {
      description: 'lake-replica: a CloudTrail gap starts a full reconcile (never prunes)',
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: [this.gapAlarm.alarmArn],
        detail: { state: { value: ['ALARM'] } },
      },
      targets: [new targets.SfnStateMachine(props.reconcileStateMachine, { input: events.RuleTargetInput.fromObject({}) })],
    });
    acceptNagFindings(this);
  }

  /** Lets `grantee` find FAILED (and stale PENDING) events and hand them to the applier again (`lake-replica redrive`). */
  grantRedrive(grantee: iam.IGrantable): iam.Grant {
    // The table grant covers its indexes: redrive queries the FAILED and PENDING indexes, then reads and updates items.
    this.grantKey(grantee);
    return this.ledger.grant(grantee, 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem');
  }

  /**
   * A customer key encrypts the ledger (items and stream) and the dead-letter queue: whoever reads or
   * writes them needs it. The actions are named (the CDK's grants add `kms:ReEncrypt*` and `kms:GenerateDataKey*`).
   */
  private grantKey(grantee: iam.IGrantable) {
    this.encryptionKey?.grant(grantee, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
  }

  /** One of the pipeline's metrics (see docs/near-real-time.md), all targets together. */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return nearRealTimeMetric(this.metricNamespace, metricName, props);
  }

  private createPoller(props: NearRealTimeReplicationProps, pollInterval: Duration, environment: Record<string, string>,
    logRetention: logs.RetentionDays, removalPolicy: RemovalPolicy): lambda.Function {
    // Its own role: it reads CloudTrail and writes the ledger, and nothing of the lake.
    const role = new iam.Role(this, 'PollerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'lake-replica: reads the source Region\'s CloudTrail event history into the ledger',
    });
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'LookupSourceEvents',
      actions: ['cloudtrail:LookupEvents'],
      // LookupEvents has no resource-level permissions; the Region condition scopes it to the source.
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': props.settings.sourceRegion } },
    }));
    // Query: the sweep reads the PENDING index.
    this.ledger.grant(role, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query');
    this.grantKey(role);
    const logGroup = new logs.LogGroup(this, 'PollerLogs', { retention: logRetention, removalPolicy });
    // A poll ends before the next one is due; a longer catch-up carries on from the cursor.
    const timeout = Duration.seconds(Math.min(Math.max(pollInterval.toSeconds(), 60), 300));
    const poller = new PollerFunction(this, 'Poller', {
      role,
      logGroup,
      timeout,
      memorySize: 512,
      environment,
      ...loggingOptions(props.logLevel),
      // One poll at a time: a tick that finds one running is dropped, never queued.
      reservedConcurrentExecutions: 1,
      retryAttempts: 0,
      maxEventAge: Duration.minutes(1),
      description: 'lake-replica near-real-time: CloudTrail events into the ledger',
    });
    new events.Rule(this, 'PollSchedule', {
      description: 'lake-replica: polls CloudTrail for Glue and Lake Formation changes',
      schedule: events.Schedule.rate(pollInterval),
      targets: [new targets.LambdaFunction(poller, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });
    return poller;
  }

  private createApplier(props: NearRealTimeReplicationProps, environment: Record<string, string>,
    logRetention: logs.RetentionDays, removalPolicy: RemovalPolicy): lambda.Function {
    // The replicator's role: converging is exactly its work (source reads, target writes). Its grants go to the
    // replicator's own policy, the stream's included (the function's role drops the grants the event source makes).
    const replicator = props.replicator;
    const logGroup = new logs.LogGroup(this, 'ApplierLogs', { retention: logRetention, removalPolicy });
    logGroup.grantWrite(replicator);
    this.ledger.grant(replicator, 'dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    this.ledger.grantStreamRead(replicator);
    // The event source mapping sends discarded records to the queue as the function's role.
    this.deadLetterQueue.grant(replicator, 'sqs:SendMessage');
    this.grantKey(replicator);
    const applier = new ApplierFunction(this, 'Applier', {
      role: replicator.functionRole,
      logGroup,
      timeout: Duration.minutes(5),
      memorySize: 1024,
      environment,
      ...loggingOptions(props.logLevel),
      description: 'lake-replica near-real-time: converges the objects of ledger events in every target',
    });
    // The event source mapping checks the role's stream permissions when it is created.
    replicator.policyBefore(applier);
    applier.addEventSource(new sources.DynamoEventSource(this.ledger, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: props.batchSize ?? 50,
      maxBatchingWindow: Duration.seconds(5),
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: STREAM_RETRIES,
      maxRecordAge: Duration.hours(6),
      // Not SqsDlq: its grant adds wildcard KMS actions for a keyed queue; the role's grants are above.
      onFailure: { bind: () => ({ destination: this.deadLetterQueue.queueArn }) },
      // Only work for the applier: new events, and redriven ones. Its own outcome writes (DONE, FAILED) pass by.
      filters: [lambda.FilterCriteria.filter({
        eventName: lambda.FilterRule.or('INSERT', 'MODIFY'),
        dynamodb: { NewImage: { [LEDGER.stateAttribute]: { S: lambda.FilterRule.isEqual(LEDGER.pendingState) } } },
      })],
    }));
    return applier;
  }

  private createAlarms(lagThreshold: Duration, pollInterval: Duration, overlap: Duration): cloudwatch.Alarm[] {
    const alarm = (id: string, description: string, metric: cloudwatch.IMetric, threshold: number, extra: Partial<cloudwatch.AlarmProps> = {}) =>
      new cloudwatch.Alarm(this, id, {
        alarmDescription: `lake-replica near-real-time: ${description}`,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...extra,
      });
    return [
      alarm('LagAlarm', 'changes take too long to reach a target (source event time to applied time)',
        this.metric('ReplicationLagMs', { statistic: cloudwatch.Stats.MAXIMUM }), lagThreshold.toMilliseconds(),
        { evaluationPeriods: 3, datapointsToAlarm: 2 }),
      alarm('FailedEventsAlarm', 'events failed to apply; see the ledger\'s FAILED items and run lake-replica redrive',
        this.metric('EventsFailed', { statistic: cloudwatch.Stats.SUM }), 1),
      alarm('GapAlarm', 'the poller fell behind its lookback; events were lost and a full reconcile was started, which never prunes: '
        + 'deletes, revokes and deregistrations made during the gap stay in the targets; review lake-replica verify and run a sync with --prune',
      this.metric('GapDetected', { statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1) }), 1),
      alarm('DeadLetterAlarm', 'ledger stream records were given up on and sent to the dead-letter queue',
        this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }), 1),
      // No poll at all is as bad as a slow one: missing data breaches.
      alarm('PollerStalledAlarm', 'the poller has not moved its cursor recently',
        this.metric('CursorAgeMs', { statistic: cloudwatch.Stats.MINIMUM }),
        overlap.toMilliseconds() + 5 * pollInterval.toMilliseconds(),
        { evaluationPeriods: 2, treatMissingData: cloudwatch.TreatMissingData.BREACHING }),
      // The sweep wakes an event after 15 minutes and records it FAILED after 3 wake-ups; this fires on the way.
      // Missing data breaches: a poller that cannot sweep publishes no age.
      alarm('StalePendingAlarm', 'events have waited more than 30 minutes for the applier (it timed out, or their stream records '
        + 'expired or were dead-lettered); the poller wakes them, records them FAILED after 3 tries; lake-replica redrive --include-stale-pending',
      this.metric('OldestPendingAgeMs', { statistic: cloudwatch.Stats.MAXIMUM }), 2 * DEFAULT_STALE_PENDING_MS,
      { evaluationPeriods: 2, treatMissingData: cloudwatch.TreatMissingData.BREACHING }),
    ];
  }
}
