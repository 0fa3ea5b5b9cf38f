import type { InitializeHandler, InitializeHandlerArguments, HandlerExecutionContext, MiddlewareStack } from '@smithy/types';

export interface AwsClientOptions {
  /** One endpoint for every service, e.g. a local emulator; the public endpoints when absent. */
  readonly endpoint?: string;
  /** Attempts per call, throttling included (default 8); retries are adaptive. */
  readonly maxAttempts?: number;
}

/** What every SDK v3 client has that the cache needs. */
interface SdkClient {
  readonly middlewareStack: unknown;
  destroy(): void;
}

/** An SDK client class, e.g. `GlueClient`. */
export type ClientClass<C extends SdkClient> = new (config: Record<string, unknown>) => C;

/** Settings a service needs beyond the shared ones, given whether a custom endpoint is in use. */
export type ClientConfig = (endpoint: string | undefined) => Record<string, unknown>;

/**
 * Creates each SDK client once per class and Region and counts every logical call by "service:Operation".
 * Retries are counted once, as the call they belong to. The client class is the caller's: a bundle only
 * carries the services its code uses.
 */
export class AwsClients {
  readonly apiCalls: Record<string, number> = {};
  private readonly clients = new Map<unknown, Map<string, SdkClient>>();

  constructor(private readonly options: AwsClientOptions = {}) {}

  get<C extends SdkClient>(type: ClientClass<C>, region: string, config?: ClientConfig): C {
    let byRegion = this.clients.get(type);
    if (!byRegion) this.clients.set(type, byRegion = new Map());
    let client = byRegion.get(region) as C | undefined;
    if (!client) {
      client = new type({
        region,
        endpoint: this.options.endpoint,
        retryMode: 'adaptive',
        maxAttempts: this.options.maxAttempts ?? 8,
        ...config?.(this.options.endpoint),
      });
      this.countCalls(client);
      byRegion.set(region, client);
    }
    return client;
  }

  private countCalls(client: SdkClient): void {
    (client.middlewareStack as MiddlewareStack<object, object>).add(
      (next: InitializeHandler<object, object>, context: HandlerExecutionContext) => async (args: InitializeHandlerArguments<object>) => {
        const service = String((context as { clientName?: string }).clientName ?? 'Unknown').replace(/Client$/, '').toLowerCase();
        const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
        const key = `${service}:${operation}`;
        this.apiCalls[key] = (this.apiCalls[key] ?? 0) + 1;
        return next(args);
      },
      { step: 'initialize', name: 'lakeReplicaCallCounter' },
    );
  }

  /** Starts counting calls afresh, e.g. for the next invocation of a warm Lambda function. */
  resetCounts(): void {
    for (const key of Object.keys(this.apiCalls)) delete this.apiCalls[key];
  }

  destroy(): void {
    for (const byRegion of this.clients.values()) for (const client of byRegion.values()) client.destroy();
    this.clients.clear();
  }
}
