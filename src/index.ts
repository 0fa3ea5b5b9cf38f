export * from './bucket-mapping';
