/**
 * The test hooks of the extended moto server (test/support/moto-server): what a test stages that the Glue API
 * cannot reach. Each is POST /moto-api/glue-extensions/<name>; `where` names the backend (default account
 * 123456789012, Region us-east-1). /moto-api/reset (MotoServer.reset) clears what they staged.
 */

export interface Where {
  readonly account?: string;
  readonly region?: string;
}

async function callHook(endpoint: string, name: string, body: object): Promise<Record<string, unknown>> {
  const response = await fetch(`${endpoint}/moto-api/glue-extensions/${name}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const answer = await response.json() as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`moto hook ${name} answered ${response.status}: ${String(answer.error)}`);
  return answer;
}

/** The partition index turns FAILED with one BackfillError (code INVALID_PARTITION_TYPE_DATA_ERROR unless given). */
export function failPartitionIndexBackfill(endpoint: string, o: Where & {
  database: string; table: string; index: string; code?: string; partitions?: string[][];
}): Promise<Record<string, unknown>> {
  return callHook(endpoint, 'partition-index-backfill-failure', o);
}

/** The next CreateTable or UpdateTable of this table with a ViewDefinition ends FAILED with this error. */
export function failNextViewWrite(endpoint: string, o: Where & {
  database: string; table: string; errorCode?: string; errorMessage?: string;
}): Promise<Record<string, unknown>> {
  return callHook(endpoint, 'view-failure', o);
}

/** A child catalog below `parent` (a CatalogId or a catalog path), as S3 Tables or Redshift would create one. */
export function addChildCatalog(endpoint: string, o: Where & {
  parent: string; name: string; catalogInput?: object; tags?: Record<string, string>;
}): Promise<Record<string, unknown>> {
  return callHook(endpoint, 'child-catalog', o);
}

/** The largest page an extended listing answers (default 2; a reset puts it back). */
export function setGluePageSize(endpoint: string, pageSize: number): Promise<Record<string, unknown>> {
  return callHook(endpoint, 'config', { pageSize });
}
