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
property is one of the listed values; ``label`` draws the feature names on
the map. The legend is made from the same styles, so it always matches what
is drawn.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from geosci.errors import DataError, LayerNotFoundError

__all__ = ["coverage_recipe", "isochrone_recipe", "list_recipes", "load_recipe", "recipe_for_files", "validate_recipe"]

_STYLE_KEYS = {
    "color", "weight", "opacity", "fillColor", "fillOpacity", "dashArray", "radius", "lineCap", "lineJoin",
}  # fmt: skip


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
        recipe = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"cannot read recipe {path}: {exc}") from exc
    validate_recipe(recipe, where=str(path))
    return recipe


def validate_recipe(recipe: Any, *, where: str = "recipe") -> None:
    """Check a recipe's structure; raise :class:`DataError` naming the first problem."""
    if not isinstance(recipe, dict):
        raise DataError(f"{where}: a recipe should be a JSON object, got {type(recipe).__name__}")
    layers = recipe.get("layers")
    if not isinstance(layers, list) or not layers:
        raise DataError(f"{where}: 'layers' should be a non-empty list")
    seen = set()
    for i, entry in enumerate(layers):
        here = f"{where}: layers[{i}]"
        if not isinstance(entry, dict) or "layer" not in entry:
            raise DataError(f"{here} should be an object with a 'layer' name")
        key = entry.get("id", entry["layer"])
        if key in seen:
            raise DataError(f"{here}: layer id {key!r} is used twice: give one an 'id'")
        seen.add(key)
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
    recipe = (
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


def coverage_recipe(result, sources, scenario: str):
    """Return ``(recipe, frames)`` for a coverage result map of one scenario.

    The map shows the zones and their uncovered gaps, the stations open in
    the scenario, and every target feature coloured by whether it is covered.
    """
    from geosci.coverage import select_scenario

    feats = result.features[result.features["scenario"] == scenario].copy()
    feats["covered"] = feats["covered"].map({True: "yes", False: "no"})
    feats["source"] = "geosci coverage"
    gaps = result.gaps[result.gaps["scenario"] == scenario].copy()
    gaps["name_zh"] = gaps["zone"].astype(str) + " 未覆盖"
    gaps["name_en"] = "uncovered"
    stations = select_scenario(sources, None if scenario == "all" else scenario)
    radius = result.summary["catchment"].get("straight_line_radius_m") or result.summary["catchment"].get(
        "network_distance_m"
    )
    recipe = {
        "name": "coverage",
        "title_zh": f"覆盖分析 · {scenario} · {radius:g} m",
        "title_en": f"Coverage: scenario {scenario}, catchment {radius:g} m",
        "view": {"fit_layer": "gaps"},
        "layers": [
            {"layer": "gaps", "style": {"color": "#9d0208", "weight": 1, "fillColor": "#e85d04", "fillOpacity": 0.25},
             "legend_zh": "未覆盖区域", "legend_en": "Not covered"},
            {"layer": "stations", "style": {"radius": 4, "color": "#1d4e89", "weight": 2, "fillColor": "#ffffff",
                                            "fillOpacity": 1}, "legend_zh": "站点", "legend_en": "Stations"},
            {"layer": "targets", "style_by": "covered", "styles": {
                "yes": {"radius": 6, "color": "#1b4332", "weight": 1, "fillColor": "#40916c", "fillOpacity": 0.9},
                "no": {"radius": 6, "color": "#6a040f", "weight": 1, "fillColor": "#e5383b", "fillOpacity": 0.9}},
             "legend_zh": "目标", "legend_en": "Targets"},
        ],
    }  # fmt: skip
    return recipe, {"gaps": gaps, "stations": stations, "targets": feats}


def isochrone_recipe(iso, origins, minutes: float):
    """Return ``(recipe, frames)`` for an isochrone map."""
    iso = iso.copy()
    iso["name_zh"] = iso["origin"].astype(str) + f" {minutes:g} 分钟"
    iso["name_en"] = iso["origin"].astype(str) + f" {minutes:g} min"
    iso["source"] = "geosci access isochrone"
    recipe = {
        "name": "isochrone",
        "title_zh": f"{minutes:g} 分钟可达范围",
        "title_en": f"Reachable within {minutes:g} minutes",
        "view": {"fit_layer": "isochrone"},
        "layers": [
            {"layer": "districts", "style": {"color": "#9c9385", "weight": 1, "fillColor": "#f3eee3",
                                             "fillOpacity": 0.35}, "legend_zh": "五个片区", "legend_en": "Districts"},
            {"layer": "isochrone", "style": {"color": "#1d4e89", "weight": 2, "fillColor": "#4ea8de",
                                             "fillOpacity": 0.35}, "legend_zh": "可达范围", "legend_en": "Reachable"},
            {"layer": "origin", "style": {"radius": 8, "color": "#9d0208", "weight": 2, "fillColor": "#e63946",
                                          "fillOpacity": 0.9}, "label": True,
             "legend_zh": "起点", "legend_en": "Origin"},
        ],
    }  # fmt: skip
    return recipe, {"isochrone": iso, "origin": origins}
