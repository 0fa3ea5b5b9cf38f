import { App, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { MultiRegionLakeReplica } from '../src';
import { ENV, nagFindings, nagV3Findings } from './support/synth';

const RESULT_WRITER_V2 = cxapi.STEPFUNCTIONS_USE_DISTRIBUTED_MAP_RESULT_WRITER_V2;

/** The feature flags of a new app (`cdk init` writes the recommended ones), an old one, and the result writer flag both ways. */
const FLAGS: Array<[string, Record<string, unknown>]> = [
  ['the recommended flags (what cdk init writes)', { ...cxapi.CURRENTLY_RECOMMENDED_FLAGS }],
  ['no flags', {}],
  [`${RESULT_WRITER_V2}: true alone`, { [RESULT_WRITER_V2]: true }],
  [`${RESULT_WRITER_V2}: false`, { ...cxapi.CURRENTLY_RECOMMENDED_FLAGS, [RESULT_WRITER_V2]: false }],
];

/** Builds the construct in a stack directly in the app, or in a Stage (as a pipeline deploys it), watching console.warn. */
function build(context: Record<string, unknown>, inStage: boolean) {
  const warn = jest.spyOn(console, 'warn');
  try {
    const app = new App({ context });
    const stack = new Stack(inStage ? new Stage(app, 'Dr') : app, 'Lake', { env: ENV });
    new MultiRegionLakeReplica(stack, 'Replica', { sourceRegion: 'us-east-1', targetRegions: ['us-west-2'] });
    const template = Template.fromStack(stack);
    return { stack, template, warnings: warn.mock.calls.map(args => args.join(' ')) };
  } finally {
    warn.mockRestore();
  }
}

/** The state machine's definition as one string, with each token written as <token>. */
function definition(template: Template): string {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const body = machine.Properties.DefinitionString;
  return typeof body === 'string' ? body : (body['Fn::Join'][1] as unknown[]).map(p => typeof p === 'string' ? p : '<token>').join('');
}

describe.each(FLAGS)('with %s', (_name, context) => {
  describe.each([['in a stack', false], ['in a Stage', true]] as const)('%s', (_where, inStage) => {
    const { stack, template, warnings } = build(context, inStage);

    test('the distributed map writes its child results to the snapshot bucket (ResultWriter)', () => {
      const map = JSON.parse(definition(template)).States['Fan out over target Region x database'];
      expect(map.ResultWriter).toEqual({
        Resource: 'arn:<token>:states:::s3:putObject',
        Parameters: { Bucket: '<token>', Prefix: 'runs/_map-results' },
      });
      // And the state machine may write them.
      const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
      expect(policies).toMatch(/"s3:PutObject"/);
    });

    test('synth prints no deprecation warning', () => {
      expect(warnings.filter(w => /deprecated/i.test(w))).toEqual([]);
    });

    test('cdk-nag 2 and cdk-nag 3 find nothing unacknowledged', () => {
      expect(nagV3Findings(stack)).toEqual([]);
      expect(nagFindings(stack)).toEqual([]);
    });
  });
});
