"""The ``geosci`` command line: a thin click group over the geosci library.

:mod:`geosci.commands.main` holds the group, its global options and the
error edge; :mod:`geosci.commands.options` the options shared by commands;
each other module one command (``layers``, ``map``, ``coverage``,
``access``, ``join``, ``import``, ``site``, ``report``). A command declares
its options, calls one library function and prints or writes the result.
"""

from __future__ import annotations

from geosci.commands import (  # noqa: F401 - each module registers its command on the group
    access,
    coverage,
    importing,
    join,
    layers,
    map,
    report,
    site,
)
from geosci.commands.main import main

__all__ = ["main"]
