"""Catalogs: Create/Get/Update/Delete Catalog and a paged GetCatalogs.

A catalog is named by its path below the account's default catalog: ``sales`` for a top-level one,
``sales/eu`` for a child. Its CatalogId is ``<account>:<path>`` and its ResourceArn
``arn:aws:glue:<region>:<account>:catalog/<path>``; every call that takes a CatalogId takes either
form (``<account>:<path>`` or ``<path>``). CreateCatalog makes top-level catalogs only (a name holds no
``/``, as in Glue, where services create the children): the hook ``child-catalog`` makes a child.
CatalogInput is kept as given and read back as the Catalog (FederatedCatalog, CatalogProperties,
default permissions, Parameters, ...); CatalogProperties.IcebergOptimizationProperties gains
LastUpdatedTime. A FederatedCatalog.ConnectionName must name an existing Glue connection unless it
is a service's own (``aws:...``, e.g. aws:redshift, aws:s3tables). DeleteCatalog deletes its children.
Databases and tables are not kept per catalog (moto keeps one catalog a Region).

The account's default catalog (CatalogId = the account ID): GetCatalog answers it (`CatalogId` and `Name` the
account, its ResourceArn, and the CatalogInput UpdateCatalog last gave it); UpdateCatalog replaces that input
(FederatedCatalog and TargetRedshiftCatalog are InvalidInput there); DeleteCatalog refuses it (InvalidInput).
"""

import re
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.glue.models import GlueBackend
from moto.glue.responses import GlueResponse
from moto.utilities.utils import get_partition

from .core import already_exists, backend_state, invalid_input, not_found, one_of, operation, page, required, result
from .hooks import HookError, body_member, hook

NAME = re.compile(r"^(?!(.*[./\\]|aws:)).{1,64}$", re.S)


def _arn(backend: GlueBackend, path: str | None) -> str:
    base = f"arn:{get_partition(backend.region_name)}:glue:{backend.region_name}:{backend.account_id}:catalog"
    return f"{base}/{path}" if path else base


def _path(backend: GlueBackend, catalog_id: str | None) -> str | None:
    """The catalog path a CatalogId names; None for the account's default catalog."""
    if catalog_id in (None, backend.account_id):
        return None
    prefix = f"{backend.account_id}:"
    return catalog_id[len(prefix):] if catalog_id.startswith(prefix) else catalog_id  # type: ignore[union-attr]


def _found(backend: GlueBackend, catalog_id: str) -> tuple[str, dict[str, Any]]:
    path = _path(backend, catalog_id)
    catalog = backend_state(backend).catalogs.get(path) if path else None
    if catalog is None:
        raise not_found(f"Catalog {catalog_id} not found.")
    return path, catalog  # type: ignore[return-value]


def _checked_input(backend: GlueBackend, catalog_input: Any) -> dict[str, Any]:
    if not isinstance(catalog_input, dict):
        raise invalid_input("CatalogInput is required.")
    if "AllowFullTableExternalDataAccess" in catalog_input:
        one_of(catalog_input["AllowFullTableExternalDataAccess"], ("True", "False"), "AllowFullTableExternalDataAccess")
    connection = (catalog_input.get("FederatedCatalog") or {}).get("ConnectionName")
    if connection and not connection.startswith("aws:") and connection not in backend.connections:
        raise not_found(f"Connection {connection} (FederatedCatalog.ConnectionName) not found.")
    return catalog_input


def _checked_name(backend: GlueBackend, name: Any) -> str:
    if not isinstance(name, str) or not NAME.match(name) or name == backend.account_id:
        raise invalid_input(
            f"Catalog name {name!r} is not valid: 1 to 64 characters, no '.', '/' or '\\', not starting "
            "with 'aws:', and not the account ID.")
    return name


def _add(backend: GlueBackend, path: str, catalog_input: dict[str, Any], tags: dict[str, str] | None) -> None:
    catalogs = backend_state(backend).catalogs
    if path in catalogs:
        raise already_exists(f"Catalog {path} already exists.")
    now = utcnow()
    catalogs[path] = {"input": catalog_input, "created": now, "updated": now}
    if tags:
        backend.tag_resource(_arn(backend, path), tags)


def _root_shape(backend: GlueBackend) -> dict[str, Any]:
    root = backend_state(backend).default_catalog
    shape = {**_input_shape(root), "CatalogId": backend.account_id, "Name": backend.account_id, "ResourceArn": _arn(backend, None)}
    if root["updated"] is not None:
        shape.update({"CreateTime": root["created"], "UpdateTime": root["updated"]})
    return shape


def _input_shape(catalog: dict[str, Any]) -> dict[str, Any]:
    shape = {k: v for k, v in catalog["input"].items() if k != "OverwriteChildResourcePermissionsWithDefault"}
    properties = shape.get("CatalogProperties")
    if properties and properties.get("IcebergOptimizationProperties") is not None:
        shape["CatalogProperties"] = {
            **properties,
            "IcebergOptimizationProperties": {**properties["IcebergOptimizationProperties"], "LastUpdatedTime": catalog["updated"]},
        }
    return shape


def _read_shape(backend: GlueBackend, path: str, catalog: dict[str, Any]) -> dict[str, Any]:
    return {
        **_input_shape(catalog), "CatalogId": f"{backend.account_id}:{path}", "Name": path.rsplit("/", 1)[-1],
        "ResourceArn": _arn(backend, path), "CreateTime": catalog["created"], "UpdateTime": catalog["updated"],
    }


@operation
def create_catalog(response: GlueResponse) -> ActionResult:
    params = response.parameters
    backend = response.glue_backend
    name = _checked_name(backend, params.get("Name"))
    _add(backend, name, _checked_input(backend, params.get("CatalogInput")), params.get("Tags"))
    return result()


@operation
def get_catalog(response: GlueResponse) -> ActionResult:
    backend = response.glue_backend
    catalog_id = required(response.parameters, "CatalogId")
    if _path(backend, catalog_id) is None:
        return result({"Catalog": _root_shape(backend)})
    path, catalog = _found(backend, catalog_id)
    return result({"Catalog": _read_shape(backend, path, catalog)})


@operation
def update_catalog(response: GlueResponse) -> ActionResult:
    params = response.parameters
    backend = response.glue_backend
    catalog_id = required(params, "CatalogId")
    if _path(backend, catalog_id) is None:
        catalog_input = _checked_input(backend, params.get("CatalogInput"))
        for member in ("FederatedCatalog", "TargetRedshiftCatalog"):
            if member in catalog_input:
                raise invalid_input(f"{member} cannot be set on the account's default catalog.")
        root = backend_state(backend).default_catalog
        root["input"] = catalog_input
        root["created"] = root["created"] or utcnow()
        root["updated"] = utcnow()
        return result()
    _, catalog = _found(backend, catalog_id)
    catalog["input"] = _checked_input(backend, params.get("CatalogInput"))
    catalog["updated"] = utcnow()
    return result()


@operation
def delete_catalog(response: GlueResponse) -> ActionResult:
    backend = response.glue_backend
    catalog_id = required(response.parameters, "CatalogId")
    if _path(backend, catalog_id) is None:
        raise invalid_input("The account's default catalog cannot be deleted.")
    path, _ = _found(backend, catalog_id)
    catalogs = backend_state(backend).catalogs
    for doomed in [p for p in catalogs if p == path or p.startswith(f"{path}/")]:
        del catalogs[doomed]
    return result()


def _children(paths: list[str], parent: str | None, recursive: bool) -> list[str]:
    prefix = f"{parent}/" if parent else ""
    below = [p for p in paths if p.startswith(prefix) and p != parent]
    return below if recursive else [p for p in below if "/" not in p[len(prefix):]]


@operation
def get_catalogs(response: GlueResponse) -> ActionResult:
    params = response.parameters
    backend = response.glue_backend
    parent_id = params.get("ParentCatalogId")
    parent = _path(backend, parent_id)
    if parent is not None:
        _found(backend, parent_id)  # type: ignore[arg-type]
        if params.get("IncludeRoot") is not None:
            raise invalid_input("IncludeRoot is allowed only when ParentCatalogId is absent or the account ID.")
    catalogs = backend_state(backend).catalogs
    paths = sorted(catalogs)
    listed = _children(paths, parent, bool(params.get("Recursive")))
    if params.get("HasDatabases"):
        listed = [p for p in listed if not _children(paths, p, False)]
    shapes = [_read_shape(backend, p, catalogs[p]) for p in listed]
    if parent is None and params.get("IncludeRoot"):
        shapes.insert(0, _root_shape(backend))
    listing = f"catalogs/{parent or ''}/{params.get('Recursive')}/{params.get('IncludeRoot')}/{params.get('HasDatabases')}"
    items, next_token = page(shapes, params, listing, 1000)
    return result({"CatalogList": items, "NextToken": next_token})


@hook("child-catalog")
def child_catalog(backend: GlueBackend, body: dict[str, Any]) -> dict[str, Any]:
    """{"parent", "name", "catalogInput"?, "tags"?}: a child catalog below ``parent`` (a CatalogId or path),
    as S3 Tables or Redshift would make one."""
    parent = _path(backend, body_member(body, "parent"))
    if parent is None or parent not in backend_state(backend).catalogs:
        raise HookError(404, f"parent catalog {body['parent']} not found")
    name = body_member(body, "name")
    try:
        _checked_name(backend, name)
        catalog_input = _checked_input(backend, body.get("catalogInput", {}))
    except JsonRESTError as e:
        raise HookError(400, e.message)
    path = f"{parent}/{name}"
    if path in backend_state(backend).catalogs:
        raise HookError(400, f"catalog {path} already exists")
    _add(backend, path, catalog_input, body.get("tags"))
    return {"CatalogId": f"{backend.account_id}:{path}"}
