import { S3Client } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { ICEBERG_REPLICATION_WAIT_MS, icebergMappingId, isS3TablesLocation, isStagedUri, rewriteIcebergTable } from '../../../src/engine/iceberg';
import { Cursor } from '../../../src/engine/iceberg/parquet/cursor';
import { bitWidth, decodeHybrid, encodeHybrid } from '../../../src/engine/iceberg/parquet/encodings';
import { assertMappingId, stagedLocation } from '../../../src/engine/iceberg/staging';

describe('staging scheme', () => {
  test('the mapping id is stable, independent of order, and changes with the mapping', () => {
    const id = icebergMappingId({ a: 'a-dr', b: 'b-dr' });
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(icebergMappingId({ b: 'b-dr', a: 'a-dr' })).toBe(id);
    expect(icebergMappingId({ a: 'a-dr', b: 'b-dr2' })).not.toBe(id);
    expect(icebergMappingId({ a: 'a-dr' })).not.toBe(id);
  });

  test('a staged key keeps the source bucket and key, under one prefix per target bucket', () => {
    const staged = stagedLocation({ scheme: 's3a', bucket: 'lake', key: 'db/t/metadata/00003-x.metadata.json' }, 'lake-dr', 'abc123');
    expect(staged).toEqual({ scheme: 's3a', bucket: 'lake-dr', key: '_lake-replica/iceberg/abc123/lake/db/t/metadata/00003-x.metadata.json' });
    expect(isStagedUri('s3a://lake-dr/_lake-replica/iceberg/abc123/lake/db/t/metadata/00003-x.metadata.json')).toBe(true);
    expect(isStagedUri('s3://lake-dr/db/t/metadata/00003-x.metadata.json')).toBe(false);
  });

  test('a bad mapping id is refused with what is allowed', () => {
    expect(() => assertMappingId('Has/Slash')).toThrow(/mappingId "Has\/Slash" is not valid: use 1 to 63 lower-case letters, digits and "-"/);
    expect(() => assertMappingId('')).toThrow(/not valid/);
  });

  test('S3 Tables, non-S3 and non-metadata locations are answered before any S3 call', async () => {
    expect(isS3TablesLocation('s3://63a8e430-6e0b-46f5-k833abtwr6s8tmtsycedn8s4yc3xhuse1b--table-s3/metadata/00001-x.metadata.json')).toBe(true);
    const s3 = new S3Client({ region: 'us-west-2', endpoint: 'http://127.0.0.1:9', maxAttempts: 1, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const base = { mapUri: (uri: string) => ({ uri }), mappingId: 'm1', s3, dryRun: false };
    const s3Tables = await rewriteIcebergTable({ ...base, metadataLocation: 's3://abc--table-s3/metadata/00001-x.metadata.json' });
    expect(s3Tables).toMatchObject({ status: 's3Tables', filesWritten: 0, apiCalls: {} });
    expect(s3Tables.reason).toMatch(/S3 Tables replication/);
    expect((await rewriteIcebergTable({ ...base, metadataLocation: 's3://lake/t/data/part-0.parquet' })).status).toBe('notIceberg');
    expect((await rewriteIcebergTable({ ...base, metadataLocation: 'hdfs://nn/t/metadata/00001-x.metadata.json' })).status).toBe('notIceberg');
    const unmapped = await rewriteIcebergTable({ ...base, mapUri: uri => ({ uri, unmappedBucket: 'lake' }), metadataLocation: 's3://lake/t/metadata/00001-x.metadata.json' });
    expect(unmapped).toMatchObject({ status: 'unmapped', unmappedBuckets: ['lake'], apiCalls: {} });
    await expect(rewriteIcebergTable({ ...base, mappingId: 'BAD ID', metadataLocation: 's3://lake/t/metadata/00001-x.metadata.json' })).rejects.toThrow(/mappingId/);
    expect(ICEBERG_REPLICATION_WAIT_MS).toBe(12 * 3600 * 1000);
  });
});

describe('Parquet RLE / bit-packed hybrid', () => {
  test('encodes and decodes any run of values (property)', () => {
    fc.assert(fc.property(fc.array(fc.nat({ max: 5000 }), { minLength: 1, maxLength: 300 }), fc.boolean(), (values, runs) => {
      const input = runs ? values.flatMap(v => [v, v, v, v, v, v, v, v, v]) : values;
      const width = bitWidth(Math.max(...input));
      const encoded = encodeHybrid(input, width);
      expect(decodeHybrid(new Cursor(encoded), width, input.length, encoded.length)).toEqual(input);
    }));
    expect(bitWidth(0)).toBe(0);
    expect(bitWidth(1)).toBe(1);
    expect(bitWidth(255)).toBe(8);
    expect(bitWidth(256)).toBe(9);
  });
});
