import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Every cdk-nag AwsSolutions finding this library accepts, with its reason, in one place.
 * Written as the resource metadata cdk-nag reads, so users need no cdk-nag dependency of ours.
 */
export const NAG_JUSTIFICATIONS = {
  'AwsSolutions-IAM5': 'Wildcards are limited to what the resource model needs: Glue databases and tables by the configured patterns '
    + '(database/<pattern>, table/<pattern>/*, userDefinedFunction/<pattern>/*) because the replicated set changes at run time; the run '
    + 'prefixes (runs/*, latest/*) of the replica\'s own bucket; CloudWatch Logs streams of the job\'s own log groups; Lambda ARNs with '
    + 'version qualifiers (<arn>:*) and the state machine\'s own child executions (distributed map); X-Ray and CloudWatch Logs delivery and '
    + 'Lake Formation actions, which have no resource-level permissions (limited by aws:RequestedRegion: reads to the source and target '
    + 'Regions, writes to the targets); iam:PassRole on the account\'s roles only when passed to lakeformation.amazonaws.com, because a '
    + 'registered location may name any role of the account; cloudtrail:LookupEvents, which has no resource-level permissions (limited by '
    + 'aws:RequestedRegion to the source Region); the near-real-time ledger\'s own indexes (<table>/index/*) for its FAILED-events index.',
  'AwsSolutions-SQS3': 'This queue is the dead-letter queue of the applier\'s DynamoDB stream event source; it has no dead-letter queue of its own.',
  'AwsSolutions-S1': 'The snapshot bucket holds replica metadata written only by the job\'s role; CloudTrail data events are the recommended audit trail rather than a second logging bucket.',
} as const;

export type NagRule = keyof typeof NAG_JUSTIFICATIONS;

/** Which resource types each accepted finding may be raised on: nothing else is suppressed. */
const APPLIES_TO: Record<NagRule, readonly string[]> = {
  'AwsSolutions-IAM5': ['AWS::IAM::Policy'],
  'AwsSolutions-SQS3': ['AWS::SQS::Queue'],
  'AwsSolutions-S1': ['AWS::S3::Bucket'],
};

/** Adds the accepted findings to the CloudFormation resources under `scope` that they apply to. */
export function acceptNagFindings(scope: IConstruct): void {
  for (const child of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(child)) continue;
    const rules = (Object.keys(APPLIES_TO) as NagRule[]).filter(rule => APPLIES_TO[rule].includes(child.cfnResourceType));
    if (rules.length === 0) continue;
    // Called by nested constructs and again by their parent: each rule is added once.
    const existing = (child.getMetadata('cdk_nag') as { rules_to_suppress?: Array<{ id: string }> } | undefined)?.rules_to_suppress ?? [];
    const added = rules.filter(id => !existing.some(e => e.id === id)).map(id => ({ id, reason: NAG_JUSTIFICATIONS[id] }));
    if (added.length > 0) child.addMetadata('cdk_nag', { rules_to_suppress: [...existing, ...added] });
  }
}
