import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * Every cdk-nag AwsSolutions finding this library accepts, with its reason, in one place.
 * Written as the resource metadata cdk-nag reads (both majors), so users need no cdk-nag dependency of ours.
 */
export const NAG_JUSTIFICATIONS = {
  'AwsSolutions-IAM5': 'Wildcards are limited to what the resource model needs: Glue databases and tables by the configured patterns '
    + '(database/<pattern>, table/<pattern>/*, userDefinedFunction/<pattern>/*) because the replicated set changes at run time; the run '
    + 'prefixes (runs/*, latest/*) of the replica\'s own bucket; the objects of the mapped target buckets (read: the Iceberg rewrite reads '
    + 'the copies S3 replication made) and their staging prefix (_lake-replica/iceberg/*, the only place it writes); CloudWatch Logs streams of the job\'s own log groups; Lambda ARNs with '
    + 'version qualifiers (<arn>:*) and the state machine\'s own child executions (distributed map); X-Ray and CloudWatch Logs delivery and '
    + 'Lake Formation actions, which have no resource-level permissions (limited by aws:RequestedRegion: reads to the source and target '
    + 'Regions, writes to the targets); iam:PassRole on the account\'s roles only when passed to lakeformation.amazonaws.com, because a '
    + 'registered location may name any role of the account, and only when passed to glue.amazonaws.com, because a replicated table '
    + 'optimizer may name any role of the account; cloudtrail:LookupEvents and dynamodb:ListStreams, which have no resource-level '
    + 'permissions (LookupEvents limited by aws:RequestedRegion to the source Region); the near-real-time ledger\'s own indexes '
    + '(<table>/index/*). Each acknowledgement names one of these findings: a wildcard added later is reported.',
  'AwsSolutions-SQS3': 'This queue is the dead-letter queue of the applier\'s DynamoDB stream event source; it has no dead-letter queue of its own.',
  'AwsSolutions-S1': 'The snapshot bucket holds replica metadata written only by the job\'s role; CloudTrail data events are the recommended audit trail rather than a second logging bucket.',
  'AwsSolutions-L1': 'The handlers are bundled for and tested on Node.js 22 (an LTS runtime Lambda supports); the runtime moves when the bundles and tests do.',
} as const;

export type NagRule = keyof typeof NAG_JUSTIFICATIONS;

/** The rule accepted for every resource of a type under the construct (the construct's own queue, bucket and functions). */
const RULE_FOR_TYPE: Readonly<Record<string, NagRule>> = {
  'AWS::SQS::Queue': 'AwsSolutions-SQS3',
  'AWS::S3::Bucket': 'AwsSolutions-S1',
  'AWS::Lambda::Function': 'AwsSolutions-L1',
};

/** cdk-nag 2's metadata entry: a granular rule (IAM5) lists the findings it accepts in `applies_to`. */
interface NagV2Suppression {
  readonly id: string;
  readonly reason: string;
  readonly applies_to?: string[];
}

/**
 * Acknowledges the accepted findings on the CloudFormation resources under `scope`: for cdk-nag 2 as `cdk_nag`
 * metadata, for cdk-nag 3 as CDK's acknowledged-rules metadata. IAM wildcards are acknowledged one finding at
 * a time, exactly those of the policies as they are now; call it when the construct has granted all it grants.
 */
export function acceptNagFindings(scope: IConstruct): void {
  for (const child of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(child)) continue;
    if (child instanceof iam.CfnPolicy) {
      const findings = wildcardFindings(Stack.of(child).resolve(documentJson(child.policyDocument)));
      if (findings.length > 0) accept(child, 'AwsSolutions-IAM5', findings);
      continue;
    }
    const rule = RULE_FOR_TYPE[child.cfnResourceType];
    if (rule) accept(child, rule);
  }
}

function accept(resource: CfnResource, rule: NagRule, findings?: readonly string[]): void {
  const reason = NAG_JUSTIFICATIONS[rule];
  // cdk-nag 2. Called by nested constructs and again by their parent: the rule's entry is merged, never repeated.
  const existing = (resource.getMetadata('cdk_nag') as { rules_to_suppress?: NagV2Suppression[] } | undefined)?.rules_to_suppress ?? [];
  const previous = existing.find(e => e.id === rule);
  const appliesTo = findings ? [...new Set([...(previous?.applies_to ?? []), ...findings])] : undefined;
  resource.addMetadata('cdk_nag', {
    rules_to_suppress: [...existing.filter(e => e !== previous), { id: rule, reason, ...(appliesTo ? { applies_to: appliesTo } : {}) }],
  });
  // cdk-nag 3 reads the ids of CDK's acknowledged-rules metadata, a finding as `Rule[finding]`. Written directly rather
  // than by Validations.acknowledge(), which rejects ids containing "::" (every IAM5 finding does: `Resource::...`).
  const ids = findings ? findings.map(f => `${rule}[${f}]`) : [rule];
  resource.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, Object.fromEntries(ids.map(id => [id, reason])));
}

/** A policy document as plain JSON, without resolving the live document (which would freeze and merge its statements). */
function documentJson(document: unknown): unknown {
  return document instanceof iam.PolicyDocument ? document.toJSON() : document;
}

interface StatementJson {
  readonly Effect?: string;
  readonly Action?: unknown;
  readonly Resource?: unknown;
}

/**
 * The AwsSolutions-IAM5 findings of a resolved policy document, named as cdk-nag names them: `Action::<action>` for
 * an allowed action with a `*`, `Resource::<resource>` for an allowed resource with a `*`, with references written
 * `<LogicalId>` and `<LogicalId.Attribute>`.
 */
export function wildcardFindings(document: unknown): string[] {
  const findings = new Set<string>();
  for (const statement of ((document as { Statement?: StatementJson[] } | undefined)?.Statement ?? [])) {
    if (statement.Effect !== 'Allow') continue;
    for (const action of asList(statement.Action)) {
      if (typeof action === 'string' && action.includes('*')) findings.add(`Action::${action}`);
    }
    for (const resource of asList(statement.Resource)) {
      const flat = flatReference(resource);
      if (flat.includes('*')) findings.add(`Resource::${flat}`);
    }
  }
  return [...findings];
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** A CloudFormation value as one string: joins joined, `${X}` and references written as `<X>`. */
function flatReference(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const intrinsic = value as Record<string, unknown>;
  if (intrinsic['Fn::Join']) {
    const [separator, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
    return parts.map(flatReference).join(separator);
  }
  if (intrinsic['Fn::Sub']) return flatReference(intrinsic['Fn::Sub']);
  if (intrinsic['Fn::GetAtt']) {
    const [logicalId, attribute] = intrinsic['Fn::GetAtt'] as [unknown, unknown];
    return `<${flatReference(logicalId)}.${flatReference(attribute)}>`;
  }
  if (intrinsic['Fn::ImportValue']) return flatReference(intrinsic['Fn::ImportValue']);
  if (intrinsic.Ref) return `<${flatReference(intrinsic.Ref)}>`;
  return JSON.stringify(value);
}
