import type { Resource } from '@aws-sdk/client-lakeformation';
import { canonical } from '../kernel/compare';
import type { Scope } from '../kernel/scope';

type Fields<T> = { readonly [K in keyof Required<T>]: 'keep' | 'catalog' | 'set' };

/**
 * The fields of each resource kind, as the request shapes take them. `catalog` fields are the
 * account's catalog id, which listings fill in and writes leave out; `set` fields are compared
 * in any order. Anything else a listing returns is dropped.
 */
const RESOURCE_FIELDS: { readonly [K in keyof Required<Resource>]: Fields<Required<Resource>[K]> } = {
  Catalog: { Id: 'catalog' },
  Database: { CatalogId: 'catalog', Name: 'keep' },
  Table: { CatalogId: 'catalog', DatabaseName: 'keep', Name: 'keep', TableWildcard: 'keep' },
  TableWithColumns: { CatalogId: 'catalog', DatabaseName: 'keep', Name: 'keep', ColumnNames: 'set', ColumnWildcard: 'keep' },
  DataLocation: { CatalogId: 'catalog', ResourceArn: 'keep' },
  DataCellsFilter: { TableCatalogId: 'catalog', DatabaseName: 'keep', TableName: 'keep', Name: 'keep' },
  LFTag: { CatalogId: 'catalog', TagKey: 'keep', TagValues: 'set' },
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
      if (value !== catalogId) return undefined;
      continue;
    }
    out[field] = structuredClone(value);
  }
  return { [kind]: out };
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

/** A comparison key: set-valued fields sorted, empty fields dropped. */
export function resourceKey(resource: Resource): string {
  return JSON.stringify(canonical(sortSets(resource)));
}

function sortSets(resource: Resource): Resource {
  const kind = resourceKind(resource);
  if (!kind) return resource;
  const out = structuredClone(resource) as Record<string, Record<string, unknown>>;
  for (const [field, rule] of Object.entries(RESOURCE_FIELDS[kind])) {
    const value = out[kind][field];
    if (rule === 'set' && Array.isArray(value)) value.sort();
  }
  const wildcard = out[kind].ColumnWildcard as { ExcludedColumnNames?: string[] } | undefined;
  wildcard?.ExcludedColumnNames?.sort();
  const expression = out[kind].Expression as Array<{ TagKey?: string; TagValues?: string[] }> | undefined;
  if (expression) {
    for (const tag of expression) tag.TagValues?.sort();
    expression.sort((a, b) => (a.TagKey ?? '').localeCompare(b.TagKey ?? ''));
  }
  return out as Resource;
}

/** How a resource is named in reports. */
export function resourceLabel(resource: Resource): string {
  const r = resource;
  if (r.Catalog) return 'Catalog';
  if (r.Database) return `Database ${r.Database.Name}`;
  if (r.Table) return `Table ${r.Table.DatabaseName}.${r.Table.Name ?? '*'}`;
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
