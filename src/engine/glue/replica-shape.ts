import type { DatabaseIdentifier, DatabaseInput, PartitionInput, StorageDescriptor, TableIdentifier, TableInput } from '@aws-sdk/client-glue';
import { BucketMapper } from '../../bucket-mapping';

/** What it takes to turn a source object into its replica for one target Region. */
export interface ReplicaContext {
  readonly sourceRegion: string;
  readonly sourceCatalogId: string;
  readonly targetRegion: string;
  readonly mapper: BucketMapper;
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

function mapUri(uri: string, ctx: ReplicaContext): string {
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
