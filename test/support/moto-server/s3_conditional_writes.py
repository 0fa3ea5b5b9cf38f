"""S3 conditional writes made atomic, as S3 makes them.

moto checks ``If-None-Match``/``If-Match`` and then stores the object in two steps, and its server answers
requests on many threads: two racing ``PutObject ... If-None-Match: *`` of one key can both succeed,
where S3 answers the second with 412 PreconditionFailed. The Iceberg staging relies on S3's answer
(each staged key is written once, whoever races), so its tests need it here too. Each conditional write
(a PutObject or a CompleteMultipartUpload with either header) holds one lock from its check to its store.
"""

import functools
import threading
from typing import Any, Callable

from moto.s3.responses import S3Response

_conditional = threading.Lock()


def _is_conditional(response: S3Response) -> bool:
    headers = response.headers or {}
    return headers.get("If-None-Match") is not None or headers.get("If-Match") is not None


def _atomic(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def guarded(self: S3Response, *args: Any, **kwargs: Any) -> Any:
        if not _is_conditional(self):
            return method(self, *args, **kwargs)
        with _conditional:
            return method(self, *args, **kwargs)

    return guarded


def install() -> None:
    S3Response.put_object = _atomic(S3Response.put_object)  # type: ignore[method-assign]
    S3Response._key_response_post = _atomic(S3Response._key_response_post)  # type: ignore[method-assign]
