import { chunk } from '../kernel/concurrency';
import { addStateItems, emptyState, stateItems, STATE_FIELDS, type LakeFormationState, type LfField, type LfKind } from '../lake-formation';

/** Items a Lake Formation record holds at most, so one line stays small. */
const ITEMS_PER_RECORD = 1000;

/** The snapshot records of a Lake Formation state, one field a kind, in the order a restore applies them. */
export function* lakeFormationRecords(state: LakeFormationState): Iterable<{ lakeFormation: LfField; items: unknown[] }> {
  for (const field of STATE_FIELDS) {
    for (const part of chunk(stateItems(state, field), ITEMS_PER_RECORD)) yield { lakeFormation: field, items: part };
  }
}

/** Counts the items of a state as the trailer does. */
export function lakeFormationItems(state: LakeFormationState): number {
  let n = 0;
  for (const record of lakeFormationRecords(state)) n += record.items.length;
  return n;
}

/** Collects records back into a state; `kinds` comes from the header. */
export class LakeFormationCollector {
  readonly state: LakeFormationState;
  items = 0;

  constructor(kinds: readonly LfKind[]) {
    this.state = emptyState();
    this.state.kinds.push(...kinds);
  }

  add(field: LfField, items: unknown[]): void {
    if (!STATE_FIELDS.includes(field)) throw new Error(`unknown Lake Formation record "${field}"`);
    this.items += items.length;
    addStateItems(this.state, field, items);
  }
}
