import { AwsClients } from '../../src/engine/kernel/clients';

type Wrap = (client: unknown) => unknown;
const REAL_GET = AwsClients.prototype.get;
const routes = new Map<unknown, Wrap[]>();

/**
 * Wraps every client of one SDK class that `AwsClients.get` hands out (e.g. to route it to a mock), while
 * other harnesses route other classes: one hook on `get` serves them all. Returns the undo.
 */
export function routeClients(type: unknown, wrap: Wrap): () => void {
  routes.set(type, [...routes.get(type) ?? [], wrap]);
  AwsClients.prototype.get = function (this: AwsClients, ...args: Parameters<AwsClients['get']>) {
    const client = REAL_GET.apply(this, args);
    return (routes.get(args[0]) ?? []).reduce((c, w) => w(c), client as unknown) as typeof client;
  } as AwsClients['get'];
  return () => {
    routes.set(type, (routes.get(type) ?? []).filter(w => w !== wrap));
    if ([...routes.values()].every(list => list.length === 0)) AwsClients.prototype.get = REAL_GET;
  };
}
