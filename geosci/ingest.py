"""Reading planners' own data: any common format, any Chinese datum, nothing lost.

:func:`read_any` reads GeoJSON, GeoPackage, Shapefile, KML, CSV and Excel,
and returns the layer in WGS84 together with an :class:`ImportReport`.

**Encodings.** A Shapefile's text encoding comes from its ``.cpg``; without
one, the ``.dbf`` bytes are tried as UTF-8 and then as GB18030, a superset of
GBK. CSV files are tried as UTF-8 (with or without BOM) and then GB18030.
CSV and Excel take coordinates from ``--lon``/``--lat`` or from recognised
English and Chinese headers (``lon``/``经度``, ``lat``/``纬度`` ...).

**Datums.** Declared GCJ-02 (AMap, Tencent) and BD-09 (Baidu) data are
converted to WGS84.

**Detection.** Each of these stops the import with a one-line message that
names the fix:
- swapped longitude/latitude;
- coordinates outside the declared CRS's range;
- projected metres declared as degrees;
- a missing CRS;
- data declared WGS84 that matches the GCJ-02 positions of the curated
  layers far better;
- mixed geometry types, empty layers, duplicate ids.

**Repairs.** These are made and counted in the report, never silently:
invalid polygons made valid, repeated vertices removed, Z dropped, and
single and multi geometries of one family made uniform.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from geosci.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "FORMATS",
    "ImportReport",
    "detect_coordinate_columns",
    "detect_text_encoding",
    "parse_coordinate",
    "parse_coordinates",
    "read_any",
    "resolve_crs",
]

FORMATS = {
    ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".shp": "shp", ".kml": "kml",
    ".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "excel", ".xls": "excel",
}  # fmt: skip
LON_NAMES = ("lon", "lng", "long", "longitude", "x", "经度", "东经", "经度坐标", "gcj_lng", "bd_lng", "wgs_lng")
LAT_NAMES = ("lat", "latitude", "y", "纬度", "北纬", "纬度坐标", "gcj_lat", "bd_lat", "wgs_lat")
DATUM_CRS = {"wgs84": "EPSG:4326", "cgcs2000": "EPSG:4490", "gcj02": "EPSG:4326", "bd09": "EPSG:4326"}
CHINA = (73.0, 18.0, 136.0, 54.0)


@dataclass
class ImportReport:
    """What an import did: the input, the conversions, the repairs and the warnings."""

    path: str
    format: str
    features_in: int = 0
    features_out: int = 0
    crs_in: str = ""
    datum_conversion: str = "none"
    encoding: str | None = None
    coordinate_columns: tuple[str, str] | None = None
    repairs: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def count(self, what: str, n: int) -> None:
        """Record ``n`` repairs of a kind (zero counts are not recorded)."""
        if n:
            self.repairs[what] = self.repairs.get(what, 0) + int(n)

    def as_dict(self) -> dict[str, Any]:
        """Return the report as plain data."""
        return asdict(self)


# ----------------------------------------------------------------------------- small readers
_DMS = re.compile(
    r"^\s*(-?\d+(?:\.\d+)?)\s*[°度]\s*(?:(\d+(?:\.\d+)?)\s*['′分])?\s*(?:(\d+(?:\.\d+)?)\s*[\"″秒])?\s*([NSEW东西南北])?\s*$"
)  # noqa: E501


def parse_coordinate(value: Any) -> float:
    r"""Parse one coordinate: a number, a numeric string (``"106,3"`` too) or degrees-minutes-seconds.

    Returns NaN for anything that is not a finite coordinate.

    Examples
    --------
    >>> parse_coordinate('106°18\'30"E'), parse_coordinate("29,6"), parse_coordinate("abc")
    (106.30833333333334, 29.6, nan)
    """
    if value is None:
        return math.nan
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        v = float(value)
        return v if math.isfinite(v) else math.nan
    text = str(value).strip().replace("，", ",")
    if not text:
        return math.nan
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        v = float(text)
        return v if math.isfinite(v) else math.nan
    except ValueError:
        pass
    m = _DMS.match(text)
    if not m:
        return math.nan
    deg, minutes, seconds, hemi = m.groups()
    v = abs(float(deg)) + float(minutes or 0) / 60 + float(seconds or 0) / 3600
    negative = deg.startswith("-") or (hemi or "") in ("S", "W", "南", "西")
    return -v if negative else v


def parse_coordinates(values) -> np.ndarray:
    """Parse a sequence of coordinates with :func:`parse_coordinate` (NaN where unreadable)."""
    return np.array([parse_coordinate(v) for v in values], dtype=float)


def detect_coordinate_columns(columns) -> tuple[str, str] | None:
    """Find the longitude and latitude columns among ``columns`` (English or Chinese headers).

    Examples
    --------
    >>> detect_coordinate_columns(["名称", "经度", "纬度"])
    ('经度', '纬度')
    >>> detect_coordinate_columns(["name", "Longitude", "Latitude"])
    ('Longitude', 'Latitude')
    """
    norm = {str(c).strip().lower().replace(" ", "").replace("_", ""): c for c in columns}

    def find(names):
        for n in names:
            key = n.lower().replace("_", "")
            if key in norm:
                return norm[key]
        return None

    lon, lat = find(LON_NAMES), find(LAT_NAMES)
    return (lon, lat) if lon is not None and lat is not None and lon != lat else None


def detect_text_encoding(data: bytes) -> str:
    """Return ``utf-8-sig``, ``utf-8`` or ``gb18030`` for some text bytes.

    Examples
    --------
    >>> detect_text_encoding("重庆".encode("gbk"))
    'gb18030'
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        raise DataError("cannot tell the text encoding (not UTF-8 or GBK/GB18030): pass --encoding") from None


def resolve_crs(value: str | None, *, parameter: str = "crs") -> tuple[str | None, str]:
    """Turn a CRS value into (pyproj CRS string, datum) where datum is wgs84, gcj02 or bd09.

    A thin wrapper of :func:`geosci.crs.parse_crs`: GCJ-02 and BD-09 data
    are longitude/latitude (read as EPSG:4326, then converted).

    Examples
    --------
    >>> resolve_crs("amap"), resolve_crs("EPSG:4544"), resolve_crs(None)
    (('EPSG:4326', 'gcj02'), ('EPSG:4544', 'wgs84'), (None, 'wgs84'))
    """
    from geosci.crs import parse_crs

    if value is None:
        return None, "wgs84"
    name = parse_crs(value, parameter=parameter)
    if name in ("wgs84", "gcj02", "bd09"):
        return "EPSG:4326", name
    return name, "wgs84"


# ----------------------------------------------------------------------------- format readers
def _check_file(path: Path, fmt: str) -> None:
    if not path.exists():
        raise DataError(f"{path} does not exist")
    if path.is_dir():
        raise DataError(f"{path} is a folder: give the data file")
    size = path.stat().st_size
    if size == 0:
        raise DataError(f"{path} is empty (0 bytes)")
    if fmt in ("geojson", "csv", "kml"):
        head = path.read_bytes()[:4096]
        if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise DataError(f"{path} is not a text file (binary content): check that it is really {fmt.upper()}")


def _read_shapefile(path: Path, encoding: str | None, report: ImportReport):
    import geopandas as gpd

    missing = [
        s for s in (".shx", ".dbf") if not path.with_suffix(s).exists() and not path.with_suffix(s.upper()).exists()
    ]  # noqa: E501
    if missing:
        raise DataError(f"shapefile {path.name} is missing its {' and '.join(missing)} file: copy it beside the .shp")
    if encoding is None:
        cpg = path.with_suffix(".cpg")
        if cpg.exists():
            encoding = cpg.read_text(encoding="ascii", errors="ignore").strip() or None
            report.encoding = f"{encoding} (from .cpg)"
        else:
            encoding = _dbf_encoding(path.with_suffix(".dbf"))
            report.encoding = f"{encoding} (detected; no .cpg)"
    else:
        report.encoding = f"{encoding} (given)"
    return gpd.read_file(path, engine="pyogrio", encoding=encoding)


def _dbf_encoding(dbf: Path) -> str:
    data = dbf.read_bytes()
    if len(data) < 32:
        raise DataError(f"{dbf.name} is too short to be a dBASE file")
    header_len = int.from_bytes(data[8:10], "little")
    body = data[header_len:]
    try:
        body.decode("ascii")
        return "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        body.decode("utf-8")
        return "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        body.decode("gb18030")
        return "GB18030"
    except UnicodeDecodeError:
        raise DataError(f"cannot tell the text encoding of {dbf.name}: pass --encoding (e.g. gbk)") from None


def _read_table(path: Path, fmt: str, encoding: str | None, report: ImportReport) -> pd.DataFrame:
    import pandas as pd

    if fmt == "excel":
        try:
            return pd.read_excel(path, dtype=object)
        except Exception as exc:  # openpyxl/xlrd raise many types
            raise DataError(f"cannot read {path.name} as an Excel workbook: {str(exc).splitlines()[0]}") from exc
    data = path.read_bytes()
    enc = encoding or detect_text_encoding(data)
    report.encoding = f"{enc} ({'given' if encoding else 'detected'})"
    text = data.decode(enc)
    sep = (
        "\t"
        if path.suffix.lower() == ".tsv" or ("\t" in text.splitlines()[0] and "," not in text.splitlines()[0])
        else ","
    )  # noqa: E501
    import io

    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except Exception as exc:  # pandas parser errors
        raise DataError(f"cannot read {path.name} as CSV: {str(exc).splitlines()[0]}") from exc


def _table_to_frame(table: pd.DataFrame, lon: str | None, lat: str | None, report: ImportReport):
    import geopandas as gpd

    if table.empty:
        raise DataError(f"{report.path} has no rows")
    if (lon is None) != (lat is None):
        raise DataError("give both --lon and --lat, or neither")
    cols = (lon, lat) if lon else detect_coordinate_columns(table.columns)
    if cols is None:
        raise DataError(
            f"{report.path}: no longitude/latitude columns found among {', '.join(map(str, table.columns))}: "
            "pass --lon COLUMN --lat COLUMN"
        )
    for c in cols:
        if c not in table.columns:
            raise DataError(f"{report.path} has no column {c!r}: columns are {', '.join(map(str, table.columns))}")
    report.coordinate_columns = (str(cols[0]), str(cols[1]))
    x, y = parse_coordinates(table[cols[0]]), parse_coordinates(table[cols[1]])
    bad = ~(np.isfinite(x) & np.isfinite(y))
    if bad.all():
        raise DataError(f"{report.path}: no row has readable coordinates in {cols[0]!r}/{cols[1]!r}")
    if bad.any():
        report.warnings.append(f"{int(bad.sum())} rows without readable coordinates were skipped")
    keep = table.loc[~bad].drop(columns=list(cols)).reset_index(drop=True)
    return gpd.GeoDataFrame(keep, geometry=gpd.points_from_xy(x[~bad], y[~bad]), crs=None)


# ----------------------------------------------------------------------------- checks and repairs
def _looks_swapped(x: np.ndarray, y: np.ndarray) -> bool:
    lonr = (x >= CHINA[0]) & (x <= CHINA[2]) & (y >= CHINA[1]) & (y <= CHINA[3])
    swapped = (y >= CHINA[0]) & (y <= CHINA[2]) & (x >= CHINA[1]) & (x <= CHINA[3])
    return swapped.mean() > 0.8 and lonr.mean() < 0.2


def _check_ranges(frame: gpd.GeoDataFrame, crs: str, declared: str | None, report: ImportReport) -> None:
    import shapely
    from pyproj import CRS

    coords = shapely.get_coordinates(frame.geometry.values)
    if len(coords) == 0:
        return
    x, y = coords[:, 0], coords[:, 1]
    c = CRS.from_user_input(crs)
    name = declared or c.to_string()
    if c.is_geographic:
        if _looks_swapped(x, y):
            raise DataError(
                "longitude and latitude look swapped (x holds latitudes, y longitudes): "
                "pass --swap-xy (or --lon/--lat with the right columns)"
            )
        if np.abs(x).max() > 180 or np.abs(y).max() > 90:
            if np.median(np.abs(x)) > 1000 or np.median(np.abs(y)) > 1000:
                raise DataError(
                    f"coordinates such as ({x[0]:.0f}, {y[0]:.0f}) are projected metres, not degrees as {name} "
                    "says: pass the real CRS, e.g. --crs EPSG:4544 (CGCS2000 Gauss-Krüger CM 105E)"
                )
            raise DataError(f"coordinates outside -180..180 / -90..90 degrees for {name}: check --crs")
    else:
        area = c.area_of_use
        if area is not None:
            from pyproj import Transformer

            lon, lat = Transformer.from_crs(c, 4326, always_xy=True).transform(x, y)
            w, s, e, n = area.bounds
            inside = (lon >= w - 1) & (lon <= e + 1) & (lat >= s - 1) & (lat <= n + 1)
            if not np.isfinite(lon).all() or inside.mean() < 0.5:
                raise DataError(f"coordinates fall outside the area where {name} is valid ({area.name}): check --crs")


@functools.lru_cache(maxsize=1)
def _reference_tree():
    """KD-tree (metric) of the curated positions the datum check compares with, built once."""
    import shapely
    from pyproj import Transformer
    from scipy.spatial import cKDTree

    from geosci.catalog import list_layers, read_layer
    from geosci.crs import metric_crs

    to_m = Transformer.from_crs(4326, metric_crs(106.4, 29.5), always_xy=True)
    ref = []
    for name in list_layers():
        layer = read_layer(name)
        if name == "districts":
            ref.append(shapely.get_coordinates(layer.geometry.boundary.values))
        elif (layer.geom_type == "Point").all():
            placed = layer[layer["geometry_basis"] != "schematic"]  # schematic stops are no reference
            ref.append(shapely.get_coordinates(placed.geometry.values))
    ref = np.vstack(ref)
    return cKDTree(np.column_stack(to_m.transform(ref[:, 0], ref[:, 1]))), to_m


def _gcj_check(frame: gpd.GeoDataFrame, report: ImportReport) -> None:
    """Refuse data declared WGS84 that matches the curated layers' GCJ-02 positions much better."""
    import shapely

    from geosci.crs import convert

    coords = shapely.get_coordinates(frame.geometry.values)
    if len(coords) < 3:
        return
    inside = (coords[:, 0] > 105.0) & (coords[:, 0] < 107.5) & (coords[:, 1] > 28.3) & (coords[:, 1] < 30.3)
    if inside.mean() < 0.5:
        return  # not the science city: no reference to compare with
    tree, to_m = _reference_tree()
    pts = coords[inside][:2000]
    as_wgs, _ = tree.query(np.column_stack(to_m.transform(pts[:, 0], pts[:, 1])))
    lon, lat = convert(pts[:, 0], pts[:, 1], src="gcj02", dst="wgs84")
    as_gcj, _ = tree.query(np.column_stack(to_m.transform(lon, lat)))
    close = as_gcj < 150  # points that coincide with a curated feature once read as GCJ-02
    if close.sum() >= 3 and close.mean() > 0.5 and np.median(as_wgs[close]) > 250:
        raise DataError(
            f"the data is declared WGS84 but looks like GCJ-02 (AMap) data: {int(close.sum())} of {len(pts)} "
            f"positions match curated features within {np.median(as_gcj[close]):.0f} m once read as GCJ-02, "
            f"against {np.median(as_wgs[close]):.0f} m as WGS84: pass --crs gcj02 (or --no-datum-check)"
        )


def _repair(frame: gpd.GeoDataFrame, report: ImportReport) -> gpd.GeoDataFrame:
    import shapely

    geoms = frame.geometry.values
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        report.count("features without geometry dropped", int(missing.sum()))
        frame = frame.loc[~missing].reset_index(drop=True)
        geoms = frame.geometry.values
    has_z = shapely.has_z(geoms)
    if has_z.any():
        geoms = shapely.force_2d(geoms)
        report.count("Z coordinates dropped", int(has_z.sum()))
    before = shapely.get_num_coordinates(geoms)
    geoms = shapely.remove_repeated_points(geoms, 0.0)
    report.count("repeated vertices removed", int((before - shapely.get_num_coordinates(geoms)).sum()))
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        fixed = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        geoms[invalid] = fixed
        report.count("invalid geometries made valid", int(invalid.sum()))
    out = frame.copy()
    out.geometry = geoms
    return out


_FAMILY = {"Point": "Point", "MultiPoint": "Point", "LineString": "Line", "MultiLineString": "Line",
           "Polygon": "Polygon", "MultiPolygon": "Polygon"}  # fmt: skip


def _uniform_types(frame: gpd.GeoDataFrame, keep: str | None, report: ImportReport) -> gpd.GeoDataFrame:
    import shapely

    types = frame.geom_type
    families = types.map(_FAMILY).fillna(types)
    if keep:
        family = _FAMILY.get(keep, keep)
        dropped = families != family
        report.count(f"features that are not {keep} dropped", int(dropped.sum()))
        frame, types, families = frame[~dropped], types[~dropped], families[~dropped]
        if frame.empty:
            raise DataError(f"no feature is a {keep}")
    if families.nunique() > 1:
        counts = ", ".join(f"{n} {t}" for t, n in types.value_counts().items())
        raise DataError(
            f"mixed geometry types ({counts}): keep one with --geometry-type "
            f"{'|'.join(sorted(set(types)))} or split the file"
        )
    if types.nunique() > 1:  # singles and multis of one family: make all multi
        single = ~types.str.startswith("Multi")
        geoms = frame.geometry.values.copy()
        multi = {"Point": shapely.multipoints, "Line": shapely.multilinestrings, "Polygon": shapely.multipolygons}
        geoms[single.values] = [multi[families.iloc[0]]([g]) for g in geoms[single.values]]
        frame = frame.copy()
        frame.geometry = geoms
        report.count("single geometries made multi (to match the others)", int(single.sum()))
    return frame


# ----------------------------------------------------------------------------- the reader
def read_any(
    path: str | Path,
    *,
    crs: str | None = None,
    encoding: str | None = None,
    lon: str | None = None,
    lat: str | None = None,
    swap_xy: bool = False,
    geometry_type: str | None = None,
    datum_check: bool = True,
    layer: str | None = None,
) -> tuple[gpd.GeoDataFrame, ImportReport]:
    """Read a user's vector or table file into WGS84, checking and repairing it.

    Parameters
    ----------
    path : path
        GeoJSON, GeoPackage, Shapefile, KML, CSV/TSV or Excel file.
    crs : str, optional
        The data's CRS: ``wgs84``, ``gcj02``, ``bd09``, ``cgcs2000`` or any
        ``EPSG:`` code. Overrides the file's own; required where the file
        has none (CSV, Excel, a Shapefile without ``.prj``).
    encoding : str, optional
        Text encoding, when the detection is wrong.
    lon, lat : str, optional
        Coordinate columns of a table.
    swap_xy : bool
        Exchange x and y (for files with latitude first).
    geometry_type : str, optional
        Keep only features of this type from a mixed file.
    datum_check : bool
        Check data declared WGS84 against the curated layers' positions.
    layer : str, optional
        Layer name inside a GeoPackage.

    Returns
    -------
    (GeoDataFrame, ImportReport)
        The layer in EPSG:4326 with all its attributes, and the report.

    Raises
    ------
    DataError
        With a one-line message naming the fix.
    """
    import geopandas as gpd
    import shapely

    from geosci.crs import convert_frame

    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DataError(f"cannot tell the format of {path.name}: use .geojson, .gpkg, .shp, .kml, .csv or .xlsx")
    report = ImportReport(path=str(path), format=fmt)
    _check_file(path, fmt)
    target_crs, datum = resolve_crs(crs)
    if fmt in ("csv", "excel"):
        frame = _table_to_frame(_read_table(path, fmt, encoding, report), lon, lat, report)
    elif fmt == "shp":
        frame = _read_shapefile(path, encoding, report)
    else:
        try:
            frame = gpd.read_file(path, engine="pyogrio", layer=layer, encoding=encoding)
        except Exception as exc:  # GDAL errors come in many types
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise DataError(f"cannot read {path.name} as {fmt.upper()} (truncated or damaged?): {first}") from exc
    report.features_in = len(frame)
    if frame.empty:
        raise DataError(f"{path.name} has no features")
    if swap_xy:
        frame = frame.copy()
        frame.geometry = shapely.transform(frame.geometry.values, lambda c: c[:, ::-1].copy())
        report.count("x and y swapped (--swap-xy)", len(frame))
    if target_crs is None:
        if frame.crs is None:
            raise DataError(f"{path.name} has no CRS: say which it is with --crs wgs84|gcj02|bd09|cgcs2000|EPSG:XXXX")
        target_crs = frame.crs.to_string()
        report.crs_in = f"{target_crs} (from the file)"
    else:
        report.crs_in = f"{crs} (given)"
    frame = frame.set_crs(target_crs, allow_override=True)
    frame = _repair(frame, report)
    if frame.empty:
        raise DataError(f"{path.name} has no features with a geometry")
    frame = _uniform_types(frame, geometry_type, report)
    _check_ranges(frame, target_crs, crs, report)
    if not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs(4326)
    if datum != "wgs84":
        frame = convert_frame(frame, src=datum, dst="wgs84")
        report.datum_conversion = f"{datum} -> wgs84 (geosci.crs, inverse iterated to < 1 mm)"
    elif datum_check:
        _gcj_check(frame, report)
    report.features_out = len(frame)
    return frame.reset_index(drop=True), report


def to_layer_form(
    frame: gpd.GeoDataFrame,
    *,
    kind: str,
    source: str,
    id_field: str | None = None,
    name_field: str | None = None,
    status: str = "existing",
    accuracy_m: float | None = None,
    renumber: bool = False,
    basis: str = "imported",
) -> gpd.GeoDataFrame:
    """Give an imported layer geosci's required fields, keeping every original attribute.

    ``id``, ``name_zh``, ``name_en``, ``kind``, ``status``, ``source``,
    ``accuracy_m`` and ``geometry_basis`` are added (or taken from the
    columns named); original columns keep their names, except that one
    clashing with a required field is kept as ``orig_<name>``.
    """
    from geosci.catalog import STATUSES

    out = frame.copy()
    cols = list(out.columns)
    id_col = id_field or next((c for c in ("id", "ID", "Id", "编号", "fid") if c in cols), None)
    if id_field and id_field not in cols:
        raise DataError(f"--id-field {id_field!r} is not a column: columns are {', '.join(map(str, cols))}")
    name_col = name_field or next(
        (c for c in ("name_zh", "name", "名称", "NAME", "Name", "站名", "地名") if c in cols), None
    )  # noqa: E501
    if name_field and name_field not in cols:
        raise DataError(f"--name-field {name_field!r} is not a column: columns are {', '.join(map(str, cols))}")
    ids = out[id_col].astype(str) if (id_col and not renumber) else None
    if ids is not None:
        dupes = sorted(set(ids[ids.duplicated()]))
        if dupes:
            raise DataError(
                f"duplicate ids in column {id_col!r}: {', '.join(dupes[:5])}{' …' if len(dupes) > 5 else ''}: "
                "pass --renumber for new ids, or --id-field with a unique column"
            )
    names = out[name_col].astype(str) if name_col else None
    if "status" in cols:
        st = out["status"].astype(str)
        bad = sorted(set(st[~st.isin(STATUSES)]))
        if bad:
            raise DataError(f"status values {bad} are not existing/under_construction/planned: fix the column")
    required = {"id", "name_zh", "name_en", "kind", "status", "source", "accuracy_m", "geometry_basis"}
    keep_same = {c for c in (id_col, name_col, "status", "name_en") if c in required}
    rename = {c: f"orig_{c}" for c in cols if c in required and c not in keep_same and c != out.geometry.name}
    out = out.rename(columns=rename)
    stem = kind.replace(" ", "_")
    new = {
        "id": ids.values if ids is not None else [f"{stem}-{i + 1:04d}" for i in range(len(out))],
        "name_zh": names.values if names is not None else [f"{stem} {i + 1}" for i in range(len(out))],
        "name_en": out["name_en"].astype(str).values if "name_en" in out.columns else
        (names.values if names is not None else [f"{stem} {i + 1}" for i in range(len(out))]),
        "kind": kind,
        "status": out["status"].astype(str).values if "status" in out.columns else status,
        "source": source,
        "accuracy_m": accuracy_m if accuracy_m is not None else np.nan,
        "geometry_basis": basis,
    }  # fmt: skip
    import geopandas as gpd

    rest = out.drop(columns=[c for c in new if c in out.columns])
    merged = gpd.GeoDataFrame(new, index=out.index).join(rest)
    return gpd.GeoDataFrame(merged, geometry=out.geometry.name, crs=out.crs)
