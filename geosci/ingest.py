"""Reading planners' own data: any common format, any Chinese datum, nothing lost.

:func:`read_any` reads GeoJSON, GeoPackage, Shapefile, KML, CSV/text and
Excel, and returns the layer in WGS84 together with an :class:`ImportReport`.

**Encodings.** A Shapefile's text encoding comes from its ``.cpg``, read as
ArcGIS writes it in China (``936``, ``ANSI 936`` and plain ``ANSI`` mean
GBK; ``65001`` means UTF-8); without one, the ``.dbf`` bytes are tried as
UTF-8 and then as GB18030, a superset of GBK. Text tables are tried as
UTF-8 (with or without BOM) and then GB18030.

**Tables.** CSV, TSV, space-separated text and Excel take coordinates from
``lon``/``lat`` or from recognised English and Chinese headers (``lon``/
``经度``, ``lat``/``纬度`` ...). A file without a header row gets its names
from ``columns``, or is recognised as headerless and its coordinate columns
found by their values (and the report says so).

**Datums.** Declared GCJ-02 (AMap, Tencent) and BD-09 (Baidu) data are
converted to WGS84; files that geosci wrote in GCJ-02 or BD-09 say so in
their CRS and are recognised without ``crs``. Every declaration is checked
on evidence by :func:`geosci.datum.check_datum` (coincidence with the real
boundaries of China and the real rail stations, read as WGS84, GCJ-02 and
BD-09): a contradicted declaration is refused with the right value, and
evidence too weak to confirm it is a warning in the report.

**Nothing lost.** Every attribute is kept, the coordinate columns of a
table too; points keep their source position as ``src_x``/``src_y`` with
``src_datum``; list and object properties become JSON text, and
coordinate-like ones (DataV's ``center``/``centroid``, AMap's
``location`` "lon,lat" strings) are converted to WGS84 with the source
value kept beside them as ``src_<name>``.

**Outliers.** Features far from the rest, or outside ``study_area``, are
counted and listed in the report, and dropped only with ``drop_outliers``.

**Detection.** Each of these stops the import with a one-line message that
names the fix: swapped longitude/latitude; coordinates outside the declared
CRS's range; projected metres declared as degrees (with the Gauss-Krüger
zone read from a false easting's prefix); a missing CRS; a datum the
evidence contradicts; mixed geometry types, empty layers, duplicate ids.

**Repairs.** These are made and counted in the report, never silently:
invalid polygons made valid, repeated vertices removed, Z dropped, and
single and multi geometries of one family made uniform.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import numpy as np

from geosci.errors import DataError, MissingCRSError, ParameterError
from geosci.params import STATUSES

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "FORMATS",
    "STATUSES",
    "ImportReport",
    "cpg_encoding",
    "detect_coordinate_columns",
    "detect_text_encoding",
    "find_outliers",
    "gauss_kruger_hint",
    "parse_coordinate",
    "parse_coordinates",
    "read_any",
    "resolve_crs",
    "to_layer_form",
]

FORMATS = {
    ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".shp": "shp", ".kml": "kml",
    ".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "excel", ".xls": "excel",
    ".parquet": "parquet", ".geoparquet": "parquet",
}  # fmt: skip
LON_NAMES = ("lon", "lng", "long", "longitude", "x", "经度", "东经", "经度坐标", "gcj_lng", "bd_lng", "wgs_lng")
LAT_NAMES = ("lat", "latitude", "y", "纬度", "北纬", "纬度坐标", "gcj_lat", "bd_lat", "wgs_lat")
CHINA = (73.0, 18.0, 136.0, 54.0)
#: Points further than this many times the median distance from the data's centre are outliers ...
OUTLIER_FACTOR = 10.0
#: ... and at least this far (metres).
OUTLIER_MIN_M = 50_000.0


@dataclass
class ImportReport:
    """What an import did: the input, the conversions, the evidence, the repairs and the warnings."""

    path: str
    format: str
    features_in: int = 0
    features_out: int = 0
    crs_in: str = ""
    datum: str = "wgs84"
    datum_conversion: str = "none"
    datum_evidence: str = ""
    datum_strength: str = ""
    encoding: str | None = None
    coordinate_columns: tuple[str, str] | None = None
    converted_fields: dict[str, str] = field(default_factory=dict)
    outliers: list[dict[str, Any]] = field(default_factory=list)
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
        raise ParameterError(
            "encoding", "cannot tell the text encoding (not UTF-8 or GBK/GB18030): name it with {name}"
        ) from None


def resolve_crs(value: str | int | None, *, parameter: str = "crs") -> tuple[str | None, str]:
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
def _check_file(path: Path, fmt: str, parameter: str) -> None:
    if not path.exists():
        raise ParameterError(parameter, f"{{name}} {path} does not exist")
    if path.is_dir():
        raise ParameterError(parameter, f"{{name}} {path} is a folder: give the data file")
    size = path.stat().st_size
    if size == 0:
        raise DataError(f"{path} is empty (0 bytes)")
    if fmt in ("geojson", "csv", "kml"):
        head = path.read_bytes()[:4096]
        if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise DataError(f"{path} is not a text file (binary content): check that it is really {fmt.upper()}")


_CODE_PAGES = {"ansi": "GBK", "936": "GBK", "cp936": "GBK", "gbk": "GBK", "gb2312": "GBK", "gb18030": "GB18030",
               "65001": "UTF-8", "utf8": "UTF-8", "utf-8": "UTF-8", "950": "BIG5", "big5": "BIG5",
               "1252": "CP1252", "88591": "ISO-8859-1", "iso88591": "ISO-8859-1"}  # fmt: skip


def cpg_encoding(text: str) -> str | None:
    """Return the Python/GDAL encoding a Shapefile ``.cpg`` names, as ArcGIS and QGIS write it.

    ArcGIS in China writes ``936`` or ``ANSI 936`` (the GBK code page) or
    just ``ANSI`` (the system code page, GBK on Chinese Windows); ``65001``
    is UTF-8. GBK text is decoded as GB18030, its superset. Returns None for
    a name that is no known encoding.

    Examples
    --------
    >>> [cpg_encoding(t) for t in ("936", "ANSI 936", "ANSI", "UTF-8", "65001", "ANSI 1252", "klingon")]
    ['GB18030', 'GB18030', 'GB18030', 'UTF-8', 'UTF-8', 'CP1252', None]
    """
    key = text.strip().lower().replace(" ", "").replace("_", "")
    if key.startswith("ansi") and key != "ansi":
        key = key[4:]
    key = key.removeprefix("windows-").removeprefix("cp") if key.startswith(("windows-", "cp")) else key
    name = _CODE_PAGES.get(key)
    if name is None and key.isdigit():
        name = f"CP{key}"
    name = name or text.strip()
    if name == "GBK":
        name = "GB18030"
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name


def _rows_kwargs(rows: tuple[int, int] | None) -> dict[str, int]:
    """Return pyogrio's arguments for reading only ``rows = (first, count)`` features."""
    return {} if rows is None else {"skip_features": int(rows[0]), "max_features": int(rows[1])}


def _read_shapefile(path: Path, encoding: str | None, report: ImportReport, rows: tuple[int, int] | None = None):
    import geopandas as gpd

    missing = [
        s for s in (".shx", ".dbf") if not path.with_suffix(s).exists() and not path.with_suffix(s.upper()).exists()
    ]  # noqa: E501
    if missing:
        raise DataError(f"shapefile {path.name} is missing its {' and '.join(missing)} file: copy it beside the .shp")
    _check_shapefile_parts(path)
    if encoding is not None:
        _check_dbf_encoding(path, encoding)
    if encoding is None:
        cpg = next((p for p in (path.with_suffix(".cpg"), path.with_suffix(".CPG")) if p.exists()), None)
        said = cpg.read_text(encoding="ascii", errors="ignore").strip() if cpg else ""
        encoding = cpg_encoding(said) if said else None
        if encoding is not None:
            report.encoding = f"{encoding} (from .cpg {said!r})"
        else:
            encoding = _dbf_encoding(_sidecar(path, ".dbf"))
            if said:
                report.warnings.append(f".cpg names no known encoding ({said!r}): the text was read as {encoding}")
            report.encoding = f"{encoding} (detected; {'unknown .cpg' if said else 'no .cpg'})"
    else:
        report.encoding = f"{encoding} (given)"
    try:
        return gpd.read_file(path, engine="pyogrio", encoding=encoding, **_rows_kwargs(rows))
    except UnicodeDecodeError:
        raise ParameterError(
            "encoding", f"the text of {path.name} is not {encoding}: pass {{name}} with its encoding (e.g. gbk)"
        ) from None


def _sidecar(path: Path, suffix: str) -> Path:
    low = path.with_suffix(suffix)
    return low if low.exists() else path.with_suffix(suffix.upper())


def _check_shapefile_parts(path: Path) -> None:
    """Refuse a truncated or mismatched Shapefile instead of reading part of it.

    The .shp and .shx headers give their own lengths (in 16-bit words) and
    the .dbf header its record count; a file shorter than its header says,
    or parts that disagree on the number of features, are damaged.
    """
    shp, shx, dbf = path, _sidecar(path, ".shx"), _sidecar(path, ".dbf")
    for part in (shp, shx):
        data = part.read_bytes()[:100]
        if len(data) < 100 or int.from_bytes(data[0:4], "big") != 9994:
            raise DataError(f"{part.name} is not a Shapefile part (bad header): the file is damaged")
        said = int.from_bytes(data[24:28], "big") * 2
        if said != part.stat().st_size:
            raise DataError(f"{part.name} is truncated or damaged: its header says {said:,} bytes, the file has "
                            f"{part.stat().st_size:,}: copy the complete file")  # fmt: skip
    n_shx = (shx.stat().st_size - 100) // 8
    head = dbf.read_bytes()[:32]
    if len(head) < 32:
        raise DataError(f"{dbf.name} is too short to be a dBASE file: copy the complete file")
    n_dbf = int.from_bytes(head[4:8], "little")
    header_len, record_len = int.from_bytes(head[8:10], "little"), int.from_bytes(head[10:12], "little")
    if dbf.stat().st_size < header_len + n_dbf * record_len:
        raise DataError(f"{dbf.name} is truncated: its header says {n_dbf:,} records, the file holds fewer")
    if n_shx != n_dbf:
        raise DataError(f"{path.name} is damaged: {shx.name} indexes {n_shx:,} shapes but {dbf.name} has {n_dbf:,} "
                        "records: copy the matching .shp, .shx and .dbf")  # fmt: skip


def _check_dbf_encoding(path: Path, encoding: str) -> None:
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise ParameterError(
            "encoding", f"{{name}} {encoding!r} is not a known text encoding: use e.g. gbk or utf-8"
        ) from None
    if info.name.startswith(("utf-16", "utf-32")):
        raise ParameterError("encoding", f"{{name}} {encoding}: dBASE text is never {info.name}: use e.g. gbk or utf-8")
    data = _sidecar(path, ".dbf").read_bytes()
    body = data[int.from_bytes(data[8:10], "little") :] if len(data) >= 32 else b""
    try:
        body.decode(info.name)
    except UnicodeDecodeError:
        raise ParameterError(
            "encoding", f"the text of {path.name} is not {encoding}: pass {{name}} with its encoding (e.g. gbk)"
        ) from None


def _dbf_encoding(dbf: Path) -> str:
    data = dbf.read_bytes()
    if len(data) < 32:
        raise DataError(f"{dbf.name} is too short to be a dBASE file")
    header_len = int.from_bytes(data[8:10], "little")
    body = data[header_len:]
    for enc, name in (("ascii", "UTF-8"), ("utf-8", "UTF-8"), ("gb18030", "GB18030")):
        try:
            body.decode(enc)
            return name
        except UnicodeDecodeError:
            pass
    raise ParameterError("encoding", f"cannot tell the text encoding of {dbf.name}: pass {{name}} (e.g. gbk)")


def _read_kml(path: Path) -> gpd.GeoDataFrame:
    """Read every folder (layer) of a KML file; the folder is kept in a ``folder`` column when there are several."""
    import geopandas as gpd
    import pandas as pd
    import pyogrio

    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
        parts = [(name, gpd.read_file(path, engine="pyogrio", layer=name)) for name in layers]
    except Exception as exc:  # GDAL errors come in many types
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"cannot read {path.name} as KML (truncated or damaged?): {first}") from exc
    parts = [(name, part) for name, part in parts if len(part)]
    if not parts:
        return gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")
    if len(parts) > 1:
        parts = [(name, part.assign(folder=name)) for name, part in parts]
    frame = pd.concat([part for _, part in parts], ignore_index=True)
    frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=parts[0][1].crs)
    for col in ("id", "Name", "Description"):  # empty Placemark ids / names are not values
        if col in frame.columns and frame[col].astype(str).str.strip().eq("").all():
            frame = frame.drop(columns=col)
    # LIBKML's own styling fields, where every Placemark has the default (no data of the user's)
    defaults = {"timestamp": None, "begin": None, "end": None, "altitudeMode": None, "tessellate": -1,
                "extrude": 0, "visibility": -1, "drawOrder": None, "icon": None}  # fmt: skip
    for col, default in defaults.items():
        if col in frame.columns:
            values = frame[col]
            if values.isna().all() or (default is not None and (values == default).all()):
                frame = frame.drop(columns=col)
    return frame


def _split_line(line: str, sep: str) -> list[str]:
    return line.split() if sep == r"\s+" else line.split(sep)


def _read_table(path: Path, fmt: str, encoding: str | None, columns, report: ImportReport) -> pd.DataFrame:
    import io

    import pandas as pd

    names = _column_names(columns)
    if fmt == "excel":
        try:
            return pd.read_excel(path, dtype=object, header=None if names else 0, names=names)
        except Exception as exc:  # openpyxl/xlrd raise many types
            raise DataError(f"cannot read {path.name} as an Excel workbook: {str(exc).splitlines()[0]}") from exc
    data = path.read_bytes()
    enc = encoding or detect_text_encoding(data)
    report.encoding = f"{enc} ({'given' if encoding else 'detected'})"
    text = data.decode(enc)
    lines = [ln for ln in text.splitlines() if ln.strip()][:20]
    if not lines:
        raise DataError(f"{path.name} has no rows")
    first = lines[0]
    if path.suffix.lower() == ".tsv" or ("\t" in first and "," not in first):
        sep = "\t"
    elif "," in first or "，" in first:
        sep = ","
    elif re.search(r"\S\s+\S", first):
        sep = r"\s+"
        report.warnings.append("the file is separated by spaces, not commas: columns split on runs of spaces")
    else:
        sep = ","
    header: int | None = 0
    if names is not None:
        header = None
        widths = {len(_split_line(ln, sep)) for ln in lines}
        if max(widths) != len(names):
            raise ParameterError(
                "columns", f"{{name}} gives {len(names)} names but the rows of {path.name} have {max(widths)} fields"
            )
    elif _looks_headerless(_split_line(first, sep)):
        header = None
        width = max(len(_split_line(ln, sep)) for ln in lines)
        names = [f"column_{i + 1}" for i in range(width)]
        report.warnings.append(
            f"{path.name} has no header row: its columns are named column_1 ... column_{width} (name them with columns)"
        )
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, header=header, names=names)
    except Exception as exc:  # pandas parser errors
        raise DataError(f"cannot read {path.name} as a text table: {str(exc).splitlines()[0]}") from exc


def _column_names(columns) -> list[str] | None:
    if columns is None:
        return None
    names = [c.strip() for c in columns.split(",")] if isinstance(columns, str) else [str(c) for c in columns]
    if not names or any(not n for n in names) or len(set(names)) != len(names):
        raise ParameterError("columns", f"{{name}} should be distinct, non-empty names, got {columns!r}")
    return names


def _looks_headerless(fields: list[str]) -> bool:
    """Tell whether a first row is data: two or more coordinates in China's range."""
    values = parse_coordinates(fields)
    lon = (values >= CHINA[0]) & (values <= CHINA[2])
    lat = (values >= CHINA[1]) & (values <= CHINA[3])
    return bool(lon.any() and lat.any() and np.isfinite(values).sum() >= 2)


def _coordinate_columns_by_value(table: pd.DataFrame) -> tuple[str, str] | None:
    """Find longitude and latitude columns of a headerless table by their values (China's ranges)."""
    lon = lat = None
    for col in table.columns:
        v = parse_coordinates(table[col])
        if np.isfinite(v).mean() < 0.9:
            continue
        v = v[np.isfinite(v)]
        if lon is None and ((v >= CHINA[0]) & (v <= CHINA[2])).all():
            lon = col
        elif lat is None and ((v >= CHINA[1]) & (v <= CHINA[3])).all():
            lat = col
    return (lon, lat) if lon is not None and lat is not None else None


def _table_to_frame(table: pd.DataFrame, lon: str | None, lat: str | None, report: ImportReport):
    import geopandas as gpd

    if table.empty:
        raise DataError(f"{report.path} has no rows")
    if (lon is None) != (lat is None):
        raise ParameterError("lon" if lon is None else "lat", "give both lon and lat, or neither: {name} is missing")
    cols = (lon, lat) if lon else detect_coordinate_columns(table.columns)
    if cols is None and all(str(c).startswith("column_") for c in table.columns):
        cols = _coordinate_columns_by_value(table)
        if cols is not None:
            report.warnings.append(f"coordinates taken from {cols[0]} / {cols[1]} by their values")
    if cols is None:
        raise ParameterError(
            "lon",
            f"{report.path}: no longitude/latitude columns found among {', '.join(map(str, table.columns))}: "
            "name them with {name} and lat",
        )
    for c, par in zip(cols, ("lon", "lat"), strict=True):
        if c not in table.columns:
            raise ParameterError(
                par, f"{report.path} has no column {c!r} ({{name}}): columns are {', '.join(map(str, table.columns))}"
            )
    report.coordinate_columns = (str(cols[0]), str(cols[1]))
    x, y = parse_coordinates(table[cols[0]]), parse_coordinates(table[cols[1]])
    bad = ~(np.isfinite(x) & np.isfinite(y))
    if bad.all():
        raise DataError(f"{report.path}: no row has readable coordinates in {cols[0]!r}/{cols[1]!r}")
    if bad.any():
        report.warnings.append(f"{int(bad.sum())} rows without readable coordinates were skipped")
    keep = table.loc[~bad].reset_index(drop=True)  # the coordinate columns are kept: nothing is lost
    return gpd.GeoDataFrame(keep, geometry=gpd.points_from_xy(x[~bad], y[~bad]), crs=None)


# ----------------------------------------------------------------------------- checks and repairs
def _looks_swapped(x: np.ndarray, y: np.ndarray) -> bool:
    lonr = (x >= CHINA[0]) & (x <= CHINA[2]) & (y >= CHINA[1]) & (y <= CHINA[3])
    swapped = (y >= CHINA[0]) & (y <= CHINA[2]) & (x >= CHINA[1]) & (x <= CHINA[3])
    return swapped.mean() > 0.8 and lonr.mean() < 0.2


def gauss_kruger_hint(x, y) -> str:
    """Name the CGCS2000 Gauss-Krüger CRS that projected metres ``x``, ``y`` probably are in.

    A false easting with a zone prefix (``x = 35,640,721``: zone 35) gives
    the zone exactly: zones 25-45 are the 3-degree zones (EPSG:4513-4533),
    13-23 the 6-degree zones (EPSG:4491-4501). Without a prefix the zone
    cannot be read from the data: the CRS by central meridian (EPSG:4534-4554)
    must be chosen, EPSG:4544 (CM 105E) for Chongqing.

    Examples
    --------
    >>> gauss_kruger_hint([35_640_721.0], [3_270_000.0])
    'EPSG:4523 (CGCS2000 3-degree Gauss-Krüger zone 35, CM 105E; from the false easting 35,640,721)'
    >>> gauss_kruger_hint([18_500_000.0], [3_270_000.0])
    'EPSG:4496 (CGCS2000 6-degree Gauss-Krüger zone 18, CM 105E; from the false easting 18,500,000)'
    >>> gauss_kruger_hint([640_721.0], [3_270_000.0])[:75]
    'EPSG:4544 if it is Chongqing (CGCS2000 Gauss-Krüger CM 105E; the zone is no'
    """
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if len(x):
        xm = float(np.median(x))
        zone = int(xm // 1_000_000)
        if 1_000_000 <= xm < 100_000_000 and 100_000 <= xm - zone * 1_000_000 <= 900_000:
            if 25 <= zone <= 45:
                return (f"EPSG:{4513 + zone - 25} (CGCS2000 3-degree Gauss-Krüger zone {zone}, CM {zone * 3}E; "
                        f"from the false easting {xm:,.0f})")  # fmt: skip
            if 13 <= zone <= 23:
                return (f"EPSG:{4491 + zone - 13} (CGCS2000 6-degree Gauss-Krüger zone {zone}, CM {zone * 6 - 3}E; "
                        f"from the false easting {xm:,.0f})")  # fmt: skip
    return (
        "EPSG:4544 if it is Chongqing (CGCS2000 Gauss-Krüger CM 105E; the zone is not in the coordinates: "
        "EPSG:4534-4554 are CM 75E-135E)"
    )


def _check_ranges(frame: gpd.GeoDataFrame, crs: str, name: str, parameter: str | None) -> None:
    import shapely
    from pyproj import CRS

    coords = shapely.get_coordinates(frame.geometry.values)
    if len(coords) == 0:
        return
    x, y = coords[:, 0], coords[:, 1]
    c = CRS.from_user_input(crs)
    par = parameter or "crs"
    if c.is_geographic:
        if _looks_swapped(x, y):
            raise ParameterError(
                "swap_xy",
                "longitude and latitude look swapped (x holds latitudes, y longitudes): pass {name} "
                "(or name the right lon/lat columns)",
            )
        if np.abs(x).max() > 180 or np.abs(y).max() > 90:
            if np.median(np.abs(x)) > 1000 or np.median(np.abs(y)) > 1000:
                raise ParameterError(
                    par,
                    f"coordinates such as ({x[0]:.0f}, {y[0]:.0f}) are projected metres, not degrees as {name} says: "
                    f"pass the real CRS as {{name}}, probably {gauss_kruger_hint(x, y)}",
                )
            raise ParameterError(par, f"coordinates outside -180..180 / -90..90 degrees for {name}: check {{name}}")
    else:
        area = c.area_of_use
        if area is not None:
            from pyproj import Transformer

            lon, lat = Transformer.from_crs(c, 4326, always_xy=True).transform(x, y)
            w, s, e, n = area.bounds
            inside = (lon >= w - 1) & (lon <= e + 1) & (lat >= s - 1) & (lat <= n + 1)
            if not np.isfinite(lon).all() or inside.mean() < 0.5:
                hint = ""
                if np.median(np.abs(x)) > 1000:
                    hint = f": the coordinates look like {gauss_kruger_hint(x, y)}"
                raise ParameterError(
                    par, f"coordinates fall outside the area where {name} is valid ({area.name}): check {{name}}{hint}"
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
            raise ParameterError("geometry_type", f"no feature is a {keep} ({{name}})")
    if families.nunique() > 1:
        counts = ", ".join(f"{n} {t}" for t, n in types.value_counts().items())
        raise ParameterError(
            "geometry_type",
            f"mixed geometry types ({counts}): keep one with {{name}} {'|'.join(sorted(set(types)))} or split the file",
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


# ----------------------------------------------------------------------------- nothing lost
_COORD_NAMES = ("center", "centroid", "centre", "location", "lnglat", "lonlat", "coord", "coords", "coordinate",
                "position", "pos", "point", "经纬度", "坐标", "中心点", "位置")  # fmt: skip
_LNGLAT = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*[,，;\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


def _pair(value) -> tuple[float, float] | None:
    """Return a longitude/latitude pair in China from a 2-list or an AMap "lon,lat" string, else None."""
    if isinstance(value, str):
        m = _LNGLAT.match(value)
        pair = (float(m.group(1)), float(m.group(2))) if m else None
    elif isinstance(value, (list, tuple, np.ndarray)) and len(value) == 2:
        try:
            pair = (float(value[0]), float(value[1]))
        except (TypeError, ValueError):
            return None
    else:
        return None
    if pair and CHINA[0] <= pair[0] <= CHINA[2] and CHINA[1] <= pair[1] <= CHINA[3]:
        return pair
    return None


def _to_json(value) -> Any:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=_plain)
    return value


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def _keep_properties(frame: gpd.GeoDataFrame, datum: str, report: ImportReport) -> gpd.GeoDataFrame:
    """Turn lists and objects into JSON text; convert coordinate-like properties, keeping their source."""
    from geosci.crs import convert

    out = frame.copy()
    for col in [c for c in frame.columns if c != frame.geometry.name]:
        values = frame[col]
        if values.dtype != object and not str(values.dtype).startswith(("str", "string")):
            continue
        present = values[values.map(lambda v: v is not None and not (isinstance(v, float) and math.isnan(v)))]
        if present.empty:
            continue
        is_list = present.map(lambda v: isinstance(v, (list, tuple, dict, np.ndarray)))
        pairs = present.map(_pair)
        named = str(col).strip().lower() in _COORD_NAMES
        if pairs.notna().all() and (is_list.all() or named):
            xy = np.array([p if p is not None else (np.nan, np.nan) for p in values.map(_pair)], dtype=float)
            lon, lat = convert(xy[:, 0], xy[:, 1], src=datum, dst="wgs84") if datum != "wgs84" else xy.T
            src = f"src_{col}" if f"src_{col}" not in out.columns else f"src_{col}_{datum}"
            out[src] = values.map(_to_json)
            out[col] = [
                json.dumps([round(float(a), 7), round(float(b), 7)]) if np.isfinite(a) else None
                for a, b in zip(lon, lat, strict=True)
            ]
            done = (
                f"{datum} -> wgs84, source kept in {src}" if datum != "wgs84" else f"WGS84, kept as is (and in {src})"
            )
            report.converted_fields[str(col)] = f"coordinates ({done})"
        elif is_list.any():
            out[col] = values.map(_to_json)
            report.converted_fields[str(col)] = "lists/objects kept as JSON text"
    return out


def _source_positions(frame: gpd.GeoDataFrame, src_datum: str) -> gpd.GeoDataFrame:
    """Keep each point's source coordinates (``src_x``, ``src_y``, ``src_datum``) before any conversion."""
    import shapely

    if frame.empty or not (frame.geom_type == "Point").all():
        return frame
    out = frame.copy()
    names = {"src_x": "src_x", "src_y": "src_y", "src_datum": "src_datum"}
    for key in list(names):
        if key in out.columns:  # the data already has one: keep it, put ours beside it
            names[key] = f"{key}_geosci"
    out[names["src_x"]] = shapely.get_x(frame.geometry.values)
    out[names["src_y"]] = shapely.get_y(frame.geometry.values)
    out[names["src_datum"]] = src_datum
    return out


# ----------------------------------------------------------------------------- outliers
def _haversine_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    lon1, lat1, lon2, lat2 = map(np.radians, (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371008.8 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def find_outliers(frame: gpd.GeoDataFrame, *, study_area=None) -> list[dict[str, Any]]:
    """List the features far from the rest, or outside a study area.

    A feature is far from the rest when its distance from the data's median
    centre is more than :data:`OUTLIER_FACTOR` times the median distance
    and at least :data:`OUTLIER_MIN_M` (a bus stop geocoded into another
    province among a city's stops). Positions are each feature's
    representative point, distances great-circle metres.

    Parameters
    ----------
    frame : GeoDataFrame
        In WGS84 (longitude, latitude).
    study_area : shapely geometry, GeoDataFrame or (minx, miny, maxx, maxy), optional
        In WGS84; features that do not intersect it are outliers too.

    Returns
    -------
    list of dict
        One per outlier: ``row`` (position in ``frame``), ``id`` and
        ``name`` where the data has them, ``lon``, ``lat``, ``km_from_centre``
        and ``reason``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> pts = [shapely.Point(106.3 + i / 100, 29.6) for i in range(20)] + [shapely.Point(113.3, 23.1)]
    >>> [o["reason"] for o in find_outliers(gpd.GeoDataFrame(geometry=pts, crs=4326))]
    ['far from the rest (997 km from the median centre; the median is 5 km)']
    """
    import shapely

    if frame.empty:
        return []
    rep = shapely.point_on_surface(frame.geometry.values)
    lon, lat = shapely.get_x(rep), shapely.get_y(rep)
    reasons: dict[int, list[str]] = {}
    km = np.full(len(frame), np.nan)
    if len(frame) >= 5:
        clon, clat = np.nanmedian(lon), np.nanmedian(lat)
        d = _haversine_m(lon, lat, clon, clat)
        km = d / 1000
        med = float(np.nanmedian(d))
        limit = max(OUTLIER_FACTOR * med, OUTLIER_MIN_M)
        for i in np.flatnonzero(d > limit).tolist():
            reasons.setdefault(int(i), []).append(
                f"far from the rest ({d[i] / 1000:,.0f} km from the median centre; the median is {med / 1000:,.0f} km)"
            )
    if study_area is not None:
        area = _study_area_geometry(study_area)
        outside = ~shapely.intersects(frame.geometry.values, area)
        for i in np.flatnonzero(outside).tolist():
            reasons.setdefault(int(i), []).append("outside the study area")
    cols = frame.columns
    id_col = next((c for c in ("id", "ID", "Id", "编号", "src_id") if c in cols), None)
    name_col = next((c for c in ("name_zh", "name", "名称", "NAME", "Name", "站名") if c in cols), None)
    out = []
    for i in sorted(reasons):
        row: dict[str, Any] = {"row": i, "lon": round(float(lon[i]), 6), "lat": round(float(lat[i]), 6)}
        if id_col is not None:
            row["id"] = str(frame[id_col].iloc[i])
        if name_col is not None:
            row["name"] = str(frame[name_col].iloc[i])
        row["km_from_centre"] = round(float(km[i]), 1) if np.isfinite(km[i]) else None
        row["reason"] = "; ".join(reasons[i])
        out.append(row)
    return out


def _study_area_geometry(study_area):
    import shapely

    if hasattr(study_area, "geometry") and hasattr(study_area, "crs"):
        frame = study_area.to_crs(4326) if study_area.crs is not None else study_area
        return shapely.union_all(frame.geometry.values)
    if isinstance(study_area, (tuple, list)) and len(study_area) == 4:
        return shapely.box(*map(float, study_area))
    if isinstance(study_area, shapely.Geometry):
        return study_area
    raise ParameterError(
        "study_area", f"{{name}} should be a geometry, a GeoDataFrame or (minx, miny, maxx, maxy), got {study_area!r}"
    )


# ----------------------------------------------------------------------------- the reader
PARTITIONED_FORMATS = ("geojson", "gpkg", "shp", "parquet")
"""Formats :func:`read_any` can read a part of (``rows``), for files larger than memory."""


def feature_count(path: str | Path) -> int:
    """Return how many features a vector file holds, without reading them (GDAL formats and GeoParquet)."""
    path = Path(path)
    if FORMATS.get(path.suffix.lower()) == "parquet":
        return int(_parquet_file(path).metadata.num_rows)
    import pyogrio

    return int(pyogrio.read_info(path)["features"])


def _parquet_file(path: Path):
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataError(f"{path.name}: reading GeoParquet needs pyarrow (pip install pyarrow)") from None
    try:
        return pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise DataError(f"cannot read {path.name} as GeoParquet (truncated or damaged?): {exc}") from exc


def _read_geoparquet(path: Path, rows: tuple[int, int] | None = None) -> gpd.GeoDataFrame:
    """Read a GeoParquet file, or only the features ``rows = (first, count)`` (the row groups holding them)."""
    import geopandas as gpd
    import shapely

    pf = _parquet_file(path)
    meta = (pf.schema_arrow.metadata or {}).get(b"geo")
    if meta is None:
        raise DataError(f"{path.name} is Parquet without GeoParquet metadata ('geo'): no geometry column to read")
    geo = json.loads(meta)
    column = geo["primary_column"]
    if rows is None:
        table = pf.read()
    else:
        first, count = rows
        sizes = np.array([pf.metadata.row_group(i).num_rows for i in range(pf.num_row_groups)])
        ends = np.cumsum(sizes)
        groups = [i for i in range(len(sizes)) if ends[i] > first and ends[i] - sizes[i] < first + count]
        start = int(ends[groups[0]] - sizes[groups[0]]) if groups else first
        table = pf.read_row_groups(groups).slice(first - start, count) if groups else pf.schema_arrow.empty_table()
    frame = table.to_pandas()
    crs = geo["columns"][column].get("crs", "OGC:CRS84")
    geometry = shapely.from_wkb(frame.pop(column).to_numpy())
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=json.dumps(crs) if isinstance(crs, dict) else crs)


def _read_frame(path: Path, fmt: str, *, encoding, lon, lat, columns, layer, report: ImportReport, rows=None):
    import geopandas as gpd

    if rows is not None and fmt not in PARTITIONED_FORMATS:
        raise DataError(f"{path.name}: only {', '.join(PARTITIONED_FORMATS)} files are read in parts")
    if fmt in ("csv", "excel"):
        return _table_to_frame(_read_table(path, fmt, encoding, columns, report), lon, lat, report)
    if fmt == "shp":
        return _read_shapefile(path, encoding, report, rows)
    if fmt == "kml":
        return _read_kml(path)
    if fmt == "parquet":
        return _read_geoparquet(path, rows)
    try:
        return gpd.read_file(path, engine="pyogrio", layer=layer, encoding=encoding, **_rows_kwargs(rows))
    except Exception as exc:  # GDAL errors come in many types
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"cannot read {path.name} as {fmt.upper()} (truncated or damaged?): {first}") from exc


class _MissingCRSParameterError(MissingCRSError, ParameterError):
    """A missing CRS, whose fix is the caller's CRS argument."""


def _no_crs(frame, path: Path, parameter: str | None) -> MissingCRSError:
    import shapely

    coords = shapely.get_coordinates(frame.geometry.values[:1000])
    hint = ""
    if len(coords) and np.median(np.abs(coords[:, 0])) > 1000:
        hint = f" (the coordinates are projected metres: probably {gauss_kruger_hint(coords[:, 0], coords[:, 1])})"
    if parameter is None:
        return MissingCRSError(f"{path.name} has no CRS: import it with 'geosci import' and its --crs first{hint}")
    return _MissingCRSParameterError(
        parameter, f"{path.name} has no CRS: say which it is with {{name}} wgs84|gcj02|bd09|cgcs2000|EPSG:XXXX{hint}"
    )


P = ParamSpec("P")
R = TypeVar("R")

# what read_any's own parameters are called by 'geosci import', for callers that have none of them
_IMPORT_OPTIONS = {"crs": "--crs", "swap_xy": "--swap-xy", "lon": "--lon", "lat": "--lat", "columns": "--columns",
                   "encoding": "--encoding", "geometry_type": "--geometry-type"}  # fmt: skip


def _worded_for_callers(read: Callable[P, R]) -> Callable[P, R]:
    """Word :func:`read_any`'s errors for a caller without its options (``crs_parameter=None``).

    An error whose fix is one of ``read_any``'s own options (``crs``,
    ``encoding`` ...) names the caller's input instead, and the ``geosci
    import`` option that fixes it.
    """
    import functools
    import inspect

    signature = inspect.signature(read)

    @functools.wraps(read)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return read(*args, **kwargs)
        except ParameterError as exc:
            given = signature.bind(*args, **kwargs)
            given.apply_defaults()
            if given.arguments["crs_parameter"] is not None or exc.parameter not in _IMPORT_OPTIONS:
                raise
            # the caller (map --add, coverage --from) has no such option: name its input, and the import that fixes it
            text = exc.for_option(_IMPORT_OPTIONS[exc.parameter])
            name = Path(given.arguments["path"]).name
            raise ParameterError(given.arguments["input_parameter"],
                                 f"{{name}} {name}: {text} (an option of 'geosci import': import the file first)"
                                 ) from None  # fmt: skip

    return wrapper


@_worded_for_callers
def read_any(
    path: str | Path,
    *,
    crs: str | int | None = None,
    encoding: str | None = None,
    lon: str | None = None,
    lat: str | None = None,
    columns: list[str] | str | None = None,
    swap_xy: bool = False,
    geometry_type: str | None = None,
    datum_check: bool = True,
    layer: str | None = None,
    drop_outliers: bool = False,
    study_area=None,
    crs_parameter: str | None = "crs",
    input_parameter: str = "path",
    rows: tuple[int, int] | None = None,
) -> tuple[gpd.GeoDataFrame, ImportReport]:
    """Read a user's vector or table file into WGS84, checking and repairing it.

    Parameters
    ----------
    path : path
        GeoJSON, GeoPackage, Shapefile, KML, GeoParquet (needs pyarrow),
        CSV/TSV/text or Excel file.
    crs : str or int, optional
        The data's CRS, any value :func:`geosci.crs.parse_crs` takes
        (``wgs84``, ``gcj02``, ``bd09``, ``cgcs2000``, ``EPSG:4544`` ...).
        Overrides the file's own; required where the file has none (CSV,
        Excel, a Shapefile without ``.prj``).
    encoding : str, optional
        Text encoding, when the detection is wrong.
    lon, lat : str, optional
        Coordinate columns of a table.
    columns : list of str or str, optional
        Names for the columns of a text or Excel file without a header row
        (a list, or one comma-separated string).
    swap_xy : bool
        Exchange x and y (for files with latitude first).
    geometry_type : str, optional
        Keep only features of this type from a mixed file.
    datum_check : bool
        Check the declared datum on evidence (:func:`geosci.datum.check_datum`).
    layer : str, optional
        Layer name inside a GeoPackage.
    drop_outliers : bool
        Drop the outliers (:func:`find_outliers`); they are always listed in
        the report.
    study_area : geometry, GeoDataFrame or bounds, optional
        Features outside it are outliers.
    crs_parameter : str or None
        The caller's name for ``crs``, named in messages; None when the
        caller has no CRS argument (the messages then say how to import
        the file first).
    input_parameter : str
        The caller's name for ``path``, named in messages about the input.
    rows : (int, int), optional
        Read only ``count`` features from the ``first`` (``(first, count)``),
        one part of a file too large to read whole (GeoJSON, GeoPackage,
        Shapefile); the part gets every check a whole file gets, and comes
        back empty (not an error) when none of its features has a geometry.

    Returns
    -------
    (GeoDataFrame, ImportReport)
        The layer in EPSG:4326 with all its attributes, and the report.

    Raises
    ------
    DataError
        With a one-line message naming the fix (a :class:`ParameterError`
        naming the parameter where one is the fix).
    """
    import shapely

    from geosci.crs import convert_frame
    from geosci.datum import DATUM_LABELS, check_datum
    from geosci.datum_crs import datum_of

    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ParameterError(
            input_parameter,
            f"cannot tell the format of {{name}} {path.name}: use .geojson, .gpkg, .shp, .kml, .parquet, .csv, .txt "
            "or .xlsx",
        )
    report = ImportReport(path=str(path), format=fmt)
    _check_file(path, fmt, input_parameter)
    target_crs, datum = resolve_crs(crs, parameter=crs_parameter or "crs") if crs is not None else (None, "wgs84")
    frame = _read_frame(path, fmt, encoding=encoding, lon=lon, lat=lat, columns=columns, layer=layer, report=report,
                        rows=rows)  # fmt: skip
    report.features_in = len(frame)
    if frame.empty:
        raise DataError(f"{path.name} has no features")
    if swap_xy:
        frame = frame.copy()
        frame.geometry = shapely.transform(frame.geometry.values, lambda c: c[:, ::-1].copy())
        report.count("x and y swapped (swap_xy)", len(frame))
    declared_by = "(given)"
    if target_crs is None:
        if frame.crs is None:
            raise _no_crs(frame, path, crs_parameter)
        named = datum_of(frame.crs)
        if named is not None:  # a GCJ-02 / BD-09 file geosci wrote: its CRS says so
            target_crs, datum = "EPSG:4326", named
            report.crs_in = f"{DATUM_LABELS[named]} (from the file's CRS definition)"
        else:
            target_crs = frame.crs.to_string()
            report.crs_in = f"{target_crs} (from the file)"
        declared_by = "by the file"
    else:
        report.crs_in = f"{crs} (given)"
    frame = frame.set_crs(target_crs, allow_override=True)
    frame = _repair(frame, report)
    if frame.empty and rows is not None:
        return frame.to_crs(4326) if frame.crs is not None else frame, report  # a part may hold none
    if frame.empty:
        raise DataError(f"{path.name} has no features with a geometry")
    frame = _uniform_types(frame, geometry_type, report)
    shown = str(crs) if crs is not None else (report.crs_in.split(" (")[0])
    _check_ranges(frame, target_crs, shown, crs_parameter)
    projected = not frame.crs.is_geographic
    src_name = datum if datum != "wgs84" or target_crs == "EPSG:4326" else _crs_label(frame.crs)
    frame = _source_positions(frame, src_name)
    if not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs(4326)
    report.datum = datum
    if datum_check:
        try:
            evidence = check_datum(frame, datum, parameter=crs_parameter, source=path.name, declared_by=declared_by,
                                   input_parameter=input_parameter)  # fmt: skip
        except ParameterError as exc:
            if not projected:
                raise
            found = exc.evidence.datum  # type: ignore[attr-defined]
            raise ParameterError(
                crs_parameter or input_parameter,
                f"{path.name} is in {shown}, but its positions are {DATUM_LABELS[found]} positions projected as if "
                f"they were WGS84: {exc.evidence.summary}: reproject the source data to longitude/latitude and "  # type: ignore[attr-defined]
                f"declare it {found}" + (" with {name}" if crs_parameter else ""),
            ) from None
        report.datum_evidence, report.datum_strength = evidence.summary, evidence.strength
        if evidence.strength == "weak":
            report.warnings.append(f"the datum ({DATUM_LABELS[datum]}) could not be confirmed: {evidence.summary}")
    frame = _keep_properties(frame, datum, report)
    if datum != "wgs84":
        frame = convert_frame(frame, src=datum, dst="wgs84")
        report.datum_conversion = f"{datum} -> wgs84 (geosci.crs, inverse iterated to < 1 mm)"
    frame = frame.reset_index(drop=True)
    report.outliers = find_outliers(frame, study_area=study_area)
    if report.outliers:
        n = len(report.outliers)
        if drop_outliers:
            frame = frame.drop(index=[o["row"] for o in report.outliers]).reset_index(drop=True)
            report.count("outliers dropped (far from the rest or outside the study area)", n)
        else:
            report.warnings.append(
                f"{n} of {len(frame)} features are outliers (far from the rest or outside the study area), "
                "kept: see the report's outliers"
            )
    report.features_out = len(frame)
    return frame, report


def _crs_label(crs) -> str:
    code = crs.to_epsg()
    return f"EPSG:{code}" if code else crs.to_string()


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
    out = frame.copy()
    cols = list(out.columns)
    id_col = id_field or next((c for c in ("id", "ID", "Id", "编号", "fid") if c in cols), None)
    if id_field and id_field not in cols:
        raise ParameterError(
            "id_field", f"{{name}} {id_field!r} is not a column: columns are {', '.join(map(str, cols))}"
        )
    name_col = name_field or next(
        (c for c in ("name_zh", "name", "名称", "NAME", "Name", "站名", "地名") if c in cols), None
    )  # noqa: E501
    if name_field and name_field not in cols:
        raise ParameterError(
            "name_field", f"{{name}} {name_field!r} is not a column: columns are {', '.join(map(str, cols))}"
        )
    ids = None
    if id_col and not renumber:
        raw = out[id_col]
        empty = raw.isna() | raw.astype(str).str.strip().isin(["", "nan", "None"])
        if empty.all() and not id_field:
            id_col = None  # an id column with no values (KML Placemarks without ids): new ids, the column kept
        else:
            ids = raw.astype(str).where(~empty, [f"{kind.replace(' ', '_')}-{i + 1:04d}" for i in range(len(out))])
    if ids is not None:
        dupes = sorted(set(ids[ids.duplicated()]))
        if dupes:
            raise ParameterError(
                "renumber",
                f"duplicate ids in column {id_col!r}: {', '.join(dupes[:5])}{' …' if len(dupes) > 5 else ''}: "
                "pass {name} for new ids (the old ones are kept as src_id), or choose a unique id column",
            )
    names = out[name_col].astype(str) if name_col else None
    if "status" in cols:
        st = out["status"].astype(str)
        bad = sorted(set(st[~st.isin(STATUSES)]))
        if bad:
            raise DataError(f"status values {bad} are not {'/'.join(STATUSES)}: fix the status column")
    required = {"id", "name_zh", "name_en", "kind", "status", "source", "accuracy_m", "geometry_basis"}
    keep_same = {c for c in (id_col, name_col, "status", "name_en") if c in required}
    rename = {c: f"orig_{c}" for c in cols if c in required and c not in keep_same and c != out.geometry.name}
    if renumber and id_col in cols:  # the source ids (AMap POI ids ...) are kept
        rename[id_col] = "src_id" if "src_id" not in cols else f"src_{id_col}"
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
