"""moto's server, extended with the Glue operations moto lacks (glue_extensions/) and with S3's conditional writes
made atomic (s3_conditional_writes.py), for the integration tests.

Usage (as moto_server): python server.py -H 127.0.0.1 -p PORT
It runs under the Python of the moto it extends; test/support/moto.ts starts it.
"""

import sys

import s3_conditional_writes
from glue_extensions import install
from moto.server import main

if __name__ == "__main__":
    install()
    s3_conditional_writes.install()
    sys.exit(main())
