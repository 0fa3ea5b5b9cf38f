import { log } from './runtime';
import { AwsClients } from '../engine/kernel/clients';
import { errorMessage } from '../engine/kernel/errors';
// The module itself, not the Lake Formation engine's entry: this function carries nothing else.
import { setDataLakeAdmin } from '../engine/lake-formation/data-lake-admin';

interface AdminProperties {
  readonly PrincipalArn: string;
  readonly Regions: string[];
}

export interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: AdminProperties;
  readonly OldResourceProperties?: AdminProperties;
}

/** Adds or removes the principal in each Region; on update, leaves Regions and principals no longer named. */
export async function applyAdminRegistration(event: CustomResourceEvent, clients: AwsClients): Promise<Record<string, string>> {
  const { PrincipalArn, Regions } = event.ResourceProperties;
  const changes: Record<string, string> = {};
  const admin = event.RequestType !== 'Delete';
  for (const region of Regions) changes[region] = await setDataLakeAdmin(clients, region, PrincipalArn, admin);
  const old = event.OldResourceProperties;
  if (admin && old) {
    for (const region of old.Regions.filter(r => !Regions.includes(r) || old.PrincipalArn !== PrincipalArn)) {
      changes[`${region} (previous)`] = await setDataLakeAdmin(clients, region, old.PrincipalArn, false);
    }
  }
  return changes;
}

/**
 * Opt-in CloudFormation custom resource: registers the replicator's role as a data lake admin
 * in each Region by merging it into the admin list; on removal it takes out only itself.
 * It answers CloudFormation itself, so no provider framework function is needed.
 */
export async function handler(event: CustomResourceEvent): Promise<void> {
  const clients = new AwsClients();
  const physicalId = event.PhysicalResourceId ?? `lake-replica-admin:${event.ResourceProperties.PrincipalArn}`;
  let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
  let reason = 'ok';
  try {
    const changes = await applyAdminRegistration(event, clients);
    log('info', 'data lake admin registration', { requestType: event.RequestType, principal: event.ResourceProperties.PrincipalArn, changes });
    reason = JSON.stringify(changes);
  } catch (error) {
    status = 'FAILED';
    reason = `could not ${event.RequestType === 'Delete' ? 'remove' : 'add'} the replicator role as a Lake Formation data lake admin: ${errorMessage(error)}`;
    log('error', 'data lake admin registration failed', {
      requestType: event.RequestType,
      error: reason,
      action: 'the deploying role needs lakeformation:GetDataLakeSettings and PutDataLakeSettings in each Region, or register the role as an admin yourself and set registerAsLakeFormationAdmin to false',
    });
  } finally {
    clients.destroy();
  }
  const body = JSON.stringify({
    Status: status,
    Reason: reason.slice(0, 3000),
    PhysicalResourceId: physicalId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  const response = await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!response.ok) throw new Error(`CloudFormation response was refused: HTTP ${response.status}`);
}
