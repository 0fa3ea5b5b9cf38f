import type { DataLakePrincipal, Resource } from '@aws-sdk/client-lakeformation';
import { canonicalKey, changedFields, fieldPrints, type SetFields } from '../kernel/compare';
import type { Scope } from '../kernel/scope';

type Fields<T> = { readonly [K in keyof Required<T>]: 'keep' | 'catalog' };

/**
 * The fields of each resource kind, as the request shapes take them. `catalog` fields are the
 * account's catalog id, which listings fill in and writes leave out. Anything else a listing
 * returns is dropped.
 */
const RESOURCE_FIELDS: { readonly [K in keyof Required<Resource>]: Fields<Required<Resource>[K]> } = {
  Catalog: { Id: 'catalog' },
  Database: { CatalogId: 'catalog', Name: 'keep' },
  Table: { CatalogId: 'catalog', DatabaseName: 'keep', Name: 'keep', TableWildcard: 'keep' },
  TableWithColumns: { CatalogId: 'catalog', DatabaseName: 'keep', Name: 'keep', ColumnNames: 'keep', ColumnWildcard: 'keep' },
  DataLocation: { CatalogId: 'catalog', ResourceArn: 'keep' },
  DataCellsFilter: { TableCatalogId: 'catalog', DatabaseName: 'keep', TableName: 'keep', Name: 'keep' },
  LFTag: { CatalogId: 'catalog', TagKey: 'keep', TagValues: 'keep' },
  LFTagPolicy: { CatalogId: 'catalog', ResourceType: 'keep', Expression: 'keep', ExpressionName: 'keep' },
  LFTagExpression: { CatalogId: 'catalog', Name: 'keep' },
};

export type ResourceKind = keyof Required<Resource>;

export function resourceKind(resource: Resource): ResourceKind | undefined {
  return (Object.keys(RESOURCE_FIELDS) as ResourceKind[]).find(k => resource[k] !== undefined);
}

/**
 * The resource as a write takes it, or undefined when it lives in another account's catalog
 * (a share from elsewhere, which the replica's account receives separately).
 */
export function ownResource(resource: Resource, catalogId: string): Resource | undefined {
  const kind = resourceKind(resource);
  if (!kind) return undefined;
  const source = resource[kind] as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [field, rule] of Object.entries(RESOURCE_FIELDS[kind])) {
    const value = source[field];
    if (value === undefined) continue;
    if (rule === 'catalog') {
      // The account's default catalog is left out; its other catalogs (`ACCOUNT:name`: federated, S3 Tables) are
      // named, the same in every Region of the account.
      if (typeof value === 'string' && isAccountCatalog(value, catalogId)) out[field] = value;
      else if (value !== catalogId) return undefined;
      continue;
    }
    out[field] = structuredClone(value);
  }
  return { [kind]: out };
}

/** A non-default catalog of the account: `ACCOUNT:name`, or `ACCOUNT:parent/child` (an S3 Tables table bucket's). */
export function isAccountCatalog(catalogId: string, account: string): boolean {
  return catalogId.startsWith(`${account}:`) && catalogId.length > account.length + 1;
}

const GLUE_CONNECTION_ARN = /^(arn:[a-z-]+:glue:)[a-z0-9-]+(:\d{12}:connection\/.+)$/;

/**
 * A Region-specific ARN that Lake Formation names, in a target Region: a Glue connection (registered with federation
 * for a federated catalog) is the target's connection of that name. Any other ARN is returned as it is.
 */
export function inTargetRegion(arn: string, region: string): string {
  return arn.replace(GLUE_CONNECTION_ARN, `$1${region}$2`);
}

/** The database a resource belongs to; undefined for the account-wide kinds. */
export function resourceDatabase(resource: Resource): string | undefined {
  return resource.Database?.Name ?? resource.Table?.DatabaseName ?? resource.TableWithColumns?.DatabaseName
    ?? resource.DataCellsFilter?.DatabaseName;
}

/** Account-wide resources are always in scope; the others when their database is. */
export function resourceInScope(resource: Resource, scope: Scope): boolean {
  const db = resourceDatabase(resource);
  return db === undefined || scope.includes(db);
}

/**
 * The Lake Formation fields that hold sets: column lists, tag values and the terms of a tag
 * expression (ordered by tag key) compare in any order, in resources and in the objects themselves.
 */
export const LF_SET_FIELDS: SetFields = { ColumnNames: true, ExcludedColumnNames: true, TagValues: true, Expression: 'TagKey' };

/** The comparison and identity key of a Lake Formation object or resource: sets sorted, empty fields dropped. */
export function lfKey(value: unknown): string {
  return canonicalKey(value, LF_SET_FIELDS);
}

/** The top-level fields in which two Lake Formation objects differ, sorted. */
export function lfChangedFields(desired: object, actual: object): string[] {
  return changedFields(fieldPrints(desired, LF_SET_FIELDS), fieldPrints(actual, LF_SET_FIELDS));
}

/** One principal's permissions (or opt-in) on one resource are identified by both, and by the condition. */
export function permissionKey(principal: string, resource: Resource, condition?: string): string {
  return `${principal}\u0000${lfKey(resource)}\u0000${condition ?? ''}`;
}

export function principalOf(p: { readonly Principal: DataLakePrincipal }): string {
  return p.Principal.DataLakePrincipalIdentifier ?? '';
}

/**
 * Which grants (or opt-ins) one event may have changed: every one on the same table (in any column
 * form, since a listing may show a table grant as columns), every one on the same LF-tag key (a listing
 * may group its values differently from the event), or on exactly the same resource for the other kinds.
 */
function grantScope(resource: Resource): string {
  const table = resource.Table ?? resource.TableWithColumns;
  if (table) return `table\u0000${table.DatabaseName}\u0000${table.Name ?? '*'}`;
  if (resource.LFTag) return `lftag\u0000${resource.LFTag.TagKey}`;
  return lfKey(resource);
}

/** The grants (or opt-ins) in the scope of one event's resource; in a target, `mapArn` maps its location. */
export function inGrantScope<T extends { readonly Resource: Resource }>(
  items: readonly T[], resource: Resource, mapArn?: (arn: string) => string,
): T[] {
  const scope = grantScope(mapArn ? mapResource(resource, mapArn) : resource);
  return items.filter(i => grantScope(i.Resource) === scope);
}

/** How a resource is named in reports. */
export function resourceLabel(resource: Resource): string {
  const r = resource;
  // A resource of a non-default catalog names it: `Database polaris/sales`.
  const inCatalog = (id: string | undefined) => (id?.includes(':') ? `${id.slice(id.indexOf(':') + 1)}/` : '');
  if (r.Catalog) return r.Catalog.Id?.includes(':') ? `Catalog ${inCatalog(r.Catalog.Id).slice(0, -1)}` : 'Catalog';
  if (r.Database) return `Database ${inCatalog(r.Database.CatalogId)}${r.Database.Name}`;
  if (r.Table) return `Table ${inCatalog(r.Table.CatalogId)}${r.Table.DatabaseName}.${r.Table.Name ?? '*'}`;
  if (r.TableWithColumns) {
    const t = r.TableWithColumns;
    const columns = t.ColumnNames ? `(${t.ColumnNames.join(', ')})` : `(* except ${(t.ColumnWildcard?.ExcludedColumnNames ?? []).join(', ') || 'none'})`;
    return `TableWithColumns ${t.DatabaseName}.${t.Name} ${columns}`;
  }
  if (r.DataLocation) return `DataLocation ${r.DataLocation.ResourceArn}`;
  if (r.DataCellsFilter) return `DataCellsFilter ${r.DataCellsFilter.DatabaseName}.${r.DataCellsFilter.TableName}/${r.DataCellsFilter.Name}`;
  if (r.LFTag) return `LFTag ${r.LFTag.TagKey}=${(r.LFTag.TagValues ?? []).join('|')}`;
  if (r.LFTagPolicy) {
    const p = r.LFTagPolicy;
    const expression = p.ExpressionName ?? (p.Expression ?? []).map(t => `${t.TagKey}=${(t.TagValues ?? []).join('|')}`).join(' AND ');
    return `LFTagPolicy ${p.ResourceType} ${expression}`;
  }
  if (r.LFTagExpression) return `LFTagExpression ${r.LFTagExpression.Name}`;
  return JSON.stringify(resource);
}

/** The resource with its data location ARN mapped to the target's bucket. */
export function mapResource(resource: Resource, mapArn: (arn: string) => string): Resource {
  if (!resource.DataLocation?.ResourceArn) return resource;
  return { DataLocation: { ...resource.DataLocation, ResourceArn: mapArn(resource.DataLocation.ResourceArn) } };
}

/** The object without its undefined fields, as a listing's optional members are left out of a write. */
export function dropEmpty<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
