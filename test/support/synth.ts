import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MultiRegionLakeReplica, type MultiRegionLakeReplicaProps } from '../../src';

export const ENV = { account: '111122223333', region: 'us-east-1' };

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

export function synth(props: Partial<MultiRegionLakeReplicaProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Lake', { env: ENV });
  const replica = new MultiRegionLakeReplica(stack, 'Replica', { sourceRegion: 'us-east-1', targetRegions: ['us-west-2'], ...props });
  return { app, stack, replica, template: Template.fromStack(stack) };
}

/** cdk-nag AwsSolutions over the stack: every error and warning left after our one-place suppressions. */
export function nagFindings(stack: Stack): string[] {
  Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
  const annotations = Annotations.fromStack(stack);
  return [
    ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
  ].map(a => `${a.id}: ${String(a.entry.data)}`);
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
