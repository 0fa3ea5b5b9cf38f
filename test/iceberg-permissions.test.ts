import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { cfnLint, nagFindings, nagV3Findings, synth } from './support/synth';
import { JOB_SETTINGS_ENV } from '../src/shared/job-settings';

interface Statement { Sid?: string; Action: string | string[]; Resource: unknown }

function statements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(p => p.Properties.PolicyDocument.Statement as Statement[]);
}

/** A statement's resources as ARN text, sorted: the partition is a token or a literal, and the order merged or not, by feature flag. */
function arns(statement: Statement | undefined): string[] {
  const text = (r: unknown): string => {
    if (typeof r === 'string') return r;
    const join = (r as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    return join ? join[1].map(p => (typeof p === 'string' ? p : 'aws')).join(join[0]) : JSON.stringify(r);
  };
  return [statement?.Resource].flat().map(text).sort();
}

const MAPPINGS = [
  { sourceBucket: 'acme-lake-raw', targetBucket: 'acme-lake-raw-dr' },
  { sourceBucket: 'acme-lake-curated', targetBucket: 'acme-lake-curated-usw2', targetRegion: 'us-west-2' },
];

describe('the Iceberg metadata rewrite in the construct', () => {
  test('reads and lists the mapped target buckets and writes only their staging prefix; nothing in the source buckets', () => {
    const { template } = synth({ bucketMappings: MAPPINGS });
    const bySid = new Map(statements(template).map(s => [s.Sid, s]));
    const targets = ['acme-lake-raw-dr', 'acme-lake-curated-usw2'];
    const expected = (suffix: string) => targets.map(b => `arn:aws:s3:::${b}${suffix}`).sort();
    expect(bySid.get('ReadReplicatedIcebergFiles')?.Action).toBe('s3:GetObject');
    expect(arns(bySid.get('ReadReplicatedIcebergFiles'))).toEqual(expected('/*'));
    expect(bySid.get('ListReplicatedIcebergFiles')?.Action).toBe('s3:ListBucket');
    expect(arns(bySid.get('ListReplicatedIcebergFiles'))).toEqual(expected(''));
    expect([bySid.get('WriteStagedIcebergMetadata')?.Action].flat().sort()).toEqual(['s3:AbortMultipartUpload', 's3:PutObject']);
    expect(arns(bySid.get('WriteStagedIcebergMetadata'))).toEqual(expected('/_lake-replica/iceberg/*'));
    const named = JSON.stringify(statements(template));
    expect(named).not.toMatch(/acme-lake-raw[/"]|acme-lake-curated[/"]/);
  });

  test('switched off (replicateIcebergMetadata: false), it gets no S3 access to the target buckets and the settings say so', () => {
    const { template } = synth({ bucketMappings: MAPPINGS, replicateIcebergMetadata: false });
    expect(statements(template).map(s => s.Sid)).not.toContain('ReadReplicatedIcebergFiles');
    expect(JSON.stringify(template.findResources('AWS::Lambda::Function'))).toMatch(new RegExp(`${JOB_SETTINGS_ENV}.*icebergMetadata\\\\":false`));
  });

  test('targetBucketKeys are granted for decrypting copies and encrypting staged files, and nothing else', () => {
    const keyStack = new Stack(undefined, 'Keys', { env: { account: '111122223333', region: 'us-west-2' } });
    const key = kms.Key.fromKeyArn(keyStack, 'Key', 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const { template } = synth({ bucketMappings: MAPPINGS, targetBucketKeys: [key] });
    const kmsStatements = statements(template).filter(s => JSON.stringify(s.Action).includes('kms:'));
    expect(kmsStatements).toContainEqual(expect.objectContaining({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    }));
  });

  test('cdk-nag 2 and 3 and cfn-lint stay clean', () => {
    const { stack, template } = synth({ bucketMappings: MAPPINGS });
    expect(nagFindings(stack)).toEqual([]);
    expect(nagV3Findings(synth({ bucketMappings: MAPPINGS }).stack)).toEqual([]);
    const lint = cfnLint(template.toJSON());
    expect(lint.output).toBe('');
    expect(lint.status).toBe(0);
  });
});
