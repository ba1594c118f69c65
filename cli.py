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


if __name__ == "__main__":  # pragma: no cover
    main()
