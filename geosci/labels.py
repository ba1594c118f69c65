"""Map labels that never collide: names placed in the page at render time.

A recipe entry with ``"label": true`` (or an object of options) has its
feature names drawn on the map: stations, lines, incubators, centres,
districts ... The placement runs in the page's own JavaScript (written here,
no third-party code), after Leaflet has drawn, because only the browser knows
the size of each text in its font. It is greedy and deterministic:

- labels are tried in priority order: the recipe's ``label_order`` (entry
  ids, first placed first), then each entry's ``label.priority``, then the
  recipe order; within a layer, interchange stations (more ``lines``) first;
- a point label tries eight positions around its symbol, a line label a few
  places along the line (as a badge in the line's colour), an area label its
  inside point;
- a position is taken only when its box stays inside the map frame,
  overlaps no placed label, covers no point symbol of any layer (and no map
  furniture inside the frame: north arrow, scale bar, web controls);
- a label with no free position is dropped and counted.

The page records the outcome on ``<html data-geosci-labels='{"placed": n,
"dropped": n, "outside": n, "dropped_names": [...]}'>``; it is redone at
every zoom of the interactive map, so a label shows at the zooms where it
fits. Recipe label options: ``field_zh`` / ``field_en`` (default ``name_zh``
/ ``name_en``), ``strip`` (prefixes removed, e.g. ``["轨道交通", "Metro "]``),
``size`` (``"s"``, ``"m"``, ``"l"``), ``badge`` (a line's name on its own
colour) and ``priority`` (lower first).
"""

from __future__ import annotations

import html
import json
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import folium
    import geopandas as gpd

__all__ = ["add_labels", "label_items", "label_order", "point_obstacles"]

_FRACTIONS = (0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9)


def _options(entry: dict) -> dict:
    opt = entry.get("label")
    return dict(opt) if isinstance(opt, dict) else {}


def label_order(recipe: dict[str, Any]) -> list[dict]:
    """Return the recipe entries that are labelled, highest priority first.

    Examples
    --------
    >>> r = {"label_order": ["b"], "layers": [{"layer": "a", "label": True}, {"layer": "b", "label": True},
    ...                                       {"layer": "c"}]}
    >>> [e["layer"] for e in label_order(r)]
    ['b', 'a']
    """
    order = list(recipe.get("label_order", []))
    labelled = [e for e in recipe["layers"] if e.get("label")]

    def rank(item):
        i, entry = item
        key = str(entry.get("id", entry["layer"]))
        first = order.index(key) if key in order else len(order)
        return (first, _options(entry).get("priority", 0), i)

    return [e for _, e in sorted(enumerate(labelled), key=rank)]


def _strip(text: str, prefixes: list[str]) -> str:
    for p in prefixes:
        if text.startswith(p) and len(text) > len(p):
            return text[len(p) :]
    return text


def _label_html(zh: str, en: str, lang: str) -> tuple[str, str]:
    zh, en = zh or en, en or zh
    if lang == "zh":
        return html.escape(zh), zh
    if lang == "en":
        return html.escape(en), en
    if zh == en:
        return html.escape(zh), zh
    return f'{html.escape(zh)}<span class="geosci-label-en">{html.escape(en)}</span>', f"{zh} {en}"


def _ink(colour: str) -> str:
    """Return black or white, whichever reads on ``colour``."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#fff"


def _point_radius(style: dict) -> float:
    # Leaflet draws a circle marker with its radius rounded to whole pixels, plus half its stroke
    return max(round(float(style.get("radius", 5))), 1) + float(style.get("weight", 3)) / 2


def _area_anchors(geom, n: int = 9) -> list:
    """Return places inside an area for its label: its inside point first, then others nearest to it."""
    import numpy as np
    import shapely

    first = shapely.point_on_surface(geom)
    minx, miny, maxx, maxy = geom.bounds
    xs, ys = np.meshgrid(np.linspace(minx, maxx, 9)[1:-1], np.linspace(miny, maxy, 9)[1:-1])
    grid = shapely.points(xs.ravel(), ys.ravel())
    inner = shapely.buffer(geom, -0.15 * min(maxx - minx, maxy - miny) / 2)
    grid = grid[shapely.contains(inner, grid)] if not inner.is_empty else grid[:0]
    spacing = 0.12 * math.hypot(maxx - minx, maxy - miny)
    chosen = [first]
    for p in sorted(grid, key=lambda p: p.distance(first)):  # nearest first, but spread out
        if len(chosen) < n and all(p.distance(c) >= spacing for c in chosen):
            chosen.append(p)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2  # then just outside the area, above, below and beside it
    return chosen + list(shapely.points([[cx, maxy], [cx, miny], [maxx, cy], [minx, cy]]))


def label_items(recipe: dict[str, Any], prepared: dict[str, gpd.GeoDataFrame], *, lang: str) -> list[dict]:
    """Return the labels to place, in priority order.

    Each is a dict: ``t`` (plain text), ``h`` (HTML), ``k`` (``point``,
    ``line`` or ``area``), ``s`` (size class), ``a`` (candidate anchors as
    ``[lat, lon]``), ``r`` (symbol radius, px) and, for lines, ``bg``/``fg``
    (badge colours).
    """
    from geosci.mapping import _colour, _entry_key, _geom_kind, _style_for

    items = []
    for entry in label_order(recipe):
        frame = prepared[_entry_key(entry)]
        if not len(frame):
            continue
        opt = _options(entry)
        kind = _geom_kind(frame)
        fz, fe = opt.get("field_zh", "name_zh"), opt.get("field_en", "name_en")
        prefixes = list(opt.get("strip", []))
        size = opt.get("size", {"point": "m", "line": "m", "polygon": "l"}[kind])
        rows = frame
        if "lines" in frame.columns:  # interchange stations first
            rows = frame.assign(_n=frame["lines"].astype(str).str.count(";")).sort_values("_n", ascending=False)
        for _, row in rows.iterrows():
            zh = _strip(str(row.get(fz, "") or row.get("_name", "")), prefixes)
            en = _strip(str(row.get(fe, "") or zh), prefixes)
            h, t = _label_html(zh, en, lang)
            geom = row.geometry
            item = {"t": t, "h": h, "s": size}
            style = _style_for(entry, row.to_dict())
            if kind == "point":
                item.update(k="point", a=[[round(geom.y, 6), round(geom.x, 6)]], r=round(_point_radius(style), 1))
            elif kind == "line":
                part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.length)
                pts = [part.interpolate(f, normalized=True) for f in _FRACTIONS]
                item.update(k="line", a=[[round(p.y, 6), round(p.x, 6)] for p in pts])
                if opt.get("badge"):  # a rail line's name on its own colour, like the signs in stations
                    colour = _colour(style.get("color")) or "#444444"
                    item.update(bg=colour, fg=_ink(colour))
            else:
                item.update(k="area", a=[[round(p.y, 6), round(p.x, 6)] for p in _area_anchors(geom)])
            items.append(item)
    return items


def point_obstacles(recipe: dict[str, Any], prepared: dict[str, gpd.GeoDataFrame]) -> list[list[float]]:
    """Return ``[lat, lon, radius_px]`` of every point symbol drawn: no label may cover one."""
    from geosci.mapping import _entry_key, _geom_kind, _style_for

    out = []
    for entry in recipe["layers"]:
        frame = prepared[_entry_key(entry)]
        if not len(frame) or _geom_kind(frame) != "point":
            continue
        for _, row in frame.iterrows():
            geom = row.geometry
            if geom.geom_type != "Point":
                continue
            r = _point_radius(_style_for(entry, row.to_dict()))
            out.append([round(geom.y, 6), round(geom.x, 6), round(r, 1)])
    return out


_CSS = """
.geosci-label {position: absolute; left: 0; top: 0; width: max-content; white-space: nowrap; color: #1a1a1a;
  line-height: 1.15; background: rgba(255,255,255,0.78); border-radius: 2px; padding: 0 2px; pointer-events: none;
  font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;}
.geosci-label-s {font-size: 10px;} .geosci-label-m {font-size: 11px;} .geosci-label-l {font-size: 13px;}
.geosci-label-area {font-weight: bold; color: #4a4036; background: rgba(255,255,255,0.55); text-align: center;}
.geosci-label-line {color: #333; font-style: italic;}
.geosci-label-badge {font-weight: bold; font-style: normal; border-radius: 3px; padding: 0 3px;}
.geosci-label-en {display: block; font-size: 0.82em; font-weight: normal; white-space: normal; max-width: 13em;}
"""

_JS = """{% macro script(this, kwargs) %}
(function (map, items, obstacles) {
  var pane = map.createPane('geosciLabels');
  pane.style.zIndex = 640; pane.style.pointerEvents = 'none';
  var G = 2, M = 2;
  function hits(a, b) { return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]; }
  function free(box, taken) {
    for (var i = 0; i < taken.length; i++) { if (hits(box, taken[i])) { return false; } }
    return true;
  }
  function offsets(it, w, h) {
    if (it.k !== 'point') { return [[-w / 2, -h / 2]]; }
    var r = it.r + 1 + G;
    return [[r, -h / 2], [-r - w, -h / 2], [-w / 2, -r - h], [-w / 2, r],
            [r, -r - h], [r, r], [-r - w, -r - h], [-r - w, r]];
  }
  function place() {
    pane.innerHTML = '';
    var size = map.getSize(), taken = [], placed = 0, dropped = [], outside = 0;
    var origin = map.getContainer().getBoundingClientRect();
    obstacles.forEach(function (o) {
      var p = map.latLngToContainerPoint([o[0], o[1]]);
      var r = o[2] + 1;  // Leaflet rounds the symbol's centre to a whole pixel
      taken.push([p.x - r, p.y - r, p.x + r, p.y + r]);
    });
    map.getContainer().querySelectorAll('.geosci-obstacle').forEach(function (el) {
      var b = el.getBoundingClientRect();
      if (b.width && b.height) {
        taken.push([b.left - origin.left, b.top - origin.top, b.right - origin.left, b.bottom - origin.top]);
      }
    });
    items.forEach(function (it) {
      var visible = it.a.some(function (a) {
        var p = map.latLngToContainerPoint(a);
        return p.x >= 0 && p.y >= 0 && p.x <= size.x && p.y <= size.y;
      });
      if (!visible) { outside += 1; return; }  // nothing to measure for a place outside the view
      var el = document.createElement('div');
      el.className = 'geosci-label geosci-label-' + it.k + ' geosci-label-' + it.s;
      el.innerHTML = it.h;
      if (it.bg) { el.className += ' geosci-label-badge'; el.style.background = it.bg; el.style.color = it.fg; }
      pane.appendChild(el);
      var w = el.offsetWidth, h = el.offsetHeight, seen = false, box = null;
      for (var i = 0; i < it.a.length && !box; i++) {
        var p = map.latLngToContainerPoint(it.a[i]);
        if (p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y) { continue; }
        seen = true;
        var offs = offsets(it, w, h);
        for (var j = 0; j < offs.length; j++) {
          var b = [p.x + offs[j][0], p.y + offs[j][1], p.x + offs[j][0] + w, p.y + offs[j][1] + h];
          if (b[0] >= M && b[1] >= M && b[2] <= size.x - M && b[3] <= size.y - M && free(b, taken)) { box = b; break; }
        }
      }
      if (box) {
        L.DomUtil.setPosition(el, map.containerPointToLayerPoint([box[0], box[1]]));
        el.setAttribute('data-name', it.t);
        taken.push([box[0] - 1, box[1] - 1, box[2] + 1, box[3] + 1]);
        placed += 1;
      } else {
        pane.removeChild(el);
        if (seen) { dropped.push(it.t); } else { outside += 1; }
      }
    });
    document.documentElement.setAttribute('data-geosci-labels', JSON.stringify(
      {placed: placed, dropped: dropped.length, outside: outside, dropped_names: dropped}));
  }
  map.on('zoomend moveend resize', place);
  map.whenReady(function () {
    place();
    if (document.fonts && document.fonts.ready) { document.fonts.ready.then(place); }
  });
})({{ this._parent.get_name() }}, {{ this.items }}, {{ this.obstacles }});
{% endmacro %}"""


def add_labels(m: folium.Map, recipe: dict[str, Any], prepared: dict[str, gpd.GeoDataFrame], *, lang: str) -> int:
    """Add the recipe's labels to ``m``, placed in the page at render time; return how many are offered."""
    from branca.element import Element, MacroElement
    from jinja2 import Template

    items = label_items(recipe, prepared, lang=lang)
    obstacles = point_obstacles(recipe, prepared)

    class Labels(MacroElement):
        _template = Template(_JS)

        def __init__(self):
            super().__init__()
            self._name = "GeosciLabels"
            # embedded as JSON in a script: keep "</" out of it
            self.items = json.dumps(items, ensure_ascii=False).replace("</", "<\\/")
            self.obstacles = json.dumps(obstacles)

    m.get_root().header.add_child(Element(f"<style>{_CSS}</style>"), name="geosci_label_css")  # type: ignore[attr-defined]
    m.add_child(Labels())
    return len(items)
