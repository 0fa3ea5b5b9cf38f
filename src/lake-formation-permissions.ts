import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { LfKind } from './shared/lake-formation-kinds';

/** What the engine calls for each kind: reads in the source and the targets, writes in the targets only. */
const ACTIONS: Readonly<Record<LfKind, { read: string[]; write: string[] }>> = {
  dataLakeSettings: { read: ['GetDataLakeSettings'], write: ['PutDataLakeSettings'] },
  lfTag: { read: ['ListLFTags'], write: ['CreateLFTag', 'UpdateLFTag', 'DeleteLFTag'] },
  lfTagExpression: { read: ['ListLFTags', 'ListLFTagExpressions'], write: ['CreateLFTagExpression', 'UpdateLFTagExpression', 'DeleteLFTagExpression'] },
  dataLocation: { read: ['ListResources'], write: ['RegisterResource', 'UpdateResource', 'DeregisterResource'] },
  dataCellsFilter: { read: ['ListDataCellsFilter'], write: ['CreateDataCellsFilter', 'UpdateDataCellsFilter', 'DeleteDataCellsFilter'] },
  optIn: { read: ['ListLakeFormationOptIns'], write: ['CreateLakeFormationOptIn', 'DeleteLakeFormationOptIn'] },
  lfTagAssignment: { read: ['ListLFTags', 'GetResourceLFTags'], write: ['AddLFTagsToResource', 'RemoveLFTagsFromResource'] },
  permission: { read: ['ListLFTags', 'ListPermissions'], write: ['BatchGrantPermissions', 'BatchRevokePermissions'] },
};

/** Every run reads each target's admins (never revoked) and checks who it runs as. */
const ALWAYS_READ = ['GetDataLakeSettings'];

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
  const unique = (actions: string[]) => [...new Set(actions)].sort().map(a => `lakeformation:${a}`);
  const statements = [
    new iam.PolicyStatement({
      sid: 'ReadLakeFormationState',
      actions: unique([...ALWAYS_READ, ...kinds.flatMap(k => ACTIONS[k].read)]),
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': [sourceRegion, ...targetRegions] } },
    }),
    new iam.PolicyStatement({
      sid: 'ConvergeTargetLakeFormationState',
      actions: unique(kinds.flatMap(k => ACTIONS[k].write)),
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
