import { GetTableCommand } from '@aws-sdk/client-glue';
import type { GlueClient, Table, TableInput, TableStatus } from '@aws-sdk/client-glue';
import { notFoundAsUndefined } from '../kernel/errors';

/**
 * Data Catalog views: tables with a ViewDefinition (multi-dialect views, and Iceberg materialized views). Glue
 * writes them asynchronously: CreateTable and UpdateTable return at once, and the table's `Status` says how far
 * the write got (QUEUED, IN_PROGRESS, then SUCCESS, FAILED with an `Error`, or STOPPED).
 */
export function isDataCatalogView(table: TableInput | Table): boolean {
  return table.ViewDefinition !== undefined && table.ViewDefinition !== null;
}

/** A Data Catalog view that is an Iceberg table: Glue refreshes it itself (ViewDefinition.RefreshSeconds). */
export function isMaterializedView(table: TableInput | Table): boolean {
  return isDataCatalogView(table) && (table.Parameters?.table_type ?? '').toUpperCase() === 'ICEBERG';
}

/** How long a view write is waited for: GetTable polls with doubling delays, until the delays slept reach the bound. */
export interface ViewWait {
  /** The delay before the first poll after a write. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** Once the delays slept add up to this, a write still running is reported as still in progress. */
  readonly boundMs: number;
  /** For tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** About 15 polls over two minutes: 1, 2, 4, 8, then every 10 seconds. */
export const VIEW_WAIT: ViewWait = { firstDelayMs: 1_000, maxDelayMs: 10_000, boundMs: 120_000 };

/** A view write that did not end in SUCCESS (or did not end within the bound): a failure of that table. */
export class ViewWriteError extends Error {
  constructor(message: string) {
    super(message);
    // Not Glue's own error code: converge() must not read a FAILED write's EntityNotFound or AlreadyExists as a conflict.
    this.name = 'ViewWriteFailed';
  }
}

const ENDED = new Set(['SUCCESS', 'FAILED', 'STOPPED']);

/** The view's last write is still running (QUEUED, IN_PROGRESS) or did not succeed; undefined when it succeeded or Glue shows none. */
export function unsettledViewWrite(table: Table): string | undefined {
  const status = table.Status;
  if (!status || status.State === 'SUCCESS') return undefined;
  return `${status.Action ?? 'write'} ${status.State ?? 'in an unknown state'}`;
}

async function readTable(glue: GlueClient, database: string, name: string): Promise<Table | undefined> {
  const found = await notFoundAsUndefined(glue.send(new GetTableCommand({ DatabaseName: database, Name: name, IncludeStatusDetails: true })));
  return found?.Table;
}

/**
 * Polls the table until its view write has ended and returns its last Status: undefined when Glue shows none (it
 * ran the write synchronously). `undefined` table when the table is gone. `immediately`: the first read goes out at
 * once (a look at an earlier write), else after the first delay (our own write just sent). A write still running
 * after the bound throws.
 */
export async function settledViewWrite(
  glue: GlueClient, database: string, name: string, wait: ViewWait, immediately: boolean,
): Promise<{ table?: Table; status?: TableStatus }> {
  const sleep = wait.sleep ?? ((ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)));
  let slept = 0;
  let delay = wait.firstDelayMs;
  for (let poll = 0; ; poll++) {
    if (poll > 0 || !immediately) {
      await sleep(delay);
      slept += delay;
      delay = Math.min(delay * 2, wait.maxDelayMs);
    }
    const table = await readTable(glue, database, name);
    const status = table?.Status;
    if (!table || !status || ENDED.has(status.State ?? '')) return { table, status };
    if (slept >= wait.boundMs) {
      throw new ViewWriteError(`Glue's asynchronous ${status.Action ?? 'write'} of the view is still ${status.State ?? 'running'} after ${Math.round(slept / 1000)} s, so it is not in sync; the next run looks at it again`);
    }
  }
}

/** After our own CreateTable or UpdateTable of a view: resolves once Glue's write succeeded, else throws why it did not. */
export async function awaitViewWrite(glue: GlueClient, database: string, name: string, wait: ViewWait): Promise<void> {
  const { table, status } = await settledViewWrite(glue, database, name, wait, false);
  if (!table) throw new ViewWriteError('the table was deleted in the target while Glue was writing its view');
  if (status && status.State !== 'SUCCESS') throw new ViewWriteError(failedWrite(status));
}

/** Glue's reason, with each dialect's own when it says more than the parent error. */
function failedWrite(status: TableStatus): string {
  const error = status.Error;
  const reason = `${error?.ErrorCode ?? 'no error code'}: ${error?.ErrorMessage ?? 'no message'}`;
  const dialects = (status.Details?.ViewValidations ?? [])
    .filter(v => v.Error && v.Error.ErrorMessage !== error?.ErrorMessage)
    .map(v => `${v.Dialect ?? '?'} ${v.DialectVersion ?? ''}`.trim() + `: ${v.Error!.ErrorCode ?? 'error'}: ${v.Error!.ErrorMessage ?? 'no message'}`);
  return `Glue's asynchronous ${status.Action ?? 'write'} of the view ended ${status.State}: ${reason}${dialects.length ? ` (${dialects.join('; ')})` : ''}`;
}
