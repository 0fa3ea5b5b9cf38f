import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { LAKE_FORMATION_KINDS, LF_ALWAYS_READ, type LfKind } from './shared/lake-formation-kinds';

const SERVICE_LINKED_ROLE = 'aws-service-role/lakeformation.amazonaws.com/AWSServiceRoleForLakeFormationDataAccess';

/**
 * Lake Formation permissions for the replicator: exactly the actions of the kinds switched on.
 * Lake Formation has no resource-level permissions, so statements are scoped by Region instead:
 * reads in the source and target Regions, writes in the target Regions only.
 */
export function lakeFormationPolicyStatements(
  stack: Stack, sourceRegion: string, targetRegions: readonly string[], kinds: readonly LfKind[],
): iam.PolicyStatement[] {
  if (kinds.length === 0) return [];
  const unique = (actions: readonly string[]) => [...new Set(actions)].sort().map(a => `lakeformation:${a}`);
  const statements = [
    new iam.PolicyStatement({
      sid: 'ReadLakeFormationState',
      actions: unique([...LF_ALWAYS_READ, ...kinds.flatMap(k => LAKE_FORMATION_KINDS[k].read)]),
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': [sourceRegion, ...targetRegions] } },
    }),
    new iam.PolicyStatement({
      sid: 'ConvergeTargetLakeFormationState',
      actions: unique(kinds.flatMap(k => LAKE_FORMATION_KINDS[k].write)),
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': [...targetRegions] } },
    }),
  ];
  if (kinds.includes('dataLocation')) {
    // Registering a location hands its role to Lake Formation, or sets up Lake Formation's service-linked role.
    statements.push(new iam.PolicyStatement({
      sid: 'PassLocationRolesToLakeFormation',
      actions: ['iam:PassRole'],
      resources: [stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: '*' })],
      conditions: { StringEquals: { 'iam:PassedToService': 'lakeformation.amazonaws.com' } },
    }));
    statements.push(new iam.PolicyStatement({
      sid: 'LakeFormationServiceLinkedRole',
      actions: ['iam:CreateServiceLinkedRole', 'iam:GetRole', 'iam:PutRolePolicy'],
      resources: [stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: SERVICE_LINKED_ROLE })],
    }));
  }
  return statements;
}
