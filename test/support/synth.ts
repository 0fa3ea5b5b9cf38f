import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aspects, Stack, type AppProps } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AwsSolutionsChecks as AwsSolutionsChecksV3 } from 'cdk-nag-v3';
import type { IConstruct } from 'constructs';
import { MultiRegionLakeReplica, type MultiRegionLakeReplicaProps } from '../../src';

// A target Region: where the construct belongs (a stack in the source Region gets a warning).
export const ENV = { account: '111122223333', region: 'us-west-2' };

/**
 * The feature flags a construct test runs under. The test task runs the construct tests twice: with none (an
 * old app's cdk.json) and, with LAKE_REPLICA_TEST_FLAGS=recommended, with every flag `cdk init` writes today.
 */
export type FlagSet = 'none' | 'recommended';
export const FLAG_SETS: readonly FlagSet[] = ['none', 'recommended'];
export const TEST_FLAGS: FlagSet = process.env.LAKE_REPLICA_TEST_FLAGS === 'recommended' ? 'recommended' : 'none';

/** An app with a set of feature flags (by default the run's). */
export function testApp(flags: FlagSet = TEST_FLAGS, props: AppProps = {}): App {
  const context = flags === 'recommended' ? { ...cxapi.CURRENTLY_RECOMMENDED_FLAGS } : {};
  return new App({ ...props, context: { ...context, ...props.context } });
}

/** Props that switch every Lake Formation kind off. */
export const NO_LAKE_FORMATION: Partial<MultiRegionLakeReplicaProps> = {
  replicateDataLakeSettings: false,
  replicateDataLocations: false,
  replicateOptIns: false,
  replicateLfTags: false,
  replicateLfTagExpressions: false,
  replicateDataCellsFilters: false,
  replicatePermissions: false,
};

export function synth(props: Partial<MultiRegionLakeReplicaProps> = {}, flags: FlagSet = TEST_FLAGS) {
  const app = testApp(flags);
  const stack = new Stack(app, 'Lake', { env: ENV });
  const replica = new MultiRegionLakeReplica(stack, 'Replica', { sourceRegion: 'us-east-1', targetRegions: ['us-west-2'], ...props });
  return { app, stack, replica, template: Template.fromStack(stack) };
}

/** cdk-nag 2's AwsSolutions over the stack: every error and warning left after our one-place acknowledgements. */
export function nagFindings(stack: Stack): string[] {
  Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
  const annotations = Annotations.fromStack(stack);
  return [
    ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
  ].map(a => `${a.id}: ${String(a.entry.data)}`);
}

/** cdk-nag 3's AwsSolutions over a construct tree: every violation left, as `<path>: <rule>[<finding>]`. */
export function nagV3Findings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecksV3(undefined, { verbose: true }).validateScope(scope);
  return report.violations.flatMap(v => v.violatingResources.map(r => `${r.constructPath}: ${v.ruleName}`));
}

/**
 * Runs the pinned cfn-lint from the project's .venv over a template. W3005 (a DependsOn that a
 * GetAtt already implies) is ignored: aws-cdk-lib adds those on purpose for roles and policies.
 */
export function cfnLint(template: object): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cfn-lint-'));
  const file = join(dir, 'template.json');
  writeFileSync(file, JSON.stringify(template));
  const bin = process.env.CFN_LINT ?? join(__dirname, '..', '..', '.venv', 'bin', 'cfn-lint');
  const result = spawnSync(bin, ['--format', 'parseable', '--ignore-checks', 'W3005', '--', file], { encoding: 'utf8' });
  if (result.error) throw new Error(`cfn-lint could not run (${result.error.message}); run "bash scripts/python-env.sh"`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Masks asset hashes so snapshots change only when the template does. */
export function masked(template: Template): unknown {
  return JSON.parse(JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}(\.zip|\.json)?/g, '[ASSET HASH]'));
}

/** The construct's synth warnings (Annotations), as their messages. */
export function warningsOf(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(a => String(a.entry.data));
}
