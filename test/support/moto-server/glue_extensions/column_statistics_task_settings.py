"""Column-statistics task settings of a table: Create/Get/Update/Delete ColumnStatisticsTaskSettings and
Start/StopColumnStatisticsTaskRunSchedule.

Settings go with their table. A schedule is a ``cron(...)`` expression; settings created (or updated)
with one are SCHEDULED, Stop makes them NOT_SCHEDULED and Start SCHEDULED again (Start without a schedule
is InvalidInputException). ScheduleType is CRON when there is a schedule, SettingSource TABLE. No task
ever runs, so there is no LastExecutionAttempt.
"""

import re
from typing import Any

from moto.core.responses import ActionResult
from moto.glue.responses import GlueResponse

from .core import Params, already_exists, extras, invalid_input, not_found, operation, required, result, table_columns, table_of

CRON = re.compile(r"^cron\(.+\)$")
SETTABLE = ("Role", "ColumnNameList", "SampleSize", "SecurityConfiguration")


def _check(table: Any, params: Params) -> None:
    schedule = params.get("Schedule")
    if schedule is not None and not CRON.match(schedule):
        raise invalid_input(f"Schedule {schedule!r} is not a cron expression such as cron(15 12 * * ? *).")
    sample = params.get("SampleSize")
    if sample is not None and not 0 <= float(sample) <= 100:
        raise invalid_input(f"SampleSize {sample} is out of range; allowed: 0 to 100 (percent).")
    columns = table_columns(table)
    unknown = [c for c in params.get("ColumnNameList") or [] if c not in columns]
    if unknown:
        raise invalid_input(f"ColumnNameList names columns table {table.name} does not have: {', '.join(unknown)}.")


def _settings_of(response: GlueResponse, params: Params) -> tuple[Any, dict[str, Any]]:
    table = table_of(response, params)
    settings = extras(table).column_statistics_task_settings
    if settings is None:
        raise not_found(f"No column statistics task settings for table {table.name}.")
    return table, settings


def _set_schedule(settings: dict[str, Any], expression: str) -> None:
    settings["Schedule"] = {"ScheduleExpression": expression, "State": "SCHEDULED"}
    settings["ScheduleType"] = "CRON"


@operation
def create_column_statistics_task_settings(response: GlueResponse) -> ActionResult:
    params = response.parameters
    table = table_of(response, params)
    required(params, "Role")
    if extras(table).column_statistics_task_settings is not None:
        raise already_exists(f"Column statistics task settings already exist for table {table.name}.")
    _check(table, params)
    settings: dict[str, Any] = {
        "DatabaseName": table.database_name, "TableName": table.name,
        "CatalogID": params.get("CatalogID") or response.glue_backend.account_id, "SettingSource": "TABLE",
        **{m: params[m] for m in SETTABLE if m in params},
    }
    if params.get("Schedule"):
        _set_schedule(settings, params["Schedule"])
    extras(table).column_statistics_task_settings = settings
    return result()


@operation
def update_column_statistics_task_settings(response: GlueResponse) -> ActionResult:
    params = response.parameters
    table, settings = _settings_of(response, params)
    _check(table, params)
    settings.update({m: params[m] for m in SETTABLE if m in params})
    if params.get("Schedule"):
        state = (settings.get("Schedule") or {}).get("State", "SCHEDULED")
        _set_schedule(settings, params["Schedule"])
        settings["Schedule"]["State"] = state
    return result()


@operation
def get_column_statistics_task_settings(response: GlueResponse) -> ActionResult:
    _, settings = _settings_of(response, response.parameters)
    return result({"ColumnStatisticsTaskSettings": settings})


@operation
def delete_column_statistics_task_settings(response: GlueResponse) -> ActionResult:
    table, _ = _settings_of(response, response.parameters)
    extras(table).column_statistics_task_settings = None
    return result()


def _schedule_to(response: GlueResponse, state: str, verb: str) -> ActionResult:
    table, settings = _settings_of(response, response.parameters)
    if not settings.get("Schedule"):
        raise invalid_input(f"Column statistics task settings of table {table.name} have no Schedule to {verb}.")
    settings["Schedule"]["State"] = state
    return result()


@operation
def start_column_statistics_task_run_schedule(response: GlueResponse) -> ActionResult:
    return _schedule_to(response, "SCHEDULED", "start")


@operation
def stop_column_statistics_task_run_schedule(response: GlueResponse) -> ActionResult:
    return _schedule_to(response, "NOT_SCHEDULED", "stop")
