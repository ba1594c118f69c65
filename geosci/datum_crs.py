"""Named CRS definitions for GCJ-02 and BD-09, which have no EPSG code.

GCJ-02 (AMap/Gaode, Tencent) and BD-09 (Baidu) are WGS84 longitudes and
latitudes with a deliberate offset (GCJ-02: 300-700 m in China; BD-09 a
further ~600 m). No registry gives them a code, so a file converted to
them would otherwise be labelled WGS84 and sit, unexplained, hundreds of
metres off in QGIS. geosci writes these definitions instead: a geographic
CRS on the WGS 84 ellipsoid whose *name*, *datum name* and *remark* say what
the coordinates are. GDAL keeps the name in a GeoPackage SRS, a
Shapefile ``.prj`` (as ``GCS_GCJ-02``) and a GeoJSON ``crs`` member, and
:func:`datum_of` recognises them when such a file is read back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from pyproj import CRS

__all__ = ["DATUM_TITLES", "datum_of", "pyproj_crs", "wkt"]

#: Name, datum name and one-line description of each offset datum.
DATUM_TITLES: dict[str, tuple[str, str, str]] = {
    "gcj02": (
        "GCJ-02",
        "GCJ-02 (not an EPSG system; AMap/Tencent)",
        "GCJ-02 (not an EPSG system; AMap/Tencent): WGS 84 longitude/latitude shifted by the Chinese GCJ-02 "
        "algorithm, 300-700 m in China. Convert to WGS 84 before combining with other data "
        "(geosci.crs.gcj02_to_wgs84); do not reproject it as if it were WGS 84.",
    ),
    "bd09": (
        "BD-09",
        "BD-09 (not an EPSG system; Baidu)",
        "BD-09 (not an EPSG system; Baidu): GCJ-02 longitude/latitude further shifted by Baidu's BD-09 "
        "transform, 0.8-1.3 km from WGS 84 in China. Convert to WGS 84 before combining with other data "
        "(geosci.crs.bd09_to_wgs84); do not reproject it as if it were WGS 84.",
    ),
}

_DEG = 'ANGLEUNIT["degree",0.0174532925199433]'


def wkt(datum: str) -> str:
    """Return the WKT2 definition of ``gcj02`` or ``bd09``.

    Examples
    --------
    >>> wkt("gcj02").splitlines()[0]
    'GEOGCRS["GCJ-02",'
    """
    name, datum_name, remark = DATUM_TITLES[datum]
    return (
        f'GEOGCRS["{name}",\n'
        f'    DATUM["{datum_name}",\n'
        '        ELLIPSOID["WGS 84",6378137,298.257223563,LENGTHUNIT["metre",1]]],\n'
        f'    PRIMEM["Greenwich",0,{_DEG}],\n'
        "    CS[ellipsoidal,2],\n"
        f'        AXIS["geodetic longitude (Lon)",east,ORDER[1],{_DEG}],\n'
        f'        AXIS["geodetic latitude (Lat)",north,ORDER[2],{_DEG}],\n'
        f'    REMARK["{remark}"]]'
    )


def pyproj_crs(datum: str) -> CRS:
    """Return the pyproj CRS of ``gcj02`` or ``bd09`` (see :func:`wkt`)."""
    from pyproj import CRS

    return CRS.from_wkt(wkt(datum))


def datum_of(crs) -> str | None:
    """Return ``"gcj02"`` or ``"bd09"`` when ``crs`` is one of geosci's named definitions, else None.

    Recognises the definitions as GDAL reads them back from a GeoPackage,
    a Shapefile ``.prj`` (``GCS_GCJ-02``) or a GeoJSON ``crs`` member.

    Examples
    --------
    >>> datum_of(pyproj_crs("bd09")), datum_of("EPSG:4326")
    ('bd09', None)
    """
    if crs is None:
        return None
    from pyproj import CRS

    try:
        crs = CRS.from_user_input(crs)
    except Exception:  # noqa: BLE001 - anything pyproj refuses is not ours
        return None
    if not crs.is_geographic or crs.to_epsg() is not None:
        return None
    names = [crs.name or ""]
    if crs.datum is not None:
        names.append(crs.datum.name or "")
    text = " ".join(names).upper().replace("_", "-")
    for key, (name, _, _) in DATUM_TITLES.items():
        if name in text:
            return key
    return None
