import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RedriveConfig } from './args';
import { AwsClients } from '../engine/kernel/clients';
import { Ledger } from '../engine/realtime/ledger';
import { redriveFailed, type RedriveResult } from '../engine/realtime/redrive';

/** Redrives the ledger's FAILED events (and stale PENDING ones, when asked): the ledger's stream hands them to the applier again. */
export async function runRedrive(config: RedriveConfig): Promise<RedriveResult> {
  const clients = new AwsClients({ endpoint: config.endpoint, maxAttempts: config.maxAttempts });
  try {
    // Redrive only updates items, so the ledger's retention (used when events are first written) does not matter here.
    const ledger = new Ledger(clients.get(DynamoDBClient, config.ledgerRegion), config.ledgerTable, 0);
    return await redriveFailed({ ledger, targetRegion: config.targetRegion, dryRun: config.dryRun, includeStalePending: config.includeStalePending });
  } finally {
    clients.destroy();
  }
}

export function redriveSummary(config: RedriveConfig, result: RedriveResult): string {
  const verb = config.dryRun ? 'would redrive' : 'redrove';
  const where = config.targetRegion ? ` in ${config.targetRegion}` : '';
  const failed = result.eventIds.length - result.stalePending;
  const stale = config.includeStalePending ? ` and ${result.stalePending} stale pending event(s)` : '';
  const lines = [`redrive${config.dryRun ? ' (dry run)' : ''}: ${verb} ${failed} failed event(s)${stale}, ${result.targets} event-target pair(s)${where}, `
    + `ledger ${config.ledgerTable} (${config.ledgerRegion})`];
  for (const id of result.eventIds.slice(0, 20)) lines.push(`  ${id}`);
  if (result.eventIds.length > 20) lines.push(`  ... and ${result.eventIds.length - 20} more`);
  return lines.join('\n');
}
