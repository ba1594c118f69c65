"""Build Folium maps from recipes: one pure function for every named map.

:func:`build_map` turns a recipe (see :mod:`geosci.recipes`) and the layers
it names into a :class:`folium.Map`, in small steps that can be used alone:

1. :func:`prepare_layers` reads each layer (or takes the caller's frame),
   reprojects it to EPSG:4326 whatever CRS it is in (like geopandas
   ``explore``), filters it, and shifts it to GCJ-02 for an AMap basemap;
2. :func:`draw_layers` draws them, each rail line in the colour its data
   gives (``color_field``), status by dash;
3. :func:`resolve_extent` and :func:`set_view` frame the map (the recipe's
   view, or ``extent``: ``"core"``, a district name or a bounding box);
4. :func:`add_furniture` adds title, legend, metric scale bar, north arrow
   and the source note built by :func:`source_notes` from the catalog
   entries of the layers drawn (and from the file for a user's own layer).

Labels are placed in the page at render time by :mod:`geosci.labels`, so no
two overlap at any zoom; the printed page (:mod:`geosci.printing`) is the
same map with a page layout instead of web controls. Saving is the caller's
job (:func:`geosci.offline.write_map`).
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from geosci import __version__
from geosci.errors import DataError, ParameterError

if TYPE_CHECKING:  # pragma: no cover
    import folium
    import geopandas as gpd

    from geosci.printing import Page

__all__ = [
    "LANGS",
    "TILES",
    "Basemap",
    "add_furniture",
    "page_table_html",
    "build_map",
    "draw_layers",
    "legend_entries",
    "map_title",
    "parse_extent",
    "prepare_layers",
    "resolve_extent",
    "set_view",
    "source_notes",
]

LANGS = ("zh", "en", "both")


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
    "covered": ("覆盖", "covered"),
    "uncertain": ("不确定", "uncertain"),
    "not_covered": ("未覆盖", "not covered"),
}
_FIELD_LABELS = {
    "name_zh": "名称", "name_en": "Name", "kind": "类型 Kind", "status": "状态 Status",
    "source": "来源 Source", "accuracy_m": "精度 Accuracy (m)", "geometry_basis": "几何来源 Geometry",
}  # fmt: skip
_SKIP_FIELDS = {"_name", "_class"}
_HEX = re.compile(r"^#?[0-9a-fA-F]{6}$")


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


def _colour(value: Any) -> str | None:
    """Return ``value`` as ``#rrggbb`` when it is a hex colour (with or without ``#``), else None."""
    if isinstance(value, str) and _HEX.match(value.strip()):
        return "#" + value.strip().lstrip("#").lower()
    return None


def _style_for(entry: dict, props: dict) -> dict:
    style = dict(entry.get("style", {}))
    if "style_by" in entry:
        style.update(entry["styles"].get(str(props.get(entry["style_by"])), {}))
    data_colour = _colour(props.get(entry["color_field"])) if entry.get("color_field") else None
    if data_colour:
        style["color"] = data_colour
    if "fillColor" in style:
        style.setdefault("fill", True)  # folium's CircleMarker starts with fill off
    return style


# ----------------------------------------------------------------------------- 1. layers
def _to_wgs84(frame: gpd.GeoDataFrame, key: str) -> gpd.GeoDataFrame:
    if frame.crs is None:
        raise DataError(f"layer {key!r} has no CRS: set one (frame.set_crs(...)) before drawing it")
    if frame.crs.to_epsg() == 4326:
        return frame
    return frame.to_crs(4326)


def _prepare(frame: gpd.GeoDataFrame, entry: dict, *, datum: str, lang: str) -> gpd.GeoDataFrame:
    """Reproject to WGS84, filter, simplify to map precision, shift datum, and add display fields."""
    import shapely

    from geosci.crs import convert_frame

    out = _to_wgs84(frame, _entry_key(entry))
    for field in (entry.get("style_by"), entry.get("color_field")):
        if field and field not in out.columns:
            fields = ", ".join(c for c in out.columns if c != out.geometry.name)
            raise DataError(f"layer {entry['layer']!r} has no field {field!r} named in the recipe ({fields})")
    for field, values in entry.get("where", {}).items():
        if field not in out.columns:
            raise DataError(f"layer {entry['layer']!r} has no field {field!r} named in the recipe's 'where'")
        out = out[out[field].astype(str).isin([str(v) for v in values])]
    out = out[~out.geometry.isna() & ~out.geometry.is_empty].copy()
    geoms = out.geometry.values
    lines_or_polys = ~np.isin(shapely.get_type_id(geoms), [0, 4])  # not Point / MultiPoint
    if lines_or_polys.any():
        # ~10 m: well below the accuracy of any layer and below a pixel at zoom 13
        geoms[lines_or_polys] = shapely.simplify(geoms[lines_or_polys], 1e-4, preserve_topology=True)
    out.geometry = shapely.set_precision(geoms, 1e-6)
    if datum != "wgs84" and len(out):
        out = convert_frame(out, src="wgs84", dst=datum)
    for col in out.columns:
        if col != out.geometry.name:
            out[col] = out[col].map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else v)
    names_zh = out["name_zh"] if "name_zh" in out.columns else out.get("name", out.index.astype(str))
    names_en = out["name_en"] if "name_en" in out.columns else names_zh
    out["_name"] = [_text(str(z), str(e), lang) for z, e in zip(names_zh, names_en, strict=True)]
    return out


def prepare_layers(
    recipe: dict[str, Any],
    *,
    frames: dict[str, gpd.GeoDataFrame] | None = None,
    datum: str = "wgs84",
    lang: str = "both",
) -> dict[str, gpd.GeoDataFrame]:
    """Return every layer of ``recipe`` ready to draw, keyed by entry id.

    Frames in any CRS are reprojected to EPSG:4326 (an EPSG:4544 frame is
    not drawn as if its metres were degrees), then shifted to ``datum``.

    Examples
    --------
    >>> from geosci.catalog import read_layer
    >>> recipe = {"layers": [{"layer": "universities"}]}
    >>> metric = read_layer("universities").to_crs(4544)
    >>> drawn = prepare_layers(recipe, frames={"universities": metric})["universities"]
    >>> bool(abs(drawn.geometry.x - read_layer("universities").geometry.x).max() < 1e-5)
    True
    """
    from geosci.catalog import list_layers, read_layer

    frames = dict(frames or {})
    out = {}
    for entry in recipe["layers"]:
        key = _entry_key(entry)
        if key not in frames and entry.get("optional") and entry["layer"] not in list_layers():
            continue  # context that this install does not have (e.g. chongqing_districts)
        frame = frames[key] if key in frames else read_layer(entry["layer"])
        out[key] = _prepare(frame, entry, datum=datum, lang=lang)
    return out


def drawn_recipe(recipe: dict[str, Any], prepared: dict[str, gpd.GeoDataFrame]) -> dict[str, Any]:
    """Return ``recipe`` without the optional entries that were not prepared."""
    return {**recipe, "layers": [e for e in recipe["layers"] if _entry_key(e) in prepared]}


def _popup_fields(frame: gpd.GeoDataFrame) -> tuple[list[str], list[str]]:
    fields = [c for c in frame.columns if c != frame.geometry.name and c not in _SKIP_FIELDS]
    first = [f for f in _FIELD_LABELS if f in fields]
    fields = first + [f for f in fields if f not in first]
    return fields, [_FIELD_LABELS.get(f, f) for f in fields]


def _geom_kind(frame: gpd.GeoDataFrame) -> str:
    gtype = frame.geom_type.iloc[0] if len(frame) else "Point"
    return "point" if "Point" in gtype else "line" if "Line" in gtype else "polygon"


def draw_layers(m: folium.Map, recipe: dict[str, Any], prepared: dict[str, gpd.GeoDataFrame], *, lang: str) -> None:
    """Draw the prepared layers on ``m`` in recipe order, one feature group each."""
    import folium

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
        group.add_to(m)


def _short_name(entry: dict, row, lang: str) -> str:
    """Return a feature's name as its label shows it (the label's fields, prefixes stripped)."""
    label = entry.get("label")
    opt = label if isinstance(label, dict) else {}
    zh = row.get(opt.get("field_zh", "name_zh")) or row.get("name_zh") or ""
    en = row.get(opt.get("field_en", "name_en")) or row.get("name_en") or zh
    for prefix in opt.get("strip", []):
        zh = zh[len(prefix) :] if str(zh).startswith(prefix) and len(zh) > len(prefix) else zh
        en = en[len(prefix) :] if str(en).startswith(prefix) and len(en) > len(prefix) else en
    return _text(str(zh), str(en), lang)


def _within(frame: gpd.GeoDataFrame, bounds) -> gpd.GeoDataFrame:
    if bounds is None or not len(frame):
        return frame
    import shapely

    return frame[shapely.intersects(frame.geometry.values, shapely.box(*bounds))]


def legend_entries(
    recipe: dict, frames: dict[str, gpd.GeoDataFrame], *, lang: str, bounds: tuple | None = None
) -> list[dict]:
    """Return the legend rows of a recipe: label, swatch kind, style and group heading, in draw order.

    Only what is drawn gets a row: an empty layer none, a ``style_by`` class
    only when some feature has it. A layer coloured from its data
    (``color_field``, e.g. each rail line in its official colour) gets one
    row per colour, and its status classes are shown by dash in grey.
    With ``bounds``, only features within them count (a printed page shows
    no legend row for a line outside its frame).
    """
    rows = []
    for entry in recipe["layers"]:
        if entry.get("legend") is False:
            continue
        frame = _within(frames[_entry_key(entry)], bounds)
        if not len(frame):
            continue
        kind = _geom_kind(frame)
        title = _text(entry.get("legend_zh", entry["layer"]), entry.get("legend_en"), lang)
        field = entry.get("color_field")
        coloured = field in frame.columns and frame[field].map(_colour).notna().any() if field else False
        if coloured and entry.get("legend_colours") is False:  # lines as context: status rows only
            title = title + " " + _text("（按线路颜色）", "(in each line's colour)", lang)
        elif coloured:
            seen: dict[str, str] = {}
            for _, row in frame.iterrows():
                colour = _colour(row[field]) or _style_for(entry, row.to_dict()).get("color", "#555555")
                name = _short_name(entry, row, lang)
                seen.setdefault(name, colour)
            for name, colour in seen.items():
                style = {**_style_for(entry, {}), "color": colour}
                style.pop("dashArray", None)
                rows.append({"label": name, "kind": kind, "style": style, "group": title})
        if "style_by" in entry:
            present = set(frame[entry["style_by"]].astype(str)) if entry["style_by"] in frame.columns else set()
            for value in entry["styles"]:
                if value in present:
                    zh, en = entry.get("value_labels", {}).get(value) or _VALUE_LABELS.get(value, (value, value))
                    style = _style_for(entry, {entry["style_by"]: value})
                    if coloured:
                        style["color"] = "#555555"
                    rows.append({"label": _text(zh, en, lang), "kind": kind, "style": style, "group": title})
        elif not coloured:
            rows.append({"label": title, "kind": kind, "style": _style_for(entry, {})})
    return rows


# ----------------------------------------------------------------------------- 2. view
def parse_extent(extent: str) -> tuple[str, Any]:
    """Parse an ``extent``: ``("core", None)``, ``("bbox", (minx, miny, maxx, maxy))`` or ``("district", name)``.

    Examples
    --------
    >>> parse_extent("106.2,29.5,106.5,29.8")
    ('bbox', (106.2, 29.5, 106.5, 29.8))
    >>> parse_extent("璧山")
    ('district', '璧山')
    """
    text = str(extent).strip()
    if text.lower() == "core":
        return "core", None
    parts = text.split(",")
    if len(parts) == 4:
        try:
            minx, miny, maxx, maxy = (float(p) for p in parts)
        except ValueError:
            raise ParameterError("extent", f"{{name}} {text!r} should be four numbers minx,miny,maxx,maxy") from None
        if not (-180 <= minx < maxx <= 180 and -90 <= miny < maxy <= 90):
            raise ParameterError(
                "extent", f"{{name}} {text!r} should be longitude/latitude minx,miny,maxx,maxy with min < max"
            )
        return "bbox", (minx, miny, maxx, maxy)
    if not text:
        raise ParameterError("extent", "{name} is empty: use core, a district name or minx,miny,maxx,maxy")
    return "district", text


def _district_frames() -> list[gpd.GeoDataFrame]:
    from geosci.catalog import list_layers, read_layer

    return [read_layer(n) for n in ("districts", "chongqing_districts") if n in list_layers()]


def _norm_name(text: str) -> str:
    text = str(text).strip().lower()
    for suffix in (" district", " county", "区", "县", "片区"):
        text = text.removesuffix(suffix)
    return text


def _district_bounds(name: str) -> tuple[float, float, float, float]:
    wanted = _norm_name(name)
    known = []
    for frame in _district_frames():
        for field in ("name_zh", "name_en", "piece_zh"):
            if field not in frame.columns:
                continue
            hit = frame[frame[field].astype(str).map(_norm_name) == wanted]
            if len(hit):
                return tuple(hit.total_bounds)
        known += list(frame["name_zh"].astype(str)) if "name_zh" in frame.columns else []
    raise ParameterError(
        "extent", f"{{name}} {name!r} is not core, a district name or minx,miny,maxx,maxy; districts: "
        + ", ".join(dict.fromkeys(known))
    )  # fmt: skip


def _shift_bounds(bounds, datum: str) -> tuple[float, float, float, float]:
    if datum == "wgs84":
        return cast("tuple[float, float, float, float]", tuple(float(b) for b in bounds))
    from geosci.crs import wgs84_to_gcj02

    minx, miny, maxx, maxy = bounds
    xs, ys = wgs84_to_gcj02(np.array([minx, maxx]), np.array([miny, maxy]))
    return float(xs[0]), float(ys[0]), float(xs[1]), float(ys[1])


def _pad(bounds, pad: float) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = bounds
    dx, dy = (maxx - minx) * pad, (maxy - miny) * pad
    return minx - dx, miny - dy, maxx + dx, maxy + dy


def resolve_extent(
    recipe: dict[str, Any],
    prepared: dict[str, gpd.GeoDataFrame],
    *,
    extent: str | tuple | None = None,
    datum: str = "wgs84",
) -> tuple[float, float, float, float]:
    """Return the ``(minx, miny, maxx, maxy)`` the map should show, in the drawing datum.

    ``extent`` wins over the recipe's ``view``: ``"core"``, a district name
    (``"璧山"``, ``"Bishan"``), or ``"minx,miny,maxx,maxy"`` in WGS84. The
    recipe's ``view`` may give ``fit`` (layer ids or catalog names whose
    union is shown), ``fit_layer`` (one), ``bounds``, and ``pad`` (a share
    of the width added on each side). Without either, every drawn layer fits.
    """
    from geosci.catalog import read_layer

    view = recipe.get("view", {})
    pad = float(view.get("pad", 0.04))
    if extent is not None:
        value: Any
        if isinstance(extent, (tuple, list)):
            kind, value = "bbox", tuple(float(v) for v in extent)
        else:
            kind, value = parse_extent(extent)
        if kind == "bbox":
            return _shift_bounds(value, datum)
        bounds = tuple(read_layer("core_area").total_bounds) if kind == "core" else _district_bounds(value)
        return _shift_bounds(_pad(bounds, 0.03), datum)
    if "bounds" in view:
        return _shift_bounds(view["bounds"], datum)
    fit = view.get("fit") or ([view["fit_layer"]] if view.get("fit_layer") else None)
    keys = {_entry_key(e): _entry_key(e) for e in recipe["layers"]}
    keys.update({e["layer"]: _entry_key(e) for e in recipe["layers"]})
    parts = []
    for name in fit or list(prepared):
        if name in keys and len(prepared[keys[name]]):
            parts.append(prepared[keys[name]].total_bounds)
        elif name not in keys:
            parts.append(_prepare(read_layer(name), {"layer": name}, datum=datum, lang="zh").total_bounds)
    if not parts:
        raise DataError("the map has nothing to show: every layer it would fit is empty")
    arr = np.array(parts)
    bounds = (arr[:, 0].min(), arr[:, 1].min(), arr[:, 2].max(), arr[:, 3].max())
    if bounds[2] - bounds[0] < 1e-3 and bounds[3] - bounds[1] < 1e-3:  # a single point: show ~2 km around it
        bounds = (bounds[0] - 0.01, bounds[1] - 0.01, bounds[2] + 0.01, bounds[3] + 0.01)
    return _pad(bounds, pad)


def set_view(m: folium.Map, bounds: tuple[float, float, float, float]) -> None:
    """Fit ``m`` to ``bounds`` and record them on the page (``<meta name="geosci-bounds">``)."""
    from branca.element import Element

    minx, miny, maxx, maxy = bounds
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    m.get_root().header.add_child(  # type: ignore[attr-defined]
        Element(f'<meta name="geosci-bounds" content="{minx:.6f},{miny:.6f},{maxx:.6f},{maxy:.6f}">'),
        name="geosci_bounds",
    )


# ----------------------------------------------------------------------------- 3. furniture
def _doc_code(source: str) -> str:
    return str(source).split()[0] if str(source).split() else ""


def _user_note(path: Path) -> dict:
    """Return the note of a user's own file: from its ``geosci import`` metadata when present, else its name."""
    meta_path = Path(f"{path}.meta.json")
    note = {"title_zh": path.name, "title_en": path.name, "user": True, "sources": [f"{path.name} (user's file)"],
            "accuracy": "accuracy as given by the user", "attribution": ""}  # fmt: skip
    if meta_path.is_file():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return note
        note["sources"] = [f"{meta.get('source') or path.name} (user's file {path.name})"]
        if meta.get("accuracy_m") is not None:
            note["accuracy"] = f"±{meta['accuracy_m']:g} m (user)"
        note["attribution"] = str(meta.get("licence") or "")
    return note


def _layer_note(entry: dict) -> list[dict]:
    """Return the notes crediting one recipe entry: its catalog entry, the layers it derives from, or a user file."""
    from geosci.catalog import catalog

    layers = catalog()["layers"]
    names = [entry["layer"]] if entry["layer"] in layers else list(entry.get("based_on", []))
    notes = []
    for name in names:
        if name not in layers:
            if entry["layer"] not in layers and Path(name).suffix and Path(name).is_file():
                notes.append({"layer": name, **_user_note(Path(name))})  # a user's file the layer derives from
            continue
        e = layers[name]
        notes.append({
            "layer": name, "title_zh": e["title_zh"], "title_en": e["title_en"], "sources": list(e["sources"]),
            "accuracy": f"±{e['accuracy_m']:g} m" if e.get("accuracy_m") is not None else "",
            "accuracy_note": e.get("accuracy_note", ""), "attribution": e.get("attribution") or e.get("licence", ""),
            "user": False,
        })  # fmt: skip
    if entry.get("note_zh") or entry.get("note_en"):
        notes.append({"layer": _entry_key(entry), "title_zh": entry.get("legend_zh", _entry_key(entry)),
                      "title_en": entry.get("legend_en", _entry_key(entry)),
                      "sources": [_text(entry.get("note_zh"), entry.get("note_en"), "en")], "accuracy": "",
                      "attribution": "", "user": False, "derived": True})  # fmt: skip
    elif not names and entry["layer"] not in layers and Path(entry["layer"]).suffix:
        notes.append({"layer": entry["layer"], **_user_note(Path(entry["layer"]))})
    return notes


def source_notes(recipe: dict[str, Any], *, lang: str = "both") -> dict[str, Any]:
    """Return the source and accuracy note of the layers a recipe draws.

    Built from the catalog entry of each layer drawn (title, sources,
    accuracy, licence or attribution); a user's own file (``--add``) is
    credited to that file (and its ``geosci import`` metadata, when it has
    one), never to the planning documents.

    Returns
    -------
    dict
        ``layers``: one row per credited layer (``title``, ``sources``,
        ``accuracy``, ``attribution``, ``user``); ``documents``: the
        planning documents cited, code → title; ``text``: all of it as one
        paragraph.

    Examples
    --------
    >>> note = source_notes({"layers": [{"layer": "districts"}]}, lang="en")
    >>> note["layers"][0]["sources"], sorted(note["documents"])
    (['002 §9'], ['002'])
    """
    from geosci.catalog import catalog

    docs = catalog().get("sources", {})
    rows, seen = [], set()
    for entry in recipe["layers"]:
        for note in _layer_note(entry):
            key = (note["title_en"], tuple(note["sources"]))
            if key in seen:
                continue
            seen.add(key)
            rows.append({**note, "title": _text(note["title_zh"], note["title_en"], lang)})
    cited = {}
    for row in rows:
        for src in row["sources"]:
            code = _doc_code(src)
            if code in docs:
                doc = docs[code]
                cited[code] = doc.get("title_en") if lang == "en" else doc.get("title_zh")
    parts = []
    for row in rows:
        bits = [", ".join(row["sources"]), row["accuracy"], row["attribution"]]
        parts.append(f"{row['title']}: " + "; ".join(b for b in bits if b))
    head = _text("来源与精度", "Sources and accuracy", lang)
    text = f"{head}: " + " | ".join(parts)
    if cited:
        listed = "; ".join(f"{c} {t}" for c, t in sorted(cited.items()))
        text += " | " + _text("文件", "Documents", lang) + ": " + listed
    return {"layers": rows, "documents": dict(sorted(cited.items())), "text": text}


def map_title(
    recipe: dict[str, Any], *, lang: str, title: str | None = None, subtitle: str | None = None
) -> tuple[str, str, str]:
    """Return ``(title, second line, subtitle)`` as plain text; ``title`` and ``subtitle`` override the recipe's.

    In ``both`` the second line is the English title under the Chinese one.
    """
    if title:
        main, second = title, ""
    elif lang == "both" and recipe.get("title_zh") and recipe.get("title_en"):
        main, second = recipe["title_zh"], recipe["title_en"]
    else:
        main, second = _text(recipe.get("title_zh"), recipe.get("title_en"), lang), ""
    sub = subtitle if subtitle is not None else _text(recipe.get("subtitle_zh"), recipe.get("subtitle_en"), lang)
    return main, second, sub


def _swatch(kind: str, style: dict) -> str:
    color = style.get("color", "#3388ff")
    fill = style.get("fillColor", color)
    dash = f' stroke-dasharray="{style["dashArray"]}"' if style.get("dashArray") else ""
    cap = f' stroke-linecap="{style["lineCap"]}"' if style.get("lineCap") else ""
    width = min(float(style.get("weight", 3)), 8)
    if kind == "line":
        shape = (
            f'<line x1="2" y1="8" x2="30" y2="8" stroke="{color}" stroke-width="{width}"'
            f' stroke-opacity="{style.get("opacity", 1)}"{dash}{cap}/>'
        )
    elif kind == "polygon":
        shape = (
            f'<rect x="3" y="2" width="26" height="12" fill="{fill}" fill-opacity="{style.get("fillOpacity", 0.2)}"'
            f' stroke="{color}" stroke-width="{min(width, 4)}" stroke-opacity="{style.get("opacity", 1)}"{dash}/>'
        )
    else:
        r = min(float(style.get("radius", 5)), 7)
        shape = (
            f'<circle cx="16" cy="8" r="{r}" fill="{fill}" fill-opacity="{style.get("fillOpacity", 0.2)}"'
            f' stroke="{color}" stroke-width="{min(width, 2)}"{dash}/>'
        )
    return f'<svg class="geosci-swatch" width="32" height="16" viewBox="0 0 32 16">{shape}</svg>'


def legend_html(rows: list[dict], lang: str) -> str:
    """Return the legend's HTML: a heading and one row per entry (group headings for per-colour rows)."""
    head = _text("图例", "Legend", lang)
    items, group = [], None
    for r in rows:
        if r.get("group") and r["group"] != group:
            items.append(f'<div class="geosci-legend-group">{html.escape(r["group"])}</div>')
        group = r.get("group")
        items.append(
            f'<div class="geosci-legend-row">{_swatch(r["kind"], r["style"])}'
            f'<span class="geosci-legend-label">{html.escape(r["label"])}</span></div>'
        )
    return f'<div class="geosci-legend-title">{head}</div>' + "".join(items)


NORTH_ARROW = (
    '<svg width="30" height="42" viewBox="0 0 34 46" aria-label="north arrow">'
    '<polygon points="17,4 27,38 17,30 7,38" fill="#222" stroke="#222" stroke-width="1"/>'
    '<polygon points="17,4 17,30 7,38" fill="#fff" stroke="#222" stroke-width="1"/>'
    '<text x="17" y="46" font-size="11" text-anchor="middle" font-family="sans-serif" font-weight="bold">N</text>'
    "</svg>"
)

FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", "Source Han Sans SC", sans-serif'

_CSS = f"""
.geosci-legend, .geosci-targets, .geosci-title, .geosci-note, .geosci-north, .geosci-scale {{
  background: rgba(255,255,255,0.92); border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3);
  font: 12px/1.35 {FONT}; color: #222;}}
.geosci-legend {{padding: 6px 8px; max-height: 60vh; overflow-y: auto; max-width: 340px;}}
.geosci-legend .geosci-legend-label {{white-space: normal;}}
.geosci-legend .geosci-swatch {{flex: none;}}
.geosci-targets {{max-width: 300px; font-size: 11px; padding: 6px 8px;}}
.geosci-targets table {{border-collapse: collapse; width: 100%;}}
.geosci-targets th, .geosci-targets td {{border-top: 1px solid #ccc; padding: 1px 3px; text-align: left;}}
.geosci-targets td:last-child {{white-space: nowrap; text-align: right;}}
.geosci-targets .geosci-table-title {{font-weight: bold; margin-bottom: 2px;}}
.geosci-targets .cap {{color: #555; font-size: 10px;}}
.geosci-targets .en {{display: block; color: #555; font-size: 10px;}}
.geosci-legend-title {{font-weight: bold; margin-bottom: 3px;}}
.geosci-legend-group {{font-weight: bold; margin-top: 2px;}}
.geosci-legend-row {{display: flex; align-items: center; gap: 5px; white-space: nowrap;}}
.geosci-title {{padding: 6px 12px; font-size: 16px; font-weight: bold; text-align: center;}}
.geosci-title small {{display: block; font-size: 12px; font-weight: normal;}}
.geosci-note {{padding: 4px 8px; max-width: 520px; font-size: 10px; max-height: 12vh; overflow-y: auto;}}
.geosci-north {{padding: 2px 4px 0 4px;}}
.geosci-scale {{padding: 3px 8px 2px 8px; font-size: 11px;}}
.geosci-scale svg {{display: block; overflow: visible;}}
.leaflet-container {{background: #f8f9fa; font-family: {FONT};}}
.leaflet-control-layers {{font-size: 12px;}}
.leaflet-top.leaflet-center {{left: 50%; transform: translateX(-50%);}}
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


# A metric scale bar (no miles) with the representative fraction at print size (96 CSS px per inch).
_SCALE_JS = """{% macro script(this, kwargs) %}
(function (map) {
  var c = L.control({position: {{ this.position|tojson }}}), box;
  function nice(m) { var p = Math.pow(10, Math.floor(Math.log10(m))), f = m / p;
    return (f >= 5 ? 5 : f >= 2 ? 2 : 1) * p; }
  function fmt(m) { return m >= 1000 ? (m / 1000) + ' km' : m + ' m'; }
  function draw() {
    var s = map.getSize(), y = s.y / 2;
    var a = map.containerPointToLatLng([s.x / 2 - 50, y]), b = map.containerPointToLatLng([s.x / 2 + 50, y]);
    var mpp = map.distance(a, b) / 100;
    if (!(mpp > 0)) { return; }
    var len = nice(mpp * {{ this.max_px }}), w = len / mpp, h = 6, parts = 4, svg = '';
    for (var i = 0; i < parts; i++) {
      svg += '<rect x="' + (i * w / parts) + '" y="0" width="' + (w / parts) + '" height="' + h +
             '" fill="' + (i % 2 ? '#fff' : '#222') + '" stroke="#222" stroke-width="0.8"/>';
    }
    var labels = [[0, '0'], [w / 2, fmt(len / 2)], [w, fmt(len)]].map(function (t) {
      return '<text x="' + t[0] + '" y="' + (h + 10) + '" text-anchor="middle">' + t[1] + '</text>'; }).join('');
    var denom = mpp / (0.0254 / 96), digits = Math.pow(10, Math.floor(Math.log10(denom)) - 1);
    box.innerHTML = '<svg width="' + (w + 2) + '" height="' + (h + 13) + '" font-size="9" font-family="sans-serif">' +
      svg + labels + '</svg>' + ({{ this.ratio|tojson }} ? '<div class="geosci-scale-ratio">1:' +
      (Math.round(denom / digits) * digits).toLocaleString('en-US') + '</div>' : '');
  }
  c.onAdd = function () { box = L.DomUtil.create('div', 'geosci-scale geosci-obstacle'); return box; };
  c.addTo(map); map.on('zoomend moveend resize', draw); map.whenReady(draw);
})({{ this._parent.get_name() }});
{% endmacro %}"""


def add_scale_bar(m: folium.Map, *, position: str = "bottomleft", max_px: int = 130, ratio: bool = False) -> None:
    """Add a metric scale bar (0, half, whole in m or km; no miles), redrawn at every zoom."""
    from branca.element import MacroElement
    from jinja2 import Template

    class ScaleBar(MacroElement):
        _template = Template(_SCALE_JS)

        def __init__(self):
            super().__init__()
            self._name = "GeosciScaleBar"
            self.position, self.max_px, self.ratio = position, max_px, ratio

    m.add_child(ScaleBar())


def _datum_text(datum: str, lang: str) -> str:
    return {
        ("gcj02", "zh"): "数据已转换为GCJ-02以匹配高德底图",
        ("gcj02", "en"): "Data shifted to GCJ-02 to match the AMap basemap",
        ("gcj02", "both"): "数据已转换为GCJ-02以匹配高德底图 Data shifted to GCJ-02 to match the AMap basemap",
    }.get((datum, lang), "WGS84")


def footer_text(*, datum: str, lang: str, basemap: Basemap | None) -> str:
    """Return the datum, basemap attribution, date and geosci version line of a map."""
    bits = [_datum_text(datum, lang)]
    if basemap is not None:
        bits.append(_text("底图", "Basemap", lang) + " " + basemap.attribution)
    bits.append(f"{date.today().isoformat()} · geosci {__version__}")
    return " · ".join(bits)


def page_table_html(name: str | None, *, lang: str) -> str:
    """Return a recipe's ``page_table`` (indicators and targets, titled and sourced) as an HTML box.

    Parameters
    ----------
    name : str or None
        A curated table with ``indicator_zh/_en`` and ``target_zh/_en``
        columns (see :data:`geosci.recipes.PAGE_TABLE_COLUMNS`); ``None``
        gives ``""``.
    lang : {"zh", "en", "both"}
        ``both`` gives the Chinese text with the English beneath it.

    Examples
    --------
    >>> box = page_table_html("national_targets_2025", lang="both")
    >>> "全社会研发经费投入占地区生产总值比重" in box and "R&amp;D expenditure" in box
    True
    >>> page_table_html(None, lang="zh")
    ''
    """
    if not name:
        return ""
    from geosci.catalog import get_table_entry, read_table

    entry, frame = get_table_entry(name), read_table(name)

    def text(zh: str, en: str, *, below: bool = True) -> str:
        if lang == "en":
            return html.escape(en)
        if lang != "both" or not en or en == zh:
            return html.escape(zh)
        return html.escape(zh) + (f'<span class="en">{html.escape(en)}</span>' if below else f" {html.escape(en)}")

    columns = zip(frame["indicator_zh"], frame["indicator_en"], frame["target_zh"], frame["target_en"], strict=True)
    rows = "".join(  # the targets are figures: the Chinese is read in either language
        f"<tr><td>{text(i_zh, i_en)}</td><td>{html.escape(t_en if lang == 'en' else t_zh)}</td></tr>"
        for i_zh, i_en, t_zh, t_en in columns
    )
    head = f"<tr><th>{text('指标', 'Indicator', below=False)}</th><th>{text('目标', 'Target', below=False)}</th></tr>"
    return (
        f'<div class="geosci-page-table"><div class="geosci-table-title">{text(entry["title_zh"], entry["title_en"])}'
        f"</div><table>{head}{rows}</table>"
        f'<div class="cap">{text("来源", "Source", below=False)}: {html.escape(str(entry["source"]))}</div></div>'
    )


def add_furniture(
    m: folium.Map,
    recipe: dict[str, Any],
    prepared: dict[str, gpd.GeoDataFrame],
    *,
    lang: str,
    datum: str = "wgs84",
    basemap: Basemap | None = None,
    title: str | None = None,
    subtitle: str | None = None,
) -> None:
    """Add the web map's title, north arrow, legend, metric scale bar, source note and layer control."""
    import folium

    main, second, sub = map_title(recipe, lang=lang, title=title, subtitle=subtitle)
    head = html.escape(main) + "".join(f"<small>{html.escape(t)}</small>" for t in (second, sub) if t)
    note = source_notes(recipe, lang=lang)["text"]
    _center_container(m)
    _control(m, head, position="topcenter", css_class="geosci-title geosci-obstacle")
    _control(m, NORTH_ARROW, position="topleft", css_class="geosci-north geosci-obstacle")
    _control(m, legend_html(legend_entries(recipe, prepared, lang=lang), lang), position="bottomright",
             css_class="geosci-legend geosci-obstacle")  # fmt: skip
    table = page_table_html(recipe.get("page_table"), lang=lang)
    if table:
        _control(m, table, position="topright", css_class="geosci-targets geosci-obstacle")
    add_scale_bar(m, position="bottomleft")
    _control(m, f"{html.escape(note)} [{html.escape(footer_text(datum=datum, lang=lang, basemap=basemap))}]",
             position="bottomleft", css_class="geosci-note geosci-obstacle")  # fmt: skip
    folium.LayerControl(collapsed=True, position="topright").add_to(m)  # the legend says what is drawn
    _fit_clear_of_panels(m)


_FIT_JS = """{% macro script(this, kwargs) %}
(function (map) {
  // fit the recorded bounds again, clear of the title and the legend (the panels float over the map)
  var meta = document.querySelector('meta[name="geosci-bounds"]');
  if (!meta) { return; }
  var b = meta.getAttribute('content').split(',').map(Number);
  function refit() {
    var box = map.getContainer().getBoundingClientRect(), size = map.getSize();
    var title = document.querySelector('.geosci-title'), legend = document.querySelector('.geosci-legend');
    var top = title ? title.getBoundingClientRect().bottom - box.top + 10 : 0, right = 0, bottom = 0;
    if (legend) {
      var r = legend.getBoundingClientRect();
      var besideW = r.left - box.left - 10, aboveH = r.top - box.top - top - 10;
      // keep the larger free part of the map: beside the legend or above it
      if (besideW * (size.y - top) >= aboveH * size.x) { right = box.right - r.left + 10; }
      else { bottom = box.bottom - r.top + 10; }
    }
    if (size.x - right < 200 || size.y - top - bottom < 200) { return; }  // too small a window: keep the plain fit
    map.fitBounds([[b[1], b[0]], [b[3], b[2]]],
                  {paddingTopLeft: [10, top], paddingBottomRight: [right, bottom], animate: false});
  }
  map.whenReady(function () { setTimeout(refit, 0); });
})({{ this._parent.get_name() }});
{% endmacro %}"""


def _fit_clear_of_panels(m: folium.Map) -> None:
    """Refit the web map's view so the title and legend panels do not cover what it was fitted to show."""
    from branca.element import MacroElement
    from jinja2 import Template

    class FitClear(MacroElement):
        _template = Template(_FIT_JS)

    m.add_child(FitClear())


def _head(m: folium.Map, recipe: dict, datum: str) -> None:
    from branca.element import Element

    m.get_root().header.add_child(Element(f"<style>{_CSS}</style>"), name="geosci_css")  # type: ignore[attr-defined]
    m.get_root().header.add_child(Element(f'<meta name="geosci-datum" content="{datum}">'), name="geosci_datum")  # type: ignore[attr-defined]
    m.get_root().header.add_child(  # type: ignore[attr-defined]
        Element(f'<meta name="geosci-recipe" content="{html.escape(str(recipe.get("name", "")))}">'),
        name="geosci_recipe",
    )


def _check_args(tiles: str, lang: str, tiles_key: str | None) -> Basemap | None:
    if tiles not in TILES:
        raise ParameterError("tiles", f"{{name}} should be one of {', '.join(TILES)}, got {tiles!r}")
    if lang not in LANGS:
        raise ParameterError("lang", f"{{name}} should be zh, en or both, got {lang!r}")
    basemap = TILES[tiles]
    if basemap is not None and basemap.needs_key and not tiles_key:
        raise DataError(f"the {tiles} basemap needs an API key: pass --tiles-key KEY (or set GEOSCI_TILES_KEY)")
    return basemap


def build_map(
    recipe: dict[str, Any],
    *,
    frames: dict[str, gpd.GeoDataFrame] | None = None,
    tiles: str = "none",
    lang: str = "both",
    tiles_key: str | None = None,
    m: folium.Map | None = None,
    extent: str | tuple | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    labels: bool = True,
    page: Page | None = None,
) -> folium.Map:
    """Build the map a recipe describes.

    Parameters
    ----------
    recipe : dict
        A recipe (see :mod:`geosci.recipes`).
    frames : dict of GeoDataFrame, optional
        Layers to use instead of reading them, keyed by the recipe entry's
        ``id`` (or ``layer``); analysis results are drawn this way. Any CRS:
        they are reprojected to EPSG:4326 here.
    tiles : {"none", "osm", "amap", "amap-satellite", "tianditu"} or path
        Basemap. With an AMap basemap every layer is shifted to GCJ-02. The
        path of a local ``.mbtiles`` archive embeds its tiles for the map's
        extent in the page (see :mod:`geosci.tiles`): a basemap offline.
    lang : {"zh", "en", "both"}
        Language of labels, legend and title.
    tiles_key : str, optional
        API key for basemaps that need one (Tianditu).
    m : folium.Map, optional
        A map to draw on; a new one is made when omitted.
    extent : str or tuple, optional
        What to show instead of the recipe's view: ``"core"``, a district
        name, ``"minx,miny,maxx,maxy"`` (WGS84) or such a tuple.
    title, subtitle : str, optional
        Replace the recipe's title and subtitle.
    labels : bool
        Place the names of the features the recipe labels (see
        :mod:`geosci.labels`).
    page : geosci.printing.Page, optional
        Lay the map out as a printed page (see :func:`geosci.printing.write_print`)
        instead of a web map with controls.

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

    from geosci.tiles import add_tiles, archive_datum, is_tile_archive, read_tiles

    local = is_tile_archive(tiles)
    basemap = _check_args("none" if local else tiles, lang, tiles_key)
    datum = archive_datum(tiles) if local and Path(tiles).is_file() else basemap.datum if basemap else "wgs84"
    prepared = prepare_layers(recipe, frames=frames, datum=datum, lang=lang)
    recipe = drawn_recipe(recipe, prepared)
    bounds = resolve_extent(recipe, prepared, extent=extent, datum=datum)
    if page is not None:  # paper shows only its frame: leave out what lies well outside it, whatever its shape
        cx, cy = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
        half = 1.5 * max(bounds[2] - bounds[0], bounds[3] - bounds[1])
        prepared = {k: _within(v, (cx - half, cy - half, cx + half, cy + half)) for k, v in prepared.items()}

    if m is None:
        web = page is None
        m = folium.Map(tiles=None, control_scale=False, zoom_control=web, attribution_control=web,
                       prefer_canvas=False, zoom_snap=0.25 if web else 0, zoom_delta=0.5)  # fmt: skip
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

    if local:
        cx, cy = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
        half = 1.2 * max(bounds[2] - bounds[0], bounds[3] - bounds[1])  # any window shape around the extent
        tileset = read_tiles(tiles, (cx - half, cy - half, cx + half, cy + half))
        add_tiles(m, tileset)
        basemap = Basemap(url="", attribution=tileset.attribution, datum=tileset.datum)
    draw_layers(m, recipe, prepared, lang=lang)
    set_view(m, bounds)
    _head(m, recipe, datum)
    if page is None:
        add_furniture(m, recipe, prepared, lang=lang, datum=datum, basemap=basemap, title=title, subtitle=subtitle)
    else:
        from geosci.printing import add_page_furniture

        add_page_furniture(m, recipe, prepared, page=page, lang=lang, datum=datum, basemap=basemap, bounds=bounds,
                           title=title, subtitle=subtitle)  # fmt: skip
    if labels:
        from geosci.labels import add_labels

        add_labels(m, recipe, prepared, lang=lang)
    return m
