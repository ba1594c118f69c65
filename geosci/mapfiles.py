"""Writing result maps to files: offline HTML, or a printed page by the file's suffix.

The analyses that draw maps (``coverage --map``, ``access isochrone --map``,
``site --map``) build a recipe with its own frames and call
:func:`write_result_map`; ``.html`` gives the interactive single-file map,
``.pdf``, ``.png`` and ``.svg`` the printed page of :mod:`geosci.printing`.
The ``map`` command itself writes through :func:`geosci.printing.make_map_outputs`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["PAGE_SUFFIXES", "write_result_map"]

PAGE_SUFFIXES = (".pdf", ".png", ".svg")
"""Suffixes written as a printed page rather than as interactive HTML."""


def write_result_map(
    recipe: dict[str, Any],
    frames: dict[str, gpd.GeoDataFrame],
    path: str | Path,
    *,
    overwrite: bool = False,
    outputs=None,
    dpi: float = 300,
) -> Path:
    """Write a result map (a recipe with its own frames): ``.html`` offline, ``.pdf/.png/.svg`` as a page.

    Parameters
    ----------
    recipe : dict
        The result's recipe (e.g. :func:`geosci.recipes.coverage_recipe`).
    frames : dict of GeoDataFrame
        The frames the recipe draws.
    path : path
        ``.html`` (one offline file) or ``.pdf``, ``.png``, ``.svg`` (an A4
        landscape printed page).
    overwrite : bool
    outputs : geosci.io.OutputSet, optional
        Make the file visible together with the command's other files.
    dpi : float
        Resolution of a PNG page.

    Returns
    -------
    pathlib.Path
    """
    if Path(path).suffix.lower() in PAGE_SUFFIXES:
        from geosci.printing import write_print

        write_print(recipe, path, frames=frames, dpi=dpi, overwrite=overwrite, outputs=outputs)
        return Path(path)
    from geosci.mapping import build_map
    from geosci.offline import write_map

    return write_map(build_map(recipe, frames=frames), path, overwrite=overwrite, outputs=outputs)
