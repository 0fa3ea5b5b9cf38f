import { AwsClients } from '../engine/kernel/clients';
import { JOB_SETTINGS_ENV, type JobSettings } from '../shared/job-settings';

/** A handler's context, built from its environment once per execution environment. */
export interface WarmContext {
  readonly settings: JobSettings;
  readonly clients: AwsClients;
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
    const key = [raw, ...this.keyEnv.map(name => env[name]), env.AWS_REGION, env.AWS_ENDPOINT_URL].join('|');
    if (this.warm?.key !== key) {
      this.warm?.context.clients.destroy();
      this.warm = { key, context: this.build(JSON.parse(raw) as JobSettings, new AwsClients(), env) };
    }
    this.warm.context.clients.resetCounts();
    return this.warm.context;
  }
}
