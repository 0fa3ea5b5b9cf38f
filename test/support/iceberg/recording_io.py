"""A PyArrow FileIO that records every path PyIceberg opens, so a test can prove where reads went.

PyIceberg loads it by module path (catalog property ``py-io-impl``); the log file comes from
ICEBERG_IO_LOG, one ``read <uri>`` or ``write <uri>`` line per file opened.
"""

import os

from pyiceberg.io.pyarrow import PyArrowFileIO


def _record(kind: str, location: str) -> None:
    log = os.environ.get("ICEBERG_IO_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{kind} {location}\n")


class RecordingFileIO(PyArrowFileIO):
    def new_input(self, location):
        _record("read", location)
        return super().new_input(location)

    def new_output(self, location):
        _record("write", location)
        return super().new_output(location)

    def delete(self, location):
        _record("delete", location if isinstance(location, str) else location.location)
        return super().delete(location)
