"""Glue operations moto lacks, added to moto's own Glue backend and response classes (see server.py).

Each module is one API family; importing it adds its operations and hooks, and ``install`` adds what
patches moto's classes.
"""

from . import (  # noqa: F401  (importing a family registers its operations)
    catalogs, column_statistics, column_statistics_task_settings, connections, core, hooks, partition_indexes,
    table_optimizers, user_defined_functions, views,
)


def install() -> None:
    core.install_backend_state()
    hooks.install()
    column_statistics.install()
    connections.install()
