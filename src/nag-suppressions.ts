import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Every cdk-nag AwsSolutions finding this library accepts, with its reason, in one place.
 * Written as the resource metadata cdk-nag reads, so users need no cdk-nag dependency of ours.
 */
export const NAG_JUSTIFICATIONS = {
  'AwsSolutions-IAM5': 'Wildcards are limited to what the resource model needs: Glue databases and tables by the configured patterns '
    + '(database/<pattern>, table/<pattern>/*) because the replicated set changes at run time; the run prefixes (runs/*, latest/*) of the '
    + 'replica\'s own bucket, through the CDK grant helpers\' read/put action groups (s3:GetObject*, s3:List*, s3:Abort*); Lambda ARNs with '
    + 'version qualifiers (<arn>:*) and the state machine\'s own child executions (distributed map); X-Ray and CloudWatch Logs delivery and '
    + 'Lake Formation data lake settings, which have no resource-level permissions (the latter limited by aws:RequestedRegion).',
  'AwsSolutions-S1': 'The snapshot bucket holds replica metadata written only by the job\'s role; CloudTrail data events are the recommended audit trail rather than a second logging bucket.',
} as const;

export type NagRule = keyof typeof NAG_JUSTIFICATIONS;

/** Adds the accepted findings to every CloudFormation resource under `scope`. */
export function acceptNagFindings(scope: IConstruct, rules: readonly NagRule[]): void {
  for (const child of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(child)) continue;
    const existing = (child.getMetadata('cdk_nag') as { rules_to_suppress?: object[] } | undefined)?.rules_to_suppress ?? [];
    child.addMetadata('cdk_nag', {
      rules_to_suppress: [...existing, ...rules.map(id => ({ id, reason: NAG_JUSTIFICATIONS[id] }))],
    });
  }
}
