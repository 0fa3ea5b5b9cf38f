"""moto's server, extended with the Glue operations moto lacks (glue_extensions/), for the integration tests.

Usage (as moto_server): python server.py -H 127.0.0.1 -p PORT
It runs under the Python of the moto it extends; test/support/moto.ts starts it.
"""

import sys

from glue_extensions import install
from moto.server import main

if __name__ == "__main__":
    install()
    sys.exit(main())
