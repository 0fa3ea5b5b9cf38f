/**
 * The fields of a manifest entry (Iceberg's `manifest_entry` record, formats v1 to v3) the rewrite
 * reads or changes. Records are avsc-decoded objects: longs are BigInt, optional fields are null.
 */
export const ENTRY_DELETED = 2;
export const CONTENT_DATA = 0;
export const CONTENT_POSITION_DELETES = 1;
/** The field id of a position-delete file's `file_path` column, whose bounds name data files. */
export const DELETE_FILE_PATH_FIELD_ID = 2147483546;

export interface DataFileRecord {
  content?: number;
  file_path: string;
  file_format: string;
  file_size_in_bytes: bigint;
  lower_bounds?: BoundEntry[] | null;
  upper_bounds?: BoundEntry[] | null;
  split_offsets?: bigint[] | null;
  referenced_data_file?: string | null;
}

export interface BoundEntry {
  key: number;
  value: Buffer;
}

export interface ManifestEntryRecord {
  status: number;
  data_file: DataFileRecord;
}

export function isLive(entry: ManifestEntryRecord): boolean {
  return entry.status !== ENTRY_DELETED;
}

export function contentOf(file: DataFileRecord): number {
  return file.content ?? CONTENT_DATA;
}

/**
 * Maps the `file_path` bounds of a position-delete entry. A bound that is not a whole S3 URI (a
 * truncated one) or that names an unmapped bucket is dropped from both bound maps: a missing bound
 * only means a reader cannot skip the file, while a wrong one would skip deletes.
 */
export function mapPathBounds(file: DataFileRecord, map: (uri: string) => string | undefined): void {
  const lower = boundOf(file.lower_bounds);
  const upper = boundOf(file.upper_bounds);
  const mappedLower = lower && map(lower.value.toString('utf8'));
  const mappedUpper = upper && map(upper.value.toString('utf8'));
  if ((lower && mappedLower === undefined) || (upper && mappedUpper === undefined)) {
    file.lower_bounds = withoutPathBound(file.lower_bounds);
    file.upper_bounds = withoutPathBound(file.upper_bounds);
    return;
  }
  if (lower) lower.value = Buffer.from(mappedLower!, 'utf8');
  if (upper) upper.value = Buffer.from(mappedUpper!, 'utf8');
}

function boundOf(bounds: BoundEntry[] | null | undefined): BoundEntry | undefined {
  return bounds?.find(b => b.key === DELETE_FILE_PATH_FIELD_ID);
}

function withoutPathBound(bounds: BoundEntry[] | null | undefined): BoundEntry[] | null | undefined {
  return bounds ? bounds.filter(b => b.key !== DELETE_FILE_PATH_FIELD_ID) : bounds;
}

export async function* mapRecords<T>(records: AsyncIterable<unknown>, change: (record: T) => void): AsyncGenerator<T> {
  for await (const record of records) {
    change(record as T);
    yield record as T;
  }
}

export async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}
