import { bucketNameError, regionError, regionListErrors } from '../../src/shared/validation';

describe('regionError', () => {
  test.each([
    'us-east-1', 'us-west-2', 'eu-central-1', 'ap-southeast-2', 'ca-central-1', 'me-south-1',
    'us-gov-west-1', 'us-gov-east-1', 'cn-north-1', 'cn-northwest-1', 'us-iso-east-1', 'us-isob-east-1',
  ])('accepts %s', region => {
    expect(regionError('source Region', region)).toBeUndefined();
  });

  test.each([
    'US-EAST-1', 'Us-east-1', 'us-east', 'useast1', 'us_east_1', 'us-east-1a', 'us-east-123', '',
    ' us-east-1', 'us-east-1 ', 'u-east-1', 'us--1', 'us-east-1-',
  ])('rejects %p', region => {
    const error = regionError('target Region', region);
    expect(error).toContain(`target Region "${region}" is not a valid AWS Region name`);
    expect(error).toContain('us-east-1');
  });
});

describe('regionListErrors', () => {
  test('a valid source and distinct targets have no errors', () => {
    expect(regionListErrors('us-east-1', ['us-west-2', 'eu-central-1'])).toEqual([]);
  });

  test('the source Region may not be a target', () => {
    const errors = regionListErrors('us-east-1', ['us-west-2', 'us-east-1']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/target Region "us-east-1" is the source Region/);
  });

  test('a target listed twice is reported once per repetition', () => {
    const errors = regionListErrors('us-east-1', ['us-west-2', 'us-west-2']);
    expect(errors).toEqual(['target Region "us-west-2" is listed twice; list each target once']);
    expect(regionListErrors('us-east-1', ['us-west-2', 'us-west-2', 'us-west-2'])).toHaveLength(2);
  });

  test('an empty target list is an error', () => {
    expect(regionListErrors('us-east-1', [])).toEqual(['at least one target Region is required']);
  });

  test('invalid source and target names are reported', () => {
    const errors = regionListErrors('US-EAST-1', ['useast1']);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('source Region "US-EAST-1"');
    expect(errors[1]).toContain('target Region "useast1"');
  });

  test('all problems are collected, not just the first', () => {
    const errors = regionListErrors('bad', ['bad', 'bad']);
    expect(errors.some(e => e.includes('source Region "bad"'))).toBe(true);
    expect(errors.some(e => e.includes('is the source Region'))).toBe(true);
    expect(errors.some(e => e.includes('listed twice'))).toBe(true);
  });
});

describe('bucketNameError', () => {
  test.each([
    'abc', 'my-bucket', 'my.bucket.name', 'bucket-123', '123bucket', 'a'.repeat(63), 'data-lake.eu-west-1',
  ])('accepts %s', bucket => {
    expect(bucketNameError('source bucket', bucket)).toBeUndefined();
  });

  test.each([
    ['too short', 'ab'],
    ['empty', ''],
    ['too long', 'a'.repeat(64)],
    ['uppercase', 'MyBucket'],
    ['underscore', 'my_bucket'],
    ['IP address form', '192.168.1.1'],
    ['two dots in a row', 'my..bucket'],
    ['leading hyphen', '-bucket'],
    ['trailing hyphen', 'bucket-'],
    ['leading dot', '.bucket'],
    ['trailing dot', 'bucket.'],
    ['slash', 'bucket/prefix'],
    ['white space', 'my bucket'],
  ])('rejects a name with %s (%p)', (_why, bucket) => {
    const error = bucketNameError('target bucket', bucket);
    expect(error).toContain(`target bucket "${bucket}" is not a valid S3 bucket name`);
    expect(error).toContain('3-63 characters');
  });
});
