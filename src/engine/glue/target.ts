import {
  BatchCreatePartitionCommand, BatchDeletePartitionCommand, BatchDeleteTableCommand, BatchUpdatePartitionCommand,
  CreateDatabaseCommand, CreateTableCommand, DeleteDatabaseCommand, GetDatabaseCommand, GetTableCommand, GlueClient,
  UpdateDatabaseCommand, UpdateTableCommand,
} from '@aws-sdk/client-glue';
import type { CreateTableRequest, DatabaseInput, ErrorDetail, PartitionInput, Table, TableInput } from '@aws-sdk/client-glue';
import type { EntryError } from './entry-error';
import { databasePages, partitionPages, tablePages } from './pages';
import { databaseInput, partitionInput, tableInput } from './shapes';
import { partitionsByKey } from './source';
import { awaitViewWrite, isDataCatalogView, settledViewWrite, unsettledViewWrite, VIEW_WAIT, ViewWriteError, type ViewWait } from './views';
import { AwsClients } from '../kernel/clients';
import { fieldPrints, fingerprint, type FieldPrints } from '../kernel/compare';
import { chunk } from '../kernel/concurrency';
import { notFoundAsUndefined, errorMessage } from '../kernel/errors';
import { Scope } from '../kernel/scope';

/** Glue batch limits (see docs/architecture.md). */
export const BATCH_CREATE_PARTITIONS = 100;
export const BATCH_UPDATE_PARTITIONS = 100;
export const BATCH_DELETE_PARTITIONS = 25;
export const BATCH_DELETE_TABLES = 100;

export type { EntryError };

function detail(error: ErrorDetail | undefined): string {
  return `${error?.ErrorCode ?? 'Error'}: ${error?.ErrorMessage ?? 'no message'}`;
}

/** A batch call's per-entry errors, each with the service's error code. */
function entryErrors<E extends { ErrorDetail?: ErrorDetail }, K>(errors: E[] | undefined, keyOf: (e: E) => K): EntryError<K>[] {
  return (errors ?? []).map(e => ({ key: keyOf(e), error: detail(e.ErrorDetail), code: e.ErrorDetail?.ErrorCode }));
}

/** Reads and writes one target Region's catalog. Reads return compact prints, never whole catalogs. */
export class GlueTarget {
  /** The target's client, for the attached kinds' own reads and writes. */
  readonly glue: GlueClient;

  /** `viewWait`: how long a Data Catalog view's asynchronous write is waited for. */
  constructor(clients: AwsClients, readonly region: string, private readonly viewWait: ViewWait = VIEW_WAIT) {
    this.glue = clients.get(GlueClient, region);
  }

  async databases(scope: Scope): Promise<Map<string, FieldPrints>> {
    const out = new Map<string, FieldPrints>();
    for await (const page of databasePages(this.glue)) {
      for (const db of page) if (db.Name && scope.includes(db.Name)) out.set(db.Name, fieldPrints(databaseInput(db)));
    }
    return out;
  }

  async database(name: string): Promise<FieldPrints | undefined> {
    const found = await notFoundAsUndefined(this.glue.send(new GetDatabaseCommand({ Name: name })));
    return found?.Database ? fieldPrints(databaseInput(found.Database)) : undefined;
  }

  /** One table's prints, or undefined when it (or its database) does not exist. */
  async table(databaseName: string, name: string): Promise<FieldPrints | undefined> {
    const found = await notFoundAsUndefined(this.glue.send(new GetTableCommand({ DatabaseName: databaseName, Name: name })));
    return found?.Table ? tablePrints(found.Table) : undefined;
  }

  /** One table's parameters as the target has them (verify reads an Iceberg table's pointer), or undefined when it does not exist. */
  async tableParameters(databaseName: string, name: string): Promise<Record<string, string> | undefined> {
    const found = await notFoundAsUndefined(this.glue.send(new GetTableCommand({ DatabaseName: databaseName, Name: name })));
    return found?.Table ? found.Table.Parameters ?? {} : undefined;
  }

  async tables(databaseName: string): Promise<Map<string, FieldPrints>> {
    const out = new Map<string, FieldPrints>();
    for await (const page of tablePages(this.glue, databaseName)) {
      for (const table of page) if (table.Name) out.set(table.Name, tablePrints(table));
    }
    return out;
  }

  /** The values of one table's partitions, page by page (1,000 a page): never the whole table at once. */
  /** The table's partition values, page by page (from a page token when resuming), with the token of the page after. */
  async* partitionPages(databaseName: string, tableName: string, from?: string): AsyncIterable<{ values: string[][]; next?: string }> {
    for await (const page of partitionPages(this.glue, databaseName, tableName, from)) {
      yield { values: page.partitions.map(p => p.Values ?? []), next: page.next };
    }
  }

  /** The named partitions that exist, by partition key, as fingerprints; none when the table does not exist. */
  async partitionsByValues(databaseName: string, tableName: string, values: readonly string[][]): Promise<Map<string, string>> {
    return await notFoundAsUndefined(partitionsByKey(this.glue, databaseName, tableName, values, p => fingerprint(partitionInput(p)))) ?? new Map();
  }

  async createDatabase(input: DatabaseInput): Promise<void> {
    await this.glue.send(new CreateDatabaseCommand({ DatabaseInput: input }));
  }

  async updateDatabase(input: DatabaseInput): Promise<void> {
    await this.glue.send(new UpdateDatabaseCommand({ Name: input.Name, DatabaseInput: input }));
  }

  /** Deleting a database deletes its tables and partitions too; one already gone is deleted. */
  async deleteDatabase(name: string): Promise<void> {
    await notFoundAsUndefined(this.glue.send(new DeleteDatabaseCommand({ Name: name })));
  }

  /**
   * `withTable`: members that create objects with the table (its partition indexes). A view's create is done when
   * Glue's asynchronous write has succeeded; its failure, or a write still running after the bound, throws.
   */
  async createTable(databaseName: string, input: TableInput, withTable?: Partial<CreateTableRequest>): Promise<void> {
    await this.glue.send(new CreateTableCommand({ ...withTable, DatabaseName: databaseName, TableInput: input }));
    if (isDataCatalogView(input)) await awaitViewWrite(this.glue, databaseName, input.Name!, this.viewWait);
  }

  /**
   * SkipArchive: a replica must not pile up table versions against the account quota. A view is updated once an
   * earlier write of it has ended (Glue refuses to update one still running), made again when its create failed
   * (Glue refuses to update that too), and waited for as a create is.
   */
  async updateTable(databaseName: string, input: TableInput): Promise<void> {
    const update = () => this.glue.send(new UpdateTableCommand({ DatabaseName: databaseName, TableInput: input, SkipArchive: true }));
    if (!isDataCatalogView(input)) {
      await update();
      return;
    }
    const earlier = (await settledViewWrite(this.glue, databaseName, input.Name!, this.viewWait, true)).status;
    if (earlier?.Action === 'CREATE' && earlier.State !== 'SUCCESS') {
      const [refused] = await this.deleteTables(databaseName, [input.Name!]);
      if (refused) throw new ViewWriteError(`its create ${earlier.State} in Glue earlier and the view could not be deleted to be made again: ${refused.error}`);
      await this.createTable(databaseName, input);
      return;
    }
    await update();
    await awaitViewWrite(this.glue, databaseName, input.Name!, this.viewWait);
  }

  async deleteTables(databaseName: string, names: readonly string[]): Promise<EntryError<string>[]> {
    return batched(names, BATCH_DELETE_TABLES, n => n, async batch => {
      const result = await this.glue.send(new BatchDeleteTableCommand({ DatabaseName: databaseName, TablesToDelete: batch }));
      // A table already gone is deleted.
      return entryErrors(result.Errors, e => e.TableName ?? '?').filter(e => e.code !== 'EntityNotFoundException');
    });
  }

  async createPartitions(databaseName: string, tableName: string, inputs: readonly PartitionInput[]): Promise<EntryError<string[]>[]> {
    return batched(inputs, BATCH_CREATE_PARTITIONS, p => p.Values ?? [], async batch => {
      const result = await this.glue.send(new BatchCreatePartitionCommand({
        DatabaseName: databaseName, TableName: tableName, PartitionInputList: batch,
      }));
      return entryErrors(result.Errors, e => e.PartitionValues ?? []);
    });
  }

  async updatePartitions(databaseName: string, tableName: string, inputs: readonly PartitionInput[]): Promise<EntryError<string[]>[]> {
    return batched(inputs, BATCH_UPDATE_PARTITIONS, p => p.Values ?? [], async batch => {
      const result = await this.glue.send(new BatchUpdatePartitionCommand({
        DatabaseName: databaseName,
        TableName: tableName,
        Entries: batch.map(p => ({ PartitionValueList: p.Values ?? [], PartitionInput: p })),
      }));
      return entryErrors(result.Errors, e => e.PartitionValueList ?? []);
    });
  }

  async deletePartitions(databaseName: string, tableName: string, values: readonly string[][]): Promise<EntryError<string[]>[]> {
    return batched(values, BATCH_DELETE_PARTITIONS, v => v, async batch => {
      const result = await this.glue.send(new BatchDeletePartitionCommand({
        DatabaseName: databaseName, TableName: tableName, PartitionsToDelete: batch.map(Values => ({ Values })),
      }));
      // A partition already gone is deleted.
      return entryErrors(result.Errors, e => e.PartitionValues ?? []).filter(e => e.code !== 'EntityNotFoundException');
    });
  }
}

/**
 * A target table's prints. A view whose last write is still running or did not succeed has a `Status` print too,
 * which no replica has: it never compares unchanged, and verify names the field.
 */
function tablePrints(table: Table): FieldPrints {
  const prints = fieldPrints(tableInput(table));
  const unsettled = unsettledViewWrite(table);
  return unsettled === undefined ? prints : { ...prints, Status: unsettled };
}

/**
 * Sends entries in batches of at most `size`. Per-entry errors are collected; a batch call that
 * fails as a whole (after the SDK's retries) fails only its own entries, and the next batches are still sent.
 */
async function batched<T, K>(
  entries: readonly T[], size: number, keyOf: (entry: T) => K, send: (batch: T[]) => Promise<EntryError<K>[]>,
): Promise<EntryError<K>[]> {
  const errors: EntryError<K>[] = [];
  for (const batch of chunk(entries, size)) {
    try {
      errors.push(...await send(batch));
    } catch (error) {
      errors.push(...batch.map(entry => ({ key: keyOf(entry), error: errorMessage(error) })));
    }
  }
  return errors;
}
