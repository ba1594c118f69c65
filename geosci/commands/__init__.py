"""The ``geosci`` command line: a thin click group over the geosci library.

:mod:`geosci.commands.main` holds the group, its global options and the
error edge; :mod:`geosci.commands.options` the options shared by commands;
each other module one command (``layers``, ``map``, ``coverage``,
``access``, ``join``, ``import``, ``report``). A command declares its
options, calls one library function and prints or writes the result.
"""

from __future__ import annotations

from geosci.commands import access, coverage, importing, join, layers, map  # noqa: F401 - they register themselves
from geosci.commands import site  # noqa: F401
from geosci.commands.main import main

try:  # the report command arrives with python-docx support
    from geosci.commands import report  # noqa: F401
except ImportError:  # pragma: no cover
    pass

__all__ = ["main"]
