import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsClients } from './clients';

/** Who a set of clients acts as: the account is the catalog id; the ARN is the replicator's own identity. */
export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
}

const asked = new WeakMap<AwsClients, Promise<CallerIdentity>>();

/**
 * Asked once per client set (the identity is the same in every Region), and kept in its own module so
 * only the bundles that need STS carry it.
 */
export function callerIdentity(clients: AwsClients, region: string): Promise<CallerIdentity> {
  let identity = asked.get(clients);
  if (!identity) {
    identity = clients.get(STSClient, region).send(new GetCallerIdentityCommand({})).then(r => ({ account: r.Account!, arn: r.Arn ?? '' }));
    asked.set(clients, identity);
  }
  return identity;
}
