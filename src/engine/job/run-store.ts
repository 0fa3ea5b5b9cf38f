import { GetObjectCommand, paginateListObjectsV2, PutObjectCommand } from '@aws-sdk/client-s3';
import { AwsClients } from '../kernel/clients';
import { s3Client } from '../kernel/s3';

/**
 * Where a run keeps its state in the snapshot bucket:
 *   runs/<runId>/manifest.json                       what the run covers
 *   runs/<runId>/items.json                          the work items the distributed map reads
 *   runs/<runId>/reports/<target>/<db>/<seq>.json    one report per invocation; the last says done
 *   runs/<runId>/snapshot/<db>/<seq>.jsonl.gz        snapshot parts (and _lake-formation*, _catalog beside them)
 *   runs/<runId>/snapshot/manifest.json              the run's snapshot (restore reads this)
 *   runs/<runId>/report.json                         the run's report
 *   latest/report.json, latest/snapshot.json         the newest run's report and a pointer to its snapshot
 */
export class RunStore {
  static runPrefix(runId: string): string {
    return `runs/${runId}/`;
  }

  /** Database names can hold characters S3 keys should not; keys always encode them. */
  static itemPath(target: string, database: string): string {
    return `${encodeURIComponent(target)}/${encodeURIComponent(database)}`;
  }

  constructor(private readonly clients: AwsClients, readonly region: string, readonly bucket: string) {}

  async putJson(key: string, value: unknown): Promise<void> {
    await s3Client(this.clients, this.region).send(new PutObjectCommand({
      Bucket: this.bucket, Key: key, Body: JSON.stringify(value), ContentType: 'application/json',
    }));
  }

  async getJson<T>(key: string): Promise<T> {
    const object = await s3Client(this.clients, this.region).send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return JSON.parse(await object.Body!.transformToString('utf-8')) as T;
  }

  async* keys(prefix: string): AsyncIterable<string> {
    for await (const page of paginateListObjectsV2({ client: s3Client(this.clients, this.region) }, { Bucket: this.bucket, Prefix: prefix })) {
      for (const object of page.Contents ?? []) if (object.Key) yield object.Key;
    }
  }
}
