import { DeregisterResourceCommand, paginateListResources, RegisterResourceCommand, UpdateResourceCommand } from '@aws-sdk/client-lakeformation';
import type { LakeFormationClient, ResourceInfo } from '@aws-sdk/client-lakeformation';
import type { KindConvergence, LfKindModule } from './kind';
import { paging } from '../pages';
import { dropEmpty, lfChangedFields, lfKey } from '../shapes';
import type { DataLocation } from '../state';

const SERVICE_LINKED_ROLE = /:role\/aws-service-role\/lakeformation\.amazonaws\.com\/AWSServiceRoleForLakeFormationDataAccess$/;

/**
 * Registered data locations, mapped to the target's buckets. Grants name them, so they are registered
 * before the Glue objects and deregistered last.
 */
export const dataLocation: LfKindModule<'dataLocation'> = {
  async read(r) {
    const out: DataLocation[] = [];
    for await (const page of paginateListResources(paging(r.lf), {})) out.push(...(page.ResourceInfoList ?? []).map(registration));
    return out;
  },

  async converge(c) {
    const existing = new Map(c.actual.map(l => [l.ResourceArn, l]));
    for (const location of mapped(c)) {
      const arn = location.ResourceArn!;
      const have = existing.get(arn);
      if (!have) {
        await c.write(arn, 'created', () => c.lf.send(new RegisterResourceCommand(location)), undefined,
          () => updateLocation(c.lf, location, c.region, c.catalogId));
      } else if (lfKey(have) === lfKey(location)) {
        c.unchanged();
      } else {
        await c.write(arn, 'updated', () => updateLocation(c.lf, location, c.region, c.catalogId), lfChangedFields(have, location));
      }
    }
  },

  async removeExtras(c) {
    const wanted = new Set(mapped(c).map(l => l.ResourceArn));
    for (const have of c.actual) {
      const arn = have.ResourceArn!;
      if (!wanted.has(arn) && c.mayRemove(arn)) await c.write(arn, 'deleted', () => deregister(c.lf, arn));
    }
  },

  focus: (items, ref, mapArn) => {
    const arn = mapArn ? mapArn(ref.resourceArn) : ref.resourceArn;
    return items.filter(l => l.ResourceArn === arn);
  },
};

/** The source's locations as the target registers them: on its own buckets. */
function mapped(c: KindConvergence<'dataLocation'>): DataLocation[] {
  return c.source.map(l => ({ ...l, ResourceArn: c.mapArn(l.ResourceArn!, `location ${l.ResourceArn}`) }));
}

/** A listed location as RegisterResource takes it; Lake Formation's own role is named by the flag, not its ARN. */
function registration(info: ResourceInfo): DataLocation {
  const serviceLinked = info.RoleArn !== undefined && SERVICE_LINKED_ROLE.test(info.RoleArn);
  return dropEmpty({
    ResourceArn: info.ResourceArn!,
    RoleArn: serviceLinked ? undefined : info.RoleArn,
    UseServiceLinkedRole: serviceLinked || undefined,
    WithFederation: info.WithFederation || undefined,
    HybridAccessEnabled: info.HybridAccessEnabled || undefined,
    WithPrivilegedAccess: info.WithPrivilegedAccess || undefined,
    ExpectedResourceOwnerAccount: info.ExpectedResourceOwnerAccount,
  });
}

/**
 * A location on the service-linked role is updated with that role's ARN; only if Lake Formation refuses
 * that is it registered anew, which leaves it unregistered for a moment.
 */
async function updateLocation(lf: LakeFormationClient, location: DataLocation, region: string, accountId: string): Promise<void> {
  const { ResourceArn, RoleArn, WithFederation, HybridAccessEnabled, ExpectedResourceOwnerAccount } = location;
  const update = (role: string) => lf.send(new UpdateResourceCommand({
    ResourceArn, RoleArn: role, WithFederation, HybridAccessEnabled, ExpectedResourceOwnerAccount,
  }));
  if (RoleArn) {
    await update(RoleArn);
    return;
  }
  try {
    await update(serviceLinkedRoleArn(region, accountId));
  } catch {
    await deregister(lf, ResourceArn!);
    await lf.send(new RegisterResourceCommand(location));
  }
}

async function deregister(lf: LakeFormationClient, ResourceArn: string): Promise<void> {
  await lf.send(new DeregisterResourceCommand({ ResourceArn }));
}

/** Lake Formation's service-linked role in this Region's partition. */
function serviceLinkedRoleArn(region: string, accountId: string): string {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:iam::${accountId}:role/aws-service-role/lakeformation.amazonaws.com/AWSServiceRoleForLakeFormationDataAccess`;
}
