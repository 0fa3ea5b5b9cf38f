import { GlueClient } from '@aws-sdk/client-glue';
import {
  GetDataLakeSettingsCommand, GetResourceLFTagsCommand, ListDataCellsFilterCommand, ListLakeFormationOptInsCommand,
  ListLFTagExpressionsCommand, ListLFTagsCommand, ListPermissionsCommand, ListResourcesCommand, LakeFormationClient,
} from '@aws-sdk/client-lakeformation';
import type {
  DataCellsFilter, DataLakeResourceType, DataLakeSettings, LFTagPair, ListPermissionsRequest, Permission,
  PrincipalResourcePermissions,
  Resource, ResourceInfo,
} from '@aws-sdk/client-lakeformation';
import { ownResource, resourceInScope, resourceKey } from './shapes';
import {
  emptyState, type DataLocation, type LakeFormationState, type LfTag, type LfTagExpression, type OptIn, type PermissionEntry,
  type TagAssignment,
} from './state';
import type { LfKind } from '../../shared/lake-formation-kinds';
import { databasePages, tablePages } from '../glue/pages';
import { AwsClients } from '../kernel/clients';
import { errorMessage, forEachConcurrent } from '../kernel/concurrency';
import { Scope } from '../kernel/scope';

export interface ReadLakeFormationOptions {
  readonly clients: AwsClients;
  readonly region: string;
  readonly scope: Scope;
  /** The kinds to read; the others are left empty and out of `kinds`. */
  readonly kinds: readonly LfKind[];
  /** The account's catalog id: resources in other catalogs are shares, not replicated. */
  readonly catalogId: string;
  /** A kind whose reading failed is left out of the state's `kinds`; this hears why. */
  readonly onReadError: (kind: LfKind, error: string) => void;
  /** Resources of another account's catalog that were left out, by kind. */
  readonly onForeign?: (kind: LfKind, label: string) => void;
}

/** GetResourceLFTags calls in flight at once. */
const TAG_READS = 8;

const SERVICE_LINKED_ROLE = /:role\/aws-service-role\/lakeformation\.amazonaws\.com\/AWSServiceRoleForLakeFormationDataAccess$/;

/** Every ListPermissions needs these besides the unfiltered listing, which leaves out LF-tag grants. */
const TAG_PERMISSION_TYPES: DataLakeResourceType[] = ['LF_TAG', 'LF_TAG_POLICY', 'LF_TAG_POLICY_DATABASE', 'LF_TAG_POLICY_TABLE'];

/**
 * Reads one Region's Lake Formation state in scope, every listing paged to its end. Each kind is
 * read on its own: one failing listing is reported and the others are still read.
 */
export async function readLakeFormation(o: ReadLakeFormationOptions): Promise<LakeFormationState> {
  return new LakeFormationReader(o).read();
}

class LakeFormationReader {
  private readonly state = emptyState();
  private readonly lf: LakeFormationClient;

  constructor(private readonly o: ReadLakeFormationOptions) {
    this.lf = o.clients.get(LakeFormationClient, o.region);
  }

  async read(): Promise<LakeFormationState> {
    const wants = (kind: LfKind) => this.o.kinds.includes(kind);
    await this.kind('dataLakeSettings', () => this.settings());
    // Tags are read whenever grants or assignments are: without tags there is nothing tag-based to list.
    const needTags = wants('lfTag') || wants('lfTagAssignment') || wants('permission') || wants('lfTagExpression');
    let tags: LfTag[] | undefined;
    if (needTags) {
      try {
        tags = await this.lfTags();
        if (wants('lfTag')) this.done('lfTag', () => this.state.lfTags.push(...tags!));
      } catch (error) {
        for (const kind of ['lfTag', 'lfTagExpression', 'lfTagAssignment'] as const) if (wants(kind)) this.o.onReadError(kind, errorMessage(error));
      }
    }
    let expressions: LfTagExpression[] = [];
    if (tags && wants('lfTagExpression')) {
      try {
        expressions = tags.length > 0 ? await this.expressions() : [];
        if (wants('lfTagExpression')) this.done('lfTagExpression', () => this.state.lfTagExpressions.push(...expressions));
      } catch (error) {
        if (wants('lfTagExpression')) this.o.onReadError('lfTagExpression', errorMessage(error));
        tags = undefined; // grants by named expression cannot be listed
      }
    }
    await this.kind('dataLocation', () => this.locations());
    await this.kind('optIn', () => this.optIns());
    await this.kind('dataCellsFilter', () => this.filters());
    if (tags) await this.kind('lfTagAssignment', () => this.assignments(tags!));
    if (wants('permission')) {
      if (tags === undefined) {
        this.o.onReadError('permission', 'the LF-tags could not be listed, so grants on LF-tags could not be read either');
      } else {
        await this.kind('permission', () => this.permissions(tags!.length > 0, expressions.length > 0));
      }
    }
    return this.state;
  }

  private async kind(kind: LfKind, read: () => Promise<void>): Promise<void> {
    if (!this.o.kinds.includes(kind)) return;
    try {
      await read();
      this.state.kinds.push(kind);
    } catch (error) {
      this.o.onReadError(kind, errorMessage(error));
    }
  }

  private done(kind: LfKind, record: () => void): void {
    record();
    this.state.kinds.push(kind);
  }

  private async settings(): Promise<void> {
    const { DataLakeSettings: settings } = await this.lf.send(new GetDataLakeSettingsCommand({}));
    this.state.settings = settings ?? {} as DataLakeSettings;
  }

  private async lfTags(): Promise<LfTag[]> {
    const tags: LfTag[] = [];
    for await (const page of paged(NextToken => this.lf.send(new ListLFTagsCommand({ NextToken, MaxResults: 1000 })), r => r.LFTags)) {
      for (const tag of page) {
        if (this.ownCatalog(tag.CatalogId)) tags.push({ TagKey: tag.TagKey!, TagValues: [...tag.TagValues ?? []] });
      }
    }
    return tags;
  }

  private async expressions(): Promise<LfTagExpression[]> {
    const out: LfTagExpression[] = [];
    const pages = paged(NextToken => this.lf.send(new ListLFTagExpressionsCommand({ NextToken, MaxResults: 1000 })), r => r.LFTagExpressions);
    for await (const page of pages) {
      for (const e of page) {
        if (!this.ownCatalog(e.CatalogId)) continue;
        const Expression = (e.Expression ?? []).map(t => ({ TagKey: t.TagKey!, TagValues: [...t.TagValues ?? []] }));
        out.push(dropEmpty({ Name: e.Name!, Description: e.Description, Expression }));
      }
    }
    return out;
  }

  private async locations(): Promise<void> {
    for await (const page of paged(NextToken => this.lf.send(new ListResourcesCommand({ NextToken, MaxResults: 1000 })), r => r.ResourceInfoList)) {
      for (const info of page) this.state.dataLocations.push(dataLocation(info));
    }
  }

  private async optIns(): Promise<void> {
    const pages = paged(
      NextToken => this.lf.send(new ListLakeFormationOptInsCommand({ NextToken, MaxResults: 1000 })), r => r.LakeFormationOptInsInfoList);
    for await (const page of pages) {
      for (const info of page) {
        const resource = this.resource('optIn', info.Resource);
        if (!resource || !info.Principal) continue;
        const Principal = { DataLakePrincipalIdentifier: info.Principal.DataLakePrincipalIdentifier };
        this.state.optIns.push(dropEmpty({ Principal, Resource: resource, Condition: info.Condition }));
      }
    }
  }

  private async filters(): Promise<void> {
    const pages = paged(NextToken => this.lf.send(new ListDataCellsFilterCommand({ NextToken, MaxResults: 1000 })), r => r.DataCellsFilters);
    for await (const page of pages) {
      for (const f of page) {
        if (!this.ownCatalog(f.TableCatalogId)) {
          this.o.onForeign?.('dataCellsFilter', `${f.DatabaseName}.${f.TableName}/${f.Name}`);
          continue;
        }
        if (!this.o.scope.includes(f.DatabaseName!)) continue;
        this.state.dataCellsFilters.push(filterInput(f));
      }
    }
  }

  /** Assignments are read per database and table: there is no listing of them. */
  private async assignments(tags: LfTag[]): Promise<void> {
    if (tags.length === 0) return; // no LF-tag, so nothing can be assigned
    const glue = this.o.clients.get(GlueClient, this.o.region);
    const out = this.state.tagAssignments;
    for await (const page of databasePages(glue)) {
      const databases = page.filter(d => d.Name && this.o.scope.includes(d.Name) && !d.TargetDatabase).map(d => d.Name!);
      await forEachConcurrent(databases, TAG_READS, async (Name) => {
        out.push(...await resourceAssignments(this.lf, { Database: { Name } }));
      });
      for (const DatabaseName of databases) {
        for await (const tables of tablePages(glue, DatabaseName)) {
          await forEachConcurrent(tables.filter(t => !t.TargetTable), TAG_READS, async ({ Name }) => {
            out.push(...await resourceAssignments(this.lf, { Table: { DatabaseName, Name } }));
          });
        }
      }
    }
  }

  private async permissions(hasTags: boolean, hasExpressions: boolean): Promise<void> {
    const types: Array<DataLakeResourceType | undefined> = [undefined];
    if (hasTags) types.push(...TAG_PERMISSION_TYPES);
    if (hasExpressions) types.push('LF_NAMED_TAG_EXPRESSION');
    const byKey = new Map<string, PermissionEntry>();
    const requests: ListPermissionsRequest[] = types.map(ResourceType => ({ ResourceType }));
    // Grants on data cells filters are documented as shown with their table when IncludeRelated is set:
    // each table with filters is listed that way too, and duplicates merge by key.
    const filtered = new Set(this.state.dataCellsFilters.map(f => JSON.stringify([f.DatabaseName, f.TableName])));
    for (const [DatabaseName, Name] of [...filtered].map(t => JSON.parse(t) as [string, string])) {
      requests.push({ Resource: { Table: { DatabaseName, Name } }, IncludeRelated: 'TRUE' });
    }
    for (const request of requests) {
      const pages = paged(
        NextToken => this.lf.send(new ListPermissionsCommand({ ...request, NextToken, MaxResults: 1000 })), r => r.PrincipalResourcePermissions);
      for await (const page of pages) for (const entry of page) this.addPermission(byKey, entry);
    }
    this.state.permissions.push(...byKey.values());
  }

  /** Entries for the same principal, resource and condition are merged: a listing may split them. */
  private addPermission(byKey: Map<string, PermissionEntry>, entry: PrincipalResourcePermissions): void {
    const principal = entry.Principal?.DataLakePrincipalIdentifier;
    const resource = this.resource('permission', entry.Resource);
    if (!principal || !resource) return;
    const key = permissionKey(principal, resource, entry.Condition?.Expression);
    const existing = byKey.get(key);
    const Permissions = union(existing?.Permissions, entry.Permissions);
    const PermissionsWithGrantOption = union(existing?.PermissionsWithGrantOption, entry.PermissionsWithGrantOption);
    byKey.set(key, dropEmpty({
      Principal: { DataLakePrincipalIdentifier: principal },
      Resource: resource,
      Condition: entry.Condition?.Expression ? { Expression: entry.Condition.Expression } : undefined,
      Permissions,
      PermissionsWithGrantOption,
    }));
  }

  /** The resource in the account's own catalog and in scope, or undefined. */
  private resource(kind: LfKind, resource: Resource | undefined): Resource | undefined {
    if (!resource) return undefined;
    const own = ownResource(resource, this.o.catalogId);
    if (!own) {
      this.o.onForeign?.(kind, JSON.stringify(resource));
      return undefined;
    }
    return resourceInScope(own, this.o.scope) ? own : undefined;
  }

  private ownCatalog(catalogId: string | undefined): boolean {
    return catalogId === undefined || catalogId === this.o.catalogId;
  }
}

/** One principal's permissions on one resource are identified by both, and by the condition. */
export function permissionKey(principal: string, resource: Resource, condition?: string): string {
  return `${principal}\u0000${resourceKey(resource)}\u0000${condition ?? ''}`;
}

async function* paged<R extends { NextToken?: string }, T>(
  call: (token: string | undefined) => Promise<R>, items: (response: R) => T[] | undefined,
): AsyncIterable<T[]> {
  let token: string | undefined;
  do {
    const response = await call(token);
    yield items(response) ?? [];
    token = response.NextToken;
  } while (token);
}

function dataLocation(info: ResourceInfo): DataLocation {
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

/** A filter as Create/UpdateDataCellsFilter take it: the version id and the account's catalog id dropped. */
export function filterInput(f: DataCellsFilter): DataCellsFilter {
  return dropEmpty({
    TableCatalogId: undefined,
    DatabaseName: f.DatabaseName,
    TableName: f.TableName,
    Name: f.Name,
    RowFilter: f.RowFilter,
    ColumnNames: f.ColumnNames,
    ColumnWildcard: f.ColumnWildcard,
  }) as DataCellsFilter;
}

/** The LF-tags assigned directly to one database, or to one table and its columns (inherited ones are not listed). */
export async function resourceAssignments(lf: LakeFormationClient, resource: Resource): Promise<TagAssignment[]> {
  const out: TagAssignment[] = [];
  const r = await lf.send(new GetResourceLFTagsCommand({ Resource: resource, ShowAssignedLFTags: true }));
  if (resource.Database) {
    pushAssignment(out, resource, r.LFTagOnDatabase);
    return out;
  }
  const { DatabaseName, Name } = resource.Table!;
  pushAssignment(out, resource, r.LFTagsOnTable);
  for (const column of r.LFTagsOnColumns ?? []) {
    pushAssignment(out, { TableWithColumns: { DatabaseName, Name, ColumnNames: [column.Name!] } }, column.LFTags);
  }
  return out;
}

function pushAssignment(out: TagAssignment[], resource: Resource, tags: LFTagPair[] | undefined): void {
  const LFTags = (tags ?? []).map(t => ({ TagKey: t.TagKey!, TagValues: [...t.TagValues ?? []] }));
  if (LFTags.length > 0) out.push({ Resource: resource, LFTags });
}

function union(a: Permission[] | undefined, b: Permission[] | undefined): Permission[] {
  return [...new Set([...a ?? [], ...b ?? []])].sort();
}

function dropEmpty<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export type { OptIn };
