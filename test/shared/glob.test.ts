import { compileGlob, globError } from '../../src/shared/glob';

function matches(pattern: string, name: string): boolean {
  return compileGlob(pattern).test(name);
}

describe('compileGlob', () => {
  test.each([
    ['*', 'anything', true],
    ['*', '', true],
    ['sales_*', 'sales_2024', true],
    ['sales_*', 'sales_', true],
    ['sales_*', 'xsales_2024', false],
    ['*_raw', 'orders_raw', true],
    ['*_raw', 'orders_raw_old', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXcYYb', false],
  ])('* : %s against %s is %s', (pattern, name, expected) => {
    expect(matches(pattern, name)).toBe(expected);
  });

  test.each([
    ['db?', 'db1', true],
    ['db?', 'db', false],
    ['db?', 'db12', false],
    ['??', 'ab', true],
    ['??', 'abc', false],
  ])('? : %s against %s is %s', (pattern, name, expected) => {
    expect(matches(pattern, name)).toBe(expected);
  });

  test.each([
    ['db_[abc]', 'db_a', true],
    ['db_[abc]', 'db_c', true],
    ['db_[abc]', 'db_d', false],
    ['db_[abc]', 'db_ab', false],
    ['db_[a-z]', 'db_q', true],
    ['db_[a-z]', 'db_1', false],
    ['db_[0-9][0-9]', 'db_42', true],
    ['db_[0-9][0-9]', 'db_4x', false],
    ['db_[!x]', 'db_y', true],
    ['db_[!x]', 'db_x', false],
    ['db_[!a-c]', 'db_d', true],
    ['db_[!a-c]', 'db_b', false],
    ['db_[!x]', 'db_', false],
  ])('classes: %s against %s is %s', (pattern, name, expected) => {
    expect(matches(pattern, name)).toBe(expected);
  });

  test('a "^" inside a class is a literal character, not a negation', () => {
    expect(matches('[^a]', '^')).toBe(true);
    expect(matches('[^a]', 'a')).toBe(true);
    expect(matches('[^a]', 'b')).toBe(false);
  });

  test('* and ? inside a class are literal', () => {
    expect(matches('a[*?]', 'a*')).toBe(true);
    expect(matches('a[*?]', 'a?')).toBe(true);
    expect(matches('a[*?]', 'ab')).toBe(false);
  });

  test('matching is case-insensitive', () => {
    expect(matches('Sales_*', 'sales_eu')).toBe(true);
    expect(matches('sales_*', 'SALES_EU')).toBe(true);
    expect(matches('db_[A-C]', 'db_b')).toBe(true);
    expect(matches('db_[a-c]', 'DB_B')).toBe(true);
  });

  test.each([
    ['a.b', 'a.b', true],
    ['a.b', 'axb', false],
    ['a+', 'a+', true],
    ['a+', 'aa', false],
    ['f(x)', 'f(x)', true],
    ['f(x)', 'fx', false],
    ['a|b', 'a|b', true],
    ['a|b', 'a', false],
    ['a$b', 'a$b', true],
    ['^a', '^a', true],
    ['^a', 'a', false],
    ['a{2}', 'a{2}', true],
    ['a{2}', 'aa', false],
    ['a\\d', 'a\\d', true],
    ['a\\d', 'a1', false],
  ])('regex metacharacters are literal: %s against %s is %s', (pattern, name, expected) => {
    expect(matches(pattern, name)).toBe(expected);
  });

  test('the whole name must match (anchored)', () => {
    expect(matches('sales', 'sales')).toBe(true);
    expect(matches('sales', 'sales_eu')).toBe(false);
    expect(matches('sales', 'presales')).toBe(false);
  });

  test.each(['', '   ', 'a b', 'db_[abc', 'db]', '[]', '[!]', '[z-a]*', 'db_[!9-0]'])('throws on the invalid pattern %p', pattern => {
    expect(() => compileGlob(pattern)).toThrow(/pattern/);
  });
});

describe('globError', () => {
  test.each(['*', 'sales_*', 'db?', 'db_[abc]', 'db_[a-z]', 'db_[!x]', 'a.b+(c)', '[-_]x', '[a-]', '[a-c-e]', '[Z-a]', '[[a]'])('accepts %p', pattern => {
    expect(globError('--database', pattern)).toBeUndefined();
  });

  test.each(['*', 'sales_*', 'db?', 'db_[abc]', 'db_[a-z]', 'db_[!x]', 'a.b+(c)', '[-_]x', '[a-]', '[a-c-e]', '[Z-a]', '[[a]', 'a\\[b]'])(
    'every pattern it accepts compiles: %p', pattern => {
      expect(globError('--database', pattern)).toBeUndefined();
      expect(() => compileGlob(pattern)).not.toThrow();
    });

  test.each([
    ['[z-a]*', 'z-a', 'a-z'],
    ['db_[!9-0]', '9-0', '0-9'],
    ['x[ab-a]', 'b-a', 'a-b'],
  ])('rejects the reversed range in %p, naming it and its fix', (pattern, range, fix) => {
    expect(globError('databases', pattern)).toBe(`databases pattern "${pattern}" has the range "${range}", whose first character comes after its last; `
      + `write it as "${fix}"; patterns are non-empty Glue names that may use * ? and [...] character classes`);
  });

  test.each([
    ['', /empty/],
    [' ', /empty/],
    ['\t', /empty/],
    ['sales *', /white space/],
    ['sales\t*', /white space/],
    ['db_[abc', /unclosed "\["/],
    ['[', /unclosed "\["/],
    ['db]', /"\]" without "\["/],
    ['[a]]', /"\]" without "\["/],
    ['db_[]', /empty character class/],
    ['db_[!]', /empty character class/],
  ])('rejects %p', (pattern, message) => {
    const error = globError('--database', pattern);
    expect(error).toMatch(message);
  });

  test('the message names the option, the bad value and what is allowed', () => {
    const error = globError('--exclude-database', 'db]');
    expect(error).toContain('--exclude-database');
    expect(error).toContain('"db]"');
    expect(error).toContain('* ? and [...]');
  });
});
