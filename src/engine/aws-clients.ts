import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GlueClient } from '@aws-sdk/client-glue';
import { LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { InitializeHandler, InitializeHandlerArguments, HandlerExecutionContext, MiddlewareStack } from '@smithy/types';

export interface AwsClientOptions {
  /** One endpoint for every service, e.g. a local emulator. Defaults to AWS_ENDPOINT_URL or the public endpoints. */
  readonly endpoint?: string;
  /** Attempts per call, throttling included (default AWS_MAX_ATTEMPTS, else 8); retries are adaptive. */
  readonly maxAttempts?: number;
}

type Client = CloudTrailClient | DynamoDBClient | GlueClient | LakeFormationClient | S3Client | STSClient;
type ClientClass<C extends Client> = new (config: Record<string, unknown>) => C;

/**
 * Creates each SDK client once per Region and counts every logical call by "service:Operation".
 * Retries are counted once, as the call they belong to.
 */
export class AwsClients {
  readonly apiCalls: Record<string, number> = {};
  private readonly clients = new Map<string, Client>();
  private identity?: Promise<{ account: string; arn: string }>;

  constructor(private readonly options: AwsClientOptions = {}) {}

  glue(region: string): GlueClient {
    return this.client('glue', GlueClient, region);
  }

  lakeFormation(region: string): LakeFormationClient {
    return this.client('lakeformation', LakeFormationClient, region);
  }

  s3(region: string): S3Client {
    return this.client('s3', S3Client, region, { forcePathStyle: this.endpoint !== undefined, followRegionRedirects: true });
  }

  sts(region: string): STSClient {
    return this.client('sts', STSClient, region);
  }

  /**
   * Who these clients act as, asked once: the account is the catalog id, and the ARN is the
   * replicator's own identity, which Lake Formation revokes never touch.
   */
  callerIdentity(region: string): Promise<{ account: string; arn: string }> {
    this.identity ??= this.sts(region).send(new GetCallerIdentityCommand({})).then(r => ({ account: r.Account!, arn: r.Arn ?? '' }));
    return this.identity;
  }

  dynamodb(region: string): DynamoDBClient {
    return this.client('dynamodb', DynamoDBClient, region);
  }

  /**
   * One attempt per call: the poller paces LookupEvents itself (2 requests a second per account and
   * Region) and backs off on throttling, so SDK retries would only spend the shared quota twice.
   */
  cloudtrail(region: string): CloudTrailClient {
    return this.client('cloudtrail', CloudTrailClient, region, { maxAttempts: 1 });
  }

  private get endpoint(): string | undefined {
    return this.options.endpoint ?? (process.env.AWS_ENDPOINT_URL || undefined);
  }

  private client<C extends Client>(service: string, type: ClientClass<C>, region: string, extra: Record<string, unknown> = {}): C {
    const key = `${service}@${region}`;
    let client = this.clients.get(key) as C | undefined;
    if (!client) {
      client = new type({
        region,
        endpoint: this.endpoint,
        retryMode: 'adaptive',
        maxAttempts: this.options.maxAttempts ?? (Number(process.env.AWS_MAX_ATTEMPTS) || 8),
        ...extra,
      });
      this.countCalls(client, service);
      this.clients.set(key, client);
    }
    return client;
  }

  private countCalls(client: Client, service: string): void {
    (client.middlewareStack as MiddlewareStack<object, object>).add(
      (next: InitializeHandler<object, object>, context: HandlerExecutionContext) => async (args: InitializeHandlerArguments<object>) => {
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
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
