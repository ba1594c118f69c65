"""``geosci import``: a planner's file (AMap/Baidu exports, GBK shapefiles, Chinese CSVs ...) as a WGS84 layer."""

from __future__ import annotations

import click

from geosci.commands.main import main
from geosci.commands.options import crs_option, format_option, out_option, overwrite_option
from geosci.params import STATUSES


@main.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--as", "kind", required=True, help="What the features are (e.g. metro_station, incubator).")
@out_option(required=True, help="Output layer (.geojson, .gpkg, .shp, .csv).")
@crs_option(help="The data's CRS: wgs84, gcj02 (AMap), bd09 (Baidu), cgcs2000 or EPSG:XXXX.")
@click.option("--encoding", help="Text encoding, if the detection (UTF-8, then GBK/GB18030) is wrong.")
@click.option("--lon", help="Longitude column of a CSV/Excel table (default: detected).")
@click.option("--lat", help="Latitude column of a CSV/Excel table (default: detected).")
@click.option("--columns", help="Names for the columns of a headerless text file, comma-separated (e.g. name,lon,lat).")
@click.option("--swap-xy", is_flag=True, help="Exchange x and y (latitude stored first).")
@click.option("--geometry-type", help="Keep only this geometry type from a mixed file.")
@click.option("--layer", "gpkg_layer", help="Layer of a GeoPackage.")
@click.option("--id-field", help="Column holding unique ids (default: id if present, else new ids).")
@click.option("--name-field", help="Column holding names (default: name/名称 if present).")
@click.option("--renumber", is_flag=True, help="Replace the ids by new sequential ones (the old ones are kept).")
@click.option("--status", type=click.Choice(STATUSES), default="existing", show_default=True,
              help="Status where the data has no status column.")  # fmt: skip
@click.option("--source", help="Where the data comes from (default: the file name).")
@click.option("--accuracy", type=click.FloatRange(min=0), help="How far off positions may be, metres.")
@click.option("--licence", default="given by the user", show_default=True, help="Licence or attribution.")
@click.option("--title", help="Title for the metadata (default: the file name).")
@click.option("--no-datum-check", is_flag=True, help="Skip the check of the declared datum against real references.")
@click.option("--drop-outliers", is_flag=True, help="Drop the points the report lists as outliers (far from the rest).")
@format_option(("text", "json"))
@overwrite_option
def import_cmd(path, kind, out, crs, encoding, lon, lat, columns, swap_xy, geometry_type, gpkg_layer, id_field,
               name_field, renumber, status, source, accuracy, licence, title, no_datum_check, drop_outliers, fmt,
               overwrite):  # fmt: skip
    """Import a planner's file (AMap/Baidu exports, GBK shapefiles, Chinese CSVs ...) as a WGS84 layer.

    Reads GeoJSON, GeoPackage, Shapefile, KML, CSV and Excel (.xlsx); converts
    GCJ-02 and BD-09 to WGS84; checks for swapped or mis-declared
    coordinates; repairs and reports invalid geometries; keeps every
    attribute. Writes the layer and a metadata file beside it
    (OUT.meta.json), both or neither. The input is never modified.
    """
    import json

    from geosci.importer import import_layer

    layer, meta, report = import_layer(
        path, out, kind=kind, source=source, licence=licence, title=title, accuracy_m=accuracy, status=status,
        id_field=id_field, name_field=name_field, renumber=renumber, overwrite=overwrite, crs=crs, encoding=encoding,
        lon=lon, lat=lat, columns=columns, swap_xy=swap_xy, geometry_type=geometry_type,
        datum_check=not no_datum_check, layer=gpkg_layer, drop_outliers=drop_outliers,
    )  # fmt: skip
    if fmt == "json":
        click.echo(json.dumps(meta, ensure_ascii=False, indent=1, default=str))
        return
    click.echo(f"read {report.features_in} features from {path} ({report.format}"
               f"{', ' + report.encoding if report.encoding else ''}); CRS {report.crs_in}", err=True)  # fmt: skip
    if report.coordinate_columns:
        click.echo(
            f"coordinates from columns {report.coordinate_columns[0]} / {report.coordinate_columns[1]}", err=True
        )
    if report.datum_evidence:
        click.echo(f"datum: {report.datum} ({report.datum_strength}): {report.datum_evidence}", err=True)
    if report.datum_conversion != "none":
        click.echo(f"converted {report.datum_conversion}", err=True)
    for col, what in report.converted_fields.items():
        click.echo(f"field {col}: {what}", err=True)
    if report.outliers:
        fate = "dropped" if drop_outliers else "kept (--drop-outliers drops them)"
        click.echo(f"outliers: {len(report.outliers)} point(s) far from the rest, {fate}:", err=True)
        for row in report.outliers[:10]:
            click.echo(
                f"  row {row.get('row')} {row.get('name') or row.get('id') or ''}: {row.get('reason')}", err=True
            )
        if len(report.outliers) > 10:
            click.echo(f"  … and {len(report.outliers) - 10} more (all in the .meta.json)", err=True)
    for what, n in report.repairs.items():
        click.echo(f"repaired: {n} {what}", err=True)
    for w in report.warnings:
        click.echo(f"warning: {w}", err=True)
    click.echo(f"wrote {len(layer)} features to {out} and {out}.meta.json", err=True)
