import { ChainRewriter, DroppedHistory, type ChainFile } from './chain-rewriter';
import { objectSizes } from './presence';
import { parseS3Uri, s3Uri } from './s3-location';
import { assertMappingId } from './staging';
import { IcebergStorage } from './storage';
import { formatVersion, metadataPaths, numberOf, parseMetadata, type MetadataDocument } from './table-metadata';
import type { IcebergRewriteRequest, IcebergRewriteResult, IcebergRewriteStatus } from './types';

/**
 * How long a replicated copy may be missing before the table fails: 12 hours. S3 Replication Time
 * Control replicates 99.99% of objects within 15 minutes, but without it, and after bulk loads or
 * when replication was set up after the objects were written (S3 Batch Replication needed), copies
 * can take hours or never arrive. Half a day lets ordinary lag converge quietly, and still tells an
 * operator the same working day that something will not.
 */
export const ICEBERG_REPLICATION_WAIT_MS = 12 * 60 * 60 * 1000;

const LISTED_MISSING = 100;

/** S3 Tables' warehouse buckets are reached by an alias ending in `--table-s3`. */
export function isS3TablesLocation(uri: string): boolean {
  return parseS3Uri(uri)?.bucket.endsWith('--table-s3') ?? false;
}

/** Rewrites one Iceberg table's metadata chain into one target; see index.ts. */
export async function rewriteIcebergTable(request: IcebergRewriteRequest): Promise<IcebergRewriteResult> {
  assertMappingId(request.mappingId);
  const storage = new IcebergStorage(request.s3, request.dryRun);
  const now = request.now ?? Date.now();
  const bound = request.waitBoundMs ?? ICEBERG_REPLICATION_WAIT_MS;
  const isOverdue = (committedAt: number | undefined) => committedAt !== undefined && now - committedAt > bound;
  const chain = new ChainRewriter(storage, request.mapUri, request.mappingId, isOverdue);
  const finish = (status: IcebergRewriteStatus, extra: Partial<IcebergRewriteResult> = {}): IcebergRewriteResult => ({
    status,
    filesWritten: chain.filesWritten,
    bytesWritten: chain.bytesWritten,
    filesUnchanged: chain.filesUnchanged,
    apiCalls: { ...storage.apiCalls },
    warnings: chain.warnings,
    ...extra,
  });
  try {
    return await rewrite(request, chain, finish, isOverdue);
  } catch (error) {
    const e = error as Error;
    return finish('failed', { reason: e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message });
  }
}

type Finish = (status: IcebergRewriteStatus, extra?: Partial<IcebergRewriteResult>) => IcebergRewriteResult;

type IsOverdue = (committedAt: number | undefined) => boolean;

async function rewrite(request: IcebergRewriteRequest, chain: ChainRewriter, finish: Finish, isOverdue: IsOverdue): Promise<IcebergRewriteResult> {
  const { metadataLocation, previousMetadataLocation: previous } = request;
  const root = parseS3Uri(metadataLocation);
  if (!root) return finish('notIceberg', { reason: `metadata location ${metadataLocation} is not an S3 URI` });
  if (isS3TablesLocation(metadataLocation)) {
    return finish('s3Tables', { reason: 'an S3 Tables table: S3 Tables replication rewrites its metadata, so it is left to that' });
  }
  if (!/\.metadata\.json$/.test(root.key)) return finish('notIceberg', { reason: `${metadataLocation} is not an Iceberg metadata file (*.metadata.json)` });

  const place = chain.placement(metadataLocation);
  const previousUri = previous ? chain.stagedUri(previous) : undefined;
  if (place === undefined || place === 'relative' || (previous && previousUri === undefined)) return blocked(chain, finish, isOverdue);
  const stagedRoot = s3Uri(place.staged);

  // An unchanged table: its staged current file exists, and it is only written once all it names is.
  if (await chain.stagedSize(place.staged) !== undefined) {
    chain.filesUnchanged++;
    if (previous && !(await chain.versionFile(previous, request.committedAt, false))) return blocked(chain, finish, isOverdue);
    const status = chain.filesWritten > 0 ? 'rewritten' : 'unchanged';
    return finish(status, { metadataLocation: stagedRoot, previousMetadataLocation: previousUri });
  }

  const bytes = await chain.storage.getBytes(place.replica);
  if (!bytes) {
    chain.missing.set(s3Uri(place.replica), request.committedAt);
    return blocked(chain, finish, isOverdue);
  }
  let document: MetadataDocument;
  try {
    document = parseMetadata(bytes, root.key);
  } catch (error) {
    return finish('notIceberg', { reason: `${metadataLocation} is not Iceberg table metadata: ${(error as Error).message}` });
  }
  if (formatVersion(document) === undefined) return finish('notIceberg', { reason: `${metadataLocation} has no format-version` });

  const paths = metadataPaths(document);
  for (const path of paths) if (path.kind === 'location' || path.kind === 'statistics') chain.mapped(path.uri);
  if (chain.unmapped.size > 0) return blocked(chain, finish, isOverdue);

  // One lookup for every staged file the metadata names: a listing where they are many.
  const named = paths.filter(p => p.kind === 'manifest-list' || p.kind === 'manifest' || p.kind === 'metadata-file').map(p => chain.placement(p.uri));
  await chain.prefetchStaged(named.filter(p => typeof p === 'object').map(p => p.staged));
  // Oldest snapshot first, so a manifest shared by several snapshots is aged by the one that added it.
  const lists = paths.filter(p => p.kind === 'manifest-list' || p.kind === 'manifest')
    .sort((a, b) => (a.committedAt ?? 0) - (b.committedAt ?? 0));
  for (const path of lists) {
    if (path.kind === 'manifest-list') await chain.manifestList(path.uri, path.committedAt);
    else await chain.manifest(path.uri, path.committedAt);
  }
  await checkStatistics(chain, paths.filter(p => p.kind === 'statistics').map(p => p.uri), numberOf(document['last-updated-ms']));

  const log = new Map<string, string | undefined>();
  for (const path of paths.filter(p => p.kind === 'metadata-file')) {
    log.set(path.uri, await historyFile(chain, path.uri, path.committedAt, path.uri !== previous));
  }
  if (previous && !log.has(previous)) await chain.versionFile(previous, request.committedAt, false);
  if (chain.missing.size > 0 || chain.unmapped.size > 0 || chain.unsupported.length > 0) return blocked(chain, finish, isOverdue);

  const rewritten = chain.encodeVersion(document, root.key, log);
  const outcome = await chain.storage.putIfAbsent(place.staged, rewritten, 'application/json');
  if (outcome.written) {
    chain.filesWritten++;
    chain.bytesWritten += outcome.size;
  } else {
    chain.filesUnchanged++;
  }
  return finish('rewritten', { metadataLocation: stagedRoot, previousMetadataLocation: previousUri });
}

/** A metadata-log entry's staged copy; undefined when its file never arrived and the entry is dropped. */
async function historyFile(chain: ChainRewriter, uri: string, committedAt: number | undefined, optional: boolean): Promise<string | undefined> {
  try {
    const file: ChainFile | undefined = await chain.versionFile(uri, committedAt, optional);
    return file?.uri;
  } catch (error) {
    if (!(error instanceof DroppedHistory)) throw error;
    chain.warnings.push(`metadata-log entry ${uri} was never replicated; it is left out of the rewritten metadata-log`);
    return undefined;
  }
}

/** Statistics files hold no paths: their replicated copies must be there. */
async function checkStatistics(chain: ChainRewriter, uris: readonly string[], committedAt: number | undefined): Promise<void> {
  const byBucket = new Map<string, string[]>();
  for (const uri of uris) {
    const target = parseS3Uri(chain.mapped(uri) ?? '');
    if (!target) continue;
    byBucket.set(target.bucket, [...(byBucket.get(target.bucket) ?? []), target.key]);
  }
  for (const [bucket, keys] of byBucket) {
    const sizes = await objectSizes(chain.storage, bucket, keys);
    for (const key of keys) if (!sizes.has(key)) chain.missing.set(s3Uri({ scheme: 's3', bucket, key }), committedAt);
  }
}

function blocked(chain: ChainRewriter, finish: Finish, isOverdue: IsOverdue): IcebergRewriteResult {
  if (chain.unsupported.length > 0) return finish('failed', { reason: chain.unsupported.join('; ') });
  if (chain.unmapped.size > 0) {
    const buckets = [...chain.unmapped].sort();
    return finish('unmapped', {
      unmappedBuckets: buckets,
      reason: `the table names ${buckets.map(b => `"${b}"`).join(', ')}, which ${buckets.length === 1 ? 'has' : 'have'} no bucket mapping: not rewritten, so the replica still reads the source Region`,
    });
  }
  const missing = [...chain.missing.keys()].sort();
  if (missing.length === 0) return finish('failed', { reason: 'the chain could not be rewritten' });
  const overdue = [...chain.missing.entries()].filter(([, committedAt]) => isOverdue(committedAt)).map(([uri]) => uri);
  const listed = missing.slice(0, LISTED_MISSING);
  if (overdue.length > 0) {
    return finish('failed', {
      missing: listed,
      missingCount: missing.length,
      reason: `${overdue.length} replicated cop${overdue.length === 1 ? 'y is' : 'ies are'} still missing after the replication bound (for example ${overdue[0]}); ` +
        'check the bucket\'s replication rules, and run S3 Batch Replication for objects written before replication was set up',
    });
  }
  return finish('waiting', {
    missing: listed,
    missingCount: missing.length,
    reason: `waiting for S3 replication: ${missing.length} file(s) not in the target yet (for example ${missing[0]})`,
  });
}

