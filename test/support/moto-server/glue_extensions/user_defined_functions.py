"""User-defined functions: Create/Update/Delete/Get UserDefinedFunction and a paged GetUserDefinedFunctions.

A function belongs to its database (DeleteDatabase drops it). The read shape adds CreateTime,
DatabaseName and CatalogId to the FunctionInput. GetUserDefinedFunctions lists one database, or every
database when DatabaseName is absent, ordered by database then function name; ``Pattern`` is a regular
expression the whole name must match, where a bare ``*`` means any run of characters (as Glue's
name patterns have it), and ``FunctionType`` filters by type.
"""

import re
from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.glue.responses import GlueResponse

from .core import (
    Params, already_exists, at_most, extras, invalid_input, not_found, one_of, operation, page, required, result,
)

FUNCTION_TYPES = ("REGULAR_FUNCTION", "AGGREGATE_FUNCTION", "STORED_PROCEDURE")
OWNER_TYPES = ("USER", "ROLE", "GROUP")
GOVERNANCE_MODES = ("IAM_ONLY", "LAKE_FORMATION")
MAX_RESOURCE_URIS = 1000


def _validated_input(params: Params) -> Params:
    function_input = required(params, "FunctionInput")
    required(function_input, "FunctionName")
    for member, allowed in (("FunctionType", FUNCTION_TYPES), ("OwnerType", OWNER_TYPES), ("GovernanceMode", GOVERNANCE_MODES)):
        if member in function_input:
            one_of(function_input[member], allowed, member)
    at_most(function_input.get("ResourceUris") or [], MAX_RESOURCE_URIS, "ResourceUris")
    return function_input


def _functions(response: GlueResponse, params: Params) -> dict[str, dict[str, Any]]:
    return extras(response.glue_backend.get_database(required(params, "DatabaseName"))).functions


def _named(response: GlueResponse) -> tuple[Params, dict[str, dict[str, Any]], str, dict[str, Any]]:
    """The request, its database's functions, and the name and stored function the request names."""
    params = response.parameters
    functions = _functions(response, params)
    name = required(params, "FunctionName")
    if name not in functions:
        raise not_found(f"Function {name} not found in database {params['DatabaseName']}.")
    return params, functions, name, functions[name]


def _read_shape(response: GlueResponse, database: str, stored: dict[str, Any]) -> dict[str, Any]:
    return {
        **stored["input"], "DatabaseName": database, "CreateTime": stored["created"],
        "CatalogId": response.glue_backend.account_id,
    }


@operation
def create_user_defined_function(response: GlueResponse) -> ActionResult:
    params = response.parameters
    functions = _functions(response, params)
    function_input = _validated_input(params)
    name = function_input["FunctionName"]
    if name in functions:
        raise already_exists(f"Function {name} already exists in database {params['DatabaseName']}.")
    functions[name] = {"input": function_input, "created": utcnow()}
    return result()


@operation
def update_user_defined_function(response: GlueResponse) -> ActionResult:
    params, functions, name, stored = _named(response)
    function_input = _validated_input(params)
    new_name = function_input["FunctionName"]
    if new_name != name:
        if new_name in functions:
            raise already_exists(f"Function {new_name} already exists in database {params['DatabaseName']}.")
        del functions[name]
    functions[new_name] = {"input": function_input, "created": stored["created"]}
    return result()


@operation
def delete_user_defined_function(response: GlueResponse) -> ActionResult:
    _, functions, name, _ = _named(response)
    del functions[name]
    return result()


@operation
def get_user_defined_function(response: GlueResponse) -> ActionResult:
    params, _, _, stored = _named(response)
    return result({"UserDefinedFunction": _read_shape(response, params["DatabaseName"], stored)})


def _pattern(text: str) -> re.Pattern[str]:
    try:
        return re.compile(re.sub(r"(?<!\.)\*", ".*", text))
    except re.error as e:
        raise invalid_input(f"Pattern {text!r} is not a valid name pattern: {e}.")


@operation
def get_user_defined_functions(response: GlueResponse) -> ActionResult:
    params = response.parameters
    pattern = _pattern(required(params, "Pattern"))
    function_type = params.get("FunctionType")
    if function_type is not None:
        one_of(function_type, FUNCTION_TYPES, "FunctionType")
    backend = response.glue_backend
    database = params.get("DatabaseName")
    databases = [backend.get_database(database)] if database else backend.get_databases()
    matches = [
        _read_shape(response, db.name, functions[name])
        for db in sorted(databases, key=lambda d: d.name)
        for functions in [extras(db).functions]
        for name in sorted(functions)
        if pattern.fullmatch(name) and function_type in (None, functions[name]["input"].get("FunctionType"))
    ]
    listing = f"functions/{database or '*'}/{params['Pattern']}/{function_type or '*'}"
    items, next_token = page(matches, params, listing, 100)
    return result({"UserDefinedFunctions": items, "NextToken": next_token})
