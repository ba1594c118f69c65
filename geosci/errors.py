"""Exceptions raised by geosci.

Library code raises these; the command line turns them into a one-line
message on stderr and exit code 2 (see :mod:`geosci.commands`). Library
messages name the library's parameter (``zone_field``); a
:class:`ParameterError` carries that name, so the command line can say the
option instead (``--zone-field``).
"""

from __future__ import annotations

__all__ = [
    "DataError",
    "GeosciError",
    "GeosciWarning",
    "LayerNotFoundError",
    "MissingCRSError",
    "OutputExistsError",
    "ParameterError",
]


class GeosciError(Exception):
    """Base class of every error geosci reports to a user."""


class LayerNotFoundError(GeosciError, KeyError):
    """A layer name is neither in the catalog nor an existing file."""

    def __str__(self) -> str:  # KeyError quotes its message; a user wants plain text
        return str(self.args[0]) if self.args else ""


class DataError(GeosciError, ValueError):
    """Input data cannot be used as given (unreadable, wrong CRS, invalid ...)."""


class MissingCRSError(DataError):
    """A file says nothing of its coordinate system (no .prj, no CRS member, no coordinate columns)."""


class ParameterError(DataError):
    """An argument of a library function has a value it cannot use.

    Parameters
    ----------
    parameter : str
        The library's name of the argument (``"zone_field"``).
    message : str
        What is wrong and the fix, written with the placeholder ``{name}``
        where the argument's name goes, e.g. ``"{name} 'x' is not a field of
        the zones: use one of name_zh, id"``. The library shows the parameter
        name; the command line shows its option (``--zone-field``).

    Examples
    --------
    >>> err = ParameterError("zone_field", "{name} 'x' is not a field of the zones")
    >>> str(err), err.for_option("--zone-field")
    ("zone_field 'x' is not a field of the zones", "--zone-field 'x' is not a field of the zones")
    """

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        self.template = message if "{name}" in message else "{name}: " + message
        super().__init__(self.template.replace("{name}", parameter))

    def for_option(self, option: str) -> str:
        """Return the message with the parameter named as the command-line ``option``."""
        return self.template.replace("{name}", option)


class OutputExistsError(GeosciError, FileExistsError):
    """An output file exists and ``overwrite`` was not asked for."""


class GeosciWarning(UserWarning):
    """A result that computed but looks implausible (times of many hours, points far from the network)."""
