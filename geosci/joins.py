"""Joins: which zone (district, centre, axis segment, ecosystem ...) each feature falls in or is nearest to.

Distances are measured in the metric CRS of the area (never in degrees).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from geosci.errors import DataError, ParameterError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = ["join", "join_tables", "write_joined", "zone_counts"]


def join(
    features: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    *,
    zone_field: str = "name_zh",
    nearest: bool = False,
    max_distance_m: float | None = None,
) -> gpd.GeoDataFrame:
    """Attach to each feature the zone it lies in (or, with ``nearest``, the closest zone).

    Parameters
    ----------
    features : GeoDataFrame
        Features to place (lines and polygons use their representative point).
    zones : GeoDataFrame
        Zones (polygons) or reference features of any type (for ``nearest``).
    zone_field : str
        Field naming each zone.
    nearest : bool
        Take the nearest zone, with its distance, instead of the containing one.
    max_distance_m : float, optional
        With ``nearest``: leave features farther than this unjoined.

    Returns
    -------
    GeoDataFrame
        ``features`` (WGS84) with ``zone`` and ``distance_m`` columns
        (``0`` inside a zone; empty zone where none applies). Where zones
        overlap (two starting areas sharing a host district), ``zone`` is
        the first and a ``zones`` column lists every zone containing the
        feature, separated by ``;``.

    Examples
    --------
    >>> from geosci.catalog import read_layer
    >>> j = join(read_layer("incubator_clusters"), read_layer("centres"), nearest=True)
    >>> j.set_index("id").loc["inc-jinfeng", "zone"]
    '科技活力赋能中心'
    """
    import geopandas as gpd

    from geosci.crs import metric_crs

    if zone_field not in zones.columns:
        fields = ", ".join(c for c in zones.columns if c != zones.geometry.name)
        raise ParameterError("zone_field", f"{{name}} {zone_field!r} is not a field of the zones ({fields})")
    if features.empty or zones.empty:
        raise DataError("both layers need at least one feature")
    crs = metric_crs(tuple(features.to_crs(4326).total_bounds))
    pts = gpd.GeoDataFrame(geometry=features.to_crs(crs).geometry.representative_point().values, crs=crs)
    z = zones.to_crs(crs)[[zone_field, zones.geometry.name]].rename(columns={zone_field: "_zone"})
    z["_zone"] = z["_zone"].astype(str)  # names as text: a numeric code must not come back as a float ("1.0")
    if nearest:
        joined = gpd.sjoin_nearest(pts, z, how="left", max_distance=max_distance_m, distance_col="_d")
    else:
        joined = gpd.sjoin(pts, z, how="left", predicate="within")
        joined["_d"] = np.where(joined["_zone"].notna(), 0.0, np.nan)
    every = joined["_zone"].dropna().astype(str).groupby(level=0).agg(lambda s: ";".join(dict.fromkeys(s)))
    joined = joined[~joined.index.duplicated(keep="first")]
    out = features.to_crs(4326).copy()
    out["zone"] = joined["_zone"].fillna("").astype(str).values
    out["distance_m"] = np.round(joined["_d"].values.astype(float), 1)
    if (every.str.count(";") > 0).any():
        out["zones"] = every.reindex(joined.index).fillna("").values
    return out


def zone_counts(joined: gpd.GeoDataFrame, *, name_field: str = "name_zh",
                zone_names: list[str] | None = None) -> pd.DataFrame:  # fmt: skip
    """Count and list the joined features of each zone.

    A feature inside overlapping zones (a ``zones`` column, see
    :func:`join`) counts in each of them. With ``zone_names`` every zone is
    listed, those with no feature at 0, in that order (then ``(none)`` for
    features outside every zone); otherwise only the zones with features,
    sorted.
    """
    import pandas as pd

    names = joined[name_field].astype(str) if name_field in joined.columns else joined.index.astype(str)
    column = joined["zone"]
    if "zones" in joined.columns:  # overlapping zones: a feature counts in every zone containing it
        column = joined["zones"].where(joined["zones"] != "", joined["zone"])
    frame = pd.DataFrame({"zone": column.replace("", "(none)").str.split(";"), "name": names}).explode("zone")
    table = frame.groupby("zone", sort=True)["name"].agg(count="size", features=lambda s: "、".join(s))
    if zone_names is not None:
        order = list(dict.fromkeys(str(z) for z in zone_names))
        order += [z for z in table.index if z not in order]  # never drop a counted feature, "(none)" last
        table = table.reindex(order).fillna({"count": 0, "features": ""}).astype({"count": int})
    return table.rename_axis("zone").reset_index()


def join_tables(
    layer,
    zones,
    *,
    zone_field: str = "name_zh",
    nearest: bool = False,
    max_distance_m: float | None = None,
    counts: bool = False,
) -> tuple[gpd.GeoDataFrame, list]:
    """Join a layer (name, file or frame) to zones and return the joined layer and its table.

    The table lists every feature with its zone and distance, or with
    ``counts`` the count and list of features per zone, every zone listed
    (0 where none lies in it).
    """
    from geosci.catalog import read_layer
    from geosci.tables import Table

    def frame(value):
        return value if hasattr(value, "geometry") else read_layer(value)

    zone_frame = frame(zones)
    joined = join(frame(layer), zone_frame, zone_field=zone_field, nearest=nearest, max_distance_m=max_distance_m)
    if counts:
        table = zone_counts(joined, zone_names=zone_frame[zone_field].astype(str).tolist())
        return joined, [Table("counts", table, "分区计数", "Features per zone")]
    cols = [c for c in ("id", "name_zh", "zone", "zones", "distance_m") if c in joined.columns]
    return joined, [Table("joined", joined[cols], "空间关联", "Features and their zones")]


def write_joined(joined: gpd.GeoDataFrame, path, *, overwrite: bool = False):
    """Write the joined layer (any vector format by suffix), atomically."""
    from geosci.io import write_layer

    return write_layer(joined, path, overwrite=overwrite)
