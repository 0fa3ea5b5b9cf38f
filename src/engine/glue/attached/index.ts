export { AttachedConvergence, attachedKindsOf, isPaged, readAttachments, type AttachedCut, type AttachedPaging, type AttachedRules, type PagedAttachments, type SourceAttachments } from './converge';
export { ATTACHED_MODULES } from './modules';
export type { AttachedKindModule, AttachedPage, AttachedRead, AttachedWrite, Owner } from './kind';
export { CATALOG_OWNER, CATALOG_OWNER_KEY } from './kind';
export { catalogInput, promotedOptimization, replicaOptimization, S3_TABLES_CATALOG } from './catalog';
