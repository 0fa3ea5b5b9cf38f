import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StreamRecord } from '../../../src/engine/realtime/applier';

/**
 * Reads moto's real DynamoDB stream records (the project has no DynamoDB Streams SDK client):
 * the Streams API is plain JSON over HTTP, so each call is one signed-looking POST.
 */
export class StreamReader {
  private iterators?: Map<string, string>;

  constructor(private readonly endpoint: string, private readonly dynamodb: DynamoDBClient, private readonly table: string, private readonly region = 'us-east-1') {}

  /** Records written since the last read (from the start of the stream on the first). */
  async read(): Promise<StreamRecord[]> {
    if (!this.iterators) await this.open();
    const records: StreamRecord[] = [];
    for (const [shard, iterator] of this.iterators!) {
      const page = await this.call('GetRecords', { ShardIterator: iterator }) as { Records: StreamRecord[]; NextShardIterator: string };
      records.push(...page.Records);
      this.iterators!.set(shard, page.NextShardIterator);
    }
    return records;
  }

  /** Only the records that pass the construct's event source filter: INSERT or MODIFY images whose state is PENDING. */
  async readPending(): Promise<StreamRecord[]> {
    return (await this.read()).filter(r => (r.eventName === 'INSERT' || r.eventName === 'MODIFY')
      && (r as { dynamodb?: { NewImage?: Record<string, { S?: string }> } }).dynamodb?.NewImage?.state?.S === 'PENDING');
  }

  private async open() {
    const table = await this.dynamodb.send(new DescribeTableCommand({ TableName: this.table }));
    const arn = table.Table!.LatestStreamArn!;
    const description = await this.call('DescribeStream', { StreamArn: arn }) as { StreamDescription: { Shards: Array<{ ShardId: string }> } };
    this.iterators = new Map();
    for (const { ShardId } of description.StreamDescription.Shards) {
      const it = await this.call('GetShardIterator', { StreamArn: arn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }) as { ShardIterator: string };
      this.iterators.set(ShardId, it.ShardIterator);
    }
  }

  private async call(operation: string, body: object): Promise<unknown> {
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDBStreams_20120810.${operation}`,
        'authorization': `AWS4-HMAC-SHA256 Credential=testing/20240101/${this.region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`DynamoDB Streams ${operation} answered ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text);
  }
}
