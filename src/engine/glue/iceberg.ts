import type { TableInput } from '@aws-sdk/client-glue';
import type { ReplicaContext } from './shapes';
import { checkIcebergChain, icebergMappingId, isS3TablesLocation, rewriteIcebergTable, type IcebergRewriteResult } from '../iceberg';
import type { AwsClients } from '../kernel/clients';
import { s3Client } from '../kernel/s3';

/** An Iceberg table as Glue records it: `table_type` ICEBERG (engines write it in either case) and a metadata file. */
export function isIcebergTable(input: TableInput): boolean {
  return (input.Parameters?.table_type ?? '').toUpperCase() === 'ICEBERG' && Boolean(input.Parameters?.metadata_location);
}

/** An Iceberg table whose metadata S3 Tables replication rewrites: never ours to rewrite, nor to warn about. */
export function isS3TablesTable(input: TableInput): boolean {
  return isS3TablesLocation(input.Parameters?.metadata_location ?? '');
}

export interface IcebergRewriteInput {
  readonly source: TableInput;
  /** When the source committed its current metadata file (a live source's UpdateTime). */
  readonly updatedAt?: Date;
  readonly ctx: ReplicaContext;
  readonly clients: AwsClients;
  readonly dryRun: boolean;
}

/**
 * Rewrites one Iceberg table's metadata chain into one target: read from the replicated copies in the
 * target Region, staged in the target buckets the mapping names.
 */
export function rewriteIntoTarget(input: IcebergRewriteInput): Promise<IcebergRewriteResult> {
  const { source, ctx } = input;
  return rewriteIcebergTable({
    metadataLocation: source.Parameters!.metadata_location,
    previousMetadataLocation: source.Parameters?.previous_metadata_location || undefined,
    mapUri: uri => ctx.mapper.map(uri),
    mappingId: icebergMappingId(ctx.mapper.pairs()),
    s3: s3Client(input.clients, ctx.targetRegion),
    dryRun: input.dryRun,
    committedAt: input.updatedAt?.getTime(),
  });
}

/**
 * verify: what is wrong with the chain a target table points at (paths outside the target's mapped
 * buckets, files missing there), or undefined when nothing is.
 */
export async function icebergChainDrift(metadataLocation: string, ctx: ReplicaContext, clients: AwsClients): Promise<string | undefined> {
  const check = await checkIcebergChain(metadataLocation, ctx.mapper.targetBuckets(), s3Client(clients, ctx.targetRegion));
  if (check.ok) return undefined;
  const problems: string[] = [];
  if (check.outsideCount > 0) problems.push(`${check.outsideCount} path(s) outside the target's mapped buckets (for example ${check.outside[0]})`);
  if (check.missingCount > 0) problems.push(`${check.missingCount} file(s) missing in the target (for example ${check.missing[0]})`);
  return `its Iceberg chain at ${metadataLocation} has ${problems.join(' and ')}`;
}

/** The replica's parameters pointed at the staged chain: the naive mapping's pointers replaced. */
export function pointAtStagedChain(desired: TableInput, result: IcebergRewriteResult): TableInput {
  const parameters: Record<string, string> = { ...desired.Parameters, metadata_location: result.metadataLocation! };
  if (result.previousMetadataLocation) parameters.previous_metadata_location = result.previousMetadataLocation;
  else delete parameters.previous_metadata_location;
  return { ...desired, Parameters: parameters };
}
