import { randomUUID } from 'node:crypto';
import type { Event } from '@aws-sdk/client-cloudtrail';

export const ACCOUNT = '123456789012';
export const SOURCE_REGION = 'us-east-1';

export interface TrailEventSpec {
  readonly name: string;
  readonly source?: 'glue.amazonaws.com' | 'lakeformation.amazonaws.com' | string;
  readonly time: Date;
  /** undefined: the record omits them (CloudTrail leaves out parameters that are too large). */
  readonly params?: Record<string, unknown>;
  readonly response?: Record<string, unknown> | null;
  readonly errorCode?: string;
  readonly readOnly?: boolean;
  readonly id?: string;
}

/**
 * One `LookupEvents` entry as CloudTrail returns it: the summary fields, and the whole record as a
 * JSON string in `CloudTrailEvent` (request members in lowerCamelCase, `readOnly`, `eventType`
 * AwsApiCall, `errorCode` on failed calls, `omitted: true` when parameters were left out).
 */
export function trailEvent(spec: TrailEventSpec): Event {
  const id = spec.id ?? randomUUID();
  const source = spec.source ?? 'glue.amazonaws.com';
  const record: Record<string, unknown> = {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLEROLEID:etl',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/etl-role/etl`,
      accountId: ACCOUNT,
      accessKeyId: 'ASIAEXAMPLEKEY',
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/etl-role`, accountId: ACCOUNT, userName: 'etl-role' } },
    },
    eventTime: spec.time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: source,
    eventName: spec.name,
    awsRegion: SOURCE_REGION,
    sourceIPAddress: '203.0.113.25',
    userAgent: 'aws-sdk-java/2.25.0 Linux/5.10 OpenJDK_64-Bit_Server_VM',
    requestParameters: spec.params ?? null,
    responseElements: spec.response ?? null,
    requestID: randomUUID(),
    eventID: id,
    readOnly: spec.readOnly ?? false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
  };
  if (spec.errorCode) {
    record.errorCode = spec.errorCode;
    record.errorMessage = `${spec.errorCode}: simulated failure`;
  }
  if (spec.params === undefined) record.omitted = true;
  return {
    EventId: id,
    EventName: spec.name,
    ReadOnly: String(spec.readOnly ?? false),
    AccessKeyId: 'ASIAEXAMPLEKEY',
    EventTime: new Date(Math.floor(spec.time.getTime() / 1000) * 1000),
    EventSource: source,
    Username: 'etl',
    Resources: [],
    CloudTrailEvent: JSON.stringify(record),
  };
}

const sd = (location: string) => ({
  columns: [{ name: 'id', type: 'bigint' }],
  location,
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
});

/** Request parameters of each event as CloudTrail records them. */
export const params = {
  createDatabase: (name: string) => ({ databaseInput: { name, locationUri: `s3://acme-lake-raw/${name}/` } }),
  updateDatabase: (name: string) => ({ name, databaseInput: { name, description: 'changed' } }),
  deleteDatabase: (name: string) => ({ name }),
  createTable: (db: string, name: string) => ({ databaseName: db, tableInput: { name, storageDescriptor: sd(`s3://acme-lake-raw/${db}/${name}/`), partitionKeys: [{ name: 'dt', type: 'string' }] } }),
  updateTable: (db: string, name: string) => ({ databaseName: db, tableInput: { name, description: 'changed' }, skipArchive: false }),
  deleteTable: (db: string, name: string) => ({ catalogId: ACCOUNT, databaseName: db, name }),
  batchDeleteTable: (db: string, names: string[]) => ({ databaseName: db, tablesToDelete: names }),
  createPartition: (db: string, table: string, values: string[]) => ({ databaseName: db, tableName: table, partitionInput: { values, storageDescriptor: sd(`s3://acme-lake-raw/${db}/${table}/dt=${values[0]}/`) } }),
  batchCreatePartition: (db: string, table: string, values: string[][]) => ({
    databaseName: db, tableName: table, partitionInputList: values.map(v => ({ values: v, storageDescriptor: sd(`s3://acme-lake-raw/${db}/${table}/dt=${v[0]}/`) })),
  }),
  updatePartition: (db: string, table: string, values: string[]) => ({ databaseName: db, tableName: table, partitionValueList: values, partitionInput: { values, parameters: { numRows: '7' } } }),
  batchUpdatePartition: (db: string, table: string, values: string[][]) => ({
    databaseName: db, tableName: table, entries: values.map(v => ({ partitionValueList: v, partitionInput: { values: v } })),
  }),
  deletePartition: (db: string, table: string, values: string[]) => ({ databaseName: db, tableName: table, partitionValues: values }),
  batchDeletePartition: (db: string, table: string, values: string[][]) => ({
    databaseName: db, tableName: table, partitionsToDelete: values.map(v => ({ values: v })),
  }),
  createUserDefinedFunction: (db: string, name: string) => ({
    databaseName: db,
    functionInput: { functionName: name, className: 'com.acme.udf.Mask', ownerName: 'etl', ownerType: 'USER', resourceUris: [{ resourceType: 'JAR', uri: 's3://acme-lake-raw/udf/mask.jar' }] },
  }),
  updateUserDefinedFunction: (db: string, name: string) => ({ databaseName: db, functionName: name, functionInput: { functionName: name, className: 'com.acme.udf.Mask2' } }),
  deleteUserDefinedFunction: (db: string, name: string) => ({ catalogId: ACCOUNT, databaseName: db, functionName: name }),
  grant: (principal: string, table: { databaseName: string; name: string }) => ({
    principal: { dataLakePrincipalIdentifier: principal }, resource: { table: { catalogId: ACCOUNT, ...table } }, permissions: ['SELECT'], permissionsWithGrantOption: [],
  }),
  batchGrant: (entries: Array<{ principal: string; database: string }>) => ({
    catalogId: ACCOUNT,
    entries: entries.map((e, i) => ({ id: String(i), principal: { dataLakePrincipalIdentifier: e.principal }, resource: { database: { name: e.database } }, permissions: ['DESCRIBE'] })),
  }),
};
