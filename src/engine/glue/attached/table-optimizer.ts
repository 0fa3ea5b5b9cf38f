import {
  BatchGetTableOptimizerCommand, CreateTableOptimizerCommand, DeleteTableOptimizerCommand, GetDatabaseCommand, UpdateTableOptimizerCommand,
} from '@aws-sdk/client-glue';
import type { GlueClient, TableInput, TableOptimizerConfiguration, TableOptimizerType } from '@aws-sdk/client-glue';
import type { AttachedKindModule, AttachedRead, Owner } from './kind';
import { errorMessage, isNotFound } from '../../kernel/errors';
import type { EntryError } from '../entry-error';
import { keep, mapUri, type FieldRules } from '../shapes';

/** One optimizer of a table: its type (one of each at most) and its configuration, as CreateTableOptimizer takes them. */
export interface TableOptimizerItem {
  readonly type: TableOptimizerType;
  readonly configuration: TableOptimizerConfiguration;
}

/** The types Glue has, in the order they are read and written. */
export const OPTIMIZER_TYPES: readonly TableOptimizerType[] = ['compaction', 'retention', 'orphan_file_deletion'];

/** The write shape of a configuration; a new SDK member is a compile error until someone decides on it. */
const CONFIGURATION_FIELDS: FieldRules<TableOptimizerConfiguration> = {
  roleArn: true,
  enabled: true,
  vpcConfiguration: true,
  compactionConfiguration: true,
  retentionConfiguration: true,
  orphanFileDeletionConfiguration: true,
};

/** Glue runs table optimizers on Iceberg tables only (not on views or resource links). */
export function isIcebergTable(table: TableInput): boolean {
  return !table.TargetTable && !table.ViewDefinition && table.TableType !== 'VIRTUAL_VIEW'
    && (table.Parameters?.table_type ?? '').toUpperCase() === 'ICEBERG';
}

/**
 * An Iceberg table's optimizers (compaction, snapshot retention, orphan-file deletion). The configuration is
 * replicated with its role mapped and its orphan-file location's bucket mapped, but always **disabled**: a
 * retention or orphan-file deletion run in the DR Region could delete files S3 replication has delivered before
 * the replicated metadata points at them. Runs are never replicated. `promoted()` switches an optimizer back on as
 * the source ran it (`lake-replica promote`).
 */
export const tableOptimizer: AttachedKindModule<TableOptimizerItem> = {
  appliesTo: isIcebergTable,

  async read(glue, owner) {
    const CatalogId = await catalogIdOf(glue, owner.database);
    if (CatalogId === undefined) return [];
    const answer = await glue.send(new BatchGetTableOptimizerCommand({
      Entries: OPTIMIZER_TYPES.map(type => ({ catalogId: CatalogId, databaseName: owner.database, tableName: owner.table, type })),
    }));
    const failed = (answer.Failures ?? []).filter(f => f.error?.ErrorCode !== 'EntityNotFoundException');
    if (failed.length > 0) {
      throw new Error(failed.map(f => `${f.type}: ${f.error?.ErrorCode ?? 'error'} ${f.error?.ErrorMessage ?? ''}`.trim()).join('; '));
    }
    const out: Array<AttachedRead<TableOptimizerItem>> = [];
    for (const found of answer.TableOptimizers ?? []) {
      const o = found.tableOptimizer;
      if (!o?.type) continue;
      out.push({ item: { type: o.type, configuration: keep<TableOptimizerConfiguration>(o.configuration ?? {}, CONFIGURATION_FIELDS) } });
    }
    return out.sort((a, b) => OPTIMIZER_TYPES.indexOf(a.item.type) - OPTIMIZER_TYPES.indexOf(b.item.type));
  },

  key: o => o.type,

  replica(o, ctx) {
    const configuration = structuredClone(o.configuration);
    if (configuration.roleArn) configuration.roleArn = ctx.roles.map(configuration.roleArn);
    const orphans = configuration.orphanFileDeletionConfiguration?.icebergConfiguration;
    if (orphans?.location) orphans.location = mapUri(orphans.location, ctx);
    configuration.enabled = false;
    return { type: o.type, configuration };
  },

  // Enabled as the source ran it when a snapshot (or a live read) says; without one, enabled: the replica exists
  // because the source has the optimizer configured (docs/runbook.md).
  promoted: (replica, source) => ({
    type: replica.type,
    configuration: { ...structuredClone(replica.configuration), enabled: source ? source.configuration.enabled ?? false : true },
  }),

  async write(glue, owner, outcome, optimizers) {
    const errors: Array<EntryError<string>> = [];
    const CatalogId = await catalogIdOf(glue, owner.database);
    if (CatalogId === undefined) {
      const error = `database ${owner.database} not found`;
      return optimizers.map(o => ({ key: o.type, error, code: 'EntityNotFoundException' }));
    }
    for (const o of optimizers) {
      const request = { CatalogId, DatabaseName: owner.database, TableName: owner.table!, Type: o.type };
      try {
        if (outcome === 'created') await glue.send(new CreateTableOptimizerCommand({ ...request, TableOptimizerConfiguration: o.configuration }));
        else if (outcome === 'updated') await update(glue, request, o.configuration);
        else await glue.send(new DeleteTableOptimizerCommand(request));
      } catch (error) {
        errors.push({ key: o.type, error: errorMessage(error), code: (error as { name?: string }).name });
      }
    }
    return errors;
  },
};

interface OptimizerName {
  readonly CatalogId: string;
  readonly DatabaseName: string;
  readonly TableName: string;
  readonly Type: TableOptimizerType;
}

/** Updates an optimizer in place, or creates it when it is gone meanwhile. */
async function update(glue: GlueClient, request: OptimizerName, TableOptimizerConfiguration: TableOptimizerConfiguration): Promise<void> {
  try {
    await glue.send(new UpdateTableOptimizerCommand({ ...request, TableOptimizerConfiguration }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await glue.send(new CreateTableOptimizerCommand({ ...request, TableOptimizerConfiguration }));
  }
}

/** The optimizer APIs take the catalog's id (the account's); read once a client from a database's record. */
const catalogIds = new WeakMap<GlueClient, Promise<string | undefined>>();

async function catalogIdOf(glue: GlueClient, database: Owner['database']): Promise<string | undefined> {
  let id = catalogIds.get(glue);
  if (!id) {
    id = glue.send(new GetDatabaseCommand({ Name: database })).then(r => r.Database?.CatalogId);
    catalogIds.set(glue, id);
  }
  try {
    const found = await id;
    if (found === undefined) catalogIds.delete(glue);
    return found;
  } catch (error) {
    // Not cached: the next owner's database may exist.
    catalogIds.delete(glue);
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
