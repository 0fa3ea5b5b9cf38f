import { GetCatalogCommand, UpdateCatalogCommand } from '@aws-sdk/client-glue';
import type { Catalog, GlueClient } from '@aws-sdk/client-glue';
import { catalogInput } from '../glue/attached';
import { errorMessage, isNotFound } from '../kernel/errors';

/**
 * The default catalog's parameter that marks a Region promoted to the primary (`lake-replica promote`): its value is
 * when. It lives in the Region's own Data Catalog, so every writer (the CLI, the job, the applier) sees it with the
 * catalog's read permission, it survives the loss of the old source Region, and `lake-replica demote` removes it.
 */
export const PROMOTED_PARAMETER = 'lake-replica:promoted';

/** When the Region was promoted, or undefined when it is not. */
export async function promotedAt(glue: GlueClient, catalogId: string): Promise<string | undefined> {
  const catalog = await readCatalog(glue, catalogId);
  return catalog?.Parameters?.[PROMOTED_PARAMETER];
}

/**
 * Sets (`at`) or removes (undefined) the mark, keeping every other field of the default catalog as it is (its
 * optimization properties included): read, modify, write.
 */
export async function setPromoted(glue: GlueClient, catalogId: string, at: string | undefined): Promise<void> {
  const catalog = await readCatalog(glue, catalogId);
  const input = catalog ? catalogInput(catalog) : {};
  const Parameters = { ...input.Parameters };
  if (at === undefined) delete Parameters[PROMOTED_PARAMETER];
  else Parameters[PROMOTED_PARAMETER] = at;
  await glue.send(new UpdateCatalogCommand({ CatalogId: catalogId, CatalogInput: { ...input, Parameters } }));
}

async function readCatalog(glue: GlueClient, catalogId: string): Promise<Catalog | undefined> {
  try {
    return (await glue.send(new GetCatalogCommand({ CatalogId: catalogId })))?.Catalog;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** A writing run refused because a target is a promoted Region. */
export class PromotedRegionRefused extends Error {
  constructor(readonly region: string, readonly at: string) {
    super(`Region ${region} was promoted to the primary (lake-replica promote, ${at}), so nothing replicates into it: the old `
      + `source coming back must not overwrite it. To stop replicating into it for good, remove ${region} from targetRegions `
      + `(or --target-region); to fail back into it (after the reverse sync, docs/runbook.md), run "lake-replica demote --region ${region}".`);
    this.name = 'PromotedRegionRefused';
  }
}

/** When Region `region` was promoted, or undefined; a failed read names the Region and the call. */
export async function promotedMark(glue: GlueClient, catalogId: string, region: string): Promise<string | undefined> {
  try {
    return await promotedAt(glue, catalogId);
  } catch (error) {
    throw new Error(`reading whether Region ${region} is promoted (GetCatalog ${catalogId}) failed: ${errorMessage(error)}`);
  }
}
