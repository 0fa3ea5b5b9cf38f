"""Column statistics of tables and partitions: Get/Update/Delete ColumnStatisticsForTable and ...ForPartition.

Glue's limits, as InvalidInputException: Update takes at most 25 ColumnStatisticsList entries, Get at
most 100 ColumnNames. An Update entry that is wrong on its own (no such column, a StatisticsData whose
Type names no data member it carries) comes back in Errors and the others are stored; a Get names the
columns with no statistics in Errors. Statistics go with their table, and a partition's with its
partition (deleted, or its values changed by UpdatePartition).
"""

import base64
import copy
from typing import Any

from moto.core.responses import ActionResult
from moto.glue.models import FakeTable
from moto.glue.responses import GlueResponse

from .core import Params, at_most, extras, not_found, operation, required, result, table_columns, table_of

MAX_UPDATE_ENTRIES = 25
MAX_GET_COLUMNS = 100
DATA_MEMBER_BY_TYPE = {
    "BOOLEAN": "BooleanColumnStatisticsData", "DATE": "DateColumnStatisticsData",
    "DECIMAL": "DecimalColumnStatisticsData", "DOUBLE": "DoubleColumnStatisticsData",
    "LONG": "LongColumnStatisticsData", "STRING": "StringColumnStatisticsData",
    "BINARY": "BinaryColumnStatisticsData",
}


def _decoded(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry with DecimalNumber.UnscaledValue as bytes: the wire carries a blob as base64, and moto's
    serializer encodes bytes again on the way out."""
    entry = copy.deepcopy(entry)
    decimal = (entry.get("StatisticsData") or {}).get("DecimalColumnStatisticsData") or {}
    for bound in ("MinimumValue", "MaximumValue"):
        value = decimal.get(bound)
        if value and isinstance(value.get("UnscaledValue"), str):
            value["UnscaledValue"] = base64.b64decode(value["UnscaledValue"])
    return entry


def _entry_error(entry: dict[str, Any], columns: dict[str, Any], table: FakeTable) -> dict[str, str] | None:
    for member in ("ColumnName", "ColumnType", "AnalyzedTime", "StatisticsData"):
        if entry.get(member) is None:
            return {"ErrorCode": "InvalidInputException", "ErrorMessage": f"{member} is required."}
    name = entry["ColumnName"]
    if name not in columns:
        return {"ErrorCode": "EntityNotFoundException", "ErrorMessage": f"Column {name} is not a column of table {table.name}."}
    data = entry["StatisticsData"]
    member = DATA_MEMBER_BY_TYPE.get(data.get("Type"))
    if member is None:
        return {"ErrorCode": "InvalidInputException",
                "ErrorMessage": f"StatisticsData.Type {data.get('Type')!r} is not valid; allowed: {', '.join(DATA_MEMBER_BY_TYPE)}."}
    if data.get(member) is None:
        return {"ErrorCode": "InvalidInputException",
                "ErrorMessage": f"StatisticsData.Type {data['Type']} needs {member}, which column {name} does not carry."}
    return None


def _update(table: FakeTable, stored: dict[str, dict[str, Any]], params: Params) -> ActionResult:
    entries = at_most(required(params, "ColumnStatisticsList"), MAX_UPDATE_ENTRIES, "ColumnStatisticsList")
    columns = table_columns(table)
    errors = []
    for entry in map(_decoded, entries):
        error = _entry_error(entry, columns, table)
        if error:
            errors.append({"ColumnStatistics": entry, "Error": error})
        else:
            stored[entry["ColumnName"]] = entry
    return result({"Errors": errors})


def _get(stored: dict[str, dict[str, Any]], params: Params, owner: str) -> ActionResult:
    names = at_most(required(params, "ColumnNames"), MAX_GET_COLUMNS, "ColumnNames")
    found = [stored[n] for n in names if n in stored]
    errors = [
        {"ColumnName": n, "Error": {"ErrorCode": "EntityNotFoundException", "ErrorMessage": f"No statistics for column {n} of {owner}."}}
        for n in names if n not in stored
    ]
    return result({"ColumnStatisticsList": found, "Errors": errors})


def _delete(stored: dict[str, dict[str, Any]], params: Params, owner: str) -> ActionResult:
    name = required(params, "ColumnName")
    if stored.pop(name, None) is None:
        raise not_found(f"No statistics for column {name} of {owner}.")
    return result()


def _partition_statistics(response: GlueResponse, params: Params) -> tuple[FakeTable, dict[str, dict[str, Any]], str]:
    table = table_of(response, params)
    values = required(params, "PartitionValues")
    table.get_partition(values)
    stored = extras(table).partition_column_statistics.setdefault(tuple(values), {})
    return table, stored, f"partition {values} of table {table.name}"


@operation
def update_column_statistics_for_table(response: GlueResponse) -> ActionResult:
    table = table_of(response, response.parameters)
    return _update(table, extras(table).column_statistics, response.parameters)


@operation
def get_column_statistics_for_table(response: GlueResponse) -> ActionResult:
    table = table_of(response, response.parameters)
    return _get(extras(table).column_statistics, response.parameters, f"table {table.name}")


@operation
def delete_column_statistics_for_table(response: GlueResponse) -> ActionResult:
    table = table_of(response, response.parameters)
    return _delete(extras(table).column_statistics, response.parameters, f"table {table.name}")


@operation
def update_column_statistics_for_partition(response: GlueResponse) -> ActionResult:
    table, stored, _ = _partition_statistics(response, response.parameters)
    return _update(table, stored, response.parameters)


@operation
def get_column_statistics_for_partition(response: GlueResponse) -> ActionResult:
    _, stored, owner = _partition_statistics(response, response.parameters)
    return _get(stored, response.parameters, owner)


@operation
def delete_column_statistics_for_partition(response: GlueResponse) -> ActionResult:
    _, stored, owner = _partition_statistics(response, response.parameters)
    return _delete(stored, response.parameters, owner)


def install() -> None:
    """Partition statistics leave with their partition: on delete (single or batch), and when an
    UpdatePartition changes the values."""
    moto_delete = FakeTable.delete_partition
    moto_update = FakeTable.update_partition

    def delete_partition(self: FakeTable, values: Any) -> None:
        moto_delete(self, values)
        extras(self).partition_column_statistics.pop(tuple(values), None)

    def update_partition(self: FakeTable, old_values: Any, partition_input: dict[str, Any]) -> None:
        moto_update(self, old_values, partition_input)
        if list(old_values) != list(partition_input.get("Values", [])):
            extras(self).partition_column_statistics.pop(tuple(old_values), None)

    FakeTable.delete_partition = delete_partition  # type: ignore[method-assign]
    FakeTable.update_partition = update_partition  # type: ignore[method-assign]
