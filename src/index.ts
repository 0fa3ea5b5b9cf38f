export type { BucketMapping } from './bucket-mapping';
export * from './multi-region-lake-replica';
export * from './multi-region-lake-replica-props';
