"""Coordinate systems: WGS84, GCJ-02, BD-09 and the metric CRS of a study area.

GCJ-02 (used by AMap/Gaode and Tencent) and BD-09 (Baidu) are not EPSG
systems: they are WGS84 coordinates with a deliberate, smoothly varying
offset of roughly 300-600 m inside China. PROJ does not implement them, so
they are implemented here, vectorised over NumPy arrays and shapely
geometries. The forward transforms follow the published GCJ-02 algorithm
(Krasovsky 1940 ellipsoid constants) and Baidu's BD-09 rotation; the inverse
transforms are solved by fixed-point iteration to well under a millimetre.

Every distance and area in geosci is computed in a metric CRS chosen once
per study area by :func:`metric_crs`: the CGCS2000 3-degree Gauss-Krüger zone
whose central meridian is nearest to the area, as Chinese planning bureaus
use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from geosci.errors import DataError, ParameterError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "CHINA_DATUMS",
    "CRS_NAMES",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "convert",
    "convert_geometry",
    "convert_frame",
    "equal_area_crs",
    "frame_to_crs",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "in_china",
    "metric_crs",
    "parse_crs",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

CHINA_DATUMS: tuple[str, ...] = ("wgs84", "gcj02", "bd09")
#: The names :func:`parse_crs` accepts besides any EPSG code, for help texts.
CRS_NAMES: tuple[str, ...] = ("wgs84", "gcj02", "bd09", "cgcs2000")

_A = 6378245.0  # semi-major axis used by the GCJ-02 algorithm (Krasovsky 1940)
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0
# Bounding box of mainland China used by the GCJ-02 algorithm: outside it the
# offset is not applied (Hong Kong, Macau and Taiwan are inside this box; the
# published algorithm treats them the same way).
_CHINA_BOX = (72.004, 0.8293, 137.8347, 55.8271)


def _as_arrays(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    if lon.shape != lat.shape:
        raise DataError(f"lon and lat should have the same shape, got {lon.shape} and {lat.shape}")
    return lon, lat


def in_china(lon, lat) -> np.ndarray:
    """Tell which positions fall in the box where the GCJ-02 offset applies.

    Parameters
    ----------
    lon, lat : array_like
        Longitudes and latitudes in degrees.

    Returns
    -------
    numpy.ndarray
        Boolean array, True where the offset is applied.

    Examples
    --------
    >>> in_china([106.3, 2.35], [29.6, 48.85]).tolist()
    [True, False]
    """
    lon, lat = _as_arrays(lon, lat)
    x0, y0, x1, y1 = _CHINA_BOX
    return (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)


def _gcj_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the GCJ-02 offset (degrees) to add to WGS84 positions."""
    x = lon - 105.0
    y = lat - 35.0
    sx = np.sqrt(np.abs(x))
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx
    dlat += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx
    dlon += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    inside = in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Convert WGS84 positions to GCJ-02 (AMap, Tencent).

    Parameters
    ----------
    lon, lat : array_like
        WGS84 longitudes and latitudes in degrees.

    Returns
    -------
    tuple of numpy.ndarray
        GCJ-02 longitudes and latitudes. Positions outside China are
        returned unchanged.

    Examples
    --------
    >>> lon, lat = wgs84_to_gcj02(106.3, 29.6)
    >>> round(float(lon), 6), round(float(lat), 6)
    (106.303827, 29.597341)
    """
    lon, lat = _as_arrays(lon, lat)
    dlon, dlat = _gcj_offset(lon, lat)
    return lon + dlon, lat + dlat


def _invert(forward: Callable, lon, lat, *, tol: float = 1e-10, max_iter: int = 30):
    """Invert ``forward`` by fixed-point iteration, starting at the input."""
    tlon, tlat = _as_arrays(lon, lat)
    glon, glat = tlon.copy(), tlat.copy()
    for _ in range(max_iter):
        flon, flat = forward(glon, glat)
        elon, elat = flon - tlon, flat - tlat
        glon = glon - elon
        glat = glat - elat
        if np.all(np.abs(elon) < tol) and np.all(np.abs(elat) < tol):
            break
    return glon, glat


def gcj02_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Convert GCJ-02 positions to WGS84 by iterating the forward transform.

    The residual is below 1e-10 degrees (about 0.01 mm).

    Examples
    --------
    >>> lon, lat = gcj02_to_wgs84(106.303827, 29.597341)
    >>> round(float(lon), 5), round(float(lat), 5)
    (106.3, 29.6)
    """
    return _invert(wgs84_to_gcj02, lon, lat)


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Convert GCJ-02 positions to BD-09 (Baidu)."""
    lon, lat = _as_arrays(lon, lat)
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Convert BD-09 positions to GCJ-02 by iterating the forward transform."""
    return _invert(gcj02_to_bd09, lon, lat)


def wgs84_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Convert WGS84 positions to BD-09 (via GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Convert BD-09 positions to WGS84 (via GCJ-02)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_CONVERTERS: dict[tuple[str, str], Callable] = {
    ("wgs84", "gcj02"): wgs84_to_gcj02,
    ("gcj02", "wgs84"): gcj02_to_wgs84,
    ("gcj02", "bd09"): gcj02_to_bd09,
    ("bd09", "gcj02"): bd09_to_gcj02,
    ("wgs84", "bd09"): wgs84_to_bd09,
    ("bd09", "wgs84"): bd09_to_wgs84,
}


_USE = "use wgs84, gcj02 (AMap), bd09 (Baidu), cgcs2000 or EPSG:XXXX"
_ALIASES = {
    "wgs84": "wgs84", "wgs1984": "wgs84", "4326": "wgs84", "epsg4326": "wgs84", "crs84": "wgs84",
    "ogccrs84": "wgs84", "gps": "wgs84",
    "gcj02": "gcj02", "gcj": "gcj02", "amap": "gcj02", "gaode": "gcj02", "autonavi": "gcj02",
    "tencent": "gcj02", "qq": "gcj02", "mars": "gcj02", "高德": "gcj02", "火星": "gcj02", "腾讯": "gcj02",
    "bd09": "bd09", "bd": "bd09", "baidu": "bd09", "bd09ll": "bd09", "百度": "bd09",
    "cgcs2000": "EPSG:4490", "4490": "EPSG:4490", "epsg4490": "EPSG:4490", "国家2000": "EPSG:4490",
}  # fmt: skip


def _from_pyproj(value, parameter: str) -> str:
    """Name a CRS pyproj understands: ``wgs84``, ``EPSG:n`` or its PROJ string; refuse non-horizontal ones."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        crs = CRS.from_user_input(value)
    except (CRSError, TypeError, ValueError):
        raise ParameterError(parameter, f"{{name}} {str(value)!r} is not a CRS geosci knows: {_USE}") from None
    from geosci import datum_crs  # the named GCJ-02 / BD-09 definitions geosci writes into files

    named = datum_crs.datum_of(crs)
    if named is not None:
        return named
    shown = str(value)[:60]
    if crs.is_vertical and not crs.is_compound:
        raise ParameterError(
            parameter, f"{{name}} {shown!r} is a vertical CRS ({crs.name}), not a horizontal one: {_USE}"
        )
    if crs.is_compound:
        horizontal = crs.sub_crs_list[0]
        code = horizontal.to_epsg()
        hint = f"EPSG:{code}" if code else "its horizontal part"
        raise ParameterError(
            parameter,
            f"{{name}} {shown!r} is a compound CRS ({crs.name}) with a vertical part geosci does not use: "
            f"give the horizontal CRS only ({hint}), or {_USE}",
        )
    if not (crs.is_geographic or crs.is_projected) or len(crs.axis_info) != 2:
        raise ParameterError(
            parameter, f"{{name}} {shown!r} is a {crs.type_name} ({crs.name}), not a 2D horizontal CRS: {_USE}"
        )
    code = crs.to_epsg()
    if code == 4326:
        return "wgs84"
    return f"EPSG:{code}" if code else crs.to_string()


def parse_crs(value: str | int | None, *, parameter: str = "crs") -> str:
    """Turn any CRS name a planner may type into one canonical name.

    One vocabulary for every command: ``wgs84``, ``gcj02`` (AMap/Gaode,
    Tencent), ``bd09`` (Baidu), or ``EPSG:NNNN`` (``cgcs2000`` is
    ``EPSG:4490``). Anything else pyproj understands (WKT, PROJ strings,
    ``ESRI:`` codes) becomes its EPSG code, or its PROJ string when it has
    none. Only 2D horizontal CRSs are accepted.

    Parameters
    ----------
    value : str or int or None
        What the user gave; ``None`` means WGS84.
    parameter : str
        The caller's name for the argument, used in error messages.

    Returns
    -------
    str
        ``"wgs84"``, ``"gcj02"``, ``"bd09"`` or an ``EPSG:`` code (a PROJ
        string for a CRS without one).

    Raises
    ------
    ParameterError
        For an unknown name, and for vertical, compound or 3D CRSs.

    Examples
    --------
    >>> parse_crs("AMap"), parse_crs("baidu"), parse_crs("WGS 84"), parse_crs(None)
    ('gcj02', 'bd09', 'wgs84', 'wgs84')
    >>> parse_crs("cgcs2000"), parse_crs(4544), parse_crs("epsg:4326")
    ('EPSG:4490', 'EPSG:4544', 'wgs84')
    >>> parse_crs("+proj=utm +zone=48 +datum=WGS84")
    'EPSG:32648'
    >>> parse_crs("mercator")
    Traceback (most recent call last):
    ...
    geosci.errors.ParameterError: crs 'mercator' is not a CRS geosci knows: use wgs84, gcj02 (AMap), bd09 (Baidu), cgcs2000 or EPSG:XXXX
    >>> parse_crs("EPSG:5773", parameter="to")
    Traceback (most recent call last):
    ...
    geosci.errors.ParameterError: to 'EPSG:5773' is a vertical CRS (EGM96 height), not a horizontal one: use wgs84, gcj02 (AMap), bd09 (Baidu), cgcs2000 or EPSG:XXXX
    """  # noqa: E501
    if value is None:
        return "wgs84"
    if isinstance(value, bool):
        raise ParameterError(parameter, f"{{name}} {value!r} is not a CRS geosci knows: {_USE}")
    if isinstance(value, (int, np.integer)):
        value = f"EPSG:{int(value)}"
    text = str(value).strip()
    key = re.sub(r"[\s_:\-]", "", text.lower())
    if key in _ALIASES:
        return _ALIASES[key]
    if not key:
        raise ParameterError(parameter, f"{{name}} is empty: {_USE}")
    if key.isdigit():
        text = f"EPSG:{key}"
    return _from_pyproj(text, parameter)


def _check_datum(name: str, value: str) -> str:
    """Return the datum (wgs84, gcj02, bd09) ``value`` names; a ParameterError for anything else."""
    try:
        key = parse_crs(value, parameter=name)
    except ParameterError:
        key = None
    if key not in CHINA_DATUMS:
        raise ParameterError(name, f"{{name}} should be one of {', '.join(CHINA_DATUMS)}, got {value!r}")
    return key


def convert(lon, lat, *, src: str, dst: str) -> tuple[np.ndarray, np.ndarray]:
    """Convert positions between ``wgs84``, ``gcj02`` and ``bd09``.

    Parameters
    ----------
    lon, lat : array_like
        Longitudes and latitudes in degrees.
    src, dst : {"wgs84", "gcj02", "bd09"}
        Datum of the input and of the output.

    Returns
    -------
    tuple of numpy.ndarray

    Examples
    --------
    >>> lon, lat = convert(106.3, 29.6, src="wgs84", dst="bd09")
    >>> lon2, lat2 = convert(lon, lat, src="bd09", dst="wgs84")
    >>> round(float(lon2), 8), round(float(lat2), 8)
    (106.3, 29.6)
    """
    src, dst = _check_datum("src", src), _check_datum("dst", dst)
    if src == dst:
        return _as_arrays(lon, lat)
    return _CONVERTERS[(src, dst)](lon, lat)


def convert_geometry(geoms, *, src: str, dst: str):
    """Convert shapely geometries (one or an array) between datums.

    Z coordinates are kept unchanged.
    """
    import shapely

    src, dst = _check_datum("src", src), _check_datum("dst", dst)
    if src == dst:
        return geoms

    def _fn(coords: np.ndarray) -> np.ndarray:
        out = coords.copy()
        out[:, 0], out[:, 1] = convert(coords[:, 0], coords[:, 1], src=src, dst=dst)
        return out

    return shapely.transform(geoms, _fn, include_z=None)  # keep each geometry's Z


def convert_frame(frame: gpd.GeoDataFrame, *, src: str, dst: str) -> gpd.GeoDataFrame:
    """Return a copy of a GeoDataFrame with its geometries converted between datums.

    The frame must be in geographic coordinates (EPSG:4326 or none); GCJ-02
    and BD-09 data are conventionally labelled EPSG:4326 by the tools that
    export them.
    """
    if frame.crs is not None and not frame.crs.is_geographic:
        raise DataError(
            f"convert_frame needs longitude/latitude data, got a projected CRS ({frame.crs.name}): "
            "reproject to EPSG:4326 first"
        )
    out = frame.copy()
    out.geometry = convert_geometry(frame.geometry.values, src=src, dst=dst)
    return out


def metric_crs(bounds_or_lon, lat: float | None = None) -> str:
    """Choose the metric CRS for a study area: its CGCS2000 3-degree Gauss-Krüger zone.

    Parameters
    ----------
    bounds_or_lon : tuple of float or float
        ``(minx, miny, maxx, maxy)`` in degrees, or a longitude.
    lat : float, optional
        Latitude, when a longitude is given (used only for areas outside
        China, which get their UTM zone instead).

    Returns
    -------
    str
        An ``EPSG:`` code.

    Examples
    --------
    >>> metric_crs((106.2, 29.3, 106.6, 29.8))
    'EPSG:4544'
    >>> metric_crs(-46.63, -23.55)
    'EPSG:32723'
    """
    if lat is None:
        minx, miny, maxx, maxy = bounds_or_lon
        lon, lat = (minx + maxx) / 2.0, (miny + maxy) / 2.0
    else:
        lon = float(bounds_or_lon)
    if 73.5 <= lon <= 136.5 and 3.0 <= lat <= 54.0:
        central = int(round(lon / 3.0)) * 3
        return f"EPSG:{4534 + (central - 75) // 3}"
    zone = int((lon + 180.0) // 6.0) + 1
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"


def equal_area_crs(bounds: tuple[float, float, float, float]) -> str:
    """Return a Lambert azimuthal equal-area CRS (PROJ string) centred on ``bounds``.

    Used for area statistics where the Gauss-Krüger scale error (up to
    about 0.1 % at a zone edge) matters.
    """
    minx, miny, maxx, maxy = bounds
    return f"+proj=laea +lat_0={(miny + maxy) / 2:.4f} +lon_0={(minx + maxx) / 2:.4f} +ellps=GRS80 +units=m +no_defs"


def frame_to_crs(frame: gpd.GeoDataFrame, crs_name: str | int) -> gpd.GeoDataFrame:
    """Return a copy of a layer in the CRS ``crs_name`` (any value :func:`parse_crs` takes).

    GCJ-02 and BD-09 are reached with :func:`convert_frame`; the result
    carries the named GCJ-02 / BD-09 definition of :mod:`geosci.datum_crs`
    as its CRS, so files written from it say what they hold. EPSG systems
    are reached with ``to_crs``; ``cgcs2000`` (EPSG:4490) is labelled, not
    shifted (it agrees with WGS84 to well under a metre).

    Examples
    --------
    >>> from geosci.catalog import read_layer
    >>> districts = read_layer("districts")
    >>> frame_to_crs(districts, "amap").crs.name
    'GCJ-02'
    >>> frame_to_crs(districts, 4544).crs.to_epsg()
    4544
    """
    from geosci import datum_crs

    name = parse_crs(crs_name)
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs(4326)
    if name in ("gcj02", "bd09"):
        out = convert_frame(frame, src="wgs84", dst=name)
        return out.set_crs(datum_crs.pyproj_crs(name), allow_override=True)
    if name == "wgs84":
        return frame.set_crs(4326, allow_override=True) if frame.crs is None else frame.copy()
    if name == "EPSG:4490":
        return frame.set_crs(name, allow_override=True)
    return frame.to_crs(name)
