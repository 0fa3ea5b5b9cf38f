import type { Context } from 'aws-lambda';
import { AwsClients, type AwsClientOptions } from '../engine/kernel/clients';
import { decodeJobSettings, JOB_SETTINGS_ENV, type JobSettings } from '../shared/job-settings';

/**
 * What the handlers share: their context, built from the function's environment once per execution
 * environment. This is the only place that reads the environment; the engine is handed values.
 */

/** The bit of the Lambda context the handlers use. */
export type InvocationContext = Pick<Context, 'getRemainingTimeInMillis'> & Partial<Pick<Context, 'awsRequestId'>>;

/** A handler's context, built from its environment. */
export interface WarmContext {
  readonly settings: JobSettings;
  readonly clients: AwsClients;
}

/** How the SDK clients reach AWS: an endpoint and attempts from the environment, when set (a local emulator, tests). */
export function clientOptions(env: NodeJS.ProcessEnv): AwsClientOptions {
  return { endpoint: env.AWS_ENDPOINT_URL || undefined, maxAttempts: Number(env.AWS_MAX_ATTEMPTS) || undefined };
}

/**
 * Reuses a handler's context across warm invocations while its configuration is the same, and rebuilds
 * it (closing the old SDK clients) when it changes; API call counts start afresh on every invocation.
 */
export class WarmSlot<C extends WarmContext> {
  private warm?: { key: string; context: C };

  /** @param keyEnv further environment variables whose change rebuilds the context */
  constructor(
    private readonly build: (settings: JobSettings, clients: AwsClients, env: NodeJS.ProcessEnv) => C,
    private readonly keyEnv: readonly string[] = [],
  ) {}

  get(env: NodeJS.ProcessEnv): C {
    const raw = env[JOB_SETTINGS_ENV];
    if (!raw) throw new Error(`${JOB_SETTINGS_ENV} is not set: this function is configured by the MultiRegionLakeReplica construct`);
    const key = [raw, ...this.keyEnv.map(name => env[name]), env.AWS_REGION, env.AWS_ENDPOINT_URL, env.AWS_MAX_ATTEMPTS].join('|');
    if (this.warm?.key !== key) {
      this.warm?.context.clients.destroy();
      this.warm = { key, context: this.build(decodeJobSettings(raw), new AwsClients(clientOptions(env)), env) };
    }
    this.warm.context.clients.resetCounts();
    return this.warm.context;
  }
}

/**
 * One structured JSON log line, with the invocation's request id: Lambda adds it only to console output, and
 * these lines are written raw so the embedded metric lines beside them stay as they are.
 */
export function log(level: 'info' | 'error', message: string, fields: Record<string, unknown>, context?: Partial<Pick<Context, 'awsRequestId'>>): void {
  process.stdout.write(`${JSON.stringify({ level, message, requestId: context?.awsRequestId, ...fields })}\n`);
}
