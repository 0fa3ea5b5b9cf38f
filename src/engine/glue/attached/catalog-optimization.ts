import { GetCatalogCommand, UpdateCatalogCommand } from '@aws-sdk/client-glue';
import type { CatalogInput, GlueClient, IcebergOptimizationProperties } from '@aws-sdk/client-glue';
import { catalogInput, promotedOptimization, replicaOptimization } from './catalog';
import type { AttachedKindModule, Owner } from './kind';
import { errorMessage } from '../../kernel/errors';

/** The default catalog's Iceberg optimization settings: one object, named `default`. */
export interface CatalogOptimizationItem {
  readonly Name: 'default';
  readonly IcebergOptimizationProperties: IcebergOptimizationProperties;
}

/** The key of the default catalog's settings. */
const DEFAULT = 'default';

function catalogIdOf(owner: Owner): string {
  if (!owner.catalogId) throw new Error('the default catalog\'s optimization settings need the account\'s catalog id');
  return owner.catalogId;
}

/** The default catalog's write shape, as the Region holds it now. */
async function defaultCatalog(glue: GlueClient, owner: Owner): Promise<CatalogInput> {
  const found = await glue.send(new GetCatalogCommand({ CatalogId: catalogIdOf(owner) }));
  return found.Catalog ? catalogInput(found.Catalog) : {};
}

/**
 * The Iceberg optimization settings (compaction, retention, orphan-file deletion) of the account's default catalog,
 * which its Iceberg tables inherit. Replicated with the role mapped and every optimization disabled; written by
 * reading the target's default catalog and sending it back whole with only these settings changed, so its other
 * members (its Parameters above all, where a promotion may keep its mark) stay as the target has them.
 */
export const catalogOptimization: AttachedKindModule<CatalogOptimizationItem> = {
  async read(glue, owner) {
    const optimization = (await defaultCatalog(glue, owner)).CatalogProperties?.IcebergOptimizationProperties;
    return optimization ? [{ item: { Name: DEFAULT, IcebergOptimizationProperties: optimization } }] : [];
  },

  key: () => DEFAULT,

  replica: (item, ctx) => ({ Name: DEFAULT, IcebergOptimizationProperties: replicaOptimization(item.IcebergOptimizationProperties, ctx) }),

  promoted: (replica, source) => ({
    Name: DEFAULT,
    IcebergOptimizationProperties: promotedOptimization(replica.IcebergOptimizationProperties, source?.IcebergOptimizationProperties),
  }),

  async write(glue, owner, outcome, items) {
    try {
      const current = await defaultCatalog(glue, owner);
      const properties = { ...current.CatalogProperties };
      if (outcome === 'deleted') delete properties.IcebergOptimizationProperties;
      else properties.IcebergOptimizationProperties = items[0].IcebergOptimizationProperties;
      await glue.send(new UpdateCatalogCommand({ CatalogId: catalogIdOf(owner), CatalogInput: { ...current, CatalogProperties: properties } }));
      return [];
    } catch (error) {
      return [{ key: DEFAULT, error: errorMessage(error), code: (error as { name?: string }).name }];
    }
  },
};
