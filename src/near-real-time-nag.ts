import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The cdk-nag AwsSolutions findings the near-real-time pipeline accepts, with their reasons. */
export const NEAR_REAL_TIME_NAG_JUSTIFICATIONS = {
  'AwsSolutions-IAM5': 'cloudtrail:LookupEvents has no resource-level permissions (limited by aws:RequestedRegion to the source Region); '
    + 'the ledger grants include its own indexes (<table>/index/*) for the FAILED-events index; log streams of the pipeline\'s own log groups; '
    + 'Glue tables of the replicated database patterns in the targets, because the replicated set changes at run time.',
  'AwsSolutions-SQS3': 'This queue is the dead-letter queue of the applier\'s DynamoDB stream event source; it has no dead-letter queue of its own.',
} as const;

type Rule = keyof typeof NEAR_REAL_TIME_NAG_JUSTIFICATIONS;

const APPLIES_TO: Record<Rule, readonly string[]> = {
  'AwsSolutions-IAM5': ['AWS::IAM::Policy'],
  'AwsSolutions-SQS3': ['AWS::SQS::Queue'],
};

/** Adds the accepted findings to the pipeline's CloudFormation resources they apply to, as the metadata cdk-nag reads. */
export function acceptNearRealTimeNagFindings(scope: IConstruct): void {
  for (const child of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(child)) continue;
    const rules = (Object.keys(APPLIES_TO) as Rule[]).filter(rule => APPLIES_TO[rule].includes(child.cfnResourceType));
    if (rules.length === 0) continue;
    const existing = (child.getMetadata('cdk_nag') as { rules_to_suppress?: Array<{ id: string }> } | undefined)?.rules_to_suppress ?? [];
    const added = rules.filter(id => !existing.some(e => e.id === id)).map(id => ({ id, reason: NEAR_REAL_TIME_NAG_JUSTIFICATIONS[id] }));
    child.addMetadata('cdk_nag', { rules_to_suppress: [...existing, ...added] });
  }
}
