/** The Glue engine's public entry: what the composition root, the snapshot format and the Lake Formation reader use. */
export { convergeDatabase, convergeGlue, pruneDatabases, GLUE_KINDS } from './converge';
export { glueObjectConverger } from './objects';
export { databasePages, tablePages } from './pages';
export { databaseInput, partitionInput, promotedTable, reviveTimestamps, tableInput } from './shapes';
export { GlueTarget } from './target';
export { LiveCatalogSource, type CatalogSource, type PartitionPage, type SourceDatabase, type SourceLookups, type SourceTable } from './source';
export { attachedKindsOf, isPaged, type PagedAttachments, type SourceAttachments } from './attached';
export { isDataCatalogView, isMaterializedView } from './views';
