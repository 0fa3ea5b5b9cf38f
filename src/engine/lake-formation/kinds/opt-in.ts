import { CreateLakeFormationOptInCommand, DeleteLakeFormationOptInCommand, paginateListLakeFormationOptIns } from '@aws-sdk/client-lakeformation';
import type { LfKindModule } from './kind';
import { paging } from '../pages';
import { dropEmpty, inGrantScope, permissionKey, principalOf, resourceLabel } from '../shapes';
import type { OptIn } from '../state';

/** Lake Formation opt-ins of principals on resources: created or deleted, never updated. */
export const optIn: LfKindModule<'optIn'> = {
  async read(r) {
    const out: OptIn[] = [];
    for await (const page of paginateListLakeFormationOptIns(paging(r.lf), {})) {
      for (const info of page.LakeFormationOptInsInfoList ?? []) {
        const resource = r.ownResource('optIn', info.Resource);
        if (!resource || !info.Principal) continue;
        const Principal = { DataLakePrincipalIdentifier: info.Principal.DataLakePrincipalIdentifier };
        out.push(dropEmpty({ Principal, Resource: resource, Condition: info.Condition }));
      }
    }
    return out;
  },

  async converge(c) {
    const key = (o: OptIn) => permissionKey(principalOf(o), o.Resource);
    const label = (o: OptIn) => `${o.Principal.DataLakePrincipalIdentifier} on ${resourceLabel(o.Resource)}`;
    const existing = new Map(c.actual.map(o => [key(o), o]));
    for (const source of c.source) {
      const wanted = { ...source, Resource: c.mapResource(source.Resource) };
      if (existing.delete(key(wanted))) c.unchanged();
      else await c.write(label(wanted), 'created', () => c.lf.send(new CreateLakeFormationOptInCommand(wanted)));
    }
    for (const extra of existing.values()) {
      if (c.mayRemove(label(extra), extra.Principal.DataLakePrincipalIdentifier)) {
        await c.write(label(extra), 'deleted', () => c.lf.send(new DeleteLakeFormationOptInCommand(extra)));
      }
    }
  },

  focus: (items, ref, mapArn) => inGrantScope(items, ref.resource, mapArn),
};
