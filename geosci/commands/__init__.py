"""The ``geosci`` command line: a thin click group over the geosci library.

Each command parses its options, calls one library function and writes the
result. Errors that geosci anticipates (:class:`geosci.errors.GeosciError`),
and any other failure, end with a one-line message on stderr and exit code 2
(1 for an unexpected internal error); ``--debug`` shows the traceback.
"""

from __future__ import annotations

import json
import sys

import click

from geosci import __version__
from geosci.errors import GeosciError, OutputExistsError

FORMATS_TABLE = ("text", "json", "csv", "md")


class GeosciGroup(click.Group):
    """A click group that turns library errors into one-line messages."""

    def invoke(self, ctx: click.Context):
        """Invoke the command; report errors in one line unless --debug."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:  # output piped into `head` and the like: stop quietly
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except GeosciError as exc:
            if ctx.find_root().params.get("debug"):
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(2)
        except Exception as exc:  # noqa: BLE001 - the CLI edge reports, never shows a traceback
            if ctx.find_root().params.get("debug"):
                raise
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            click.echo(f"Error: {type(exc).__name__}: {msg} (run with --debug for details)", err=True)
            ctx.exit(1)


# ----------------------------------------------------------------------------- shared options
def format_option(choices=FORMATS_TABLE, default="text"):
    """Return the shared ``--format`` option."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format: text for people, json/csv/md for machines and documents.",
    )


overwrite_option = click.option("--overwrite", is_flag=True, help="Replace an existing output file.")


def _shapefile_note(frame, path) -> None:
    from pathlib import Path

    from geosci.io import shapefile_field_notes

    if Path(path).suffix.lower() == ".shp":
        notes = shapefile_field_notes(frame.columns)
        if notes:
            click.echo(f"note: Shapefile field names are cut to 10 characters: {'; '.join(notes)}", err=True)


def _emit_rows(rows: list[dict], fmt: str, columns: list[str]) -> None:
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        click.echo(buf.getvalue(), nl=False)
    elif fmt == "md":
        click.echo("| " + " | ".join(columns) + " |")
        click.echo("|" + "---|" * len(columns))
        for r in rows:
            click.echo("| " + " | ".join(str(r.get(c, "")).replace("|", "\\|") for c in columns) + " |")
    else:
        widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
        click.echo("  ".join(c.ljust(widths[c]) for c in columns).rstrip())
        for r in rows:
            click.echo("  ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns).rstrip())


# ----------------------------------------------------------------------------- the group
@click.group(cls=GeosciGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="geosci")
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
def main(debug: bool) -> None:
    """geosci: maps, coverage and accessibility for the Western (Chongqing) Science City.

    Every curated layer carries its source document and an accuracy note:
    run `geosci layers list` to see them.
    """


@main.group()
def layers() -> None:
    """List, inspect, validate and export the curated layers."""


@layers.command("list")
@click.option("--scale", type=click.Choice(["region", "science_city", "core"]), help="Only layers of this scale.")
@format_option()
def layers_list(scale: str | None, fmt: str) -> None:
    """List the curated layers with their feature counts and accuracy."""
    from geosci.catalog import get_entry, list_layers

    rows = []
    for name in list_layers(scale=scale):
        e = get_entry(name)
        rows.append(
            {
                "name": name,
                "scale": e["scale"],
                "geometry": e["geometry_type"],
                "features": e["feature_count"],
                "accuracy_m": e["accuracy_m"],
                "title_zh": e["title_zh"],
                "title_en": e["title_en"],
                "sources": "; ".join(e["sources"]),
            }
        )
    cols = ["name", "scale", "geometry", "features", "accuracy_m", "title_zh"]
    _emit_rows(rows, fmt, cols if fmt == "text" else list(rows[0]) if rows else cols)


@layers.command("show")
@click.argument("name")
@format_option(("text", "json", "csv", "md"))
def layers_show(name: str, fmt: str) -> None:
    """Show a layer's catalog entry and its features (or a table's rows)."""
    from geosci.catalog import catalog, get_entry, read_layer, read_table

    if name in catalog()["tables"]:
        frame = read_table(name)
        entry = catalog()["tables"][name]
        if fmt == "json":
            click.echo(
                json.dumps({"table": name, **entry, "rows": frame.to_dict("records")}, ensure_ascii=False, indent=1)
            )
            return
        if fmt == "text":
            click.echo(f"{name}: {entry['title_zh']} / {entry['title_en']}\nsource: {entry['source']}\n")
        _emit_rows(frame.to_dict("records"), fmt, list(frame.columns))
        return
    entry = get_entry(name)
    frame = read_layer(name)
    rows = frame.drop(columns="geometry").to_dict("records")
    if fmt == "json":
        click.echo(json.dumps({"layer": name, **entry, "features": rows}, ensure_ascii=False, indent=1, default=str))
        return
    if fmt == "text":
        for key in (
            "title_zh",
            "title_en",
            "scale",
            "geometry_type",
            "feature_count",
            "sources",
            "geometry_method",
            "accuracy_note",
            "licence",
            "sha256",
        ):
            value = "; ".join(entry[key]) if isinstance(entry[key], list) else entry[key]
            click.echo(f"{key}: {value}")
        click.echo("")
    _emit_rows(rows, fmt, ["id", "name_zh", "name_en", "kind", "status", "source", "accuracy_m"])


@layers.command("validate")
@click.argument("path", required=False)
@click.option(
    "--scale",
    type=click.Choice(["region", "science_city", "core"]),
    help="For a file: the area its features must lie in.",
)
@format_option(("text", "json"))
def layers_validate(path: str | None, scale: str | None, fmt: str) -> None:
    """Check every curated layer (or the file PATH) against the layer rules.

    Exit code 0 when all is valid, 3 when problems were found.
    """
    from geosci.catalog import list_layers
    from geosci.validate import validate_catalog_entry, validate_path

    if path is None:
        names = list_layers()
        problems = [p for n in names for p in validate_catalog_entry(n)]
        checked = f"{len(names)} catalog layers"
    else:
        problems = validate_path(path, scale=scale)
        checked = path
    if fmt == "json":
        click.echo(
            json.dumps(
                {"checked": checked, "valid": not problems, "problems": [str(p) for p in problems]},
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        for p in problems:
            click.echo(str(p))
        click.echo(f"{checked}: {'valid' if not problems else f'{len(problems)} problem(s)'}")
    if problems:
        sys.exit(3)


@layers.command("export")
@click.argument("name")
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False), help="Output file (.geojson, .gpkg, .shp, .csv)."
)
@click.option(
    "--format", "fmt", type=click.Choice(["geojson", "gpkg", "shp", "csv"]), help="Format, if not told by the suffix."
)
@click.option(
    "--crs",
    "crs",
    default="wgs84",
    show_default=True,
    help="Output coordinates: wgs84, gcj02 (AMap), bd09 (Baidu), cgcs2000, or an EPSG code.",
)
@overwrite_option
def layers_export(name: str, out: str, fmt: str | None, crs: str, overwrite: bool) -> None:
    """Export the layer NAME to a file, in WGS84 or another coordinate system."""
    from geosci.catalog import read_layer
    from geosci.crs import convert_frame
    from geosci.errors import DataError
    from geosci.io import write_layer

    frame = read_layer(name)
    key = crs.lower().replace("-", "")
    if key in ("gcj02", "bd09"):
        frame = convert_frame(frame, src="wgs84", dst=key)
    elif key == "cgcs2000":
        frame = frame.set_crs("EPSG:4490", allow_override=True)  # identical to WGS84 at map precision
    elif key != "wgs84":
        try:
            frame = frame.to_crs(crs)
        except Exception as exc:
            raise DataError(
                f"--crs {crs!r} is not a CRS geosci knows: use wgs84, gcj02, bd09, cgcs2000 or EPSG:XXXX"
            ) from exc
    path = write_layer(frame, out, fmt=fmt, overwrite=overwrite)
    _shapefile_note(frame, path)
    click.echo(f"wrote {len(frame)} features of {name} to {path} ({crs})", err=True)


@main.command("map")
@click.argument("recipe", required=False)
@click.option("--out", type=click.Path(dir_okay=False), help="HTML file to write (default: RECIPE.html).")
@click.option(
    "--tiles",
    type=click.Choice(["none", "osm", "amap", "amap-satellite", "tianditu"]),
    default="none",
    show_default=True,
    help="Basemap. AMap tiles are GCJ-02: the layers are shifted to match them.",
)
@click.option("--tiles-key", envvar="GEOSCI_TILES_KEY", help="API key for basemaps that need one (tianditu).")
@click.option(
    "--lang",
    type=click.Choice(["zh", "en", "both"]),
    default="both",
    show_default=True,
    help="Language of labels, legend and title.",
)
@click.option("--png", "png", type=click.Path(dir_okay=False), help="Also render a PNG (needs Chromium).")
@click.option("--width", type=click.IntRange(400, 8000), default=1600, show_default=True, help="PNG width, pixels.")
@click.option("--height", type=click.IntRange(300, 8000), default=1100, show_default=True, help="PNG height, pixels.")
@click.option(
    "--add",
    "add",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Draw your own vector file on top (repeatable); with no RECIPE, a map of these files alone.",
)
@overwrite_option
def map_cmd(recipe, out, tiles, tiles_key, lang, png, width, height, add, overwrite):
    """Make the map RECIPE as one offline HTML file (and optionally a PNG).

    RECIPE is one of district, axis, region, transit, incubators, or the path
    of a recipe .json file. The HTML holds Leaflet and all data inline and
    opens with no network; a basemap (--tiles) is optional decoration.
    """
    import tempfile
    from pathlib import Path

    from geosci.browser import screenshot
    from geosci.io import atomic_path, write_bytes
    from geosci.mapping import build_map
    from geosci.offline import map_to_html
    from geosci.recipes import load_recipe, recipe_for_files

    if recipe is None and not add:
        raise GeosciError("give a RECIPE (district, axis, region, transit, incubators) or --add FILE")
    spec = load_recipe(recipe) if recipe else None
    if add:
        spec = recipe_for_files(list(add), base=spec)
    out = out or (None if png else f"{spec.get('name', 'map')}.html")
    for target in filter(None, (out, png)):  # refuse before doing any work
        if Path(target).exists() and not overwrite:
            raise OutputExistsError(f"{target} exists: pass --overwrite to replace it")
    page = map_to_html(build_map(spec, tiles=tiles, lang=lang, tiles_key=tiles_key)).encode("utf-8")
    if out:
        write_bytes(page, out, overwrite=overwrite)
        click.echo(f"wrote {out} ({len(page) / 1e6:.2f} MB, offline, tiles={tiles})", err=True)
    if png:
        with tempfile.TemporaryDirectory(prefix="geosci-map-") as tmp:
            html_path = Path(tmp) / "map.html"
            html_path.write_bytes(page)
            with atomic_path(png, overwrite=overwrite, suffix=".png") as tmp_png:
                screenshot(html_path, tmp_png, width=width, height=height)
        click.echo(f"wrote {png} ({width}x{height})", err=True)


# ----------------------------------------------------------------------------- analyses
def _model_options(f):
    """Options shared by coverage and access: the travel model and its parameters."""
    opts = [
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
    for opt in reversed(opts):
        f = opt(f)
    return f


def _params(param, params_file):
    from geosci.params import AccessParams

    return AccessParams().with_overrides(param, params_file)


def _select(frame, select: tuple[str, ...], what: str):
    for cond in select:
        field, sep, value = cond.partition("=")
        if not sep or field not in frame.columns:
            raise GeosciError(f"--select should be FIELD=VALUE with a field of {what}, got {cond!r}")
        frame = frame[frame[field].astype(str) == value]
    if frame.empty:
        raise GeosciError(f"no feature of {what} matches {' and '.join(select)}")
    return frame


def _transit_model(*, scenario, stations, lines, network, gtfs, gtfs_date, params):
    from geosci.catalog import read_layer

    if network:
        from geosci.realnet import NetworkModel, WalkNetwork

        return NetworkModel.build(WalkNetwork.from_osm(network), params=params, gtfs=gtfs, gtfs_date=gtfs_date)
    if gtfs:
        from geosci.gtfs import build_gtfs

        return build_gtfs(gtfs, params=params, date=gtfs_date)
    from geosci.sketch import build_sketch

    return build_sketch(read_layer(stations), read_layer(lines), params=params, scenario=scenario)


def _write_or_echo(text: str, out: str | None, overwrite: bool) -> None:
    from geosci.io import write_bytes

    if out:
        write_bytes(text.encode("utf-8"), out, overwrite=overwrite)
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(text, nl=False)


def _table_text(rows: list[dict], fmt: str, columns: list[str] | None = None) -> str:
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        if rows:
            _emit_rows(rows, fmt, columns or list(rows[0]))
    return buf.getvalue()


def _summary_text(summary: dict) -> str:
    lines = []
    for key, value in summary.items():
        if isinstance(value, dict):
            inner = ", ".join(f"{k}={v}" for k, v in value.items() if v is not None)
            lines.append(f"{key}: {inner}")
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


def _side_by_side(targets, value: str = "covered"):
    """Pivot coverage rows so that scenarios stand side by side."""
    rows = []
    for (layer, zone), grp in targets.groupby(["layer", "zone"], sort=False):
        row = {"layer": layer, "zone": zone, "n": int(grp["n"].iloc[0])}
        for r in grp.itertuples():
            row[r.scenario] = f"{r.covered} ({r.share:.0%})"
        rows.append(row)
    return rows


@main.command("coverage")
@click.option(
    "--from",
    "sources",
    default="rail_stations",
    show_default=True,
    help="Points whose catchment is measured (catalog name or file).",
)
@click.option("--lines", default="rail_lines", show_default=True, help="Lines layer, for station statuses.")
@click.option(
    "--target",
    "targets",
    multiple=True,
    help="Layers to count (repeatable). Default: incubator_clusters, research_centres, "
    "district_incubators, innovation_points, universities.",
)
@click.option("--zones", default="districts", show_default=True, help="Zones for the breakdown and area shares.")
@click.option("--zone-field", default="name_zh", show_default=True)
@click.option("--radius", type=click.FloatRange(min=0, min_open=True), help="Catchment radius, metres (as drawn).")
@click.option("--minutes", type=click.FloatRange(min=0, min_open=True), help="Catchment in minutes of walking.")
@click.option(
    "--scenario",
    "scenarios",
    multiple=True,
    help="existing, +under_construction, +planned (repeatable; default all three for stations).",
)
@click.option("--population", help="Population raster (GeoTIFF) or polygon layer, for population shares.")
@click.option("--population-field", help="Count field of a population polygon layer.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv", "md", "geojson"]),
    default="text",
    show_default=True,
    help="csv/md: the side-by-side table; geojson: every target with its status.",
)
@click.option("--out", type=click.Path(dir_okay=False), help="Write the result here instead of stdout.")
@click.option("--gaps", type=click.Path(dir_okay=False), help="Write the uncovered part of each zone (GeoJSON/GPKG).")
@click.option("--map", "map_out", type=click.Path(dir_okay=False), help="Write a coverage map (offline HTML).")
@_model_options
@overwrite_option
def coverage_cmd(sources, lines, targets, zones, zone_field, radius, minutes, scenarios, population,
                 population_field, fmt, out, gaps, map_out, param, params_file, network, gtfs, gtfs_date,
                 overwrite):  # fmt: skip
    """Share of incubators, research sites, area and population within a catchment of stations.

    Straight-line catchments are exact circles (KD-tree nearest station in a
    metric CRS); with --network the catchment is a walking distance on the
    OSM streets. Scenarios add the under-construction and planned lines 27,
    15, 7, 17, 5 and 19 to the existing network.
    """
    import pandas as pd

    from geosci.catalog import read_layer
    from geosci.coverage import CoverageResult, coverage
    from geosci.io import write_layer

    if (radius is None) == (minutes is None):
        raise GeosciError("give the catchment as --radius METRES or --minutes MINUTES (one of them)")
    if gtfs and not network:
        raise GeosciError("--gtfs is used by 'geosci access'; coverage measures walking, with --network for streets")
    params = _params(param, params_file)
    src = read_layer(sources)
    has_status = "line_statuses" in src.columns or "status" in src.columns
    scenarios = list(scenarios) or (["existing", "+under_construction", "+planned"] if has_status else [None])
    default_targets = ["incubator_clusters", "research_centres", "district_incubators", "innovation_points",
                       "universities"]  # fmt: skip
    target_frames = {t: read_layer(t) for t in (targets or default_targets)}
    zone_frame = read_layer(zones) if zones else None
    net = None
    if network:
        from geosci.realnet import WalkNetwork

        net = WalkNetwork.from_osm(network)
    parts = []
    with click.progressbar(scenarios, label="coverage", file=sys.stderr, show_pos=True) as bar:
        for sc in bar:
            parts.append(coverage(src, target_frames, zones=zone_frame, zone_field=zone_field, radius_m=radius,
                                  minutes=minutes, scenarios=[sc], params=params, population=population,
                                  population_field=population_field, network=net))  # fmt: skip
    res = CoverageResult(
        targets=pd.concat([p.targets for p in parts], ignore_index=True),
        areas=pd.concat([p.areas for p in parts], ignore_index=True),
        features=pd.concat([p.features for p in parts], ignore_index=True),
        gaps=pd.concat([p.gaps for p in parts], ignore_index=True),
        summary={**parts[0].summary, "scenarios": [s or "all" for s in scenarios],
                 "sources": {"stations": sources, "lines": lines if has_status else None,
                             "targets": ", ".join(target_frames), "zones": zones,
                             "population": population, "network": network}},
    )  # fmt: skip
    side = _side_by_side(res.targets)
    if fmt == "json":
        text = json.dumps({"summary": res.summary, "coverage": res.targets.to_dict("records"),
                           "areas": res.areas.to_dict("records"),
                           "features": res.features.drop(columns="geometry").to_dict("records")},
                          ensure_ascii=False, indent=1, default=str) + "\n"  # fmt: skip
    elif fmt == "geojson":
        text = res.features.to_json(ensure_ascii=False, drop_id=True) + "\n"
    elif fmt in ("csv", "md"):
        text = _table_text(side, fmt)
        if fmt == "md" and not res.areas.empty:
            text += "\n" + _table_text(res.areas.to_dict("records"), "md")
    else:
        text = _summary_text(res.summary) + "\n" + _table_text(side, "text")
        if not res.areas.empty:
            text += "\n" + _table_text(res.areas.to_dict("records"), "text")
    _write_or_echo(text, out, overwrite)
    if gaps:
        write_layer(res.gaps, gaps, overwrite=overwrite)
        click.echo(f"wrote {gaps} ({len(res.gaps)} gap geometries)", err=True)
    if map_out:
        from geosci.io import write_bytes
        from geosci.mapping import build_map
        from geosci.offline import map_to_html
        from geosci.recipes import coverage_recipe

        last = res.summary["scenarios"][-1]
        recipe, frames = coverage_recipe(res, src, last)
        write_bytes(map_to_html(build_map(recipe, frames=frames)).encode("utf-8"), map_out, overwrite=overwrite)
        click.echo(f"wrote {map_out} (scenario {last})", err=True)


@main.group()
def access() -> None:
    """Travel times, isochrones, accessibility scores and travel-time surfaces.

    Walk + rail times come from the sketch model of the curated lines
    (default), a GTFS feed (--gtfs) or OSM streets (--network, with --gtfs
    for transit). Every parameter is shown in the run summary.
    """


def _access_options(f):
    """Add the travel-model options and pass the command a ``make_model()`` that builds and announces it."""
    import functools

    @functools.wraps(f)
    def wrapper(*, scenario, stations, lines, param, params_file, network, gtfs, gtfs_date, **kwargs):
        def make_model():
            model = _transit_model(scenario=scenario, stations=stations, lines=lines, network=network, gtfs=gtfs,
                                   gtfs_date=gtfs_date, params=_params(param, params_file))  # fmt: skip
            return model, _announce(model)

        return f(make_model=make_model, **kwargs)

    opts = [
        click.option("--scenario", default="existing", show_default=True,
                     help="Sketch model lines: existing, +under_construction or +planned."),
        click.option("--stations", default="rail_stations", show_default=True, help="Stations for the sketch model."),
        click.option("--lines", default="rail_lines", show_default=True, help="Lines for the sketch model."),
    ]  # fmt: skip
    for opt in reversed(opts):
        wrapper = opt(wrapper)
    return _model_options(wrapper)


def _announce(model) -> dict:
    summary = model.describe()
    click.echo(_summary_text(summary), err=True, nl=False)
    return summary


@access.command("matrix")
@click.option("--from", "origins", required=True, help="Origin layer (catalog name or file).")
@click.option("--to", "destinations", required=True, help="Destination layer.")
@click.option("--select", multiple=True, metavar="FIELD=VALUE", help="Keep only matching origins.")
@format_option(("text", "json", "csv", "md"))
@click.option("--out", type=click.Path(dir_okay=False))
@_access_options
@overwrite_option
def access_matrix(origins, destinations, select, fmt, out, make_model, overwrite):
    """Travel-time matrix (minutes) between two layers, e.g. incubators to the three centres."""
    from geosci.access import travel_time_matrix
    from geosci.catalog import read_layer

    model, summary = make_model()
    table = travel_time_matrix(model, _select(read_layer(origins), select, origins), read_layer(destinations))
    if fmt == "json":
        text = json.dumps({"summary": summary, "matrix": table.to_dict("records")}, ensure_ascii=False, indent=1,
                          default=str) + "\n"  # fmt: skip
    elif fmt == "text":
        wide = table.pivot(index="origin", columns="destination", values="minutes").reset_index()
        text = _table_text(wide.to_dict("records"), "text")
    else:
        text = _table_text(table.to_dict("records"), fmt)
    _write_or_echo(text, out, overwrite)


@access.command("isochrone")
@click.option("--from", "origin", required=True, help="Origin layer (catalog name or file).")
@click.option("--select", multiple=True, metavar="FIELD=VALUE", help="Which origin features, e.g. id=lm-hall.")
@click.option("--minutes", type=click.FloatRange(min=0, min_open=True), required=True, help="Travel-time budget.")
@click.option(
    "--out", type=click.Path(dir_okay=False), required=True, help="Output polygon file (.geojson, .gpkg ...)."
)
@click.option("--map", "map_out", type=click.Path(dir_okay=False), help="Also write an offline HTML map.")
@_access_options
@overwrite_option
def access_isochrone(origin, select, minutes, out, map_out, make_model, overwrite):
    """Area reachable within MINUTES from a place, e.g. the 30-minute circle from 科学会堂."""
    from geosci.access import isochrone
    from geosci.catalog import read_layer
    from geosci.io import write_layer

    model, _ = make_model()
    origins = _select(read_layer(origin), select, origin)
    iso = isochrone(model, origins, minutes)
    write_layer(iso, out, overwrite=overwrite)
    for r in iso.itertuples():
        click.echo(f"{r.origin}: {minutes:g} min -> {r.area_km2} km2", err=True)
    if map_out:
        from geosci.io import write_bytes
        from geosci.mapping import build_map
        from geosci.offline import map_to_html
        from geosci.recipes import isochrone_recipe

        recipe, frames = isochrone_recipe(iso, origins, minutes)
        write_bytes(map_to_html(build_map(recipe, frames=frames)).encode("utf-8"), map_out, overwrite=overwrite)
        click.echo(f"wrote {map_out}", err=True)


@access.command("score")
@click.option("--from", "origins", required=True, help="Origins (people or places) scored.")
@click.option("--to", "destinations", required=True, help="Opportunities or supply sites.")
@click.option("--method", type=click.Choice(["cumulative", "gravity", "2sfca"]), required=True)
@click.option("--threshold", type=float, help="Catchment minutes (cumulative, 2sfca).")
@click.option("--beta", type=float, help="Decay per minute (gravity).")
@click.option("--supply-field", help="Destination field with capacity or weight (default 1 each).")
@click.option("--demand-field", help="Origin field with population (2sfca; default 1 each).")
@format_option(("text", "json", "csv", "md"))
@click.option("--out", type=click.Path(dir_okay=False))
@_access_options
@overwrite_option
def access_score(
    origins, destinations, method, threshold, beta, supply_field, demand_field, fmt, out, make_model, overwrite
):
    """Cumulative-opportunity, gravity or two-step floating catchment (2SFCA) score of each origin."""
    import numpy as np

    from geosci.access import _names, scores, xy_of
    from geosci.catalog import read_layer

    model, summary = make_model()
    o, d = read_layer(origins), read_layer(destinations)

    def field(frame, name, what):
        if name is None:
            return None
        if name not in frame.columns:
            raise GeosciError(f"{what} has no field {name!r}")
        return frame[name].astype(float).values

    t = model.times(xy_of(o, model.crs), xy_of(d, model.crs)) / 60.0
    s = scores(t, method=method, threshold=threshold, beta=beta, supply=field(d, supply_field, destinations),
               demand=field(o, demand_field, origins))  # fmt: skip
    rows = [{"origin": n, "score": round(float(v), 6), "nearest_min": round(float(m), 2)}
            for n, v, m in zip(_names(o), s, np.min(t, axis=1), strict=True)]  # fmt: skip
    summary["score"] = {"method": method, "threshold_min": threshold, "beta": beta}
    if fmt == "json":
        text = json.dumps({"summary": summary, "scores": rows}, ensure_ascii=False, indent=1, default=str) + "\n"
    else:
        text = _table_text(rows, fmt)
    _write_or_echo(text, out, overwrite)


@access.command("surface")
@click.option("--from", "origin", required=True, help="Origin layer; each cell gets the time from the nearest.")
@click.option("--select", multiple=True, metavar="FIELD=VALUE", help="Which origin features.")
@click.option("--cell", type=click.FloatRange(min=10), default=250, show_default=True, help="Cell size, metres.")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="GeoTIFF to write (minutes, float32).")
@click.option("--extent", default="districts", show_default=True, help="Layer whose bounds the grid covers.")
@click.option("--zones", help="Layer for zonal statistics of the surface (e.g. districts).")
@click.option("--zone-field", default="name_zh", show_default=True)
@format_option(("text", "json", "csv", "md"))
@_access_options
@overwrite_option
def access_surface(origin, select, cell, out, extent, zones, zone_field, fmt, make_model, overwrite):
    """Travel-time surface written as a GeoTIFF on a metric grid, with optional zonal statistics."""
    from geosci.access import surface, write_surface, zonal_stats
    from geosci.catalog import read_layer

    model, summary = make_model()
    bounds = tuple(read_layer(extent).to_crs(model.crs).total_bounds)
    grid, transform, crs = surface(model, _select(read_layer(origin), select, origin), cell_m=cell, bounds=bounds)
    write_surface(grid, transform, crs, out, overwrite=overwrite)
    click.echo(f"wrote {out} ({grid.shape[1]}x{grid.shape[0]} cells of {cell:g} m, {crs})", err=True)
    if zones:
        stats = zonal_stats(grid, transform, crs, read_layer(zones), zone_field=zone_field)
        if fmt == "json":
            click.echo(json.dumps({"summary": summary, "zones": stats.to_dict("records")}, ensure_ascii=False,
                                  indent=1, default=str))  # fmt: skip
        else:
            click.echo(_table_text(stats.to_dict("records"), fmt), nl=False)


@main.command("join")
@click.argument("layer")
@click.option(
    "--to",
    "zones",
    default="districts",
    show_default=True,
    help="Zones or reference layer: districts, centres, axis, ring_ecosystems ... or a file.",
)
@click.option("--zone-field", default="name_zh", show_default=True)
@click.option("--nearest", is_flag=True, help="Nearest zone (with its distance) instead of the containing one.")
@click.option("--max-distance", type=click.FloatRange(min=0), help="With --nearest: farthest match, metres.")
@click.option("--counts", is_flag=True, help="Print the count and list of features per zone instead.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "csv", "md", "geojson"]), default="text", show_default=True
)
@click.option("--out", type=click.Path(dir_okay=False), help="Write the result here instead of stdout.")
@overwrite_option
def join_cmd(layer, zones, zone_field, nearest, max_distance, counts, fmt, out, overwrite):
    """Which district, centre, axis segment or ecosystem each feature of LAYER lies in or is nearest to."""
    from geosci.catalog import read_layer
    from geosci.joins import join, zone_counts

    joined = join(read_layer(layer), read_layer(zones), zone_field=zone_field, nearest=nearest,
                  max_distance_m=max_distance)  # fmt: skip
    if fmt == "geojson":
        text = joined.to_json(ensure_ascii=False, drop_id=True) + "\n"
    else:
        if counts:
            rows = zone_counts(joined).to_dict("records")
        else:
            cols = [c for c in ("id", "name_zh", "zone", "distance_m") if c in joined.columns]
            rows = joined[cols].to_dict("records")
        text = (json.dumps(rows, ensure_ascii=False, indent=1, default=str) + "\n" if fmt == "json"
                else _table_text(rows, fmt))  # fmt: skip
    _write_or_echo(text, out, overwrite)


@main.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--as", "kind", required=True, help="What the features are (e.g. metro_station, incubator).")
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False), help="Output layer (.geojson, .gpkg, .shp, .csv)."
)
@click.option("--crs", help="The data's CRS: wgs84, gcj02 (AMap), bd09 (Baidu), cgcs2000 or EPSG:XXXX.")
@click.option("--encoding", help="Text encoding, if the detection (UTF-8, then GBK/GB18030) is wrong.")
@click.option("--lon", help="Longitude column of a CSV/Excel table (default: detected).")
@click.option("--lat", help="Latitude column of a CSV/Excel table (default: detected).")
@click.option("--swap-xy", is_flag=True, help="Exchange x and y (latitude stored first).")
@click.option("--geometry-type", help="Keep only this geometry type from a mixed file.")
@click.option("--layer", "gpkg_layer", help="Layer of a GeoPackage.")
@click.option("--id-field", help="Column holding unique ids (default: id if present, else new ids).")
@click.option("--name-field", help="Column holding names (default: name/名称 if present).")
@click.option("--renumber", is_flag=True, help="Replace the ids by new sequential ones.")
@click.option(
    "--status",
    type=click.Choice(["existing", "under_construction", "planned"]),
    default="existing",
    show_default=True,
    help="Status where the data has no status column.",
)
@click.option("--source", help="Where the data comes from (default: the file name).")
@click.option("--accuracy", type=click.FloatRange(min=0), help="How far off positions may be, metres.")
@click.option("--licence", default="given by the user", show_default=True, help="Licence or attribution.")
@click.option("--title", help="Title for the metadata (default: the file name).")
@click.option("--no-datum-check", is_flag=True, help="Skip the GCJ-02-declared-as-WGS84 check.")
@format_option(("text", "json"))
@overwrite_option
def import_cmd(path, kind, out, crs, encoding, lon, lat, swap_xy, geometry_type, gpkg_layer, id_field, name_field,
               renumber, status, source, accuracy, licence, title, no_datum_check, fmt, overwrite):  # fmt: skip
    """Import a planner's file (AMap/Baidu exports, GBK shapefiles, Chinese CSVs ...) as a WGS84 layer.

    Reads GeoJSON, GeoPackage, Shapefile, KML, CSV and Excel; converts GCJ-02
    and BD-09 to WGS84; checks for swapped or mis-declared coordinates; repairs
    and reports invalid geometries; keeps every attribute. Writes the layer and
    a metadata file beside it (OUT.meta.json). The input is never modified.
    """
    from pathlib import Path

    from geosci.catalog import file_sha256
    from geosci.ingest import read_any, to_layer_form
    from geosci.io import write_bytes, write_layer

    frame, report = read_any(path, crs=crs, encoding=encoding, lon=lon, lat=lat, swap_xy=swap_xy,
                             geometry_type=geometry_type, datum_check=not no_datum_check, layer=gpkg_layer)  # fmt: skip
    src_text = source or f"imported from {Path(path).name}"
    basis = f"imported from {Path(path).name} ({report.crs_in}; {report.datum_conversion})"
    layer = to_layer_form(frame, kind=kind, source=src_text, id_field=id_field, name_field=name_field,
                          status=status, accuracy_m=accuracy, renumber=renumber, basis=basis)  # fmt: skip
    meta_path = Path(f"{out}.meta.json")
    if meta_path.exists() and not overwrite:
        raise OutputExistsError(f"{meta_path} exists: pass --overwrite to replace it")
    write_layer(layer, out, overwrite=overwrite)
    _shapefile_note(layer, out)
    meta = {
        "title": title or Path(path).stem, "kind": kind, "file": Path(out).name,
        "geometry_type": str(layer.geom_type.iloc[0]), "feature_count": len(layer), "source": src_text,
        "licence": licence, "accuracy_m": accuracy,
        "accuracy_note": f"as given by the user ({accuracy} m)" if accuracy is not None else "not stated by the user",
        "crs": "EPSG:4326", "input": {"path": str(path), "sha256": file_sha256(path)}, "import": report.as_dict(),
        "sha256": file_sha256(out) if Path(out).is_file() else None,
    }  # fmt: skip
    write_bytes((json.dumps(meta, ensure_ascii=False, indent=1, default=str) + "\n").encode("utf-8"), meta_path,
                overwrite=overwrite)  # fmt: skip
    if fmt == "json":
        click.echo(json.dumps(meta, ensure_ascii=False, indent=1, default=str))
        return
    click.echo(f"read {report.features_in} features from {path} ({report.format}"
               f"{', ' + report.encoding if report.encoding else ''}); CRS {report.crs_in}", err=True)  # fmt: skip
    if report.coordinate_columns:
        click.echo(
            f"coordinates from columns {report.coordinate_columns[0]} / {report.coordinate_columns[1]}", err=True
        )
    if report.datum_conversion != "none":
        click.echo(f"converted {report.datum_conversion}", err=True)
    for what, n in report.repairs.items():
        click.echo(f"repaired: {n} {what}", err=True)
    for w in report.warnings:
        click.echo(f"warning: {w}", err=True)
    click.echo(f"wrote {len(layer)} features to {out} and {meta_path.name}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
