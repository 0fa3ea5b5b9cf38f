import { bucketMappingErrors, parseBucketMapping } from '../../src/shared/bucket-mapping';

describe('parseBucketMapping', () => {
  test('SRC=DST maps for every target Region', () => {
    const rule = parseBucketMapping('a-src=b-dst');
    expect(rule.sourceBucket).toBe('a-src');
    expect(rule.targetBucket).toBe('b-dst');
    expect(rule.targetRegion).toBeUndefined();
  });

  test('SRC=DST@REGION maps for one target Region', () => {
    expect(parseBucketMapping('src=dst@us-west-2')).toEqual({ sourceBucket: 'src', targetBucket: 'dst', targetRegion: 'us-west-2' });
  });

  test('dotted bucket names are kept whole', () => {
    expect(parseBucketMapping('lake.raw=lake.raw-dr@eu-central-1')).toEqual({
      sourceBucket: 'lake.raw', targetBucket: 'lake.raw-dr', targetRegion: 'eu-central-1',
    });
  });

  test.each([
    '', 'src', 'src=', '=dst', 'src=dst=x', 'src==dst', 'src=dst@', '@us-west-2', 'src=@us-west-2',
    'src=dst@us-west-2@eu-west-1', 'src = dst', ' src=dst', 'src=dst ', 'src@us-west-2=dst',
  ])('rejects the malformed form %p', text => {
    expect(() => parseBucketMapping(text)).toThrow(`--bucket-map "${text}" is malformed; expected SOURCE_BUCKET=TARGET_BUCKET`);
  });

  test.each([
    ['SRC=dst', 'source bucket "SRC"'],
    ['src=DST', 'target bucket "DST"'],
    ['ab=dst', 'source bucket "ab"'],
    ['src=10.0.0.1', 'target bucket "10.0.0.1"'],
    ['src=dst@US-WEST-2', 'bucket mapping target Region "US-WEST-2"'],
    ['src=dst@uswest2', 'bucket mapping target Region "uswest2"'],
  ])('rejects %p with a message naming the bad part', (text, named) => {
    expect(() => parseBucketMapping(text)).toThrow(named);
  });
});

describe('bucketMappingErrors', () => {
  test('distinct sources have no errors', () => {
    expect(bucketMappingErrors([
      { sourceBucket: 'raw', targetBucket: 'raw-dr' },
      { sourceBucket: 'curated', targetBucket: 'curated-dr' },
    ])).toEqual([]);
  });

  test('an empty list has no errors', () => {
    expect(bucketMappingErrors([])).toEqual([]);
  });

  test('the same source mapped twice for all Regions is an error', () => {
    const errors = bucketMappingErrors([
      { sourceBucket: 'raw', targetBucket: 'raw-a' },
      { sourceBucket: 'raw', targetBucket: 'raw-b' },
    ]);
    expect(errors).toEqual(['source bucket "raw" is mapped twice for all target Regions; map each source bucket once per target']);
  });

  test('the same source mapped twice for one Region is an error naming that Region', () => {
    const errors = bucketMappingErrors([
      { sourceBucket: 'raw', targetBucket: 'raw-a', targetRegion: 'us-west-2' },
      { sourceBucket: 'raw', targetBucket: 'raw-b', targetRegion: 'us-west-2' },
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('source bucket "raw" is mapped twice for target Region "us-west-2"');
  });

  test('a source mapped once for all Regions and once per Region is allowed', () => {
    expect(bucketMappingErrors([
      { sourceBucket: 'raw', targetBucket: 'raw-dr' },
      { sourceBucket: 'raw', targetBucket: 'raw-usw2', targetRegion: 'us-west-2' },
      { sourceBucket: 'raw', targetBucket: 'raw-euc1', targetRegion: 'eu-central-1' },
    ])).toEqual([]);
  });

  test('invalid bucket and Region names are reported', () => {
    const errors = bucketMappingErrors([{ sourceBucket: 'Raw', targetBucket: 'x', targetRegion: 'west' }]);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toContain('source bucket "Raw"');
    expect(errors[1]).toContain('target bucket "x"');
    expect(errors[2]).toContain('bucket mapping target Region "west"');
  });
});
