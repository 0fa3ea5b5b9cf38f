import { Match, Template } from 'aws-cdk-lib/assertions';
import type { MultiRegionLakeReplicaProps } from '../src';
import { synth } from './support/synth';
import { TARGET_READ_ACTIONS } from '../src/glue-permissions';
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
  connection: 'replicateConnections',
  catalog: 'replicateCatalogs',
  catalogOptimization: 'replicateCatalogOptimization',
  tableOptimizer: 'replicateTableOptimizers',
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
    // An action another kind still on also calls (GetCatalogs: connections are those the catalogs name) stays.
    const shared = new Set(ATTACHED_KIND_NAMES.filter(k => k !== kind).flatMap(k => [...ATTACHED_KINDS[k].read, ...ATTACHED_KINDS[k].write]));
    // And in the targets, GetCatalog: the promoted-Region guard reads every target's default catalog, whatever kinds are on.
    const always: Record<string, readonly string[]> = { ReadSourceCatalog: [], ConvergeTargetCatalogs: TARGET_READ_ACTIONS };
    for (const sid of ['ReadSourceCatalog', 'ConvergeTargetCatalogs']) {
      for (const action of glue([...row.read, ...row.write].filter(a => !shared.has(a)))) {
        if (!always[sid].includes(action)) expect(actions(template, sid)).not.toContain(action);
      }
    }
    expect(settingsText(template)).not.toContain(`\\"${kind}\\"`);
  });
});

describe('the catalog\'s own objects in the construct', () => {
  const resources = (template: Template, sid: string): string => JSON.stringify(Object.values(template.findResources('AWS::IAM::Policy'))
    .flatMap(p => p.Properties.PolicyDocument.Statement as Array<Statement & { Resource: unknown }>)
    .find(s => s.Sid === sid)?.Resource);

  test('catalogs and connections are reached by their Region-scoped ARNs, only while a kind of them is on', () => {
    const { template } = synth();
    for (const sid of ['ReadSourceCatalog', 'ConvergeTargetCatalogs']) {
      expect(resources(template, sid)).toMatch(/:glue:us-[a-z]+-\d:111122223333:catalog\/\*/);
      expect(resources(template, sid)).toMatch(/:glue:us-[a-z]+-\d:111122223333:connection\/\*/);
    }
    const off = synth({ replicateCatalogs: false, replicateConnections: false, replicateCatalogOptimization: false }).template;
    for (const sid of ['ReadSourceCatalog', 'ConvergeTargetCatalogs']) expect(resources(off, sid)).not.toMatch(/catalog\/\*|connection\/\*/);
  });

  test('connectionMappings reach the job\'s settings', () => {
    const mapping = { connection: 'snowflake', targetRegion: 'us-west-2', subnetId: 'subnet-0abc1234', securityGroupIds: ['sg-0abc1234'] };
    const { template } = synth({ connectionMappings: [mapping] });
    expect(settingsText(template)).toContain('snowflake');
    expect(settingsText(template)).toContain('subnet-0abc1234');
  });
});
