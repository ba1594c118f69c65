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

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "CHINA_DATUMS",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "convert",
    "convert_geometry",
    "convert_frame",
    "equal_area_crs",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "in_china",
    "metric_crs",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

Datum = Literal["wgs84", "gcj02", "bd09"]
CHINA_DATUMS: tuple[str, ...] = ("wgs84", "gcj02", "bd09")

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
        raise ValueError(f"lon and lat should have the same shape, got {lon.shape} and {lat.shape}")
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


def _check_datum(name: str, value: str) -> str:
    key = str(value).lower().replace("-", "").replace("_", "")
    key = {"gcj": "gcj02", "amap": "gcj02", "bd": "bd09", "baidu": "bd09", "epsg4326": "wgs84"}.get(key, key)
    if key not in CHINA_DATUMS:
        raise ValueError(f"{name} should be one of {', '.join(CHINA_DATUMS)}, got {value!r}")
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
        raise ValueError(
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
