import { GetDataLakeSettingsCommand, PutDataLakeSettingsCommand, LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { AwsClients } from '../kernel/clients';

export type AdminChange = 'added' | 'removed' | 'unchanged';

/**
 * Makes `principalArn` a data lake administrator in one Region (or stops it being one),
 * touching nothing else. PutDataLakeSettings replaces the whole settings object, so the
 * current settings are read, this one principal is added or removed, and the rest is
 * written back as it was: no other admin or setting is ever dropped.
 */
export async function setDataLakeAdmin(clients: AwsClients, region: string, principalArn: string, admin: boolean): Promise<AdminChange> {
  const lf = clients.get(LakeFormationClient, region);
  const { DataLakeSettings: settings = {} } = await lf.send(new GetDataLakeSettingsCommand({}));
  const admins = settings.DataLakeAdmins ?? [];
  const isAdmin = admins.some(a => a.DataLakePrincipalIdentifier === principalArn);
  if (isAdmin === admin) return 'unchanged';
  const DataLakeAdmins = admin
    ? [...admins, { DataLakePrincipalIdentifier: principalArn }]
    : admins.filter(a => a.DataLakePrincipalIdentifier !== principalArn);
  await lf.send(new PutDataLakeSettingsCommand({ DataLakeSettings: { ...settings, DataLakeAdmins } }));
  return admin ? 'added' : 'removed';
}
