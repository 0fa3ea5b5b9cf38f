/** What of Lake Formation can be replicated: shared by the engine, the CLI and the construct. */

/** The report kinds of the Lake Formation state, in the order they are applied. */
export const LF_KINDS = [
  'dataLakeSettings', 'lfTag', 'lfTagExpression', 'dataLocation', 'dataCellsFilter', 'optIn', 'lfTagAssignment', 'permission',
] as const;
export type LfKind = typeof LF_KINDS[number];

/**
 * The groups a user switches on or off (CLI `--skip`, construct `replicate*` props).
 * LF-tags bring their assignments: one is useless without the other. Skipping expressions
 * also leaves grants on named expressions alone, since they cannot be listed without them.
 */
export const LF_SWITCHES: Readonly<Record<string, readonly LfKind[]>> = {
  'data-lake-settings': ['dataLakeSettings'],
  'data-locations': ['dataLocation'],
  'opt-ins': ['optIn'],
  'lf-tags': ['lfTag', 'lfTagAssignment'],
  'lf-tag-expressions': ['lfTagExpression'],
  'data-cells-filters': ['dataCellsFilter'],
  'permissions': ['permission'],
};

/** `lake-formation` skips every Lake Formation kind at once. */
export const SKIP_ALL_LAKE_FORMATION = 'lake-formation';

/** The kinds left after skipping some switches (`lake-formation` skips them all). */
export function kindsWithout(skipped: readonly string[]): LfKind[] {
  if (skipped.includes(SKIP_ALL_LAKE_FORMATION)) return [];
  const off = new Set(skipped.flatMap(s => LF_SWITCHES[s] ?? []));
  return LF_KINDS.filter(k => !off.has(k));
}
