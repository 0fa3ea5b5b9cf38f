import { catalog, type CatalogItem } from '../../../../src/engine/glue/attached/catalog';
import { connection } from '../../../../src/engine/glue/attached/connection';
import type { ReplicaContext } from '../../../../src/engine/glue/shapes';
import { BucketMapper } from '../../../../src/shared/bucket-mapping';
import { ConnectionMapper } from '../../../../src/shared/connection-mapping';
import { RoleMapper } from '../../../../src/shared/role-mapping';

/** The catalog and connection modules' pure decisions: the DR rules of a replica, its promotion, and what a connection needs. */
const ROLE = 'arn:aws:iam::111122223333:role/optimizer';
const DR_ROLE = 'arn:aws:iam::111122223333:role/optimizer-dr';
const ctx = (mappings: ConstructorParameters<typeof ConnectionMapper>[0] = []): ReplicaContext => ({
  sourceRegion: 'us-east-1',
  sourceCatalogId: '111122223333',
  targetRegion: 'us-west-2',
  mapper: new BucketMapper([], 'us-west-2'),
  roles: new RoleMapper([{ sourceRole: ROLE, targetRole: DR_ROLE }], 'us-west-2'),
  connections: new ConnectionMapper(mappings, 'us-west-2'),
  onUnmappedBucket: () => undefined,
});

const SOURCE: CatalogItem = {
  Name: 'polaris',
  CatalogInput: {
    FederatedCatalog: { Identifier: 'arn:snowflake:polaris', ConnectionName: 'snowflake' },
    TargetRedshiftCatalog: { CatalogArn: 'arn:aws:glue:us-east-1:111122223333:catalog/redshift/dev' },
    CatalogProperties: {
      DataLakeAccessProperties: { DataLakeAccess: true, DataTransferRole: ROLE },
      IcebergOptimizationProperties: {
        RoleArn: ROLE,
        Compaction: { enabled: 'true', strategy: 'sort' },
        Retention: { Enabled: 'true' },
        OrphanFileDeletion: { orphanFileRetentionPeriodInDays: '3' },
      },
    },
  },
};

describe('a catalog replica', () => {
  const replica = catalog.replica(SOURCE, ctx());

  test('has its optimizations disabled (whatever the key\'s case), its settings kept, its roles mapped and its Redshift ARN in the target', () => {
    expect(replica.CatalogInput.CatalogProperties?.IcebergOptimizationProperties).toEqual({
      RoleArn: DR_ROLE,
      Compaction: { enabled: 'false', strategy: 'sort' },
      Retention: { Enabled: 'false' },
      // No `enabled` key: nothing to switch off, left as it is.
      OrphanFileDeletion: { orphanFileRetentionPeriodInDays: '3' },
    });
    expect(replica.CatalogInput.CatalogProperties?.DataLakeAccessProperties?.DataTransferRole).toBe(DR_ROLE);
    expect(replica.CatalogInput.TargetRedshiftCatalog?.CatalogArn).toBe('arn:aws:glue:us-west-2:111122223333:catalog/redshift/dev');
    expect(SOURCE.CatalogInput.CatalogProperties?.IcebergOptimizationProperties?.Compaction?.enabled).toBe('true');
  });

  test('promoted, its optimizations run as the source ran them; without the source it stays as it is', () => {
    const promoted = catalog.promoted!(replica, SOURCE).CatalogInput.CatalogProperties?.IcebergOptimizationProperties;
    expect(promoted).toMatchObject({ RoleArn: DR_ROLE, Compaction: { enabled: 'true', strategy: 'sort' }, Retention: { Enabled: 'true' } });
    expect(catalog.promoted!(replica, undefined)).toEqual(replica);
  });

  test('the S3 Tables catalog is excluded with a note; a federated one is not', () => {
    expect(catalog.excluded!({ Name: 's3tablescatalog', CatalogInput: {} })).toMatch(/S3 Tables replication carries it/);
    expect(catalog.excluded!({ Name: 'tables', CatalogInput: { FederatedCatalog: { ConnectionName: 'aws:s3tables' } } })).toMatch(/S3 Tables catalog/);
    expect(catalog.excluded!(SOURCE)).toBeUndefined();
  });
});

describe('a connection', () => {
  const SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:sf';
  const DR_SECRET = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:sf-dr';
  const withSecret = {
    Name: 'snowflake',
    ConnectionType: 'SNOWFLAKE' as never,
    ConnectionProperties: { SECRET_ID: SECRET },
    PhysicalConnectionRequirements: { SubnetId: 'subnet-1', SecurityGroupIdList: ['sg-1'] },
  };

  test('without a secret or network settings needs nothing', () => {
    expect(connection.needs!({ Name: 'plain', ConnectionType: 'CUSTOM' as never, ConnectionProperties: {} }, ctx())).toBeUndefined();
  });

  test('with a secret and a subnet needs a mapping of each; a partial mapping names what is still missing', () => {
    expect(connection.needs!(withSecret, ctx())).toMatch(/its secret .*secret=ARN; its subnet \(subnet-1\).*; its security groups \(sg-1\)/);
    const partial = ctx([{ connection: 'snowflake', targetRegion: 'us-west-2', secretArn: DR_SECRET }]);
    const needs = connection.needs!(withSecret, partial);
    expect(needs).not.toMatch(/its secret/);
    expect(needs).toMatch(/its subnet .*its security groups/);
  });

  test('mapped, its replica names the target\'s secret (SECRET_ID too) and network', () => {
    const mapped = ctx([{ connection: 'snowflake', targetRegion: 'us-west-2', secretArn: DR_SECRET, subnetId: 'subnet-2', securityGroupIds: ['sg-2', 'sg-3'] }]);
    expect(connection.needs!(withSecret, mapped)).toBeUndefined();
    expect(connection.replica(withSecret, mapped)).toEqual({
      ...withSecret,
      ConnectionProperties: { SECRET_ID: DR_SECRET },
      PhysicalConnectionRequirements: { SubnetId: 'subnet-2', SecurityGroupIdList: ['sg-2', 'sg-3'] },
    });
  });
});
