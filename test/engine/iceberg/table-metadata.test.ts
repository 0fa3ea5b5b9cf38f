import { gzipSync } from 'node:zlib';
import { encodeMetadata, metadataPaths, parseMetadata, rewriteMetadataPaths } from '../../../src/engine/iceberg/table-metadata';

const SOURCE = `{"format-version":2,"table-uuid":"9c12d441-03fe-4693-9a96-a0705ddf69c1","location":"s3://src/t",
"last-sequence-number":34,"last-updated-ms":1602638573590,"current-snapshot-id":3055729675574597004,
"properties":{"write.data.path":"s3://data-src/t/data","write.metadata.path":"s3://src/t/metadata","write.object-storage.path":"s3://src/os",
"write.folder-storage.path":"s3://src/fs","owner":"s3://src/not-a-path-property","commit.retry.num-retries":"4"},
"snapshots":[{"snapshot-id":3051729675574597004,"timestamp-ms":1515100955770,"sequence-number":0,"manifest-list":"s3://src/t/metadata/snap-1.avro"},
{"snapshot-id":3055729675574597004,"parent-snapshot-id":3051729675574597004,"timestamp-ms":1555100955770,"sequence-number":1,"manifest-list":"s3://src/t/metadata/snap-2.avro","summary":{"operation":"append","note":"s3://src/summary"}}],
"metadata-log":[{"timestamp-ms":1515100955770,"metadata-file":"s3://src/t/metadata/00000-a.metadata.json"},{"timestamp-ms":1555100955770,"metadata-file":"s3://src/t/metadata/00001-b.metadata.json"}],
"statistics":[{"snapshot-id":3055729675574597004,"statistics-path":"s3://src/t/metadata/stats.puffin","file-size-in-bytes":413,"blob-metadata":[]}],
"partition-statistics":[{"snapshot-id":3055729675574597004,"statistics-path":"s3://src/t/metadata/partition-stats.parquet","file-size-in-bytes":43}],
"refs":{"main":{"snapshot-id":3055729675574597004,"type":"branch"}},"default-spec-id":0,"partition-specs":[{"spec-id":0,"fields":[]}]}`;

const rename = (uri: string) => uri.replace('s3://src/', 's3://dst/').replace('s3://data-src/', 's3://data-dst/');

describe('table metadata', () => {
  test('every path field is found with its kind and commit time', () => {
    const paths = metadataPaths(parseMetadata(Buffer.from(SOURCE), 'x.metadata.json'));
    expect(paths).toEqual([
      { kind: 'location', uri: 's3://src/t', committedAt: undefined },
      { kind: 'location', uri: 's3://data-src/t/data', committedAt: undefined },
      { kind: 'location', uri: 's3://src/t/metadata', committedAt: undefined },
      { kind: 'location', uri: 's3://src/os', committedAt: undefined },
      { kind: 'location', uri: 's3://src/fs', committedAt: undefined },
      { kind: 'manifest-list', uri: 's3://src/t/metadata/snap-1.avro', committedAt: 1515100955770 },
      { kind: 'manifest-list', uri: 's3://src/t/metadata/snap-2.avro', committedAt: 1555100955770 },
      { kind: 'metadata-file', uri: 's3://src/t/metadata/00000-a.metadata.json', committedAt: 1515100955770 },
      { kind: 'metadata-file', uri: 's3://src/t/metadata/00001-b.metadata.json', committedAt: 1555100955770 },
      { kind: 'statistics', uri: 's3://src/t/metadata/stats.puffin', committedAt: undefined },
      { kind: 'statistics', uri: 's3://src/t/metadata/partition-stats.parquet', committedAt: undefined },
    ]);
  });

  test('paths are rewritten and everything else is kept, 64-bit ids to the last digit', () => {
    const document = parseMetadata(Buffer.from(SOURCE), 'x.metadata.json');
    rewriteMetadataPaths(document, path => rename(path.uri));
    const text = encodeMetadata(document, 'x.metadata.json').toString('utf8');
    expect(text).not.toMatch(/s3:\/\/(src|data-src)\/t/);
    expect(text).toContain('"current-snapshot-id":3055729675574597004');
    expect(text).toContain('"parent-snapshot-id":3051729675574597004');
    // Free text and other properties are user data, not paths.
    expect(text).toContain('"owner":"s3://src/not-a-path-property"');
    expect(text).toContain('"note":"s3://src/summary"');
    const expected = SOURCE.replace(/s3:\/\/src\/(?!not-a-path|summary)/g, 's3://dst/').replace(/s3:\/\/data-src\//g, 's3://data-dst/');
    const quoteIds = (json: string) => json.replace(/(\d{16,})/g, '"$1"');
    expect(JSON.parse(quoteIds(text))).toEqual(JSON.parse(quoteIds(expected)));
  });

  test('a metadata-log entry can be left out; format v4 relative paths pass through', () => {
    const document = parseMetadata(Buffer.from(SOURCE.replace('"s3://src/t/metadata/snap-1.avro"', '"metadata/snap-1.avro"')), 'x.metadata.json');
    rewriteMetadataPaths(document, path => {
      if (path.uri.endsWith('00000-a.metadata.json')) return undefined;
      return path.uri.startsWith('s3://') ? rename(path.uri) : path.uri;
    });
    expect(document['metadata-log'].map((e: { 'metadata-file': string }) => e['metadata-file'])).toEqual(['s3://dst/t/metadata/00001-b.metadata.json']);
    expect(document.snapshots[0]['manifest-list']).toBe('metadata/snap-1.avro');
  });

  test('format v1 snapshots that list manifests instead of a manifest list', () => {
    const v1 = '{"format-version":1,"location":"s3://src/t","snapshots":[{"snapshot-id":1,"timestamp-ms":5,"manifests":["s3://src/t/metadata/m0.avro","s3://src/t/metadata/m1.avro"]}]}';
    const document = parseMetadata(Buffer.from(v1), 'v1.metadata.json');
    expect(metadataPaths(document).filter(p => p.kind === 'manifest').map(p => p.uri)).toEqual(['s3://src/t/metadata/m0.avro', 's3://src/t/metadata/m1.avro']);
  });

  test('.gz.metadata.json is read and written gzipped', () => {
    const document = parseMetadata(gzipSync(Buffer.from(SOURCE)), '00001-b.gz.metadata.json');
    expect(document.location).toBe('s3://src/t');
    const written = encodeMetadata(document, '00001-b.gz.metadata.json');
    expect([written[0], written[1]]).toEqual([0x1f, 0x8b]);
    expect(parseMetadata(written, '00001-b.gz.metadata.json')['current-snapshot-id'].toString()).toBe('3055729675574597004');
    expect(() => parseMetadata(Buffer.from('[1]'), 'x.metadata.json')).toThrow(/not a JSON object/);
  });
});
