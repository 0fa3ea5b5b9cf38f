import { CreateCatalogCommand, DeleteCatalogCommand, GetCatalogsCommand, UpdateCatalogCommand } from '@aws-sdk/client-glue';
import type {
  Catalog, CatalogInput, CatalogProperties, DataLakeAccessProperties, GlueClient, IcebergOptimizationProperties,
} from '@aws-sdk/client-glue';
import type { AttachedKindModule } from './kind';
import { errorMessage, isAlreadyExists, isNotFound } from '../../kernel/errors';
import type { EntryError } from '../entry-error';
import { keep, type FieldRules, type ReplicaContext } from '../shapes';

/** A Glue catalog other than the account's default one, as the engine carries it: its name and its write shape. */
export interface CatalogItem {
  readonly Name: string;
  readonly CatalogInput: CatalogInput;
}

/** The write shape. `OverwriteChildResourcePermissionsWithDefault` is an instruction of one call, not state. */
const CATALOG_FIELDS: FieldRules<CatalogInput> = {
  Description: true,
  FederatedCatalog: true,
  Parameters: true,
  TargetRedshiftCatalog: true,
  CatalogProperties: true,
  CreateTableDefaultPermissions: true,
  CreateDatabaseDefaultPermissions: true,
  AllowFullTableExternalDataAccess: true,
  OverwriteChildResourcePermissionsWithDefault: false,
};
const PROPERTIES_FIELDS: FieldRules<CatalogProperties> = {
  DataLakeAccessProperties: true,
  IcebergOptimizationProperties: true,
  CustomProperties: true,
};
/** The output adds ManagedWorkgroupName, ManagedWorkgroupStatus, RedshiftDatabaseName and StatusMessage: the service's. */
const DATA_LAKE_ACCESS_FIELDS: FieldRules<DataLakeAccessProperties> = {
  DataLakeAccess: true,
  DataTransferRole: true,
  KmsKey: true,
  CatalogType: true,
};
/** The output adds LastUpdatedTime. */
const OPTIMIZATION_FIELDS: FieldRules<IcebergOptimizationProperties> = {
  RoleArn: true,
  Compaction: true,
  Retention: true,
  OrphanFileDeletion: true,
};

/** The catalog S3 Tables makes (and its children, one a table bucket): S3 Tables replication carries them. */
export const S3_TABLES_CATALOG = 's3tablescatalog';

/** The optimizations of IcebergOptimizationProperties, each a map whose `enabled` key switches it on. */
const OPTIMIZATIONS = ['Compaction', 'Retention', 'OrphanFileDeletion'] as const;

/** A catalog's write shape from what GetCatalogs answers (output-only members dropped). */
export function catalogInput(catalog: Catalog): CatalogInput {
  const input = keep<CatalogInput>(catalog, CATALOG_FIELDS);
  const properties = catalog.CatalogProperties;
  if (properties) {
    const out = keep<CatalogProperties>(properties, PROPERTIES_FIELDS);
    if (properties.DataLakeAccessProperties) out.DataLakeAccessProperties = keep(properties.DataLakeAccessProperties, DATA_LAKE_ACCESS_FIELDS);
    const optimization = properties.IcebergOptimizationProperties;
    if (optimization) out.IcebergOptimizationProperties = keep(optimization, OPTIMIZATION_FIELDS);
    input.CatalogProperties = out;
  }
  return input;
}

/**
 * Iceberg optimization properties as the DR Region holds them: the role mapped, and every optimization that says
 * `enabled` switched off, so no compaction, retention or orphan-file deletion runs on files S3 replication is still
 * delivering. The other settings are kept for the day of promotion.
 */
export function replicaOptimization(source: IcebergOptimizationProperties, ctx: ReplicaContext): IcebergOptimizationProperties {
  const out = structuredClone(source);
  if (out.RoleArn) out.RoleArn = ctx.roles.map(out.RoleArn);
  for (const o of OPTIMIZATIONS) if (out[o] && enabledKey(out[o]) !== undefined) out[o] = { ...out[o], [enabledKey(out[o])!]: 'false' };
  return out;
}

/** The replica's optimization properties with each optimization enabled as the source had it (`source`), else as they are. */
export function promotedOptimization(
  replica: IcebergOptimizationProperties, source: IcebergOptimizationProperties | undefined,
): IcebergOptimizationProperties {
  const out = structuredClone(replica);
  for (const o of OPTIMIZATIONS) {
    const key = out[o] && enabledKey(out[o]);
    const was = source?.[o] && enabledKey(source[o]) !== undefined ? source[o][enabledKey(source[o])!] : undefined;
    if (key !== undefined && was !== undefined) out[o] = { ...out[o], [key]: was };
  }
  return out;
}

/** The key of a map that switches an optimization (`enabled`, in any case). */
function enabledKey(map: Record<string, string>): string | undefined {
  return Object.keys(map).find(k => k.toLowerCase() === 'enabled');
}

/** An ARN of the source Region made the target's (a Redshift catalog's: the account and its name stay). */
function inTarget(arn: string, ctx: ReplicaContext): string {
  return arn.replace(`:${ctx.sourceRegion}:`, `:${ctx.targetRegion}:`);
}

/**
 * The account's catalogs other than its default one: federated catalogs (their metadata is read live from the remote
 * system, so the catalog object and its connection are what a DR Region needs) and other top-level ones. The S3
 * Tables catalog is read but left to S3 Tables replication.
 */
export const catalog: AttachedKindModule<CatalogItem> = {
  async read(glue) {
    const out: Array<{ item: CatalogItem }> = [];
    let NextToken: string | undefined;
    do {
      const page = await glue.send(new GetCatalogsCommand({ NextToken, MaxResults: 100 }));
      for (const c of page.CatalogList ?? []) if (c.Name) out.push({ item: { Name: c.Name, CatalogInput: catalogInput(c) } });
      NextToken = page.NextToken;
    } while (NextToken);
    return out;
  },

  key: c => c.Name,

  excluded: c => c.Name === S3_TABLES_CATALOG || c.CatalogInput.FederatedCatalog?.ConnectionName === 'aws:s3tables'
    ? `catalog ${c.Name} is an S3 Tables catalog: S3 Tables replication carries it and its tables, so it is not replicated here (its Lake Formation grants are)`
    : undefined,

  replica(c, ctx) {
    const input = structuredClone(c.CatalogInput);
    const access = input.CatalogProperties?.DataLakeAccessProperties;
    if (access?.DataTransferRole) access.DataTransferRole = ctx.roles.map(access.DataTransferRole);
    const optimization = input.CatalogProperties?.IcebergOptimizationProperties;
    if (optimization) input.CatalogProperties!.IcebergOptimizationProperties = replicaOptimization(optimization, ctx);
    if (input.TargetRedshiftCatalog?.CatalogArn) input.TargetRedshiftCatalog.CatalogArn = inTarget(input.TargetRedshiftCatalog.CatalogArn, ctx);
    return { Name: c.Name, CatalogInput: input };
  },

  promoted(replica, source) {
    const optimization = replica.CatalogInput.CatalogProperties?.IcebergOptimizationProperties;
    if (!optimization) return replica;
    const input = structuredClone(replica.CatalogInput);
    const was = source?.CatalogInput.CatalogProperties?.IcebergOptimizationProperties;
    input.CatalogProperties!.IcebergOptimizationProperties = promotedOptimization(optimization, was);
    return { Name: replica.Name, CatalogInput: input };
  },

  async write(glue, _owner, outcome, catalogs) {
    const errors: Array<EntryError<string>> = [];
    for (const c of catalogs) {
      try {
        await writeCatalog(glue, outcome, c);
      } catch (error) {
        errors.push({ key: c.Name, error: errorMessage(error), code: (error as { name?: string }).name });
      }
    }
    return errors;
  },
};

async function writeCatalog(glue: GlueClient, outcome: string, c: CatalogItem): Promise<void> {
  if (outcome === 'created') {
    await glue.send(new CreateCatalogCommand({ Name: c.Name, CatalogInput: c.CatalogInput }));
  } else if (outcome === 'updated') {
    try {
      await glue.send(new UpdateCatalogCommand({ CatalogId: c.Name, CatalogInput: c.CatalogInput }));
    } catch (error) {
      // Deleted meanwhile: the update's goal is a catalog like this one.
      if (!isNotFound(error)) throw error;
      await glue.send(new CreateCatalogCommand({ Name: c.Name, CatalogInput: c.CatalogInput })).catch(e => {
        if (!isAlreadyExists(e)) throw e;
      });
    }
  } else {
    await glue.send(new DeleteCatalogCommand({ CatalogId: c.Name }));
  }
}
