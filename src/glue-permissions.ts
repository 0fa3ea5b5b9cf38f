import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ATTACHED_KINDS, type AttachedKind } from './shared/attached-kinds';

/** What the engine calls, by side. Reads in the source, reads and writes in each target. */
export const SOURCE_READ_ACTIONS = [
  'glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartitions', 'glue:BatchGetPartition',
];
/** Single-object reads (GetTable, BatchGetPartition) are the near-real-time applier's; the job lists. */
export const TARGET_READ_ACTIONS = ['glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartitions', 'glue:BatchGetPartition',
  // The promoted-Region guard reads the default catalog's parameters (src/engine/promote/mark.ts).
  'glue:GetCatalog'];
export const TARGET_WRITE_ACTIONS = [
  'glue:CreateDatabase', 'glue:UpdateDatabase', 'glue:DeleteDatabase',
  'glue:CreateTable', 'glue:UpdateTable', 'glue:BatchDeleteTable',
  'glue:BatchCreatePartition', 'glue:BatchUpdatePartition', 'glue:BatchDeletePartition',
];

/**
 * A database pattern that IAM can express (only `*` and `?` wildcards) is used as is in the
 * ARNs; one with a character class widens to every database, since IAM has no classes.
 */
export function iamDatabasePatterns(patterns: readonly string[]): string[] {
  if (patterns.some(p => /[[\]]/.test(p))) return ['*'];
  return [...new Set(patterns.map(p => p.toLowerCase()))];
}

function catalogArns(stack: Stack, region: string, databasePatterns: readonly string[]): string[] {
  const arn = (resource: string) => `arn:${stack.partition}:glue:${region}:${stack.account}:${resource}`;
  return [
    arn('catalog'),
    ...databasePatterns.map(p => arn(`database/${p}`)),
    ...databasePatterns.map(p => arn(`table/${p}/*`)),
    // DeleteDatabase also deletes the database's functions.
    ...databasePatterns.map(p => arn(`userDefinedFunction/${p}/*`)),
  ];
}

/** The account's catalogs other than the default one, and its connections, in one Region. */
function catalogObjectArns(stack: Stack, region: string): string[] {
  const arn = (resource: string) => `arn:${stack.partition}:glue:${region}:${stack.account}:${resource}`;
  return [arn('catalog/*'), arn('connection/*')];
}

/** Glue permissions for the replicator, scoped to the source and target Regions' catalogs and the database patterns. */
export function gluePolicyStatements(
  stack: Stack, sourceRegion: string, targetRegions: readonly string[], databases: readonly string[], excludeDatabases: readonly string[],
  attachedKinds: readonly AttachedKind[] = [],
): iam.PolicyStatement[] {
  const patterns = iamDatabasePatterns(databases);
  const attached = (side: 'read' | 'write') => [...new Set(attachedKinds.flatMap(k => ATTACHED_KINDS[k][side].map(a => `glue:${a}`)))];
  const writes = [...TARGET_WRITE_ACTIONS, ...attached('write')];
  // Listing databases needs the catalog and every database; everything else is scoped to the patterns.
  const listing = (region: string) => catalogArns(stack, region, ['*']).slice(0, 2);
  // The catalog's own objects (catalogs, connections): their ARNs, only while a kind of them is on.
  const owned = attachedKinds.some(k => ATTACHED_KINDS[k].owner === 'catalog');
  const arns = (region: string) => [...catalogArns(stack, region, patterns), ...owned ? catalogObjectArns(stack, region) : []];
  const statements = [
    new iam.PolicyStatement({ sid: 'ListSourceDatabases', actions: ['glue:GetDatabases'], resources: listing(sourceRegion) }),
    new iam.PolicyStatement({ sid: 'ReadSourceCatalog', actions: [...SOURCE_READ_ACTIONS, ...attached('read')], resources: arns(sourceRegion) }),
    new iam.PolicyStatement({ sid: 'ListTargetDatabases', actions: ['glue:GetDatabases'], resources: targetRegions.flatMap(listing) }),
    new iam.PolicyStatement({
      sid: 'ConvergeTargetCatalogs',
      actions: [...TARGET_READ_ACTIONS, ...attached('read'), ...writes],
      resources: targetRegions.flatMap(arns),
    }),
  ];
  if (attachedKinds.some(k => ATTACHED_KINDS[k].passesRole)) {
    // Writing an optimizer, a statistics task or a catalog's optimization settings passes its role to Glue. The roles
    // are the source's (or their mappings), known only at run time, so the account's roles, only when passed to Glue.
    statements.push(new iam.PolicyStatement({
      sid: 'PassRolesToGlue',
      actions: ['iam:PassRole'],
      resources: [stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: '*' })],
      conditions: { StringEquals: { 'iam:PassedToService': 'glue.amazonaws.com' } },
    }));
  }
  const excluded = iamDatabasePatterns(excludeDatabases).filter(p => p !== '*');
  if (excluded.length > 0) {
    // Defence in depth: excluded databases cannot be written even by a run that asks for them.
    statements.push(new iam.PolicyStatement({
      sid: 'NeverWriteExcludedDatabases',
      effect: iam.Effect.DENY,
      actions: writes,
      resources: targetRegions.flatMap(r => catalogArns(stack, r, excluded).slice(1)),
    }));
  }
  return statements;
}
