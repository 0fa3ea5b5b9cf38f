import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { TEST_CREDENTIALS, useMoto } from './moto';

/**
 * The test server's S3 conditional writes (test/support/moto-server/s3_conditional_writes.py): racing
 * `If-None-Match: *` writes of one key, through the real SDK, end as on S3: one stores, every other gets 412.
 */

const moto = useMoto();
const RACERS = 16;

test('of 16 racing PutObject If-None-Match: * of one key, exactly one succeeds and the others get PreconditionFailed; the object is the winner\'s', async () => {
  const s3 = new S3Client({ endpoint: moto().endpoint, region: 'us-east-1', forcePathStyle: true, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: 'race' }));
    for (let round = 0; round < 5; round++) {
      const Key = `staged/${round}.avro`;
      const results = await Promise.allSettled(Array.from({ length: RACERS }, (_, n) =>
        s3.send(new PutObjectCommand({ Bucket: 'race', Key, Body: `writer ${n}`.padEnd(256 * 1024, '.'), IfNoneMatch: '*' }))));
      const won = results.flatMap((r, n) => r.status === 'fulfilled' ? [n] : []);
      expect(won).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect((r.reason as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(412);
      }
      const body = await (await s3.send(new GetObjectCommand({ Bucket: 'race', Key }))).Body!.transformToString();
      expect(body.startsWith(`writer ${won[0]}.`)).toBe(true);
    }
  } finally {
    s3.destroy();
  }
});
