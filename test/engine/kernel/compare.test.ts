import fc from 'fast-check';
import { canonical, changedFields, fieldPrints, fingerprint } from '../../../src/engine/kernel/compare';

describe('canonical', () => {
  test('sorts keys at every level', () => {
    expect(JSON.stringify(canonical({ b: 1, a: { d: 2, c: 3 } }))).toBe('{"a":{"c":3,"d":2},"b":1}');
  });

  test('turns Dates into ISO strings', () => {
    expect(canonical({ t: new Date('2024-01-01T00:00:00Z') })).toEqual({ t: '2024-01-01T00:00:00.000Z' });
  });

  test('absent, null, undefined, empty arrays and empty maps are alike', () => {
    const prints = [{}, { a: null }, { a: undefined }, { a: [] }, { a: {} }, { a: { b: null, c: [] } }].map(fingerprint);
    expect(new Set(prints).size).toBe(1);
  });

  test('false, 0 and "" are values, distinct from absence and from each other', () => {
    const prints = [{}, { a: false }, { a: 0 }, { a: '' }, { a: 'false' }, { a: '0' }].map(fingerprint);
    expect(new Set(prints).size).toBe(6);
  });

  test('array order matters', () => {
    expect(fingerprint({ a: [1, 2] })).not.toBe(fingerprint({ a: [2, 1] }));
    expect(fingerprint({ cols: [{ Name: 'a' }, { Name: 'b' }] })).not.toBe(fingerprint({ cols: [{ Name: 'b' }, { Name: 'a' }] }));
  });

  test('a Date and its ISO string fingerprint the same (JSON snapshots store strings)', () => {
    expect(fingerprint({ t: new Date('2024-01-01T00:00:00Z') })).toBe(fingerprint({ t: '2024-01-01T00:00:00.000Z' }));
  });

  test('key order does not matter (property)', () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), value => {
      const reversed = Object.fromEntries(Object.entries(value).reverse());
      expect(fingerprint(reversed)).toBe(fingerprint(value));
    }));
  });

  test('canonical is idempotent and JSON-stable (property)', () => {
    fc.assert(fc.property(fc.jsonValue(), value => {
      const once = canonical(value);
      expect(canonical(once)).toEqual(once);
      expect(fingerprint(JSON.parse(JSON.stringify(value)))).toBe(fingerprint(value));
    }));
  });

  test('any change of a string value changes the fingerprint (property)', () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.string(), { minKeys: 1 }), fc.string(), (params, extra) => {
      const [key, value] = Object.entries(params)[0];
      fc.pre(value !== value + extra);
      expect(fingerprint({ Parameters: { ...params, [key]: value + extra } })).not.toBe(fingerprint({ Parameters: params }));
    }));
  });
});

describe('fieldPrints and changedFields', () => {
  test('equal objects have no changed fields', () => {
    const a = { Name: 't', Parameters: { x: '1' }, Description: 'd' };
    expect(changedFields(fieldPrints(a), fieldPrints({ Description: 'd', Parameters: { x: '1' }, Name: 't' }))).toEqual([]);
  });

  test('names the top-level fields that differ, sorted', () => {
    const desired = { Name: 't', StorageDescriptor: { Location: 's3://a/' }, Parameters: { x: '1' }, Description: 'd' };
    const actual = { Name: 't', StorageDescriptor: { Location: 's3://b/' }, Parameters: { x: '1' }, Owner: 'o' };
    expect(changedFields(fieldPrints(desired), fieldPrints(actual))).toEqual(['Description', 'Owner', 'StorageDescriptor']);
  });

  test('a field that is empty on one side and absent on the other is not a change', () => {
    expect(changedFields(fieldPrints({ Name: 't', Parameters: {} }), fieldPrints({ Name: 't', PartitionKeys: [] }))).toEqual([]);
  });

  test('fieldPrints has one entry per non-empty field', () => {
    expect(Object.keys(fieldPrints({ b: 1, a: 'x', c: null, d: [], e: false })).sort()).toEqual(['a', 'b', 'e']);
  });
});
