import {
  AddLFTagsToResourceCommand, AlreadyExistsException, BatchGrantPermissionsCommand, BatchRevokePermissionsCommand, CreateDataCellsFilterCommand,
  CreateLakeFormationOptInCommand, CreateLFTagCommand, CreateLFTagExpressionCommand, DeleteDataCellsFilterCommand, DeleteLakeFormationOptInCommand,
  DeleteLFTagCommand, DeleteLFTagExpressionCommand, DeregisterResourceCommand, EntityNotFoundException, GetDataLakeSettingsCommand,
  GetResourceLFTagsCommand, InvalidInputException, LakeFormationClient, ListDataCellsFilterCommand, ListLakeFormationOptInsCommand,
  ListLFTagExpressionsCommand, ListLFTagsCommand, ListPermissionsCommand, ListResourcesCommand, PutDataLakeSettingsCommand, RegisterResourceCommand,
  RemoveLFTagsFromResourceCommand, UpdateDataCellsFilterCommand, UpdateLFTagCommand, UpdateLFTagExpressionCommand, UpdateResourceCommand,
} from '@aws-sdk/client-lakeformation';
import type {
  BatchPermissionsFailureEntry, BatchPermissionsRequestEntry, DataCellsFilter, DataLakePrincipal, DataLakeSettings, LFTag, LFTagError, LFTagPair,
  Permission, PrincipalResourcePermissions, Resource, ResourceInfo,
} from '@aws-sdk/client-lakeformation';
import type { FinalizeHandler, FinalizeHandlerArguments, HandlerExecutionContext, MetadataBearer } from '@smithy/types';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { routeClients } from './client-routes';
import { ACCOUNT, regionOf } from './sdk-harness';
import { lfKey as resourceKey, ownResource } from '../../src/engine/lake-formation/shapes';

/**
 * A stateful Lake Formation behind aws-sdk-client-mock, one per Region, answering in the shapes
 * the API documents, where moto has gaps (shared/reference/moto.md): listings paged with opaque
 * tokens, `CatalogId` and output-only fields filled in, ListPermissions by `ResourceType` (LF-tag
 * grants only listed by type; LF_TAG_POLICY alone answers only DATABASE policies, as reported in
 * aws/aws-sdk-js#4583), grant options kept by the batch calls, per-entry batch `Failures`, data
 * cells filters, LF-tag expressions, opt-ins, and GetResourceLFTags on untagged resources (empty lists).
 */

const SLR = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/lakeformation.amazonaws.com/AWSServiceRoleForLakeFormationDataAccess`;
const UPDATED = new Date('2026-02-03T04:05:06.000Z');
const SMITHY_CONTEXT_KEY = '__smithy_context';

interface Grant {
  Principal: DataLakePrincipal;
  Resource: Resource;
  Condition?: { Expression?: string };
  perms: Set<Permission>;
  grantable: Set<Permission>;
}

export class RegionLakeFormation {
  settings: DataLakeSettings = {
    DataLakeAdmins: [],
    CreateDatabaseDefaultPermissions: [{ Principal: { DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS' }, Permissions: ['ALL'] }],
    CreateTableDefaultPermissions: [{ Principal: { DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS' }, Permissions: ['ALL'] }],
    Parameters: { CROSS_ACCOUNT_VERSION: '4' },
  };
  readonly tags = new Map<string, string[]>();
  readonly expressions = new Map<string, { Name: string; Description?: string; Expression: LFTag[] }>();
  readonly locations = new Map<string, ResourceInfo>();
  readonly optIns: Array<{ Principal: DataLakePrincipal; Resource: Resource; Condition?: { Expression?: string } }> = [];
  readonly filters = new Map<string, DataCellsFilter>();
  /** resourceKey -> (tag key -> value) */
  readonly assigned = new Map<string, { resource: Resource; tags: Map<string, string> }>();
  /** table -> resource keys of its column assignments (an entry cleared from `assigned` is skipped). */
  private readonly columnKeys = new Map<string, Set<string>>();
  readonly grants = new Map<string, Grant>();
  /** A per-entry failure to inject into batch grants/revokes: return an error message to fail the entry. */
  failEntry?: (entry: BatchPermissionsRequestEntry, call: 'grant' | 'revoke') => string | undefined;
  /** Commands (by name, e.g. "ListLakeFormationOptIns") that fail in this Region with the given error. */
  readonly failing = new Map<string, Error>();
  /** A GetResourceLFTags failure to inject: return an error to fail the read of that resource in this Region. */
  failRead?: (resource: Resource) => Error | undefined;
  /** List grants on data cells filters only with their table and IncludeRelated, never unfiltered. */
  cellFilterGrantsOnlyWithTable = false;

  constructor(readonly pageSize: number) {}

  grant(principal: string, resource: Resource, perms: Permission[], grantable: Permission[] = []): this {
    this.applyGrant({
      Principal: { DataLakePrincipalIdentifier: principal }, Resource: resource, Permissions: perms, PermissionsWithGrantOption: grantable,
    });
    return this;
  }

  tag(key: string, values: string[]): this {
    this.tags.set(key, [...values]);
    return this;
  }

  assign(resource: Resource, key: string, value: string): this {
    for (const r of singleColumns(resource)) this.assignment(r).tags.set(key, value);
    return this;
  }

  /** One resource's assignment entry, made empty when it has none. */
  assignment(resource: Resource): { resource: Resource; tags: Map<string, string> } {
    const k = resourceKey(resource);
    let entry = this.assigned.get(k);
    if (!entry) {
      this.assigned.set(k, entry = { resource, tags: new Map<string, string>() });
      const t = resource.TableWithColumns;
      if (t) {
        const table = `${t.DatabaseName}.${t.Name}`;
        this.columnKeys.set(table, (this.columnKeys.get(table) ?? new Set()).add(k));
      }
    }
    return entry;
  }

  /** The column assignments of one table, found through an index so a lake of 100,000 tables reads fast. */
  columnAssignments(databaseName: string, tableName: string): Array<{ resource: Resource; tags: Map<string, string> }> {
    return [...this.columnKeys.get(`${databaseName}.${tableName}`) ?? []].map(k => this.assigned.get(k))
      .filter((a): a is { resource: Resource; tags: Map<string, string> } => a !== undefined && a.tags.size > 0);
  }

  /** principal -> resource key -> sorted permissions, grantable ones suffixed "+grant". */
  permissionsView(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const g of this.grants.values()) {
      if (g.perms.size === 0) continue;
      // Keyed without the account's catalog id, which a grant may or may not spell out.
      out[`${g.Principal.DataLakePrincipalIdentifier} | ${resourceKey(ownResource(g.Resource, ACCOUNT) ?? g.Resource)}${g.Condition?.Expression ? ` | ${g.Condition.Expression}` : ''}`] =
        [...g.perms].map(p => g.grantable.has(p) ? `${p}+grant` : p).sort();
    }
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
  }

  assignmentsView(): Record<string, Record<string, string>> {
    return Object.fromEntries([...this.assigned.entries()].filter(([, v]) => v.tags.size > 0)
      .map(([k, v]) => [k, Object.fromEntries([...v.tags].sort())]).sort(([a], [b]) => String(a).localeCompare(String(b))));
  }

  applyGrant(e: Omit<BatchPermissionsRequestEntry, 'Id'>): void {
    const k = grantKey(e.Principal!, e.Resource!, e.Condition?.Expression);
    const g = this.grants.get(k) ?? {
      Principal: { ...e.Principal },
      Resource: structuredClone(e.Resource!),
      ...(e.Condition ? { Condition: e.Condition } : {}),
      perms: new Set(),
      grantable: new Set(),
    };
    for (const p of e.Permissions ?? []) g.perms.add(p);
    for (const p of e.PermissionsWithGrantOption ?? []) {
      g.perms.add(p);
      g.grantable.add(p);
    }
    this.grants.set(k, g);
  }

  applyRevoke(e: BatchPermissionsRequestEntry): string | undefined {
    const g = this.grants.get(grantKey(e.Principal!, e.Resource!, e.Condition?.Expression));
    const held = [...e.Permissions ?? [], ...e.PermissionsWithGrantOption ?? []].filter(p => g?.perms.has(p));
    if (!g || held.length === 0) return 'No permissions revoked. Grantee has no permissions on the resource.';
    for (const p of e.Permissions ?? []) {
      g.perms.delete(p);
      g.grantable.delete(p);
    }
    for (const p of e.PermissionsWithGrantOption ?? []) g.grantable.delete(p);
    if (g.perms.size === 0) this.grants.delete(grantKey(e.Principal!, e.Resource!, e.Condition?.Expression));
    return undefined;
  }
}

function grantKey(principal: DataLakePrincipal, resource: Resource, condition?: string): string {
  return `${principal.DataLakePrincipalIdentifier}\u0000${resourceKey(ownResource(resource, ACCOUNT) ?? resource)}\u0000${condition ?? ''}`;
}

/** A TableWithColumns resource with several columns is one assignment per column. */
function singleColumns(resource: Resource): Resource[] {
  const t = resource.TableWithColumns;
  if (!t?.ColumnNames) return [resource];
  return t.ColumnNames.map(c => ({ TableWithColumns: { DatabaseName: t.DatabaseName, Name: t.Name, ColumnNames: [c] } }));
}

/** The resource as a listing shows it: the account's catalog id filled into every part. */
function listed(resource: Resource): Resource {
  const r = structuredClone(resource) as Record<string, Record<string, unknown>>;
  for (const [kind, value] of Object.entries(r)) {
    if (kind === 'Catalog') value.Id ??= ACCOUNT;
    else if (kind === 'DataCellsFilter') value.TableCatalogId ??= ACCOUNT;
    else value.CatalogId ??= ACCOUNT;
  }
  return r as Resource;
}

function page<T>(items: T[], what: string, size: number, token: string | undefined): { items: T[]; NextToken?: string } {
  let start = 0;
  if (token !== undefined) {
    const [w, offset] = Buffer.from(token, 'base64').toString('utf8').split('|');
    if (w !== what) throw new InvalidInputException({ message: 'Invalid NextToken', $metadata: { httpStatusCode: 400 } });
    start = Number(offset);
  }
  const end = start + size;
  return { items: items.slice(start, end), NextToken: end < items.length ? Buffer.from(`${what}|${end}`).toString('base64') : undefined };
}

function notFound(message: string): never {
  throw new EntityNotFoundException({ message, $metadata: { httpStatusCode: 400 } });
}

function pair(key: string, value: string): LFTagPair {
  return { CatalogId: ACCOUNT, TagKey: key, TagValues: [value] };
}

type ResourceTypeFilter = 'LF_TAG' | 'LF_TAG_POLICY' | 'LF_TAG_POLICY_DATABASE' | 'LF_TAG_POLICY_TABLE' | 'LF_NAMED_TAG_EXPRESSION' | undefined;

/** A listing by table: grants on the table and its columns, and with `related` those on its data cells filters. */
function onTable(resource: Resource, filter: Resource, related: boolean): boolean {
  const t = filter.Table!;
  const table = resource.Table ?? resource.TableWithColumns;
  if (table) return table.DatabaseName === t.DatabaseName && table.Name === t.Name;
  const f = resource.DataCellsFilter;
  return related && f !== undefined && f.DatabaseName === t.DatabaseName && f.TableName === t.Name;
}

function matchesType(resource: Resource, type: ResourceTypeFilter): boolean {
  switch (type) {
    case undefined: return !resource.LFTag && !resource.LFTagPolicy && !resource.LFTagExpression;
    case 'LF_TAG': return resource.LFTag !== undefined;
    case 'LF_TAG_POLICY': return resource.LFTagPolicy?.ResourceType === 'DATABASE';
    case 'LF_TAG_POLICY_DATABASE': return resource.LFTagPolicy?.ResourceType === 'DATABASE';
    case 'LF_TAG_POLICY_TABLE': return resource.LFTagPolicy?.ResourceType === 'TABLE';
    case 'LF_NAMED_TAG_EXPRESSION': return resource.LFTagExpression !== undefined;
  }
  return false;
}

export class FakeLakeFormation {
  readonly stub: AwsClientStub<LakeFormationClient>;
  private readonly regions = new Map<string, RegionLakeFormation>();
  private readonly unroute: () => void;
  private active = true;
  /** Each command's answer, called straight from the terminal when `direct` (no stub, so no call history). */
  private readonly answers = new Map<unknown, (input: unknown, region: string) => Promise<unknown>>();

  /**
   * @param direct answer from the fake without going through the stub: no call history (`writes()`, `stub.calls()`
   * stay empty; count calls with the report's `apiCalls`), for a benchmark's hundreds of thousands of calls
   */
  constructor(readonly pageSize = 2, private readonly direct = false) {
    this.stub = mockClient(LakeFormationClient);
    const stub = () => LakeFormationClient.prototype.send as unknown as (command: unknown) => Promise<unknown>;
    this.unroute = routeClients(LakeFormationClient, client => this.routeThroughMiddleware(client as LakeFormationClient, stub));
    this.install();
  }

  region(name: string): RegionLakeFormation {
    let r = this.regions.get(name);
    if (!r) {
      r = new RegionLakeFormation(this.pageSize);
      this.regions.set(name, r);
    }
    return r;
  }

  restore(): void {
    this.active = false;
    this.unroute();
    this.stub.restore();
  }

  /** Write calls the stub received, by command name. */
  writes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const call of this.stub.calls()) {
      const name = (call.args[0] as object).constructor.name.replace(/Command$/, '');
      if (!/^(Get|List)/.test(name)) out[name] = (out[name] ?? 0) + 1;
    }
    return out;
  }

  /** As sdk-harness does for Glue: the real middleware stack runs (call counting), the stub answers instead of HTTP. */
  private routeThroughMiddleware(client: LakeFormationClient, stubbedSend: () => (command: unknown) => Promise<unknown>): LakeFormationClient {
    if (Object.prototype.hasOwnProperty.call(client, 'send')) return client;
    const realSend = (Object.getPrototypeOf(LakeFormationClient.prototype) as { send: unknown }).send;
    const terminal = (_next: FinalizeHandler<object, MetadataBearer>, context: HandlerExecutionContext) =>
      async (_args: FinalizeHandlerArguments<object>) => {
        if (!this.active) throw new Error(`${context.commandName} sent after the mocks were restored`);
        const command = (context as Record<string, { commandInstance?: { input: unknown } }>)[SMITHY_CONTEXT_KEY]?.commandInstance;
        const answer = this.direct ? this.answers.get(command?.constructor) : undefined;
        const answered = answer ? answer(command!.input, await regionOf(client)) : stubbedSend().call(client, command);
        const result = (await answered ?? {}) as Partial<MetadataBearer>;
        return { output: { ...result, $metadata: { httpStatusCode: 200, requestId: 'mocked', attempts: 1, totalRetryDelay: 0 } }, response: { statusCode: 200, headers: {} } };
      };
    client.middlewareStack.addRelativeTo(terminal as never, { name: 'lakeFormationFakeTerminal', relation: 'before', toMiddleware: 'httpSigningMiddleware' });
    Object.defineProperty(client, 'send', { value: realSend, configurable: true, writable: true });
    return client;
  }

  private install(): void {
    const s = this.stub;
    const on = <I, O>(command: new (...args: never[]) => unknown, answer: (r: RegionLakeFormation, input: I) => O) => {
      const answered = async (input: I, regionName: string) => {
        const region = this.region(regionName);
        const error = region.failing.get(command.name.replace(/Command$/, ''));
        if (error) throw error;
        return answer(region, input);
      };
      this.answers.set(command, answered as (input: unknown, region: string) => Promise<unknown>);
      s.on(command as never)
        .callsFake(async (input: I, getClient: () => { config: { region: unknown } }) => answered(input, await regionOf(getClient())));
    };
    s.onAnyCommand().callsFake((input: unknown) => {
      throw Object.assign(new Error(`unexpected Lake Formation call in a mocked test: ${JSON.stringify(input).slice(0, 200)}`), { name: 'UnexpectedCall' });
    });

    on(GetDataLakeSettingsCommand, r => ({ DataLakeSettings: structuredClone(r.settings) }));
    on(PutDataLakeSettingsCommand, (r, i: { DataLakeSettings?: DataLakeSettings }) => {
      r.settings = structuredClone(i.DataLakeSettings ?? {});
      return {};
    });

    on(ListLFTagsCommand, (r, i: { NextToken?: string }) => {
      const all = [...r.tags].map(([TagKey, TagValues]) => ({ CatalogId: ACCOUNT, TagKey, TagValues: [...TagValues] }));
      const { items, NextToken } = page(all, 'tags', r.pageSize, i.NextToken);
      return { LFTags: items, NextToken };
    });
    on(CreateLFTagCommand, (r, i: { TagKey: string; TagValues: string[] }) => {
      if (r.tags.has(i.TagKey)) throw new AlreadyExistsException({ message: `Tag key ${i.TagKey} already exists`, $metadata: {} });
      if (i.TagValues.length > 50) throw new InvalidInputException({ message: 'at most 50 values', $metadata: {} });
      r.tags.set(i.TagKey, [...i.TagValues]);
      return {};
    });
    on(UpdateLFTagCommand, (r, i: { TagKey: string; TagValuesToAdd?: string[]; TagValuesToDelete?: string[] }) => {
      const values = r.tags.get(i.TagKey) ?? notFound(`Tag key ${i.TagKey} not found`);
      const kept = values.filter(v => !(i.TagValuesToDelete ?? []).includes(v));
      r.tags.set(i.TagKey, [...kept, ...(i.TagValuesToAdd ?? []).filter(v => !values.includes(v))]);
      return {};
    });
    on(DeleteLFTagCommand, (r, i: { TagKey: string }) => { r.tags.delete(i.TagKey); return {}; });

    on(ListLFTagExpressionsCommand, (r, i: { NextToken?: string }) => {
      const all = [...r.expressions.values()].map(e => ({ ...structuredClone(e), CatalogId: ACCOUNT }));
      const { items, NextToken } = page(all, 'expressions', r.pageSize, i.NextToken);
      return { LFTagExpressions: items, NextToken };
    });
    on(CreateLFTagExpressionCommand, (r, i: { Name: string; Description?: string; Expression: LFTag[] }) => {
      if (r.expressions.has(i.Name)) throw new AlreadyExistsException({ message: `${i.Name} exists`, $metadata: {} });
      r.expressions.set(i.Name, structuredClone(i));
      return {};
    });
    on(UpdateLFTagExpressionCommand, (r, i: { Name: string; Description?: string; Expression: LFTag[] }) => {
      if (!r.expressions.has(i.Name)) notFound(`${i.Name} not found`);
      r.expressions.set(i.Name, structuredClone(i));
      return {};
    });
    on(DeleteLFTagExpressionCommand, (r, i: { Name: string }) => { r.expressions.delete(i.Name); return {}; });

    on(ListResourcesCommand, (r, i: { NextToken?: string }) => {
      const { items, NextToken } = page([...r.locations.values()].map(l => ({ ...l, LastModified: UPDATED })), 'resources', r.pageSize, i.NextToken);
      return { ResourceInfoList: items, NextToken };
    });
    type Register = {
      ResourceArn: string; RoleArn?: string; UseServiceLinkedRole?: boolean; HybridAccessEnabled?: boolean; WithFederation?: boolean;
    };
    on(RegisterResourceCommand, (r, i: Register) => {
      if (r.locations.has(i.ResourceArn)) throw new AlreadyExistsException({ message: 'Resource is already registered', $metadata: {} });
      if (!i.RoleArn && !i.UseServiceLinkedRole) throw new InvalidInputException({ message: 'RoleArn or UseServiceLinkedRole is required', $metadata: {} });
      r.locations.set(i.ResourceArn, {
        ResourceArn: i.ResourceArn,
        RoleArn: i.UseServiceLinkedRole ? SLR : i.RoleArn,
        ...(i.HybridAccessEnabled ? { HybridAccessEnabled: true } : {}),
        ...(i.WithFederation ? { WithFederation: true } : {}),
      });
      return {};
    });
    on(UpdateResourceCommand, (r, i: { ResourceArn: string; RoleArn: string; HybridAccessEnabled?: boolean }) => {
      const l = r.locations.get(i.ResourceArn) ?? notFound('Entity not found');
      r.locations.set(i.ResourceArn, { ...l, RoleArn: i.RoleArn, HybridAccessEnabled: i.HybridAccessEnabled });
      return {};
    });
    on(DeregisterResourceCommand, (r, i: { ResourceArn: string }) => {
      if (!r.locations.delete(i.ResourceArn)) notFound('Entity not found');
      return {};
    });

    on(ListLakeFormationOptInsCommand, (r, i: { NextToken?: string }) => {
      const all = r.optIns.map(o => ({ ...structuredClone(o), Resource: listed(o.Resource), LastModified: UPDATED, LastUpdatedBy: `arn:aws:iam::${ACCOUNT}:role/Admin` }));
      const { items, NextToken } = page(all, 'optins', r.pageSize, i.NextToken);
      return { LakeFormationOptInsInfoList: items, NextToken };
    });
    on(CreateLakeFormationOptInCommand, (r, i: { Principal: DataLakePrincipal; Resource: Resource }) => {
      if (r.optIns.some(o => grantKey(o.Principal, o.Resource) === grantKey(i.Principal, i.Resource))) throw new AlreadyExistsException({ message: 'exists', $metadata: {} });
      r.optIns.push(structuredClone(i));
      return {};
    });
    on(DeleteLakeFormationOptInCommand, (r, i: { Principal: DataLakePrincipal; Resource: Resource }) => {
      const at = r.optIns.findIndex(o => grantKey(o.Principal, o.Resource) === grantKey(i.Principal, i.Resource));
      if (at < 0) notFound('opt-in not found');
      r.optIns.splice(at, 1);
      return {};
    });

    const filterKey = (f: { DatabaseName?: string; TableName?: string; Name?: string }) => `${f.DatabaseName}.${f.TableName}/${f.Name}`;
    on(ListDataCellsFilterCommand, (r, i: { NextToken?: string }) => {
      const all = [...r.filters.values()].map((f, n) => ({ ...structuredClone(f), TableCatalogId: ACCOUNT, VersionId: String(n + 1) }));
      const { items, NextToken } = page(all, 'filters', r.pageSize, i.NextToken);
      return { DataCellsFilters: items, NextToken };
    });
    on(CreateDataCellsFilterCommand, (r, i: { TableData: DataCellsFilter }) => {
      if (r.filters.has(filterKey(i.TableData))) throw new AlreadyExistsException({ message: 'filter exists', $metadata: {} });
      if (i.TableData.TableCatalogId === undefined) throw new InvalidInputException({ message: 'TableCatalogId is required', $metadata: {} });
      r.filters.set(filterKey(i.TableData), structuredClone(i.TableData));
      return {};
    });
    on(UpdateDataCellsFilterCommand, (r, i: { TableData: DataCellsFilter }) => {
      if (!r.filters.has(filterKey(i.TableData))) notFound('filter not found');
      r.filters.set(filterKey(i.TableData), structuredClone(i.TableData));
      return {};
    });
    on(DeleteDataCellsFilterCommand, (r, i: DataCellsFilter) => {
      if (!r.filters.delete(filterKey(i))) notFound('filter not found');
      return {};
    });

    on(GetResourceLFTagsCommand, (r, i: { Resource: Resource }) => {
      const injected = r.failRead?.(i.Resource);
      if (injected) throw injected;
      const tagsOf = (resource: Resource) => [...r.assigned.get(resourceKey(resource))?.tags ?? []].map(([k, v]) => pair(k, v));
      if (i.Resource.Database) return { LFTagOnDatabase: tagsOf({ Database: { Name: i.Resource.Database.Name } }) };
      const t = i.Resource.Table ?? notFound('unsupported resource');
      const columns = r.columnAssignments(t.DatabaseName!, t.Name!)
        .map(a => ({ Name: a.resource.TableWithColumns!.ColumnNames![0], LFTags: [...a.tags].map(([k, v]) => pair(k, v)) }));
      // Untagged resources answer with empty lists (moto answers 500).
      return {
        LFTagOnDatabase: tagsOf({ Database: { Name: t.DatabaseName } }),
        LFTagsOnTable: tagsOf({ Table: { DatabaseName: t.DatabaseName, Name: t.Name } }),
        LFTagsOnColumns: columns,
      };
    });
    const tagCall = (r: RegionLakeFormation, i: { Resource: Resource; LFTags: LFTag[] }, add: boolean): { Failures: LFTagError[] } => {
      const Failures: LFTagError[] = [];
      for (const tag of i.LFTags) {
        const values = r.tags.get(tag.TagKey!);
        if (add && (!values || !values.includes(tag.TagValues![0]))) {
          const Error = { ErrorCode: 'EntityNotFoundException', ErrorMessage: `Tag ${tag.TagKey}=${tag.TagValues} does not exist` };
          Failures.push({ LFTag: { ...tag, CatalogId: ACCOUNT }, Error });
          continue;
        }
        for (const one of singleColumns(i.Resource)) {
          const entry = r.assignment(one);
          if (add) entry.tags.set(tag.TagKey!, tag.TagValues![0]);
          else entry.tags.delete(tag.TagKey!);
        }
      }
      return { Failures };
    };
    on(AddLFTagsToResourceCommand, (r, i: { Resource: Resource; LFTags: LFTag[] }) => tagCall(r, i, true));
    on(RemoveLFTagsFromResourceCommand, (r, i: { Resource: Resource; LFTags: LFTag[] }) => tagCall(r, i, false));

    on(ListPermissionsCommand, (r, i: { ResourceType?: ResourceTypeFilter; Resource?: Resource; IncludeRelated?: string; NextToken?: string }) => {
      const shown = [...r.grants.values()].filter(g => g.perms.size > 0 && (i.Resource
        ? onTable(g.Resource, i.Resource, i.IncludeRelated === 'TRUE')
        : matchesType(g.Resource, i.ResourceType) && !(r.cellFilterGrantsOnlyWithTable && g.Resource.DataCellsFilter)));
      // Paged before the grants are shaped, so a listing of 100,000 grants shapes each once.
      const { items, NextToken } = page(shown, `permissions/${i.ResourceType ?? JSON.stringify(i.Resource ?? '*')}`, r.pageSize, i.NextToken);
      const listedPage: PrincipalResourcePermissions[] = items.map(g => ({
        Principal: { ...g.Principal },
        Resource: listed(g.Resource),
        ...(g.Condition ? { Condition: g.Condition } : {}),
        Permissions: [...g.perms],
        PermissionsWithGrantOption: [...g.grantable],
        AdditionalDetails: {},
        LastUpdated: UPDATED,
        LastUpdatedBy: `arn:aws:iam::${ACCOUNT}:role/Admin`,
      }));
      return { PrincipalResourcePermissions: listedPage, NextToken };
    });
    const batch = (r: RegionLakeFormation, i: { Entries: BatchPermissionsRequestEntry[] }, call: 'grant' | 'revoke') => {
      if (i.Entries.length > 20) throw new InvalidInputException({ message: `at most 20 entries, got ${i.Entries.length}`, $metadata: {} });
      const Failures: BatchPermissionsFailureEntry[] = [];
      for (const e of i.Entries) {
        const injected = r.failEntry?.(e, call);
        const error = injected ?? (call === 'grant' ? (r.applyGrant(e), undefined) : r.applyRevoke(e));
        if (error) Failures.push({ RequestEntry: structuredClone(e), Error: { ErrorCode: 'InvalidInputException', ErrorMessage: error } });
      }
      return { Failures };
    };
    on(BatchGrantPermissionsCommand, (r, i: { Entries: BatchPermissionsRequestEntry[] }) => batch(r, i, 'grant'));
    on(BatchRevokePermissionsCommand, (r, i: { Entries: BatchPermissionsRequestEntry[] }) => batch(r, i, 'revoke'));
  }
}
