export { AttachedConvergence, attachedKindsOf, isPaged, readAttachments, type AttachedRules, type PagedAttachments, type SourceAttachments } from './converge';
export { ATTACHED_MODULES } from './modules';
export type { AttachedKindModule, AttachedPage, AttachedRead, AttachedWrite, Owner } from './kind';
