"""Map recipes: which layers a named map shows, in which order, styled how.

A recipe is a JSON file (the shipped ones live in ``maps/``)::

    {"name": "district", "title_zh": "...", "title_en": "...",
     "view": {"fit_layer": "districts"},
     "layers": [
        {"layer": "districts", "style": {"color": "#7a6f5f", "fillOpacity": 0.4},
         "label": true, "legend_zh": "五个片区", "legend_en": "Districts"},
        {"layer": "rail_lines", "style_by": "status",
         "styles": {"existing": {...}, "planned": {"dashArray": "2 7"}}},
        {"layer": "roads", "id": "tunnels", "where": {"kind": ["tunnel"]}, "style": {...}}
     ]}

``layer`` is a catalog name or the path of a vector file; ``style`` holds
Leaflet path options (``radius`` for points); ``style_by`` names a property
whose values pick a style from ``styles``; ``where`` keeps features whose
property is one of the listed values. The legend is made from the same
styles, so it always matches what is drawn. Further keys:

- ``color_field``: a property holding each feature's colour (``"#cc0000"``),
  e.g. the official colour of each rail line; the status style then gives
  only weight and dash. ``legend_colours: false`` lists such a layer by
  status only (lines as context), ``legend: false`` gives it no row;
- ``label``: ``true`` or options (``field_zh``, ``field_en``, ``strip``,
  ``size``, ``badge``, ``priority``) to name the features on the map
  (:mod:`geosci.labels`); the recipe's ``label_order`` (entry ids) says who
  yields when labels compete for room;
- ``view``: ``fit`` (entry ids or layer names whose union is shown),
  ``fit_layer``, ``bounds`` and ``pad``; ``extent`` in
  :func:`geosci.mapping.build_map` overrides it;
- ``optional``: skip the layer when this install lacks it (context such as
  ``chongqing_districts``); ``value_labels``: legend words for ``style_by``
  values; ``based_on`` (catalog layers) and ``note_zh``/``note_en``: what the
  source note credits for a layer computed by geosci;
- ``title_zh``/``title_en`` and ``subtitle_zh``/``subtitle_en``: the title
  block;
- ``page_table``: a curated table (``national_targets_2025``) with
  ``indicator_zh``/``indicator_en`` and ``target_zh``/``target_en``
  columns, set beside the map on the printed page with its title and
  source;
- ``inset``: ``false`` leaves the locator off the printed page, for the
  room (the region's page gives it to its targets table); it is left off
  anyway when the frame would cover more than half of it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from geosci.errors import DataError, LayerNotFoundError, ParameterError

__all__ = [
    "comparison_recipe",
    "coverage_recipe",
    "isochrone_recipe",
    "list_recipes",
    "load_recipe",
    "recipe_for_files",
    "scenario_words",
    "validate_recipe",
]

_STYLE_KEYS = {
    "color", "weight", "opacity", "fillColor", "fillOpacity", "dashArray", "radius", "lineCap", "lineJoin",
}  # fmt: skip
_LABEL_KEYS = {"field_zh", "field_en", "strip", "size", "badge", "priority"}


def _maps_dir() -> Path:
    from geosci.maps import MAPS_DIR

    return MAPS_DIR


def list_recipes() -> list[str]:
    """Return the names of the shipped map recipes.

    Examples
    --------
    >>> sorted(list_recipes())
    ['axis', 'district', 'incubators', 'region', 'transit']
    """
    return sorted(p.stem for p in _maps_dir().glob("*.json"))


def load_recipe(name_or_path: str | Path) -> dict[str, Any]:
    """Load a shipped recipe by name, or a recipe JSON file by path, and validate it.

    Raises
    ------
    LayerNotFoundError
        For an unknown recipe name.
    DataError
        For a file that is not a valid recipe.
    """
    path = _maps_dir() / f"{name_or_path}.json"
    if not path.exists():
        path = Path(name_or_path)
        if not (path.suffix == ".json" and path.exists()):
            raise LayerNotFoundError(
                f"unknown map recipe {str(name_or_path)!r}: use one of {', '.join(list_recipes())} "
                "or the path of a recipe .json file"
            )
    try:
        recipe = json.loads(path.read_text(encoding="utf-8-sig"))  # a byte-order mark (Windows editors) is fine
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"cannot read recipe {path}: {exc}") from exc
    validate_recipe(recipe, where=str(path))
    return recipe


_RECIPE_KEYS = {"name", "title_zh", "title_en", "subtitle_zh", "subtitle_en", "layers", "view", "label_order",
                "note_zh", "note_en", "page_table", "inset"}  # fmt: skip
PAGE_TABLE_COLUMNS = ("indicator_zh", "indicator_en", "target_zh", "target_en")
"""The columns a recipe's ``page_table`` needs."""


def _check_page_table(name: Any, where: str) -> None:
    """Check a recipe's ``page_table``: a curated table with indicator and target columns."""
    from geosci.catalog import list_tables

    if not isinstance(name, str) or name not in list_tables():
        raise DataError(f"{where}: 'page_table' should name a curated table ({', '.join(list_tables())}), "
                        f"got {name!r}")  # fmt: skip
    from geosci.catalog import get_table_entry

    missing = [c for c in PAGE_TABLE_COLUMNS if c not in get_table_entry(name)["columns"]]
    if missing:
        raise DataError(f"{where}: the page table {name!r} lacks the columns {missing}")


_VIEW_KEYS = {"fit", "fit_layer", "bounds", "pad"}


def _check_view(view: Any, where: str) -> None:
    """Check a recipe's ``view``: known keys, four finite bounds, a small padding."""
    import math

    if not isinstance(view, dict):
        raise DataError(f"{where}: 'view' should be an object with {sorted(_VIEW_KEYS)}")
    unknown = set(view) - _VIEW_KEYS
    if unknown:
        raise DataError(f"{where}: unknown view keys {sorted(unknown)}; use {sorted(_VIEW_KEYS)}")
    if "bounds" in view:
        b = view["bounds"]
        ok = isinstance(b, list) and len(b) == 4 and all(isinstance(v, (int, float)) for v in b)
        if not ok or not all(math.isfinite(v) for v in b) or not (b[0] < b[2] and b[1] < b[3]):
            raise DataError(f"{where}: view 'bounds' should be [minx, miny, maxx, maxy] in degrees, got {b!r}")
    if "pad" in view and not (isinstance(view["pad"], (int, float)) and 0 <= view["pad"] <= 1):
        raise DataError(f"{where}: view 'pad' should be a number from 0 to 1, got {view['pad']!r}")
    if "fit" in view and not (isinstance(view["fit"], list) and all(isinstance(v, str) for v in view["fit"])):
        raise DataError(f"{where}: view 'fit' should be a list of layer names or entry ids")


def validate_recipe(recipe: Any, *, where: str = "recipe") -> None:
    """Check a recipe's structure; raise :class:`DataError` naming the first problem."""
    if not isinstance(recipe, dict):
        raise DataError(f"{where}: a recipe should be a JSON object, got {type(recipe).__name__}")
    unknown_top = set(recipe) - _RECIPE_KEYS
    if unknown_top:
        raise DataError(f"{where}: unknown recipe keys {sorted(unknown_top)}; use {sorted(_RECIPE_KEYS)}")
    layers = recipe.get("layers")
    if not isinstance(layers, list) or not layers:
        raise DataError(f"{where}: 'layers' should be a non-empty list")
    _check_view(recipe.get("view", {}), where)
    if "page_table" in recipe:
        _check_page_table(recipe["page_table"], where)
    if not isinstance(recipe.get("inset", True), bool):
        raise DataError(f"{where}: 'inset' should be true or false, got {recipe['inset']!r}")
    seen = set()
    for i, entry in enumerate(layers):
        here = f"{where}: layers[{i}]"
        if not isinstance(entry, dict) or "layer" not in entry:
            raise DataError(f"{here} should be an object with a 'layer' name")
        key = entry.get("id", entry["layer"])
        if key in seen:
            raise DataError(f"{here}: layer id {key!r} is used twice: give one an 'id'")
        seen.add(key)
        label = entry.get("label", False)
        if not isinstance(label, (bool, dict)):
            raise DataError(f"{here}: 'label' should be true, false or an object of label options")
        if isinstance(label, dict) and set(label) - _LABEL_KEYS:
            raise DataError(
                f"{here}: unknown label options {sorted(set(label) - _LABEL_KEYS)}; use {sorted(_LABEL_KEYS)}"
            )
        if not isinstance(entry.get("style", {}), dict):
            raise DataError(f'{here}: \'style\' should be an object of Leaflet path options, e.g. {{"color": "#c00"}}')
        if not isinstance(entry.get("styles", {}), dict) or not all(
            isinstance(v, dict) for v in entry.get("styles", {}).values()
        ):
            raise DataError(f"{here}: 'styles' should be an object of value: style objects")
        if "where" in entry and not isinstance(entry["where"], dict):
            raise DataError(f"{here}: 'where' should be an object of field: [values]")
        styles = [entry.get("style", {})] + list(entry.get("styles", {}).values())
        if "style_by" in entry and not entry.get("styles"):
            raise DataError(f"{here}: 'style_by' needs 'styles'")
        for style in styles:
            unknown = set(style) - _STYLE_KEYS
            if unknown:
                raise DataError(f"{here}: unknown style keys {sorted(unknown)}; use {sorted(_STYLE_KEYS)}")


_PALETTE = ["#e63946", "#1d4e89", "#2a9d8f", "#f77f00", "#7b2cbf", "#3a86c8", "#6a994e", "#bc4749"]


def recipe_for_files(paths: list[str], *, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return a recipe drawing the user's files (on top of ``base`` if given), one colour each."""
    recipe: dict[str, Any] = (
        dict(base) if base else {"name": "custom", "title_zh": "自定义地图", "title_en": "Custom map", "layers": []}
    )
    recipe["layers"] = list(recipe["layers"])
    for i, path in enumerate(paths):
        colour = _PALETTE[i % len(_PALETTE)]
        stem = Path(path).stem
        recipe["layers"].append({
            "layer": str(path), "id": f"user_{i}_{stem}", "legend_zh": stem, "legend_en": stem,
            "style": {"color": colour, "weight": 3, "fillColor": colour, "fillOpacity": 0.35, "radius": 6},
        })  # fmt: skip
    if "view" not in recipe:
        recipe["view"] = {"fit_layer": str(paths[0])} if paths else {}
    return recipe


CONTEXT = {
    "layer": "chongqing_districts", "optional": True, "where": {"in_science_city": [False, "False", 0, "0"]},
    "style": {"color": "#b9b3a6", "weight": 0.8, "fillColor": "#f4f2ed", "fillOpacity": 0.5},
    "label": {"size": "s"}, "legend": False, "legend_zh": "重庆市区县", "legend_en": "Districts of Chongqing",
}  # fmt: skip
"""The faint context beneath every map: Chongqing's other districts and counties, named (when installed)."""

_FIVE = {"layer": "districts", "style": {"color": "#9c9385", "weight": 1.2, "fillColor": "#efe8d8", "fillOpacity": 0.4},
         "label": {"size": "m"}, "legend_zh": "五个片区", "legend_en": "Districts"}  # fmt: skip
_RAIL = {
    "layer": "rail_lines", "style_by": "status", "color_field": "color",
    "styles": {"existing": {"color": "#1d4e89", "weight": 3.5},
               "under_construction": {"color": "#d62828", "weight": 3, "dashArray": "10 6"},
               "planned": {"color": "#ff7f11", "weight": 3, "dashArray": "0.5 7", "lineCap": "round"}},
    "label": {"field_zh": "line_name_zh", "strip": ["轨道交通", "Metro "], "size": "s", "badge": True},
    "legend_zh": "轨道线路", "legend_en": "Rail lines", "legend_colours": False,
}  # fmt: skip
_STATION = {"radius": 2.5, "color": "#333333", "weight": 1.2, "fillColor": "#ffffff", "fillOpacity": 1}


def scenario_words(scenario: str | None, lang: str = "both") -> str:
    """Return a scenario in words: ``"+planned"`` → ``"现状 + 在建 + 规划 existing + under construction + planned"``.

    Examples
    --------
    >>> scenario_words("+under_construction", "en")
    'existing + under construction'
    """
    from geosci.params import scenario_statuses

    if scenario in (None, "", "all"):
        return {"zh": "全部站点", "en": "all stations"}.get(lang, "全部站点 all stations")
    statuses = scenario_statuses(scenario)
    zh = " + ".join({"existing": "现状", "under_construction": "在建", "planned": "规划"}[s] for s in statuses)
    en = " + ".join(s.replace("_", " ") for s in statuses)
    return {"zh": zh, "en": en}.get(lang, f"{zh} {en}")


def _lines_for(scenario: str | None):
    from geosci.catalog import read_layer
    from geosci.params import scenario_statuses

    lines = read_layer("rail_lines")
    if scenario in (None, "", "all") or "status" not in lines.columns:
        return lines
    return lines[lines["status"].isin(scenario_statuses(scenario))]


def coverage_recipe(result, sources, scenario: str):
    """Return ``(recipe, frames)`` for the map of a coverage result in one scenario.

    The map shows what the result says: the catchment ring of every station
    open in the scenario (their union lightly filled), the rail lines of the
    scenario in their colours, the stations named, and each target classed
    covered / uncertain / not covered, framed on the targets. The title names
    the catchment and the scenario in words.
    """
    import geopandas as gpd
    import shapely

    from geosci.coverage import select_scenario

    feats = result.features[result.features["scenario"] == scenario].copy()
    if "class" not in feats.columns:
        feats["class"] = feats["covered"].map({True: "covered", False: "not_covered"})
    feats["class"] = feats["class"].astype(str)
    if "name_en" not in feats.columns:
        feats["name_en"] = feats["name_zh"]
    feats["source"] = "geosci coverage"
    stations = select_scenario(sources, None if scenario == "all" else scenario).to_crs(4326)
    catchment = result.summary.get("catchment", {})
    radius = catchment.get("straight_line_radius_m") or catchment.get("network_distance_m")
    crs = result.summary.get("metric_crs") or "EPSG:4544"
    centres = stations.to_crs(crs).geometry
    near = shapely.box(*feats.to_crs(crs).total_bounds).buffer(3 * float(radius)) if len(feats) else None
    centres = centres[centres.intersects(near)] if near is not None else centres
    circles = centres.buffer(float(radius), quad_segs=32)
    rings = gpd.GeoDataFrame({"name_zh": [""] * len(circles), "name_en": [""] * len(circles)},
                             geometry=circles.boundary.values, crs=crs)  # fmt: skip
    union = gpd.GeoDataFrame({"name_zh": ["步行圈合计"], "name_en": ["catchment, all stations"]},
                             geometry=[shapely.union_all(circles.values)], crs=crs)  # fmt: skip
    counts = feats["class"].value_counts()
    n = len(feats)
    how = "straight-line" if catchment.get("straight_line_radius_m") else "along streets"
    words_zh, words_en = scenario_words(scenario, "zh"), scenario_words(scenario, "en")
    layers_used = sorted(set(feats["layer"].astype(str))) if "layer" in feats.columns else []
    recipe = {
        "name": "coverage",
        "title_zh": f"轨道站点 {radius:g} 米覆盖 · {words_zh}",
        "title_en": f"Rail station catchment {radius:g} m ({how}): {words_en}",
        "subtitle_zh": f"目标 {n} 个：覆盖 {counts.get('covered', 0)}，不确定 {counts.get('uncertain', 0)}，"
                       f"未覆盖 {counts.get('not_covered', 0)}",
        "subtitle_en": f"{n} targets: {counts.get('covered', 0)} covered, {counts.get('uncertain', 0)} uncertain, "
                       f"{counts.get('not_covered', 0)} not covered",
        "view": {"fit": ["targets"], "pad": 0.12},
        "label_order": ["targets", "stations", "rail_lines"],
        "layers": [
            CONTEXT, {**_FIVE, "label": {"size": "s"}},
            {"layer": "catchment", "style": {"color": "#4ea8de", "weight": 0, "fillColor": "#2f8fd0",
                                             "fillOpacity": 0.3}, "legend_zh": f"{radius:g} 米步行圈（合计）",
             "legend_en": f"{radius:g} m catchment (union)", "note_en": f"geosci coverage: {radius:g} m {how}",
             "based_on": ["rail_stations"]},
            {"layer": "rings", "style": {"color": "#1d6fa5", "weight": 0.8, "opacity": 0.7, "dashArray": "3 3"},
             "legend_zh": "各站步行圈", "legend_en": "Catchment ring of each station"},
            _RAIL,
            {"layer": "stations", "style": _STATION, "label": {"size": "s"}, "legend_zh": "轨道站点",
             "legend_en": "Stations", "based_on": ["rail_stations"]},
            {"layer": "targets", "style_by": "class", "styles": {
                "covered": {"radius": 6, "color": "#1b4332", "weight": 1.5, "fillColor": "#40916c",
                            "fillOpacity": 0.95},
                "uncertain": {"radius": 6, "color": "#7f5539", "weight": 1.5, "fillColor": "#f4a261",
                              "fillOpacity": 0.95},
                "not_covered": {"radius": 6, "color": "#6a040f", "weight": 1.5, "fillColor": "#e5383b",
                                "fillOpacity": 0.95}},
             "label": {"size": "s"}, "legend_zh": "目标", "legend_en": "Targets", "based_on": layers_used},
        ],
    }  # fmt: skip
    frames = {"catchment": union, "rings": rings, "stations": stations, "targets": feats, "rail_lines": _lines_for(
        None if scenario == "all" else scenario)}  # fmt: skip
    return recipe, frames


def comparison_recipe(result, sources, scenarios: tuple[str, str] | None = None):
    """Return ``(recipe, frames)`` comparing two scenarios of a coverage result in one picture.

    Each target is classed by what the second scenario adds: covered already
    in the first, newly covered in the second, uncertain in the second, or
    still not covered; the lines the second scenario adds are drawn over the
    first's, and the union catchment of the second is filled lightly.
    """
    base, more = scenarios or tuple(result.summary.get("scenarios", ["existing", "+planned"])[:2])
    recipe, frames = coverage_recipe(result, sources, more)
    feats = result.features
    first = feats[feats["scenario"] == base].set_index(["layer", "id"])
    cls_first = first["class"] if "class" in first.columns else first["covered"].map({True: "covered"})
    targets = frames["targets"].copy()
    before = [cls_first.get((lay, i)) for lay, i in zip(targets["layer"], targets["id"], strict=True)]
    targets["change"] = [
        "covered_before" if b == "covered" else "newly_covered" if c == "covered" else c
        for b, c in zip(before, targets["class"], strict=True)
    ]
    frames["targets"] = targets
    n = targets["change"].value_counts()
    words_zh, words_en = scenario_words(base, "zh"), scenario_words(more, "en")
    recipe["title_zh"] = f"情景对比：{scenario_words(more, 'zh')} 相对 {words_zh}"
    recipe["title_en"] = f"Scenario comparison: {words_en} against {scenario_words(base, 'en')}"
    recipe["subtitle_zh"] = (f"新增覆盖 {n.get('newly_covered', 0)}，原已覆盖 {n.get('covered_before', 0)}，"
                             f"不确定 {n.get('uncertain', 0)}，仍未覆盖 {n.get('not_covered', 0)}")  # fmt: skip
    recipe["subtitle_en"] = (
        f"{n.get('newly_covered', 0)} newly covered, {n.get('covered_before', 0)} covered before, "
        f"{n.get('uncertain', 0)} uncertain, {n.get('not_covered', 0)} still not covered"
    )
    dot = {"radius": 6, "weight": 1.5, "fillOpacity": 0.95}
    entry = next(e for e in recipe["layers"] if e["layer"] == "targets")
    entry.update(style_by="change", styles={
        "covered_before": {**dot, "color": "#1b4332", "fillColor": "#95d5b2"},
        "newly_covered": {**dot, "color": "#081c15", "fillColor": "#2d6a4f"},
        "uncertain": {**dot, "color": "#7f5539", "fillColor": "#f4a261"},
        "not_covered": {**dot, "color": "#6a040f", "fillColor": "#e5383b"},
    }, value_labels={"covered_before": ["原已覆盖", "covered before"], "newly_covered": ["新增覆盖", "newly covered"],
                     "uncertain": ["不确定", "uncertain"], "not_covered": ["未覆盖", "not covered"]})  # fmt: skip
    return recipe, frames


_BANDS = ["#08519c", "#3182bd", "#6baed6", "#9ecae1", "#c6dbef", "#deebf7"]


def isochrone_recipe(iso, origins, minutes: float | None = None, *, scenario: str | None = None):
    """Return ``(recipe, frames)`` for an isochrone map: one band per travel-time budget.

    ``iso`` holds one polygon per origin and budget (column ``minutes``; a
    frame without it is one band of ``minutes``). The map draws the bands
    (shortest darkest, on top), the rail lines of the scenario in their
    colours with their stations, and the origin named; the title names the
    origin, the budgets and the scenario in words (``scenario`` defaults to
    ``iso.attrs["scenario"]``).
    """
    iso = iso.copy()
    if "minutes" not in iso.columns:
        if minutes is None:
            raise ParameterError("minutes", "{name} is needed when the isochrones have no 'minutes' column")
        iso["minutes"] = float(minutes)
    scenario = scenario if scenario is not None else iso.attrs.get("scenario")
    budgets = sorted({float(v) for v in iso["minutes"]})
    iso["band"] = iso["minutes"].map(lambda v: f"{float(v):g}")
    iso = iso.sort_values("minutes", ascending=False)
    iso["name_zh"] = iso["origin"].astype(str) + iso["band"].map(lambda b: f" {b} 分钟")
    iso["name_en"] = iso["origin"].astype(str) + iso["band"].map(lambda b: f" {b} min")
    iso["source"] = "geosci access isochrone"
    colours = _BANDS[: len(budgets)] if len(budgets) <= len(_BANDS) else _BANDS * len(budgets)
    styles, value_labels = {}, {}
    for i, b in enumerate(budgets):
        key = f"{b:g}"
        styles[key] = {"color": colours[i], "weight": 1.2, "fillColor": colours[i], "fillOpacity": 0.28}
        value_labels[key] = [f"≤ {key} 分钟", f"≤ {key} min"]
    names = list(dict.fromkeys(iso["origin"].astype(str)))
    who = "、".join(names[:3]) + (" 等" if len(names) > 3 else "")
    who_en = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
    span = "/".join(f"{b:g}" for b in budgets)
    stations = None
    if scenario not in (None, "", "all"):
        from geosci.catalog import read_layer
        from geosci.coverage import select_scenario

        stations = select_scenario(read_layer("rail_stations"), scenario)
    recipe: dict[str, Any] = {
        "name": "isochrone",
        "title_zh": f"{who} 出发 {span} 分钟可达范围",
        "title_en": f"Reachable from {who_en} within {span} minutes",
        "subtitle_zh": f"情景：{scenario_words(scenario, 'zh')}",
        "subtitle_en": f"Scenario: {scenario_words(scenario, 'en')}",
        "view": {"fit": ["isochrone", "origin"], "pad": 0.06},
        "label_order": ["origin", "rail_lines", "stations"],
        "layers": [
            CONTEXT, {**_FIVE, "label": {"size": "s"}},
            {"layer": "isochrone", "style_by": "band", "styles": styles, "value_labels": value_labels,
             "legend_zh": "可达范围", "legend_en": "Reachable", "note_en": "geosci access isochrone",
             "based_on": ["rail_lines", "rail_stations"]},
            _RAIL,
            {"layer": "stations", "style": _STATION, "legend_zh": "轨道站点", "legend_en": "Stations",
             "based_on": ["rail_stations"]},
            {"layer": "origin", "style": {"radius": 7, "color": "#6a040f", "weight": 2, "fillColor": "#e63946",
                                          "fillOpacity": 0.95}, "label": {"size": "m"},
             "legend_zh": "起点", "legend_en": "Origin"},
        ],
    }  # fmt: skip
    frames = {"isochrone": iso, "origin": origins, "rail_lines": _lines_for(scenario)}
    if stations is not None:
        frames["stations"] = stations
    else:
        recipe["layers"][4] = {**recipe["layers"][4], "layer": "rail_stations", "id": "stations"}
    return recipe, frames
