import type { Permission } from '@aws-sdk/client-lakeformation';
import { mergedSettings } from '../../../src/engine/lake-formation/kinds/data-lake-settings';
import { permissionDelta } from '../../../src/engine/lake-formation/kinds/permission';
import type { PermissionEntry } from '../../../src/engine/lake-formation/state';

const P = { DataLakePrincipalIdentifier: 'arn:aws:iam::123456789012:role/analyst' };
const R = { Table: { DatabaseName: 'sales', Name: 'orders' } };
const entry = (Permissions: Permission[], PermissionsWithGrantOption: Permission[] = []): PermissionEntry =>
  ({ Principal: P, Resource: R, Permissions, PermissionsWithGrantOption });

describe('permissionDelta', () => {
  test('grants what the target lacks, with its grant options', () => {
    expect(permissionDelta(entry(['SELECT', 'DESCRIBE'], ['SELECT']), undefined, true)).toEqual({ grant: entry(['DESCRIBE', 'SELECT'], ['SELECT']), revoke: undefined });
  });

  test('grants only the missing permissions of an existing entry', () => {
    expect(permissionDelta(entry(['SELECT', 'DESCRIBE']), entry(['DESCRIBE']), true)).toEqual({ grant: entry(['SELECT'], []), revoke: undefined });
  });

  test('nothing when the target already holds the same', () => {
    expect(permissionDelta(entry(['DESCRIBE', 'SELECT'], ['SELECT']), entry(['SELECT', 'DESCRIBE'], ['SELECT']), true)).toEqual({ grant: undefined, revoke: undefined });
  });

  test('narrowing revokes the extra permissions only when revoking is allowed', () => {
    expect(permissionDelta(entry(['SELECT']), entry(['SELECT', 'ALTER', 'DROP']), true)).toEqual({ grant: undefined, revoke: entry(['ALTER', 'DROP'], []) });
    expect(permissionDelta(entry(['SELECT']), entry(['SELECT', 'ALTER', 'DROP']), false)).toEqual({ grant: undefined, revoke: undefined });
  });

  test('an extra permission held with its grant option is revoked with it, and not granted again', () => {
    expect(permissionDelta(entry(['SELECT']), entry(['SELECT', 'ALTER'], ['ALTER']), true)).toEqual({ grant: undefined, revoke: entry(['ALTER'], ['ALTER']) });
  });

  test('losing only a grant option is a revoke with the option, then a grant of the permission alone', () => {
    expect(permissionDelta(entry(['SELECT', 'DESCRIBE'], ['DESCRIBE']), entry(['SELECT', 'DESCRIBE'], ['SELECT', 'DESCRIBE']), true)).toEqual({
      revoke: entry(['SELECT'], ['SELECT']),
      grant: entry(['SELECT'], []),
    });
    // Without revoking, the wider grant option stays.
    expect(permissionDelta(entry(['SELECT'], []), entry(['SELECT'], ['SELECT']), false)).toEqual({ grant: undefined, revoke: undefined });
  });

  test('gaining a grant option grants the permission with it', () => {
    expect(permissionDelta(entry(['SELECT'], ['SELECT']), entry(['SELECT']), false)).toEqual({ grant: entry(['SELECT'], ['SELECT']), revoke: undefined });
  });

  test('a condition is carried into both writes', () => {
    const wanted = { ...entry(['SELECT']), Condition: { Expression: "context.region = 'eu'" } };
    const have = { ...entry(['SELECT', 'ALTER']), Condition: { Expression: "context.region = 'eu'" } };
    expect(permissionDelta(wanted, have, true).revoke).toEqual({ ...entry(['ALTER']), Condition: { Expression: "context.region = 'eu'" } });
  });
});

describe('mergedSettings', () => {
  const admin = (name: string) => ({ DataLakePrincipalIdentifier: `arn:aws:iam::123456789012:role/${name}` });

  test('admins and read-only admins are the union: the target keeps its own', () => {
    const merged = mergedSettings(
      { DataLakeAdmins: [admin('a'), admin('b')], ReadOnlyAdmins: [admin('auditor')] },
      { DataLakeAdmins: [admin('dr'), admin('b')], ReadOnlyAdmins: [] },
    );
    expect(merged.DataLakeAdmins).toEqual([admin('dr'), admin('b'), admin('a')]);
    expect(merged.ReadOnlyAdmins).toEqual([admin('auditor')]);
    // An empty source never empties the target's admins.
    expect(mergedSettings({}, { DataLakeAdmins: [admin('dr')] }).DataLakeAdmins).toEqual([admin('dr')]);
  });

  test('every other field is copied from the source, including one the source leaves out', () => {
    const source = {
      CreateDatabaseDefaultPermissions: [],
      CreateTableDefaultPermissions: [{ Principal: { DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS' }, Permissions: ['ALL' as const] }],
      Parameters: { CROSS_ACCOUNT_VERSION: '4' },
      TrustedResourceOwners: ['111122223333'],
      AllowExternalDataFiltering: true,
      AllowFullTableExternalDataAccess: false,
      ExternalDataFilteringAllowList: [{ DataLakePrincipalIdentifier: '111122223333' }],
      AuthorizedSessionTagValueList: ['Amazon EMR'],
    };
    const target = {
      DataLakeAdmins: [admin('dr')],
      CreateDatabaseDefaultPermissions: [{ Principal: { DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS' }, Permissions: ['ALL' as const] }],
      Parameters: { CROSS_ACCOUNT_VERSION: '1', SET_CONTEXT: 'TRUE' },
    };
    const merged = mergedSettings(source, target);
    expect(merged).toEqual({ ...source, DataLakeAdmins: [admin('dr')], ReadOnlyAdmins: [] });
    // The copy is deep: changing the result leaves the source alone.
    merged.Parameters!.CROSS_ACCOUNT_VERSION = '9';
    expect(source.Parameters.CROSS_ACCOUNT_VERSION).toBe('4');
  });
});
