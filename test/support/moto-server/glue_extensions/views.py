"""Multi-dialect views: a CreateTable or UpdateTable whose TableInput has a ViewDefinition is asynchronous
in Glue, and a read shows how far it got in Table.Status.

Emulated: the first read of the table after such a write (GetTable, or the table in a GetTables page)
shows Status.State QUEUED, every later read SUCCESS, or FAILED with Status.Error when the hook
``view-failure`` armed the write. While an UPDATE is QUEUED, and after it FAILED, reads show the table
as it was before the update (a failed update is not applied); a failed CREATE leaves the table in place
with its FAILED status. GetTable with IncludeStatusDetails adds Status.Details: the RequestedChange and
one ViewValidation per representation. A write without ViewDefinition clears the status.

UpdateTable's ViewUpdateAction merges the given Representations into the current ones by Dialect (ADD
refuses a dialect the view has, REPLACE and DROP one it lacks, ADD_OR_REPLACE takes either); without
it the ViewDefinition is replaced. ViewDefinition is stored verbatim, materialized-view members
(RefreshSeconds, LastRefreshType, SubObjects, SubObjectVersionIds, IsManaged, ...) included. Reads set
IsMultiDialectView when the ViewDefinition has Representations, and IsMaterializedView when the table
with a ViewDefinition is also an Iceberg table (Parameters.table_type ICEBERG).
"""

import json
from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.glue.models import FakeTable, GlueBackend
from moto.glue.responses import GlueResponse

from .core import at_most, backend_state, extras, invalid_input, one_of, wraps_operation
from .hooks import body_member, hook

MAX_REPRESENTATIONS = 10
VIEW_UPDATE_ACTIONS = ("ADD", "REPLACE", "ADD_OR_REPLACE", "DROP")


def _caller(backend: GlueBackend) -> str:
    return f"arn:aws:sts::{backend.account_id}:user/moto"


def _start(backend: GlueBackend, table: FakeTable, action: str, previous_version: str | None) -> None:
    failure = backend_state(backend).view_failures.pop((table.database_name, table.name), None)
    extras(table).view_status = {
        "Action": action, "RequestTime": utcnow(), "RequestedBy": _caller(backend), "reads": 0,
        "failure": failure, "previous_version": previous_version,
    }


def _merged(current: list[dict[str, Any]], given: list[dict[str, Any]], action: str) -> list[dict[str, Any]]:
    merged = {r.get("Dialect"): r for r in current}
    for representation in given:
        dialect = representation.get("Dialect")
        if action == "ADD" and dialect in merged:
            raise invalid_input(f"ViewUpdateAction ADD: the view already has a {dialect} representation.")
        if action in ("REPLACE", "DROP") and dialect not in merged:
            raise invalid_input(f"ViewUpdateAction {action}: the view has no {dialect} representation.")
        if action == "DROP":
            del merged[dialect]
        else:
            merged[dialect] = representation
    return list(merged.values())


def _view_definition(params: dict[str, Any]) -> dict[str, Any] | None:
    definition = (params.get("TableInput") or {}).get("ViewDefinition")
    if definition is not None:
        at_most(definition.get("Representations") or [], MAX_REPRESENTATIONS, "ViewDefinition.Representations")
    return definition


@wraps_operation("create_table")
def create_table(response: GlueResponse, moto_create_table: Any) -> ActionResult:
    params = response.parameters
    definition = _view_definition(params)
    answer = moto_create_table()
    if definition is not None:
        backend = response.glue_backend
        _start(backend, backend.get_table(params["DatabaseName"], params["TableInput"]["Name"]), "CREATE", None)
    return answer


@wraps_operation("update_table")
def update_table(response: GlueResponse, moto_update_table: Any) -> ActionResult:
    params = response.parameters
    definition = _view_definition(params)
    backend = response.glue_backend
    table = backend.get_table(params.get("DatabaseName"), (params.get("TableInput") or {}).get("Name"))
    action = params.get("ViewUpdateAction")
    if action is not None and definition is not None:
        one_of(action, VIEW_UPDATE_ACTIONS, "ViewUpdateAction")
        current = (table.as_dict().get("ViewDefinition") or {}).get("Representations") or []
        definition["Representations"] = _merged(current, definition.get("Representations") or [], action)
        response.body = json.dumps(params)
    previous_version = str(table._current_version)
    answer = moto_update_table()
    if definition is None:
        extras(table).view_status = None
    else:
        _start(backend, table, "UPDATE", previous_version)
    return answer


def _validations(requested: dict[str, Any], state: str, error: dict[str, str] | None, when: Any) -> list[dict[str, Any]]:
    return [
        {
            "Dialect": r.get("Dialect"), "DialectVersion": r.get("DialectVersion"),
            "ViewValidationText": r.get("ViewOriginalText"), "UpdateTime": when, "State": state, "Error": error,
        }
        for r in (requested.get("ViewDefinition") or {}).get("Representations") or []
    ]


def _flags(shape: dict[str, Any]) -> dict[str, Any]:
    definition = shape.get("ViewDefinition")
    if definition is not None:
        shape["IsMultiDialectView"] = bool(definition.get("Representations"))
        shape["IsMaterializedView"] = ((shape.get("Parameters") or {}).get("table_type") or "").upper() == "ICEBERG"
    return shape


def _read(table: FakeTable, shape: dict[str, Any], with_details: bool) -> dict[str, Any]:
    """The table as a read shows it, advancing its view write one step (QUEUED, then SUCCESS or FAILED)."""
    status = extras(table).view_status
    if status is None:
        return _flags(shape)
    status["reads"] += 1
    failure = status["failure"]
    previous = status["previous_version"]
    if status["reads"] == 1:
        state, requested = "QUEUED", shape
        if previous is not None:
            shape = table.as_dict(version=previous)
    elif failure is None:
        state, requested = "SUCCESS", status.setdefault("requested", shape)
    else:
        state = "FAILED"
        if "requested" not in status:
            status["requested"] = table.as_dict()
            if previous is not None:
                table.versions.pop(str(table._current_version))
                table._current_version = int(previous)
        requested, shape = status["requested"], table.as_dict()
    now = status.setdefault("updated", {}).setdefault(state, utcnow())
    shape = _flags(dict(shape))
    shape["Status"] = {
        "RequestedBy": status["RequestedBy"], "UpdatedBy": status["RequestedBy"], "RequestTime": status["RequestTime"],
        "UpdateTime": now, "Action": status["Action"], "State": state,
        "Error": failure if state == "FAILED" else None,
    }
    if with_details:
        shape["Status"]["Details"] = {
            "RequestedChange": _flags(dict(requested)),
            "ViewValidations": _validations(requested, state, failure if state == "FAILED" else None, now),
        }
    return shape


@wraps_operation("get_table")
def get_table(response: GlueResponse, moto_get_table: Any) -> ActionResult:
    answer = moto_get_table()
    params = response.parameters
    table = response.glue_backend.get_table(params["DatabaseName"], params["Name"])
    answer.result["Table"] = _read(table, answer.result["Table"], bool(params.get("IncludeStatusDetails")))  # type: ignore[index]
    return answer


@wraps_operation("get_tables")
def get_tables(response: GlueResponse, moto_get_tables: Any) -> ActionResult:
    answer = moto_get_tables()
    params = response.parameters
    tables = response.glue_backend.get_database(params["DatabaseName"]).tables
    listed = answer.result["TableList"]  # type: ignore[index]
    answer.result["TableList"] = [  # type: ignore[index]
        _read(tables[shape["Name"]], shape, bool(params.get("IncludeStatusDetails"))) for shape in listed
    ]
    return answer


@hook("view-failure")
def fail_next_view_write(backend: GlueBackend, body: dict[str, Any]) -> dict[str, Any]:
    """{"database", "table", "errorCode"?, "errorMessage"?}: the next CreateTable or UpdateTable of that
    table with a ViewDefinition ends FAILED with this Error (the table need not exist yet)."""
    key = (body_member(body, "database"), body_member(body, "table"))
    error = {
        "ErrorCode": body.get("errorCode", "InvalidInputException"),
        "ErrorMessage": body.get("errorMessage", "The view definition did not validate (staged by the view-failure hook)."),
    }
    backend_state(backend).view_failures[key] = error
    return {"armed": {"database": key[0], "table": key[1], "error": error}}
