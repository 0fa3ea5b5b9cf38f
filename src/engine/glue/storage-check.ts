import type { TableInput } from '@aws-sdk/client-glue';
import { isIcebergTable } from './iceberg';
import type { ReplicaContext } from './shapes';
import { checkStorageLocations, type StorageLocationCheck } from '../iceberg';
import type { AwsClients } from '../kernel/clients';
import { s3Client } from '../kernel/s3';

/** A Hive table: data under an S3 location of its own (not a view, a link or an Iceberg table, whose chain verify walks). */
export function hasHiveStorage(table: TableInput): boolean {
  return !table.TargetTable && table.TableType !== 'VIRTUAL_VIEW' && !isIcebergTable(table)
    && /^s3[an]?:\/\//.test(table.StorageDescriptor?.Location ?? '');
}

/** A replicated Hive table's locations in one target: one listing of the table's prefix finds which hold objects. */
export function checkReplicaStorage(
  tableLocation: string, partitionLocations: readonly string[], ctx: ReplicaContext, clients: AwsClients,
): Promise<StorageLocationCheck> {
  return checkStorageLocations(tableLocation, partitionLocations, s3Client(clients, ctx.targetRegion));
}
