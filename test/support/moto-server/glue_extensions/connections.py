"""Connections, which moto has in part: its Get answers lack ConnectionType, MatchCriteria,
PhysicalConnectionRequirements and AuthenticationConfiguration, and it has no UpdateConnection,
DeleteConnection or BatchDeleteConnection.

The read shape here adds those four members from the ConnectionInput (AuthenticationConfiguration
without the input-only credentials). UpdateConnection replaces the input (a new Name renames it);
DeleteConnection is EntityNotFoundException for a missing connection; BatchDeleteConnection takes at
most 25 names and answers Succeeded plus an Errors map by name.
"""

from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.glue.models import FakeConnection
from moto.glue.responses import GlueResponse

from .core import already_exists, at_most, not_found, operation, required, result

AUTHENTICATION_READ_MEMBERS = ("AuthenticationType", "SecretArn", "KmsKeyArn", "OAuth2Properties")
MAX_BATCH_DELETE = 25


def _connection(response: GlueResponse, name: str) -> FakeConnection:
    connection = response.glue_backend.connections.get(name)
    if connection is None:
        raise not_found(f"Connection {name} not found.")
    return connection


@operation
def update_connection(response: GlueResponse) -> ActionResult:
    params = response.parameters
    name = required(params, "Name")
    connection_input = required(params, "ConnectionInput")
    new_name = required(connection_input, "Name")
    connections = response.glue_backend.connections
    connection = _connection(response, name)
    if new_name != name:
        if new_name in connections:
            raise already_exists(f"Connection {new_name} already exists.")
        del connections[name]
        connections[new_name] = connection
    connection.connection_input = connection_input
    connection.name = new_name
    connection.description = connection_input.get("Description")
    connection.connection_properties = connection_input.get("ConnectionProperties", {})
    connection.spark_properties = connection_input.get("SparkProperties", {})
    connection.athena_properties = connection_input.get("AthenaProperties", {})
    connection.python_properties = connection_input.get("PythonProperties", {})
    connection.updated_time = utcnow()
    return result()


@operation
def delete_connection(response: GlueResponse) -> ActionResult:
    name = required(response.parameters, "ConnectionName")
    _connection(response, name)
    del response.glue_backend.connections[name]
    return result()


@operation
def batch_delete_connection(response: GlueResponse) -> ActionResult:
    names = at_most(required(response.parameters, "ConnectionNameList"), MAX_BATCH_DELETE, "ConnectionNameList")
    connections = response.glue_backend.connections
    succeeded, errors = [], {}
    for name in names:
        if connections.pop(name, None) is None:
            errors[name] = {"ErrorCode": "EntityNotFoundException", "ErrorMessage": f"Connection {name} not found."}
        else:
            succeeded.append(name)
    return result({"Succeeded": succeeded, "Errors": errors})


def install() -> None:
    moto_as_dict = FakeConnection.as_dict

    def as_dict(self: FakeConnection, hide_password: bool = False) -> dict[str, Any]:
        shape = moto_as_dict(self, hide_password)
        given = self.connection_input
        shape["ConnectionType"] = given.get("ConnectionType")
        shape["MatchCriteria"] = given.get("MatchCriteria")
        shape["PhysicalConnectionRequirements"] = given.get("PhysicalConnectionRequirements")
        authentication = given.get("AuthenticationConfiguration")
        if authentication:
            shape["AuthenticationConfiguration"] = {k: v for k, v in authentication.items() if k in AUTHENTICATION_READ_MEMBERS}
        return shape

    FakeConnection.as_dict = as_dict  # type: ignore[method-assign]
