import type { RegionCatalog } from './fake-lake';
import { database, table } from './fake-lake';
import type { RegionLakeFormation } from './lake-formation-fake';

/** The name of a tagged lake's i-th table. */
export const taggedTable = (i: number): string => `t_${String(i).padStart(4, '0')}`;

export interface TaggedLake {
  readonly databases: readonly string[];
  readonly tables: number;
  /** Each gets SELECT on every table. */
  readonly principals: readonly string[];
}

/**
 * A lake whose tables carry LF-tags, seeded into one Region's fake Glue catalog and fake Lake Formation: `tables`
 * unpartitioned tables a database, a tag on each database and each table, one on a column of every fifth table,
 * and SELECT on every table for each principal. Returns the number of tagged resources (databases, tables, columns).
 */
export function seedTaggedLake(catalog: RegionCatalog, lake: RegionLakeFormation, o: TaggedLake): number {
  lake.tag('domain', [...o.databases]).tag('tier', ['gold', 'silver']).tag('pii', ['true']);
  let tagged = 0;
  for (const db of o.databases) {
    catalog.addDatabase(database(db));
    lake.assign({ Database: { Name: db } }, 'domain', db);
    tagged++;
    for (let i = 0; i < o.tables; i++) {
      const name = taggedTable(i);
      catalog.addTable(table(db, name, { partitionKeys: [] }));
      lake.assign({ Table: { DatabaseName: db, Name: name } }, 'tier', i % 2 === 0 ? 'gold' : 'silver');
      tagged++;
      if (i % 5 === 0) {
        lake.assign({ TableWithColumns: { DatabaseName: db, Name: name, ColumnNames: ['id'] } }, 'pii', 'true');
        tagged++;
      }
      for (const principal of o.principals) lake.grant(principal, { Table: { DatabaseName: db, Name: name } }, ['SELECT']);
    }
  }
  return tagged;
}
