import { createHash } from 'node:crypto';
import { types } from 'node:util';

/**
 * Canonical JSON for comparison only (never for writing): keys sorted, Dates as ISO strings,
 * and absent, null, empty-list and empty-map values treated alike, because Glue echoes
 * some of them back as empty and some not at all.
 */
export function canonical(value: unknown): unknown {
  // types.isDate also recognises Dates made in another realm (structuredClone under a test VM).
  if (types.isDate(value)) return (value as Date).toISOString();
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    // No prototype: a user's parameter key "__proto__" is data like any other.
    const out: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(value).sort()) {
      const v = canonical((value as Record<string, unknown>)[key]);
      if (!isEmpty(v)) out[key] = v;
    }
    return out;
  }
  return value;
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

export function fieldPrints(value: object): FieldPrints {
  const c = canonical(value) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const key of Object.keys(c)) out[key] = hash(c[key]);
  return out;
}

/** The top-level fields whose values differ, sorted; empty when equal. */
export function changedFields(desired: FieldPrints, actual: FieldPrints): string[] {
  const keys = new Set([...Object.keys(desired), ...Object.keys(actual)]);
  return [...keys].filter(k => desired[k] !== actual[k]).sort();
}
