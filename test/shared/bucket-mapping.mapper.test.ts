import fc from 'fast-check';
import { BucketMapper } from '../../src/shared/bucket-mapping';
import type { BucketMapping } from '../../src/shared/bucket-mapping';

const TARGET = 'us-west-2';
const OTHER = 'eu-central-1';

const scheme = fc.constantFrom('s3', 's3a', 's3n');
/** Bucket-like names; the prefix keeps source and target name spaces apart where a test needs it. */
const bucketNamed = (prefix: string) => fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,12}[a-z0-9]$/).map(b => `${prefix}${b}`);
/** What follows the bucket in a URI: nothing, or a key, query or fragment of any characters. */
const rest = fc.oneof(
  fc.constant(''),
  fc.tuple(fc.constantFrom('/', '?', '#'), fc.string({ unit: 'grapheme', maxLength: 40 })).map(([c, s]) => c + s),
  fc.tuple(fc.constant('/'), fc.string({ unit: 'binary', maxLength: 40 })).map(([c, s]) => c + s),
);
const region = fc.constantFrom<string | undefined>(undefined, TARGET, OTHER);

/** Rules with unique (source, Region) pairs, as validation requires; sources and targets never overlap. */
const rules = fc.uniqueArray(
  fc.record({ sourceBucket: bucketNamed('src-'), targetBucket: bucketNamed('dst-'), targetRegion: region }),
  { selector: r => `${r.sourceBucket}@${r.targetRegion ?? '*'}`, maxLength: 8 },
).map(list => list.map(r => (r.targetRegion === undefined ? { sourceBucket: r.sourceBucket, targetBucket: r.targetBucket } : r)));

/** The mapping a correct mapper applies for TARGET. */
function expectedTarget(list: readonly BucketMapping[], bucket: string): string | undefined {
  return list.find(r => r.sourceBucket === bucket && r.targetRegion === TARGET)?.targetBucket
    ?? list.find(r => r.sourceBucket === bucket && r.targetRegion === undefined)?.targetBucket;
}

/** A bucket drawn from the rules' sources and targets, or an unrelated one. */
function bucketFrom(list: readonly BucketMapping[]) {
  const known = list.flatMap(r => [r.sourceBucket, r.targetBucket]);
  return known.length > 0 ? fc.oneof(fc.constantFrom(...known), bucketNamed('other-')) : bucketNamed('other-');
}

describe('BucketMapper examples', () => {
  const mapper = new BucketMapper([
    { sourceBucket: 'lake-raw', targetBucket: 'lake-raw-dr' },
    { sourceBucket: 'lake-raw', targetBucket: 'lake-raw-usw2', targetRegion: TARGET },
    { sourceBucket: 'lake-curated', targetBucket: 'lake-curated-dr' },
  ], TARGET);

  test.each([
    ['s3://lake-curated/sales/', 's3://lake-curated-dr/sales/'],
    ['s3a://lake-curated/sales/part=1/', 's3a://lake-curated-dr/sales/part=1/'],
    ['s3n://lake-curated', 's3n://lake-curated-dr'],
    ['s3://lake-raw/x/y.parquet', 's3://lake-raw-usw2/x/y.parquet'],
    ['s3://lake-curated?versionId=1', 's3://lake-curated-dr?versionId=1'],
  ])('maps %s to %s', (uri, expected) => {
    expect(mapper.map(uri)).toEqual({ uri: expected });
  });

  test.each([
    'Data lives in s3://lake-raw/x',
    ' s3://lake-raw/x',
    'https://lake-raw.s3.amazonaws.com/x',
    'S3://lake-raw/x',
    's3:/lake-raw/x',
    's3:///x',
    'hdfs://lake-raw/x',
    '',
  ])('leaves %p alone', text => {
    expect(mapper.map(text)).toEqual({ uri: text });
  });

  test('a bucket with no mapping is reported and left alone', () => {
    expect(mapper.map('s3://elsewhere/x')).toEqual({ uri: 's3://elsewhere/x', unmappedBucket: 'elsewhere' });
  });

  test('a bucket that is a mapping target is not reported', () => {
    expect(mapper.map('s3://lake-curated-dr/x')).toEqual({ uri: 's3://lake-curated-dr/x' });
    expect(mapper.map('s3://lake-raw-usw2/x')).toEqual({ uri: 's3://lake-raw-usw2/x' });
  });

  test('rules for another Region do not apply', () => {
    const only = new BucketMapper([{ sourceBucket: 'lake-raw', targetBucket: 'lake-raw-euc1', targetRegion: OTHER }], TARGET);
    expect(only.map('s3://lake-raw/x')).toEqual({ uri: 's3://lake-raw/x', unmappedBucket: 'lake-raw' });
  });
});

describe('BucketMapper properties', () => {
  test('only the bucket of an S3 URI changes; scheme and the rest are kept byte for byte', () => {
    const rulesAndBucket = rules.chain(list => fc.tuple(fc.constant(list), bucketFrom(list)));
    fc.assert(fc.property(rulesAndBucket, scheme, rest, ([list, bucket], s, tail) => {
      const mapped = new BucketMapper(list, TARGET).map(`${s}://${bucket}${tail}`);
      expect(mapped.uri).toBe(`${s}://${expectedTarget(list, bucket) ?? bucket}${tail}`);
    }), { numRuns: 300 });
  });

  test('mapping twice is mapping once when no target bucket is a source bucket', () => {
    const anyText = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.tuple(scheme, bucketNamed('src-'), rest).map(([s, b, r]) => `${s}://${b}${r}`),
    );
    fc.assert(fc.property(rules, fc.array(anyText, { maxLength: 5 }), (list, texts) => {
      const mapper = new BucketMapper(list, TARGET);
      for (const text of texts) {
        const once = mapper.map(text).uri;
        expect(mapper.map(once).uri).toBe(once);
      }
    }));
  });

  test('strings that are not S3 URIs are never changed nor reported, even with s3://bucket inside', () => {
    const notUri = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.tuple(fc.string({ unit: 'grapheme', minLength: 1 }), scheme, bucketNamed('src-'), rest)
        .map(([before, s, b, r]) => `${before}${s}://${b}${r}`),
    ).filter(text => !/^(s3|s3a|s3n):\/\/[^/?#]/.test(text));
    fc.assert(fc.property(rules, notUri, (list, text) => {
      expect(new BucketMapper(list, TARGET).map(text)).toEqual({ uri: text });
    }));
  });

  test('a rule for the target Region wins over a rule for all Regions, whatever the order', () => {
    fc.assert(fc.property(
      bucketNamed('src-'), bucketNamed('dst-global-'), bucketNamed('dst-regional-'), bucketNamed('dst-other-'), fc.boolean(), scheme, rest,
      (source, global, regional, other, regionalFirst, s, tail) => {
        const globalRule: BucketMapping = { sourceBucket: source, targetBucket: global };
        const regionalRule: BucketMapping = { sourceBucket: source, targetBucket: regional, targetRegion: TARGET };
        const otherRule: BucketMapping = { sourceBucket: source, targetBucket: other, targetRegion: OTHER };
        const list = regionalFirst ? [regionalRule, otherRule, globalRule] : [globalRule, otherRule, regionalRule];
        expect(new BucketMapper(list, TARGET).map(`${s}://${source}${tail}`).uri).toBe(`${s}://${regional}${tail}`);
        expect(new BucketMapper(list, OTHER).map(`${s}://${source}${tail}`).uri).toBe(`${s}://${other}${tail}`);
        expect(new BucketMapper(list, 'ap-south-1').map(`${s}://${source}${tail}`).uri).toBe(`${s}://${global}${tail}`);
      },
    ));
  });

  test('unmappedBucket names exactly the buckets that are neither mapped nor a mapping target', () => {
    fc.assert(fc.property(rules, scheme, rest, fc.nat(), (list, s, tail, seed) => {
      const mapper = new BucketMapper(list, TARGET);
      const effectiveTargets = new Set(
        [...new Set(list.map(r => r.sourceBucket))].map(b => expectedTarget(list, b)).filter((b): b is string => b !== undefined),
      );
      const candidates = [...list.flatMap(r => [r.sourceBucket, r.targetBucket]), `other-${seed}`];
      for (const bucket of candidates) {
        const result = mapper.map(`${s}://${bucket}${tail}`);
        const mapped = expectedTarget(list, bucket) !== undefined;
        const isTarget = effectiveTargets.has(bucket);
        expect(result.unmappedBucket).toBe(mapped || isTarget ? undefined : bucket);
      }
    }));
  });
});
