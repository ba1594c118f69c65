"""The registry of curated layers: names, metadata, paths and readers.

The catalog (``layers/catalog.json``) lists, for every layer, its titles in
Chinese and English, scale, geometry type, feature count, source documents,
how its geometry was made, an accuracy note, licence and checksum.

Examples
--------
>>> "districts" in list_layers()
True
>>> get_entry("districts")["feature_count"]
5
>>> read_layer("districts").crs.to_epsg()
4326
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geosci.errors import DataError, LayerNotFoundError, ParameterError
from geosci.params import STATUSES

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "STATUSES",
    "catalog",
    "file_sha256",
    "get_entry",
    "get_path",
    "get_table_entry",
    "iter_layer",
    "layer_table",
    "layers_dir",
    "list_layers",
    "list_tables",
    "read_layer",
    "read_table",
    "select_features",
]

REQUIRED_FIELDS = ("id", "name_zh", "name_en", "kind", "status", "source")


def layers_dir() -> Path:
    """Return the folder holding the curated layers and ``catalog.json``."""
    from geosci.layers import LAYERS_DIR

    return LAYERS_DIR


@lru_cache(maxsize=1)
def catalog() -> dict[str, Any]:
    """Return the parsed catalog (cached; treat it as read-only)."""
    path = layers_dir() / "catalog.json"
    return json.loads(path.read_text(encoding="utf-8"))


def list_layers(*, scale: str | None = None) -> list[str]:
    """Return the names of the curated layers, optionally of one scale.

    Parameters
    ----------
    scale : {"region", "science_city", "core"}, optional
        Keep only layers of this scale.
    """
    return [n for n, e in catalog()["layers"].items() if scale is None or e["scale"] == scale]


def list_tables() -> list[str]:
    """Return the names of the curated tables."""
    return list(catalog()["tables"])


def _closest(name: str, names: list[str]) -> str:
    import difflib

    near = difflib.get_close_matches(name, names, n=3)
    return f"; did you mean {', '.join(near)}?" if near else f"; known layers: {', '.join(names)}"


def get_entry(name: str) -> dict[str, Any]:
    """Return the catalog entry of a layer.

    Raises
    ------
    LayerNotFoundError
        With the closest known names, when ``name`` is not in the catalog.
    """
    layers = catalog()["layers"]
    if name not in layers:
        raise LayerNotFoundError(f"unknown layer {name!r}{_closest(name, list(layers))}")
    return layers[name]


def get_table_entry(name: str) -> dict[str, Any]:
    """Return the catalog entry of a table (see :func:`get_entry`)."""
    tables = catalog()["tables"]
    if name not in tables:
        raise LayerNotFoundError(f"unknown table {name!r}{_closest(name, list(tables))}")
    return tables[name]


def get_path(name: str) -> Path:
    """Return the path of a curated layer or table file."""
    tables = catalog()["tables"]
    entry = tables[name] if name in tables else get_entry(name)
    return layers_dir() / entry["file"]


def file_sha256(path: str | Path) -> str:
    """Return the SHA-256 hex digest of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_layer(name_or_path: str | Path, *, parameter: str = "file") -> gpd.GeoDataFrame:
    """Read a curated layer by name, or any vector file by path, as WGS84.

    Parameters
    ----------
    name_or_path : str or path
        A catalog name (``"rail_stations"``) or the path of a vector file
        that GDAL reads (GeoJSON, GeoPackage, Shapefile ...).
    parameter : str
        What the caller calls this input, for error messages.

    Returns
    -------
    geopandas.GeoDataFrame
        In EPSG:4326.

    Raises
    ------
    LayerNotFoundError
        When the name is unknown and no such file exists.
    DataError
        When the file cannot be read, has no CRS, or fails the checks of
        :func:`geosci.ingest.read_any` (files are read through it, so GCJ-02
        data declared WGS84, swapped coordinates and the like are caught).
    """
    import geopandas as gpd

    name = str(name_or_path)
    if name in catalog()["layers"]:
        return gpd.read_file(get_path(name))
    path = Path(name_or_path)
    if not path.exists():
        get_entry(name)  # raises with suggestions
    from geosci.ingest import read_any

    frame, _ = read_any(path, crs_parameter=None, input_parameter=parameter)
    return frame


def iter_layer(name_or_path: str | Path, *, rows: int, parameter: str = "file") -> Iterator[gpd.GeoDataFrame]:
    """Read a layer as :func:`read_layer` does, in parts of at most ``rows`` features.

    A file larger than ``rows`` features (GeoJSON, GeoPackage, Shapefile,
    GeoParquet) is read part by part, each part checked as a whole file is, so a
    layer larger than memory can be worked through; a curated layer, a
    smaller file or another format comes whole, as one part.

    Parameters
    ----------
    name_or_path : str or path
    rows : int
        Features per part.
    parameter : str
        What the caller calls this input, for error messages.

    Yields
    ------
    geopandas.GeoDataFrame
        Consecutive parts, in EPSG:4326, indexed on from the last part's
        end (features without a geometry dropped, as a whole read drops
        them); a part with none is skipped.
    """
    from geosci.ingest import FORMATS, PARTITIONED_FORMATS, read_any

    path = Path(name_or_path)
    name = str(name_or_path)
    if name in catalog()["layers"] or not path.exists() or FORMATS.get(path.suffix.lower()) not in PARTITIONED_FORMATS:
        yield read_layer(name_or_path, parameter=parameter)
        return
    from geosci.ingest import feature_count

    count = feature_count(path)
    if count <= rows:
        yield read_layer(name_or_path, parameter=parameter)
        return
    kept = 0  # features yielded so far: each part's index continues the last, as in a whole read
    for first in range(0, count, rows):
        frame, _ = read_any(path, crs_parameter=None, input_parameter=parameter, rows=(first, rows))
        if frame.empty:
            continue
        frame.index = range(kept, kept + len(frame))
        kept += len(frame)
        yield frame
    if not kept:
        raise DataError(f"{path.name} has no features with a geometry")


def read_table(name: str) -> pd.DataFrame:
    """Read a curated table (for example ``"indicators_2025"``) as a DataFrame.

    Examples
    --------
    >>> read_table("indicators_2025").shape
    (20, 7)
    """
    import pandas as pd

    get_table_entry(name)
    return pd.read_csv(get_path(name), dtype=str, keep_default_na=False)


def select_features(frame: gpd.GeoDataFrame, conditions: tuple[str, ...] | list[str], *, what: str = "the layer",
                    empty_ok: bool = False):  # fmt: skip
    """Keep the features matching every ``FIELD=VALUE`` condition (values compared as text).

    ``empty_ok`` returns an empty frame when nothing matches (one part of
    a layer read in parts) instead of raising.

    Raises
    ------
    ParameterError
        (parameter ``select``) for a malformed condition, an unknown field,
        or when no feature matches (unless ``empty_ok``).

    Examples
    --------
    >>> len(select_features(read_layer("landmarks"), ["id=lm-hall"]))
    1
    """
    for cond in conditions:
        field, sep, value = cond.partition("=")
        if not sep or field not in frame.columns:
            fields = ", ".join(c for c in frame.columns if c != frame.geometry.name)
            raise ParameterError("select", f"{{name}} should be FIELD=VALUE with a field of {what} ({fields}), "
                                           f"got {cond!r}")  # fmt: skip
        frame = frame[frame[field].astype(str) == value]
    if frame.empty and not empty_ok:
        raise ParameterError("select", f"no feature of {what} matches {' and '.join(conditions)}: check {{name}}")
    return frame


def layer_table(*, scale: str | None = None) -> pd.DataFrame:
    """Return one row per curated layer: name, scale, geometry, features, accuracy, titles and sources.

    Examples
    --------
    >>> layer_table(scale="core")["scale"].unique().tolist()
    ['core']
    """
    import pandas as pd

    rows = []
    for name in list_layers(scale=scale):
        e = get_entry(name)
        rows.append({"name": name, "scale": e["scale"], "geometry": e["geometry_type"], "features": e["feature_count"],
                     "accuracy_m": e["accuracy_m"], "title_zh": e["title_zh"], "title_en": e["title_en"],
                     "sources": "; ".join(e["sources"])})  # fmt: skip
    return pd.DataFrame(rows)
