import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { loggingOptions, settingsEnvironment } from './function-options';
import { FinalizeFunction } from './handlers/finalize-function';
import { ItemFunction } from './handlers/item-function';
import { ResolveFunction } from './handlers/resolve-function';
import type { ReplicatorRole } from './replicator-role';
import type { JobSettings } from './shared/job-settings';

export interface OnDemandJobProps {
  readonly settings: JobSettings;
  readonly bucket: s3.IBucket;
  /** The functions run as the replicator. */
  readonly replicator: ReplicatorRole;
  readonly maxConcurrency: number;
  readonly memorySize: number;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** @default lambda.ApplicationLogLevel.INFO */
  readonly logLevel?: lambda.ApplicationLogLevel;
}

/**
 * The on-demand job: resolve the scope, converge every (target Region x database) item in a
 * distributed map whose items loop on their own continuation, between the two Lake Formation
 * phases (which loop the same way), then finalize the report.
 */
export class OnDemandJob extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly functions: lambda.IFunction[];
  /** Runs that failed or timed out. */
  readonly runsFailedAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: OnDemandJobProps) {
    super(scope, id);
    // Child results must go to S3 whatever the app's feature flags say: with the flag on, the CDK renders only
    // `resultWriterV2` (and ignores `resultWriter`); with it off, the reverse. Setting the flag on this subtree
    // makes the map render its ResultWriterV2 under either value, in a Stage too (aws/aws-cdk#35966).
    this.node.setContext(cxapi.STEPFUNCTIONS_USE_DISTRIBUTED_MAP_RESULT_WRITER_V2, true);
    const environment = settingsEnvironment(this, props.settings);
    const common = (name: string, timeout: Duration) => {
      const logGroup = new logs.LogGroup(this, `${name}Logs`, { retention: props.logRetention, removalPolicy: props.removalPolicy });
      // The shared role is not created by lambda.Function, so it gets no logging permission by default.
      logGroup.grantWrite(props.replicator);
      return {
        role: props.replicator.functionRole,
        timeout,
        memorySize: props.memorySize,
        environment,
        logGroup,
        ...loggingOptions(props.logLevel),
        description: `lake-replica on-demand job: ${name}`,
      };
    };
    const resolve = new ResolveFunction(this, 'Resolve', common('resolve', Duration.minutes(5)));
    const item = new ItemFunction(this, 'Item', common('item', Duration.minutes(15)));
    const finalize = new FinalizeFunction(this, 'Finalize', common('finalize', Duration.minutes(15)));
    this.functions = [resolve, item, finalize];
    props.replicator.policyBefore(...this.functions);

    const retried = <T extends tasks.LambdaInvoke>(task: T): T => {
      task.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(10), backoffRate: 2, maxAttempts: 3, jitterStrategy: sfn.JitterType.FULL });
      return task;
    };
    const resolveStep = retried(new tasks.LambdaInvoke(this, 'Resolve scope and write manifest', {
      lambdaFunction: resolve,
      payload: sfn.TaskInput.fromObject({ 'runId': sfn.JsonPath.executionName, 'input.$': '$' }),
      payloadResponseOnly: true,
    }));
    const itemStep = retried(new tasks.LambdaInvoke(this, 'Converge item', {
      lambdaFunction: item,
      payloadResponseOnly: true,
    }));
    const itemLoop = itemStep.next(new sfn.Choice(this, 'Item done?')
      .when(sfn.Condition.booleanEquals('$.done', false), itemStep)
      .otherwise(new sfn.Succeed(this, 'Item converged')));
    const fanOut = new sfn.DistributedMap(this, 'Fan out over target Region x database', {
      itemReader: new sfn.S3JsonItemReader({ bucket: props.bucket, key: sfn.JsonPath.stringAt('$.itemsKey') }),
      itemSelector: {
        'runId.$': '$.runId',
        'options.$': '$.options',
        'item.$': '$$.Map.Item.Value',
      },
      maxConcurrency: props.maxConcurrency,
      mapExecutionType: sfn.StateMachineType.STANDARD,
      // Items that still fail after retries are named in the report by the finalize step.
      toleratedFailurePercentage: 100,
      // Child results go to S3, not into the state: tens of thousands of items stay under the payload limit.
      resultWriterV2: new sfn.ResultWriterV2({ bucket: props.bucket, prefix: 'runs/_map-results' }),
      resultPath: sfn.JsonPath.DISCARD,
    });
    fanOut.itemProcessor(itemLoop);
    // Lake Formation state around the map: what tables and grants refer to before, grants after. Each phase
    // loops on its own continuation like an item; a step that still fails after its retries is caught, so
    // finalize names it in the report.
    const lakeFormationStep = (phase: 'before' | 'after', title: string): LakeFormationSteps => {
      const start = new sfn.Pass(this, `${title}: start`, {
        parameters: { 'runId.$': '$.runId', 'options.$': '$.options', 'item': { kind: 'lakeFormation', database: '*', phase } },
        resultPath: '$.lakeFormation',
      });
      const step = retried(new tasks.LambdaInvoke(this, title, {
        lambdaFunction: item,
        inputPath: '$.lakeFormation',
        payloadResponseOnly: true,
        resultPath: '$.lakeFormation',
      }));
      const recorded = new sfn.Pass(this, `${title}: failed, finalize reports it`);
      step.addCatch(recorded, { resultPath: sfn.JsonPath.DISCARD });
      const done = new sfn.Choice(this, `${title}: done?`).when(sfn.Condition.booleanEquals('$.lakeFormation.done', false), step);
      start.next(step);
      step.next(done);
      return { start, done, recorded };
    };
    const finalizeStep = retried(new tasks.LambdaInvoke(this, 'Write report and snapshot manifest', {
      lambdaFunction: finalize,
      payload: sfn.TaskInput.fromObject({ runId: sfn.JsonPath.stringAt('$.runId') }),
      payloadResponseOnly: true,
    }));
    const outcome = new sfn.Choice(this, 'Any failures?')
      .when(sfn.Condition.numberGreaterThan('$.failed', 0), new sfn.Fail(this, 'Replication failed', {
        error: 'ReplicationFailures',
        causePath: '$.summary',
      }))
      .otherwise(new sfn.Succeed(this, 'Replicated'));

    const lakeFormation = props.settings.lakeFormationKinds?.length
      ? [lakeFormationStep('before', 'Lake Formation before the Glue objects'), lakeFormationStep('after', 'Lake Formation after the Glue objects')]
      : undefined;
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(this.sequence(resolveStep, fanOut, finalizeStep.next(outcome), lakeFormation)),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'StateMachineLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: true,
      },
    });
    this.runsFailedAlarm = new cloudwatch.Alarm(this, 'RunsFailedAlarm', {
      alarmDescription: 'lake-replica on-demand job: a run failed or timed out; its report (runs/<execution>/report.json in the snapshot '
        + 'bucket) and the execution\'s cause name what failed; fix it, then start a run again (lake-replica sync, or start-execution)',
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
        usingMetrics: { failed: this.stateMachine.metricFailed(), timedOut: this.stateMachine.metricTimedOut() },
        period: Duration.minutes(5),
        label: 'Runs failed or timed out',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** resolve, [Lake Formation before], map, [Lake Formation after], finalize. */
  private sequence(
    resolve: sfn.INextable & sfn.IChainable, map: sfn.DistributedMap, finalize: sfn.IChainable, lakeFormation?: LakeFormationSteps[],
  ): sfn.IChainable {
    if (!lakeFormation) return sfn.Chain.start(resolve).next(map).next(finalize);
    const [before, after] = lakeFormation;
    before.done.otherwise(map);
    before.recorded.next(map);
    map.next(after.start);
    after.done.otherwise(finalize);
    after.recorded.next(finalize);
    return sfn.Chain.start(resolve).next(before.start);
  }
}

/** One Lake Formation phase: its input set up, the invocation that loops while not done, and the catch. */
interface LakeFormationSteps {
  readonly start: sfn.Pass;
  readonly done: sfn.Choice;
  readonly recorded: sfn.Pass;
}
