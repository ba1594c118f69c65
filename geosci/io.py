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

from geosci.errors import DataError, OutputExistsError, ParameterError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "VECTOR_FORMATS",
    "OutputSet",
    "atomic_path",
    "check_output",
    "format_for",
    "shapefile_field_names",
    "shapefile_field_notes",
    "uniform_geometries",
    "write_bytes",
    "write_layer",
]


def shapefile_field_names(columns) -> dict[str, str]:
    """Map each field name to a unique Shapefile name of at most 10 characters.

    Names that fit are kept; longer ones are cut, and a cut name that would
    repeat another gets a numbered ending (``published_``, ``publishe_1``),
    so no two fields collide and the mapping can be documented.

    Examples
    --------
    >>> shapefile_field_names(["id", "published_area_km2", "published_area_source"])
    {'id': 'id', 'published_area_km2': 'published_', 'published_area_source': 'publishe_1'}
    """
    out: dict[str, str] = {}
    taken = {str(c).lower() for c in columns if len(str(c)) <= 10}
    for c in columns:
        name = str(c)
        if len(name) <= 10:
            out[name] = name
            continue
        short, n = name[:10], 0
        while short.lower() in taken:
            n += 1
            short = f"{name[: 10 - len(str(n)) - 1]}_{n}"
        taken.add(short.lower())
        out[name] = short
    return out


def shapefile_field_notes(columns) -> list[str]:
    """Describe the field names a Shapefile will cut to 10 characters (as :func:`write_layer` writes them).

    Examples
    --------
    >>> shapefile_field_notes(["id", "geometry_basis"])
    ['geometry_basis -> geometry_b']
    """
    names = shapefile_field_names([c for c in columns if c != "geometry"])
    return [f"{c} -> {s}" for c, s in names.items() if c != s]


def uniform_geometries(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the layer with one geometry type: single and multi parts of one kind made multi.

    Raises
    ------
    DataError
        For a layer mixing points, lines and polygons, or holding
        GeometryCollections, which no single-type format can store.
    """
    import shapely

    types = set(frame.geom_type.dropna().astype(str))
    if len(types) <= 1 and "GeometryCollection" not in types:
        return frame
    kinds = {t.replace("Multi", "") for t in types}
    if len(kinds) > 1 or "GeometryCollection" in types:
        raise DataError(f"the layer mixes geometry types ({', '.join(sorted(types))}): write it as .geojson, or "
                        "keep one type first (geosci import --geometry-type)")  # fmt: skip
    multi = {"Point": shapely.MultiPoint, "LineString": shapely.MultiLineString, "Polygon": shapely.MultiPolygon}
    kind = kinds.pop()
    out = frame.copy()
    geoms = out.geometry.values
    out[out.geometry.name] = [multi[kind]([g]) if g is not None and g.geom_type == kind else g for g in geoms]
    return out


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


def _siblings(path: Path) -> list[Path]:
    """Return the files a path stands for: a Shapefile's sidecars too."""
    if path.suffix.lower() == ".shp":
        return [path.with_suffix(ext) for ext in _SHP_SIDECARS]
    return [path]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_output(
    path: str | Path, *, overwrite: bool = False, inputs: tuple | list = (), parameter: str = "out"
) -> Path:
    """Check before any work that ``path`` can be written, and return it as a Path.

    Refuses a folder, a missing or unwritable parent folder, an existing
    file without ``overwrite`` (a Shapefile's sidecars included), and any
    output that is one of the ``inputs`` (symlinks resolved, Shapefile
    sidecars compared), with or without ``overwrite``.

    Raises
    ------
    ParameterError
        Naming ``parameter`` and the fix.
    OutputExistsError
        When the file exists and ``overwrite`` is false.
    """
    path = Path(path)
    if len(path.name.encode("utf-8")) > 255:
        raise ParameterError(parameter, f"{{name}}: the file name {path.name[:40]}… is too long (over 255 bytes)")
    if path.is_dir():
        raise ParameterError(parameter, f"{{name}} {str(path)!r} is a folder: give a file name")
    parent = path.parent
    if not parent.exists():
        raise ParameterError(parameter, f"{{name}}: the folder of {str(path)!r} does not exist: create it first")
    if not parent.is_dir():
        raise ParameterError(parameter, f"{{name}}: {str(parent)!r} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ParameterError(parameter, f"{{name}}: cannot write in {str(parent)!r} (read-only): choose another folder")
    for out in _siblings(path):
        for item in inputs:
            if item is None or not isinstance(item, (str, os.PathLike)):
                continue
            for src in _siblings(Path(item)):
                if _same_file(out, src):
                    raise ParameterError(parameter, f"{{name}} {str(path)!r} is the input file {str(item)!r}: "
                                                    "write to another file; inputs are never modified")  # fmt: skip
    if not overwrite:
        for out in _siblings(path):
            if out.exists():
                raise OutputExistsError(f"{out} exists: pass --overwrite to replace it")
    return path


def _check_target(path: Path, *, overwrite: bool) -> None:
    try:
        check_output(path, overwrite=overwrite)
    except ParameterError as exc:
        raise DataError(exc.for_option(str(path)).split(": ", 1)[-1]) from None


class OutputSet:
    """All the files of one command, made visible together or not at all.

    Writers (:func:`write_bytes`, :func:`write_layer`, :func:`atomic_path`)
    given ``outputs=`` write to temporary files beside each destination and
    register them; leaving the ``with`` block without an error renames them
    all into place, one after another, only once every file is complete. An
    error, Ctrl-C or SIGTERM (turned into ``SystemExit`` by the command
    line) removes the temporary files and leaves the destinations as they were.
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []
        self.written: list[Path] = []

    def add(self, tmp: Path, final: Path) -> None:
        """Register a complete temporary file to be renamed to ``final``."""
        self._pending.append((tmp, final))

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            for tmp, final in self._pending:
                os.replace(tmp, final)
                self.written.append(final)
        else:
            for tmp, _ in self._pending:
                with contextlib.suppress(OSError):
                    tmp.unlink()
        self._pending.clear()


def _os_error(exc: OSError, path: Path) -> DataError:
    import errno

    why = {errno.ENOSPC: "the disk is full", errno.EROFS: "the disk is read-only", errno.EACCES: "permission denied",
           errno.EDQUOT: "the disk quota is exceeded"}.get(exc.errno or 0, exc.strerror or str(exc))  # fmt: skip
    return DataError(f"cannot write {path}: {why}")


@contextlib.contextmanager
def atomic_path(
    path: str | Path, *, overwrite: bool = False, suffix: str | None = None, outputs: OutputSet | None = None
) -> Iterator[Path]:
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
    outputs : OutputSet, optional
        Register the finished file there instead of renaming it now.
    """
    path = Path(path)
    _check_target(path, overwrite=overwrite)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".geosci-", suffix=suffix or path.suffix, dir=path.parent)
    except OSError as exc:
        raise _os_error(exc, path) from None
    os.close(fd)
    os.unlink(tmp)  # writers such as GDAL want to create the file themselves
    tmp_path = Path(tmp)
    done = False
    try:
        try:
            yield tmp_path
        except OSError as exc:
            raise _os_error(exc, path) from None
        if outputs is not None:
            outputs.add(tmp_path, path)
        else:
            os.replace(tmp_path, path)
        done = True
    finally:
        if not done and tmp_path.exists():
            tmp_path.unlink()


def write_bytes(data: bytes, path: str | Path, *, overwrite: bool = False, outputs: OutputSet | None = None) -> Path:
    """Write ``data`` to ``path`` atomically (with ``outputs``: together with the set's other files)."""
    with atomic_path(path, overwrite=overwrite, outputs=outputs) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def _frame_to_csv(frame: gpd.GeoDataFrame) -> bytes:
    import shapely

    out = frame.drop(columns=frame.geometry.name).copy()
    geoms = frame.geometry.values
    if len(frame) and (frame.geom_type == "Point").all():
        geographic = frame.crs is None or frame.crs.is_geographic
        x, y = ("lon", "lat") if geographic else ("x", "y")  # metres are not longitudes
        out[x], out[y] = shapely.get_x(geoms), shapely.get_y(geoms)
    else:
        out["wkt"] = shapely.to_wkt(geoms, rounding_precision=7)
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")  # BOM: Chinese Excel reads UTF-8


def write_layer(
    frame: gpd.GeoDataFrame,
    path: str | Path,
    *,
    fmt: str | None = None,
    overwrite: bool = False,
    outputs: OutputSet | None = None,
) -> Path:
    """Write a layer atomically as GeoJSON, GeoPackage, Shapefile or CSV.

    Text is written as UTF-8; a Shapefile gets a ``.cpg`` saying so, field
    names cut to unique 10-character names (:func:`shapefile_field_names`)
    and booleans as 0/1 integers. A CSV holds ``lon``/``lat`` columns for
    points (``x``/``y`` in a projected CRS) and a ``wkt`` column otherwise.
    GeoPackages are version 1.2, which every QGIS 3 reads without a warning.
    Mixed single and multi parts are written as multi parts.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        The layer.
    path : path
        Destination; its suffix picks the format unless ``fmt`` is given.
    fmt : {"geojson", "gpkg", "shp", "csv"}, optional
    overwrite : bool
        Replace an existing file.
    outputs : OutputSet, optional
        Make the file visible together with the set's other files.

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    fmt = format_for(path, fmt)
    if fmt == "csv":
        return write_bytes(_frame_to_csv(frame), path, overwrite=overwrite, outputs=outputs)
    driver = VECTOR_FORMATS[fmt][1]
    if fmt in ("gpkg", "shp"):
        frame = uniform_geometries(frame)
    if fmt != "shp":
        options = {"dataset_options": {"VERSION": "1.2"}} if fmt == "gpkg" else {}
        # the layer is named for the destination, never for the temporary file
        with atomic_path(path, overwrite=overwrite, suffix=VECTOR_FORMATS[fmt][0][0], outputs=outputs) as tmp:
            frame.to_file(tmp, driver=driver, engine="pyogrio", layer=path.stem, **options)
            from geosci.datum_crs import label_written  # GCJ-02 / BD-09 data say so in the file

            label_written(tmp, frame, fmt)
        return path
    names = shapefile_field_names([c for c in frame.columns if c != frame.geometry.name])
    frame = frame.rename(columns=names)
    for col in frame.columns:
        if col != frame.geometry.name and frame[col].dtype == bool:
            frame[col] = frame[col].astype("int32")
    # a Shapefile is several files: write them in a temporary folder, then move each
    _check_target(path, overwrite=overwrite)
    tmpdir = Path(tempfile.mkdtemp(prefix=".geosci-", dir=path.parent))
    try:
        import warnings

        with warnings.catch_warnings():  # field names over 10 characters: see shapefile_field_notes
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            frame.to_file(tmpdir / f"{path.stem}.shp", driver=driver, engine="pyogrio", encoding="UTF-8")
        for part in sorted(tmpdir.iterdir()):
            final = path.with_suffix(part.suffix)
            if outputs is not None:
                moved = path.parent / f".geosci-{tmpdir.name[-8:]}{part.suffix}"
                os.replace(part, moved)
                outputs.add(moved, final)
            else:
                os.replace(part, final)
    except OSError as exc:
        raise _os_error(exc, path) from None
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return path
