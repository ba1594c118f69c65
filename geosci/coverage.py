"""Coverage: what lies within a catchment of stations (or of any point sources).

Point coverage uses exact circles: a KD-tree finds each target's nearest
source in a metric CRS, and a target is covered when that distance is at most
the radius. No buffer polygon is involved; buffer polygons miscount points
near a circle's edge. Area and population shares use the union of the
catchment circles drawn with 256 segments per circle (area about 0.01 %
below the true circle), intersected with each zone. The uncovered remainder of each zone is
returned as the gap geometry.

With a street network (:class:`geosci.realnet.WalkNetwork`) the catchment is
a walking distance along it instead of a straight-line radius.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from geosci.errors import DataError
from geosci.params import AccessParams, scenario_statuses

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "CLASSES",
    "DEFAULT_TARGETS",
    "CoverageResult",
    "catchment_geometry",
    "classify",
    "coverage",
    "default_scenarios",
    "measure",
    "nearest_distance",
    "select_scenario",
    "statuses_from_lines",
    "zonal_population",
]

CLASSES = ("covered", "uncertain", "not_covered")
"""How a target stands against a catchment, once positional accuracy is counted."""

DEFAULT_TARGETS = ("incubator_clusters", "research_centres", "district_incubators", "innovation_points",
                   "universities")  # fmt: skip
"""The layers counted when no target is named."""

_QUAD_SEGS = 64  # 256 segments per circle


def select_scenario(sources: gpd.GeoDataFrame, scenario: str | None) -> gpd.GeoDataFrame:
    """Keep the sources open in a scenario.

    A station with ``line_statuses`` (``"existing;planned"``) is open when
    any of its lines is in the scenario; otherwise its ``status`` decides.
    Sources with neither field are all kept.
    """
    if scenario is None:
        return sources
    statuses = set(scenario_statuses(scenario))
    if "line_statuses" in sources.columns:
        keep = sources["line_statuses"].astype(str).map(lambda s: bool(statuses & set(s.split(";"))))
    elif "status" in sources.columns:
        keep = sources["status"].isin(statuses)
    else:
        return sources
    return sources[keep.values]


def nearest_distance(targets_xy: np.ndarray, sources_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Straight-line distance from each target to its nearest source, and that source's index.

    Examples
    --------
    >>> d, i = nearest_distance(np.array([[0.0, 0.0], [10.0, 0.0]]), np.array([[3.0, 4.0]]))
    >>> d.tolist(), i.tolist()
    ([5.0, 8.06225774829855], [0, 0])
    """
    from scipy.spatial import cKDTree

    if len(sources_xy) == 0:
        return np.full(len(targets_xy), np.inf), np.full(len(targets_xy), -1)
    d, i = cKDTree(sources_xy).query(targets_xy, k=1)
    return d, i


def classify(
    targets_xy: np.ndarray,
    target_accuracy: np.ndarray,
    sources_xy: np.ndarray,
    source_accuracy: np.ndarray,
    radius: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Class each target as covered, uncertain or not covered, counting positional accuracy.

    A target is *covered* when some source lies within the radius even if
    both positions are off by their accuracy (``d + a_t + a_s <= r``), *not
    covered* when no source could reach it however the positions are off
    (``d - a_t - a_s > r`` for every source), and *uncertain* otherwise.

    Parameters
    ----------
    targets_xy, sources_xy : ndarray
        Metric coordinates, shape ``(n, 2)``.
    target_accuracy, source_accuracy : ndarray
        How far off each position may be, metres (0 where exact).
    radius : float
        The catchment radius, metres.

    Returns
    -------
    classes : ndarray of str
        ``"covered"``, ``"uncertain"`` or ``"not_covered"``.
    distance : ndarray
        Distance to the nearest source, metres.
    nearest : ndarray of int
        Index of that source (-1 without sources).
    margin : ndarray
        Combined accuracy ``a_t + a_s`` of the target and its nearest source.

    Examples
    --------
    >>> c, d, i, a = classify(np.array([[0.0, 0.0], [900.0, 0.0], [5000.0, 0.0]]), np.array([0.0, 0.0, 0.0]),
    ...                       np.array([[0.0, 100.0]]), np.array([200.0]), 800.0)
    >>> c.tolist(), a.tolist()
    (['covered', 'uncertain', 'not_covered'], [200.0, 200.0, 200.0])
    """
    from scipy.spatial import cKDTree

    t_acc = np.nan_to_num(np.asarray(target_accuracy, dtype=float), nan=0.0)
    s_acc = np.nan_to_num(np.asarray(source_accuracy, dtype=float), nan=0.0)
    dist, idx = nearest_distance(targets_xy, sources_xy)
    n = len(targets_xy)
    classes = np.full(n, "not_covered", dtype=object)
    margin = t_acc + np.where(idx >= 0, s_acc[np.clip(idx, 0, None)] if len(s_acc) else 0.0, 0.0)
    if len(sources_xy) == 0 or n == 0:
        return classes.astype(str), dist, idx, margin
    # the nearest source settles most targets: covered if it covers them even when both are off, not covered if
    # no source could (every source is at least as far and no less exact than the least exact one)
    s_max = float(s_acc.max())
    sure = dist + t_acc + s_acc[idx] <= radius
    maybe = sure | (dist - t_acc - s_max <= radius)
    open_ = np.flatnonzero(maybe & ~sure)  # the rest: some other source may settle them, every pair is checked
    if len(open_):
        reach = radius + float(t_acc[open_].max()) + s_max
        pairs = cKDTree(targets_xy[open_]).sparse_distance_matrix(cKDTree(sources_xy), reach, output_type="ndarray")
        ti, si, d = open_[pairs["i"]], pairs["j"], pairs["v"]
        slack = t_acc[ti] + s_acc[si]
        maybe[open_] = False
        np.logical_or.at(sure, ti, d + slack <= radius)
        np.logical_or.at(maybe, ti, d - slack <= radius)
        maybe |= sure
    classes[maybe] = "uncertain"
    classes[sure] = "covered"
    return classes.astype(str), dist, idx, margin


def _accuracy(frame, default: float = 0.0) -> np.ndarray:
    if "accuracy_m" not in frame.columns:
        return np.full(len(frame), default)
    import pandas as pd

    return pd.to_numeric(frame["accuracy_m"], errors="coerce").fillna(default).to_numpy(dtype=float)


def statuses_from_lines(stations: gpd.GeoDataFrame, lines: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Set each station's ``line_statuses`` from the statuses of its lines in ``lines``.

    A station's ``lines`` field (``"1;环线"``) names its lines; their
    ``status`` in the lines layer decides in which scenarios it is open, so a
    user's own lines file changes coverage. Stations without a ``lines``
    field are returned as they are.

    Examples
    --------
    >>> from geosci.catalog import read_layer
    >>> st = statuses_from_lines(read_layer("rail_stations"), read_layer("rail_lines"))
    >>> bool(st["line_statuses"].str.len().gt(0).all())
    True
    """
    if "lines" not in stations.columns or "line" not in lines.columns or "status" not in lines.columns:
        return stations
    status = dict(zip(lines["line"].astype(str), lines["status"].astype(str), strict=True))
    out = stations.copy()
    out["line_statuses"] = [
        ";".join(status[x.strip()] for x in str(v).split(";") if x.strip() in status) for v in out["lines"]
    ]
    return out


def default_scenarios(sources: gpd.GeoDataFrame) -> list[str | None]:
    """Scenarios to compare by default: all three for sources with statuses, else one run of all sources."""
    if "line_statuses" in sources.columns or "status" in sources.columns:
        return ["existing", "+under_construction", "+planned"]
    return [None]


_TILED_ABOVE = 2000  # sources beyond which the union is built tile by tile


def catchment_geometry(sources_xy: np.ndarray, radius: float, *, jobs: int | None = None):
    """Union of the catchment circles (metric coordinates).

    Up to a few thousand sources, one union of all the circles. Beyond,
    tile by tile: the plane is cut into square tiles about 16 radii wide,
    each tile unions only the circles that reach it, clipped to the tile,
    and the disjoint tile pieces are joined edge to edge. The circles are
    the same 256-segment polygons, so the area is the same up to rounding;
    the work and memory grow with the sources of a tile, not of the whole
    set, and ``jobs`` threads (default: every core) work on tiles at once,
    with the same result as one thread.
    """
    import shapely

    from geosci.parallel import ordered_map

    sources_xy = np.asarray(sources_xy, dtype=float).reshape(-1, 2)
    if len(sources_xy) == 0:
        return shapely.Polygon()
    if len(sources_xy) <= _TILED_ABOVE:
        return shapely.union_all(shapely.buffer(shapely.points(sources_xy), radius, quad_segs=_QUAD_SEGS))
    size = 16.0 * radius
    lo = sources_xy.min(axis=0) - radius
    ny = int(np.ceil((sources_xy[:, 1].max() + radius - lo[1]) / size)) + 1
    # a circle's bounding box (2 radii) touches at most 2 x 2 tiles of 16 radii
    first = np.floor((sources_xy - radius - lo) / size).astype(int)
    last = np.floor((sources_xy + radius - lo) / size).astype(int)
    members: dict[tuple[int, int], list[int]] = {}
    for dx in (0, 1):
        for dy in (0, 1):
            tx, ty = first[:, 0] + dx, first[:, 1] + dy
            ok = (tx <= last[:, 0]) & (ty <= last[:, 1])
            for key, idx in _group(tx[ok] * ny + ty[ok], np.flatnonzero(ok)):
                members.setdefault(divmod(int(key), ny), []).extend(idx.tolist())

    def tile(item):
        (i, j), idx = item
        box = shapely.box(lo[0] + i * size, lo[1] + j * size, lo[0] + (i + 1) * size, lo[1] + (j + 1) * size)
        circles = shapely.buffer(shapely.points(sources_xy[np.sort(idx)]), radius, quad_segs=_QUAD_SEGS)
        return shapely.intersection(shapely.union_all(circles), box)

    pieces = [g for g in ordered_map(tile, sorted(members.items()), jobs=jobs) if not g.is_empty]
    return shapely.union_all(pieces, grid_size=None) if pieces else shapely.Polygon()


def _group(keys: np.ndarray, values: np.ndarray):
    """Yield ``(key, values)`` for each distinct key."""
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    cuts = np.flatnonzero(np.diff(keys)) + 1
    for k, v in zip(np.split(keys, cuts), np.split(values, cuts), strict=True):
        if len(k):
            yield k[0], v


def zonal_population(
    zones: gpd.GeoSeries, population: str | gpd.GeoDataFrame, *, field: str | None = None
) -> np.ndarray:
    """Sum population inside each geometry of ``zones``.

    Parameters
    ----------
    zones : GeoSeries
        Polygons (any CRS).
    population : str or GeoDataFrame
        A raster path (cell values are counts; summed over the cells whose
        centre falls inside the zone, with rasterio) or polygons with a count
        ``field`` (shared out in proportion to the area of each polygon that
        falls inside the zone).
    field : str, optional
        The count field of a polygon layer.
    """
    import geopandas as gpd
    import shapely

    if isinstance(population, gpd.GeoDataFrame):
        if field is None or field not in population.columns:
            raise DataError(f"the population layer needs a count field: pass --population-field (got {field!r})")
        from geosci.crs import equal_area_crs

        crs = equal_area_crs(tuple(population.to_crs(4326).total_bounds))
        pop = population.to_crs(crs)
        z = zones.to_crs(crs)
        area = shapely.area(pop.geometry.values)
        counts = pop[field].astype(float).values
        out = []
        for geom in z.values:
            share = shapely.area(shapely.intersection(pop.geometry.values, geom)) / np.where(area > 0, area, 1)
            out.append(float((share * counts).sum()))
        return np.array(out)
    import rasterio
    from rasterio.features import geometry_mask

    try:
        src = rasterio.open(population)
    except rasterio.errors.RasterioIOError as exc:
        raise DataError(f"cannot read population raster {population}: {str(exc).splitlines()[0]}") from exc
    with src:
        data = src.read(1, masked=True).astype("float64").filled(0.0)
        z = zones.to_crs(src.crs)
        out = []
        for geom in z.values:
            if geom is None or geom.is_empty:
                out.append(0.0)
                continue
            inside = ~geometry_mask([geom], out_shape=data.shape, transform=src.transform, all_touched=False)
            out.append(float(data[inside].sum()))
        return np.array(out)


@dataclass
class CoverageResult:
    """Coverage tables, covered-feature lists and gap geometries for one or more scenarios."""

    targets: pd.DataFrame  # one row per (scenario, target layer, zone): n, covered, share
    areas: pd.DataFrame  # one row per (scenario, zone): area, covered area, share (+ population)
    features: gpd.GeoDataFrame  # every target feature with its nearest source and distance, per scenario
    gaps: gpd.GeoDataFrame  # uncovered part of each zone, per scenario (WGS84)
    summary: dict[str, Any] = field(default_factory=dict)
    sources: gpd.GeoDataFrame | None = None  # the catchment sources (WGS84), for maps

    def side_by_side(self) -> pd.DataFrame:
        """Return the target counts with scenarios side by side, one cell ``"covered (share), n uncertain"`` each.

        For people and documents; the numbers themselves are in :attr:`targets`.
        """
        import pandas as pd

        rows = []
        for (layer, zone), grp in self.targets.groupby(["layer", "zone"], sort=False):
            row = {"layer": layer, "zone": zone, "n": int(grp["n"].iloc[0])}
            for r in grp.itertuples():
                cell = f"{r.covered} ({r.share:.0%})"
                row[r.scenario] = cell + (f", {r.uncertain} uncertain" if getattr(r, "uncertain", 0) else "")
            rows.append(row)
        return pd.DataFrame(rows)

    def tables(self, *, view: str = "all") -> list:
        """Return the result as :class:`geosci.tables.Table` objects.

        Parameters
        ----------
        view : {"all", "people", "data"}
            ``people``: the side-by-side table and the areas (for a
            terminal or a document); ``data``: the long counts, areas and
            per-feature classes (for JSON); ``all``: every table (a workbook).
        """
        from geosci.tables import Table

        side = Table("side_by_side", self.side_by_side(), "覆盖情况（情景对比）", "Coverage, scenarios side by side")
        counts = Table("coverage", self.targets, "覆盖计数", "Coverage counts", percent=("share", "uncertain_share"))
        pct = tuple(c for c in ("area_share", "population_share") if c in self.areas.columns)
        areas = Table("areas", self.areas, "面积与人口覆盖", "Area and population covered", percent=pct)
        feats = Table("features", self.features.drop(columns="geometry"), "逐项结果", "Every target and its class")
        chosen = {"people": [side, areas], "data": [counts, areas, feats], "all": [side, counts, areas, feats]}
        return chosen[view]


def _zone_of(points: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, name_field: str) -> np.ndarray:
    import geopandas as gpd

    joined = gpd.sjoin(points[[points.geometry.name]], zones[[name_field, zones.geometry.name]],
                       how="left", predicate="within")  # fmt: skip
    joined = joined[~joined.index.duplicated(keep="first")]
    return joined[name_field].fillna("(outside)").values


def coverage(
    sources: gpd.GeoDataFrame,
    targets: dict[str, gpd.GeoDataFrame],
    *,
    zones: gpd.GeoDataFrame | None = None,
    zone_field: str = "name_zh",
    radius_m: float | None = None,
    minutes: float | None = None,
    scenarios: Sequence[str | None] = (None,),
    params: AccessParams | None = None,
    population: str | gpd.GeoDataFrame | None = None,
    population_field: str | None = None,
    network=None,
    crs: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> CoverageResult:
    """Compute coverage of target layers, zone areas and population by a catchment of ``sources``.

    Parameters
    ----------
    sources : GeoDataFrame
        Stations or any points whose catchment is measured.
    targets : dict of GeoDataFrame
        Layers to count (name → points; lines and polygons use their
        representative point).
    zones : GeoDataFrame, optional
        Zones for the breakdown and the area shares (e.g. the districts).
    zone_field : str
        Zone name field.
    radius_m, minutes : float
        The catchment, as a straight-line radius in metres or as walking
        minutes (converted with ``params``); give one.
    scenarios : list of str
        Scenarios for :func:`select_scenario`; ``None`` uses all sources.
    params : AccessParams, optional
    population : str or GeoDataFrame, optional
        Population raster path or polygons, for population shares.
    population_field : str, optional
        Count field of population polygons.
    network : WalkNetwork, optional
        Street network: catchment measured as walking distance along it.
    crs : str, optional
        Metric CRS; by default the Gauss-Krüger zone of the sources.
    progress : callable, optional
        Called with each scenario's label when it is done (for progress bars).

    Returns
    -------
    CoverageResult

    Examples
    --------
    >>> from geosci.catalog import read_layer
    >>> res = coverage(read_layer("rail_stations"), {"incubators": read_layer("incubator_clusters")},
    ...                radius_m=800, scenarios=["existing", "+planned"])
    >>> res.targets[["scenario", "n"]].values.tolist()
    [['existing', 5], ['+planned', 5]]
    >>> bool(res.features["class"].isin(CLASSES).all())
    True
    """
    import geopandas as gpd
    import pandas as pd
    import shapely

    from geosci.crs import metric_crs

    params = params or AccessParams()
    radius = params.straight_radius(radius_m=radius_m, minutes=minutes) if network is None else (
        float(radius_m) if radius_m is not None else float(minutes or 0.0) * 60.0 * params.walk_mps
    )  # fmt: skip
    if sources.empty:
        raise DataError("the source layer has no features")
    crs = crs or (network.crs if network is not None else metric_crs(tuple(sources.to_crs(4326).total_bounds)))
    zones_m = zones.to_crs(crs).reset_index(drop=True) if zones is not None else None
    if zones_m is not None and zone_field not in zones_m.columns:
        raise DataError(f"the zones layer has no field {zone_field!r}: pass --zone-field")

    prepared = {}  # read, reproject and join each target layer once, not once per scenario
    for name, layer in targets.items():
        if layer.empty:
            raise DataError(f"target layer {name!r} has no features")
        t = layer if layer.crs is not None and layer.crs.equals(crs) else layer.to_crs(crs)  # no-op reprojections
        geom = t.geometry
        points = bool((geom.geom_type == "Point").all())
        pts = geom if points else geom.representative_point()
        zone = _zone_of(gpd.GeoDataFrame(geometry=pts, crs=crs), zones_m, zone_field) if zones_m is not None \
            else np.full(len(t), "(all)")  # fmt: skip
        # the features' WGS84 positions, once per layer (not per scenario); points keep their own coordinates
        wgs = layer.geometry.values if points and layer.crs is not None and layer.crs.equals(4326) \
            else gpd.GeoSeries(pts.values, crs=crs).to_crs(4326).values  # fmt: skip
        prepared[name] = (t, wgs, np.column_stack([pts.x.values, pts.y.values]), _accuracy(t), zone)

    target_rows, area_rows, feature_frames, gap_frames = [], [], [], []
    for scenario in scenarios:
        label = scenario or "all"
        src = select_scenario(sources, scenario).to_crs(crs)
        src_xy = np.column_stack([src.geometry.x.values, src.geometry.y.values]) if len(src) else np.empty((0, 2))
        src_names = src["name_zh"].astype(str).values if "name_zh" in src.columns else src.index.astype(str).values
        src_acc = _accuracy(src)
        for name, (t, wgs, xy, t_acc, zone) in prepared.items():
            if network is None:
                cls, dist, idx, margin = classify(xy, t_acc, src_xy, src_acc, radius)
            else:
                dist, idx = network.nearest_source_distance(xy, src_xy)
                margin = t_acc + np.where(idx >= 0, src_acc[np.clip(idx, 0, None)] if len(src_acc) else 0.0, 0.0)
                cls = np.where(dist + margin <= radius, "covered",
                               np.where(dist - margin <= radius, "uncertain", "not_covered"))  # fmt: skip
            nearest = src_names[np.clip(idx, 0, None)] if len(src_names) else np.full(len(idx), "")
            frame = gpd.GeoDataFrame({
                "scenario": label, "layer": name,
                "id": t["id"].astype(str).values if "id" in t.columns else t.index.astype(str),
                "name_zh": t["name_zh"].values if "name_zh" in t.columns else "",
                "zone": zone, "nearest_source": np.where(idx >= 0, nearest, ""),
                "distance_m": np.round(dist, 1), "accuracy_m": np.round(margin, 1), "class": cls,
                "covered": cls == "covered",
            }, geometry=wgs, crs=4326)  # fmt: skip
            feature_frames.append(frame)
            groups = [("(all)", frame)]
            if zones_m is not None:
                groups += list(frame.groupby("zone", sort=False))
            for zname, grp in groups:
                counts = grp["class"].value_counts()
                target_rows.append({
                    "scenario": label, "layer": name, "zone": zname, "n": len(grp),
                    "covered": int(counts.get("covered", 0)), "uncertain": int(counts.get("uncertain", 0)),
                    "not_covered": int(counts.get("not_covered", 0)),
                    "share": round(float(counts.get("covered", 0)) / len(grp), 4),
                    "uncertain_share": round(float(counts.get("uncertain", 0)) / len(grp), 4),
                })  # fmt: skip
        if zones_m is not None:
            if network is None:
                catch = catchment_geometry(src_xy, radius)
            else:
                catch = network.catchment_geometry(src_xy, radius)
            inter = shapely.intersection(zones_m.geometry.values, catch)
            gaps = shapely.difference(zones_m.geometry.values, catch)
            zone_area = shapely.area(zones_m.geometry.values)
            rows = pd.DataFrame({
                "scenario": label, "zone": zones_m[zone_field].values,
                "area_km2": np.round(zone_area / 1e6, 3), "covered_km2": np.round(shapely.area(inter) / 1e6, 3),
                "area_share": np.round(shapely.area(inter) / zone_area, 4),
            })  # fmt: skip
            if population is not None:
                total = zonal_population(zones_m.geometry, population, field=population_field)
                cov = zonal_population(gpd.GeoSeries(inter, crs=crs), population, field=population_field)
                rows["population"] = np.round(total, 1)
                rows["population_covered"] = np.round(cov, 1)
                rows["population_share"] = np.round(np.where(total > 0, cov / np.where(total > 0, total, 1), 0), 4)
            area_rows.append(rows)
            gap_frames.append(gpd.GeoDataFrame({"scenario": label, "zone": zones_m[zone_field].values,
                                                "gap_km2": np.round(shapely.area(gaps) / 1e6, 3)},
                                               geometry=gaps, crs=crs))  # fmt: skip
        if progress is not None:
            progress(label)
    features = pd.concat(feature_frames, ignore_index=True)
    gaps = pd.concat(gap_frames, ignore_index=True) if gap_frames else gpd.GeoDataFrame(geometry=[], crs=crs)
    summary = {
        "catchment": {"radius_m": radius_m, "minutes": minutes, "straight_line_radius_m": round(radius, 1)
                      if network is None else None, "network_distance_m": round(radius, 1) if network else None},
        "method": "walking distance on the street network" if network is not None
        else "exact circles (KD-tree nearest source) in a metric CRS",
        "certainty": "a target is 'uncertain' when its distance to a source is within the combined positional "
                     "accuracy (accuracy_m) of the two of the catchment edge; 'covered' counts only certain ones",
        "metric_crs": crs, "scenarios": [s or "all" for s in scenarios], "parameters": params.describe(),
    }  # fmt: skip
    return CoverageResult(
        targets=pd.DataFrame(target_rows),
        areas=pd.concat(area_rows, ignore_index=True) if area_rows else pd.DataFrame(),
        features=gpd.GeoDataFrame(features, geometry="geometry", crs=4326),
        gaps=gaps.to_crs(4326),
        summary=summary,
    )


def gtfs_stops(path: str | Path, *, date: str | None = None) -> gpd.GeoDataFrame:
    """Return the stops of a GTFS feed served on ``date`` (stations merged), as WGS84 points."""
    import geopandas as gpd

    from geosci.gtfs import read_schedule

    st = read_schedule(path, date=date)["stations"]
    return gpd.GeoDataFrame({"id": st["station"].astype(str), "name_zh": st["stop_name"].astype(str)},
                            geometry=gpd.points_from_xy(st["stop_lon"], st["stop_lat"]), crs=4326)  # fmt: skip


def measure(
    sources: str | Path | gpd.GeoDataFrame = "rail_stations",
    *,
    lines: str | Path | gpd.GeoDataFrame | None = "rail_lines",
    targets: Sequence[str | Path] | None = None,
    zones: str | Path | gpd.GeoDataFrame | None = "districts",
    zone_field: str = "name_zh",
    radius_m: float | None = None,
    minutes: float | None = None,
    scenarios: Sequence[str] | None = None,
    params: AccessParams | None = None,
    population: str | None = None,
    population_field: str | None = None,
    network: str | Path | None = None,
    gtfs: str | Path | None = None,
    gtfs_date: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> CoverageResult:
    """Coverage from layer names or files, as the command line runs it.

    Reads every layer once, takes station statuses from ``lines`` (so a
    user's own lines file changes which stations each scenario opens),
    uses the stops of a GTFS feed served on ``gtfs_date`` as sources when
    ``gtfs`` is given, and walks on an OSM ``network`` when given.

    Parameters
    ----------
    sources : str, path or GeoDataFrame
        Catchment sources (default the rail stations); ignored with ``gtfs``.
    lines : str, path or GeoDataFrame, optional
        Lines whose ``status`` sets the stations' scenarios.
    targets : sequence of str or path, optional
        Layers to count (default :data:`DEFAULT_TARGETS`).
    zones, zone_field, radius_m, minutes, params, population, population_field :
        As for :func:`coverage`.
    scenarios : sequence of str, optional
        Default: all three for sources with statuses, else all sources.
    network : path, optional
        OSM extract to walk on.
    gtfs, gtfs_date : path and str, optional
        GTFS feed whose stops (served on that day) are the sources.
    progress : callable, optional
        Called with each scenario when done.

    Returns
    -------
    CoverageResult

    Examples
    --------
    >>> res = measure(radius_m=800, targets=["universities"], scenarios=["existing"])
    >>> res.summary["sources"]["targets"]
    'universities'
    """
    from geosci.catalog import read_layer
    from geosci.errors import ParameterError

    def frame(value):
        return value if hasattr(value, "geometry") else read_layer(value)

    if (radius_m is None) == (minutes is None):
        raise ParameterError("radius_m", "give the catchment as {name} METRES or --minutes MINUTES (one of them)")
    if gtfs_date is not None and gtfs is None:
        raise ParameterError("gtfs_date", "{name} needs a GTFS feed: give --gtfs as well")
    if gtfs is not None:
        src = gtfs_stops(gtfs, date=gtfs_date)
        source_name = f"{gtfs} (stops served on {gtfs_date or 'the first day of its first week'})"
    else:
        src = frame(sources)
        source_name = str(sources) if not hasattr(sources, "geometry") else "given frame"
        if lines is not None and "lines" in src.columns:
            src = statuses_from_lines(src, frame(lines))
    if not bool((src.geom_type == "Point").all()):
        raise ParameterError("sources", "{name} should be points (stations or sites), got "
                                        f"{', '.join(sorted(set(src.geom_type.astype(str))))}")  # fmt: skip
    scen = list(scenarios) if scenarios else default_scenarios(src)
    target_frames = {str(t): frame(t) for t in (targets or DEFAULT_TARGETS)}
    zone_frame = frame(zones) if zones is not None else None
    if zone_frame is not None and zone_field not in zone_frame.columns:
        fields = ", ".join(c for c in zone_frame.columns if c != zone_frame.geometry.name)
        raise ParameterError("zone_field", f"{{name}} {zone_field!r} is not a field of the zones ({fields})")
    net = None
    if network is not None:
        from geosci.realnet import WalkNetwork

        net = WalkNetwork.from_osm(network)
    res = coverage(src, target_frames, zones=zone_frame, zone_field=zone_field, radius_m=radius_m, minutes=minutes,
                   scenarios=scen, params=params, population=population, population_field=population_field,
                   network=net, progress=progress)  # fmt: skip
    res.sources = src
    res.summary["sources"] = {
        "stations": source_name, "lines": str(lines) if lines is not None and gtfs is None else None,
        "targets": ", ".join(target_frames), "zones": str(zones) if zones is not None else None,
        "population": population, "network": str(network) if network else None,
    }  # fmt: skip
    return res
