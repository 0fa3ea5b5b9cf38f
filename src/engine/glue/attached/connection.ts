import { CreateConnectionCommand, DeleteConnectionCommand, GetConnectionCommand, UpdateConnectionCommand } from '@aws-sdk/client-glue';
import type { AuthenticationConfigurationInput, Connection, ConnectionInput, GlueClient, OAuth2PropertiesInput } from '@aws-sdk/client-glue';
import { catalog } from './catalog';
import type { AttachedKindModule, AttachedRead } from './kind';
import { errorMessage, isAlreadyExists, notFoundAsUndefined } from '../../kernel/errors';
import type { EntryError } from '../entry-error';
import { keep, type FieldRules } from '../shapes';

/** The write shape. The two validations are instructions of one call, not state. */
const CONNECTION_FIELDS: FieldRules<ConnectionInput> = {
  Name: true,
  Description: true,
  ConnectionType: true,
  MatchCriteria: true,
  ConnectionProperties: true,
  SparkProperties: true,
  AthenaProperties: true,
  PythonProperties: true,
  PhysicalConnectionRequirements: true,
  AuthenticationConfiguration: true,
  ValidateCredentials: false,
  ValidateForComputeEnvironments: false,
};
/** Credentials are input-only (never read back): a connection is replicated with its secret's ARN, never a credential. */
const AUTHENTICATION_FIELDS: FieldRules<AuthenticationConfigurationInput> = {
  AuthenticationType: true,
  SecretArn: true,
  KmsKeyArn: true,
  OAuth2Properties: true,
  BasicAuthenticationCredentials: false,
  CustomAuthenticationCredentials: false,
};
const OAUTH2_FIELDS: FieldRules<OAuth2PropertiesInput> = {
  OAuth2GrantType: true,
  OAuth2ClientApplication: true,
  TokenUrl: true,
  TokenUrlParametersMap: true,
  AuthorizationCodeProperties: false,
  OAuth2Credentials: false,
};

/** A connection's write shape from what GetConnection answers. */
export function connectionInput(c: Connection): ConnectionInput {
  const input = keep<ConnectionInput>(c, CONNECTION_FIELDS);
  if (c.AuthenticationConfiguration) {
    const auth = keep<AuthenticationConfigurationInput>(c.AuthenticationConfiguration, AUTHENTICATION_FIELDS);
    if (c.AuthenticationConfiguration.OAuth2Properties) auth.OAuth2Properties = keep(c.AuthenticationConfiguration.OAuth2Properties, OAUTH2_FIELDS);
    input.AuthenticationConfiguration = auth;
  }
  return input;
}

/** The names of the connections the catalogs of one Region name (those a connection kind replicates). */
async function namedConnections(glue: GlueClient): Promise<string[]> {
  const names = new Set<string>();
  for (const { item } of await catalog.read(glue, { database: '' })) {
    const name = item.CatalogInput.FederatedCatalog?.ConnectionName;
    // `aws:...` names a service's own connection (aws:s3tables, aws:redshift), which no account holds.
    if (name && !name.startsWith('aws:') && catalog.excluded!(item) === undefined) names.add(name);
  }
  return [...names].sort();
}

/** What in a connection is Region-specific: its secret, and its network placement. */
function regionSpecific(c: ConnectionInput): { secret?: string; subnet?: string; groups: string[]; zone?: string } {
  const network = c.PhysicalConnectionRequirements;
  return {
    secret: c.AuthenticationConfiguration?.SecretArn ?? c.ConnectionProperties?.SECRET_ID,
    subnet: network?.SubnetId,
    groups: network?.SecurityGroupIdList ?? [],
    zone: network?.AvailabilityZone,
  };
}

/**
 * The Glue connections that replicated catalogs name (a federated catalog reaches its remote catalog through one).
 * Its secret and network settings are Region-specific: a connection that names them is replicated only with a
 * connection mapping for the target (`connectionMappings`, `--connection-map`), else it is a failure there that names
 * what is missing, and a federated catalog that names it cannot work in that Region. One without them is replicated
 * as it is.
 */
export const connection: AttachedKindModule<ConnectionInput> = {
  async read(glue) {
    const out: Array<AttachedRead<ConnectionInput>> = [];
    for (const Name of await namedConnections(glue)) {
      const found = await notFoundAsUndefined(glue.send(new GetConnectionCommand({ Name, HidePassword: true })));
      if (found?.Connection) out.push({ item: connectionInput(found.Connection) });
    }
    return out;
  },

  key: c => c.Name!,

  needs(c, ctx) {
    const own = regionSpecific(c);
    const mapping = ctx.connections?.get(c.Name!);
    const missing = [
      own.secret !== undefined && mapping?.secretArn === undefined ? `its secret (${own.secret}): secret=ARN` : undefined,
      own.subnet !== undefined && mapping?.subnetId === undefined ? `its subnet (${own.subnet}): subnet=ID` : undefined,
      own.groups.length > 0 && (mapping?.securityGroupIds ?? []).length === 0 ? `its security groups (${own.groups.join(', ')}): sg=ID1+ID2` : undefined,
      own.zone !== undefined && mapping?.availabilityZone === undefined ? `its Availability Zone (${own.zone}): az=ZONE` : undefined,
    ].filter((m): m is string => m !== undefined);
    if (missing.length === 0) return undefined;
    return `needs a connection mapping for ${ctx.targetRegion}: ${missing.join('; ')} are Region-specific. `
      + `Give --connection-map ${c.Name}@${ctx.targetRegion}=... (construct: connectionMappings); until then the connection, and a `
      + 'federated catalog that names it, cannot work there';
  },

  replica(c, ctx) {
    const out = structuredClone(c);
    const mapping = ctx.connections?.get(c.Name!);
    if (!mapping) return out;
    if (mapping.secretArn !== undefined) {
      if (out.AuthenticationConfiguration?.SecretArn !== undefined) out.AuthenticationConfiguration.SecretArn = mapping.secretArn;
      if (out.ConnectionProperties?.SECRET_ID !== undefined) out.ConnectionProperties.SECRET_ID = mapping.secretArn;
    }
    const network = out.PhysicalConnectionRequirements;
    if (network) {
      if (mapping.subnetId !== undefined && network.SubnetId !== undefined) network.SubnetId = mapping.subnetId;
      const groups = mapping.securityGroupIds;
      if (groups !== undefined && network.SecurityGroupIdList !== undefined) network.SecurityGroupIdList = [...groups];
      if (mapping.availabilityZone !== undefined && network.AvailabilityZone !== undefined) network.AvailabilityZone = mapping.availabilityZone;
    }
    return out;
  },

  async write(glue, _owner, outcome, connections) {
    const errors: Array<EntryError<string>> = [];
    for (const c of connections) {
      try {
        if (outcome === 'created') await create(glue, c);
        else if (outcome === 'updated') await glue.send(new UpdateConnectionCommand({ Name: c.Name, ConnectionInput: c }));
        else await glue.send(new DeleteConnectionCommand({ ConnectionName: c.Name }));
      } catch (error) {
        errors.push({ key: c.Name!, error: errorMessage(error), code: (error as { name?: string }).name });
      }
    }
    return errors;
  },
};

/**
 * Creates a connection. One already there that no catalog of the target names yet (the target's read sees only those
 * named) is made like the source's: the source's catalog is about to name it.
 */
async function create(glue: GlueClient, c: ConnectionInput): Promise<void> {
  try {
    await glue.send(new CreateConnectionCommand({ ConnectionInput: c }));
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    await glue.send(new UpdateConnectionCommand({ Name: c.Name, ConnectionInput: c }));
  }
}
