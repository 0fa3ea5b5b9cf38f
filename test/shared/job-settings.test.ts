import { decodeJobSettings, packJobSettings, PACKABLE_SETTINGS, type JobSettings } from '../../src/shared/job-settings';

const SETTINGS: JobSettings = {
  sourceRegion: 'us-east-1',
  targetRegions: ['us-west-2', 'eu-west-1'],
  databases: ['sales*', 'marketing'],
  excludeDatabases: ['*_tmp'],
  bucketMappings: [
    { sourceBucket: 'acme-raw', targetBucket: 'acme-raw-usw2', targetRegion: 'us-west-2' },
    { sourceBucket: 'acme-raw', targetBucket: 'acme-raw-dr' },
  ],
  snapshotBucket: 'snapshots',
  tableConcurrency: 4,
  metricNamespace: 'LakeReplica',
  lakeFormationKinds: ['permission'],
  protectedPrincipals: ['arn:aws:iam::111122223333:role/BreakGlass'],
};

describe('decodeJobSettings', () => {
  test('plain JSON reads as JSON.parse reads it (what the handlers do today)', () => {
    const raw = JSON.stringify(SETTINGS);
    expect(decodeJobSettings(raw)).toEqual(JSON.parse(raw));
  });

  test('packed settings decode to the settings they were packed from', () => {
    const raw = JSON.stringify(packJobSettings(SETTINGS));
    expect(decodeJobSettings(raw)).toEqual(SETTINGS);
  });

  test('packing moves every list into one compressed field and keeps the scalars readable', () => {
    const packed = packJobSettings(SETTINGS) as unknown as Record<string, unknown>;
    for (const field of PACKABLE_SETTINGS) expect(packed).not.toHaveProperty(field);
    expect(packed).toMatchObject({ sourceRegion: 'us-east-1', snapshotBucket: 'snapshots', tableConcurrency: 4 });
    expect(Buffer.from(packed.packed as string, 'base64').subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  test('only the named lists are packed (a list holding a CDK token stays plain)', () => {
    const raw = JSON.stringify(packJobSettings(SETTINGS, ['bucketMappings']));
    expect(JSON.parse(raw).databases).toEqual(['sales*', 'marketing']);
    expect(decodeJobSettings(raw)).toEqual(SETTINGS);
  });

  test('many regional mappings shrink by several times', () => {
    const many: JobSettings = {
      ...SETTINGS,
      bucketMappings: Array.from({ length: 60 }, (_, i) => ({ sourceBucket: `acme-lake-${i}`, targetBucket: `acme-lake-${i}-dr`, targetRegion: i % 2 ? 'eu-west-1' : 'us-west-2' })),
    };
    expect(JSON.stringify(packJobSettings(many)).length * 3).toBeLessThan(JSON.stringify(many).length);
  });
});
