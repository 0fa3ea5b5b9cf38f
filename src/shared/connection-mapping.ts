import { regionError } from './validation';

/**
 * What a Glue connection is given in one target Region instead of the source's Region-specific settings: the
 * secret it authenticates with and its network placement. A connection that names a secret or network settings in
 * the source is replicated into a target only with a mapping for that target; one that names neither is replicated
 * as it is.
 */
export interface ConnectionMapping {
  /** The connection's name (the same in every Region). */
  readonly connection: string;
  /** The target Region this mapping is for. */
  readonly targetRegion: string;
  /**
   * The Secrets Manager secret ARN the connection uses there (`AuthenticationConfiguration.SecretArn`, and the
   * `SECRET_ID` connection property).
   * @default - the connection must name no secret
   */
  readonly secretArn?: string;
  /**
   * The subnet the connection runs in there (`PhysicalConnectionRequirements.SubnetId`).
   * @default - the connection must name no network settings
   */
  readonly subnetId?: string;
  /**
   * The security groups there (`PhysicalConnectionRequirements.SecurityGroupIdList`).
   * @default - none
   */
  readonly securityGroupIds?: string[];
  /**
   * The Availability Zone of the subnet there (`PhysicalConnectionRequirements.AvailabilityZone`).
   * @default - none
   */
  readonly availabilityZone?: string;
}

const CONNECTION_NAME = /^[\w .:/-]{1,255}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:[\w/+=.@-]+$/;
const SUBNET = /^subnet-[0-9a-f]{8,17}$/;
const SECURITY_GROUP = /^sg-[0-9a-f]{8,17}$/;
const ZONE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}[a-z]$/;

/** Errors for a list of connection mappings: malformed members, a secret of another Region, a connection mapped twice for one target. */
export function connectionMappingErrors(mappings: readonly ConnectionMapping[]): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const m of mappings) {
    const name = `connection mapping "${m.connection}@${m.targetRegion}"`;
    if (!CONNECTION_NAME.test(m.connection)) errors.push(`connection name "${m.connection}" is not a Glue connection name (1-255 characters)`);
    const region = regionError(`${name} target Region`, m.targetRegion);
    if (region) errors.push(region);
    if (m.secretArn !== undefined) {
      const arn = SECRET_ARN.exec(m.secretArn);
      if (!arn) errors.push(`${name}: secret "${m.secretArn}" is not a Secrets Manager secret ARN; expected arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME`);
      else if (arn[1] !== m.targetRegion) errors.push(`${name}: secret "${m.secretArn}" is in ${arn[1]}, not in the target Region ${m.targetRegion}`);
    }
    if (m.subnetId !== undefined && !SUBNET.test(m.subnetId)) errors.push(`${name}: subnet "${m.subnetId}" is not a subnet ID; expected subnet-0123abcd...`);
    for (const sg of m.securityGroupIds ?? []) if (!SECURITY_GROUP.test(sg)) errors.push(`${name}: security group "${sg}" is not a security group ID; expected sg-0123abcd...`);
    if (m.availabilityZone !== undefined && (!ZONE.test(m.availabilityZone) || !m.availabilityZone.startsWith(m.targetRegion))) {
      errors.push(`${name}: Availability Zone "${m.availabilityZone}" is not a zone of ${m.targetRegion}`);
    }
    if (m.secretArn === undefined && m.subnetId === undefined && (m.securityGroupIds ?? []).length === 0 && m.availabilityZone === undefined) {
      errors.push(`${name} maps nothing; give at least one of secret, subnet, sg, az`);
    }
    const key = `${m.connection}@${m.targetRegion}`;
    if (seen.has(key)) errors.push(`connection "${m.connection}" is mapped twice for target Region "${m.targetRegion}"; map each connection once per target`);
    seen.add(key);
  }
  return errors;
}

const USAGE = 'expected NAME@REGION=secret=ARN,subnet=ID,sg=ID1+ID2,az=ZONE (each member optional, at least one)';

/** Parses the CLI form `NAME@REGION=secret=ARN,subnet=ID,sg=ID1+ID2,az=ZONE`. Throws with a readable message when malformed. */
export function parseConnectionMapping(text: string): ConnectionMapping {
  const match = /^([^@=]+)@([^@=]+)=(.+)$/.exec(text);
  if (!match) throw new Error(`--connection-map "${text}" is malformed; ${USAGE}`);
  const members: Record<string, string> = {};
  for (const part of match[3].split(',')) {
    const [key, value, ...rest] = part.split('=');
    if (!['secret', 'subnet', 'sg', 'az'].includes(key) || value === undefined || value === '' || rest.length > 0 || key in members) {
      throw new Error(`--connection-map "${text}": "${part}" is not one of secret=, subnet=, sg=, az= (each once); ${USAGE}`);
    }
    members[key] = value;
  }
  const mapping: ConnectionMapping = {
    connection: match[1],
    targetRegion: match[2],
    ...members.secret !== undefined ? { secretArn: members.secret } : {},
    ...members.subnet !== undefined ? { subnetId: members.subnet } : {},
    ...members.sg !== undefined ? { securityGroupIds: members.sg.split('+') } : {},
    ...members.az !== undefined ? { availabilityZone: members.az } : {},
  };
  const errors = connectionMappingErrors([mapping]);
  if (errors.length > 0) throw new Error(`--connection-map "${text}": ${errors.join('; ')}`);
  return mapping;
}

/** The mapping of each connection in one target Region. */
export class ConnectionMapper {
  private readonly byName = new Map<string, ConnectionMapping>();

  constructor(mappings: readonly ConnectionMapping[], readonly targetRegion: string) {
    for (const m of mappings) if (m.targetRegion === targetRegion) this.byName.set(m.connection, m);
  }

  /** The connection's mapping in this target, if one was given. */
  get(connection: string): ConnectionMapping | undefined {
    return this.byName.get(connection);
  }
}
