import type { AttachedKind } from '../../shared/attached-kinds';
import type { LfField } from '../lake-formation';

/**
 * The JSON shapes a snapshot's objects must have, checked before a restore writes anything.
 * A hand-written checker rather than a schema library: the engine ships inside the construct's
 * Lambda bundles and the CLI with the AWS SDK as its only runtime dependency, and these shapes are
 * small. Fields not listed are allowed (a newer build's optional fields; they are dropped on read);
 * listed fields must have their type, and `null` is never a value the format writes.
 */
export type Shape =
  | 'string' | 'integer' | 'boolean' | 'timestamp' | 'object'
  | { readonly list: Shape }
  | { readonly map: Shape }
  | Fields;

export interface Fields {
  readonly fields: Readonly<Record<string, Shape>>;
  readonly required?: readonly string[];
}

const strings: Shape = { list: 'string' };
const stringMap: Shape = { map: 'string' };

const COLUMN: Fields = { fields: { Name: 'string', Type: 'string', Comment: 'string', Parameters: stringMap }, required: ['Name'] };

const STORAGE_DESCRIPTOR: Fields = {
  fields: {
    Columns: { list: COLUMN },
    Location: 'string',
    AdditionalLocations: strings,
    InputFormat: 'string',
    OutputFormat: 'string',
    Compressed: 'boolean',
    NumberOfBuckets: 'integer',
    SerdeInfo: { fields: { Name: 'string', SerializationLibrary: 'string', Parameters: stringMap } },
    BucketColumns: strings,
    SortColumns: { list: { fields: { Column: 'string', SortOrder: 'integer' } } },
    Parameters: stringMap,
    SkewedInfo: { fields: { SkewedColumnNames: strings, SkewedColumnValues: strings, SkewedColumnValueLocationMaps: stringMap } },
    StoredAsSubDirectories: 'boolean',
    SchemaReference: 'object',
  },
};

const PRINCIPAL: Fields = { fields: { DataLakePrincipalIdentifier: 'string' } };

export const DATABASE_SHAPE: Fields = {
  fields: {
    Name: 'string',
    Description: 'string',
    LocationUri: 'string',
    Parameters: stringMap,
    CreateTableDefaultPermissions: { list: { fields: { Principal: PRINCIPAL, Permissions: strings } } },
    TargetDatabase: { fields: { CatalogId: 'string', DatabaseName: 'string', Region: 'string' }, required: ['DatabaseName'] },
    FederatedDatabase: 'object',
  },
  required: ['Name'],
};

export const TABLE_SHAPE: Fields = {
  fields: {
    Name: 'string',
    Description: 'string',
    Owner: 'string',
    LastAccessTime: 'timestamp',
    LastAnalyzedTime: 'timestamp',
    Retention: 'integer',
    StorageDescriptor: STORAGE_DESCRIPTOR,
    PartitionKeys: { list: COLUMN },
    ViewOriginalText: 'string',
    ViewExpandedText: 'string',
    TableType: 'string',
    Parameters: stringMap,
    TargetTable: { fields: { CatalogId: 'string', DatabaseName: 'string', Name: 'string', Region: 'string' }, required: ['DatabaseName', 'Name'] },
    ViewDefinition: {
      fields: {
        IsProtected: 'boolean',
        IsManaged: 'boolean',
        Definer: 'string',
        Representations: { list: 'object' },
        SubObjects: strings,
        // A materialized view's: promote reads RefreshSeconds back from a snapshot.
        RefreshSeconds: 'integer',
        ViewVersionId: 'integer',
        ViewVersionToken: 'string',
        LastRefreshType: 'string',
        SubObjectVersionIds: { list: 'integer' },
        SubObjectsStatistics: { list: 'object' },
        SparkPipelineInfo: stringMap,
      },
    },
    FederatedTable: 'object',
  },
  required: ['Name'],
};

export const PARTITION_SHAPE: Fields = {
  fields: {
    Values: strings,
    StorageDescriptor: STORAGE_DESCRIPTOR,
    Parameters: stringMap,
    LastAccessTime: 'timestamp',
    LastAnalyzedTime: 'timestamp',
  },
  required: ['Values'],
};

/** A catalog's Iceberg optimization settings: promote reads each optimization's `enabled` back from a snapshot. */
const OPTIMIZATION: Fields = { fields: { RoleArn: 'string', Compaction: stringMap, Retention: stringMap, OrphanFileDeletion: stringMap } };
/** One column's statistics, canonical: times as ISO strings, decimal bytes as base64 (`column-statistics-data.ts`). */
const COLUMN_STATISTICS: Fields = {
  fields: { ColumnName: 'string', ColumnType: 'string', AnalyzedTime: 'timestamp', StatisticsData: 'object' },
  required: ['ColumnName', 'ColumnType', 'AnalyzedTime', 'StatisticsData'],
};

/** Each attached kind's items, as the writes take them. */
export const ATTACHED_SHAPES: Readonly<Record<AttachedKind, Fields>> = {
  connection: {
    fields: {
      Name: 'string',
      Description: 'string',
      ConnectionType: 'string',
      MatchCriteria: strings,
      ConnectionProperties: stringMap,
      SparkProperties: stringMap,
      AthenaProperties: stringMap,
      PythonProperties: stringMap,
      PhysicalConnectionRequirements: { fields: { SubnetId: 'string', SecurityGroupIdList: strings, AvailabilityZone: 'string' } },
      AuthenticationConfiguration: { fields: { AuthenticationType: 'string', SecretArn: 'string', KmsKeyArn: 'string', OAuth2Properties: 'object' } },
    },
    required: ['Name', 'ConnectionType'],
  },
  catalogOptimization: {
    fields: { Name: 'string', IcebergOptimizationProperties: OPTIMIZATION },
    required: ['Name', 'IcebergOptimizationProperties'],
  },
  catalog: {
    fields: {
      Name: 'string',
      CatalogInput: {
        fields: {
          Description: 'string',
          FederatedCatalog: { fields: { Identifier: 'string', ConnectionName: 'string', ConnectionType: 'string' } },
          Parameters: stringMap,
          TargetRedshiftCatalog: { fields: { CatalogArn: 'string' }, required: ['CatalogArn'] },
          CatalogProperties: {
            fields: {
              DataLakeAccessProperties: { fields: { DataLakeAccess: 'boolean', DataTransferRole: 'string', KmsKey: 'string', CatalogType: 'string' } },
              // promote reads each optimization's `enabled` back from a snapshot.
              IcebergOptimizationProperties: OPTIMIZATION,
              CustomProperties: stringMap,
            },
          },
          CreateTableDefaultPermissions: { list: { fields: { Principal: PRINCIPAL, Permissions: strings } } },
          CreateDatabaseDefaultPermissions: { list: { fields: { Principal: PRINCIPAL, Permissions: strings } } },
          AllowFullTableExternalDataAccess: 'string',
        },
      },
    },
    required: ['Name', 'CatalogInput'],
  },
  partitionIndex: { fields: { IndexName: 'string', Keys: strings }, required: ['IndexName', 'Keys'] },
  userDefinedFunction: {
    fields: {
      FunctionName: 'string',
      ClassName: 'string',
      OwnerName: 'string',
      FunctionType: 'string',
      OwnerType: 'string',
      ResourceUris: { list: { fields: { ResourceType: 'string', Uri: 'string' } } },
      ArtifactLocation: 'string',
      GovernanceMode: 'string',
    },
    required: ['FunctionName'],
  },
  tableOptimizer: {
    fields: {
      type: 'string',
      configuration: {
        fields: {
          roleArn: 'string',
          enabled: 'boolean',
          vpcConfiguration: 'object',
          compactionConfiguration: 'object',
          retentionConfiguration: 'object',
          orphanFileDeletionConfiguration: 'object',
        },
      },
    },
    required: ['type', 'configuration'],
  },
  columnStatistics: COLUMN_STATISTICS,
  partitionColumnStatistics: { fields: { Values: strings, ...COLUMN_STATISTICS.fields }, required: ['Values', ...COLUMN_STATISTICS.required!] },
  statisticsTaskSettings: {
    fields: {
      Role: 'string', Schedule: 'string', ScheduleState: 'string', ColumnNameList: strings, SecurityConfiguration: 'string',
    },
    required: ['Role'],
  },
};

const LF_TAG: Fields = { fields: { TagKey: 'string', TagValues: strings }, required: ['TagKey', 'TagValues'] };
const GRANTEE = { Principal: PRINCIPAL, Resource: 'object', Condition: 'object' } as const;

/** Each Lake Formation list's items, as the request shapes the restore sends. */
export const LAKE_FORMATION_SHAPES: Readonly<Record<LfField, Fields>> = {
  settings: {
    fields: {
      DataLakeAdmins: { list: PRINCIPAL },
      ReadOnlyAdmins: { list: PRINCIPAL },
      CreateDatabaseDefaultPermissions: { list: { fields: { Principal: PRINCIPAL, Permissions: strings } } },
      CreateTableDefaultPermissions: { list: { fields: { Principal: PRINCIPAL, Permissions: strings } } },
      Parameters: stringMap,
      TrustedResourceOwners: strings,
      AllowExternalDataFiltering: 'boolean',
      AllowFullTableExternalDataAccess: 'boolean',
      ExternalDataFilteringAllowList: { list: PRINCIPAL },
      AuthorizedSessionTagValueList: strings,
    },
  },
  lfTags: LF_TAG,
  lfTagExpressions: { fields: { Name: 'string', Description: 'string', Expression: { list: LF_TAG } }, required: ['Name', 'Expression'] },
  dataLocations: {
    fields: {
      ResourceArn: 'string',
      UseServiceLinkedRole: 'boolean',
      RoleArn: 'string',
      WithFederation: 'boolean',
      HybridAccessEnabled: 'boolean',
      WithPrivilegedAccess: 'boolean',
    },
    required: ['ResourceArn'],
  },
  dataCellsFilters: {
    fields: {
      TableCatalogId: 'string',
      DatabaseName: 'string',
      TableName: 'string',
      Name: 'string',
      RowFilter: 'object',
      ColumnNames: strings,
      ColumnWildcard: 'object',
      VersionId: 'string',
    },
    required: ['DatabaseName', 'TableName', 'Name'],
  },
  optIns: { fields: GRANTEE, required: ['Principal', 'Resource'] },
  tagAssignments: { fields: { Resource: 'object', LFTags: { list: LF_TAG } }, required: ['Resource', 'LFTags'] },
  permissions: {
    fields: { ...GRANTEE, Permissions: strings, PermissionsWithGrantOption: strings },
    required: ['Principal', 'Resource', 'Permissions', 'PermissionsWithGrantOption'],
  },
};

/** What is wrong with `value` as `shape`, naming the field by its path; undefined when nothing is. */
export function shapeProblem(value: unknown, shape: Shape, path: string): string | undefined {
  if (typeof shape === 'string') return scalarProblem(value, shape, path);
  if ('list' in shape) {
    if (!Array.isArray(value)) return `${path} is ${describe(value)}; a list was expected`;
    for (let i = 0; i < value.length; i++) {
      const problem = shapeProblem(value[i], shape.list, `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (!isObject(value)) return `${path} is ${describe(value)}; an object was expected`;
  if ('map' in shape) {
    for (const [key, item] of Object.entries(value)) {
      const problem = shapeProblem(item, shape.map, `${path}[${JSON.stringify(key)}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  for (const field of shape.required ?? []) if (value[field] === undefined) return `${path} has no ${field}`;
  for (const [field, fieldShape] of Object.entries(shape.fields)) {
    if (!(field in value)) continue;
    const problem = shapeProblem(value[field], fieldShape, `${path}.${field}`);
    if (problem) return problem;
  }
  return undefined;
}

function scalarProblem(value: unknown, shape: Exclude<Shape, object>, path: string): string | undefined {
  switch (shape) {
    case 'string': return typeof value === 'string' ? undefined : `${path} is ${describe(value)}; a string was expected`;
    case 'boolean': return typeof value === 'boolean' ? undefined : `${path} is ${describe(value)}; true or false was expected`;
    case 'integer': return Number.isInteger(value) ? undefined : `${path} is ${describe(value)}; a whole number was expected`;
    case 'object': return isObject(value) ? undefined : `${path} is ${describe(value)}; an object was expected`;
    case 'timestamp':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? undefined : `${path} is ${describe(value)}; an ISO-8601 time was expected`;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as a problem names it: its type, and a short excerpt. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  const excerpt = text.length > 40 ? `${text.slice(0, 40)}...` : text;
  return `${typeof value === 'string' ? 'a string' : `a ${typeof value}`} (${excerpt})`;
}
