"""``geosci site``: where new stops, incubators or services should go, the existing sites kept."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from geosci.commands.main import main
from geosci.commands.options import (
    Number,
    check_outputs,
    format_option,
    model_options,
    out_option,
    overwrite_option,
    single,
    zone_field_option,
)
from geosci.siting import MODELS, TRAVEL

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar


class _LazyBar:
    """A progress bar on stderr that appears with the first solve, so bad input gives one line only."""

    def __init__(self, length: int) -> None:
        self.length = length
        self.bar: ProgressBar[int] | None = None

    def __call__(self, _label: str) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=self.length, label="site", file=sys.stderr)
            self.bar.__enter__()
        if self.bar.pos < self.length:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@main.command("site")
@click.option(
    "--demand",
    "demand",
    multiple=True,
    required=True,
    help="What should be reached: a layer or file (repeatable; polygons count by a point inside).",
)
@single("--weight", help="Numeric demand field to weight by (e.g. population); default 1 per feature.")
@single(
    "--candidates",
    required=True,
    metavar="LAYER|FILE|grid:METRES",
    help="Where a new site may go: a layer, a file, or a grid of that spacing (inside --within, else "
    "around the demand).",
)
@single("--within", metavar="ZONE", help="Keep candidates inside this zone: a district name (name_zh) or 'core'.")
@single("--existing", help="Fixed sites that count toward coverage, e.g. rail_stations (opened by --scenario).")
@single("--add", type=click.IntRange(min=1), help="Number of sites to add (mclp, pmedian).")
@click.option("--cover-all", is_flag=True, help="The fewest sites covering all demand (lscp).")
@single("--radius", type=Number(0, min_open=True), help="Catchment radius, metres (as drawn).")
@single(
    "--minutes",
    type=Number(0, min_open=True),
    help="Catchment in minutes: of walking (as geosci coverage), or door to door with --travel transit.",
)
@single(
    "--model",
    "site_model",
    type=click.Choice(MODELS),
    help="mclp: most demand covered by N sites; lscp: fewest sites covering all; pmedian: least total "
    "distance (time). Default mclp with --add, lscp with --cover-all.",
)
@single(
    "--travel",
    type=click.Choice(TRAVEL),
    default="walk",
    help="How --minutes are travelled: walk, or transit by the sketch model (--scenario) or --gtfs.",
)
@click.option(
    "--count-uncertain",
    is_flag=True,
    help="Count demand that is only uncertainly within reach (positions too rough) as covered.",
)
@single("--zones", default="districts", help="Zones for the before/after breakdown.")
@zone_field_option
@single(
    "--time-limit",
    type=Number(0, min_open=True),
    default=60.0,
    help="Seconds per exact solve; past it the best sites found and the proven bound are reported.",
)
@click.option("--no-curve", is_flag=True, help="Skip the marginal-gain curve (solves for 1, 2, ... N sites).")
@format_option()
@out_option()
@click.option(
    "--map",
    "map_out",
    type=click.Path(dir_okay=False),
    help="Write a map of existing and proposed sites and newly covered demand (offline HTML).",
)
@model_options
@overwrite_option
def site_cmd(demand, weight, candidates, within, existing, add, cover_all, radius, minutes, site_model, travel,
             count_uncertain, zones, zone_field, time_limit, no_curve, fmt, out, map_out, model,
             overwrite):  # fmt: skip
    """Choose new sites with the existing ones kept: the N that add most coverage, or the fewest covering all.

    Solved exactly (integer programming, HiGHS): mclp picks the --add N
    candidates covering the most demand within the catchment; lscp
    (--cover-all) the fewest covering all of it; pmedian the N that
    minimise the total distance (or time) to the nearest site. Existing
    sites stay and count toward coverage. Distances are those of geosci
    coverage: exact circles in a metric CRS, or walking on --network
    streets; with --travel transit, door-to-door minutes. Demand whose
    distance to a site is within their positional accuracy is 'uncertain':
    reported apart, not counted as covered. The marginal-gain curve shows
    coverage with 1, 2, ... N new sites.

    Example, the three points of a 200 m grid that add the most incubator
    clusters and universities within 800 m of rail: geosci site --demand
    incubator_clusters --demand universities --existing rail_stations
    --candidates grid:200 --add 3 --radius 800 --map site.html
    """
    from geosci.siting import site, write_result
    from geosci.tables import render

    inputs = [*demand, existing, zones, None if str(candidates).startswith("grid:") else candidates, *model.inputs()]
    check_outputs((out, "out"), (map_out, "map"), overwrite=overwrite, inputs=inputs)
    a = model.args
    bar = _LazyBar(length=(add or 1) if not no_curve else 1)  # shown from the first solve: bad input stays one line
    try:
        res = site(list(demand), candidates=candidates, add=add, cover_all=cover_all, radius_m=radius,
                   minutes=minutes, weight=weight, within=within, existing=existing, model=site_model,
                   travel=travel, scenario=a["scenario"], stations=a["stations"], lines=a["lines"],
                   network=a["network"], gtfs=a["gtfs"], gtfs_date=a["gtfs_date"], params=model.params(),
                   zones=zones, zone_field=zone_field, count_uncertain=count_uncertain, curve=not no_curve,
                   time_limit=time_limit, progress=bar)  # fmt: skip
    finally:
        bar.close()
    if res.summary["status"] != "optimal":
        click.echo(f"time limit reached: best found {res.summary['objective_value']}, proven bound "
                   f"{res.summary['best_bound']}", err=True)  # fmt: skip
    for path, what in write_result(res, out=out, fmt=fmt, map_out=map_out, overwrite=overwrite):
        click.echo(f"wrote {path} ({what})", err=True)
    if not out:
        view = "data" if fmt == "json" else "people"
        click.echo(render(res.tables(view=view), fmt, summary=res.summary if fmt in ("text", "json") else None),
                   nl=False)  # fmt: skip
