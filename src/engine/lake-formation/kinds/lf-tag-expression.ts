import {
  CreateLFTagExpressionCommand, DeleteLFTagExpressionCommand, paginateListLFTagExpressions, UpdateLFTagExpressionCommand,
} from '@aws-sdk/client-lakeformation';
import type { LfKindModule } from './kind';
import { paging } from '../pages';
import { dropEmpty, lfKey } from '../shapes';
import type { LfTagExpression } from '../state';

/** Named LF-tag expressions. Grants name them, so they are put before the Glue objects and removed last. */
export const lfTagExpression: LfKindModule<'lfTagExpression'> = {
  async read(r) {
    // Without LF-tags there is no expression to list.
    if ((await r.listed('lfTag')).length === 0) return [];
    const out: LfTagExpression[] = [];
    for await (const page of paginateListLFTagExpressions(paging(r.lf), {})) {
      for (const e of page.LFTagExpressions ?? []) {
        if (!r.ownCatalog(e.CatalogId)) continue;
        const Expression = (e.Expression ?? []).map(t => ({ TagKey: t.TagKey!, TagValues: [...t.TagValues ?? []] }));
        out.push(dropEmpty({ Name: e.Name!, Description: e.Description, Expression }));
      }
    }
    return out;
  },

  async converge(c) {
    const existing = new Map(c.actual.map(e => [e.Name, e]));
    for (const expression of c.source) {
      const have = existing.get(expression.Name);
      if (!have) {
        await c.write(expression.Name, 'created', () => c.lf.send(new CreateLFTagExpressionCommand(expression)), undefined,
          () => c.lf.send(new UpdateLFTagExpressionCommand(expression)));
      } else if (lfKey(have) === lfKey(expression)) {
        c.unchanged();
      } else {
        await c.write(expression.Name, 'updated', () => c.lf.send(new UpdateLFTagExpressionCommand(expression)), ['Expression']);
      }
    }
  },

  async removeExtras(c) {
    const wanted = new Set(c.source.map(e => e.Name));
    for (const have of c.actual) {
      if (!wanted.has(have.Name) && c.mayRemove(have.Name)) {
        await c.write(have.Name, 'deleted', () => c.lf.send(new DeleteLFTagExpressionCommand({ Name: have.Name })));
      }
    }
  },

  focus: (items, ref) => items.filter(e => e.Name === ref.name),
};
