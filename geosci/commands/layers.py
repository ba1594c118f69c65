"""``geosci layers``: list, show, validate and export the curated layers and tables."""

from __future__ import annotations

import sys

import click

from geosci.commands.main import main
from geosci.commands.options import crs_option, emit, format_option, out_option, overwrite_option

SCALES = ("region", "science_city", "core")


@main.group()
def layers() -> None:
    """List, inspect, validate and export the curated layers."""


@layers.command("list")
@click.option("--scale", type=click.Choice(SCALES), help="Only layers of this scale.")
@format_option()
@out_option()
@overwrite_option
def layers_list(scale: str | None, fmt: str, out: str | None, overwrite: bool) -> None:
    """List the curated layers with their feature counts and accuracy."""
    from geosci.catalog import layer_table
    from geosci.tables import Table

    frame = layer_table(scale=scale)
    if fmt == "text" and not out:
        frame = frame[["name", "scale", "geometry", "features", "accuracy_m", "title_zh"]]
    emit([Table("layers", frame, "图层目录", "Layer catalog")], fmt=fmt, out=out, overwrite=overwrite)


@layers.command("show")
@click.argument("name")
@format_option()
@out_option()
@overwrite_option
def layers_show(name: str, fmt: str, out: str | None, overwrite: bool) -> None:
    """Show a layer's catalog entry and its features (or a table's rows)."""
    from geosci.export import describe

    tables, entry = describe(name)
    if fmt == "json" and not out:  # one object: the catalog entry and its rows
        import json

        payload = entry | {t.name: t.records() for t in tables}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1, default=str))
        return
    emit(tables, fmt=fmt, out=out, overwrite=overwrite, summary=entry)


@layers.command("validate")
@click.argument("path", required=False)
@click.option("--scale", type=click.Choice(SCALES), help="For a file: the area its features must lie in.")
@format_option(("text", "json"))
def layers_validate(path: str | None, scale: str | None, fmt: str) -> None:
    """Check every curated layer (or the file PATH) against the layer rules.

    Exit code 0 when all is valid, 3 when problems were found.
    """
    import json

    from geosci.validate import validate_all, validate_path

    checked, problems = validate_all() if path is None else (path, validate_path(path, scale=scale))
    if fmt == "json":
        click.echo(json.dumps({"checked": checked, "valid": not problems, "problems": [str(p) for p in problems]},
                              ensure_ascii=False, indent=1))  # fmt: skip
    else:
        for p in problems:
            click.echo(str(p))
        click.echo(f"{checked}: {'valid' if not problems else f'{len(problems)} problem(s)'}")
    if problems:
        sys.exit(3)


@layers.command("export")
@click.argument("name")
@out_option(
    required=True, help="Output file: .geojson, .gpkg, .shp, .csv for layers; .csv, .xlsx, .md, .json for tables."
)
@click.option("--format", "fmt", type=click.Choice(["geojson", "gpkg", "shp", "csv"]),
              help="Layer format, if not told by the suffix (it must agree with the suffix).")  # fmt: skip
@crs_option(default="wgs84", help="Output coordinates: wgs84, gcj02 (AMap), bd09 (Baidu), cgcs2000, or EPSG:XXXX.")
@overwrite_option
def layers_export(name: str, out: str, fmt: str | None, crs: str, overwrite: bool) -> None:
    """Export the layer (or table) NAME to a file, in WGS84 or another coordinate system."""
    from geosci.export import export

    result = export(name, out, crs=crs, fmt=fmt, overwrite=overwrite)
    for note in result["notes"]:
        click.echo(f"note: {note}", err=True)
    click.echo(f"wrote {result['count']} {result['what']} of {name} to {', '.join(map(str, result['paths']))}"
               f"{' (' + crs + ')' if result['what'] == 'features' else ''}", err=True)  # fmt: skip
