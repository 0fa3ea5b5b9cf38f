import {
  CreateLFTagCommand, GetDataLakeSettingsCommand, GrantPermissionsCommand, LakeFormationClient, ListLFTagsCommand, ListPermissionsCommand,
  ListResourcesCommand, PutDataLakeSettingsCommand, RegisterResourceCommand,
} from '@aws-sdk/client-lakeformation';
import type { DataLakeSettings, Permission, PrincipalResourcePermissions, Resource } from '@aws-sdk/client-lakeformation';
import { TEST_CREDENTIALS } from './cli-harness';
import { SAMPLE_ACCOUNT } from './sample-lake';

/** Lake Formation seed and inspection helpers for the moto tests. */

export const ROLE = (name: string) => `arn:aws:iam::${SAMPLE_ACCOUNT}:role/${name}`;
export const ANALYST = ROLE('analyst');
export const ENGINEER = ROLE('data-engineer');
export const AUDITOR = ROLE('auditor');
export const LOADER = ROLE('loader');
export const SOURCE_ADMIN = ROLE('lake-admin');
export const TARGET_ADMIN = ROLE('dr-lake-admin');
export const LOCATION_ROLE = ROLE('lf-location-access');

export function lfAt(endpoint: string, region: string): LakeFormationClient {
  return new LakeFormationClient({ region, endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
}

export interface Grant {
  readonly principal: string;
  readonly resource: Resource;
  readonly permissions: Permission[];
  readonly grantable?: Permission[];
}

/**
 * One GrantPermissions call per grant: moto keeps PermissionsWithGrantOption on the single call
 * (its batch call drops them), and a later revoke of something granted by two separate calls
 * on the same principal and resource fails in moto with a 500, so each pair is granted once.
 */
export async function grantAll(lf: LakeFormationClient, grants: readonly Grant[]): Promise<void> {
  for (const g of grants) {
    await lf.send(new GrantPermissionsCommand({
      Principal: { DataLakePrincipalIdentifier: g.principal },
      Resource: g.resource,
      Permissions: g.permissions,
      PermissionsWithGrantOption: g.grantable ?? [],
    }));
  }
}

/**
 * Every explicit grant in a Region, as "principal | resource" -> sorted permissions, grantable ones
 * marked with "+grant". This is what a principal can do there: comparing it between two Regions
 * shows whether every principal behaves the same in both.
 */
export async function grantsIn(lf: LakeFormationClient, mapArn: (arn: string) => string = a => a): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  let NextToken: string | undefined;
  do {
    const page = await lf.send(new ListPermissionsCommand({ NextToken }));
    for (const p of page.PrincipalResourcePermissions ?? []) add(out, p, mapArn);
    NextToken = page.NextToken;
  } while (NextToken);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function add(out: Record<string, string[]>, p: PrincipalResourcePermissions, mapArn: (arn: string) => string): void {
  const resource = structuredClone(p.Resource ?? {});
  if (resource.DataLocation?.ResourceArn) resource.DataLocation.ResourceArn = mapArn(resource.DataLocation.ResourceArn);
  for (const c of [resource.TableWithColumns?.ColumnNames, resource.TableWithColumns?.ColumnWildcard?.ExcludedColumnNames]) c?.sort();
  const key = `${p.Principal?.DataLakePrincipalIdentifier} | ${stable(resource)}`;
  const grantable = new Set(p.PermissionsWithGrantOption ?? []);
  const perms = new Set([...out[key] ?? [], ...(p.Permissions ?? []).map(x => grantable.has(x) ? `${x}+grant` : x)]);
  out[key] = [...perms].sort();
}

/** JSON with keys sorted and empty objects kept: `TableWildcard: {}` says something. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter(k => (value as Record<string, unknown>)[k] !== undefined)
      .map(k => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export async function settingsIn(lf: LakeFormationClient): Promise<DataLakeSettings> {
  return (await lf.send(new GetDataLakeSettingsCommand({}))).DataLakeSettings ?? {};
}

export async function putSettings(lf: LakeFormationClient, settings: DataLakeSettings): Promise<void> {
  await lf.send(new PutDataLakeSettingsCommand({ DataLakeSettings: settings }));
}

export async function locationsIn(lf: LakeFormationClient): Promise<Array<{ ResourceArn?: string; RoleArn?: string }>> {
  const list = (await lf.send(new ListResourcesCommand({}))).ResourceInfoList ?? [];
  return list.map(({ ResourceArn, RoleArn }) => ({ ResourceArn, RoleArn })).sort((a, b) => a.ResourceArn!.localeCompare(b.ResourceArn!));
}

export async function register(lf: LakeFormationClient, ResourceArn: string, RoleArn?: string): Promise<void> {
  await lf.send(new RegisterResourceCommand(RoleArn ? { ResourceArn, RoleArn } : { ResourceArn, UseServiceLinkedRole: true }));
}

export async function tagsIn(lf: LakeFormationClient): Promise<Record<string, string[]>> {
  const tags = (await lf.send(new ListLFTagsCommand({}))).LFTags ?? [];
  return Object.fromEntries(tags.map(t => [t.TagKey!, [...t.TagValues ?? []].sort()]).sort(([a], [b]) => String(a).localeCompare(String(b))));
}

export async function createTag(lf: LakeFormationClient, TagKey: string, TagValues: string[]): Promise<void> {
  await lf.send(new CreateLFTagCommand({ TagKey, TagValues }));
}

/** The sample lake's grants: one of each resource kind moto keeps, grant options and column lists included. */
export function sampleGrants(): Grant[] {
  return [
    { principal: ANALYST, resource: { Database: { Name: 'sales' } }, permissions: ['DESCRIBE'] },
    { principal: ANALYST, resource: { TableWithColumns: { DatabaseName: 'sales', Name: 'orders', ColumnNames: ['id', 'name', 'type'] } }, permissions: ['SELECT'] },
    { principal: ANALYST, resource: { Table: { DatabaseName: 'marketing', TableWildcard: {} } }, permissions: ['SELECT', 'DESCRIBE'] },
    { principal: ENGINEER, resource: { Catalog: {} }, permissions: ['CREATE_DATABASE'] },
    {
      principal: ENGINEER,
      resource: { Database: { Name: 'sales' } },
      permissions: ['ALTER', 'CREATE_TABLE', 'DESCRIBE'],
      grantable: ['CREATE_TABLE', 'DESCRIBE'],
    },
    { principal: ENGINEER, resource: { Table: { DatabaseName: 'sales', Name: 'orders' } }, permissions: ['ALTER', 'INSERT', 'DELETE'], grantable: ['INSERT'] },
    { principal: AUDITOR, resource: { TableWithColumns: { DatabaseName: 'sales', Name: 'orders', ColumnWildcard: { ExcludedColumnNames: ['Customer ID'] } } }, permissions: ['SELECT'] },
    { principal: LOADER, resource: { DataLocation: { ResourceArn: 'arn:aws:s3:::acme-lake-raw/sales' } }, permissions: ['DATA_LOCATION_ACCESS'] },
    { principal: LOADER, resource: { DataLocation: { ResourceArn: 'arn:aws:s3:::acme-lake-curated' } }, permissions: ['DATA_LOCATION_ACCESS'], grantable: ['DATA_LOCATION_ACCESS'] },
  ];
}

/** Source ARNs as the sample bucket mapping rewrites them. */
export function sampleMap(arn: string): string {
  return arn.replace(':::acme-lake-raw', ':::acme-lake-raw-usw2').replace(':::acme-lake-curated', ':::acme-lake-curated-usw2');
}
