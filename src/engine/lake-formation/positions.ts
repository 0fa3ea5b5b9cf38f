import type { Resource } from '@aws-sdk/client-lakeformation';
import { resourceDatabase } from './shapes';
import type { ItemOf } from './state';
import type { LfKind } from '../../shared/lake-formation-kinds';

/**
 * Where an object sits in the catalog: its database and table, '' for none. Account-wide objects
 * (settings, LF-tags, expressions, locations, and grants on them) sit before every database. An object's
 * comparison key fixes its position and a bucket mapping never moves it, so a kind converged position
 * by position, split anywhere between positions, decides exactly what it decides converged whole.
 */
export type Position = readonly [database: string, table: string];

export const ACCOUNT_WIDE: Position = ['', ''];

const accountWide = (): Position => ACCOUNT_WIDE;
const onResource = (item: { readonly Resource: Resource }): Position => resourcePosition(item.Resource);

/** Each kind's objects' positions: the compiler asks for a new kind's. */
const POSITIONS: { readonly [K in LfKind]: (item: ItemOf<K>) => Position } = {
  dataLakeSettings: accountWide,
  lfTag: accountWide,
  lfTagExpression: accountWide,
  dataLocation: accountWide,
  dataCellsFilter: f => [f.DatabaseName ?? '', f.TableName ?? ''],
  optIn: onResource,
  lfTagAssignment: onResource,
  permission: onResource,
};

export function positionOf<K extends LfKind>(kind: K, item: ItemOf<K>): Position {
  return (POSITIONS[kind] as (item: ItemOf<K>) => Position)(item);
}

/** A resource's database and table; a table wildcard, like the database itself, has no table. */
export function resourcePosition(resource: Resource): Position {
  const database = resourceDatabase(resource);
  if (database === undefined) return ACCOUNT_WIDE;
  return [database, resource.Table?.Name ?? resource.TableWithColumns?.Name ?? resource.DataCellsFilter?.TableName ?? ''];
}

export function comparePositions(a: Position, b: Position): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

/** Several sides' objects at a run of consecutive positions. */
export interface PositionChunk<T> {
  /** The chunk's last position: where the next chunk goes on after. */
  readonly last: Position;
  /** Each side's objects at the chunk's positions, sides in the order given. */
  readonly sides: T[][];
}

/**
 * Several sides' objects (the source's, then each target's) in position order after `after`, in chunks
 * of at least `size` objects that never split a position, so each chunk still fills whole write batches.
 */
export function positionChunks<T>(
  sides: ReadonlyArray<readonly T[]>, position: (item: T) => Position, size: number, after?: Position,
): Array<PositionChunk<T>> {
  const byPosition = new Map<string, { position: Position; sides: T[][] }>();
  sides.forEach((items, side) => {
    for (const item of items) {
      const where = position(item);
      if (after && comparePositions(where, after) <= 0) continue;
      const key = where.join('\u0000');
      let group = byPosition.get(key);
      if (!group) byPosition.set(key, group = { position: where, sides: sides.map(() => []) });
      group.sides[side].push(item);
    }
  });
  const ordered = [...byPosition.values()].sort((a, b) => comparePositions(a.position, b.position));
  const chunks: Array<PositionChunk<T>> = [];
  let current: T[][] = sides.map(() => []);
  let objects = 0;
  for (const [i, at] of ordered.entries()) {
    at.sides.forEach((items, side) => current[side].push(...items));
    objects += at.sides.reduce((n, items) => n + items.length, 0);
    if (objects >= size || i === ordered.length - 1) {
      chunks.push({ last: at.position, sides: current });
      current = sides.map(() => []);
      objects = 0;
    }
  }
  return chunks;
}
