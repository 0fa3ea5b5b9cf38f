import { readLakeFormation } from './source';
import type { LakeFormationState } from './state';
import type { LfKind } from '../../shared/lake-formation-kinds';
import { AwsClients } from '../kernel/clients';
import type { Failure, ReportBuilder } from '../kernel/report';
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
  const foreign = new ForeignEntries();
  const state = await readLakeFormation({
    clients,
    region,
    scope,
    kinds,
    catalogId,
    onReadError: (kind, error) => report.fail(sourceReadFailure(kind, error)),
    onForeign: foreign.note,
  });
  foreign.warn(report);
  return state;
}

/** The failure of a source listing: nothing of the kind is replicated or pruned. */
export function sourceReadFailure(kind: LfKind, error: string): Failure {
  return { kind, key: '*', error: `reading the source's ${kind} state failed, so none of it was replicated or pruned: ${error}` };
}

/** The source's entries on other accounts' catalogs, left out: one warning a kind, with a count and an example. */
export class ForeignEntries {
  private readonly seen = new Map<LfKind, { count: number; example: string }>();

  readonly note = (kind: LfKind, label: string): void => {
    const seen = this.seen.get(kind);
    if (seen) seen.count++;
    else this.seen.set(kind, { count: 1, example: label });
  };

  warn(report: ReportBuilder): void {
    for (const [kind, { count, example }] of this.seen) {
      report.warnOnce(`${count} ${kind} entr${count === 1 ? 'y' : 'ies'} on other accounts' catalogs (e.g. ${example}) were not replicated: ` +
        'cross-account shares are granted by the owning account, which must share them with the replica Region itself.');
    }
  }
}
