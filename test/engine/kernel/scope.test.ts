import { Scope } from '../../../src/engine/kernel/scope';

describe('Scope', () => {
  test('with no patterns every database is included', () => {
    const scope = new Scope();
    expect(scope.includes('sales')).toBe(true);
    expect(scope.includes('anything_else')).toBe(true);
    expect(scope.toJSON()).toEqual({ databases: ['*'], excludeDatabases: [] });
  });

  test('an empty include list means every database', () => {
    expect(new Scope({ databases: [] }).includes('sales')).toBe(true);
  });

  test('include patterns select databases', () => {
    const scope = new Scope({ databases: ['sales_*', 'hr'] });
    expect(scope.includes('sales_eu')).toBe(true);
    expect(scope.includes('hr')).toBe(true);
    expect(scope.includes('hr_archive')).toBe(false);
    expect(scope.includes('finance')).toBe(false);
  });

  test('exclude patterns win over include patterns', () => {
    const scope = new Scope({ databases: ['sales_*'], excludeDatabases: ['*_tmp', 'sales_[0-9]*'] });
    expect(scope.includes('sales_eu')).toBe(true);
    expect(scope.includes('sales_eu_tmp')).toBe(false);
    expect(scope.includes('sales_2024')).toBe(false);
  });

  test('exclude alone leaves everything else in', () => {
    const scope = new Scope({ excludeDatabases: ['scratch'] });
    expect(scope.includes('scratch')).toBe(false);
    expect(scope.includes('scratch2')).toBe(true);
    expect(scope.toJSON()).toEqual({ databases: ['*'], excludeDatabases: ['scratch'] });
  });

  test('matching is case-insensitive', () => {
    expect(new Scope({ databases: ['Sales'] }).includes('sales')).toBe(true);
    expect(new Scope({ excludeDatabases: ['SALES'] }).includes('sales')).toBe(false);
  });

  test('an invalid pattern is refused when the scope is built', () => {
    expect(() => new Scope({ databases: ['sales_['] })).toThrow(/unclosed/);
    expect(() => new Scope({ excludeDatabases: [''] })).toThrow(/empty/);
  });
});
