import { PutObjectCommand } from '@aws-sdk/client-s3';
import { avroType, openAvro, writeAvro, type AvroHeader } from '../../../src/engine/iceberg/avro';
import { ChainRewriter } from '../../../src/engine/iceberg/chain-rewriter';
import { icebergMappingId } from '../../../src/engine/iceberg/staging';
import { IcebergStorage } from '../../../src/engine/iceberg/storage';
import { BUCKETS, createBuckets, mapBuckets, s3At, TARGET_REGION } from '../../support/iceberg/lake';
import { useMoto } from '../../support/moto';

const moto = useMoto();

/** Iceberg's position-delete schema, as a Java engine writes it with write.delete.format.default=avro. */
const SCHEMA = {
  type: 'record',
  name: 'delete',
  fields: [
    { 'name': 'file_path', 'type': 'string', 'field-id': 2147483546 },
    { 'name': 'pos', 'type': 'long', 'field-id': 2147483545 },
  ],
};

describe('position-delete files in other formats (moto S3)', () => {
  test('an Avro position-delete file is rewritten row by row; an ORC one is refused with the reason', async () => {
    const endpoint = moto().endpoint;
    await createBuckets(endpoint);
    const s3 = s3At(endpoint, TARGET_REGION);
    const header: AvroHeader = {
      meta: [['avro.schema', Buffer.from(JSON.stringify(SCHEMA))], ['iceberg.schema', Buffer.from('{"type":"struct"}')]],
      sync: Buffer.alloc(16, 7),
      codec: 'null',
      type: avroType(JSON.parse(JSON.stringify(SCHEMA))),
    };
    const rows = Array.from({ length: 500 }, (_, i) => ({ file_path: `s3://lake-use1/warehouse/t/data/f-${i % 3}.parquet`, pos: BigInt(i) }));
    const chunks: Buffer[] = [];
    for await (const chunk of writeAvro(header, 'deflate', (async function* () { yield* rows; })())) chunks.push(chunk);
    const source = Buffer.concat(chunks);
    // The replicated copy, in the target bucket.
    await s3.send(new PutObjectCommand({ Bucket: 'lake-usw2', Key: 'warehouse/t/data/deletes-1.avro', Body: source }));
    await s3.send(new PutObjectCommand({ Bucket: 'lake-usw2', Key: 'warehouse/t/data/deletes-2.orc', Body: 'ORC' }));

    const storage = new IcebergStorage(s3, false);
    const chain = new ChainRewriter(storage, mapBuckets(BUCKETS), icebergMappingId(BUCKETS), () => false);
    const written = await chain.deleteFile('s3://lake-use1/warehouse/t/data/deletes-1.avro', 'AVRO', source.length, undefined);
    expect(written!.uri).toBe(`s3://lake-usw2/_lake-replica/iceberg/${icebergMappingId(BUCKETS)}/lake-use1/warehouse/t/data/deletes-1.avro`);
    const staged = await storage.getStream({ scheme: 's3', bucket: 'lake-usw2', key: written!.uri.replace('s3://lake-usw2/', '') });
    const file = await openAvro(staged!);
    const read: Array<{ file_path: string; pos: bigint }> = [];
    for await (const row of file.records) read.push(row as { file_path: string; pos: bigint });
    expect(read).toEqual(rows.map(r => ({ ...r, file_path: r.file_path.replace('s3://lake-use1/', 's3://lake-usw2/') })));
    expect(file.header.meta.find(([k]) => k === 'iceberg.schema')![1].toString()).toBe('{"type":"struct"}');
    expect(written!.size).toBeGreaterThan(0);

    expect(await chain.deleteFile('s3://lake-use1/warehouse/t/data/deletes-2.orc', 'ORC', 3, undefined)).toBeUndefined();
    expect(chain.unsupported).toEqual([
      's3://lake-use1/warehouse/t/data/deletes-2.orc: ORC position-delete files are not rewritten (Parquet, Avro and Puffin are)',
    ]);
    // A delete file not replicated yet is recorded as missing, with the replicated copy's URI.
    expect(await chain.deleteFile('s3://lake-use1/warehouse/t/data/deletes-3.avro', 'AVRO', 10, 1234)).toBeUndefined();
    expect([...chain.missing]).toEqual([['s3://lake-usw2/warehouse/t/data/deletes-3.avro', 1234]]);
    expect(chain.filesWritten).toBe(1);
  });
});
