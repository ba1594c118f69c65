"""Check layers against geosci's layer rules and the catalog.

A layer is valid when every feature has the required fields (``id``,
``name_zh``, ``name_en``, ``kind``, ``status``, ``source``), ids are unique,
``status`` is one of existing / under_construction / planned, every ``source``
names a known seed document, and every geometry is present, valid and inside
the area of the layer's scale. A curated layer must also match its catalog
entry (file present, feature count, geometry type, checksum).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from geosci.catalog import REQUIRED_FIELDS, catalog, file_sha256, get_entry, layers_dir, list_layers
from geosci.params import STATUSES

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["SCALE_BOUNDS", "Problem", "validate_all", "validate_catalog_entry", "validate_frame", "validate_path"]

# (minx, miny, maxx, maxy) in degrees that each scale's features must lie in.
SCALE_BOUNDS = {
    "region": (102.0, 28.0, 110.5, 32.5),  # Sichuan basin and Chongqing
    "science_city": (105.8, 28.5, 106.9, 30.1),  # the five districts and the metro serving them
    "core": (106.2, 29.3, 106.5, 29.9),  # the core, University Town and Beibei campuses
}
_SOURCE_RE = re.compile(r"^\s*(\d{3})\b")


@dataclass(frozen=True)
class Problem:
    """One finding: the layer, the feature id (if any) and what is wrong."""

    layer: str
    message: str
    feature: str | None = None

    def __str__(self) -> str:
        where = f"{self.layer}[{self.feature}]" if self.feature is not None else self.layer
        return f"{where}: {self.message}"


def validate_frame(frame: gpd.GeoDataFrame, *, layer: str = "layer", scale: str | None = None) -> list[Problem]:
    """Check a layer's fields and geometries.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        The layer, in EPSG:4326.
    layer : str
        Its name, used in the messages.
    scale : {"region", "science_city", "core"}, optional
        When given, every geometry must lie inside ``SCALE_BOUNDS[scale]``.

    Returns
    -------
    list of Problem
        Empty when the layer is valid.

    Examples
    --------
    >>> from geosci.catalog import read_layer
    >>> validate_frame(read_layer("rail_stations"), layer="rail_stations", scale="science_city")
    []
    """
    import shapely

    problems: list[Problem] = []
    if len(frame) == 0:
        return [Problem(layer, "has no features")]
    missing = [f for f in REQUIRED_FIELDS if f not in frame.columns]
    if missing:
        problems.append(Problem(layer, f"missing required fields: {', '.join(missing)}"))
    ids = frame["id"].astype(str) if "id" in frame.columns else frame.index.astype(str)
    dupes = sorted(set(ids[ids.duplicated()]))
    if dupes:
        problems.append(Problem(layer, f"duplicate ids: {', '.join(dupes[:10])}"))
    for field in (f for f in REQUIRED_FIELDS if f in frame.columns):
        blank = frame[field].isna() | (frame[field].astype(str).str.strip() == "")
        problems += [Problem(layer, f"empty {field}", i) for i in ids[blank]]
    if "status" in frame.columns:
        bad = ~frame["status"].isin(STATUSES)
        problems += [
            Problem(layer, f"status should be one of {', '.join(STATUSES)}, got {s!r}", i)
            for i, s in zip(ids[bad], frame["status"][bad], strict=True)
        ]
    if "source" in frame.columns:
        known = catalog()["sources"]
        given = frame["source"].notna()
        for i, src in zip(ids[given], frame["source"][given].astype(str), strict=True):
            for part in src.split(";"):
                m = _SOURCE_RE.match(part)
                if not m or m.group(1) not in known:
                    problems.append(
                        Problem(layer, f"source {part.strip()!r} names no known seed ({', '.join(known)})", i)
                    )
    geoms = frame.geometry.values
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    problems += [Problem(layer, "empty or missing geometry", i) for i in ids[empty]]
    invalid = ~empty & ~shapely.is_valid(geoms)
    for i, g in zip(ids[invalid], geoms[invalid], strict=True):
        problems.append(Problem(layer, f"invalid geometry: {shapely.is_valid_reason(g)}", i))
    if scale is not None:
        box = shapely.box(*SCALE_BOUNDS[scale])
        outside = ~empty & ~shapely.within(geoms, box)
        problems += [
            Problem(layer, f"geometry lies outside the {scale} area {SCALE_BOUNDS[scale]}", i) for i in ids[outside]
        ]
    return problems


def validate_catalog_entry(name: str) -> list[Problem]:
    """Check a curated layer against its catalog entry and the layer rules."""
    import geopandas as gpd

    entry = get_entry(name)
    path = layers_dir() / entry["file"]
    if not path.exists():
        return [Problem(name, f"file {entry['file']} is missing")]
    problems = []
    digest = file_sha256(path)
    if digest != entry["sha256"]:
        problems.append(Problem(name, f"checksum {digest[:12]}… differs from the catalog's {entry['sha256'][:12]}…"))
    frame = gpd.read_file(path)
    if len(frame) != entry["feature_count"]:
        problems.append(Problem(name, f"has {len(frame)} features, the catalog says {entry['feature_count']}"))
    types = set(frame.geom_type)
    if types != {entry["geometry_type"]}:
        msg = f"geometry types {sorted(types)} differ from the catalog's {entry['geometry_type']}"
        problems.append(Problem(name, msg))
    return problems + validate_frame(frame, layer=name, scale=entry["scale"])


def validate_all() -> tuple[str, list[Problem]]:
    """Check every curated layer; return what was checked (in words) and the problems found."""
    names = list_layers()
    return f"{len(names)} catalog layers", [p for n in names for p in validate_catalog_entry(n)]


def validate_path(path: str | Path, *, scale: str | None = None) -> list[Problem]:
    """Check any vector file (read as WGS84) against the layer rules."""
    from geosci.catalog import read_layer

    frame = read_layer(Path(path))
    return validate_frame(frame, layer=Path(path).name, scale=scale)
