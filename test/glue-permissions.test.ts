import { Match, Template } from 'aws-cdk-lib/assertions';
import type { MultiRegionLakeReplicaProps } from '../src';
import { synth } from './support/synth';
import { ATTACHED_KIND_NAMES, ATTACHED_KINDS, type AttachedKind } from '../src/shared/attached-kinds';
import { JOB_SETTINGS_ENV } from '../src/shared/job-settings';

interface Statement { Sid?: string; Action: string | string[] }

function actions(template: Template, sid: string): string[] {
  const found = Object.values(template.findResources('AWS::IAM::Policy'))
    .flatMap(p => p.Properties.PolicyDocument.Statement as Statement[])
    .find(s => s.Sid === sid);
  return [found?.Action ?? []].flat();
}

function settingsText(template: Template): string {
  return JSON.stringify(template.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: { [JOB_SETTINGS_ENV]: Match.anyValue() } } },
  }));
}

/** Each attached kind's construct switch. */
const SWITCHES: Record<AttachedKind, keyof MultiRegionLakeReplicaProps> = {
  partitionIndex: 'replicatePartitionIndexes',
  userDefinedFunction: 'replicateUserDefinedFunctions',
  columnStatistics: 'replicateColumnStatistics',
  partitionColumnStatistics: 'replicatePartitionColumnStatistics',
  statisticsTaskSettings: 'replicateStatisticsTaskSettings',
};

describe.each(ATTACHED_KIND_NAMES)('the %s kind in the construct', (kind) => {
  const row = ATTACHED_KINDS[kind];
  const glue = (names: readonly string[]) => names.map(a => `glue:${a}`);

  test('on by default: its reads in the source and targets, its writes in the targets only, and the job replicates it', () => {
    const { template } = synth();
    expect(actions(template, 'ReadSourceCatalog')).toEqual(expect.arrayContaining(glue(row.read)));
    expect(actions(template, 'ReadSourceCatalog')).not.toEqual(expect.arrayContaining(glue(row.write)));
    expect(actions(template, 'ConvergeTargetCatalogs')).toEqual(expect.arrayContaining([...glue(row.read), ...glue(row.write)]));
    expect(settingsText(template)).toContain(`\\"${kind}\\"`);
  });

  test(`switched off with ${SWITCHES[kind]}: false, none of its actions are granted and the job leaves it alone`, () => {
    const { template } = synth({ [SWITCHES[kind]]: false });
    for (const sid of ['ReadSourceCatalog', 'ConvergeTargetCatalogs']) {
      for (const action of glue([...row.read, ...row.write])) expect(actions(template, sid)).not.toContain(action);
    }
    expect(settingsText(template)).not.toContain(`\\"${kind}\\"`);
  });
});
