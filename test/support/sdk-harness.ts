import { GetCatalogCommand, GlueClient } from '@aws-sdk/client-glue';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { FinalizeHandler, FinalizeHandlerArguments, HandlerExecutionContext, MetadataBearer } from '@smithy/types';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { routeClients } from './client-routes';
import { convergeGlue } from '../../src/engine/glue/converge';
import { LiveCatalogSource } from '../../src/engine/glue/source';
import { AwsClients } from '../../src/engine/kernel/clients';
import type { Report } from '../../src/engine/kernel/report';
import { Scope } from '../../src/engine/kernel/scope';

/**
 * aws-sdk-client-mock stubs `Client#send()` whole, so on its own the SDK middleware never runs:
 * the engine's call counter (`report.apiCalls`) would stay empty and adaptive retry would never
 * retry a throttled call. This harness keeps the stubs as the only "service", but puts them where
 * the HTTP call would be: every client that `AwsClients` creates runs its real middleware stack
 * (serialization, call counter, retry) and, instead of signing and sending a request, hands the
 * command to the aws-sdk-client-mock stub. Each attempt, retries included, is one stub call.
 */

export const ACCOUNT = '123456789012';
export const SOURCE_REGION = 'us-east-1';
export const TARGET_REGION = 'us-west-2';

const SMITHY_CONTEXT_KEY = '__smithy_context';
const TERMINAL = 'awsSdkClientMockTerminal';

type SdkClient = GlueClient | STSClient;
type Send = (this: SdkClient, command: unknown) => Promise<unknown>;

/** smithy's Client.prototype.send: GlueClient and STSClient inherit it; mockClient stubs the subclass prototypes. */
const realSend = (Object.getPrototypeOf(GlueClient.prototype) as { send: Send }).send;

/** False after restore(): a call still in flight then must fail here rather than reach the network. */
let active = false;

function routeThroughMiddleware<C extends SdkClient>(client: C, stubbedSend: () => Send): C {
  if (Object.prototype.hasOwnProperty.call(client, 'send')) return client;
  const terminal = (_next: FinalizeHandler<object, MetadataBearer>, context: HandlerExecutionContext) =>
    async (_args: FinalizeHandlerArguments<object>) => {
      if (!active) throw new Error(`${context.commandName} sent after the mocks were restored: the engine returned with work in flight`);
      const command = (context as Record<string, { commandInstance?: { input: unknown } }>)[SMITHY_CONTEXT_KEY]?.commandInstance;
      // The stub records the command as it was sent: SDK paginators reuse one input object for every page.
      const sentCommand = command
        && Object.assign(Object.create(Object.getPrototypeOf(command) as object) as object, command, { input: structuredClone(command.input) });
      const result = (await stubbedSend().call(client, sentCommand) ?? {}) as Partial<MetadataBearer>;
      return {
        output: { ...result, $metadata: { httpStatusCode: 200, requestId: 'mocked', attempts: 1, totalRetryDelay: 0, ...result.$metadata } },
        response: { statusCode: 200, headers: {} },
      };
    };
  // After retry (so retries happen), before signing (so nothing is signed or sent).
  client.middlewareStack.addRelativeTo(terminal as never, { name: TERMINAL, relation: 'before', toMiddleware: 'httpSigningMiddleware' });
  Object.defineProperty(client, 'send', { value: realSend, configurable: true, writable: true });
  return client;
}

export interface MockedAws {
  readonly glue: AwsClientStub<GlueClient>;
  readonly sts: AwsClientStub<STSClient>;
  /** Restores the SDK clients, AwsClients and the environment. */
  restore(): void;
}

/** Mocks Glue and STS for every `AwsClients` created until `restore()`; STS answers as ACCOUNT. */
export function mockAws(): MockedAws {
  active = true;
  const glue = mockClient(GlueClient);
  const sts = mockClient(STSClient);
  // The account's default catalog, not promoted: the promoted-Region guard of every writing run reads it.
  glue.on(GetCatalogCommand).resolves({ Catalog: { CatalogId: ACCOUNT, Name: ACCOUNT } });
  sts.on(GetCallerIdentityCommand).resolves({
    Account: ACCOUNT,
    Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/LakeReplicaRole/lake-replica`,
    UserId: 'AROAEXAMPLEID:lake-replica',
  });

  // Identity is resolved before the terminal: static keys keep the default chain away from files and IMDS.
  const env: Record<string, string | undefined> = {
    AWS_ACCESS_KEY_ID: 'AKIAMOCKED',
    AWS_SECRET_ACCESS_KEY: 'mocked',
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_ENDPOINT_URL: undefined,
  };
  const saved = Object.fromEntries(Object.keys(env).map(k => [k, process.env[k]]));
  setEnv(env);

  const unrouteGlue = routeClients(GlueClient, c => routeThroughMiddleware(c as GlueClient, () => GlueClient.prototype.send as unknown as Send));
  const unrouteSts = routeClients(STSClient, c => routeThroughMiddleware(c as STSClient, () => STSClient.prototype.send as unknown as Send));

  return {
    glue,
    sts,
    restore() {
      active = false;
      unrouteGlue();
      unrouteSts();
      glue.restore();
      sts.restore();
      setEnv(saved);
    },
  };
}

function setEnv(values: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

/** The Region of the client a stubbed call was sent with. */
export async function regionOf(client: { config: { region: unknown } }): Promise<string> {
  const region = client.config.region;
  return typeof region === 'function' ? String(await (region as () => Promise<string>)()) : String(region);
}

/** One stub call: the command's input, the Region of the client that sent it and what the stub answered. */
export interface SentCall<I> {
  readonly input: I;
  readonly region: string;
  /** What the stub answered (rejects if it threw). */
  output(): Promise<unknown>;
}

interface Spied { args: unknown[]; thisValue: unknown; returnValue: unknown }

/** The calls of one command the stub received, in order, with their Regions. */
export async function sent<I extends object>(
  stub: { commandCalls(command: never): unknown[] },
  command: new (input: I) => { input: I },
): Promise<SentCall<I>[]> {
  const calls = stub.commandCalls(command as never) as Spied[];
  return Promise.all(calls.map(async (call) => ({
    input: (call.args[0] as { input: I }).input,
    region: await regionOf(call.thisValue as { config: { region: unknown } }),
    output: async () => call.returnValue,
  })));
}

export interface SyncOptions {
  readonly prune?: boolean;
  readonly mode?: 'sync' | 'plan' | 'verify';
  readonly maxAttempts?: number;
  readonly targets?: string[];
}

/** One convergeGlue() run from SOURCE_REGION to the targets (default TARGET_REGION), with fresh clients as a new process would have. */
export function sync(options: SyncOptions = {}): Promise<Report> {
  const clients = new AwsClients({ maxAttempts: options.maxAttempts ?? 1 });
  const scope = new Scope();
  return convergeGlue({
    mode: options.mode ?? 'sync',
    source: new LiveCatalogSource(clients, SOURCE_REGION, scope),
    targetRegions: options.targets ?? [TARGET_REGION],
    scope,
    prune: options.prune ?? false,
    clients,
  }).finally(() => clients.destroy());
}
