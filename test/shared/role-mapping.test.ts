import { parseRoleMapping, RoleMapper, roleMappingErrors } from '../../src/shared/role-mapping';

const A = 'arn:aws:iam::111111111111:role/glue-optimizer-use1';
const B = 'arn:aws:iam::111111111111:role/glue-optimizer-usw2';
const C = 'arn:aws:iam::111111111111:role/service-role/glue-optimizer-euw1';

describe('RoleMapper', () => {
  test('a role with no mapping is kept (IAM is global)', () => {
    expect(new RoleMapper([], 'us-west-2').map(A)).toBe(A);
  });

  test('a mapping for the target Region wins over one for every Region', () => {
    const mappings = [{ sourceRole: A, targetRole: C }, { sourceRole: A, targetRole: B, targetRegion: 'us-west-2' }];
    expect(new RoleMapper(mappings, 'us-west-2').map(A)).toBe(B);
    expect(new RoleMapper(mappings, 'eu-west-1').map(A)).toBe(C);
  });
});

describe('parseRoleMapping', () => {
  test('reads SRC=DST and SRC=DST@REGION', () => {
    expect(parseRoleMapping(`${A}=${B}`)).toEqual({ sourceRole: A, targetRole: B, targetRegion: undefined });
    expect(parseRoleMapping(`${A}=${C}@eu-west-1`)).toEqual({ sourceRole: A, targetRole: C, targetRegion: 'eu-west-1' });
  });

  test.each([
    ['no target', A, /--role-map ".*" is malformed; expected SOURCE_ROLE_ARN=TARGET_ROLE_ARN/],
    ['a user, not a role', `arn:aws:iam::111111111111:user/x=${B}`, /source role "arn:aws:iam::111111111111:user\/x" is not an IAM role ARN/],
    ['a bad Region', `${A}=${B}@west`, /role mapping target Region "west" is not a valid AWS Region name/],
  ])('%s is refused', (_what, text, message) => {
    expect(() => parseRoleMapping(text)).toThrow(message);
  });
});

test('a source role mapped twice for one target is an error', () => {
  expect(roleMappingErrors([{ sourceRole: A, targetRole: B }, { sourceRole: A, targetRole: C }]))
    .toEqual([`source role "${A}" is mapped twice for all target Regions; map each source role once per target`]);
});
