import { GetObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { icebergMappingId, rewriteIcebergTable } from '../../../src/engine/iceberg';

/**
 * moto does not enforce IAM, so a replicator role without s3:ListBucket (S3 then answers 403 for a
 * missing key, not 404) or without the bucket's KMS key is mocked here.
 */
function denied(name: string, message: string, status = 403) {
  return new S3ServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: status } });
}

const request = (s3: S3Client) => ({
  metadataLocation: 's3://lake-use1/warehouse/t/metadata/00003-a.metadata.json',
  mapUri: (uri: string) => ({ uri: uri.replace('s3://lake-use1/', 's3://lake-usw2/') }),
  mappingId: icebergMappingId({ 'lake-use1': 'lake-usw2' }),
  s3,
  dryRun: false,
});

describe('Iceberg rewrite errors (mocked S3: moto does not enforce IAM)', () => {
  test('mocked: a 403 for a missing key (no s3:ListBucket) fails the table with the error, rather than waiting', async () => {
    const s3 = new S3Client({ region: 'us-west-2' });
    const mock = mockClient(s3);
    mock.on(HeadObjectCommand).rejects(denied('AccessDenied', 'Access Denied'));
    const result = await rewriteIcebergTable(request(s3));
    expect(result).toMatchObject({
      status: 'failed',
      filesWritten: 0,
      reason: 'HeadObject s3://lake-usw2/_lake-replica/iceberg/1b2da6034f0457e7/lake-use1/warehouse/t/metadata/00003-a.metadata.json: AccessDenied: Access Denied',
    });
    expect(result.metadataLocation).toBeUndefined();
  });

  test('mocked: a replicated copy the role cannot decrypt (KMS) fails the table naming the key error', async () => {
    const s3 = new S3Client({ region: 'us-west-2' });
    const mock = mockClient(s3);
    mock.on(HeadObjectCommand).rejects(denied('NotFound', 'Not Found', 404));
    mock.on(GetObjectCommand).rejects(denied('KMS.AccessDeniedException', 'User is not authorized to perform kms:Decrypt', 400));
    const result = await rewriteIcebergTable(request(s3));
    expect(result.status).toBe('failed');
    expect(result.reason).toBe('GetObject s3://lake-usw2/warehouse/t/metadata/00003-a.metadata.json: KMS.AccessDeniedException: User is not authorized to perform kms:Decrypt');
    expect(result.apiCalls).toEqual({ 's3:HeadObject': 1, 's3:GetObject': 1 });
  });
});
