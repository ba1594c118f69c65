"""Writing a result's files together: tables, layers and maps, all of them or none.

The analyses return results; this module writes them (through
:class:`geosci.io.OutputSet`), so the analysis modules never import the
map builders.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from geosci.coverage import CoverageResult

__all__ = ["write_coverage", "write_result_tables"]


def write_result_tables(
    result, out: str | Path, *, fmt: str | None, overwrite: bool, outputs
) -> list[tuple[Path, str]]:
    """Write a result's tables (``result.tables(view=...)`` and ``result.summary``) to ``out`` within ``outputs``.

    JSON gets the data view, every other format every table; ``fmt`` must
    agree with the suffix of ``out`` (``text`` accepts any).
    """
    from geosci.tables import write_tables

    view = "data" if fmt == "json" else "all"
    paths = write_tables(result.tables(view=view), out, fmt=None if fmt in (None, "text") else fmt,
                         summary=result.summary, overwrite=overwrite, outputs=outputs)  # fmt: skip
    return [(Path(p), "tables") for p in paths]


def write_coverage(
    result: CoverageResult,
    *,
    out: str | Path | None = None,
    fmt: str | None = None,
    gaps: str | Path | None = None,
    map_out: str | Path | None = None,
    overwrite: bool = False,
) -> list[tuple[Path, str]]:
    """Write a coverage result's files, all of them or none.

    Parameters
    ----------
    result : CoverageResult
    out : path, optional
        The tables (``.xlsx``, ``.csv``, ``.md``, ``.json``, ``.txt``) or,
        with ``fmt="geojson"``, every target with its class as a layer.
    fmt : str, optional
        The format asked for; it must agree with ``out``'s suffix.
    gaps : path, optional
        The uncovered part of each zone, per scenario, as a layer.
    map_out : path, optional
        A coverage map of the last scenario: ``.html`` offline, ``.pdf``,
        ``.png`` or ``.svg`` as a printed page.
    overwrite : bool

    Returns
    -------
    list of (path, description)
    """
    from geosci.io import OutputSet, write_layer

    done: list[tuple[Path, str]] = []
    with OutputSet() as outputs:
        if out:
            if fmt == "geojson":
                done.append((write_layer(result.features, out, overwrite=overwrite, outputs=outputs), "targets"))
            else:
                done += write_result_tables(result, out, fmt=fmt, overwrite=overwrite, outputs=outputs)
        if gaps:
            write_layer(result.gaps, gaps, overwrite=overwrite, outputs=outputs)
            done.append((Path(gaps), f"{len(result.gaps)} gap geometries"))
        if map_out:
            from geosci.mapfiles import write_result_map
            from geosci.recipes import coverage_recipe

            last = result.summary["scenarios"][-1]
            recipe, frames = coverage_recipe(result, result.sources, last)
            write_result_map(recipe, frames, map_out, overwrite=overwrite, outputs=outputs)
            done.append((Path(map_out), f"map, scenario {last}"))
    return done
