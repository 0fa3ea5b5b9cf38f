import type { PromoteConfig } from './args';
import { AwsClients } from '../engine/kernel/clients';
import { demoteRegion, promoteRegion, type PromoteReport } from '../engine/promote/promote';

/** `promote` or `demote` with SDK clients of their own, closed when done. */
export async function runPromote(config: PromoteConfig): Promise<PromoteReport> {
  const { endpoint, maxAttempts, command, ...settings } = config;
  const clients = new AwsClients({ endpoint, maxAttempts });
  try {
    return command === 'promote' ? await promoteRegion(settings, clients) : await demoteRegion(settings, clients);
  } finally {
    clients.destroy();
  }
}

/** The plan first (what is, or would be, switched on), then what was done. */
export function promoteSummary(r: PromoteReport): string {
  const lines: string[] = [];
  const verb = r.dryRun ? 'would' : 'will';
  if (r.mode === 'demote') {
    if (r.promotedBefore === undefined) return `Region ${r.region} is not promoted: nothing to demote.`;
    return r.dryRun
      ? `Region ${r.region} is promoted (${r.promotedBefore}); demote would remove the mark, so replication writes into it again.`
      : `Region ${r.region} demoted: the promoted mark (${r.promotedBefore}) is removed; sync, restore, the job and the applier write into it again.`;
  }
  lines.push(`Promote ${r.region}${r.from ? ` (source's states from ${r.from})` : ' (from the replica\'s own form)'}${r.dryRun ? ', dry run' : ''}:`);
  if (r.changes.length === 0) lines.push('  nothing to change: every replicated optimizer and refresh already runs as promoted');
  for (const c of r.changes) lines.push(`  ${verb} update ${c.kind} ${c.key} (${c.fields.join(', ')})${c.error ? `: FAILED ${c.error}` : ''}`);
  if (r.promotedBefore !== undefined) lines.push(`  already marked promoted (${r.promotedBefore})`);
  else lines.push(`  ${verb} mark ${r.region} promoted: sync, restore, the job and the applier then refuse to write into it`);
  for (const f of r.failures) if (f.kind !== 'table' || !r.changes.some(c => c.key === f.key)) lines.push(`  FAILED ${f.kind} ${f.key}: ${f.error}`);
  if (r.dryRun) lines.push('Dry run: nothing was changed.');
  else if (r.failures.length > 0) lines.push(`${r.failures.length} failure(s): the Region is not marked promoted; run promote again.`);
  else if (r.changes.length === 0 && !r.marked) lines.push(`Region ${r.region} is already promoted: nothing changed.`);
  else lines.push(`Region ${r.region} promoted: ${r.changes.length} object(s) switched on${r.marked ? ', marked promoted' : ''}.`);
  return lines.join('\n');
}
