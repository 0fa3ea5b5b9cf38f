import { dataCellsFilter } from './data-cells-filter';
import { dataLakeSettings } from './data-lake-settings';
import { dataLocation } from './data-location';
import type { EventParameters, LfKindModule } from './kind';
import { lfTag } from './lf-tag';
import { lfTagAssignment } from './lf-tag-assignment';
import { lfTagExpression } from './lf-tag-expression';
import { optIn } from './opt-in';
import { permission } from './permission';
import { LAKE_FORMATION_KINDS, LF_KINDS, type LfKind } from '../../../shared/lake-formation-kinds';
import type { ObjectRef } from '../../kernel/object-ref';

/** Each kind's behaviour, beside its row in the kinds table. */
export const KIND_MODULES: { readonly [K in LfKind]: LfKindModule<K> } = {
  dataLakeSettings,
  lfTag,
  lfTagExpression,
  dataLocation,
  dataCellsFilter,
  optIn,
  lfTagAssignment,
  permission,
};

/** One CloudTrail event of Lake Formation that the replica follows. */
export interface LakeFormationEvent {
  readonly name: string;
  readonly kind: LfKind;
  /** False when the event names its object whatever its parameters (the one data lake settings object). */
  readonly needsParameters: boolean;
  /** The objects the event names, from its request parameters. */
  refs(params: EventParameters): ObjectRef[];
}

/** Every followed event, kind by kind in the table's order. */
export const LAKE_FORMATION_EVENTS: readonly LakeFormationEvent[] = LF_KINDS.flatMap(kind => LAKE_FORMATION_KINDS[kind].events.map(name => ({
  name,
  kind,
  needsParameters: !KIND_MODULES[kind].single,
  refs: (params: EventParameters): ObjectRef[] => KIND_MODULES[kind].eventRefs(params, name),
})));
