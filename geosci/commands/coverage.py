"""``geosci coverage``: what lies within a catchment of stations, scenarios side by side."""

from __future__ import annotations

import sys

import click

from geosci.commands.main import main
from geosci.commands.options import check_outputs, coverage_options, out_option, overwrite_option


@main.command("coverage")
@coverage_options
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "md", "geojson"]), default="text",
              show_default=True,
              help="csv/md: the side-by-side table; geojson: every target with its class.")  # fmt: skip
@out_option()
@click.option("--gaps", type=click.Path(dir_okay=False), help="Write the uncovered part of each zone (GeoJSON/GPKG).")
@click.option("--map", "map_out", type=click.Path(dir_okay=False), help="Write a coverage map (offline HTML).")
@overwrite_option
def coverage_cmd(catchment, inputs, fmt, out, gaps, map_out, overwrite):
    """Share of incubators, research sites, area and population within a catchment of stations.

    Straight-line catchments are exact circles (KD-tree nearest station in a
    metric CRS); with --network the catchment is a walking distance on the
    OSM streets; with --gtfs the sources are the feed's stops served on
    --gtfs-date. Scenarios add the under-construction and planned lines to
    the existing network. A target whose distance from the catchment edge is
    within the positional accuracy of it and of its station is 'uncertain'.
    """
    from geosci.coverage import measure
    from geosci.outputs import write_coverage
    from geosci.tables import render

    check_outputs((out, "out"), (gaps, "gaps"), (map_out, "map"), overwrite=overwrite, inputs=inputs)
    with click.progressbar(length=len(catchment["scenarios"] or ()) or 3, label="coverage", file=sys.stderr) as bar:
        res = measure(**catchment, progress=lambda _: bar.update(1))
    for path, what in write_coverage(res, out=out, fmt=fmt, gaps=gaps, map_out=map_out, overwrite=overwrite):
        click.echo(f"wrote {path} ({what})", err=True)
    if not out:
        if fmt == "geojson":
            click.echo(res.features.to_json(ensure_ascii=False, drop_id=True))
        else:
            view = "data" if fmt == "json" else "people"
            click.echo(render(res.tables(view=view), fmt, summary=res.summary if fmt in ("text", "json") else None),
                       nl=False)  # fmt: skip
