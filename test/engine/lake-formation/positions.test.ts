import fc from 'fast-check';
import {
  ACCOUNT_WIDE, comparePositions, positionChunks, positionOf, resourcePosition, type Position,
} from '../../../src/engine/lake-formation/positions';

describe('catalog positions of Lake Formation objects', () => {
  test('a resource sits at its database and table; a database, a table wildcard and account-wide resources have no table', () => {
    expect(resourcePosition({ Database: { Name: 'sales' } })).toEqual(['sales', '']);
    expect(resourcePosition({ Table: { DatabaseName: 'sales', Name: 'orders' } })).toEqual(['sales', 'orders']);
    expect(resourcePosition({ Table: { DatabaseName: 'sales', TableWildcard: {} } })).toEqual(['sales', '']);
    expect(resourcePosition({ TableWithColumns: { DatabaseName: 'sales', Name: 'orders', ColumnNames: ['id'] } })).toEqual(['sales', 'orders']);
    expect(resourcePosition({ DataCellsFilter: { DatabaseName: 'sales', TableName: 'orders', Name: 'eu' } })).toEqual(['sales', 'orders']);
    for (const resource of [{ Catalog: {} }, { DataLocation: { ResourceArn: 'arn:aws:s3:::b' } }, { LFTag: { TagKey: 'k', TagValues: ['v'] } },
      { LFTagPolicy: { ResourceType: 'TABLE' as const, Expression: [] } }, { LFTagExpression: { Name: 'e' } }]) {
      expect(resourcePosition(resource)).toEqual(ACCOUNT_WIDE);
    }
  });

  test('each kind\'s objects: filters by their table, grants, opt-ins and assignments by their resource, the others account-wide', () => {
    expect(positionOf('dataCellsFilter', { TableCatalogId: undefined, DatabaseName: 'sales', TableName: 'orders', Name: 'eu' })).toEqual(['sales', 'orders']);
    const grant = { Principal: { DataLakePrincipalIdentifier: 'p' }, Resource: { Database: { Name: 'hr' } }, Permissions: [], PermissionsWithGrantOption: [] };
    expect(positionOf('permission', grant)).toEqual(['hr', '']);
    expect(positionOf('lfTagAssignment', { Resource: { Table: { DatabaseName: 'hr', Name: 'people' } }, LFTags: [] })).toEqual(['hr', 'people']);
    expect(positionOf('dataLocation', { ResourceArn: 'arn:aws:s3:::b/sales' })).toEqual(ACCOUNT_WIDE);
    expect(positionOf('lfTag', { TagKey: 'k', TagValues: [] })).toEqual(ACCOUNT_WIDE);
  });

  test('account-wide objects come first, then databases and tables in name order', () => {
    const positions: Position[] = [['sales', 'orders'], ACCOUNT_WIDE, ['hr', ''], ['sales', ''], ['hr', 'people']];
    const sorted = [...positions].sort(comparePositions);
    expect(sorted).toEqual([ACCOUNT_WIDE, ['hr', ''], ['hr', 'people'], ['sales', ''], ['sales', 'orders']]);
  });

  test('chunks hold each side apart, reach the size without splitting a position, and start after the cursor', () => {
    const at = (item: string): Position => [item[0], item[1]];
    const chunks = positionChunks([['a1', 'a1', 'b1', 'c1'], ['a1', 'b2', 'c1']], at, 3);
    expect(chunks).toEqual([
      { last: ['a', '1'], sides: [['a1', 'a1'], ['a1']] },
      // b1 and b2 are two objects: the chunk takes c1 on both sides to reach three.
      { last: ['c', '1'], sides: [['b1', 'c1'], ['b2', 'c1']] },
    ]);
    expect(positionChunks([['a1', 'b1', 'c1']], at, 1, ['b', '1'])).toEqual([{ last: ['c', '1'], sides: [['c1']] }]);
    expect(positionChunks([[], []], at, 5)).toEqual([]);
  });

  test('property: the chunks, read in order, hold every object after the cursor exactly once, grouped by position in order', () => {
    const position = fc.tuple(fc.constantFrom('', 'a', 'b', 'c'), fc.constantFrom('', 'x', 'y'));
    const item = fc.record({ at: position, id: fc.nat() });
    const sidesOfItems = fc.array(fc.array(item), { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(sidesOfItems, fc.integer({ min: 1, max: 6 }), fc.option(position, { nil: undefined }), (sides, size, after) => {
      const chunks = positionChunks(sides, i => i.at, size, after);
      const wanted = (items: typeof sides[number]) => items.filter(i => !after || comparePositions(i.at, after) > 0);
      for (const [s, items] of sides.entries()) {
        const got = chunks.flatMap(c => c.sides[s]);
        expect(got.map(i => i.id).sort()).toEqual(wanted(items).map(i => i.id).sort());
        for (let k = 1; k < got.length; k++) expect(comparePositions(got[k - 1].at, got[k].at)).toBeLessThanOrEqual(0);
      }
      chunks.forEach((chunk, k) => {
        const all = chunk.sides.flat();
        if (k < chunks.length - 1) expect(all.length).toBeGreaterThanOrEqual(size);
        for (const i of all) expect(comparePositions(i.at, chunk.last)).toBeLessThanOrEqual(0);
        if (k > 0) for (const i of all) expect(comparePositions(i.at, chunks[k - 1].last)).toBeGreaterThan(0);
      });
    }));
  });
});
