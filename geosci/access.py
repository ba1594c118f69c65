r"""Accessibility: travel-time matrices, isochrones, opportunity scores and travel-time surfaces.

All functions take a travel model with ``times(origins_xy, dests_xy)`` in
seconds and a metric ``crs``. Models are the sketch model
(:func:`geosci.sketch.build_sketch`), a GTFS model
(:func:`geosci.gtfs.build_gtfs`) and the OSM walk (+ GTFS) network
(:mod:`geosci.realnet`).

Scores (:func:`scores`):

- cumulative opportunities: :math:`A_i = \sum_j w_j [t_{ij} \le T]`;
- gravity: :math:`A_i = \sum_j w_j e^{-\beta t_{ij}}`, t in minutes;
- two-step floating catchment (2SFCA, Luo and Wang 2003): for each
  supply site :math:`R_j = S_j / \sum_{i: t_{ij} \le T} P_i`, then
  :math:`A_i = \sum_{j: t_{ij} \le T} R_j`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from geosci.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "feature_names",
    "isochrone",
    "isochrones",
    "matrix_tables",
    "score_tables",
    "surface_run",
    "write_isochrones",
    "score_table",
    "scores",
    "surface",
    "travel_time_matrix",
    "write_surface",
    "xy_of",
    "zonal_stats",
]


def xy_of(frame: gpd.GeoDataFrame, crs: str) -> np.ndarray:
    """Metric coordinates of a layer's features (representative points for lines and polygons)."""
    pts = frame.to_crs(crs).geometry.representative_point()
    return np.column_stack([pts.x.values, pts.y.values])


def feature_names(frame: gpd.GeoDataFrame) -> list[str]:
    """Return a display name for every feature: ``name_zh``, else ``name``, else ``id``, else the index."""
    for col in ("name_zh", "name", "id"):
        if col in frame.columns:
            return frame[col].astype(str).tolist()
    return frame.index.astype(str).tolist()


PLAUSIBLE_MINUTES = 240.0  # door-to-door times beyond this within a city call for a look


def _warn_implausible(minutes: np.ndarray) -> None:
    import warnings

    from geosci.errors import GeosciWarning

    finite = np.isfinite(minutes)
    long = finite & (minutes > PLAUSIBLE_MINUTES)
    if long.any():
        warnings.warn(GeosciWarning(
            f"{int(long.sum())} of {minutes.size} travel times exceed {PLAUSIBLE_MINUTES / 60:g} hours (up to "
            f"{minutes[finite].max() / 60:.1f} h): the places are probably beyond walking reach of the network"),
            stacklevel=3)  # fmt: skip
    if (~finite).any():
        warnings.warn(GeosciWarning(f"{int((~finite).sum())} of {minutes.size} pairs are unreachable"), stacklevel=3)


def travel_time_matrix(model, origins: gpd.GeoDataFrame, destinations: gpd.GeoDataFrame) -> pd.DataFrame:
    """Minutes from every origin to every destination, as a long table.

    Returns
    -------
    pandas.DataFrame
        Columns ``origin``, ``destination``, ``minutes`` (``inf`` where
        unreachable).
    """
    import pandas as pd

    if origins.empty or destinations.empty:
        raise DataError("origins and destinations need at least one feature each")
    t = model.times(xy_of(origins, model.crs), xy_of(destinations, model.crs)) / 60.0
    _warn_implausible(t)
    o, d = feature_names(origins), feature_names(destinations)
    return pd.DataFrame({
        "origin": np.repeat(o, len(d)), "destination": np.tile(d, len(o)), "minutes": np.round(t.ravel(), 2),
    })  # fmt: skip


def isochrone(model, origin: gpd.GeoDataFrame, minutes: float) -> gpd.GeoDataFrame:
    """Return the area reachable within ``minutes`` from each origin feature (one polygon each, WGS84)."""
    import geopandas as gpd

    if minutes <= 0:
        raise DataError(f"minutes should be positive, got {minutes}")
    xy = xy_of(origin, model.crs)
    geoms = [model.isochrone(p, minutes * 60.0) for p in xy]
    out = gpd.GeoDataFrame({"origin": feature_names(origin), "minutes": minutes}, geometry=geoms, crs=model.crs)
    out["area_km2"] = np.round(out.area / 1e6, 3)
    return out.to_crs(4326)


def scores(
    times_min: np.ndarray,
    *,
    method: str,
    threshold: float | None = None,
    beta: float | None = None,
    supply: np.ndarray | None = None,
    demand: np.ndarray | None = None,
) -> np.ndarray:
    """Return the accessibility score of each origin (rows of ``times_min``).

    Parameters
    ----------
    times_min : ndarray
        ``(n_origins, n_destinations)`` travel times in minutes.
    method : {"cumulative", "gravity", "2sfca"}
    threshold : float
        Catchment in minutes (cumulative, 2SFCA).
    beta : float
        Decay per minute (gravity).
    supply : ndarray, optional
        Weight or capacity of each destination (default 1).
    demand : ndarray, optional
        Population of each origin (2SFCA; default 1).

    Examples
    --------
    >>> t = np.array([[5.0, 20.0], [15.0, 8.0]])
    >>> scores(t, method="cumulative", threshold=10).tolist()
    [1.0, 1.0]
    >>> s = scores(t, method="2sfca", threshold=16, supply=np.array([10.0, 4.0]), demand=np.array([100.0, 50.0]))
    >>> s.round(4).tolist()
    [0.0667, 0.1467]
    """
    t = np.asarray(times_min, dtype=float)
    s = np.ones(t.shape[1]) if supply is None else np.asarray(supply, dtype=float)
    if method == "cumulative":
        if threshold is None:
            raise DataError("the cumulative score needs --threshold minutes")
        return ((t <= threshold) * s[None, :]).sum(axis=1)
    if method == "gravity":
        if beta is None:
            raise DataError("the gravity score needs --beta (decay per minute)")
        return (np.exp(-beta * np.where(np.isfinite(t), t, np.inf)) * s[None, :]).sum(axis=1)
    if method == "2sfca":
        if threshold is None:
            raise DataError("the 2SFCA score needs --threshold minutes")
        p = np.ones(t.shape[0]) if demand is None else np.asarray(demand, dtype=float)
        within = t <= threshold
        load = (within * p[:, None]).sum(axis=0)
        ratio = np.where(load > 0, s / np.where(load > 0, load, 1), 0.0)
        return (within * ratio[None, :]).sum(axis=1)
    raise DataError(f"method should be cumulative, gravity or 2sfca, got {method!r}")


def _numeric_field(frame: gpd.GeoDataFrame, name: str | None, parameter: str) -> np.ndarray | None:
    import pandas as pd

    from geosci.errors import ParameterError

    if name is None:
        return None
    if name not in frame.columns:
        raise ParameterError(parameter, f"{{name}} {name!r} is not a field of the layer: use one of "
                                        f"{', '.join(map(str, frame.columns.drop(frame.geometry.name)))}")  # fmt: skip
    values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        example = frame[name].iloc[int(np.argmax(bad))]
        raise ParameterError(parameter, f"{{name}} {name!r} should hold non-negative numbers; "
                                        f"{int(bad.sum())} value(s) are not, e.g. {example!r}")  # fmt: skip
    return values


def score_table(
    model,
    origins: gpd.GeoDataFrame,
    destinations: gpd.GeoDataFrame,
    *,
    method: str,
    threshold: float | None = None,
    beta: float | None = None,
    supply_field: str | None = None,
    demand_field: str | None = None,
) -> pd.DataFrame:
    """Score every origin's access to the destinations (see :func:`scores`), as a table.

    Parameters
    ----------
    model : TravelModel
    origins, destinations : GeoDataFrame
    method : {"cumulative", "gravity", "2sfca"}
    threshold, beta : float, optional
        As for :func:`scores`.
    supply_field : str, optional
        Destination field with capacity or weight (default 1 each).
    demand_field : str, optional
        Origin field with population (2SFCA; default 1 each).

    Returns
    -------
    pandas.DataFrame
        ``origin``, ``score`` and ``nearest_min`` (minutes to the nearest destination).
    """
    import pandas as pd

    if origins.empty or destinations.empty:
        raise DataError("origins and destinations need at least one feature each")
    supply = _numeric_field(destinations, supply_field, "supply_field")
    demand = _numeric_field(origins, demand_field, "demand_field")
    t = model.times(xy_of(origins, model.crs), xy_of(destinations, model.crs)) / 60.0
    s = scores(t, method=method, threshold=threshold, beta=beta, supply=supply, demand=demand)
    return pd.DataFrame({"origin": feature_names(origins), "score": np.round(s, 6),
                         "nearest_min": np.round(np.min(t, axis=1), 2)})  # fmt: skip


def surface(
    model, origins: gpd.GeoDataFrame, *, cell_m: float, bounds: tuple | None = None, max_cells: int = 4_000_000
) -> tuple[np.ndarray, Any, str]:
    """Travel time (minutes) from the nearest origin to the centre of every cell of a metric grid.

    Parameters
    ----------
    model
        Travel model.
    origins : GeoDataFrame
        One or more origins; each cell gets the time from the closest.
    cell_m : float
        Cell size in metres.
    bounds : tuple, optional
        ``(minx, miny, maxx, maxy)`` in the model's metric CRS; by default
        the origins' bounds grown by 5 km.

    Returns
    -------
    (array, affine.Affine, str)
        Minutes (float32, NaN where unreachable), the grid's transform, and
        its CRS.
    """
    from affine import Affine

    if cell_m <= 0:
        raise DataError(f"cell size should be positive, got {cell_m}")
    xy = xy_of(origins, model.crs)
    if bounds is None:
        bounds = (xy[:, 0].min() - 5000, xy[:, 1].min() - 5000, xy[:, 0].max() + 5000, xy[:, 1].max() + 5000)
    minx, miny, maxx, maxy = bounds
    width, height = int(np.ceil((maxx - minx) / cell_m)), int(np.ceil((maxy - miny) / cell_m))
    if width * height > max_cells:
        raise DataError(f"the grid would have {width * height:,} cells: use a larger --cell than {cell_m} m")
    cx = minx + (np.arange(width) + 0.5) * cell_m
    cy = maxy - (np.arange(height) + 0.5) * cell_m
    gx, gy = np.meshgrid(cx, cy)
    t = model.times(xy, np.column_stack([gx.ravel(), gy.ravel()])).min(axis=0) / 60.0
    grid = np.where(np.isfinite(t), t, np.nan).reshape(height, width).astype("float32")
    return grid, Affine(cell_m, 0.0, minx, 0.0, -cell_m, maxy), model.crs


def write_surface(grid: np.ndarray, transform, crs: str, path, *, overwrite: bool = False):
    """Write a surface as a single-band float32 GeoTIFF (NaN nodata), atomically."""
    import rasterio

    from geosci.io import atomic_path

    with atomic_path(path, overwrite=overwrite, suffix=".tif") as tmp:
        with rasterio.open(
            tmp,
            "w",
            driver="GTiff",
            width=grid.shape[1],
            height=grid.shape[0],
            count=1,
            dtype="float32",
            crs=crs,
            transform=transform,
            nodata=np.nan,
            compress="deflate",
        ) as dst:
            dst.write(grid, 1)
            dst.update_tags(units="minutes")
    return path


def zonal_stats(
    grid: np.ndarray, transform, crs: str, zones: gpd.GeoDataFrame, *, zone_field: str = "name_zh"
) -> pd.DataFrame:
    """Return mean, median, min and max minutes, and the reachable share of cells, in each zone."""
    import pandas as pd
    from rasterio.features import geometry_mask

    rows = []
    for name, geom in zip(zones[zone_field], zones.to_crs(crs).geometry, strict=True):
        inside = ~geometry_mask([geom], out_shape=grid.shape, transform=transform)
        vals = grid[inside]
        ok = vals[np.isfinite(vals)]
        rows.append({
            "zone": name, "cells": int(inside.sum()),
            "reachable_share": round(float(len(ok) / max(len(vals), 1)), 4),
            "mean_min": round(float(ok.mean()), 2) if len(ok) else None,
            "median_min": round(float(np.median(ok)), 2) if len(ok) else None,
            "min_min": round(float(ok.min()), 2) if len(ok) else None,
            "max_min": round(float(ok.max()), 2) if len(ok) else None,
        })  # fmt: skip
    return pd.DataFrame(rows)


def _layer(value, select=(), what: str = "the layer"):
    from geosci.catalog import read_layer, select_features

    frame = value if hasattr(value, "geometry") else read_layer(value)
    return select_features(frame, tuple(select), what=str(what)) if select else frame


def matrix_tables(model, origins, destinations, *, select=(), wide: bool = False) -> list:
    """Travel-time matrix between two layers (names, files or frames) as a table.

    ``wide`` gives one row per origin and one column per destination (for
    people); otherwise the long table ``origin, destination, minutes``.
    """
    from geosci.tables import Table

    table = travel_time_matrix(model, _layer(origins, select, origins), _layer(destinations))
    if wide:
        table = table.pivot(index="origin", columns="destination", values="minutes").reset_index()
        table.columns.name = None
    return [Table("matrix", table, "出行时间矩阵（分钟）", "Travel-time matrix (minutes)")]


def score_tables(model, origins, destinations, *, method: str, threshold=None, beta=None, supply_field=None,
                 demand_field=None, summary: dict | None = None) -> tuple[list, dict]:  # fmt: skip
    """Return the accessibility scores of every origin as a table, and the run summary with the score's settings."""
    from geosci.tables import Table

    frame = score_table(model, _layer(origins), _layer(destinations), method=method, threshold=threshold,
                        beta=beta, supply_field=supply_field, demand_field=demand_field)  # fmt: skip
    summary = dict(summary or {})
    summary["score"] = {"method": method, "threshold_min": threshold, "beta": beta}
    return [Table("scores", frame, "可达性得分", "Accessibility scores")], summary


def isochrones(model, origin, minutes: list[float], *, select=()) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Isochrones of every selected origin for every budget in ``minutes`` (bands), and the origins."""
    import pandas as pd

    origins = _layer(origin, select, origin)
    frames = [isochrone(model, origins, m) for m in minutes]
    out = pd.concat(frames, ignore_index=True)
    out.attrs["scenario"] = model.describe().get("scenario")
    return out, origins


def write_isochrones(iso, origins, *, out, map_out=None, overwrite: bool = False) -> list:
    """Write isochrone polygons (and their map), all files or none."""
    from pathlib import Path

    from geosci.io import OutputSet, write_layer

    done = []
    with OutputSet() as outputs:
        write_layer(iso, out, overwrite=overwrite, outputs=outputs)
        done.append((Path(out), f"{len(iso)} isochrones"))
        if map_out:
            from geosci.mapfiles import write_result_map
            from geosci.recipes import isochrone_recipe

            recipe, frames = isochrone_recipe(iso, origins, float(iso["minutes"].max()))
            write_result_map(recipe, frames, map_out, overwrite=overwrite, outputs=outputs)
            done.append((Path(map_out), "map"))
    return done


def _extent_bounds(extent, crs: str) -> tuple:
    from geosci.catalog import read_layer
    from geosci.errors import ParameterError

    parts = str(extent).split(",")
    if len(parts) == 4:
        try:
            x0, y0, x1, y1 = (float(p) for p in parts)
        except ValueError:
            raise ParameterError("extent", "{name} should be a layer or minx,miny,maxx,maxy in degrees, "
                                           f"got {extent!r}") from None  # fmt: skip
        if not (np.isfinite([x0, y0, x1, y1]).all() and x1 > x0 and y1 > y0):
            raise ParameterError("extent", f"{{name}} {extent!r} should have minx < maxx and miny < maxy")
        import geopandas as gpd
        import shapely

        box = gpd.GeoSeries([shapely.box(x0, y0, x1, y1)], crs=4326).to_crs(crs)
        return tuple(box.total_bounds)
    frame = read_layer(extent).to_crs(crs)
    x0, y0, x1, y1 = frame.total_bounds
    if not (x1 > x0 and y1 > y0):
        raise ParameterError("extent", f"{{name}} {extent!r} covers no area (a single point?): give a larger extent")
    return (x0, y0, x1, y1)


def surface_run(model, origin, *, select=(), cell_m: float, extent="districts", out, zones=None,
                zone_field: str = "name_zh", overwrite: bool = False) -> tuple[str, list]:  # fmt: skip
    """Compute a travel-time surface, write it as a GeoTIFF, and return its description and zonal tables."""
    from geosci.catalog import read_layer
    from geosci.tables import Table

    bounds = _extent_bounds(extent, model.crs)
    grid, transform, crs = surface(model, _layer(origin, select, origin), cell_m=cell_m, bounds=bounds)
    write_surface(grid, transform, crs, out, overwrite=overwrite)
    info = f"{grid.shape[1]}x{grid.shape[0]} cells of {cell_m:g} m, {crs}"
    if not zones:
        return info, []
    stats = zonal_stats(grid, transform, crs, read_layer(zones), zone_field=zone_field)
    return info, [Table("zones", stats, "分区统计（分钟）", "Zonal statistics (minutes)")]
