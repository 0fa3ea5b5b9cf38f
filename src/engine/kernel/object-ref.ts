import type { Resource } from '@aws-sdk/client-lakeformation';
import { canonicalKey } from './compare';
import { ATTACHED_KIND_NAMES, type AttachedKind } from '../../shared/attached-kinds';

/**
 * One replicated object that an event touched. An event is only a hint: the engine re-reads
 * the object's current state in the source and converges each target to it.
 */
export type ObjectRef =
  | { readonly kind: 'database'; readonly database: string }
  | { readonly kind: 'table'; readonly database: string; readonly table: string }
  /** A table's partitions; without `values`, all of them (the record omitted which). */
  | { readonly kind: 'partition'; readonly database: string; readonly table: string; readonly values?: readonly string[][] }
  /** Every object of one attached kind on a table, or (without `table`) on a database. */
  | { readonly kind: AttachedKind; readonly database: string; readonly table?: string }
  /** Every principal's permissions on one resource (as the source names it, before bucket mapping). */
  | { readonly kind: 'permission'; readonly resource: Resource }
  | { readonly kind: 'lfTag'; readonly tagKey: string }
  | { readonly kind: 'lfTagExpression'; readonly name: string }
  /** The LF-tags assigned to a `Database`, `Table` or `TableWithColumns` resource. */
  | { readonly kind: 'lfTagAssignment'; readonly resource: Resource }
  | { readonly kind: 'dataCellsFilter'; readonly database: string; readonly table: string; readonly name: string }
  | { readonly kind: 'dataLocation'; readonly resourceArn: string }
  | { readonly kind: 'dataLakeSettings' }
  | { readonly kind: 'optIn'; readonly resource: Resource };

export type ObjectRefKind = ObjectRef['kind'];

/** Glue kinds are converged by the Glue engine, the rest by the Lake Formation engine. */
export const GLUE_REF_KINDS: readonly ObjectRefKind[] = ['database', 'table', 'partition', ...ATTACHED_KIND_NAMES];

/** What converging one object in one target came to. */
export interface ObjectOutcome {
  readonly status: 'APPLIED' | 'SKIPPED' | 'FAILED';
  /** Why it was skipped or failed. */
  readonly reason?: string;
}

/** A stable identity for a ref: the same object always gives the same key. */
export function refKey(ref: ObjectRef): string {
  return canonicalKey(ref);
}

/** Converges named objects in one target Region: one outcome per ref, by `refKey`. */
export type ObjectConverger = (refs: ObjectRef[], targetRegion: string) => Promise<Map<string, ObjectOutcome>>;
