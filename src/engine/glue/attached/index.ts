export { AttachedConvergence, attachedKindsOf, readAttachments, type AttachedRules, type SourceAttachments } from './converge';
export { ATTACHED_MODULES } from './modules';
export type { AttachedKindModule, AttachedRead, AttachedWrite, Owner } from './kind';
