export type { BucketMapping } from './shared/bucket-mapping';
export type { RoleMapping } from './shared/role-mapping';
export type { ConnectionMapping } from './shared/connection-mapping';
export * from './multi-region-lake-replica';
export * from './multi-region-lake-replica-props';
