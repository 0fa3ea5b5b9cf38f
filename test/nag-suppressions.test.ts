import { wildcardFindings } from '../src/nag-suppressions';

describe('wildcardFindings names IAM5 findings as cdk-nag does', () => {
  test('allowed actions and resources with a *, references flattened', () => {
    expect(wildcardFindings({
      Statement: [
        { Effect: 'Allow', Action: ['kms:ReEncrypt*', 's3:GetObject'], Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket1', 'Arn'] }, '/runs/*']] } },
        { Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: ['*', { Ref: 'Queue' }, 'arn:${AWS::Partition}:glue:*'] },
      ],
    })).toEqual([
      'Action::kms:ReEncrypt*',
      'Resource::<Bucket1.Arn>/runs/*',
      'Resource::*',
      'Resource::arn:<AWS::Partition>:glue:*',
    ]);
  });

  test('deny statements, and statements without a *, have no finding', () => {
    expect(wildcardFindings({
      Statement: [
        { Effect: 'Deny', Action: 'glue:*', Resource: '*' },
        { Effect: 'Allow', Action: 'glue:GetTable', Resource: 'arn:aws:glue:us-east-1:111122223333:catalog' },
      ],
    })).toEqual([]);
    expect(wildcardFindings(undefined)).toEqual([]);
  });
});
