import { GetDataLakeSettingsCommand, LakeFormationClient } from '@aws-sdk/client-lakeformation';
import type { DataCellsFilter, DataLakePrincipal, DataLakeSettings, Permission, Resource } from '@aws-sdk/client-lakeformation';
import { isProtected, withPrincipals, type ProtectedPrincipals } from './protected-principals';
import { LF_SET_FIELDS, lfKey, mapResource, resourceKey, resourceLabel } from './shapes';
import { permissionKey, readLakeFormation } from './source';
import type { DataLocation, LakeFormationState, LfTag, PermissionEntry, TagAssignment } from './state';
import { LakeFormationTarget, type PermissionError } from './target';
import type { BucketMapping } from '../../bucket-mapping';
import { BucketMapper } from '../../bucket-mapping';
import type { LfKind } from '../../shared/lake-formation-kinds';
import { AwsClients } from '../kernel/clients';
import { canonical, canonicalKey } from '../kernel/compare';
import { errorMessage } from '../kernel/concurrency';
import { differenceOf, type ReportBuilder } from '../kernel/report';
import { Scope } from '../kernel/scope';

/** Applied before the Glue objects: what tables and grants may refer to. */
export const LF_BEFORE_GLUE: readonly LfKind[] = ['dataLakeSettings', 'lfTag', 'lfTagExpression', 'dataLocation'];
/** Applied after the Glue objects, which they refer to; grants last. */
export const LF_AFTER_GLUE: readonly LfKind[] = ['dataCellsFilter', 'optIn', 'lfTagAssignment', 'permission'];

export type LfPhase = 'before' | 'after';

/**
 * The kinds one phase reads: its own, and in the after phase the before kinds whose extras it deletes
 * (prune) or reports (verify).
 */
export function phaseKinds(phase: LfPhase, enabled: readonly LfKind[], checksExtras: boolean): LfKind[] {
  const own = phase === 'before' ? LF_BEFORE_GLUE : LF_AFTER_GLUE;
  const extras: readonly LfKind[] = phase === 'after' && checksExtras ? LF_BEFORE_GLUE.filter(k => k !== 'dataLakeSettings') : [];
  return enabled.filter(k => own.includes(k) || extras.includes(k));
}

/**
 * The kinds a read must list to see `kinds` whole: grants on named LF-tag expressions are listed only
 * when the expressions are, so reading grants brings the expressions along when they are switched on.
 */
export function kindsToRead(kinds: readonly LfKind[], enabled: readonly LfKind[]): LfKind[] {
  const out = [...kinds];
  if (out.includes('permission') && enabled.includes('lfTagExpression') && !out.includes('lfTagExpression')) out.push('lfTagExpression');
  return out;
}

export interface ConvergeLakeFormationOptions {
  readonly mode: 'plan' | 'sync' | 'verify' | 'restore';
  readonly clients: AwsClients;
  readonly targetRegions: readonly string[];
  readonly scope: Scope;
  /** The kinds switched on. */
  readonly kinds: readonly LfKind[];
  readonly bucketMappings: readonly BucketMapping[];
  /** Revoke and delete what the source no longer has (never for protected principals). */
  readonly prune: boolean;
  readonly protectedPrincipals: ProtectedPrincipals;
  /** The account's catalog id: the same in every Region. */
  readonly catalogId: string;
  readonly report: ReportBuilder;
}

/** The settings fields copied from the source; the admin lists are merged instead. */
const COPIED_SETTINGS: ReadonlyArray<keyof DataLakeSettings> = [
  'CreateDatabaseDefaultPermissions', 'CreateTableDefaultPermissions', 'Parameters', 'TrustedResourceOwners',
  'AllowExternalDataFiltering', 'AllowFullTableExternalDataAccess', 'ExternalDataFilteringAllowList', 'AuthorizedSessionTagValueList',
];

/**
 * Converges each target's Lake Formation state to the source's, for one phase. `before` runs ahead
 * of the Glue objects (settings, LF-tags, expressions, locations: creates and updates only); `after`
 * runs once they exist (filters, opt-ins, tag assignments, grants), then, with prune, revokes and
 * deletes, tags and locations last because grants and assignments refer to them.
 */
export async function convergeLakeFormation(source: LakeFormationState, phase: LfPhase, o: ConvergeLakeFormationOptions): Promise<void> {
  for (const region of o.targetRegions) await new TargetConvergence(source, region, o).run(phase);
}

/**
 * Converges one target from its state read beforehand, both phases at once, for the kinds both
 * states hold: the near-real-time applier's path, which reads only the objects an event touched.
 */
export async function convergeTargetState(
  source: LakeFormationState, actual: LakeFormationState, region: string, o: ConvergeLakeFormationOptions,
): Promise<void> {
  await new TargetConvergence(source, region, o).runOn(actual);
}

type Outcome = 'created' | 'updated' | 'deleted';

class TargetConvergence {
  private readonly target: LakeFormationTarget;
  private readonly mapper: BucketMapper;
  private readonly dryRun: boolean;
  private actual!: LakeFormationState;
  private readonly unreadable = new Set<LfKind>();
  private protected: ProtectedPrincipals;
  private prune: boolean;

  constructor(private readonly source: LakeFormationState, private readonly region: string, private readonly o: ConvergeLakeFormationOptions) {
    this.target = new LakeFormationTarget(o.clients, region);
    this.mapper = new BucketMapper(o.bucketMappings, region);
    this.dryRun = o.mode === 'plan' || o.mode === 'verify';
    this.protected = o.protectedPrincipals;
    this.prune = o.prune;
  }

  /** Deletes with prune; verify lists what would be deleted. */
  private get checksExtras(): boolean {
    return this.prune || this.o.mode === 'verify';
  }

  async run(phase: LfPhase): Promise<void> {
    const kinds = phaseKinds(phase, this.o.kinds, this.checksExtras);
    if (kinds.length === 0) return;
    this.actual = await readLakeFormation({
      clients: this.o.clients,
      region: this.region,
      scope: this.o.scope,
      kinds: kindsToRead(kinds, this.o.kinds),
      catalogId: this.o.catalogId,
      onReadError: (kind, error) => {
        this.unreadable.add(kind);
        this.o.report.fail({ kind, key: '*', target: this.region, error: `reading the target's ${kind} state failed, nothing of this kind was changed there: ${error}` });
      },
    });
    await this.apply(phase, kinds.filter(k => !this.unreadable.has(k)));
  }

  /** Both phases against a target state read beforehand: the near-real-time applier reads only what an event touched. */
  async runOn(actual: LakeFormationState): Promise<void> {
    this.actual = actual;
    const kinds = this.o.kinds.filter(k => actual.kinds.includes(k));
    await this.apply('before', kinds);
    await this.apply('after', kinds);
  }

  private async apply(phase: LfPhase, kinds: readonly LfKind[]): Promise<void> {
    const ready = (kind: LfKind) => kinds.includes(kind) && this.source.kinds.includes(kind);
    if (phase === 'before') {
      if (ready('dataLakeSettings')) await this.settings();
      if (ready('lfTag')) await this.tags();
      if (ready('lfTagExpression')) await this.expressions();
      if (ready('dataLocation')) await this.locations();
      return;
    }
    // Verify too: what prune would never revoke is no drift either.
    if (this.checksExtras) {
      try {
        this.protected = withPrincipals(this.protected, await targetAdmins(this.o.clients, this.region));
      } catch (error) {
        this.fail('permission', '*', `reading the target's data lake admins failed, so nothing was revoked or deleted there: ${errorMessage(error)}`);
        this.prune = false;
      }
    }
    if (ready('dataCellsFilter')) await this.filters();
    if (ready('optIn')) await this.optIns();
    if (ready('lfTagAssignment')) await this.assignments();
    if (ready('permission')) await this.permissions();
    if (!this.checksExtras) return;
    if (ready('lfTagExpression')) await this.extraExpressions();
    if (ready('lfTag')) await this.extraTags();
    if (ready('dataLocation')) await this.extraLocations();
  }

  // ---- data lake settings: merged, never replaced ----

  private async settings(): Promise<void> {
    const current = this.actual.settings ?? {};
    const desired = mergedSettings(this.source.settings ?? {}, current);
    const fields = Object.keys({ ...desired, ...current })
      .filter(f => canonicalKey(settingValue(desired, f)) !== canonicalKey(settingValue(current, f)));
    if (fields.length === 0) {
      this.o.report.count('dataLakeSettings', 'unchanged');
      return;
    }
    // Merged again from a fresh read right before the put: an admin added since the listing is kept.
    await this.write('dataLakeSettings', 'settings', 'updated', () => this.target.putSettings(latest => mergedSettings(this.source.settings ?? {}, latest)), fields);
  }

  // ---- LF-tags and expressions ----

  private async tags(): Promise<void> {
    const existing = new Map(this.actual.lfTags.map(t => [t.TagKey, t]));
    for (const tag of this.source.lfTags) {
      const have = existing.get(tag.TagKey);
      if (!have) {
        await this.write('lfTag', tag.TagKey, 'created', () => this.target.createTag(tag));
        continue;
      }
      const add = tag.TagValues.filter(v => !have.TagValues.includes(v));
      if (add.length === 0) this.o.report.count('lfTag', 'unchanged');
      else await this.write('lfTag', tag.TagKey, 'updated', () => this.target.updateTagValues(tag.TagKey, add, []), ['TagValues']);
    }
  }

  private async extraTags(): Promise<void> {
    const wanted = new Map(this.source.lfTags.map(t => [t.TagKey, t]));
    for (const have of this.actual.lfTags) {
      const tag = wanted.get(have.TagKey);
      if (!tag) {
        if (this.deleteOrKeep('lfTag', have.TagKey)) await this.write('lfTag', have.TagKey, 'deleted', () => this.target.deleteTag(have.TagKey));
        continue;
      }
      const remove = have.TagValues.filter(v => !tag.TagValues.includes(v));
      if (remove.length > 0 && this.deleteOrKeep('lfTag', have.TagKey)) await this.write('lfTag', have.TagKey, 'updated', () => this.target.updateTagValues(have.TagKey, [], remove), ['TagValues']);
    }
  }

  private async expressions(): Promise<void> {
    const existing = new Map(this.actual.lfTagExpressions.map(e => [e.Name, e]));
    for (const expression of this.source.lfTagExpressions) {
      const have = existing.get(expression.Name);
      if (!have) await this.write('lfTagExpression', expression.Name, 'created', () => this.target.putExpression(expression, false));
      else if (same(have, expression)) this.o.report.count('lfTagExpression', 'unchanged');
      else await this.write('lfTagExpression', expression.Name, 'updated', () => this.target.putExpression(expression, true), ['Expression']);
    }
  }

  private async extraExpressions(): Promise<void> {
    const wanted = new Set(this.source.lfTagExpressions.map(e => e.Name));
    for (const have of this.actual.lfTagExpressions) {
      if (!wanted.has(have.Name) && this.deleteOrKeep('lfTagExpression', have.Name)) await this.write('lfTagExpression', have.Name, 'deleted', () => this.target.deleteExpression(have.Name));
    }
  }

  // ---- registered locations ----

  private mappedLocation(location: DataLocation): DataLocation {
    return { ...location, ResourceArn: this.mapArn(location.ResourceArn!, `location ${location.ResourceArn}`) };
  }

  private async locations(): Promise<void> {
    const existing = new Map(this.actual.dataLocations.map(l => [l.ResourceArn, l]));
    for (const location of this.source.dataLocations.map(l => this.mappedLocation(l))) {
      const arn = location.ResourceArn!;
      const have = existing.get(arn);
      if (!have) await this.write('dataLocation', arn, 'created', () => this.target.registerLocation(location));
      else if (same(have, location)) this.o.report.count('dataLocation', 'unchanged');
      else await this.write('dataLocation', arn, 'updated', () => this.target.updateLocation(location, this.o.catalogId), changed(have, location));
    }
  }

  private async extraLocations(): Promise<void> {
    const wanted = new Set(this.source.dataLocations.map(l => this.mappedLocation(l).ResourceArn));
    for (const have of this.actual.dataLocations) {
      const arn = have.ResourceArn!;
      if (!wanted.has(arn) && this.deleteOrKeep('dataLocation', arn)) await this.write('dataLocation', arn, 'deleted', () => this.target.deregisterLocation(arn));
    }
  }

  // ---- data cells filters and opt-ins ----

  private async filters(): Promise<void> {
    const name = (f: DataCellsFilter) => `${f.DatabaseName}.${f.TableName}/${f.Name}`;
    const existing = new Map(this.actual.dataCellsFilters.map(f => [name(f), f]));
    const withCatalog = (f: DataCellsFilter): DataCellsFilter => ({ ...f, TableCatalogId: this.o.catalogId });
    for (const filter of this.source.dataCellsFilters) {
      const key = name(filter);
      const have = existing.get(key);
      existing.delete(key);
      if (!have) await this.write('dataCellsFilter', key, 'created', () => this.target.putFilter(withCatalog(filter), false));
      else if (same(have, filter)) this.o.report.count('dataCellsFilter', 'unchanged');
      else await this.write('dataCellsFilter', key, 'updated', () => this.target.putFilter(withCatalog(filter), true), changed(have, filter));
    }
    for (const [key, extra] of existing) {
      if (this.deleteOrKeep('dataCellsFilter', key)) await this.write('dataCellsFilter', key, 'deleted', () => this.target.deleteFilter(withCatalog(extra)));
    }
  }

  private async optIns(): Promise<void> {
    const key = (principal: DataLakePrincipal, resource: Resource) => permissionKey(principal.DataLakePrincipalIdentifier ?? '', resource);
    const label = (principal: DataLakePrincipal, resource: Resource) => `${principal.DataLakePrincipalIdentifier} on ${resourceLabel(resource)}`;
    const existing = new Map(this.actual.optIns.map(i => [key(i.Principal, i.Resource), i]));
    for (const optIn of this.source.optIns) {
      const mapped = { ...optIn, Resource: this.mapResource(optIn.Resource) };
      const k = key(mapped.Principal, mapped.Resource);
      if (existing.delete(k)) this.o.report.count('optIn', 'unchanged');
      else await this.write('optIn', label(mapped.Principal, mapped.Resource), 'created', () => this.target.createOptIn(mapped));
    }
    for (const extra of existing.values()) {
      const k = label(extra.Principal, extra.Resource);
      if (this.deleteOrKeep('optIn', k, extra.Principal.DataLakePrincipalIdentifier)) {
        await this.write('optIn', k, 'deleted', () => this.target.deleteOptIn(extra));
      }
    }
  }

  // ---- LF-tag assignments ----

  private async assignments(): Promise<void> {
    const existing = new Map(this.actual.tagAssignments.map(a => [resourceKey(a.Resource), a]));
    for (const wanted of this.source.tagAssignments) {
      const k = resourceKey(wanted.Resource);
      const have = existing.get(k);
      existing.delete(k);
      const add = wanted.LFTags.filter(t => !have?.LFTags.some(h => lfKey(h) === lfKey(t)));
      const remove = (have?.LFTags ?? []).filter(h => !wanted.LFTags.some(t => t.TagKey === h.TagKey));
      if (add.length > 0) {
        await this.tagWrite(wanted.Resource, have ? 'updated' : 'created', add, () => this.target.addTags(wanted.Resource, add));
      }
      if (remove.length > 0 && this.deleteOrKeep('lfTagAssignment', resourceLabel(wanted.Resource))) {
        await this.tagWrite(wanted.Resource, 'deleted', remove, () => this.target.removeTags(wanted.Resource, remove));
      }
      if (add.length === 0 && remove.length === 0) this.o.report.count('lfTagAssignment', 'unchanged');
    }
    for (const extra of existing.values()) {
      if (this.deleteOrKeep('lfTagAssignment', resourceLabel(extra.Resource))) {
        await this.tagWrite(extra.Resource, 'deleted', extra.LFTags, () => this.target.removeTags(extra.Resource, extra.LFTags));
      }
    }
  }

  private async tagWrite(resource: Resource, outcome: Outcome, tags: LfTag[], send: () => Promise<string[]>): Promise<void> {
    const key = resourceLabel(resource);
    this.differ('lfTagAssignment', key, outcome, tags.map(t => t.TagKey));
    if (this.dryRun) {
      this.o.report.count('lfTagAssignment', outcome);
      return;
    }
    try {
      const errors = await send();
      if (errors.length === 0) this.o.report.count('lfTagAssignment', outcome);
      else this.fail('lfTagAssignment', key, errors.join('; '));
    } catch (error) {
      this.fail('lfTagAssignment', key, errorMessage(error));
    }
  }

  // ---- permissions ----

  /**
   * Each (principal, resource, condition) is compared as two permission sets. Missing permissions
   * are granted; with prune, extra ones are revoked. Losing only a grant option is a revoke of the
   * permission with its grant option, then a grant of the permission alone.
   */
  private async permissions(): Promise<void> {
    const existing = new Map(this.actual.permissions.map(p => [entryKey(p), p]));
    const grants: PermissionEntry[] = [];
    const revokes: PermissionEntry[] = [];
    let unchanged = 0;
    for (const source of this.source.permissions) {
      const wanted = { ...source, Resource: this.mapResource(source.Resource) };
      const k = entryKey(wanted);
      const have = existing.get(k);
      existing.delete(k);
      // Verify reports permissions beyond the source's as drift, as it does whole extra grants.
      const delta = permissionDelta(wanted, have, this.checksExtras && !isProtected(this.protected, principalOf(wanted)));
      if (delta.revoke) revokes.push(delta.revoke);
      if (delta.grant) grants.push(delta.grant);
      if (!delta.grant && !delta.revoke) unchanged++;
    }
    for (const extra of existing.values()) {
      if (this.deleteOrKeep('permission', permissionLabel(extra), principalOf(extra))) revokes.push(extra);
    }
    this.o.report.count('permission', 'unchanged', unchanged);
    await this.permissionBatch('deleted', revokes, entries => this.target.revoke(entries));
    await this.permissionBatch('created', grants, entries => this.target.grant(entries));
  }

  private async permissionBatch(
    outcome: Outcome, entries: PermissionEntry[], send: (entries: PermissionEntry[]) => Promise<PermissionError[]>,
  ): Promise<void> {
    if (entries.length === 0) return;
    for (const e of entries) {
      this.differ('permission', permissionLabel(e), outcome, [...e.Permissions, ...e.PermissionsWithGrantOption.map(p => `${p} (grant option)`)]);
    }
    if (this.dryRun) {
      this.o.report.count('permission', outcome, entries.length);
      return;
    }
    const errors = await send(entries);
    this.o.report.count('permission', outcome, entries.length - errors.length);
    for (const e of errors) this.fail('permission', permissionLabel(e.entry), e.error);
  }

  // ---- shared ----

  private mapArn(arn: string, objectKey: string): string {
    const mapped = this.mapper.mapArn(arn);
    if (mapped.unmappedBucket) this.o.report.unmappedBucket(this.region, mapped.unmappedBucket, objectKey);
    return mapped.uri;
  }

  private mapResource(resource: Resource): Resource {
    return mapResource(resource, arn => this.mapArn(arn, resourceLabel(resource)));
  }

  /** Only with prune, and never for a protected principal; verify lists it as drift. */
  private deleteOrKeep(kind: LfKind, key: string, principal?: string): boolean {
    if (principal !== undefined && isProtected(this.protected, principal)) return false;
    if (this.prune) return true;
    if (this.o.mode === 'verify') this.o.report.differ({ kind, key, target: this.region, difference: 'extra' });
    else this.o.report.warnOnce(`${this.region} has ${kind} state the source does not have (e.g. ${key}); it was kept. Run with --prune to remove it.`);
    return false;
  }

  private async write(kind: LfKind, key: string, outcome: Outcome, action: () => Promise<void>, fields?: string[]): Promise<void> {
    this.differ(kind, key, outcome, fields);
    if (this.dryRun) {
      this.o.report.count(kind, outcome);
      return;
    }
    try {
      await action();
      this.o.report.count(kind, outcome);
    } catch (error) {
      this.fail(kind, key, errorMessage(error));
    }
  }

  private differ(kind: LfKind, key: string, outcome: Outcome, fields?: string[]): void {
    const difference = differenceOf(outcome);
    this.o.report.differ({ kind, key, target: this.region, difference, fields });
  }

  private fail(kind: LfKind, key: string, error: string): void {
    this.o.report.fail({ kind, key, target: this.region, error });
  }
}

/**
 * The target's settings with the source's copied in. Admins and read-only admins are the union
 * of both lists: nothing is removed from the target, so the replicator keeps its own access.
 */
export function mergedSettings(source: DataLakeSettings, target: DataLakeSettings): DataLakeSettings {
  const union = (a: DataLakePrincipal[] = [], b: DataLakePrincipal[] = []) => {
    const ids = new Set(a.map(p => p.DataLakePrincipalIdentifier));
    return [...a, ...b.filter(p => !ids.has(p.DataLakePrincipalIdentifier))];
  };
  const merged: DataLakeSettings = {
    ...target,
    DataLakeAdmins: union(target.DataLakeAdmins, source.DataLakeAdmins),
    ReadOnlyAdmins: union(target.ReadOnlyAdmins, source.ReadOnlyAdmins),
  };
  for (const field of COPIED_SETTINGS) (merged as Record<string, unknown>)[field] = structuredClone(source[field]);
  return merged;
}

function settingValue(settings: DataLakeSettings, field: string): unknown {
  const value = (settings as Record<string, unknown>)[field];
  if (field !== 'DataLakeAdmins' && field !== 'ReadOnlyAdmins') return value;
  return (value as DataLakePrincipal[] | undefined)?.map(p => p.DataLakePrincipalIdentifier).sort();
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

function principalOf(p: { Principal: DataLakePrincipal }): string {
  return p.Principal.DataLakePrincipalIdentifier ?? '';
}

export function permissionLabel(p: PermissionEntry): string {
  return `${principalOf(p)} on ${resourceLabel(p.Resource)}${p.Condition?.Expression ? ` if ${p.Condition.Expression}` : ''}`;
}

function same(a: object, b: object): boolean {
  return lfKey(a) === lfKey(b);
}

function changed(a: object, b: object): string[] {
  const x = canonical(a, LF_SET_FIELDS) as Record<string, unknown>;
  const y = canonical(b, LF_SET_FIELDS) as Record<string, unknown>;
  return Object.keys({ ...x, ...y }).filter(k => JSON.stringify(x[k]) !== JSON.stringify(y[k])).sort();
}

/** The target's current data lake admins: protected from revokes. */
export async function targetAdmins(clients: AwsClients, region: string): Promise<string[]> {
  const { DataLakeSettings: s = {} } = await clients.get(LakeFormationClient, region).send(new GetDataLakeSettingsCommand({}));
  return [...s.DataLakeAdmins ?? [], ...s.ReadOnlyAdmins ?? []].map(p => p.DataLakePrincipalIdentifier!).filter(Boolean);
}

export type { TagAssignment };
