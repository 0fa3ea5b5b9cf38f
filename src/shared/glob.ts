/**
 * Database name patterns: `*` matches any run of characters, `?` one character, `[abc]` / `[a-z]` / `[!abc]` a class.
 * Matching is case-insensitive because Glue lower-cases names.
 */

const ALLOWED = 'patterns are non-empty Glue names that may use * ? and [...] character classes';

/** What is wrong with a pattern (naming `what`, the pattern and what is allowed), or undefined: a pattern it accepts compiles. */
export function globError(what: string, pattern: string): string | undefined {
  const problem = structureProblem(pattern);
  if (problem) return `${what} pattern "${pattern}" ${problem}; ${ALLOWED}`;
  try {
    new RegExp(globSource(pattern), 'i');
  } catch (error) {
    return `${what} pattern "${pattern}" does not compile (${(error as Error).message}); ${ALLOWED}`;
  }
  return undefined;
}

export function compileGlob(pattern: string): RegExp {
  const error = globError('database', pattern);
  if (error) throw new Error(error);
  return new RegExp(globSource(pattern), 'i');
}

function structureProblem(pattern: string): string | undefined {
  if (pattern.trim().length === 0) return 'is empty';
  if (/\s/.test(pattern)) return 'contains white space';
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === ']') return 'has a "]" without "["';
    if (pattern[i] !== '[') continue;
    const end = pattern.indexOf(']', i + 1);
    if (end < 0) return 'has an unclosed "["';
    const body = classBody(pattern.slice(i + 1, end));
    if (body.length === 0) return 'has an empty character class';
    const reversed = reversedRange(body);
    if (reversed) return `has the range "${reversed}", whose first character comes after its last; write it as "${[...reversed].reverse().join('')}"`;
    i = end;
  }
  return undefined;
}

/** A class's characters without its `!` negation. */
function classBody(inside: string): string {
  return inside.startsWith('!') ? inside.slice(1) : inside;
}

/** The first range `x-y` of a class whose `x` comes after `y`, as a regular expression would read the class. */
function reversedRange(body: string): string | undefined {
  for (let k = 0; k < body.length; k++) {
    if (body[k + 1] !== '-' || k + 2 >= body.length) continue;
    if (body.charCodeAt(k) > body.charCodeAt(k + 2)) return body.slice(k, k + 3);
    k += 2;
  }
  return undefined;
}

/** The anchored regular expression of a pattern whose structure is valid. */
function globSource(pattern: string): string {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      source += '.*';
    } else if (c === '?') {
      source += '.';
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      const inside = pattern.slice(i + 1, end);
      source += `[${inside.startsWith('!') ? '^' : ''}${classBody(inside).replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else {
      source += c.replace(/[.+^${}()|\\]/g, '\\$&');
    }
  }
  return `^${source}$`;
}
