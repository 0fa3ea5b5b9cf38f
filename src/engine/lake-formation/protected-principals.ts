import { AwsClients } from '../kernel/clients';
import { callerIdentity } from '../kernel/identity';

/**
 * Principals whose permissions and opt-ins are never revoked, even with prune: the replicator's own
 * identity, the target's data lake admins, and any the user lists.
 */
export interface ProtectedPrincipals {
  readonly principals: ReadonlySet<string>;
  /** Role names the replicator runs as: its role ARN may carry a path that the session ARN hides. */
  readonly roleNames: ReadonlySet<string>;
}

export function protectedSet(principals: Iterable<string>, roleNames: Iterable<string> = []): ProtectedPrincipals {
  return { principals: new Set(principals), roleNames: new Set(roleNames) };
}

export function withPrincipals(p: ProtectedPrincipals, more: Iterable<string>): ProtectedPrincipals {
  return { principals: new Set([...p.principals, ...more]), roleNames: p.roleNames };
}

export function isProtected(p: ProtectedPrincipals, principal: string): boolean {
  if (p.principals.has(principal)) return true;
  const role = /^arn:[^:]+:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/.exec(principal)?.[1];
  return role !== undefined && p.roleNames.has(role);
}

/** The caller's own identity: an assumed-role session protects its role. */
export async function replicatorIdentity(clients: AwsClients, region: string): Promise<{ arn: string; roleName?: string }> {
  const { arn } = await callerIdentity(clients, region);
  return { arn, roleName: /:assumed-role\/([^/]+)\//.exec(arn)?.[1] };
}

/** The principals a run protects: those listed, and the identity it runs as. */
export async function guardedPrincipals(clients: AwsClients, region: string, listed: readonly string[]): Promise<ProtectedPrincipals> {
  const me = await replicatorIdentity(clients, region);
  return protectedSet([...listed, me.arn], me.roleName ? [me.roleName] : []);
}
