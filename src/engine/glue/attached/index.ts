export { AttachedConvergence, attachedKindsOf, readAttachments, type AttachedRules, type SourceAttachments } from './converge';
export { ATTACHED_MODULES } from './modules';
export type { AttachedKindModule, AttachedRead, AttachedWrite, Owner } from './kind';
export { CATALOG_OWNER, CATALOG_OWNER_KEY } from './kind';
export { catalogInput, promotedOptimization, replicaOptimization, S3_TABLES_CATALOG } from './catalog';
