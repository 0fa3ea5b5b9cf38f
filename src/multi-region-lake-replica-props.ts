import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { BucketMapping } from './shared/bucket-mapping';
import type { ConnectionMapping } from './shared/connection-mapping';
import type { RoleMapping } from './shared/role-mapping';

/** Properties of {@link MultiRegionLakeReplica}. */
export interface MultiRegionLakeReplicaProps {
  /**
   * The Region whose Glue Data Catalog is replicated, e.g. `us-east-1`. Deploy the stack in a target Region, not
   * here: the job, its snapshots and its alarms must outlive this Region.
   */
  readonly sourceRegion: string;

  /**
   * The Regions that hold the replica; at least one, none equal to `sourceRegion`. A Region `aws-cdk-lib` does not
   * know gets a synth warning (a typo, or a Region newer than your `aws-cdk-lib`).
   */
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
   * replica are rewritten so it reads the replicated data. In a target Region, a mapping with that
   * `targetRegion` takes precedence over a mapping of the same source bucket without one.
   * @default - no mapping; every replicated location is reported as still pointing at the source bucket
   */
  readonly bucketMappings?: BucketMapping[];

  /**
   * IAM roles that replicated objects name (table optimizers, column-statistics tasks, catalogs) and the roles
   * the replicas name instead. IAM is global, so a role with no mapping is kept as it is; map the roles the DR
   * Region replaces with Region-specific ones. A mapping with a `targetRegion` wins there over one without.
   * @default - no mapping; replicas name the source's roles
   */
  readonly roleMappings?: RoleMapping[];

  /**
   * Each Glue connection's Region-specific settings (secret ARN, subnet, security groups, Availability Zone) in a
   * target Region. A connection that a replicated catalog names and that names a secret or network settings is
   * replicated into a target only with its mapping there; without one every run reports it as a failure (exit 1,
   * never in sync), since the federated catalog that names it cannot work there.
   * @default - no mapping; only connections without a secret or network settings are replicated
   */
  readonly connectionMappings?: ConnectionMapping[];

  /**
   * Rewrite each Iceberg table's metadata files (which name the source bucket in every path) into a staging
   * prefix (`_lake-replica/iceberg/`) of its target bucket, so the replica is readable, and writable after a
   * failover, from the target Region alone. Off, Iceberg replicas keep reading the source Region's files, and
   * every run warns for each of them.
   * @default true
   */
  readonly replicateIcebergMetadata?: boolean;

  /**
   * The KMS keys of target buckets encrypted with SSE-KMS: the Iceberg rewrite reads replicated copies and
   * writes staged files there.
   * @default - none: the target buckets use SSE-S3
   */
  readonly targetBucketKeys?: kms.IKey[];

  /**
   * Near-real-time mode: poll the source Region's CloudTrail and converge every changed object in each
   * target within minutes, deletes and revokes included. Switch it off to replicate only by runs of the job;
   * the near-real-time props (`pollInterval`, `lookback`, `eventRetention`, `replicationLagAlarmThreshold`,
   * `lookupStrategy`) are then ignored, with a synth warning for each one set.
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
   * It does not reach back to before the deployment: for the state before, run a full sync (`initialSync`).
   * @default Duration.hours(1)
   */
  readonly lookback?: Duration;

  /**
   * How long the near-real-time event ledger keeps each event (its DynamoDB TTL); at least an hour.
   * @default Duration.days(30)
   */
  readonly eventRetention?: Duration;

  /**
   * Alarm when a change takes longer than this to reach a target in near-real-time mode; at least a minute.
   * @default Duration.minutes(20)
   */
  readonly replicationLagAlarmThreshold?: Duration;

  /**
   * How the near-real-time poller asks CloudTrail for the lake's changes.
   *
   * `WRITE_EVENTS` pages through every write management event of the source Region, cheapest while the
   * account makes fewer than about 110 writes a minute (all services together). `EVENT_NAMES` asks once
   * per replicated event name, a fixed 36 calls a poll, for accounts with many other writes. See
   * [docs/near-real-time.md](https://github.com/lakereplica/cdk-multi-region-lake-replica/blob/main/docs/near-real-time.md).
   * @default CloudTrailLookupStrategy.WRITE_EVENTS
   */
  readonly lookupStrategy?: CloudTrailLookupStrategy;

  /**
   * Where runs write their manifests, reports and snapshots (under `runs/` and `latest/`). Your own bucket keeps
   * its own lifecycle rules: `snapshotRetention` does not apply to it.
   * @default - a new versioned, encrypted bucket that enforces SSL, blocks public access and expires old runs
   */
  readonly snapshotBucket?: s3.IBucket;

  /**
   * Runs the on-demand job on this schedule as a periodic reconcile (never pruning).
   * @default - no schedule; start runs yourself
   */
  readonly reconcileSchedule?: events.Schedule;

  /**
   * What happens to stateful resources (the snapshot bucket it creates, the ledger, the dead-letter queue, log
   * groups) when removed from the stack. CloudFormation cannot delete the snapshot bucket while it holds objects
   * (it is versioned and nothing empties it), so with `DESTROY` empty it first or its deletion fails.
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
   * How long runs (manifests, reports, snapshots) are kept in the bucket the construct creates; at least a day.
   * Ignored (with a synth warning) when you pass `snapshotBucket`.
   * @default Duration.days(90)
   */
  readonly snapshotRetention?: Duration;

  /**
   * Register the replicator's role as a Lake Formation data lake administrator in the source and
   * target Regions. It is merged into the existing admin list; on removal only this role is taken out.
   * @default false - register it yourself (see the README's "Prerequisites")
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
   * The lowest level of the functions' own log lines that reaches CloudWatch Logs. Every function logs JSON
   * (Lambda's JSON log format), each line with its request id. `INFO`, `DEBUG` and `TRACE` are allowed: Lambda
   * files the embedded metric lines as `INFO`, so a higher level would starve the metrics and alarms.
   * @default lambda.ApplicationLogLevel.INFO
   */
  readonly logLevel?: lambda.ApplicationLogLevel;

  /**
   * Start one full run of the on-demand job (converge, never prune) when the stack is first created, so the replica
   * starts complete: near-real-time mode only follows changes made after it is deployed. It starts on the stack's
   * `CREATE_COMPLETE` event; adding this to a stack that exists already starts nothing (start a run yourself).
   * @default false - start the first run yourself (see the README's "After deploying")
   */
  readonly initialSync?: boolean;

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
   * Replicate tables' partition indexes: a new table is created with its indexes (no backfill), an existing
   * one gets the missing ones, and a pruning run deletes the extra ones. An index whose backfill failed in a
   * target is reported as failed.
   * @default true
   */
  readonly replicatePartitionIndexes?: boolean;

  /**
   * Replicate databases' user-defined functions, their resource URIs (jars, files, archives) and artifact
   * location pointed at the target's buckets (an unmapped bucket is warned about); a pruning run deletes the
   * extra ones.
   * @default true
   */
  readonly replicateUserDefinedFunctions?: boolean;

  /**
   * Replicate the account's Glue catalogs other than its default one (federated catalogs, whose metadata is read
   * live from the remote system, so the catalog object is what a DR Region needs), with their Iceberg optimization
   * settings replicated disabled. S3 Tables catalogs are left to S3 Tables replication (a warning names them).
   * @default true
   */
  readonly replicateCatalogs?: boolean;

  /**
   * Replicate the Glue connections that replicated catalogs name, with their secret and network settings mapped
   * by `connectionMappings`.
   * @default true
   */
  readonly replicateConnections?: boolean;

  /**
   * Replicate the default catalog's Iceberg optimization settings (compaction, retention, orphan-file deletion),
   * disabled in the DR Region and with the role mapped; the default catalog's other settings are never changed.
   * @default true
   */
  readonly replicateCatalogOptimization?: boolean;

  /**
   * Replicate Iceberg tables' optimizers (compaction, snapshot retention, orphan-file deletion): their
   * configuration, role mapped (`roleMappings`), but always disabled in the targets, so the DR Region never
   * deletes files S3 replication has delivered before the metadata points at them; runs are never replicated.
   * `lake-replica promote` enables them as the source ran them. Grants iam:PassRole on the account's roles, only
   * when passed to glue.amazonaws.com; a pruning run deletes the extra ones.
   * @default true
   */
  readonly replicateTableOptimizers?: boolean;

  /**
   * Replicate Hive tables' column statistics (table level), compared canonically so an unchanged lake costs no
   * write; a pruning run deletes the target's statistics of columns the source has none for. Iceberg tables'
   * statistics are Puffin files that the metadata rewrite carries, so they are not copied.
   * @default true
   */
  readonly replicateColumnStatistics?: boolean;

  /**
   * Replicate Hive tables' partition column statistics. This costs one `GetColumnStatisticsForPartition` a
   * partition in each Region on every full run, and pages the source's partitions once more: turn it off for
   * tables with millions of partitions whose planners do without partition statistics.
   * @default true
   */
  readonly replicatePartitionColumnStatistics?: boolean;

  /**
   * Replicate Hive tables' column-statistics task settings, their role mapped, with the schedule stopped in
   * the target (the DR Region computes no statistics of its own; `lake-replica promote` starts it again).
   * @default true
   */
  readonly replicateStatisticsTaskSettings?: boolean;

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
