import {
  AlreadyExistsException, BatchCreatePartitionCommand, BatchDeletePartitionCommand, BatchDeleteTableCommand, BatchGetPartitionCommand,
  BatchUpdatePartitionCommand, CreateDatabaseCommand, CreateTableCommand, DeleteDatabaseCommand, EntityNotFoundException, GetDatabaseCommand,
  GetCatalogCommand, GetCatalogsCommand, GetPartitionIndexesCommand, GetUserDefinedFunctionsCommand, BatchGetTableOptimizerCommand,
  GetDatabasesCommand, GetPartitionsCommand, GetTableCommand, GetTablesCommand, GlueClient, InvalidInputException, UpdateDatabaseCommand,
  UpdateTableCommand, GetColumnStatisticsForTableCommand, GetColumnStatisticsForPartitionCommand, GetColumnStatisticsTaskSettingsCommand,
} from '@aws-sdk/client-glue';
import type {
  BatchCreatePartitionRequest, BatchCreatePartitionResponse, BatchDeletePartitionRequest, BatchDeletePartitionResponse,
  BatchDeleteTableRequest, BatchDeleteTableResponse, BatchGetPartitionRequest, BatchGetPartitionResponse, BatchUpdatePartitionRequest,
  BatchUpdatePartitionResponse, Column, CreateDatabaseRequest, CreateTableRequest, Database, DeleteDatabaseRequest, ErrorDetail,
  GetDatabaseRequest, GetDatabaseResponse, GetDatabasesRequest, GetDatabasesResponse, GetPartitionsRequest, GetPartitionsResponse,
  GetTableRequest, GetTableResponse, GetTablesRequest, GetTablesResponse, Partition, StorageDescriptor, Table, UpdateDatabaseRequest,
  UpdateTableRequest, GetCatalogRequest,
  GetPartitionIndexesRequest, GetPartitionIndexesResponse, GetUserDefinedFunctionsRequest, GetUserDefinedFunctionsResponse,
} from '@aws-sdk/client-glue';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { ACCOUNT, mockAws, regionOf, type MockedAws } from './sdk-harness';

/**
 * Read shapes as the Glue API returns them (output-only fields included) and a per-Region
 * catalog that answers GetDatabases / GetTables / GetPartitions in pages of a chosen size with
 * opaque NextTokens, which moto cannot do.
 */

const CREATED = new Date('2025-03-04T08:15:30.000Z');
const UPDATED = new Date('2026-01-12T17:42:05.000Z');
const CRAWLER = `arn:aws:sts::${ACCOUNT}:assumed-role/AWSGlueServiceRole-lake/AWS-Crawler`;

export const WRITE_COMMANDS = [
  CreateDatabaseCommand, UpdateDatabaseCommand, DeleteDatabaseCommand,
  CreateTableCommand, UpdateTableCommand, BatchDeleteTableCommand,
  BatchCreatePartitionCommand, BatchUpdatePartitionCommand, BatchDeletePartitionCommand,
] as const;

export function database(name: string, overrides: Partial<Database> = {}): Database {
  return {
    Name: name,
    Description: `The ${name} domain`,
    LocationUri: `s3://acme-lake-raw/${name}/`,
    Parameters: { 'owner-team': `${name}-eng`, 'classification': 'internal' },
    CreateTime: CREATED,
    CreateTableDefaultPermissions: [{ Principal: { DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS' }, Permissions: ['ALL'] }],
    CatalogId: ACCOUNT,
    ...overrides,
  };
}

export function storage(location: string, columns: Column[]): StorageDescriptor {
  return {
    Columns: columns,
    Location: location,
    InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    Compressed: false,
    NumberOfBuckets: -1,
    SerdeInfo: {
      SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      Parameters: { 'serialization.format': '1' },
    },
    BucketColumns: [],
    SortColumns: [],
    Parameters: {},
    SkewedInfo: { SkewedColumnNames: [], SkewedColumnValues: [], SkewedColumnValueLocationMaps: {} },
    StoredAsSubDirectories: false,
  };
}

const COLUMNS: Column[] = [
  { Name: 'id', Type: 'bigint' },
  { Name: 'amount', Type: 'decimal(12,2)', Comment: 'in EUR' },
  { Name: 'Customer ID', Type: 'string' },
];

export interface TableOptions {
  /** Partition key names; none makes an unpartitioned table. Default ['dt']. */
  readonly partitionKeys?: string[];
  readonly overrides?: Partial<Table>;
}

export function table(databaseName: string, name: string, options: TableOptions = {}): Table {
  const keys = options.partitionKeys ?? ['dt'];
  return {
    Name: name,
    DatabaseName: databaseName,
    Owner: 'hadoop',
    CreateTime: CREATED,
    UpdateTime: UPDATED,
    LastAccessTime: UPDATED,
    Retention: 0,
    StorageDescriptor: storage(`s3://acme-lake-raw/${databaseName}/${name}/`, COLUMNS),
    PartitionKeys: keys.map(k => ({ Name: k, Type: 'string' })),
    TableType: 'EXTERNAL_TABLE',
    Parameters: { EXTERNAL: 'TRUE', classification: 'parquet', UPDATED_BY_CRAWLER: 'lake-crawler', CrawlerSchemaSerializerVersion: '1.0' },
    CreatedBy: CRAWLER,
    IsRegisteredWithLakeFormation: false,
    CatalogId: ACCOUNT,
    VersionId: '4',
    IsMultiDialectView: false,
    IsMaterializedView: false,
    ...options.overrides,
  };
}

export function view(databaseName: string, name: string, sql: string): Table {
  return {
    Name: name,
    DatabaseName: databaseName,
    Owner: 'analyst',
    CreateTime: CREATED,
    UpdateTime: UPDATED,
    Retention: 0,
    StorageDescriptor: { ...storage('', [{ Name: 'dt', Type: 'string' }, { Name: 'n', Type: 'bigint' }]), Location: undefined, SerdeInfo: {} },
    PartitionKeys: [],
    ViewOriginalText: `/* Presto View: ${Buffer.from(sql).toString('base64')} */`,
    ViewExpandedText: '/* Presto View */',
    TableType: 'VIRTUAL_VIEW',
    Parameters: { presto_view: 'true', comment: 'Presto View' },
    CreatedBy: `arn:aws:sts::${ACCOUNT}:assumed-role/Analyst/jdoe`,
    IsRegisteredWithLakeFormation: false,
    CatalogId: ACCOUNT,
    VersionId: '0',
    IsMultiDialectView: false,
  };
}

export function partition(databaseName: string, tableName: string, values: string[], overrides: Partial<Partition> = {}): Partition {
  const path = values.map((v, i) => `${i === 0 ? 'dt' : `k${i}`}=${v}`).join('/');
  return {
    Values: values,
    DatabaseName: databaseName,
    TableName: tableName,
    CreationTime: CREATED,
    LastAccessTime: UPDATED,
    StorageDescriptor: storage(`s3://acme-lake-raw/${databaseName}/${tableName}/${path}/`, COLUMNS),
    Parameters: { numRows: String(1000 + values.join('').length), totalSize: '52311' },
    CatalogId: ACCOUNT,
    ...overrides,
  };
}

/** `count` daily partitions of one table, from 2025-01-01 on. */
/** The same partitions with their row count changed, as a changed source would list them. */
export function recounted(partitions: Partition[], numRows = '777'): Partition[] {
  return partitions.map(p => ({ ...p, Parameters: { ...p.Parameters, numRows } }));
}

export function dailyPartitions(databaseName: string, tableName: string, count: number, from = 0): Partition[] {
  return Array.from({ length: count }, (_, i) => {
    const day = new Date(Date.UTC(2025, 0, 1 + from + i)).toISOString().slice(0, 10);
    return partition(databaseName, tableName, [day]);
  });
}

/** How many of each write command the stub received, by command name: all zeros when nothing was written. */
export function writesSent(glue: AwsClientStub<GlueClient>): Record<string, number> {
  return Object.fromEntries(WRITE_COMMANDS.map(command => [command.name, glue.commandCalls(command as never).length]));
}

export const NO_WRITES: Record<string, number> = Object.fromEntries(WRITE_COMMANDS.map(command => [command.name, 0]));

/** The same object as another Region's catalog returns it: only output-only fields differ. */
export function asSeenElsewhere<T extends Database | Table | Partition>(object: T, catalogId = '210987654321'): T {
  const out = copy(object) as Record<string, unknown>;
  const later = new Date('2026-02-01T00:00:00.000Z');
  if ('CreateTime' in out) out.CreateTime = later;
  if ('CreationTime' in out) out.CreationTime = later;
  if ('UpdateTime' in out) out.UpdateTime = later;
  if ('LastAccessTime' in out) out.LastAccessTime = later;
  if ('VersionId' in out) out.VersionId = '1';
  if ('CreatedBy' in out) out.CreatedBy = `arn:aws:sts::${catalogId}:assumed-role/LakeReplicaRole/lake-replica`;
  if ('IsRegisteredWithLakeFormation' in out) out.IsRegisteredWithLakeFormation = true;
  out.CatalogId = catalogId;
  return out as T;
}

export interface PageSizes {
  readonly databases: number;
  readonly tables: number;
  readonly partitions: number;
}

/** One Region's catalog. Objects are returned in insertion order. */
export class RegionCatalog {
  readonly databases: Database[] = [];
  readonly tables = new Map<string, Table[]>();
  readonly partitions = new Map<string, Partition[]>();

  constructor(readonly pageSizes: PageSizes) {}

  addDatabase(...dbs: Database[]): this {
    for (const db of dbs) {
      this.databases.push(db);
      if (!this.tables.has(db.Name!)) this.tables.set(db.Name!, []);
    }
    return this;
  }

  addTable(...tables: Table[]): this {
    for (const t of tables) {
      const list = this.tables.get(t.DatabaseName!);
      if (!list) throw new Error(`fake lake: add database ${t.DatabaseName} before its tables`);
      list.push(t);
    }
    return this;
  }

  addPartitions(...partitions: Partition[]): this {
    for (const p of partitions) {
      const key = `${p.DatabaseName}.${p.TableName}`;
      const list = this.partitions.get(key) ?? [];
      list.push(p);
      this.partitions.set(key, list);
    }
    return this;
  }
}

/** Glue's NextToken is opaque; this one also names the listing it belongs to, so a token sent to the wrong listing is caught. */
function token(listing: string, offset: number): string {
  return Buffer.from(JSON.stringify({ l: listing, o: offset, s: 'AQICAHh' })).toString('base64');
}

function page<T>(items: readonly T[], listing: string, size: number, maxResults: number | undefined, nextToken: string | undefined) {
  let offset = 0;
  if (nextToken !== undefined) {
    let parsed: { l?: string; o?: number } = {};
    try {
      parsed = JSON.parse(Buffer.from(nextToken, 'base64').toString('utf8')) as typeof parsed;
    } catch { /* reported below */ }
    if (parsed.l !== listing || typeof parsed.o !== 'number') {
      throw new InvalidInputException({ message: 'Invalid NextToken.', $metadata: { httpStatusCode: 400 } });
    }
    offset = parsed.o;
  }
  const end = offset + Math.min(size, maxResults ?? size);
  return { items: copy(items.slice(offset, end)), NextToken: end < items.length ? token(listing, end) : undefined };
}

/**
 * A deep copy whose Dates are Dates of this realm, as the SDK's deserializer returns them.
 * (structuredClone would return Dates of Node's outer realm, which fail `instanceof Date` inside Jest.)
 */
export function copy<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map(copy) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)])) as T;
  }
  return value;
}

/**
 * A deep copy like `copy`, but that also recognises Dates of Node's outer realm (what
 * `structuredClone` returns inside Jest), so a written input is stored with its Dates intact.
 */
function copyWritten<T>(value: T): T {
  if (Object.prototype.toString.call(value) === '[object Date]') return new Date((value as unknown as Date).getTime()) as T;
  if (Array.isArray(value)) return value.map(copyWritten) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyWritten(v)])) as T;
  }
  return value;
}

const notFound = (message: string) => new EntityNotFoundException({ message, $metadata: { httpStatusCode: 400 } });
const entryError = (code: string, message: string): ErrorDetail => ({ ErrorCode: code, ErrorMessage: message });
const sameValues = (a: readonly string[] | undefined, b: readonly string[] | undefined) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

/** Rejects a batch call over Glue's limit, as Glue does. */
function overLimit(entries: readonly unknown[] | undefined, max: number, what: string): void {
  if ((entries?.length ?? 0) > max) {
    throw new InvalidInputException({ message: `${what}: at most ${max} entries a call, got ${entries!.length}.`, $metadata: { httpStatusCode: 400 } });
  }
}

/** Per-Region catalogs behind a mocked GlueClient. */
export class FakeLake {
  private readonly regions = new Map<string, RegionCatalog>();

  constructor(readonly glue: AwsClientStub<GlueClient>, readonly pageSizes: PageSizes = { databases: 100, tables: 100, partitions: 1000 }) {}

  region(name: string, pageSizes: Partial<PageSizes> = {}): RegionCatalog {
    let catalog = this.regions.get(name);
    if (!catalog) {
      catalog = new RegionCatalog({ ...this.pageSizes, ...pageSizes });
      this.regions.set(name, catalog);
    }
    return catalog;
  }

  getDatabases(input: GetDatabasesRequest, region: string): GetDatabasesResponse {
    const c = this.region(region);
    const { items, NextToken } = page(c.databases, `${region}/databases`, c.pageSizes.databases, input.MaxResults, input.NextToken);
    return { DatabaseList: items, NextToken };
  }

  getTables(input: GetTablesRequest, region: string): GetTablesResponse {
    const c = this.region(region);
    const tables = c.tables.get(input.DatabaseName!);
    if (!tables) throw new EntityNotFoundException({ message: `Database ${input.DatabaseName} not found.`, $metadata: { httpStatusCode: 400 } });
    const { items, NextToken } = page(tables, `${region}/${input.DatabaseName}/tables`, c.pageSizes.tables, input.MaxResults, input.NextToken);
    return { TableList: items, NextToken };
  }

  getPartitions(input: GetPartitionsRequest, region: string): GetPartitionsResponse {
    if (input.Expression === '') throw new InvalidInputException({ message: 'Expression must not be empty.', $metadata: { httpStatusCode: 400 } });
    const c = this.region(region);
    const t = c.tables.get(input.DatabaseName!)?.find(x => x.Name === input.TableName);
    if (!t) throw new EntityNotFoundException({ message: `Table ${input.TableName} not found.`, $metadata: { httpStatusCode: 400 } });
    const all = c.partitions.get(`${input.DatabaseName}.${input.TableName}`) ?? [];
    const listing = `${region}/${input.DatabaseName}.${input.TableName}/partitions`;
    const { items, NextToken } = page(all, listing, c.pageSizes.partitions, input.MaxResults, input.NextToken);
    return { Partitions: items, NextToken };
  }

  getDatabase(input: GetDatabaseRequest, region: string): GetDatabaseResponse {
    const db = this.region(region).databases.find(d => d.Name === input.Name);
    if (!db) throw new EntityNotFoundException({ message: `Database ${input.Name} not found.`, $metadata: { httpStatusCode: 400 } });
    return { Database: copy(db) };
  }

  getTable(input: GetTableRequest, region: string): GetTableResponse {
    const t = this.region(region).tables.get(input.DatabaseName!)?.find(x => x.Name === input.Name);
    if (!t) throw new EntityNotFoundException({ message: `Table ${input.Name} not found.`, $metadata: { httpStatusCode: 400 } });
    return { Table: copy(t) };
  }

  batchGetPartition(input: BatchGetPartitionRequest, region: string): BatchGetPartitionResponse {
    const all = this.region(region).partitions.get(`${input.DatabaseName}.${input.TableName}`) ?? [];
    const wanted = new Set((input.PartitionsToGet ?? []).map(p => JSON.stringify(p.Values)));
    return { Partitions: copy(all.filter(p => wanted.has(JSON.stringify(p.Values)))), UnprocessedKeys: [] };
  }

  // ---- writes, applied by persistWrites() ----

  /** The fake lakes hold no partition indexes: every table answers an empty list (test/support/moto has stateful ones). */
  getPartitionIndexes(input: GetPartitionIndexesRequest, region: string): GetPartitionIndexesResponse {
    this.partitionsOf(region, input.DatabaseName, input.TableName);
    return { PartitionIndexDescriptorList: [] };
  }

  /** Nor user-defined functions: every database answers an empty list (test/support/moto has stateful ones). */
  getUserDefinedFunctions(input: GetUserDefinedFunctionsRequest, region: string): GetUserDefinedFunctionsResponse {
    this.tablesOf(region, input.DatabaseName);
    return { UserDefinedFunctions: [] };
  }

  private tablesOf(region: string, databaseName: string | undefined): Table[] {
    const tables = this.region(region).tables.get(databaseName!);
    if (!tables) throw notFound(`Database ${databaseName} not found.`);
    return tables;
  }

  private partitionsOf(region: string, databaseName: string | undefined, tableName: string | undefined): Partition[] {
    const c = this.region(region);
    if (!this.tablesOf(region, databaseName).some(t => t.Name === tableName)) throw notFound(`Table ${tableName} not found.`);
    const key = `${databaseName}.${tableName}`;
    if (!c.partitions.has(key)) c.partitions.set(key, []);
    return c.partitions.get(key)!;
  }

  createDatabase(input: CreateDatabaseRequest, region: string): object {
    const c = this.region(region);
    const name = input.DatabaseInput!.Name!;
    if (c.databases.some(d => d.Name === name)) throw new AlreadyExistsException({ message: `Database ${name} already exists.`, $metadata: { httpStatusCode: 400 } });
    c.addDatabase({ ...copyWritten(input.DatabaseInput!), CreateTime: new Date(), CatalogId: ACCOUNT });
    return {};
  }

  updateDatabase(input: UpdateDatabaseRequest, region: string): object {
    const c = this.region(region);
    const i = c.databases.findIndex(d => d.Name === input.Name);
    if (i < 0) throw notFound(`Database ${input.Name} not found.`);
    c.databases[i] = { ...c.databases[i], ...copyWritten(input.DatabaseInput!) };
    return {};
  }

  deleteDatabase(input: DeleteDatabaseRequest, region: string): object {
    const c = this.region(region);
    const i = c.databases.findIndex(d => d.Name === input.Name);
    if (i < 0) throw notFound(`Database ${input.Name} not found.`);
    c.databases.splice(i, 1);
    c.tables.delete(input.Name!);
    for (const key of [...c.partitions.keys()]) if (key.startsWith(`${input.Name}.`)) c.partitions.delete(key);
    return {};
  }

  createTable(input: CreateTableRequest, region: string): object {
    const tables = this.tablesOf(region, input.DatabaseName);
    const name = input.TableInput!.Name!;
    if (tables.some(t => t.Name === name)) throw new AlreadyExistsException({ message: `Table ${name} already exists.`, $metadata: { httpStatusCode: 400 } });
    tables.push({ ...copyWritten(input.TableInput!), DatabaseName: input.DatabaseName, CreateTime: new Date(), CatalogId: ACCOUNT });
    return {};
  }

  updateTable(input: UpdateTableRequest, region: string): object {
    const tables = this.tablesOf(region, input.DatabaseName);
    const i = tables.findIndex(t => t.Name === input.TableInput!.Name);
    if (i < 0) throw notFound(`Table ${input.TableInput!.Name} not found.`);
    tables[i] = { ...copyWritten(input.TableInput!), DatabaseName: input.DatabaseName, CreateTime: tables[i].CreateTime, CatalogId: ACCOUNT };
    return {};
  }

  batchDeleteTable(input: BatchDeleteTableRequest, region: string): BatchDeleteTableResponse {
    overLimit(input.TablesToDelete, 100, 'BatchDeleteTable');
    const c = this.region(region);
    const tables = this.tablesOf(region, input.DatabaseName);
    const Errors: BatchDeleteTableResponse['Errors'] = [];
    for (const name of input.TablesToDelete ?? []) {
      const i = tables.findIndex(t => t.Name === name);
      if (i < 0) {
        Errors.push({ TableName: name, ErrorDetail: entryError('EntityNotFoundException', `Table ${name} not found.`) });
        continue;
      }
      tables.splice(i, 1);
      c.partitions.delete(`${input.DatabaseName}.${name}`);
    }
    return { Errors };
  }

  batchCreatePartition(input: BatchCreatePartitionRequest, region: string): BatchCreatePartitionResponse {
    overLimit(input.PartitionInputList, 100, 'BatchCreatePartition');
    const partitions = this.partitionsOf(region, input.DatabaseName, input.TableName);
    const Errors: BatchCreatePartitionResponse['Errors'] = [];
    const existing = new Set(partitions.map(x => JSON.stringify(x.Values ?? [])));
    for (const p of input.PartitionInputList ?? []) {
      if (existing.has(JSON.stringify(p.Values ?? []))) {
        Errors.push({ PartitionValues: p.Values, ErrorDetail: entryError('AlreadyExistsException', 'Partition already exists.') });
        continue;
      }
      partitions.push({
        ...copyWritten(p), DatabaseName: input.DatabaseName, TableName: input.TableName, CreationTime: new Date(), CatalogId: ACCOUNT,
      });
      existing.add(JSON.stringify(p.Values ?? []));
    }
    return { Errors };
  }

  batchUpdatePartition(input: BatchUpdatePartitionRequest, region: string): BatchUpdatePartitionResponse {
    overLimit(input.Entries, 100, 'BatchUpdatePartition');
    const partitions = this.partitionsOf(region, input.DatabaseName, input.TableName);
    const Errors: BatchUpdatePartitionResponse['Errors'] = [];
    for (const e of input.Entries ?? []) {
      const i = partitions.findIndex(x => sameValues(x.Values, e.PartitionValueList));
      if (i < 0) {
        Errors.push({ PartitionValueList: e.PartitionValueList, ErrorDetail: entryError('EntityNotFoundException', 'Partition not found.') });
        continue;
      }
      partitions[i] = { ...partitions[i], ...copyWritten(e.PartitionInput!) };
    }
    return { Errors };
  }

  batchDeletePartition(input: BatchDeletePartitionRequest, region: string): BatchDeletePartitionResponse {
    overLimit(input.PartitionsToDelete, 25, 'BatchDeletePartition');
    const partitions = this.partitionsOf(region, input.DatabaseName, input.TableName);
    const Errors: BatchDeletePartitionResponse['Errors'] = [];
    for (const v of input.PartitionsToDelete ?? []) {
      const i = partitions.findIndex(x => sameValues(x.Values, v.Values));
      if (i < 0) {
        Errors.push({ PartitionValues: v.Values, ErrorDetail: entryError('EntityNotFoundException', 'Partition not found.') });
        continue;
      }
      partitions.splice(i, 1);
    }
    return { Errors };
  }

  /**
   * Makes writes change the Region catalogs, as Glue would: a later read (another invocation,
   * with fresh clients) sees what an earlier one wrote. Creating what exists fails (whole call or
   * batch entry, AlreadyExistsException), so a write sent twice shows up as a failure. Batch calls
   * over Glue's limits (100 partitions to create or update, 25 to delete, 100 tables) are rejected.
   * Call after install(); without it, writes are accepted and change nothing.
   */
  persistWrites(): this {
    const g = this.glue;
    g.on(CreateDatabaseCommand).callsFake(async (i: CreateDatabaseRequest, c) => this.createDatabase(i, await regionOf(c())));
    g.on(UpdateDatabaseCommand).callsFake(async (i: UpdateDatabaseRequest, c) => this.updateDatabase(i, await regionOf(c())));
    g.on(DeleteDatabaseCommand).callsFake(async (i: DeleteDatabaseRequest, c) => this.deleteDatabase(i, await regionOf(c())));
    g.on(CreateTableCommand).callsFake(async (i: CreateTableRequest, c) => this.createTable(i, await regionOf(c())));
    g.on(UpdateTableCommand).callsFake(async (i: UpdateTableRequest, c) => this.updateTable(i, await regionOf(c())));
    g.on(BatchDeleteTableCommand).callsFake(async (i: BatchDeleteTableRequest, c) => this.batchDeleteTable(i, await regionOf(c())));
    g.on(BatchCreatePartitionCommand).callsFake(async (i: BatchCreatePartitionRequest, c) => this.batchCreatePartition(i, await regionOf(c())));
    g.on(BatchUpdatePartitionCommand).callsFake(async (i: BatchUpdatePartitionRequest, c) => this.batchUpdatePartition(i, await regionOf(c())));
    g.on(BatchDeletePartitionCommand).callsFake(async (i: BatchDeletePartitionRequest, c) => this.batchDeletePartition(i, await regionOf(c())));
    return this;
  }

  /**
   * Answers the reads from the Region catalogs and accepts every write (batch writes with no
   * `Errors`). Anything else is rejected, so an unexpected call fails the test. Tests override
   * single commands afterwards with `glue.on(...)`: the last behaviour defined wins.
   */
  install(): this {
    this.glue.onAnyCommand().callsFake((input: unknown) => {
      throw Object.assign(new Error(`unexpected Glue call in a mocked test: ${JSON.stringify(input).slice(0, 200)}`), { name: 'UnexpectedCall' });
    });
    this.glue.on(GetDatabasesCommand)
      .callsFake(async (input: GetDatabasesRequest, getClient) => this.getDatabases(input, await regionOf(getClient())));
    this.glue.on(GetTablesCommand)
      .callsFake(async (input: GetTablesRequest, getClient) => this.getTables(input, await regionOf(getClient())));
    this.glue.on(GetPartitionsCommand)
      .callsFake(async (input: GetPartitionsRequest, getClient) => this.getPartitions(input, await regionOf(getClient())));
    this.glue.on(GetDatabaseCommand)
      .callsFake(async (input: GetDatabaseRequest, getClient) => this.getDatabase(input, await regionOf(getClient())));
    this.glue.on(GetTableCommand)
      .callsFake(async (input: GetTableRequest, getClient) => this.getTable(input, await regionOf(getClient())));
    this.glue.on(BatchGetPartitionCommand)
      .callsFake(async (input: BatchGetPartitionRequest, getClient) => this.batchGetPartition(input, await regionOf(getClient())));
    this.glue.on(GetPartitionIndexesCommand)
      .callsFake(async (input: GetPartitionIndexesRequest, getClient) => this.getPartitionIndexes(input, await regionOf(getClient())));
    this.glue.on(GetUserDefinedFunctionsCommand)
      .callsFake(async (input: GetUserDefinedFunctionsRequest, getClient) => this.getUserDefinedFunctions(input, await regionOf(getClient())));
    // Nor catalogs other than the default one, nor settings of the default one (test/support/moto has stateful ones).
    this.glue.on(GetCatalogsCommand).resolves({ CatalogList: [] });
    this.glue.on(GetCatalogCommand).callsFake((input: GetCatalogRequest) => ({ Catalog: { CatalogId: input.CatalogId, Name: input.CatalogId } }));
    // No table here has optimizers: every entry answers not found.
    this.glue.on(BatchGetTableOptimizerCommand).callsFake(async (input: { Entries?: Array<Record<string, string>> }) => ({
      TableOptimizers: [],
      Failures: (input.Entries ?? []).map(e => ({ ...e, error: { ErrorCode: 'EntityNotFoundException', ErrorMessage: 'no optimizer' } })),
    }));
    // Nor column statistics, nor statistics task settings.
    this.glue.on(GetColumnStatisticsForTableCommand).resolves({ ColumnStatisticsList: [], Errors: [] });
    this.glue.on(GetColumnStatisticsForPartitionCommand).resolves({ ColumnStatisticsList: [], Errors: [] });
    this.glue.on(GetColumnStatisticsTaskSettingsCommand).rejects(new EntityNotFoundException({ message: 'no task settings', $metadata: {} }));
    for (const command of [CreateDatabaseCommand, UpdateDatabaseCommand, DeleteDatabaseCommand, CreateTableCommand, UpdateTableCommand]) {
      this.glue.on(command as typeof CreateDatabaseCommand).resolves({});
    }
    for (const command of [BatchCreatePartitionCommand, BatchUpdatePartitionCommand, BatchDeletePartitionCommand, BatchDeleteTableCommand]) {
      this.glue.on(command as typeof BatchCreatePartitionCommand).resolves({ Errors: [] });
    }
    return this;
  }
}

/** A fresh mocked SDK and fake lake for every test of the enclosing describe, seeded by `seed`, restored after. */
export function useFakeLake(seed: (lake: FakeLake) => void = () => undefined): { readonly aws: MockedAws; readonly lake: FakeLake } {
  let current: { aws: MockedAws; lake: FakeLake } | undefined;
  beforeEach(() => {
    const aws = mockAws();
    current = { aws, lake: new FakeLake(aws.glue).install() };
    seed(current.lake);
  });
  afterEach(() => current?.aws.restore());
  return {
    get aws() { return current!.aws; },
    get lake() { return current!.lake; },
  };
}
