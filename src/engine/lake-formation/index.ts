/**
 * The Lake Formation engine's public entry: what the composition root, the snapshot format and the
 * near-real-time path use. Everything else in this folder is its own business.
 */
export { LF_KINDS, type LfField, type LfKind } from '../../shared/lake-formation-kinds';
export { addStateItems, emptyState, stateItems, STATE_FIELDS, type LakeFormationState } from './state';
export { readSourceLakeFormation, type LakeFormationConfig } from './read-source';
export { convergeLakeFormation, phaseKinds, type ConvergeLakeFormationOptions, type LfPhase } from './converge';
export { convergePhaseSteps, phaseSteps, type PhaseStepsResult } from './phase-steps';
export { kindsToRead } from './source';
export { lakeFormationObjectConverger, type LakeFormationObjectConverger, type LakeFormationObjectsOptions } from './objects';
export { guardedPrincipals, type ProtectedPrincipals } from './protected-principals';
export { setDataLakeAdmin } from './data-lake-admin';
export { resourceLabel } from './shapes';
