"""Options shared by the commands, declared once (rasterio ``rio/options.py`` style).

Choices come from the library's constants, and values are checked in
callbacks before any work: numbers must be finite, an option given once may
not be repeated, CRS names go through :func:`geosci.crs.parse_crs`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import click

from geosci.params import SCENARIO_NAMES
from geosci.tables import TABLE_FORMATS

if TYPE_CHECKING:  # pragma: no cover
    from geosci.models import TravelModel

__all__ = [
    "SCENARIO_NAMES",
    "ModelSpec",
    "Number",
    "check_outputs",
    "coverage_options",
    "crs_option",
    "emit",
    "format_option",
    "model_options",
    "out_option",
    "overwrite_option",
    "select_option",
    "single",
    "zone_field_option",
]


class Number(click.ParamType):
    """A finite number within a range: ``nan`` and ``inf`` are refused, as is anything out of range."""

    name = "number"

    def __init__(self, min: float | None = None, *, min_open: bool = False, max: float | None = None) -> None:  # noqa: A002
        self.min, self.min_open, self.max = min, min_open, max

    def convert(self, value, param, ctx):
        """Convert and check one value."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        else:
            try:
                number = float(str(value))
            except ValueError:
                self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        if self.min is not None and (number < self.min or (self.min_open and number <= self.min)):
            self.fail(f"{value!r} should be {'above' if self.min_open else 'at least'} {self.min:g}", param, ctx)
        if self.max is not None and number > self.max:
            self.fail(f"{value!r} should be at most {self.max:g}", param, ctx)
        return number


def _one(ctx, param, value):
    if value is None or value == ():
        return None
    if isinstance(value, tuple):
        if len(value) > 1:
            raise click.BadParameter(f"given {len(value)} times ({', '.join(map(str, value))}): give it once")
        return value[0]
    return value


def single(*decls: str, **kwargs) -> Callable:
    """Return an option that may be given at most once: a repeat is an error, never silently the last value."""
    if kwargs.get("default") is not None or kwargs.get("required"):
        kwargs.setdefault("show_default", "default" in kwargs)
    default = kwargs.pop("default", None)
    callback = kwargs.pop("callback", None)

    def cb(ctx, param, value):
        value = _one(ctx, param, value)
        if value is None:
            value = default
        return callback(ctx, param, value) if callback else value

    return click.option(*decls, multiple=True, callback=cb, **kwargs)


def out_option(
    *, required: bool = False, help: str = "Write the result to this file instead of printing it."
) -> Callable:  # noqa: A002
    """Return the ``--out FILE`` option."""
    help = help or "Write the result to this file instead of printing it (its suffix sets the format)."
    return click.option("--out", "out", required=required, type=click.Path(dir_okay=False), help=help)


overwrite_option = click.option("--overwrite", is_flag=True, help="Replace existing output files.")


def format_option(choices: tuple[str, ...] = TABLE_FORMATS, default: str = "text") -> Callable:
    """Return the ``--format`` option."""
    help_text = "Output format: text for people, json/csv/md for machines and documents."
    return click.option("--format", "fmt", type=click.Choice(choices), default=default, show_default=True,
                        help=help_text)  # fmt: skip


def _crs(ctx, param, value):
    if value is None:
        return None
    from geosci.crs import parse_crs

    return parse_crs(value, parameter=param.name)


def crs_option(*, default: str | None = None, help: str) -> Callable:  # noqa: A002
    """Return the ``--crs`` option, parsed by :func:`geosci.crs.parse_crs` (the one CRS vocabulary)."""
    return click.option("--crs", "crs", default=default, show_default=default is not None, callback=_crs, help=help)


def zone_field_option(f: Callable) -> Callable:
    """Add the ``--zone-field`` option."""
    return click.option("--zone-field", default="name_zh", show_default=True, help="Field naming each zone.")(f)


def select_option(what: str = "origins") -> Callable:
    """Return the ``--select FIELD=VALUE`` option."""
    return click.option("--select", multiple=True, metavar="FIELD=VALUE", help=f"Keep only matching {what}.")


def _scenario(ctx, param, value):
    from geosci.errors import DataError
    from geosci.params import scenario_statuses

    values = value if isinstance(value, tuple) else (value,)
    for v in values:
        if v is not None:
            try:
                scenario_statuses(v)
            except DataError:
                raise click.BadParameter(f"{v!r} should be one of {', '.join(SCENARIO_NAMES)}") from None
    return value


class ModelSpec:
    """The travel-model options of one command: build the model (or just its parameters) when needed."""

    def __init__(self, defaulted: tuple[str, ...] = (), **args) -> None:
        self.args = args
        self.defaulted = defaulted  # options left at their defaults

    def params(self):
        """Return the model parameters, defaults overridden by ``--param`` and ``--params``."""
        from geosci.params import AccessParams

        return AccessParams().with_overrides(self.args["param"], self.args["params_file"])

    def build(self, for_layers: Sequence[object] = ()) -> TravelModel:
        """Build the travel model (:func:`geosci.models.make_model`).

        ``--stations`` and ``--lines`` left at their defaults give the
        curated network that suits ``for_layers`` (the regional one for
        regional layers).
        """
        from geosci.models import make_model

        a = self.args
        stations, lines = (None if n in self.defaulted else a[n] for n in ("stations", "lines"))
        return make_model(scenario=a.get("scenario") or "existing", stations=stations, lines=lines,
                          for_layers=for_layers, network=a["network"], gtfs=a["gtfs"], gtfs_date=a["gtfs_date"],
                          params=self.params())  # fmt: skip

    def inputs(self) -> list:
        """Return the input files named by these options (outputs may not overwrite them)."""
        a = self.args
        return [a.get(k) for k in ("stations", "lines", "network", "gtfs", "params_file")]


def model_options(f: Callable | None = None, *, scenario: bool = True) -> Callable:
    """Add the travel-model options; the command gets ``model``, a :class:`ModelSpec`.

    The model is built only when the command asks for it, after every
    option has been checked. With ``scenario=False`` the command declares
    its own ``--scenario``.
    """
    import functools

    def decorate(f: Callable) -> Callable:
        names = ["stations", "lines", "param", "params_file", "network", "gtfs", "gtfs_date"]
        if scenario:
            names.append("scenario")

        @functools.wraps(f)
        def wrapper(**kwargs):
            from click.core import ParameterSource

            ctx = click.get_current_context()
            left = ParameterSource.DEFAULT
            defaulted = tuple(n for n in ("stations", "lines") if ctx.get_parameter_source(n) is left)
            spec = ModelSpec(defaulted=defaulted, **{n: kwargs.pop(n) for n in names})
            return f(model=spec, **kwargs)

        opts = [
            click.option("--stations", default="rail_stations", show_default=True,
                         help="Stations for the sketch model (region_rail_stations by default for regional "
                              "layers such as region_starting_areas)."),
            click.option("--lines", default="rail_lines", show_default=True,
                         help="Lines: the sketch model's lines and the stations' statuses (region_rail_lines by "
                              "default for regional layers)."),
            click.option("--param", "param", multiple=True, metavar="NAME=VALUE",
                         help="Override a model parameter (repeatable), e.g. walk_speed_kmh=4.5."),
            click.option("--params", "params_file", type=click.Path(exists=True, dir_okay=False),
                         help="JSON file of parameter overrides."),
            click.option("--network", type=click.Path(exists=True, dir_okay=False),
                         help="OSM .osm.pbf extract: walk on its streets instead of straight lines x circuity."),
            click.option("--gtfs", type=click.Path(exists=True),
                         help="GTFS feed for transit (instead of the sketch rail)."),
            click.option("--gtfs-date",
                         help="Service day of the GTFS feed, YYYYMMDD (default: first day of its first week)."),
        ]  # fmt: skip
        if scenario:
            opts.insert(0, single("--scenario", default="existing", callback=_scenario,
                                  metavar="|".join(SCENARIO_NAMES),
                                  help="Lines open in the sketch model: " + ", ".join(SCENARIO_NAMES)
                                  + " (default existing)."))  # fmt: skip
        for opt in reversed(opts):
            wrapper = opt(wrapper)
        return wrapper

    return decorate(f) if f is not None else decorate


def coverage_options(f: Callable) -> Callable:
    """Add the options of a coverage run, shared by ``geosci coverage`` and ``geosci report coverage``.

    The command gets ``catchment``, the keyword arguments of
    :func:`geosci.coverage.measure`, and ``inputs``, the files they name.

    Shared by ``geosci coverage`` and ``geosci report coverage``, so a report
    is the same run as the table.
    """
    import functools

    names = ("sources", "targets", "zones", "zone_field", "radius", "minutes", "scenarios", "population",
             "population_field")  # fmt: skip

    @functools.wraps(f)
    def wrapper(*, model: ModelSpec, **kwargs):
        o = {n: kwargs.pop(n) for n in names}
        a = model.args
        catchment = {
            "sources": o["sources"], "lines": a["lines"], "targets": o["targets"] or None, "zones": o["zones"],
            "zone_field": o["zone_field"], "radius_m": o["radius"], "minutes": o["minutes"],
            "scenarios": o["scenarios"] or None, "params": model.params(), "population": o["population"],
            "population_field": o["population_field"], "network": a["network"], "gtfs": a["gtfs"],
            "gtfs_date": a["gtfs_date"],
        }  # fmt: skip
        inputs = [o["sources"], *o["targets"], o["zones"], o["population"], *model.inputs()]
        return f(catchment=catchment, inputs=inputs, **kwargs)

    opts: list[Callable[[Callable], Callable]] = [
        click.option("--from", "sources", default="rail_stations", show_default=True,
                     help="Points whose catchment is measured (catalog name or file)."),
        click.option("--target", "targets", multiple=True,
                     help="Layers to count (repeatable). Default: incubator_clusters, research_centres, "
                          "district_incubators, innovation_points, universities."),
        click.option("--zones", default="districts", show_default=True,
                     help="Zones for the breakdown and area shares."),
        zone_field_option,
        single("--radius", type=Number(0, min_open=True, max=1_000_000), help="Catchment radius, metres (as drawn)."),
        single("--minutes", type=Number(0, min_open=True, max=1440), help="Catchment in minutes of walking."),
        click.option("--scenario", "scenarios", multiple=True, callback=_scenario, metavar="|".join(SCENARIO_NAMES),
                     help="Repeatable; default all three for stations."),
        click.option("--population", help="Population raster (GeoTIFF) or polygon layer, for population shares."),
        click.option("--population-field", help="Count field of a population polygon layer."),
    ]  # fmt: skip
    wrapped = wrapper
    for opt in reversed(opts):
        wrapped = opt(wrapped)
    with_model: Callable[[Callable], Callable] = model_options(scenario=False)
    return with_model(wrapped)


def check_outputs(*targets: tuple[str | None, str], inputs: list, overwrite: bool) -> None:
    """Check every output of a command before any work (see :func:`geosci.io.check_output`)."""
    from geosci.io import check_output

    for path, parameter in targets:
        if path:
            check_output(path, overwrite=overwrite, inputs=[i for i in inputs if i], parameter=parameter)


def emit(tables: list, *, fmt: str, out: str | None, overwrite: bool, summary: dict | None = None) -> None:
    """Print tables in ``fmt``, or write them to ``out`` (format by its suffix, which must agree with ``fmt``)."""
    from geosci.tables import render, write_tables

    if out:
        for path in write_tables(tables, out, fmt=None if fmt == "text" else fmt, summary=summary,
                                 overwrite=overwrite):  # fmt: skip
            click.echo(f"wrote {path}", err=True)
    else:
        click.echo(render(tables, fmt, summary=summary), nl=False)
