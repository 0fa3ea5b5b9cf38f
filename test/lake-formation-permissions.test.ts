import { Match, Template } from 'aws-cdk-lib/assertions';
import { cfnLint, nagFindings, NO_LAKE_FORMATION, synth } from './support/synth';
import { JOB_SETTINGS_ENV } from '../src/shared/job-settings';
import { LF_KINDS } from '../src/shared/lake-formation-kinds';

interface Statement { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown }

function statement(template: Template, sid: string): Statement | undefined {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .flatMap(p => p.Properties.PolicyDocument.Statement as Statement[])
    .find(s => s.Sid === sid);
}

function settingsText(template: Template): string {
  return JSON.stringify(template.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: { [JOB_SETTINGS_ENV]: Match.anyValue() } } },
  }));
}

/** The state machine's top-level states, its definition's tokens replaced by a placeholder. */
function stateMachineStates(template: Template): Record<string, Record<string, unknown> & { Next?: string; Catch?: unknown }> {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const parts = machine.Properties.DefinitionString['Fn::Join'][1] as unknown[];
  return JSON.parse(parts.map(p => typeof p === 'string' ? p : 'TOKEN').join('')).States;
}

describe('Lake Formation replication in the construct', () => {
  const { stack, template } = synth({ targetRegions: ['us-west-2', 'eu-west-1'], protectedPrincipals: ['arn:aws:iam::111122223333:role/BreakGlass'] });

  test('reads Lake Formation state in the source and target Regions only', () => {
    expect(statement(template, 'ReadLakeFormationState')).toEqual({
      Sid: 'ReadLakeFormationState',
      Effect: 'Allow',
      Action: [
        'lakeformation:GetDataLakeSettings', 'lakeformation:GetResourceLFTags', 'lakeformation:ListDataCellsFilter',
        'lakeformation:ListLFTagExpressions', 'lakeformation:ListLFTags', 'lakeformation:ListLakeFormationOptIns',
        'lakeformation:ListPermissions', 'lakeformation:ListResources',
      ],
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2', 'eu-west-1'] } },
    });
  });

  test('writes Lake Formation state in the target Regions only, with exactly the actions the engine calls', () => {
    const write = statement(template, 'ConvergeTargetLakeFormationState')!;
    expect(write.Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': ['us-west-2', 'eu-west-1'] } });
    expect(write.Action).toEqual([
      'lakeformation:AddLFTagsToResource', 'lakeformation:BatchGrantPermissions', 'lakeformation:BatchRevokePermissions',
      'lakeformation:CreateDataCellsFilter', 'lakeformation:CreateLFTag', 'lakeformation:CreateLFTagExpression',
      'lakeformation:CreateLakeFormationOptIn', 'lakeformation:DeleteDataCellsFilter', 'lakeformation:DeleteLFTag',
      'lakeformation:DeleteLFTagExpression', 'lakeformation:DeleteLakeFormationOptIn', 'lakeformation:DeregisterResource',
      'lakeformation:PutDataLakeSettings', 'lakeformation:RegisterResource', 'lakeformation:RemoveLFTagsFromResource',
      'lakeformation:UpdateDataCellsFilter', 'lakeformation:UpdateLFTag', 'lakeformation:UpdateLFTagExpression',
      'lakeformation:UpdateResource',
    ]);
    expect([write.Action].flat().some(a => a.includes('*'))).toBe(false);
  });

  test('may pass a location role only to Lake Formation', () => {
    expect(statement(template, 'PassLocationRolesToLakeFormation')).toMatchObject({
      Action: 'iam:PassRole',
      Condition: { StringEquals: { 'iam:PassedToService': 'lakeformation.amazonaws.com' } },
    });
    expect(JSON.stringify(statement(template, 'LakeFormationServiceLinkedRole')!.Resource))
      .toContain(':iam::111122223333:role/aws-service-role/lakeformation.amazonaws.com/AWSServiceRoleForLakeFormationDataAccess');
  });

  test('tells the job every kind and the protected principals', () => {
    const text = settingsText(template);
    expect(text).toContain(`\\"lakeFormationKinds\\":${JSON.stringify(JSON.stringify([...LF_KINDS])).slice(1, -1)}`);
    expect(text).toContain('\\"protectedPrincipals\\":[\\"arn:aws:iam::111122223333:role/BreakGlass\\"]');
  });

  test('runs Lake Formation before and after the distributed map, each phase looping on its continuation; a failed step still reaches finalize', () => {
    const states = stateMachineStates(template);
    const before = 'Lake Formation before the Glue objects';
    const after = 'Lake Formation after the Glue objects';
    expect(states['Resolve scope and write manifest'].Next).toBe(`${before}: start`);
    for (const [phase, next] of [[before, 'Fan out over target Region x database'], [after, 'Write report and snapshot manifest']] as const) {
      // The phase's first input: the run and which phase; then its own output, fed back while it is not done.
      expect(states[`${phase}: start`]).toMatchObject({
        Type: 'Pass',
        ResultPath: '$.lakeFormation',
        Parameters: { 'runId.$': '$.runId', 'options.$': '$.options', 'item': { kind: 'lakeFormation', database: '*', phase: phase === before ? 'before' : 'after' } },
        Next: phase,
      });
      expect(states[phase]).toMatchObject({ Type: 'Task', InputPath: '$.lakeFormation', ResultPath: '$.lakeFormation', Next: `${phase}: done?` });
      expect(states[phase].Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: `${phase}: failed, finalize reports it` }]);
      expect(states[`${phase}: done?`]).toEqual({
        Type: 'Choice',
        Choices: [{ Variable: '$.lakeFormation.done', BooleanEquals: false, Next: phase }],
        Default: next,
      });
      expect(states[`${phase}: failed, finalize reports it`].Next).toBe(next);
    }
    expect(states['Fan out over target Region x database'].Next).toBe(`${after}: start`);
  });

  test('is cdk-nag AwsSolutions clean and passes cfn-lint', () => {
    expect(nagFindings(stack)).toEqual([]);
    expect(cfnLint(template.toJSON())).toEqual({ status: 0, output: '' });
  });
});

describe('switching Lake Formation kinds off', () => {
  test('without permissions and data locations, no grant, revoke, register or pass-role action is allowed', () => {
    const { template } = synth({ replicatePermissions: false, replicateDataLocations: false });
    const actions = [statement(template, 'ReadLakeFormationState')!.Action, statement(template, 'ConvergeTargetLakeFormationState')!.Action].flat();
    expect(actions).not.toEqual(expect.arrayContaining(['lakeformation:BatchGrantPermissions']));
    expect(actions.filter(a => /Permissions|Resource$|Resources$/.test(a) && !/LFTags/.test(a))).toEqual([]);
    expect(statement(template, 'PassLocationRolesToLakeFormation')).toBeUndefined();
    expect(settingsText(template)).toContain('\\"lakeFormationKinds\\":[\\"dataLakeSettings\\",\\"lfTag\\",\\"lfTagExpression\\",\\"dataCellsFilter\\",\\"optIn\\",\\"lfTagAssignment\\"]');
  });

  test('the state machine has no Lake Formation steps when every kind is off', () => {
    const { template } = synth(NO_LAKE_FORMATION);
    expect(JSON.stringify(template.findResources('AWS::StepFunctions::StateMachine'))).not.toMatch(/Lake Formation/);
  });
});

describe('protectedPrincipals validation', () => {
  test('a value that is no principal fails at synth, naming the prop, the value and what is allowed', () => {
    expect(() => synth({ protectedPrincipals: ['BreakGlass role'] })).toThrow(
      /protectedPrincipals: protectedPrincipals "BreakGlass role" is not a Lake Formation principal; expected an ARN such as arn:aws:iam::111122223333:role\/Analyst, a 12-digit account id, or IAM_ALLOWED_PRINCIPALS/);
  });

  test('ARNs, account ids and IAM_ALLOWED_PRINCIPALS are accepted', () => {
    expect(() => synth({ protectedPrincipals: ['arn:aws:iam::111122223333:role/x', '111122223333', 'IAM_ALLOWED_PRINCIPALS'] })).not.toThrow();
  });
});
