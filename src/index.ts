export type { BucketMapping } from './bucket-mapping';
export type { RoleMapping } from './role-mapping';
export type { ConnectionMapping } from './shared/connection-mapping';
export * from './multi-region-lake-replica';
export * from './multi-region-lake-replica-props';
