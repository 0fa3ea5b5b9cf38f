import { S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from './clients';

/** An S3 client: path-style addressing on a custom endpoint (an emulator), and redirects to a bucket's own Region. */
export function s3Client(clients: AwsClients, region: string): S3Client {
  return clients.get(S3Client, region, endpoint => ({ forcePathStyle: endpoint !== undefined, followRegionRedirects: true }));
}
