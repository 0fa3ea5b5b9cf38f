import { readLakeFormation } from './source';
import type { LakeFormationState } from './state';
import type { LfKind } from '../../shared/lake-formation-kinds';
import { AwsClients } from '../kernel/clients';
import type { ReportBuilder } from '../kernel/report';
import { Scope } from '../kernel/scope';

/** What a run replicates of Lake Formation, from the CLI switches or the construct props. */
export interface LakeFormationConfig {
  /** The kinds switched on; empty replicates no Lake Formation state. */
  readonly kinds: readonly LfKind[];
  /** Principals never revoked, besides the replicator itself and each target's data lake admins. */
  readonly protectedPrincipals: readonly string[];
}

/**
 * Reads the source's Lake Formation state. A kind whose listing fails is recorded as a failure and
 * left out of the state's `kinds`, so nothing of it is replicated or pruned; the other kinds go on.
 */
export async function readSourceLakeFormation(
  clients: AwsClients, region: string, scope: Scope, kinds: readonly LfKind[], catalogId: string, report: ReportBuilder,
): Promise<LakeFormationState> {
  const foreign = new Map<LfKind, { count: number; example: string }>();
  const state = await readLakeFormation({
    clients,
    region,
    scope,
    kinds,
    catalogId,
    onReadError: (kind, error) => report.fail({ kind, key: '*', error: `reading the source's ${kind} state failed, so none of it was replicated or pruned: ${error}` }),
    onForeign: (kind, label) => {
      const seen = foreign.get(kind);
      if (seen) seen.count++;
      else foreign.set(kind, { count: 1, example: label });
    },
  });
  for (const [kind, { count, example }] of foreign) {
    report.warnOnce(`${count} ${kind} entr${count === 1 ? 'y' : 'ies'} on other accounts' catalogs (e.g. ${example}) were not replicated: ` +
      'cross-account shares are granted by the owning account, which must share them with the replica Region itself.');
  }
  return state;
}
