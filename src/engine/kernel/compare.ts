import { createHash } from 'node:crypto';
import { types } from 'node:util';

/**
 * Which arrays compare as sets, by the name of the field that holds them: `true` sorts strings,
 * a member's name orders objects by that member. Arrays in other fields keep their order.
 */
export type SetFields = Readonly<Record<string, true | string>>;

const NO_SETS: SetFields = {};

/**
 * Canonical JSON for comparison only (never for writing): keys sorted, Dates as ISO strings,
 * set-valued fields in order, and absent, null, empty-list and empty-map values treated alike,
 * because Glue echoes some of them back as empty and some not at all.
 */
export function canonical(value: unknown, sets: SetFields = NO_SETS): unknown {
  return canonicalIn(value, sets, undefined);
}

/** The canonical form as one string: the comparison and identity key of a value. */
export function canonicalKey(value: unknown, sets?: SetFields): string {
  return JSON.stringify(canonical(value, sets));
}

function canonicalIn(value: unknown, sets: SetFields, order: true | string | undefined): unknown {
  // types.isDate also recognises Dates made in another realm (structuredClone under a test VM).
  if (types.isDate(value)) return (value as Date).toISOString();
  if (Array.isArray(value)) {
    const items = value.map(v => canonicalIn(v, sets, undefined));
    if (order === true) return items.sort();
    if (order !== undefined) return items.sort((a, b) => memberOf(a, order).localeCompare(memberOf(b, order)));
    return items;
  }
  if (value !== null && typeof value === 'object') {
    // No prototype: a user's parameter key "__proto__" is data like any other.
    const out: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(value).sort()) {
      const v = canonicalIn((value as Record<string, unknown>)[key], sets, Object.hasOwn(sets, key) ? sets[key] : undefined);
      if (!isEmpty(v)) out[key] = v;
    }
    return out;
  }
  return value;
}

function memberOf(item: unknown, member: string): string {
  const value = (item as Record<string, unknown> | null)?.[member];
  return typeof value === 'string' ? value : '';
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value as object).length === 0;
}

function hash(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('base64');
}

/** One short hash for the whole object: how partitions are compared without holding them. */
export function fingerprint(value: unknown): string {
  return hash(canonical(value));
}

/** A hash per top-level field: small to hold, and names the fields that differ. */
export type FieldPrints = Readonly<Record<string, string>>;

export function fieldPrints(value: object, sets?: SetFields): FieldPrints {
  const c = canonical(value, sets) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const key of Object.keys(c)) out[key] = hash(c[key]);
  return out;
}

/** The top-level fields whose values differ, sorted; empty when equal. */
export function changedFields(desired: FieldPrints, actual: FieldPrints): string[] {
  const keys = new Set([...Object.keys(desired), ...Object.keys(actual)]);
  return [...keys].filter(k => desired[k] !== actual[k]).sort();
}
