"""Table optimizers: Create/Get/Update/Delete TableOptimizer, BatchGetTableOptimizer, ListTableOptimizerRuns.

One optimizer per (table, type); types compaction, retention, orphan_file_deletion. Glue runs them on
Iceberg tables only, so a table whose Parameters.table_type is not ICEBERG is InvalidInputException.
The configuration (roleArn, enabled, vpcConfiguration and the per-type configurations) is kept as
given; configurationSource is "table". Optimizers never run here: no lastRun, and
ListTableOptimizerRuns answers an empty list. Optimizers go with their table.
"""

from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult
from moto.glue.responses import GlueResponse

from .core import Params, already_exists, extras, invalid_input, not_found, one_of, operation, required, result, table_of

TYPES = ("compaction", "retention", "orphan_file_deletion")


def _iceberg_table(response: GlueResponse, params: Params) -> Any:
    required(params, "CatalogId")
    one_of(required(params, "Type"), TYPES, "Type")
    table = table_of(response, params)
    if ((table.as_dict().get("Parameters") or {}).get("table_type") or "").upper() != "ICEBERG":
        raise invalid_input(f"Table {table.name} is not an Iceberg table (Parameters.table_type ICEBERG); table optimizers need one.")
    return table


def _found(table: Any, kind: str) -> dict[str, Any]:
    optimizer = extras(table).optimizers.get(kind)
    if optimizer is None:
        raise not_found(f"No {kind} optimizer on table {table.name}.")
    return optimizer


def _configuration(params: Params) -> dict[str, Any]:
    configuration = required(params, "TableOptimizerConfiguration")
    if not isinstance(configuration, dict):
        raise invalid_input("TableOptimizerConfiguration must be an object.")
    return configuration


@operation
def create_table_optimizer(response: GlueResponse) -> ActionResult:
    params = response.parameters
    table = _iceberg_table(response, params)
    kind = params["Type"]
    if kind in extras(table).optimizers:
        raise already_exists(f"A {kind} optimizer already exists on table {table.name}.")
    extras(table).optimizers[kind] = {"type": kind, "configuration": _configuration(params), "configurationSource": "table"}
    return result()


@operation
def update_table_optimizer(response: GlueResponse) -> ActionResult:
    params = response.parameters
    table = _iceberg_table(response, params)
    _found(table, params["Type"])["configuration"] = _configuration(params)
    return result()


@operation
def delete_table_optimizer(response: GlueResponse) -> ActionResult:
    params = response.parameters
    table = _iceberg_table(response, params)
    _found(table, params["Type"])
    del extras(table).optimizers[params["Type"]]
    return result()


@operation
def get_table_optimizer(response: GlueResponse) -> ActionResult:
    params = response.parameters
    table = _iceberg_table(response, params)
    return result({
        "CatalogId": params["CatalogId"], "DatabaseName": table.database_name, "TableName": table.name,
        "TableOptimizer": _found(table, params["Type"]),
    })


@operation
def batch_get_table_optimizer(response: GlueResponse) -> ActionResult:
    optimizers, failures = [], []
    for entry in required(response.parameters, "Entries"):
        where = {"catalogId": entry.get("catalogId"), "databaseName": entry.get("databaseName"), "tableName": entry.get("tableName")}
        try:
            table = _iceberg_table(response, {
                "CatalogId": entry.get("catalogId"), "DatabaseName": entry.get("databaseName"),
                "TableName": entry.get("tableName"), "Type": entry.get("type"),
            })
            optimizers.append({**where, "tableOptimizer": _found(table, entry["type"])})
        except JsonRESTError as e:  # this entry's error, reported beside the other entries
            failures.append({**where, "type": entry.get("type"), "error": {"ErrorCode": e.error_type, "ErrorMessage": e.message}})
    return result({"TableOptimizers": optimizers, "Failures": failures})


@operation
def list_table_optimizer_runs(response: GlueResponse) -> ActionResult:
    params = response.parameters
    table = _iceberg_table(response, params)
    _found(table, params["Type"])
    return result({"CatalogId": params["CatalogId"], "DatabaseName": table.database_name, "TableName": table.name, "TableOptimizerRuns": []})
