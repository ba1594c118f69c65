"""A local tile archive (MBTiles) as the basemap of a single-file, offline map.

Planners on intranets hold basemap caches as ``.mbtiles`` files (SQLite:
``tiles(zoom_level, tile_column, tile_row, tile_data)`` with TMS rows, and a
``metadata`` table). :func:`read_tiles` takes the tiles that cover a map's
extent at the zooms around the one that fits it, and :func:`add_tiles` embeds
them in the page as data URIs with a small tile layer (written here) that
serves them to Leaflet: the HTML and the printed page carry a real basemap
with no tile server. Zooms outside the embedded ones show the nearest
embedded zoom scaled (Leaflet's ``maxNativeZoom``/``minNativeZoom``).

PMTiles archives are not read (no reader is installed); convert them to
MBTiles (``pmtiles convert``) first.
"""

from __future__ import annotations

import base64
import json
import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from geosci.errors import DataError, ParameterError

if TYPE_CHECKING:  # pragma: no cover
    import folium

__all__ = ["TileSet", "add_tiles", "archive_datum", "is_tile_archive", "read_tiles", "tile_range"]

_MIME = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}


def is_tile_archive(tiles: str) -> bool:
    """Return whether ``tiles`` names a local tile archive file (by its suffix)."""
    return str(tiles).lower().endswith((".mbtiles", ".pmtiles"))


@dataclass
class TileSet:
    """Tiles read from an archive: ``{"z/x/y": data URI}`` and what they are."""

    tiles: dict[str, str]
    zooms: tuple[int, int]
    attribution: str
    datum: str = "wgs84"


def tile_range(bounds: tuple[float, float, float, float], z: int) -> tuple[int, int, int, int]:
    """Return ``(xmin, ymin, xmax, ymax)`` of the XYZ tiles covering ``bounds`` (lon/lat) at zoom ``z``.

    Examples
    --------
    >>> tile_range((106.3, 29.4, 106.5, 29.6), 10)
    (814, 423, 814, 424)
    """
    n = 2**z

    def xy(lon, lat):
        lat = max(min(lat, 85.0511), -85.0511)
        x = int((lon + 180.0) / 360.0 * n)
        y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        return min(max(x, 0), n - 1), min(max(y, 0), n - 1)

    minx, miny, maxx, maxy = bounds
    x0, y0 = xy(minx, maxy)
    x1, y1 = xy(maxx, miny)
    return x0, y0, x1, y1


def archive_datum(path: str | Path, meta: dict | None = None) -> str:
    """Return the datum of an archive's tiles: ``gcj02`` when its metadata says GCJ-02 (AMap caches), else ``wgs84``."""
    if meta is None:
        try:
            con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
            with con:
                meta = dict(con.execute("SELECT name, value FROM metadata").fetchall())
            con.close()
        except sqlite3.DatabaseError:
            return "wgs84"
    text = json.dumps(meta, ensure_ascii=False).lower()
    return "gcj02" if "gcj" in text or "高德" in text or "autonavi" in text else "wgs84"


def _fit_zoom(bounds, width_px: int = 1100) -> int:
    span = max(bounds[2] - bounds[0], 1e-6)
    return int(math.floor(math.log2(360.0 * width_px / 256.0 / span)))


def read_tiles(path: str | Path, bounds: tuple[float, float, float, float], *, max_tiles: int = 1500) -> TileSet:
    """Read the tiles of an MBTiles archive that cover ``bounds`` at the zooms around the one that fits them.

    Parameters
    ----------
    path : path
        The ``.mbtiles`` file.
    bounds : tuple
        ``(minx, miny, maxx, maxy)`` in longitude/latitude.
    max_tiles : int
        At most this many tiles are embedded: zooms are added outward from
        the fitting one while they fit.

    Raises
    ------
    ParameterError
        For a missing file, a PMTiles archive, or a file that is not MBTiles.
    DataError
        When the archive has no tile within the map's extent.
    """
    path = Path(path)
    if path.suffix.lower() == ".pmtiles":
        raise ParameterError("tiles", f"{{name}} {str(path)!r}: PMTiles are not read; convert to MBTiles "
                             "(pmtiles convert in.pmtiles out.mbtiles)")  # fmt: skip
    if not path.is_file():
        raise ParameterError("tiles", f"{{name}} {str(path)!r} is not a file")
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        with con:
            meta = dict(con.execute("SELECT name, value FROM metadata").fetchall())
            have = [r[0] for r in con.execute("SELECT DISTINCT zoom_level FROM tiles ORDER BY zoom_level")]
            fmt = str(meta.get("format", "png")).lower()
            mime = _MIME.get(fmt, "image/png")
            fit = _fit_zoom(bounds)
            order = sorted(have, key=lambda z: (abs(z - fit), -z))
            out: dict[str, str] = {}
            used = []
            for z in order:
                x0, y0, x1, y1 = tile_range(bounds, z)
                if (x1 - x0 + 1) * (y1 - y0 + 1) + len(out) > max_tiles:
                    continue
                n = 2**z
                rows = con.execute(
                    "SELECT tile_column, tile_row, tile_data FROM tiles WHERE zoom_level = ? AND tile_column BETWEEN ? "
                    "AND ? AND tile_row BETWEEN ? AND ?", (z, x0, x1, n - 1 - y1, n - 1 - y0),
                ).fetchall()  # fmt: skip
                for x, row, data in rows:
                    out[f"{z}/{x}/{n - 1 - row}"] = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
                if rows:
                    used.append(z)
        con.close()
    except sqlite3.DatabaseError as exc:
        raise ParameterError("tiles", f"{{name}} {str(path)!r} is not an MBTiles archive: {exc}") from None
    if not out:
        box = ",".join(f"{b:.4f}" for b in bounds)
        raise DataError(f"the tile archive {path.name} has no tile within the map's extent {box}")
    datum = archive_datum(path, meta)
    attribution = str(meta.get("attribution") or f"tiles: {path.name}")
    return TileSet(tiles=out, zooms=(min(used), max(used)), attribution=attribution, datum=datum)


_JS = """{% macro script(this, kwargs) %}
(function (map, tiles) {
  var Local = L.TileLayer.extend({
    getTileUrl: function (c) {
      return tiles[c.z + '/' + c.x + '/' + c.y] ||
        'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
    }
  });
  new Local('', {minNativeZoom: {{ this.zmin }}, maxNativeZoom: {{ this.zmax }}, maxZoom: 20,
                 attribution: {{ this.attribution|tojson }}, className: 'geosci-local-tiles'}).addTo(map).bringToBack();
})({{ this._parent.get_name() }}, {{ this.tiles }});
{% endmacro %}"""


def add_tiles(m: folium.Map, tileset: TileSet) -> None:
    """Draw ``tileset`` on ``m`` as its basemap, the tiles embedded in the page."""
    from branca.element import MacroElement
    from jinja2 import Template

    class LocalTiles(MacroElement):
        _template = Template(_JS)

        def __init__(self):
            super().__init__()
            self._name = "GeosciLocalTiles"
            self.tiles = json.dumps(tileset.tiles)
            self.zmin, self.zmax = tileset.zooms
            self.attribution = tileset.attribution

    m.add_child(LocalTiles())
