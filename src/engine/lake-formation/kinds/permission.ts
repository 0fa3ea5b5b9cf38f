import { BatchGrantPermissionsCommand, BatchRevokePermissionsCommand, paginateListPermissions } from '@aws-sdk/client-lakeformation';
import type {
  BatchPermissionsFailureEntry, BatchPermissionsRequestEntry, DataLakeResourceType, ListPermissionsRequest, Permission,
  PrincipalResourcePermissions,
} from '@aws-sdk/client-lakeformation';
import type { KindReader, LfKindModule } from './kind';
import { chunk } from '../../kernel/concurrency';
import { errorMessage } from '../../kernel/errors';
import { paging } from '../pages';
import { dropEmpty, inGrantScope, permissionKey, principalOf, resourceLabel } from '../shapes';
import type { PermissionEntry } from '../state';

/** BatchGrantPermissions and BatchRevokePermissions take at most 20 entries a call. */
const BATCH_PERMISSIONS = 20;

/** Every ListPermissions needs these besides the unfiltered listing, which leaves out LF-tag grants. */
const TAG_PERMISSION_TYPES: DataLakeResourceType[] = ['LF_TAG', 'LF_TAG_POLICY', 'LF_TAG_POLICY_DATABASE', 'LF_TAG_POLICY_TABLE'];

/**
 * Grants: each principal's permissions on each resource, under each condition, compared as two
 * permission sets. Missing permissions are granted; with prune, extra ones are revoked. Losing only
 * a grant option is a revoke of the permission with its grant option, then a grant of it alone.
 */
export const permission: LfKindModule<'permission'> = {
  // Grants on named LF-tag expressions are listed only with the expressions.
  alsoReads: ['lfTagExpression'],

  async read(r) {
    let hasTags: boolean;
    let hasExpressions: boolean;
    try {
      hasTags = (await r.listed('lfTag')).length > 0;
      hasExpressions = r.reads('lfTagExpression') && (await r.listed('lfTagExpression')).length > 0;
    } catch {
      throw new Error('the LF-tags could not be listed, so grants on LF-tags could not be read either');
    }
    const types: Array<DataLakeResourceType | undefined> = [undefined];
    if (hasTags) types.push(...TAG_PERMISSION_TYPES);
    if (hasExpressions) types.push('LF_NAMED_TAG_EXPRESSION');
    const requests: ListPermissionsRequest[] = types.map(ResourceType => ({ ResourceType }));
    // Grants on data cells filters are documented as shown with their table when IncludeRelated is set:
    // each table with filters is listed that way too, and duplicates merge by key.
    for (const [DatabaseName, Name] of await filteredTables(r)) {
      requests.push({ Resource: { Table: { DatabaseName, Name } }, IncludeRelated: 'TRUE' });
    }
    const byKey = new Map<string, PermissionEntry>();
    for (const request of requests) {
      for await (const page of paginateListPermissions(paging(r.lf), { ...request })) {
        for (const entry of page.PrincipalResourcePermissions ?? []) addPermission(r, byKey, entry);
      }
    }
    return [...byKey.values()];
  },

  async converge(c) {
    const existing = new Map(c.actual.map(p => [entryKey(p), p]));
    const grants: PermissionEntry[] = [];
    const revokes: PermissionEntry[] = [];
    let unchanged = 0;
    for (const source of c.source) {
      const wanted = { ...source, Resource: c.mapResource(source.Resource) };
      const k = entryKey(wanted);
      const have = existing.get(k);
      existing.delete(k);
      // Verify reports permissions beyond the source's as drift, as it does whole extra grants.
      const delta = permissionDelta(wanted, have, c.checksExtras && !c.isProtected(principalOf(wanted)));
      if (delta.revoke) revokes.push(delta.revoke);
      if (delta.grant) grants.push(delta.grant);
      if (!delta.grant && !delta.revoke) unchanged++;
    }
    for (const extra of existing.values()) {
      if (c.mayRemove(permissionLabel(extra), principalOf(extra))) revokes.push(extra);
    }
    c.unchanged(unchanged);
    const batch = (send: (entries: BatchPermissionsRequestEntry[]) => Promise<{ Failures?: BatchPermissionsFailureEntry[] }>) => ({
      key: permissionLabel,
      fields: (e: PermissionEntry) => [...e.Permissions, ...e.PermissionsWithGrantOption.map(p => `${p} (grant option)`)],
      send: (entries: PermissionEntry[]) => batches(entries, send),
    });
    await c.writeAll('deleted', revokes, batch(Entries => c.lf.send(new BatchRevokePermissionsCommand({ Entries }))));
    await c.writeAll('created', grants, batch(Entries => c.lf.send(new BatchGrantPermissionsCommand({ Entries }))));
  },

  focus: (items, ref, mapArn) => inGrantScope(items, ref.resource, mapArn),
};

/** The tables that have data cells filters, when this read lists the filters (none if that listing failed). */
async function filteredTables(r: KindReader): Promise<Array<[string, string]>> {
  const filters = r.reads('dataCellsFilter') ? await r.listed('dataCellsFilter').catch(() => []) : [];
  const tables = new Set(filters.map(f => JSON.stringify([f.DatabaseName, f.TableName])));
  return [...tables].map(t => JSON.parse(t) as [string, string]);
}

/** Entries for the same principal, resource and condition are merged: a listing may split them. */
function addPermission(r: KindReader, byKey: Map<string, PermissionEntry>, entry: PrincipalResourcePermissions): void {
  const principal = entry.Principal?.DataLakePrincipalIdentifier;
  const resource = r.ownResource('permission', entry.Resource);
  if (!principal || !resource) return;
  const key = permissionKey(principal, resource, entry.Condition?.Expression);
  const existing = byKey.get(key);
  byKey.set(key, dropEmpty({
    Principal: { DataLakePrincipalIdentifier: principal },
    Resource: resource,
    Condition: entry.Condition?.Expression ? { Expression: entry.Condition.Expression } : undefined,
    Permissions: union(existing?.Permissions, entry.Permissions),
    PermissionsWithGrantOption: union(existing?.PermissionsWithGrantOption, entry.PermissionsWithGrantOption),
  }));
}

/** What to grant and (when allowed) revoke so `have` becomes `wanted`. */
export function permissionDelta(
  wanted: PermissionEntry, have: PermissionEntry | undefined, mayRevoke: boolean,
): { grant?: PermissionEntry; revoke?: PermissionEntry } {
  const has = new Set(have?.Permissions ?? []);
  const hasOption = new Set(have?.PermissionsWithGrantOption ?? []);
  const wants = new Set(wanted.Permissions);
  const wantsOption = new Set(wanted.PermissionsWithGrantOption);
  const lostOption = mayRevoke ? [...hasOption].filter(p => !wantsOption.has(p)) : [];
  const lost = mayRevoke ? [...has].filter(p => !wants.has(p)) : [];
  const revokePermissions = [...new Set([...lost, ...lostOption])].sort();
  // A permission revoked only to drop its grant option is granted again without it.
  const regrant = lostOption.filter(p => wants.has(p));
  const grantPermissions = [...new Set([...[...wants].filter(p => !has.has(p)), ...regrant])].sort();
  const grantOption = [...wantsOption].filter(p => !hasOption.has(p)).sort();
  const entry = (Permissions: Permission[], PermissionsWithGrantOption: Permission[]): PermissionEntry =>
    ({
      Principal: wanted.Principal,
      Resource: wanted.Resource,
      ...(wanted.Condition ? { Condition: wanted.Condition } : {}),
      Permissions,
      PermissionsWithGrantOption,
    });
  const granted = [...new Set([...grantPermissions, ...grantOption])].sort();
  return {
    revoke: revokePermissions.length > 0 ? entry(revokePermissions, lostOption.sort()) : undefined,
    grant: granted.length > 0 ? entry(granted, grantOption) : undefined,
  };
}

function entryKey(p: PermissionEntry): string {
  return permissionKey(principalOf(p), p.Resource, p.Condition?.Expression);
}

function permissionLabel(p: PermissionEntry): string {
  return `${principalOf(p)} on ${resourceLabel(p.Resource)}${p.Condition?.Expression ? ` if ${p.Condition.Expression}` : ''}`;
}

/**
 * Sends entries 20 at a time. A failed entry is reported by its id; a failed call fails
 * only its own entries, never the other batches.
 */
async function batches(
  entries: PermissionEntry[],
  send: (entries: BatchPermissionsRequestEntry[]) => Promise<{ Failures?: BatchPermissionsFailureEntry[] }>,
): Promise<Array<{ item: PermissionEntry; error: string }>> {
  const errors: Array<{ item: PermissionEntry; error: string }> = [];
  for (const batch of chunk(entries, BATCH_PERMISSIONS)) {
    const request = batch.map((e, i) => ({ Id: String(i), ...e }));
    try {
      const { Failures = [] } = await send(request);
      for (const f of Failures) {
        const item = batch[Number(f.RequestEntry?.Id)];
        const error = [f.Error?.ErrorCode, f.Error?.ErrorMessage].filter(Boolean).join(': ') || 'failed without a reason';
        if (item) errors.push({ item, error });
      }
    } catch (error) {
      for (const item of batch) errors.push({ item, error: errorMessage(error) });
    }
  }
  return errors;
}

function union(a: Permission[] | undefined, b: Permission[] | undefined): Permission[] {
  return [...new Set([...a ?? [], ...b ?? []])].sort();
}

