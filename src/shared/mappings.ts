import { regionError } from './validation';

/** A source name and the name a target uses instead, optionally for one target Region only. */
export interface Mapping {
  readonly targetRegion?: string;
}

/** What tells one kind of mapping (buckets, roles) from another: its CLI option, its names and its checks. */
export interface MappingKind<T extends Mapping> {
  /** The CLI option, e.g. `--bucket-map`. */
  readonly option: string;
  /** What is mapped, e.g. `bucket`. */
  readonly what: string;
  /** The CLI form's placeholders, e.g. `SOURCE_BUCKET` and `TARGET_BUCKET`. */
  readonly placeholders: readonly [string, string];
  readonly make: (source: string, target: string, targetRegion: string | undefined) => T;
  readonly source: (m: T) => string;
  readonly target: (m: T) => string;
  /** The problem with one name, or undefined. */
  readonly nameError: (label: string, name: string) => string | undefined;
}

/** Errors for a list of mappings: invalid names or Regions, and a source mapped twice for one target. */
export function mappingErrors<T extends Mapping>(kind: MappingKind<T>, mappings: readonly T[]): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const m of mappings) {
    for (const error of [
      kind.nameError(`source ${kind.what}`, kind.source(m)),
      kind.nameError(`target ${kind.what}`, kind.target(m)),
      m.targetRegion === undefined ? undefined : regionError(`${kind.what} mapping target Region`, m.targetRegion),
    ]) if (error) errors.push(error);
    const key = `${kind.source(m)}@${m.targetRegion ?? '*'}`;
    if (seen.has(key)) {
      const where = m.targetRegion ? `target Region "${m.targetRegion}"` : 'all target Regions';
      errors.push(`source ${kind.what} "${kind.source(m)}" is mapped twice for ${where}; map each source ${kind.what} once per target`);
    }
    seen.add(key);
  }
  return errors;
}

/** Parses the CLI form `SOURCE=TARGET` or `SOURCE=TARGET@TARGET_REGION`. Throws with a readable message when malformed. */
export function parseMapping<T extends Mapping>(kind: MappingKind<T>, text: string): T {
  const match = /^([^=@\s]+)=([^=@\s]+)(?:@([^=@\s]+))?$/.exec(text);
  if (!match) {
    const [source, target] = kind.placeholders;
    throw new Error(`${kind.option} "${text}" is malformed; expected ${source}=${target} or ${source}=${target}@TARGET_REGION`);
  }
  const rule = kind.make(match[1], match[2], match[3]);
  const errors = mappingErrors(kind, [rule]);
  if (errors.length > 0) throw new Error(`${kind.option} "${text}": ${errors.join('; ')}`);
  return rule;
}
