import type {
  Database, DatabaseIdentifier, DatabaseInput, Partition, PartitionInput, StorageDescriptor, Table, TableIdentifier, TableInput,
  ViewDefinition, ViewDefinitionInput, ViewRepresentation, ViewRepresentationInput,
} from '@aws-sdk/client-glue';
import type { BucketMapper } from '../../shared/bucket-mapping';
import type { ConnectionMapper } from '../../shared/connection-mapping';
import type { RoleMapper } from '../../shared/role-mapping';

/**
 * Write shapes are built from read shapes by keeping the fields of the SDK's input type.
 * Each table below must name every key of its input type (the compiler checks it), so a new
 * SDK field is a compile error until someone decides whether it is replicated. Output-only
 * read fields (CreateTime, VersionId, CatalogId, IsRegisteredWithLakeFormation, ...) are never
 * listed, so they can never leak into a write.
 */
export type FieldRules<T> = { readonly [K in keyof Required<T>]: boolean };

const DATABASE_FIELDS: FieldRules<DatabaseInput> = {
  Name: true,
  Description: true,
  LocationUri: true,
  Parameters: true,
  CreateTableDefaultPermissions: true,
  TargetDatabase: true,
  FederatedDatabase: true,
};

const TABLE_FIELDS: FieldRules<TableInput> = {
  Name: true,
  Description: true,
  Owner: true,
  // Changes on every query in some engines; replicating it would turn reads into writes.
  LastAccessTime: false,
  LastAnalyzedTime: true,
  Retention: true,
  StorageDescriptor: true,
  PartitionKeys: true,
  ViewOriginalText: true,
  ViewExpandedText: true,
  TableType: true,
  Parameters: true,
  TargetTable: true,
  // Output of a catalog federation: the federation creates it; a write would be rejected.
  FederatedTable: false,
  // Read and write shapes differ; converted by viewDefinitionInput().
  ViewDefinition: false,
};

const PARTITION_FIELDS: FieldRules<PartitionInput> = {
  Values: true,
  LastAccessTime: false,
  StorageDescriptor: true,
  Parameters: true,
  LastAnalyzedTime: true,
};

const VIEW_DEFINITION_FIELDS: FieldRules<ViewDefinitionInput> = {
  IsProtected: true,
  IsManaged: true,
  Definer: true,
  Representations: false,
  ViewVersionId: true,
  ViewVersionToken: true,
  RefreshSeconds: true,
  LastRefreshType: true,
  SubObjects: true,
  SubObjectVersionIds: true,
  SubObjectsStatistics: true,
  SparkPipelineInfo: true,
};

const VIEW_REPRESENTATION_FIELDS: FieldRules<ViewRepresentationInput> = {
  Dialect: true,
  DialectVersion: true,
  ViewOriginalText: true,
  ValidationConnection: true,
  ViewExpandedText: true,
};

export function keep<T>(source: object, rules: FieldRules<T>): T {
  const out: Record<string, unknown> = {};
  for (const [key, copy] of Object.entries(rules)) {
    const value = (source as Record<string, unknown>)[key];
    if (copy && value !== undefined && value !== null) out[key] = structuredClone(value);
  }
  return out as T;
}

export function databaseInput(database: Database | DatabaseInput): DatabaseInput {
  return keep<DatabaseInput>(database, DATABASE_FIELDS);
}

export function tableInput(table: Table | TableInput): TableInput {
  const input = keep<TableInput>(table, TABLE_FIELDS);
  if (table.ViewDefinition) input.ViewDefinition = viewDefinitionInput(table.ViewDefinition);
  return input;
}

export function partitionInput(partition: Partition | PartitionInput): PartitionInput {
  return keep<PartitionInput>(partition, PARTITION_FIELDS);
}

function viewDefinitionInput(view: ViewDefinition | ViewDefinitionInput): ViewDefinitionInput {
  const input = keep<ViewDefinitionInput>(view, VIEW_DEFINITION_FIELDS);
  const representations = view.Representations as Array<ViewRepresentation | ViewRepresentationInput> | undefined;
  if (representations) input.Representations = representations.map(r => keep<ViewRepresentationInput>(r, VIEW_REPRESENTATION_FIELDS));
  return input;
}

/** Timestamp fields of the input shapes; JSON snapshots store them as ISO strings. */
const TIMESTAMP_FIELDS = ['LastAnalyzedTime', 'LastAccessTime'] as const;

/** Turns ISO strings back into Dates after a JSON round trip, as the SDK serializers expect. */
export function reviveTimestamps<T extends object>(input: T): T {
  for (const key of TIMESTAMP_FIELDS) {
    const value = (input as Record<string, unknown>)[key];
    if (typeof value === 'string') (input as Record<string, unknown>)[key] = new Date(value);
  }
  return input;
}

/** A table that can hold partitions: not a view, not a resource link, with partition keys. */
export function hasPartitions(table: TableInput): boolean {
  return !table.TargetTable && table.TableType !== 'VIRTUAL_VIEW' && (table.PartitionKeys?.length ?? 0) > 0;
}

/** A partition's identity within its table: its values, as JSON. */
export function partitionKey(values: readonly string[] | undefined): string {
  return JSON.stringify(values ?? []);
}

/** What it takes to turn a source object into its replica for one target Region. */
export interface ReplicaContext {
  readonly sourceRegion: string;
  readonly sourceCatalogId: string;
  readonly targetRegion: string;
  readonly mapper: BucketMapper;
  /** The role each source role becomes in this target (the source's own when no mapping names it: IAM is global). */
  readonly roles: RoleMapper;
  /** Each connection's secret and network settings in this target (connectionMappings); none when absent. */
  readonly connections?: ConnectionMapper;
  /** Called for each location left pointing at a bucket with no mapping. */
  readonly onUnmappedBucket: (bucket: string) => void;
}

/** Iceberg and Hudi-style pointers kept in table parameters. */
const LOCATION_PARAMETERS = ['metadata_location', 'previous_metadata_location'];

export function replicaDatabase(source: DatabaseInput, ctx: ReplicaContext): DatabaseInput {
  const out = structuredClone(source);
  if (out.LocationUri) out.LocationUri = mapUri(out.LocationUri, ctx);
  if (out.TargetDatabase) out.TargetDatabase = localLink(out.TargetDatabase, ctx);
  return out;
}

export function replicaTable(source: TableInput, ctx: ReplicaContext): TableInput {
  const out = structuredClone(source);
  if (out.StorageDescriptor) mapStorageDescriptor(out.StorageDescriptor, ctx);
  if (out.Parameters) {
    for (const key of LOCATION_PARAMETERS) {
      const value = out.Parameters[key];
      if (value) out.Parameters[key] = mapUri(value, ctx);
    }
  }
  if (out.TargetTable) out.TargetTable = localLink(out.TargetTable, ctx);
  // A materialized view is made with automatic refresh off, so the DR Region never starts a refresh of its own
  // (promotedTable() turns it back on). Its Definer, a role, goes through the role mappings (kept when none names it).
  if (out.ViewDefinition) {
    delete out.ViewDefinition.RefreshSeconds;
    if (out.ViewDefinition.Definer) out.ViewDefinition.Definer = ctx.roles.map(out.ViewDefinition.Definer);
  }
  return out;
}

/**
 * A table's form once its DR Region is promoted to the primary (`lake-replica promote`): what its replica left
 * off, switched back on as the source had it, which is a materialized view's automatic refresh
 * (`ViewDefinition.RefreshSeconds`). `source`: the source's table (a snapshot's record, or a live read) when known;
 * without it, or when the source had no refresh, the replica as it is (refresh stays off).
 */
export function promotedTable(replica: TableInput, source: TableInput | undefined): TableInput {
  const out = structuredClone(replica);
  const refresh = source?.ViewDefinition?.RefreshSeconds;
  if (out.ViewDefinition && refresh !== undefined && refresh !== null) out.ViewDefinition.RefreshSeconds = refresh;
  return out;
}

export function replicaPartition(source: PartitionInput, ctx: ReplicaContext): PartitionInput {
  const out = structuredClone(source);
  if (out.StorageDescriptor) mapStorageDescriptor(out.StorageDescriptor, ctx);
  return out;
}

function mapStorageDescriptor(sd: StorageDescriptor, ctx: ReplicaContext): void {
  if (sd.Location) sd.Location = mapUri(sd.Location, ctx);
  if (sd.AdditionalLocations) sd.AdditionalLocations = sd.AdditionalLocations.map(uri => mapUri(uri, ctx));
  const path = sd.SerdeInfo?.Parameters?.path;
  if (path && sd.SerdeInfo?.Parameters) sd.SerdeInfo.Parameters.path = mapUri(path, ctx);
  const skewMap = sd.SkewedInfo?.SkewedColumnValueLocationMaps;
  if (skewMap) for (const key of Object.keys(skewMap)) skewMap[key] = mapUri(skewMap[key], ctx);
}

/** An S3 URI pointed at the target's bucket; one in an unmapped bucket is reported and kept. Other URIs are kept. */
export function mapUri(uri: string, ctx: ReplicaContext): string {
  const mapped = ctx.mapper.map(uri);
  if (mapped.unmappedBucket) ctx.onUnmappedBucket(mapped.unmappedBucket);
  return mapped.uri;
}

/**
 * A link into the source catalog in the source Region is pointed at the replica: with no
 * Region it means "this Region" in the target. Links elsewhere are copied unchanged.
 */
function localLink<T extends DatabaseIdentifier | TableIdentifier>(link: T, ctx: ReplicaContext): T {
  const sameCatalog = link.CatalogId === undefined || link.CatalogId === ctx.sourceCatalogId;
  const sameRegion = link.Region === undefined || link.Region === ctx.sourceRegion;
  if (!sameCatalog || !sameRegion) return link;
  const { Region: _region, ...local } = link;
  return local as T;
}
