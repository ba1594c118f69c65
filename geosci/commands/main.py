"""The ``geosci`` click group, its global options and the error edge.

Library errors (:class:`geosci.errors.GeosciError`) become one line on
stderr and exit code 2, with the library's parameter names turned into the
command's option names; anything else is a bug: one line asking for a
report and exit code 1. ``--debug`` shows the traceback. SIGTERM ends the
command like Ctrl-C, so unfinished outputs are removed.
"""

from __future__ import annotations

import signal
import sys

import click

from geosci import __version__
from geosci.errors import GeosciError, GeosciWarning, ParameterError

__all__ = ["GeosciGroup", "main", "option_name"]

_FLAGS = {"fmt": "--format", "radius_m": "--radius", "max_distance_m": "--max-distance", "cell_m": "--cell",
          "minutes_list": "--minutes", "map_out": "--map", "origin": "--from", "origins": "--from",
          "destinations": "--to", "sources": "--from", "zones": "--zones", "params_file": "--params"}  # fmt: skip


_PLAIN = {"file"}  # inputs named by the file itself, not by one option


def option_name(parameter: str) -> str:
    """Return the command-line option for a library parameter name.

    Examples
    --------
    >>> option_name("zone_field"), option_name("fmt")
    ('--zone-field', '--format')
    """
    if parameter in _PLAIN:
        return parameter
    return _FLAGS.get(parameter, "--" + parameter.replace("_", "-"))


def _on_sigterm(signum, frame) -> None:  # pragma: no cover - exercised in a subprocess test
    raise SystemExit(128 + signum)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    if issubclass(category, GeosciWarning):
        click.echo(f"warning: {message}", err=True)


class GeosciGroup(click.Group):
    """A click group that turns library errors into one-line messages."""

    def invoke(self, ctx: click.Context):
        """Invoke the command; report errors in one line unless --debug."""
        import warnings

        debug = ctx.find_root().params.get("debug")
        signal.signal(signal.SIGTERM, _on_sigterm)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("always", GeosciWarning)
                warnings.showwarning = _show_warning
                return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:  # output piped into `head` and the like: stop quietly
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except ParameterError as exc:
            if debug:
                raise
            click.echo(f"Error: {exc.for_option(option_name(exc.parameter))}", err=True)
            ctx.exit(2)
        except GeosciError as exc:
            if debug:
                raise
            click.echo(f"Error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", err=True)
            ctx.exit(2)
        except Exception as exc:  # noqa: BLE001 - the CLI edge reports, never shows a traceback
            if debug:
                raise
            msg = str(exc).splitlines()[0] if str(exc) else ""
            click.echo(f"Error: internal error ({type(exc).__name__}{': ' + msg if msg else ''}); this is a bug in "
                       "geosci: please report it with the output of --debug", err=True)  # fmt: skip
            ctx.exit(1)


@click.group(cls=GeosciGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="geosci")
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
def main(debug: bool) -> None:
    """geosci: maps, coverage and accessibility for the Western (Chongqing) Science City.

    Every curated layer carries its source document and an accuracy note:
    run `geosci layers list` to see them.
    """
