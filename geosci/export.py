"""Exporting the curated layers and tables: to files, in any CRS, and as tables to show.

:func:`describe` gives a layer's features (or a table's rows) with its
catalog entry; :func:`export` writes a layer in any CRS geosci knows (GCJ-02
and BD-09 files say so) or a table as a workbook, CSV, Markdown or JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from geosci.catalog import catalog, get_entry, get_table_entry, read_layer, read_table
from geosci.errors import ParameterError

__all__ = ["describe", "export"]


_ENTRY_KEYS = ("title_zh", "title_en", "scale", "geometry_type", "feature_count", "sources", "geometry_method",
               "accuracy_note", "licence", "sha256")  # fmt: skip


def describe(name: str) -> tuple[list, dict[str, Any]]:
    """Return a layer's features (or a table's rows) as tables, and its catalog entry.

    Examples
    --------
    >>> tables, entry = describe("districts")
    >>> len(tables[0].frame), entry["layer"]
    (5, 'districts')
    """
    from geosci.tables import Table

    if name in catalog()["tables"]:
        entry = get_table_entry(name)
        frame = read_table(name)
        return [Table("rows", frame, entry["title_zh"], entry["title_en"])], {"table": name, **entry}
    entry = get_entry(name)
    frame = read_layer(name).drop(columns="geometry")
    cols = [c for c in ("id", "name_zh", "name_en", "kind", "status", "source", "accuracy_m") if c in frame.columns]
    summary = {"layer": name} | {k: entry[k] for k in _ENTRY_KEYS if k in entry}
    return [Table("features", frame[cols], entry["title_zh"], entry["title_en"])], summary


def export(name: str, path: str | Path, *, crs: str = "wgs84", fmt: str | None = None,
           overwrite: bool = False) -> dict[str, Any]:  # fmt: skip
    """Export a curated layer (in any CRS) or table to a file.

    Parameters
    ----------
    name : str
        A layer or table of the catalog.
    path : path
        Destination: its suffix picks the format.
    crs : str
        Output CRS for a layer (any value of :func:`geosci.crs.parse_crs`).
    fmt : {"geojson", "gpkg", "shp", "csv"}, optional
        Layer format; it must agree with the suffix.
    overwrite : bool

    Returns
    -------
    dict
        ``paths`` written, ``count`` of features or rows, ``what`` was
        written and ``notes`` for the user (Shapefile field names cut).
    """
    from geosci.io import check_output, format_for, shapefile_field_notes, write_layer

    if name in catalog()["tables"]:
        from geosci.tables import write_tables

        tables, entry = describe(name)
        check_output(path, overwrite=overwrite)
        paths = write_tables(tables, path, summary=entry, overwrite=overwrite)
        return {"paths": paths, "count": len(tables[0].frame), "what": "rows", "notes": []}
    from geosci.crs import frame_to_crs

    frame = read_layer(name)
    by_suffix = format_for(path)
    if fmt is not None and fmt != by_suffix:
        raise ParameterError("fmt", f"{{name}} {fmt} does not match the suffix of {Path(path).name} ({by_suffix}): "
                                    "drop {name} or change the suffix")  # fmt: skip
    check_output(path, overwrite=overwrite)
    frame = frame_to_crs(frame, crs)
    written = write_layer(frame, path, overwrite=overwrite)
    notes = []
    if by_suffix == "shp":
        cut = shapefile_field_notes(frame.columns)
        if cut:
            notes.append(f"Shapefile field names are cut to 10 characters: {'; '.join(cut)}")
    return {"paths": [written], "count": len(frame), "what": "features", "notes": notes}
