import { mappingErrors, parseMapping, type MappingKind } from './mappings';

/**
 * An IAM role the source Region's catalog names and the role the replica names instead.
 *
 * IAM is global, so a role works in every Region as it is; map a role only where the DR Region uses a
 * Region-specific one (for example a Glue service role with the Region in its name). Roles with no
 * mapping are kept as they are.
 */
export interface RoleMapping {
  /** The role ARN named in the source Region (an optimizer's, a statistics task's, ...). */
  readonly sourceRole: string;
  /** The role ARN the replica names. */
  readonly targetRole: string;
  /**
   * Apply this mapping only in this target Region.
   * @default - every target Region
   */
  readonly targetRegion?: string;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export const ROLE_MAPPINGS: MappingKind<RoleMapping> = {
  option: '--role-map',
  what: 'role',
  placeholders: ['SOURCE_ROLE_ARN', 'TARGET_ROLE_ARN'],
  make: (sourceRole, targetRole, targetRegion) => ({ sourceRole, targetRole, targetRegion }),
  source: m => m.sourceRole,
  target: m => m.targetRole,
  nameError: (label, arn) => ROLE_ARN.test(arn) ? undefined : `${label} "${arn}" is not an IAM role ARN; expected arn:aws:iam::ACCOUNT:role/NAME`,
};

/** Errors for a list of mappings: malformed role ARNs or Regions, and a source role mapped twice for one target. */
export function roleMappingErrors(mappings: readonly RoleMapping[]): string[] {
  return mappingErrors(ROLE_MAPPINGS, mappings);
}

/** Parses the CLI form `SOURCE_ROLE_ARN=TARGET_ROLE_ARN` or `...@REGION`. Throws with a readable message when malformed. */
export function parseRoleMapping(text: string): RoleMapping {
  return parseMapping(ROLE_MAPPINGS, text);
}

/** The role each source role becomes in one target Region. */
export class RoleMapper {
  private readonly byRole = new Map<string, string>();

  constructor(mappings: readonly RoleMapping[], readonly targetRegion: string) {
    // A Region-specific mapping wins over a mapping for every Region.
    for (const m of mappings) if (m.targetRegion === undefined) this.byRole.set(m.sourceRole, m.targetRole);
    for (const m of mappings) if (m.targetRegion === targetRegion) this.byRole.set(m.sourceRole, m.targetRole);
  }

  /** The replica's role: the mapped one, or the source's own (IAM is global). */
  map(roleArn: string): string {
    return this.byRole.get(roleArn) ?? roleArn;
  }
}
