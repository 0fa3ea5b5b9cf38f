"""Test hooks: POST /moto-api/glue-extensions/<name> with a JSON body, beside moto's own /moto-api calls.

A hook stages what a test cannot reach through the Glue API (an index backfill that fails, a view
write that fails, a catalog only a service creates). The body names the backend with ``account``
(default 123456789012) and ``region`` (default us-east-1). A hook answers 200 with a JSON object, 400
with {"error": ...} for a bad body, 404 with {"error": ...} when what it names does not exist.
/moto-api/reset clears what hooks staged, with the rest of moto's state.
"""

import json
from typing import Any, Callable

from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.exceptions import JsonRESTError
from moto.glue.models import GlueBackend, glue_backends
from moto.moto_api._internal import urls as moto_api_urls
from moto.moto_api._internal.models import MotoAPIBackend

from .core import Settings

Hook = Callable[[GlueBackend, dict[str, Any]], dict[str, Any]]

PREFIX = "/moto-api/glue-extensions/"
_hooks: dict[str, Hook] = {}


class HookError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def hook(name: str) -> Callable[[Hook], Hook]:
    def register(fn: Hook) -> Hook:
        _hooks[name] = fn
        return fn

    return register


def body_member(body: dict[str, Any], name: str) -> Any:
    value = body.get(name)
    if value is None or value == "":
        raise HookError(400, f"{name} is required")
    return value


def _dispatch(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    json_headers = {"Content-Type": "application/json"}
    name = request.path[len(PREFIX):].strip("/")
    fn = _hooks.get(name)
    if fn is None:
        return 404, json_headers, json.dumps({"error": f"no hook {name!r}; hooks: {', '.join(sorted(_hooks))}"})
    if request.method != "POST":
        return 400, json_headers, json.dumps({"error": f"POST to {PREFIX}{name}"})
    try:
        body = json.loads(request.get_data(parse_form_data=False) or b"{}")
    except ValueError as e:
        return 400, json_headers, json.dumps({"error": f"the body is not JSON: {e}"})
    if not isinstance(body, dict):
        return 400, json_headers, json.dumps({"error": "the body must be a JSON object"})
    try:
        backend = glue_backends[body.get("account", DEFAULT_ACCOUNT_ID)][body.get("region", "us-east-1")]
        return 200, json_headers, json.dumps(fn(backend, body))
    except HookError as e:
        return e.status, json_headers, json.dumps({"error": str(e)})
    except JsonRESTError as e:
        return 404, json_headers, json.dumps({"error": e.message})


@hook("config")
def config(backend: GlueBackend, body: dict[str, Any]) -> dict[str, Any]:
    """{"pageSize": n}: the largest page an extended listing answers (default 2, back to 2 on reset)."""
    if "pageSize" in body:
        size = body["pageSize"]
        if not isinstance(size, int) or size < 1:
            raise HookError(400, f"pageSize must be a positive integer, not {size!r}")
        Settings.page_size = size
    return {"pageSize": Settings.page_size}


def install() -> None:
    moto_api_urls.url_paths["{0}" + PREFIX + "(?P<name>[a-z-]+)$"] = _dispatch

    original_reset = MotoAPIBackend.reset

    def reset(self: MotoAPIBackend) -> None:
        original_reset(self)
        Settings.restore()

    MotoAPIBackend.reset = reset  # type: ignore[method-assign]
