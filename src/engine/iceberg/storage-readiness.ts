import type { S3Client } from '@aws-sdk/client-s3';
import { parseS3Uri } from './s3-location';
import { IcebergStorage } from './storage';

const LISTED = 100;

export interface StorageLocationCheck {
  /** Locations with no object under them in the target; at most 100 listed. */
  readonly missing: readonly string[];
  readonly missingCount: number;
  readonly locationsChecked: number;
  readonly apiCalls: Readonly<Record<string, number>>;
}

/**
 * `verify --storage` for a Hive table in the target Region: a location exists when some object is
 * under it. The table's prefix is listed once (one call per 1,000 objects) and every partition
 * location under it is matched against that listing, which stops once every location is found; a
 * partition elsewhere costs one call of its own.
 */
export async function checkStorageLocations(
  tableLocation: string, partitionLocations: Iterable<string>, s3: S3Client,
): Promise<StorageLocationCheck> {
  const storage = new IcebergStorage(s3, true);
  const table = parseS3Uri(tableLocation);
  const tablePrefix = table ? asPrefix(table.key) : undefined;
  const inside = new Map<string, string>();
  const elsewhere: string[] = [];
  let checked = 1;
  for (const uri of partitionLocations) {
    checked++;
    const location = parseS3Uri(uri);
    const underTable = table && location && location.bucket === table.bucket && asPrefix(location.key).startsWith(tablePrefix!);
    if (underTable) inside.set(asPrefix(location!.key), uri);
    else elsewhere.push(uri);
  }
  const missing: string[] = [];
  if (!table) {
    missing.push(tableLocation);
  } else {
    let any = false;
    const pending = new Set(inside.keys());
    for await (const object of storage.list(table.bucket, tablePrefix!)) {
      any = true;
      // A key proves each of its parent "directories" that is a partition location.
      for (let slash = object.key.indexOf('/', tablePrefix!.length); slash >= 0 && pending.size > 0; slash = object.key.indexOf('/', slash + 1)) {
        pending.delete(object.key.slice(0, slash + 1));
      }
      if (pending.size === 0) break;
    }
    if (!any) missing.push(tableLocation);
    for (const prefix of pending) missing.push(inside.get(prefix)!);
  }
  for (const uri of elsewhere) {
    const location = parseS3Uri(uri);
    if (!location || !(await exists(storage, location.bucket, asPrefix(location.key)))) missing.push(uri);
  }
  missing.sort();
  return { missing: missing.slice(0, LISTED), missingCount: missing.length, locationsChecked: checked, apiCalls: { ...storage.apiCalls } };
}

async function exists(storage: IcebergStorage, bucket: string, prefix: string): Promise<boolean> {
  for await (const object of storage.list(bucket, prefix)) return object !== undefined;
  return false;
}

function asPrefix(key: string): string {
  return key === '' || key.endsWith('/') ? key : `${key}/`;
}
