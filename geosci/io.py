"""Writing outputs safely: atomic, never over an existing file unasked.

Every output is written to a temporary file beside its destination and
renamed into place, so a reader never sees half a file and a failure leaves
nothing behind. Inputs are only ever read.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from geosci.errors import DataError, OutputExistsError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["VECTOR_FORMATS", "atomic_path", "format_for", "shapefile_field_notes", "write_bytes", "write_layer"]


def shapefile_field_notes(columns) -> list[str]:
    """Describe the field names a Shapefile will cut to 10 characters.

    Examples
    --------
    >>> shapefile_field_notes(["id", "geometry_basis"])
    ['geometry_basis -> geometry_b']
    """
    return [f"{c} -> {str(c)[:10]}" for c in columns if len(str(c)) > 10 and c != "geometry"]


# format name -> (file suffixes, GDAL driver or None for geosci's own writer)
VECTOR_FORMATS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "geojson": ((".geojson", ".json"), "GeoJSON"),
    "gpkg": ((".gpkg",), "GPKG"),
    "shp": ((".shp",), "ESRI Shapefile"),
    "csv": ((".csv",), None),
}
_SHP_SIDECARS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def format_for(path: str | Path, fmt: str | None = None) -> str:
    """Return the vector format for ``path``: ``fmt`` if given, else from its suffix.

    Examples
    --------
    >>> format_for("out/stations.gpkg")
    'gpkg'
    """
    if fmt is not None:
        if fmt not in VECTOR_FORMATS:
            raise DataError(f"format should be one of {', '.join(VECTOR_FORMATS)}, got {fmt!r}")
        return fmt
    suffix = Path(path).suffix.lower()
    for name, (suffixes, _) in VECTOR_FORMATS.items():
        if suffix in suffixes:
            return name
    raise DataError(
        f"cannot tell the format of {str(path)!r} from its suffix: use one of "
        ".geojson, .gpkg, .shp, .csv or pass --format"
    )


def _check_target(path: Path, *, overwrite: bool) -> None:
    if path.exists() and not overwrite:
        raise OutputExistsError(f"{path} exists: pass --overwrite to replace it")
    if not path.parent.exists():
        raise DataError(f"the folder of {path} does not exist: create it first")


@contextlib.contextmanager
def atomic_path(path: str | Path, *, overwrite: bool = False, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path; on success rename it to ``path``.

    Parameters
    ----------
    path : path
        The final destination.
    overwrite : bool
        Replace an existing file; otherwise :class:`OutputExistsError`.
    suffix : str, optional
        Suffix of the temporary file (defaults to that of ``path``, which
        some writers use to pick a format).
    """
    path = Path(path)
    _check_target(path, overwrite=overwrite)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=suffix or path.suffix, dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # writers such as GDAL want to create the file themselves
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_bytes(data: bytes, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path, overwrite=overwrite) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def _frame_to_csv(frame: gpd.GeoDataFrame) -> bytes:
    import shapely

    out = frame.drop(columns=frame.geometry.name).copy()
    geoms = frame.geometry.values
    if len(frame) and (frame.geom_type == "Point").all():
        out["lon"], out["lat"] = shapely.get_x(geoms), shapely.get_y(geoms)
    else:
        out["wkt"] = shapely.to_wkt(geoms, rounding_precision=7)
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_layer(frame: gpd.GeoDataFrame, path: str | Path, *, fmt: str | None = None, overwrite: bool = False) -> Path:
    """Write a layer atomically as GeoJSON, GeoPackage, Shapefile or CSV.

    Text is written as UTF-8; a Shapefile gets a ``.cpg`` saying so. A CSV
    holds ``lon``/``lat`` columns for points and a ``wkt`` column otherwise.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        The layer.
    path : path
        Destination; its suffix picks the format unless ``fmt`` is given.
    fmt : {"geojson", "gpkg", "shp", "csv"}, optional
    overwrite : bool
        Replace an existing file.

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    fmt = format_for(path, fmt)
    if fmt == "csv":
        return write_bytes(_frame_to_csv(frame), path, overwrite=overwrite)
    driver = VECTOR_FORMATS[fmt][1]
    if fmt != "shp":
        with atomic_path(path, overwrite=overwrite, suffix=VECTOR_FORMATS[fmt][0][0]) as tmp:
            frame.to_file(tmp, driver=driver, engine="pyogrio", layer=path.stem if fmt == "gpkg" else None)
        return path
    # a Shapefile is several files: write them in a temporary folder, then move each
    _check_target(path, overwrite=overwrite)
    tmpdir = Path(tempfile.mkdtemp(prefix=f".{path.stem}.", dir=path.parent))
    try:
        import warnings

        with warnings.catch_warnings():  # field names over 10 characters: see shapefile_field_notes
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            frame.to_file(tmpdir / f"{path.stem}.shp", driver=driver, engine="pyogrio", encoding="UTF-8")
        for part in sorted(tmpdir.iterdir()):
            os.replace(part, path.with_suffix(part.suffix))
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return path
