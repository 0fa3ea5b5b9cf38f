import { LakeFormationClient, type Resource } from '@aws-sdk/client-lakeformation';
import { KIND_MODULES } from './kinds';
import type { KindReader } from './kinds/kind';
import { ownResource, resourceInScope } from './shapes';
import { addStateItems, emptyState, type ItemOf, type LakeFormationState } from './state';
import { LAKE_FORMATION_KINDS, LF_KINDS, type LfKind } from '../../shared/lake-formation-kinds';
import { AwsClients } from '../kernel/clients';
import { errorMessage } from '../kernel/errors';
import { Scope } from '../kernel/scope';

export interface ReadLakeFormationOptions {
  readonly clients: AwsClients;
  readonly region: string;
  readonly scope: Scope;
  /** The kinds to read; the others are left empty and out of `kinds`. */
  readonly kinds: readonly LfKind[];
  /** The account's catalog id: resources in other catalogs are shares, not replicated. */
  readonly catalogId: string;
  /** A kind whose reading failed is left out of the state's `kinds`; this hears why. */
  readonly onReadError: (kind: LfKind, error: string) => void;
  /** Resources of another account's catalog that were left out, by kind. */
  readonly onForeign?: (kind: LfKind, label: string) => void;
}

/**
 * Reads one Region's Lake Formation state in scope, every listing paged to its end, kind by kind in
 * the table's order. Each kind is read on its own: one failing listing is reported and the others are
 * still read; a kind that needs another's listing (grants need the LF-tags) fails with it.
 */
export function readLakeFormation(o: ReadLakeFormationOptions): Promise<LakeFormationState> {
  return readKinds(kindReader(o), o.kinds, o.onReadError);
}

/** The listings of some kinds through one reader, as a state; a kind whose listing fails is left out of its `kinds`. */
export async function readKinds(
  reader: KindReader, kinds: readonly LfKind[], onReadError: (kind: LfKind, error: string) => void,
): Promise<LakeFormationState> {
  const state = emptyState();
  for (const kind of LF_KINDS.filter(k => kinds.includes(k))) {
    try {
      addStateItems(state, LAKE_FORMATION_KINDS[kind].field, await reader.listed(kind));
      state.kinds.push(kind);
    } catch (error) {
      onReadError(kind, errorMessage(error));
    }
  }
  return state;
}

/** The kinds a read must list to see `kinds` whole: those kinds, and what their reads list too when switched on. */
export function kindsToRead(kinds: readonly LfKind[], enabled: readonly LfKind[]): LfKind[] {
  const out = [...kinds];
  for (const kind of kinds) {
    for (const also of KIND_MODULES[kind].alsoReads ?? []) if (enabled.includes(also) && !out.includes(also)) out.push(also);
  }
  return out;
}

/** What the kinds read one Region with; each kind is listed at most once. */
export function kindReader(o: Omit<ReadLakeFormationOptions, 'onReadError'>): KindReader {
  const listings = new Map<LfKind, Promise<unknown[]>>();
  const reader: KindReader = {
    clients: o.clients,
    region: o.region,
    lf: o.clients.get(LakeFormationClient, o.region),
    scope: o.scope,
    catalogId: o.catalogId,
    reads: kind => o.kinds.includes(kind),
    listed<K extends LfKind>(kind: K): Promise<Array<ItemOf<K>>> {
      let listing = listings.get(kind);
      if (!listing) listings.set(kind, listing = KIND_MODULES[kind].read(reader));
      return listing as Promise<Array<ItemOf<K>>>;
    },
    ownResource(kind: LfKind, resource: Resource | undefined): Resource | undefined {
      if (!resource) return undefined;
      const own = ownResource(resource, o.catalogId);
      if (!own) {
        o.onForeign?.(kind, JSON.stringify(resource));
        return undefined;
      }
      return resourceInScope(own, o.scope) ? own : undefined;
    },
    ownCatalog: catalogId => catalogId === undefined || catalogId === o.catalogId,
    foreign: (kind, label) => o.onForeign?.(kind, label),
  };
  return reader;
}
