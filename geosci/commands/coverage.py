"""``geosci coverage``: what lies within a catchment of stations, scenarios side by side."""

from __future__ import annotations

import sys

import click

from geosci.commands.main import main
from geosci.commands.options import (
    SCENARIO_NAMES,
    Number,
    _scenario,
    check_outputs,
    model_options,
    out_option,
    overwrite_option,
    single,
    zone_field_option,
)


@main.command("coverage")
@click.option("--from", "sources", default="rail_stations", show_default=True,
              help="Points whose catchment is measured (catalog name or file).")  # fmt: skip
@click.option("--target", "targets", multiple=True,
              help="Layers to count (repeatable). Default: incubator_clusters, research_centres, "
                   "district_incubators, innovation_points, universities.")  # fmt: skip
@click.option("--zones", default="districts", show_default=True, help="Zones for the breakdown and area shares.")
@zone_field_option
@single("--radius", type=Number(0, min_open=True, max=1_000_000), help="Catchment radius, metres (as drawn).")
@single("--minutes", type=Number(0, min_open=True, max=1440), help="Catchment in minutes of walking.")
@click.option("--scenario", "scenarios", multiple=True, callback=_scenario, metavar="|".join(SCENARIO_NAMES),
              help="Repeatable; default all three for stations.")  # fmt: skip
@click.option("--population", help="Population raster (GeoTIFF) or polygon layer, for population shares.")
@click.option("--population-field", help="Count field of a population polygon layer.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "md", "geojson"]), default="text",
              show_default=True,
              help="csv/md: the side-by-side table; geojson: every target with its class.")  # fmt: skip
@out_option()
@click.option("--gaps", type=click.Path(dir_okay=False), help="Write the uncovered part of each zone (GeoJSON/GPKG).")
@click.option("--map", "map_out", type=click.Path(dir_okay=False), help="Write a coverage map (offline HTML).")
@model_options(scenario=False)
@overwrite_option
def coverage_cmd(sources, targets, zones, zone_field, radius, minutes, scenarios, population, population_field, fmt,
                 out, gaps, map_out, model, overwrite):  # fmt: skip
    """Share of incubators, research sites, area and population within a catchment of stations.

    Straight-line catchments are exact circles (KD-tree nearest station in a
    metric CRS); with --network the catchment is a walking distance on the
    OSM streets; with --gtfs the sources are the feed's stops served on
    --gtfs-date. Scenarios add the under-construction and planned lines to
    the existing network. A target whose distance from the catchment edge is
    within the positional accuracy of it and of its station is 'uncertain'.
    """
    from geosci.coverage import measure, write_result
    from geosci.tables import render

    check_outputs((out, "out"), (gaps, "gaps"), (map_out, "map"), overwrite=overwrite,
                  inputs=[sources, *targets, zones, population, *model.inputs()])  # fmt: skip
    a = model.args
    with click.progressbar(length=len(scenarios) or 3, label="coverage", file=sys.stderr) as bar:
        res = measure(sources, lines=a["lines"], targets=targets or None, zones=zones, zone_field=zone_field,
                      radius_m=radius, minutes=minutes, scenarios=scenarios, params=model.params(),
                      population=population, population_field=population_field, network=a["network"],
                      gtfs=a["gtfs"], gtfs_date=a["gtfs_date"], progress=lambda _: bar.update(1))  # fmt: skip
    for path, what in write_result(res, out=out, fmt=fmt, gaps=gaps, map_out=map_out, overwrite=overwrite):
        click.echo(f"wrote {path} ({what})", err=True)
    if not out:
        if fmt == "geojson":
            click.echo(res.features.to_json(ensure_ascii=False, drop_id=True))
        else:
            view = "data" if fmt == "json" else "people"
            click.echo(render(res.tables(view=view), fmt, summary=res.summary if fmt in ("text", "json") else None),
                       nl=False)  # fmt: skip
