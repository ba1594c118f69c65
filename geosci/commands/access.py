"""``geosci access``: travel-time matrices, isochrones, accessibility scores and travel-time surfaces."""

from __future__ import annotations

import click

from geosci.commands.main import main
from geosci.commands.options import (
    Number,
    check_outputs,
    emit,
    format_option,
    model_options,
    out_option,
    overwrite_option,
    select_option,
    zone_field_option,
)


@main.group()
def access() -> None:
    """Travel times, isochrones, accessibility scores and travel-time surfaces.

    Walk + rail times come from the sketch model of the curated lines
    (default), a GTFS feed (--gtfs) or OSM streets (--network, with --gtfs
    for transit). Every parameter is shown in the run summary.
    """


def scale_options(f):
    """Add ``--jobs`` and ``--scheduler``: both cores of this machine, or a Dask cluster."""
    f = click.option("--scheduler", metavar="ADDRESS",
                     help="Run on a Dask cluster: the scheduler's address (tcp://host:8786), or 'local' for a "
                          "local cluster of --jobs worker processes (pip install geosci[dask]).")(f)  # fmt: skip
    return click.option("--jobs", type=click.IntRange(0), default=0, show_default="0: every core",
                        help="Workers for the independent parts of the work (searches, tiles, polygons); the "
                             "result is the same for any number.")(f)  # fmt: skip


def _scheduler(scheduler, jobs):
    """Open the Dask client a command runs on (or none), closed when the command ends."""
    import contextlib

    if scheduler is None:
        return contextlib.nullcontext(None)
    from geosci.distributed import client

    return client(scheduler, jobs=jobs or None)


def _announce(model) -> dict:
    from geosci.tables import summary_text

    summary = model.describe()
    click.echo(summary_text(summary), err=True, nl=False)
    return summary


@access.command("matrix")
@click.option("--from", "origins", required=True, help="Origin layer (catalog name or file).")
@click.option("--to", "destinations", required=True, help="Destination layer.")
@select_option("origins")
@format_option()
@out_option(help="Write the matrix to this file (its suffix sets the format); .csv, .parquet and .gpkg are "
                 "streamed block by block, so a matrix of any size fits in memory.")  # fmt: skip
@click.option("--legs", is_flag=True,
              help="Also show how each trip is made: the stations boarded and left, and the access, ride and "
                   "egress minutes (sketch and GTFS models, small matrices).")  # fmt: skip
@model_options
@scale_options
@overwrite_option
def access_matrix(origins, destinations, select, fmt, out, legs, model, jobs, scheduler, overwrite):
    """Travel-time matrix (minutes) between two layers, e.g. incubators to the three centres."""
    from pathlib import Path

    from geosci.access import STREAMED_SUFFIXES, matrix_tables, write_matrix

    check_outputs((out, "out"), inputs=[origins, destinations, *model.inputs()], overwrite=overwrite)
    streamed = bool(out) and Path(out).suffix.lower() in STREAMED_SUFFIXES
    if streamed and fmt not in ("text", Path(out).suffix.lower()[1:]):
        raise click.BadParameter(f"{fmt} does not match the suffix of {Path(out).name}: drop --format",
                                 param_hint="--format")  # fmt: skip
    if legs and model.args.get("network"):
        raise click.BadParameter("it names the stations of the sketch or GTFS model, and a street network has "
                                 "none to name: drop --network", param_hint="--legs")  # fmt: skip
    if streamed and legs:
        raise click.BadParameter(f"{Path(out).name} is streamed as one table: write the legs to .xlsx, .md or "
                                 ".json, or drop --legs", param_hint="--legs")  # fmt: skip
    built = model.build(for_layers=(origins, destinations))
    summary = _announce(built)
    with _scheduler(scheduler, jobs) as cluster:
        if streamed:
            written, rows = write_matrix(built, origins, destinations, out, select=select, summary=summary,
                                         overwrite=overwrite, jobs=jobs or None, scheduler=cluster)  # fmt: skip
            for path in written:
                click.echo(f"wrote {path}", err=True)
            click.echo(f"{rows:,} origin-destination pairs", err=True)
            return
        tables = matrix_tables(built, origins, destinations, select=select, wide=fmt == "text" and not out,
                               legs=legs, jobs=jobs or None, scheduler=cluster)  # fmt: skip
    emit(tables, fmt=fmt, out=out, overwrite=overwrite, summary=summary if fmt == "json" or out else None)


@access.command("isochrone")
@click.option("--from", "origin", required=True, help="Origin layer (catalog name or file).")
@select_option("origins, e.g. id=lm-hall")
@click.option("--minutes", "minutes", multiple=True, required=True, type=Number(0, min_open=True),
              help="Travel-time budget (repeatable: one band each, e.g. --minutes 15 --minutes 30).")  # fmt: skip
@out_option(required=True, help="Output polygon file (.geojson, .gpkg ...).")
@click.option("--map", "map_out", type=click.Path(dir_okay=False), help="Also write an offline HTML map.")
@model_options
@scale_options
@overwrite_option
def access_isochrone(origin, select, minutes, out, map_out, model, jobs, scheduler, overwrite):
    """Area reachable within MINUTES from a place, e.g. the 30-minute circle from 科学会堂."""
    from geosci.access import isochrones, write_isochrones

    check_outputs((out, "out"), (map_out, "map"), inputs=[origin, *model.inputs()], overwrite=overwrite)
    built = model.build(for_layers=(origin,))
    _announce(built)
    with _scheduler(scheduler, jobs) as cluster:
        iso, origins = isochrones(built, origin, sorted(set(minutes)), select=select, jobs=jobs or None,
                                  scheduler=cluster)  # fmt: skip
    for r in iso.itertuples():
        click.echo(f"{r.origin}: {r.minutes:g} min -> {r.area_km2} km2", err=True)
    for path, what in write_isochrones(iso, origins, out=out, map_out=map_out, overwrite=overwrite):
        click.echo(f"wrote {path} ({what})", err=True)


@access.command("score")
@click.option("--from", "origins", required=True, help="Origins (people or places) scored.")
@click.option("--to", "destinations", required=True, help="Opportunities or supply sites.")
@click.option("--method", type=click.Choice(["cumulative", "gravity", "2sfca"]), required=True)
@click.option("--threshold", type=Number(0, min_open=True), help="Catchment minutes (cumulative, 2sfca).")
@click.option("--beta", type=Number(0), help="Decay per minute (gravity).")
@click.option("--supply-field", help="Destination field with capacity or weight (default 1 each).")
@click.option("--demand-field", help="Origin field with population (2sfca; default 1 each).")
@format_option()
@out_option()
@model_options
@scale_options
@overwrite_option
def access_score(origins, destinations, method, threshold, beta, supply_field, demand_field, fmt, out, model, jobs,
                 scheduler, overwrite):  # fmt: skip
    """Cumulative-opportunity, gravity or two-step floating catchment (2SFCA) score of each origin."""
    from geosci.access import score_tables

    check_outputs((out, "out"), inputs=[origins, destinations, *model.inputs()], overwrite=overwrite)
    built = model.build(for_layers=(origins, destinations))
    summary = _announce(built)
    with _scheduler(scheduler, jobs) as cluster:
        tables, summary = score_tables(built, origins, destinations, method=method, threshold=threshold, beta=beta,
                                       supply_field=supply_field, demand_field=demand_field, summary=summary,
                                       jobs=jobs or None, scheduler=cluster)  # fmt: skip
    emit(tables, fmt=fmt, out=out, overwrite=overwrite, summary=summary if fmt == "json" or out else None)


@access.command("surface")
@click.option("--from", "origin", required=True, help="Origin layer; each cell gets the time from the nearest.")
@select_option("origins")
@click.option("--cell", type=Number(10), default=250, show_default=True,
              help="Cell size, metres. Any number of cells is computed tile by tile; only a grid too large for "
                   "the memory available is refused.")  # fmt: skip
@out_option(required=True, help="GeoTIFF to write (minutes, float32).")
@click.option("--extent", default="districts", show_default=True,
              help="Layer whose bounds the grid covers, or minx,miny,maxx,maxy in degrees.")  # fmt: skip
@click.option("--zones", help="Layer for zonal statistics of the surface (e.g. districts).")
@zone_field_option
@format_option()
@model_options
@scale_options
@overwrite_option
def access_surface(origin, select, cell, out, extent, zones, zone_field, fmt, model, jobs, scheduler, overwrite):
    """Travel-time surface written as a GeoTIFF on a metric grid, with optional zonal statistics."""
    from geosci.access import surface_run

    check_outputs((out, "out"), inputs=[origin, extent, zones, *model.inputs()], overwrite=overwrite)
    built = model.build(for_layers=(origin, extent))  # the zones only summarise the surface
    summary = _announce(built)
    with _scheduler(scheduler, jobs) as cluster:
        info, tables = surface_run(built, origin, select=select, cell_m=cell, extent=extent, out=out, zones=zones,
                                   zone_field=zone_field, overwrite=overwrite, jobs=jobs or None,
                                   scheduler=cluster)  # fmt: skip
    click.echo(f"wrote {out} ({info})", err=True)
    if tables:
        emit(tables, fmt=fmt, out=None, overwrite=overwrite, summary=summary if fmt == "json" else None)
