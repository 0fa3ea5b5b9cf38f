/**
 * Database name patterns: `*` matches any run of characters, `?` one character, `[abc]` / `[a-z]` / `[!abc]` a class.
 * Matching is case-insensitive because Glue lower-cases names.
 */

export function globError(what: string, pattern: string): string | undefined {
  const allowed = 'patterns are non-empty Glue names that may use * ? and [...] character classes';
  if (pattern.trim().length === 0) return `${what} pattern "${pattern}" is empty; ${allowed}`;
  if (/\s/.test(pattern)) return `${what} pattern "${pattern}" contains white space; ${allowed}`;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '[' && !inClass) {
      if (pattern[i + 1] === ']' || pattern.startsWith('!]', i + 1)) return `${what} pattern "${pattern}" has an empty character class; ${allowed}`;
      inClass = true;
    } else if (c === ']' && inClass) {inClass = false;} else if (c === ']' && !inClass) {return `${what} pattern "${pattern}" has a "]" without "["; ${allowed}`;}
  }
  if (inClass) return `${what} pattern "${pattern}" has an unclosed "["; ${allowed}`;
  return undefined;
}

export function compileGlob(pattern: string): RegExp {
  const error = globError('database', pattern);
  if (error) throw new Error(error);
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {source += '.*';} else if (c === '?') {source += '.';} else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      source += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else {source += c.replace(/[.+^${}()|\\]/g, '\\$&');}
  }
  return new RegExp(`^${source}$`, 'i');
}
