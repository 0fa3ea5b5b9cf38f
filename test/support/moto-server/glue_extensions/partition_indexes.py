"""Partition indexes: CreateTable keeps PartitionIndexes; CreatePartitionIndex, DeletePartitionIndex and a
paged GetPartitionIndexes. An index is ACTIVE as soon as it exists (its backfill is instant), unless
the hook ``partition-index-backfill-failure`` has made it FAILED with BackfillErrors.

Glue's rules kept here: every key is a partition key of the table, of a type an index can hold
(string, char, varchar, int, bigint, long, tinyint, smallint, date); at most 3 indexes a table
(ResourceNumberLimitExceededException); a name is used once a table (AlreadyExistsException).
"""

import re
from typing import Any

from moto.core.responses import ActionResult
from moto.glue.responses import GlueResponse

from .core import (
    Params, already_exists, extras, invalid_input, limit_exceeded, not_found, operation, page, required,
    result, table_of, wraps_operation,
)
from .hooks import HookError, body_member, hook

MAX_INDEXES_PER_TABLE = 3
INDEXABLE_TYPE = re.compile(r"^(string|char\(\d+\)|varchar\(\d+\)|int|bigint|long|tinyint|smallint|date)$", re.I)
BACKFILL_ERROR_CODES = (
    "ENCRYPTED_PARTITION_ERROR", "INTERNAL_ERROR", "INVALID_PARTITION_TYPE_DATA_ERROR",
    "MISSING_PARTITION_VALUE_ERROR", "UNSUPPORTED_PARTITION_CHARACTER_ERROR",
)


def _partition_key_types(table_input: dict[str, Any]) -> dict[str, str]:
    return {k["Name"]: k.get("Type", "") for k in table_input.get("PartitionKeys") or []}


def _validate(index: Params, key_types: dict[str, str], existing: dict[str, Any], table_name: str) -> None:
    name = required(index, "IndexName")
    keys = index.get("Keys") or []
    if not keys:
        raise invalid_input(f"Partition index {name} has no Keys; it needs at least one partition key.")
    for key in keys:
        if key not in key_types:
            raise invalid_input(
                f"Partition index {name}: {key} is not a partition key of table {table_name} "
                f"(partition keys: {', '.join(key_types) or 'none'}).")
        if not INDEXABLE_TYPE.match(key_types[key]):
            raise invalid_input(
                f"Partition index {name}: key {key} has type {key_types[key]}, which an index cannot hold "
                "(allowed: string, char, varchar, int, bigint, long, tinyint, smallint, date).")
    if name in existing:
        raise already_exists(f"Partition index {name} already exists on table {table_name}.")
    if len(existing) >= MAX_INDEXES_PER_TABLE:
        raise limit_exceeded(f"Table {table_name} already has {len(existing)} partition indexes; at most {MAX_INDEXES_PER_TABLE} are allowed.")


def _add(table: Any, index: Params) -> None:
    extras(table).partition_indexes[index["IndexName"]] = {
        "Keys": list(index["Keys"]), "IndexStatus": "ACTIVE", "BackfillErrors": None,
    }


@wraps_operation("create_table")
def create_table(response: GlueResponse, moto_create_table: Any) -> ActionResult:
    params = response.parameters
    indexes = params.get("PartitionIndexes") or []
    table_input = params.get("TableInput") or {}
    key_types = _partition_key_types(table_input)
    staged: dict[str, Any] = {}
    for index in indexes:
        _validate(index, key_types, staged, table_input.get("Name", ""))
        staged[index["IndexName"]] = index
    answer = moto_create_table()
    if indexes:
        table = response.glue_backend.get_table(params["DatabaseName"], table_input["Name"])
        for index in indexes:
            _add(table, index)
    return answer


@operation
def create_partition_index(response: GlueResponse) -> ActionResult:
    params = response.parameters
    table = table_of(response, params)
    index = required(params, "PartitionIndex")
    _validate(index, _partition_key_types(table.as_dict()), extras(table).partition_indexes, table.name)
    _add(table, index)
    return result()


@operation
def delete_partition_index(response: GlueResponse) -> ActionResult:
    params = response.parameters
    table = table_of(response, params)
    name = required(params, "IndexName")
    if extras(table).partition_indexes.pop(name, None) is None:
        raise not_found(f"Partition index {name} not found on table {table.name}.")
    return result()


@operation
def get_partition_indexes(response: GlueResponse) -> ActionResult:
    params = response.parameters
    table = table_of(response, params)
    key_types = _partition_key_types(table.as_dict())
    descriptors = [
        {
            "IndexName": name,
            "Keys": [{"Name": key, "Type": key_types.get(key, "")} for key in index["Keys"]],
            "IndexStatus": index["IndexStatus"],
            "BackfillErrors": index["BackfillErrors"],
        }
        for name, index in extras(table).partition_indexes.items()
    ]
    items, next_token = page(descriptors, params, f"partition-indexes/{table.database_name}/{table.name}", 1000)
    return result({"PartitionIndexDescriptorList": items, "NextToken": next_token})


@hook("partition-index-backfill-failure")
def fail_backfill(backend: Any, body: dict[str, Any]) -> dict[str, Any]:
    """{"database", "table", "index", "code"?, "partitions"? [[values...], ...]}: the index turns FAILED
    with one BackfillError (code INVALID_PARTITION_TYPE_DATA_ERROR unless given)."""
    table = backend.get_table(body_member(body, "database"), body_member(body, "table"))
    name = body_member(body, "index")
    index = extras(table).partition_indexes.get(name)
    if index is None:
        raise HookError(404, f"partition index {name} not found on table {table.name}")
    code = body.get("code", "INVALID_PARTITION_TYPE_DATA_ERROR")
    if code not in BACKFILL_ERROR_CODES:
        raise HookError(400, f"code {code!r} is not a BackfillErrorCode; allowed: {', '.join(BACKFILL_ERROR_CODES)}")
    partitions = [{"Values": list(values)} for values in body.get("partitions", [])]
    index["IndexStatus"] = "FAILED"
    index["BackfillErrors"] = [{"Code": code, "Partitions": partitions}]
    return {"IndexName": name, "IndexStatus": "FAILED", "BackfillErrors": index["BackfillErrors"]}
