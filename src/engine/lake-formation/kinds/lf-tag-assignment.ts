import { GlueClient } from '@aws-sdk/client-glue';
import { AddLFTagsToResourceCommand, GetResourceLFTagsCommand, RemoveLFTagsFromResourceCommand } from '@aws-sdk/client-lakeformation';
import type { LakeFormationClient, LFTagError, LFTagPair, Resource } from '@aws-sdk/client-lakeformation';
import type { KindConvergence, LfKindModule, Write } from './kind';
import { databasePages, tablePages } from '../../glue';
import { forEachConcurrent } from '../../kernel/concurrency';
import { notFoundAsUndefined } from '../../kernel/errors';
import { lfKey, resourceLabel } from '../shapes';
import type { LfTag, TagAssignment } from '../state';

/** GetResourceLFTags calls in flight at once. */
const TAG_READS = 8;

/**
 * The LF-tags assigned directly to databases, tables and columns. There is no listing of them: they
 * are read per database and table, and for one object only for that database or table.
 */
export const lfTagAssignment: LfKindModule<'lfTagAssignment'> = {
  async read(r) {
    if ((await r.listed('lfTag')).length === 0) return []; // no LF-tag, so nothing can be assigned
    const glue = r.clients.get(GlueClient, r.region);
    const out: TagAssignment[] = [];
    for await (const page of databasePages(glue)) {
      const databases = page.filter(d => d.Name && r.scope.includes(d.Name) && !d.TargetDatabase).map(d => d.Name!);
      await forEachConcurrent(databases, TAG_READS, async (Name) => {
        out.push(...await resourceAssignments(r.lf, { Database: { Name } }));
      });
      for (const DatabaseName of databases) {
        for await (const tables of tablePages(glue, DatabaseName)) {
          await forEachConcurrent(tables.filter(t => !t.TargetTable), TAG_READS, async ({ Name }) => {
            out.push(...await resourceAssignments(r.lf, { Table: { DatabaseName, Name } }));
          });
        }
      }
    }
    return out;
  },

  async converge(c) {
    const existing = new Map(c.actual.map(a => [lfKey(a.Resource), a]));
    for (const wanted of c.source) {
      const k = lfKey(wanted.Resource);
      const have = existing.get(k);
      existing.delete(k);
      const add = wanted.LFTags.filter(t => !have?.LFTags.some(h => lfKey(h) === lfKey(t)));
      const remove = (have?.LFTags ?? []).filter(h => !wanted.LFTags.some(t => t.TagKey === h.TagKey));
      if (add.length > 0) await tagWrite(c, wanted.Resource, have ? 'updated' : 'created', add, AddLFTagsToResourceCommand);
      if (remove.length > 0 && c.mayRemove(resourceLabel(wanted.Resource))) {
        await tagWrite(c, wanted.Resource, 'deleted', remove, RemoveLFTagsFromResourceCommand);
      }
      if (add.length === 0 && remove.length === 0) c.unchanged();
    }
    for (const extra of existing.values()) {
      if (c.mayRemove(resourceLabel(extra.Resource))) await tagWrite(c, extra.Resource, 'deleted', extra.LFTags, RemoveLFTagsFromResourceCommand);
    }
  },

  focus: (items, ref) => {
    const table = tableOf(ref.resource);
    return items.filter(a => ref.resource.Database
      ? a.Resource.Database?.Name === ref.resource.Database.Name
      : tableOf(a.Resource)?.DatabaseName === table?.DatabaseName && tableOf(a.Resource)?.Name === table?.Name);
  },

  /** The tags of the ref's database, or of its table and that table's columns. */
  async readOne(r, ref) {
    const table = tableOf(ref.resource);
    const resource: Resource = ref.resource.Database
      ? { Database: { Name: ref.resource.Database.Name } }
      : { Table: { DatabaseName: table!.DatabaseName, Name: table!.Name } };
    // A resource deleted since the event has no tags.
    return await notFoundAsUndefined(resourceAssignments(r.lf, resource)) ?? [];
  },

  skipReason: ({ resource }) => (resource.Database || (resource.Table?.Name ?? resource.TableWithColumns?.Name) ? undefined
    : 'tags are assigned to a database, a named table or its columns; this resource is none of them'),
};

function tableOf(resource: Resource): { DatabaseName?: string; Name?: string } | undefined {
  return resource.Table ?? resource.TableWithColumns;
}

/** Adds or removes tags on one resource; a tag Lake Formation refused fails the resource. */
async function tagWrite(
  c: KindConvergence<'lfTagAssignment'>, Resource: Resource, outcome: Write, LFTags: LfTag[],
  Command: typeof AddLFTagsToResourceCommand | typeof RemoveLFTagsFromResourceCommand,
): Promise<void> {
  await c.write(resourceLabel(Resource), outcome, async () => {
    const { Failures } = await c.lf.send(new Command({ Resource, LFTags }));
    const errors = tagErrors(Failures);
    if (errors.length > 0) throw new Error(errors.join('; '));
  }, LFTags.map(t => t.TagKey));
}

/** The LF-tags assigned directly to one database, or to one table and its columns (inherited ones are not listed). */
async function resourceAssignments(lf: LakeFormationClient, resource: Resource): Promise<TagAssignment[]> {
  const out: TagAssignment[] = [];
  const r = await lf.send(new GetResourceLFTagsCommand({ Resource: resource, ShowAssignedLFTags: true }));
  if (resource.Database) {
    pushAssignment(out, resource, r.LFTagOnDatabase);
    return out;
  }
  const { DatabaseName, Name } = resource.Table!;
  pushAssignment(out, resource, r.LFTagsOnTable);
  for (const column of r.LFTagsOnColumns ?? []) {
    pushAssignment(out, { TableWithColumns: { DatabaseName, Name, ColumnNames: [column.Name!] } }, column.LFTags);
  }
  return out;
}

function pushAssignment(out: TagAssignment[], resource: Resource, tags: LFTagPair[] | undefined): void {
  const LFTags = (tags ?? []).map(t => ({ TagKey: t.TagKey!, TagValues: [...t.TagValues ?? []] }));
  if (LFTags.length > 0) out.push({ Resource: resource, LFTags });
}

function tagErrors(failures: LFTagError[] | undefined): string[] {
  return (failures ?? []).map(f => `${f.LFTag?.TagKey}=${(f.LFTag?.TagValues ?? []).join('|')}: ${[f.Error?.ErrorCode, f.Error?.ErrorMessage].filter(Boolean).join(': ')}`);
}
