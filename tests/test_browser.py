"""Maps opened in headless Chromium with no network at all, checked from the rendered DOM.

Chromium runs inside a new network namespace (``unshare --net``: no interface but
a downed loopback), so anything the page tried to fetch would fail. Where the
namespace cannot be made, every host name is resolved to nothing instead.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import warnings
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from geosci.browser import browser_args
from geosci.catalog import read_layer
from geosci.crs import wgs84_to_gcj02
from geosci.mapping import build_map
from geosci.offline import map_to_html
from geosci.recipes import list_recipes, load_recipe

pytestmark = pytest.mark.browser

BROWSER = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
if BROWSER is None:
    pytest.skip("no Chromium installed (apt-get install chromium): browser tests skipped", allow_module_level=True)

# Appended to a copy of the page: after Leaflet has drawn, record what the map holds.
PROBE = """
<script>
window.addEventListener('load', function () {
  setTimeout(function () {
    var el = document.querySelector('.folium-map'), map = window[el.id], out = {points: {}, layers: 0};
    map.eachLayer(function (l) {
      if (l.feature && l.getLatLng && l.feature.properties.id) {
        var p = l.getLatLng(); out.points[l.feature.properties.id] = [p.lng, p.lat];
      }
      out.layers += 1;
    });
    var pre = document.createElement('pre'); pre.id = 'geosci-probe';
    pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
  }, 300);
});
</script>
"""


@lru_cache(maxsize=1)
def _offline_prefix() -> tuple[str, ...]:
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "--net", "true"], capture_output=True).returncode == 0:
        return (unshare, "--net")
    return ()


def _run_browser(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    args = [*_offline_prefix(), BROWSER, *browser_args(str(profile), *extra)]
    if not _offline_prefix():
        args.insert(-len(extra) or len(args), "--host-resolver-rules=MAP * ~NOTFOUND")
    args.append(page.as_uri())
    return subprocess.run(args, capture_output=True, text=True, timeout=180)


def _render(html: str, tmp_path: Path, name: str) -> tuple[str, dict]:
    page = tmp_path / f"{name}.html"
    page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    proc = _run_browser(page, tmp_path / "profile", "--virtual-time-budget=5000", "--dump-dom")
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    m = re.search(r'<pre id="geosci-probe">(.*?)</pre>', dom, re.S)
    assert m, "the page's scripts did not run (probe missing)"
    return dom, json.loads(m.group(1).replace("&quot;", '"'))


def _expected_counts(recipe: dict) -> dict[str, int]:
    counts = {}
    for entry in recipe["layers"]:
        frame = read_layer(entry["layer"])
        for field, values in entry.get("where", {}).items():
            frame = frame[frame[field].astype(str).isin([str(v) for v in values])]
        frame = frame[~frame.geometry.isna() & ~frame.geometry.is_empty]
        key = "".join(c if c.isalnum() or c in "-_" else "_" for c in str(entry.get("id", entry["layer"])))
        counts[f"geosci-{key}"] = len(frame)
    return counts


@pytest.mark.parametrize("name", list_recipes())
def test_recipe_draws_every_feature_offline(name, tmp_path):
    recipe = load_recipe(name)
    dom, probe = _render(map_to_html(build_map(recipe)), tmp_path, name)
    drawn = Counter()
    for cls in re.findall(r'<path[^>]*class="([^"]+)"', dom):
        for c in cls.split():
            if c.startswith("geosci-"):
                drawn[c] += 1
    assert dict(drawn) == _expected_counts(recipe)
    assert 'class="geosci-legend' in dom and "geosci-legend-row" in dom
    assert 'class="geosci-title' in dom and 'class="geosci-north' in dom
    assert 'class="geosci-scale' in dom and 'class="leaflet-control-layers' in dom
    assert not re.search(r"\d\s*(mi|ft)<", dom)  # a metric scale bar only
    rows = re.findall(r'class="geosci-legend-row"', dom)
    assert len(rows) >= len([e for e in recipe["layers"] if e.get("legend") is not False])
    # every layer whose style has a fill colour is drawn filled, as its legend swatch shows
    for entry in recipe["layers"]:
        styles = [entry.get("style", {})] + list(entry.get("styles", {}).values())
        if any("fillColor" in s for s in styles):
            key = "".join(c if c.isalnum() or c in "-_" else "_" for c in str(entry.get("id", entry["layer"])))
            fills = re.findall(rf'<path class="geosci-{re.escape(key)} [^>]*fill="([^"]+)"', dom)
            assert fills and "none" not in fills, (key, set(fills))


def test_amap_station_is_drawn_at_its_gcj02_position(tmp_path):
    _, probe = _render(map_to_html(build_map(load_recipe("transit"), tiles="amap")), tmp_path, "amap")
    stations = read_layer("rail_stations").set_index("id")
    assert set(stations.index) <= set(probe["points"])
    for sid in [stations.index[0], stations.index[len(stations) // 2], stations.index[-1]]:
        st = stations.loc[sid].geometry
        lon, lat = wgs84_to_gcj02(st.x, st.y)
        assert probe["points"][sid] == pytest.approx([float(lon), float(lat)], abs=1e-6)
    _, plain = _render(map_to_html(build_map(load_recipe("transit"))), tmp_path, "plain")
    st = stations.iloc[0].geometry
    assert plain["points"][stations.index[0]] == pytest.approx([st.x, st.y], abs=1e-6)


def test_png_screenshot_is_not_blank(tmp_path):
    import rasterio

    page = tmp_path / "district.html"
    page.write_text(map_to_html(build_map(load_recipe("district"))), encoding="utf-8")
    png = tmp_path / "district.png"
    proc = _run_browser(page, tmp_path / "p2", "--window-size=1200,900", "--virtual-time-budget=4000",
                        f"--screenshot={png}")  # fmt: skip
    assert proc.returncode == 0 and png.exists(), proc.stderr[-2000:]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)  # a PNG has no geotransform
        src = rasterio.open(png)
    with src:
        rgb = src.read([1, 2, 3])
    assert rgb.shape == (3, 900, 1200)
    colours = np.unique(rgb.reshape(3, -1).T, axis=0)
    assert len(colours) > 50  # fills, lines, text: not one flat colour
    # the map (district fills, lines, controls) covers a good part of the frame, not only the background
    background = rgb[:, 450, 5].astype(int)  # left edge, mid-height: outside the districts
    differs = np.abs(rgb.astype(int) - background[:, None, None]).sum(axis=0) > 10
    assert differs.mean() > 0.15


def test_cli_png_pdf_and_a_mismatched_suffix(tmp_path):
    from click.testing import CliRunner

    from geosci.commands import main

    png, pdf = tmp_path / "axis.png", tmp_path / "axis.pdf"
    res = CliRunner().invoke(main, ["map", "axis", "--png", str(png), "--pdf", str(pdf), "--dpi", "40",
                                    "--page", "A4", "--portrait", "--title", "测试 Test", "--extent", "core"])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and pdf.read_bytes()[:5] == b"%PDF-"
    assert "dropped for lack of room" in res.stderr
    res = CliRunner().invoke(main, ["map", "axis", "--png", str(tmp_path / "x.pdf")])
    assert res.exit_code == 2 and res.stderr.strip() == f"Error: --png '{tmp_path / 'x.pdf'}' should end in .png"
    assert not (tmp_path / "x.pdf").exists()


def _png(rgb: tuple[int, int, int], size: int = 256) -> bytes:
    """A one-colour PNG, written by hand (no imaging library needed)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _mbtiles(path: Path, bounds, zooms=range(8, 13)) -> int:
    import sqlite3

    from geosci.tiles import tile_range

    con = sqlite3.connect(path)
    con.execute("CREATE TABLE metadata (name text, value text)")
    con.execute("CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)")
    con.executemany("INSERT INTO metadata VALUES (?, ?)", [("name", "test"), ("format", "png"),
                                                          ("attribution", "test tiles © nobody")])  # fmt: skip
    data, n = _png((200, 230, 201)), 0
    for z in zooms:
        x0, y0, x1, y1 = tile_range(bounds, z)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                con.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, 2**z - 1 - y, data))
                n += 1
    con.commit()
    con.close()
    return n


def test_local_mbtiles_basemap_is_embedded_and_drawn_offline(tmp_path):
    archive = tmp_path / "cache.mbtiles"
    _mbtiles(archive, (105.9, 29.0, 106.8, 30.0))
    html = map_to_html(build_map(load_recipe("transit"), tiles=str(archive)))
    assert "test tiles" in html and "data:image/png;base64," in html
    probe = """<script>window.addEventListener('load', function () { setTimeout(function () {
      var imgs = Array.prototype.slice.call(document.querySelectorAll('img.leaflet-tile'));
      var pre = document.createElement('pre'); pre.id = 'tiles-probe';
      pre.textContent = JSON.stringify(imgs.map(function (i) { return [i.src.slice(0, 22), i.naturalWidth]; }));
      document.body.appendChild(pre); }, 800); });</script>"""
    page = tmp_path / "tiles.html"
    page.write_text(html.replace("</body>", probe + "</body>"), encoding="utf-8")
    proc = _run_browser(page, tmp_path / "profile", "--virtual-time-budget=5000", "--dump-dom")
    found = re.search(r'<pre id="tiles-probe">(.*?)</pre>', proc.stdout, re.S)
    assert found, proc.stderr[-1000:]
    tiles = json.loads(found.group(1).replace("&quot;", '"'))
    drawn = [t for t in tiles if t[0] == "data:image/png;base64," and t[1] == 256]
    assert len(drawn) >= 4, tiles[:5]


CLEAR_PROBE = """
<script>
window.addEventListener('load', function () {
  setTimeout(function () {
    var el = document.querySelector('.folium-map'), map = window[el.id], out = {points: {}};
    var r = document.querySelector('.geosci-legend').getBoundingClientRect(), m = el.getBoundingClientRect();
    out.legend = [r.left - m.left, r.top - m.top, r.right - m.left, r.bottom - m.top];
    var b = document.querySelector('meta[name="geosci-bounds"]').getAttribute('content').split(',').map(Number);
    var sw = map.latLngToContainerPoint([b[1], b[0]]), ne = map.latLngToContainerPoint([b[3], b[2]]);
    out.bounds = [sw.x, ne.y, ne.x, sw.y];
    map.eachLayer(function (l) {
      if (l.feature && l.getLatLng && l.feature.properties.id) {
        var p = map.latLngToContainerPoint(l.getLatLng()); out.points[l.feature.properties.id] = [p.x, p.y];
      }
    });
    var pre = document.createElement('pre'); pre.id = 'geosci-probe';
    pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
  }, 500);
});
</script>
"""


def test_the_web_map_fits_its_places_clear_of_the_legend(tmp_path):
    """The four parks of the region map stay in view and out from under the legend panel."""
    page = tmp_path / "region.html"
    page.write_text(map_to_html(build_map(load_recipe("region"))).replace("</body>", CLEAR_PROBE + "</body>"),
                    encoding="utf-8")  # fmt: skip
    proc = _run_browser(page, tmp_path / "profile", "--window-size=1400,900", "--virtual-time-budget=5000",
                        "--dump-dom")  # fmt: skip
    found = re.search(r'<pre id="geosci-probe">(.*?)</pre>', proc.stdout, re.S)
    assert found, proc.stderr[-2000:]
    probe = json.loads(found.group(1).replace("&quot;", '"'))
    parks = set(read_layer("region_starting_points")["id"])
    assert parks <= set(probe["points"])
    x0, y0, x1, y1 = probe["legend"]
    bx0, by0, bx1, by1 = probe["bounds"]  # what the recipe asks to show, on screen
    assert bx0 >= -1 and by0 >= -1 and bx1 <= 1401 and by1 <= 901, probe["bounds"]
    assert bx0 >= x1 or bx1 <= x0 or by0 >= y1 or by1 <= y0, (probe["bounds"], probe["legend"])  # clear of it
    for pid in parks:
        x, y = probe["points"][pid]
        assert 0 <= x <= 1400 and 0 <= y <= 900, pid
        assert not (x0 <= x <= x1 and y0 <= y <= y1), (pid, (x, y), probe["legend"])
