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


def label_written(path, frame, fmt: str) -> None:
    """Make a just-written GeoJSON or GeoPackage of GCJ-02 / BD-09 data say so (no-op for other data).

    GDAL keeps the named CRS in a GeoPackage's SRS table and a Shapefile's
    ``.prj`` by itself; a GeoJSON gets a ``crs`` member holding the WKT
    (GDAL and QGIS read it back) and a ``description``; a GeoPackage layer
    and its SRS get the description too. Called by
    :func:`geosci.io.write_layer` on the temporary file, before it is moved
    into place.

    Parameters
    ----------
    path : path
        The file just written.
    frame : GeoDataFrame
        The layer written; only its CRS is looked at.
    fmt : str
        ``geojson``, ``gpkg``, ``shp`` or ``csv``.
    """
    import json
    from pathlib import Path

    datum = datum_of(frame.crs)
    if datum is None:
        return
    path = Path(path)
    _, _, remark = DATUM_TITLES[datum]
    if fmt == "geojson":
        text = path.read_text(encoding="utf-8")
        head = '"type": "FeatureCollection",\n'
        members = (
            f'"crs": {{ "type": "name", "properties": {{ "name": {json.dumps(wkt(datum), ensure_ascii=False)} }} }},\n'
            f'"description": {json.dumps(remark, ensure_ascii=False)},\n'
        )
        if head in text:
            text = text.replace(head, head + members, 1)
        else:  # not GDAL's layout: rewrite the document
            doc = json.loads(text)
            doc = {"type": doc.pop("type"), **json.loads("{" + members.rstrip(",\n") + "}"), **doc}
            text = json.dumps(doc, ensure_ascii=False)
        path.write_text(text, encoding="utf-8")
    elif fmt == "gpkg":
        import sqlite3

        con = sqlite3.connect(path)
        try:
            with con:
                con.execute("UPDATE gpkg_contents SET description = ?", (remark,))
                con.execute(
                    "UPDATE gpkg_spatial_ref_sys SET description = ? WHERE srs_id IN "
                    "(SELECT srs_id FROM gpkg_geometry_columns)",
                    (remark,),
                )
        finally:
            con.close()
