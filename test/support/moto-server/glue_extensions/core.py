"""What every Glue extension shares: errors, required members, paging, per-backend and per-table state,
and the two ways to add an operation to moto (a new action, or a wrapper round one moto has).

moto dispatches a JSON action to the snake_case method of its response class (CreatePartitionIndex ->
GlueResponse.create_partition_index), so an operation is a function set on GlueResponse. State lives
in the per-account, per-Region GlueBackend (``backend_state``) or on moto's own table and database
objects (``extras``), so /moto-api/reset, which rebuilds every backend, clears it all.
"""

import base64
import binascii
import json
from typing import Any, Callable

from moto.core.responses import ActionResult, EmptyResult
from moto.glue.exceptions import GlueClientError
from moto.glue.models import GlueBackend
from moto.glue.responses import GlueResponse

Params = dict[str, Any]
Operation = Callable[[GlueResponse], ActionResult]

DEFAULT_PAGE_SIZE = 2


class Settings:
    """Server-wide settings the test hooks change; /moto-api/reset puts them back."""

    page_size = DEFAULT_PAGE_SIZE

    @classmethod
    def restore(cls) -> None:
        cls.page_size = DEFAULT_PAGE_SIZE


def glue_error(error_type: str, message: str) -> GlueClientError:
    """A Glue JSON error (HTTP 400, ``__type`` set), which the SDK maps to its exception class."""
    return GlueClientError(error_type, message)


def invalid_input(message: str) -> GlueClientError:
    return glue_error("InvalidInputException", message)


def not_found(message: str) -> GlueClientError:
    return glue_error("EntityNotFoundException", message)


def already_exists(message: str) -> GlueClientError:
    return glue_error("AlreadyExistsException", message)


def limit_exceeded(message: str) -> GlueClientError:
    return glue_error("ResourceNumberLimitExceededException", message)


def required(params: Params, name: str) -> Any:
    value = params.get(name)
    if value is None or value == "":
        raise invalid_input(f"{name} is required.")
    return value


def at_most(items: list[Any], limit: int, what: str) -> list[Any]:
    if len(items) > limit:
        raise invalid_input(f"{what} has {len(items)} entries; at most {limit} are allowed.")
    return items


def one_of(value: Any, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise invalid_input(f"{what} {value!r} is not valid; allowed: {', '.join(allowed)}.")
    return value


def page(items: list[Any], params: Params, listing: str, max_results: int) -> tuple[list[Any], str | None]:
    """One page of ``items`` and the token of the next. Pages are small on purpose (Settings.page_size,
    or MaxResults when smaller) so a client's paging is exercised; a token names its listing, and a
    token from another listing is refused as Glue refuses a foreign one."""
    limit = params.get("MaxResults")
    if limit is not None and not 1 <= int(limit) <= max_results:
        raise invalid_input(f"MaxResults {limit} is out of range; allowed: 1 to {max_results}.")
    size = min(int(limit), Settings.page_size) if limit is not None else Settings.page_size
    start = 0
    token = params.get("NextToken")
    if token:
        try:
            decoded = json.loads(base64.b64decode(token))
            if decoded["listing"] != listing:
                raise ValueError(listing)
            start = int(decoded["offset"])
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise invalid_input(f"NextToken {token!r} was not issued by this listing ({listing}).")
    end = start + size
    if end >= len(items):
        return items[start:], None
    next_token = base64.b64encode(json.dumps({"listing": listing, "offset": end}).encode()).decode()
    return items[start:end], next_token


class BackendState:
    """Extension state of one GlueBackend that belongs to no table or database."""

    def __init__(self) -> None:
        self.catalogs: dict[str, Any] = {}
        # The account's default catalog: its CatalogInput as UpdateCatalog last set it (none at first).
        self.default_catalog: dict[str, Any] = {"input": {}, "created": None, "updated": None}
        self.view_failures: dict[tuple[str, str], dict[str, str]] = {}


def backend_state(backend: GlueBackend) -> BackendState:
    return backend.glue_extensions  # type: ignore[attr-defined]


class Extras:
    """Extension state kept on a moto table or database object: it goes when moto deletes that object."""

    def __init__(self) -> None:
        self.partition_indexes: dict[str, dict[str, Any]] = {}
        self.column_statistics: dict[str, dict[str, Any]] = {}
        self.partition_column_statistics: dict[tuple[str, ...], dict[str, dict[str, Any]]] = {}
        self.column_statistics_task_settings: dict[str, Any] | None = None
        self.optimizers: dict[str, dict[str, Any]] = {}
        self.view_status: dict[str, Any] | None = None
        self.functions: dict[str, dict[str, Any]] = {}


def extras(entity: Any) -> Extras:
    if not hasattr(entity, "glue_extensions"):
        entity.glue_extensions = Extras()
    return entity.glue_extensions


def operation(fn: Operation) -> Operation:
    """Adds ``fn`` to GlueResponse under its own name: the action moto dispatches to it."""
    setattr(GlueResponse, fn.__name__, fn)
    return fn


def wraps_operation(name: str) -> Callable[[Callable[..., ActionResult]], Operation]:
    """Replaces moto's GlueResponse.<name>; the replacement gets moto's original as its second argument."""

    def install(fn: Callable[..., ActionResult]) -> Operation:
        original = getattr(GlueResponse, name)

        def wrapped(response: GlueResponse) -> ActionResult:
            return fn(response, lambda: original(response))

        wrapped.__name__ = name
        setattr(GlueResponse, name, wrapped)
        return wrapped

    return install


def result(body: dict[str, Any] | None = None) -> ActionResult:
    return ActionResult({k: v for k, v in body.items() if v is not None}) if body else EmptyResult()


def table_of(response: GlueResponse, params: Params, table_member: str = "TableName") -> Any:
    """moto's table object (EntityNotFoundException from moto when the database or table is missing)."""
    return response.glue_backend.get_table(required(params, "DatabaseName"), required(params, table_member))


def table_columns(table: Any) -> dict[str, dict[str, Any]]:
    """The table's columns and partition keys by name, as its current version has them."""
    current = table.as_dict()
    columns = (current.get("StorageDescriptor") or {}).get("Columns") or []
    return {c["Name"]: c for c in [*columns, *(current.get("PartitionKeys") or [])]}


def install_backend_state() -> None:
    original_init = GlueBackend.__init__

    def init(self: GlueBackend, region_name: str, account_id: str) -> None:
        original_init(self, region_name, account_id)
        self.glue_extensions = BackendState()  # type: ignore[attr-defined]

    GlueBackend.__init__ = init  # type: ignore[method-assign]
