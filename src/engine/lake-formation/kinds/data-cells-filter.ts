import {
  CreateDataCellsFilterCommand, DeleteDataCellsFilterCommand, paginateListDataCellsFilter, UpdateDataCellsFilterCommand,
} from '@aws-sdk/client-lakeformation';
import type { DataCellsFilter } from '@aws-sdk/client-lakeformation';
import type { LfKindModule } from './kind';
import { paging } from '../pages';
import { dropEmpty, lfChangedFields, lfKey } from '../shapes';

/** Data cells filters, on the Glue tables they filter: converged after them. */
export const dataCellsFilter: LfKindModule<'dataCellsFilter'> = {
  async read(r) {
    const out: DataCellsFilter[] = [];
    for await (const page of paginateListDataCellsFilter(paging(r.lf), {})) {
      for (const f of page.DataCellsFilters ?? []) {
        if (!r.ownCatalog(f.TableCatalogId)) {
          r.foreign('dataCellsFilter', filterName(f));
          continue;
        }
        if (r.scope.includes(f.DatabaseName!)) out.push(filterInput(f));
      }
    }
    return out;
  },

  async converge(c) {
    const existing = new Map(c.actual.map(f => [filterName(f), f]));
    const withCatalog = (f: DataCellsFilter): DataCellsFilter => ({ ...f, TableCatalogId: c.catalogId });
    for (const filter of c.source) {
      const key = filterName(filter);
      const have = existing.get(key);
      existing.delete(key);
      if (!have) {
        await c.write(key, 'created', () => c.lf.send(new CreateDataCellsFilterCommand({ TableData: withCatalog(filter) })), undefined,
          () => c.lf.send(new UpdateDataCellsFilterCommand({ TableData: withCatalog(filter) })));
      } else if (lfKey(have) === lfKey(filter)) {
        c.unchanged();
      } else {
        await c.write(key, 'updated', () => c.lf.send(new UpdateDataCellsFilterCommand({ TableData: withCatalog(filter) })), lfChangedFields(have, filter));
      }
    }
    for (const [key, { DatabaseName, TableName, Name }] of existing) {
      if (c.mayRemove(key)) await c.write(key, 'deleted', () => c.lf.send(new DeleteDataCellsFilterCommand({ DatabaseName, TableName, Name })));
    }
  },

  focus: (items, ref) => items.filter(f => f.DatabaseName === ref.database && f.TableName === ref.table && f.Name === ref.name),

  // Create and Update name the filter in its TableData, Delete at the top.
};

function filterName(f: DataCellsFilter): string {
  return `${f.DatabaseName}.${f.TableName}/${f.Name}`;
}

/** A filter as Create/UpdateDataCellsFilter take it: the version id and the account's catalog id dropped. */
function filterInput(f: DataCellsFilter): DataCellsFilter {
  return dropEmpty({
    TableCatalogId: undefined,
    DatabaseName: f.DatabaseName,
    TableName: f.TableName,
    Name: f.Name,
    RowFilter: f.RowFilter,
    ColumnNames: f.ColumnNames,
    ColumnWildcard: f.ColumnWildcard,
  }) as DataCellsFilter;
}
