import {
  CreateColumnStatisticsTaskSettingsCommand, DeleteColumnStatisticsTaskSettingsCommand, GetColumnStatisticsTaskSettingsCommand,
  StartColumnStatisticsTaskRunScheduleCommand, StopColumnStatisticsTaskRunScheduleCommand, UpdateColumnStatisticsTaskSettingsCommand,
} from '@aws-sdk/client-glue';
import type { ColumnStatisticsTaskSettings, GlueClient } from '@aws-sdk/client-glue';
import { eachItem, hasHiveStatistics } from './column-statistics-data';
import type { AttachedKindModule, Owner } from './kind';
import { isNotFound } from '../../kernel/errors';

/** The one object a table has. */
const KEY = 'task-settings';

/**
 * A table's column-statistics task settings, as Create/Update take them, plus the state of their schedule
 * (`ScheduleState`), which only Start/StopColumnStatisticsTaskRunSchedule change.
 */
export interface StatisticsTaskSettingsItem {
  readonly Role: string;
  /** `cron(...)`; absent: the task runs only on demand. */
  readonly Schedule?: string;
  /** `SCHEDULED` or `NOT_SCHEDULED` (with a Schedule only). A replica is `NOT_SCHEDULED`; `promoted` turns it back on. */
  readonly ScheduleState?: string;
  readonly ColumnNameList?: string[];
  readonly SampleSize?: number;
  readonly SecurityConfiguration?: string;
}

/**
 * A Hive table's column-statistics task settings, its role mapped. The DR Region must not compute statistics on its
 * own, so a replica's schedule is kept but stopped (`NOT_SCHEDULED`); the settings compare with that state, so an
 * unchanged lake costs no write. A promoted Region runs the schedule as the source did.
 */
export const statisticsTaskSettings: AttachedKindModule<StatisticsTaskSettingsItem> = {
  appliesTo: hasHiveStatistics,

  async read(glue, owner) {
    try {
      const r = await glue.send(new GetColumnStatisticsTaskSettingsCommand({ DatabaseName: owner.database, TableName: owner.table }));
      return r.ColumnStatisticsTaskSettings ? [{ item: settingsItem(r.ColumnStatisticsTaskSettings) }] : [];
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  },

  key: () => KEY,

  replica(s, ctx) {
    const out = { ...s, Role: ctx.roles.map(s.Role) };
    return s.Schedule ? { ...out, ScheduleState: 'NOT_SCHEDULED' } : out;
  },

  promoted(replica, source) {
    if (!replica.Schedule) return replica;
    return { ...replica, ScheduleState: source?.ScheduleState ?? 'SCHEDULED' };
  },

  write: (glue, owner, outcome, items) => eachItem(items, () => KEY, async s => {
    if (outcome === 'deleted') return remove(glue, owner);
    if (outcome === 'updated' && s.Schedule) {
      await glue.send(new UpdateColumnStatisticsTaskSettingsCommand({ ...request(owner, s) }));
    } else {
      // A schedule cannot be taken away by an Update: settings without one are made again.
      if (outcome === 'updated') await remove(glue, owner);
      await glue.send(new CreateColumnStatisticsTaskSettingsCommand(request(owner, s)));
    }
    await applyScheduleState(glue, owner, s);
  }),
};

function settingsItem(s: ColumnStatisticsTaskSettings): StatisticsTaskSettingsItem {
  const schedule = s.Schedule?.ScheduleExpression;
  return {
    Role: s.Role!,
    ...schedule ? { Schedule: schedule, ScheduleState: s.Schedule?.State ?? 'SCHEDULED' } : {},
    ...s.ColumnNameList?.length ? { ColumnNameList: [...s.ColumnNameList] } : {},
    ...s.SampleSize !== undefined ? { SampleSize: s.SampleSize } : {},
    ...s.SecurityConfiguration ? { SecurityConfiguration: s.SecurityConfiguration } : {},
  };
}

function request(owner: Owner, s: StatisticsTaskSettingsItem) {
  return {
    DatabaseName: owner.database,
    TableName: owner.table!,
    Role: s.Role,
    Schedule: s.Schedule,
    ColumnNameList: s.ColumnNameList,
    SampleSize: s.SampleSize,
    SecurityConfiguration: s.SecurityConfiguration,
  };
}

/** Starts or stops the schedule as the item says (a create or an update leaves it as Glue had it). */
async function applyScheduleState(glue: GlueClient, owner: Owner, s: StatisticsTaskSettingsItem): Promise<void> {
  if (!s.Schedule) return;
  const where = { DatabaseName: owner.database, TableName: owner.table! };
  if (s.ScheduleState === 'NOT_SCHEDULED') await glue.send(new StopColumnStatisticsTaskRunScheduleCommand(where));
  else await glue.send(new StartColumnStatisticsTaskRunScheduleCommand(where));
}

async function remove(glue: GlueClient, owner: Owner): Promise<void> {
  try {
    await glue.send(new DeleteColumnStatisticsTaskSettingsCommand({ DatabaseName: owner.database, TableName: owner.table }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
