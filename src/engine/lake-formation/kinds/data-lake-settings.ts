import { GetDataLakeSettingsCommand, PutDataLakeSettingsCommand } from '@aws-sdk/client-lakeformation';
import type { DataLakePrincipal, DataLakeSettings, LakeFormationClient } from '@aws-sdk/client-lakeformation';
import type { LfKindModule } from './kind';
import { canonicalKey } from '../../kernel/compare';

/** The settings fields copied from the source; the admin lists are merged instead. */
const COPIED_SETTINGS: ReadonlyArray<keyof DataLakeSettings> = [
  'CreateDatabaseDefaultPermissions', 'CreateTableDefaultPermissions', 'Parameters', 'TrustedResourceOwners',
  'AllowExternalDataFiltering', 'AllowFullTableExternalDataAccess', 'ExternalDataFilteringAllowList', 'AuthorizedSessionTagValueList',
];

/** The data lake settings: one object a Region, merged into the target's, never replacing it. */
export const dataLakeSettings: LfKindModule<'dataLakeSettings'> = {

  async read(r) {
    const { DataLakeSettings: settings } = await r.lf.send(new GetDataLakeSettingsCommand({}));
    return [settings ?? {}];
  },

  async converge(c) {
    const source = c.source[0] ?? {};
    const current = c.actual[0] ?? {};
    const desired = mergedSettings(source, current);
    const fields = Object.keys({ ...desired, ...current })
      .filter(f => canonicalKey(settingValue(desired, f)) !== canonicalKey(settingValue(current, f)));
    if (fields.length === 0) {
      c.unchanged();
      return;
    }
    // Merged again from a fresh read right before the put: an admin added since the listing is kept.
    await c.write('settings', 'updated', () => putSettings(c.lf, latest => mergedSettings(source, latest)), fields);
  },

  focus: items => [...items],
};

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

/**
 * PutDataLakeSettings replaces the whole object: the settings are read and merged immediately before
 * the put, so an admin another writer added since this run's listing is not dropped.
 */
async function putSettings(lf: LakeFormationClient, merge: (current: DataLakeSettings) => DataLakeSettings): Promise<void> {
  const { DataLakeSettings: current = {} } = await lf.send(new GetDataLakeSettingsCommand({}));
  await lf.send(new PutDataLakeSettingsCommand({ DataLakeSettings: merge(current) }));
}
