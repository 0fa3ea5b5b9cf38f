import { CreateLFTagCommand, DeleteLFTagCommand, paginateListLFTags, UpdateLFTagCommand } from '@aws-sdk/client-lakeformation';
import type { LakeFormationClient } from '@aws-sdk/client-lakeformation';
import type { LfKindModule } from './kind';
import { chunk } from '../../kernel/concurrency';
import { paging } from '../pages';
import type { LfTag } from '../state';

/** CreateLFTag and UpdateLFTag take at most 50 values a call. */
const TAG_VALUES_PER_CALL = 50;

/**
 * LF-tags and their values. Grants, assignments and expressions name them, so missing tags and
 * values are added before the Glue objects, and what the source lacks is removed last.
 */
export const lfTag: LfKindModule<'lfTag'> = {
  async read(r) {
    const tags: LfTag[] = [];
    for await (const page of paginateListLFTags(paging(r.lf), {})) {
      for (const tag of page.LFTags ?? []) {
        if (r.ownCatalog(tag.CatalogId)) tags.push({ TagKey: tag.TagKey!, TagValues: [...tag.TagValues ?? []] });
      }
    }
    return tags;
  },

  async converge(c) {
    const existing = new Map(c.actual.map(t => [t.TagKey, t]));
    for (const tag of c.source) {
      const have = existing.get(tag.TagKey);
      if (!have) {
        await c.write(tag.TagKey, 'created', () => createTag(c.lf, tag), undefined, () => updateTagValues(c.lf, tag.TagKey, tag.TagValues, []));
        continue;
      }
      const add = tag.TagValues.filter(v => !have.TagValues.includes(v));
      if (add.length === 0) c.unchanged();
      else await c.write(tag.TagKey, 'updated', () => updateTagValues(c.lf, tag.TagKey, add, []), ['TagValues']);
    }
  },

  async removeExtras(c) {
    const wanted = new Map(c.source.map(t => [t.TagKey, t]));
    for (const have of c.actual) {
      const tag = wanted.get(have.TagKey);
      if (!tag) {
        if (c.mayRemove(have.TagKey)) await c.write(have.TagKey, 'deleted', () => deleteTag(c.lf, have.TagKey));
        continue;
      }
      const remove = have.TagValues.filter(v => !tag.TagValues.includes(v));
      if (remove.length > 0 && c.mayRemove(have.TagKey)) {
        await c.write(have.TagKey, 'updated', () => updateTagValues(c.lf, have.TagKey, [], remove), ['TagValues']);
      }
    }
  },

  focus: (items, ref) => items.filter(t => t.TagKey === ref.tagKey),
};

async function createTag(lf: LakeFormationClient, tag: LfTag): Promise<void> {
  const [first, ...rest] = chunk(tag.TagValues, TAG_VALUES_PER_CALL);
  await lf.send(new CreateLFTagCommand({ TagKey: tag.TagKey, TagValues: first }));
  for (const values of rest) await lf.send(new UpdateLFTagCommand({ TagKey: tag.TagKey, TagValuesToAdd: values }));
}

async function updateTagValues(lf: LakeFormationClient, TagKey: string, add: string[], remove: string[]): Promise<void> {
  for (const values of chunk(add, TAG_VALUES_PER_CALL)) await lf.send(new UpdateLFTagCommand({ TagKey, TagValuesToAdd: values }));
  for (const values of chunk(remove, TAG_VALUES_PER_CALL)) await lf.send(new UpdateLFTagCommand({ TagKey, TagValuesToDelete: values }));
}

async function deleteTag(lf: LakeFormationClient, TagKey: string): Promise<void> {
  await lf.send(new DeleteLFTagCommand({ TagKey }));
}
