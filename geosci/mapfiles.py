"""Writing maps to files: the recipe (or the user's files) to offline HTML and a PNG, in one call.

The commands that draw maps (``map``, ``coverage --map``, ``access isochrone
--map``) call :func:`make_map_files` or :func:`write_result_map`; the map
itself is built by :func:`geosci.mapping.build_map`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geosci.errors import GeosciError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["make_map_files", "write_result_map"]


def make_map_files(
    recipe: str | Path | None,
    *,
    add: Sequence[str | Path] = (),
    out: str | Path | None = None,
    png: str | Path | None = None,
    tiles: str = "none",
    tiles_key: str | None = None,
    lang: str = "both",
    width: int = 1600,
    height: int = 1100,
    overwrite: bool = False,
) -> list[tuple[Path, str]]:
    """Build a map from a recipe and the user's files, and write it as HTML and/or PNG.

    Parameters
    ----------
    recipe : str or path, optional
        A shipped recipe name or a recipe file; ``None`` with ``add``: a map
        of those files alone.
    add : sequence of paths
        The user's own vector files, drawn on top.
    out : path, optional
        The HTML file (default ``<recipe name>.html`` unless only a PNG is asked for).
    png : path, optional
        A PNG rendering in headless Chromium.
    tiles, tiles_key, lang :
        As for :func:`geosci.mapping.build_map`.
    width, height : int
        PNG size in pixels.
    overwrite : bool

    Returns
    -------
    list of (path, description)
        The files written, all or none.
    """
    import tempfile

    from geosci.browser import screenshot
    from geosci.io import OutputSet, atomic_path, check_output, write_bytes
    from geosci.mapping import build_map
    from geosci.offline import map_to_html
    from geosci.recipes import load_recipe, recipe_for_files

    if recipe is None and not add:
        raise GeosciError("give a RECIPE (district, axis, region, transit, incubators) or --add FILE")
    if png is not None and Path(png).suffix.lower() != ".png":
        from geosci.errors import ParameterError

        raise ParameterError("png", f"{{name}} {str(png)!r} should end in .png")
    spec = load_recipe(recipe) if recipe else None
    if add:
        spec = recipe_for_files([str(a) for a in add], base=spec)
    out = out or (None if png else f"{spec.get('name', 'map')}.html")
    inputs = [*add, recipe if recipe and Path(str(recipe)).exists() else None]
    for target, name in ((out, "out"), (png, "png")):  # refuse before doing any work
        if target:
            check_output(target, overwrite=overwrite, inputs=inputs, parameter=name)
    page = map_to_html(build_map(spec, tiles=tiles, lang=lang, tiles_key=tiles_key)).encode("utf-8")
    done = []
    with OutputSet() as outputs:
        if out:
            write_bytes(page, out, overwrite=overwrite, outputs=outputs)
            done.append((Path(out), f"{len(page) / 1e6:.2f} MB, offline, tiles={tiles}"))
        if png:
            with tempfile.TemporaryDirectory(prefix="geosci-map-") as tmp:
                html_path = Path(tmp) / "map.html"
                html_path.write_bytes(page)
                with atomic_path(png, overwrite=overwrite, suffix=".png", outputs=outputs) as tmp_png:
                    screenshot(html_path, tmp_png, width=width, height=height)
            done.append((Path(png), f"{width}x{height}"))
    return done


def write_result_map(
    recipe: dict[str, Any],
    frames: dict[str, gpd.GeoDataFrame],
    path: str | Path,
    *,
    overwrite: bool = False,
    outputs=None,
) -> Path:
    """Write a result map (a recipe with its own frames) as one offline HTML file."""
    from geosci.io import write_bytes
    from geosci.mapping import build_map
    from geosci.offline import map_to_html

    return write_bytes(map_to_html(build_map(recipe, frames=frames)).encode("utf-8"), path, overwrite=overwrite,
                       outputs=outputs)  # fmt: skip
