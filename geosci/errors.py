"""Exceptions raised by geosci.

Library code raises these; the command line turns them into a one-line
message on stderr and exit code 2 (see :mod:`cli`).
"""

from __future__ import annotations

__all__ = [
    "DataError",
    "GeosciError",
    "LayerNotFoundError",
    "OutputExistsError",
]


class GeosciError(Exception):
    """Base class of every error geosci reports to a user."""


class LayerNotFoundError(GeosciError, KeyError):
    """A layer name is neither in the catalog nor an existing file."""

    def __str__(self) -> str:  # KeyError quotes its message; a user wants plain text
        return str(self.args[0]) if self.args else ""


class DataError(GeosciError, ValueError):
    """Input data cannot be used as given (unreadable, wrong CRS, invalid ...)."""


class OutputExistsError(GeosciError, FileExistsError):
    """An output file exists and ``overwrite`` was not asked for."""
