"""Scale benchmarks: the same work done the old way and the new way, side by side, in one process.

Run on demand (not part of the tests)::

    python benchmarks/bench_scale.py                 # every workload
    python benchmarks/bench_scale.py --only reverse matrix

Needs ``../shared/data`` (the São Paulo OSM extract) for the street-network
workloads and ``pip install geosci[dask]`` for the Dask one. Prints JSON:
wall seconds, the peak resident memory of each step above the process's
memory before it (the kernel's high-water mark, reset before each step) and the ratios measured in the same run.

Workloads
---------
reverse   10,000 origins × 3 destinations on the São Paulo walking network:
          a search from every origin (before) against one from each
          destination on the reversed graph (after).
matrix    1,000,000 origins × 3 destinations (São Paulo network) to CSV:
          the whole table in memory then written (before) against streamed
          block by block (after); and the streamed matrix at growing sizes.
surface   1,000 origins at 250 m over the science city (sketch model):
          origins × cells then
          the minimum (before) against tiles reduced as they go (after);
          and the surface at growing resolution.
coverage  straight-line coverage of N points by 1,000 facilities within a
          30 km city: bare KD-tree, geosci's coverage(), sjoin on buffers.
dask      the 200 m surface of 20 origins (sketch model) on a local Dask
          cluster of 1 and 2 worker processes (this machine has 2 cores).
transit   the sketch model itself (issue 15): every origin and cell against
          every station, as ``TransitModel`` computed it before (kept here as
          ``PerStationLoop``), against the stations within reach only
          (``nearest_times`` for the 1,000-origin 250 m surface, the
          destinations folded into the station table for 10,000 origins ×
          3 destinations).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
PBF = REPO.parent / "shared" / "data" / "sao_paulo" / "spo_osm.pbf"


def _status(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    return 0


def measured(fn):
    """Run ``fn`` once; return (seconds, peak resident MB above the start, result).

    The kernel's high-water mark of resident memory is reset first
    (``/proc/self/clear_refs``), so the peak is that of ``fn`` alone.
    """
    import gc

    gc.collect()
    with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
        fh.write("5")
    start = _status("VmRSS")
    t0 = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t0
    peak = (_status("VmHWM") - start) / 2**20
    return round(seconds, 3), round(peak, 1), out


def _sao_paulo():
    from geosci.realnet import NetworkModel, WalkNetwork

    return NetworkModel.build(WalkNetwork.from_osm(PBF))


def _points_in(xy_nodes: np.ndarray, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    lo, hi = xy_nodes.min(axis=0), xy_nodes.max(axis=0)
    return rng.uniform(lo, hi, size=(n, 2))


def reverse_workload() -> dict:
    from geosci.graph import shortest_from

    model = _sao_paulo()
    o = _points_in(model.walk.graph.xy, 10_000, 1)
    d = _points_in(model.walk.graph.xy, 3, 2)

    def before():  # the old NetworkModel.times: a search from every distinct origin, whole rows kept
        o_node, o_snap = model.walk.snap(o)
        d_node, d_snap = model.walk.snap(d)
        uniq, inv = np.unique(o_node, return_inverse=True)
        dist = shortest_from(model.graph, uniq)[:, d_node]
        walk = model.params.walk_mps
        return dist[inv] + o_snap[:, None] / walk + d_snap[None, :] / walk

    res = {"nodes": model.graph.n, "origins": len(o), "destinations": len(d)}
    res["before_s"], res["before_peak_mb"], old = measured(before)
    res["after_s"], res["after_peak_mb"], new = measured(lambda: model.times(o, d))
    res["speedup"] = round(res["before_s"] / res["after_s"], 1)
    res["max_relative_difference"] = float(np.max(np.abs(new - old) / old))
    curve = []
    for n in (100_000, 1_000_000):
        big = _points_in(model.walk.graph.xy, n, 3)
        s, mb, _ = measured(lambda big=big: sum(len(b) for _, b in model.iter_times(big, d)))
        curve.append({"origins": n, "seconds": s, "peak_mb": mb})
    res["after_scaling"] = curve
    return res


def _sketch():
    from geosci.catalog import read_layer
    from geosci.sketch import build_sketch

    return build_sketch(read_layer("rail_stations"), read_layer("rail_lines"), scenario="existing")


def _frame(xy: np.ndarray, crs: str):
    import geopandas as gpd

    return gpd.GeoDataFrame({"id": np.arange(len(xy)).astype(str)}, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
                            crs=crs)  # fmt: skip


def _science_city(crs: str) -> tuple:
    from geosci.catalog import read_layer

    return tuple(read_layer("districts").to_crs(crs).total_bounds)


def matrix_workload(tmp: Path) -> dict:
    import warnings

    from geosci import access
    from geosci.tables import write_tables

    warnings.simplefilter("ignore")
    model = _sao_paulo()
    o = _frame(_points_in(model.walk.graph.xy, 1_000_000, 4), model.crs)
    d = _frame(_points_in(model.walk.graph.xy, 3, 5), model.crs)
    res = {"model": "São Paulo walking network", "origins": len(o), "destinations": len(d)}

    def before():  # the whole table in memory, then written
        tables = access.matrix_tables(model, o, d)
        write_tables(tables, tmp / "before.csv", overwrite=True)

    res["before_s"], res["before_peak_mb"], _ = measured(before)
    res["after_s"], res["after_peak_mb"], _ = measured(
        lambda: access.write_matrix(model, o, d, tmp / "after.csv", overwrite=True)
    )
    res["same_bytes"] = (tmp / "before.csv").read_bytes() == (tmp / "after.csv").read_bytes()
    res["after_parquet_s"], res["after_parquet_peak_mb"], _ = measured(
        lambda: access.write_matrix(model, o, d, tmp / "after.parquet", overwrite=True)
    )
    curve = []
    for n_o, n_d in ((10_000, 1_000), (100_000, 1_000)):
        oo = o.iloc[:n_o]
        dd = _frame(_points_in(model.walk.graph.xy, n_d, 6), model.crs)
        s, mb, _ = measured(lambda oo=oo, dd=dd: access.write_matrix(model, oo, dd, tmp / "c.parquet", overwrite=True))
        curve.append({"pairs": n_o * n_d, "format": "parquet", "seconds": s, "peak_mb": mb,
                      "file_mb": round((tmp / "c.parquet").stat().st_size / 2**20, 1)})  # fmt: skip
    res["streamed_scaling"] = curve
    return res


def surface_workload() -> dict:
    from geosci import access

    model = _sketch()
    bounds = _science_city(model.crs)
    x0, y0, x1, y1 = bounds
    rng = np.random.default_rng(5)
    origins = _frame(np.column_stack([rng.uniform(x0, x1, 1000), rng.uniform(y0, y1, 1000)]), model.crs)
    cell = 250.0
    width, height = int(np.ceil((x1 - x0) / cell)), int(np.ceil((y1 - y0) / cell))

    def before():  # the old surface: all origins × all cells, then the minimum
        cx = x0 + (np.arange(width) + 0.5) * cell
        cy = y1 - (np.arange(height) + 0.5) * cell
        gx, gy = np.meshgrid(cx, cy)
        t = model.times(access.xy_of(origins, model.crs), np.column_stack([gx.ravel(), gy.ravel()])).min(axis=0)
        return np.where(np.isfinite(t / 60), t / 60, np.nan).reshape(height, width).astype("float32")

    res = {"origins": 1000, "cells": width * height, "cell_m": cell}
    res["before_s"], res["before_peak_mb"], old = measured(before)
    res["after_s"], res["after_peak_mb"], (new, _, _) = measured(
        lambda: access.surface(model, origins, cell_m=cell, bounds=bounds, jobs=1)
    )
    res["after_jobs2_s"], _, (two, _, _) = measured(
        lambda: access.surface(model, origins, cell_m=cell, bounds=bounds, jobs=2)
    )
    res["identical"] = bool(np.array_equal(old, new, equal_nan=True) and np.array_equal(two, new, equal_nan=True))
    curve = []
    few = origins.iloc[:20]
    for c in (400.0, 200.0, 100.0):
        s, mb, (g, _, _) = measured(lambda c=c: access.surface(model, few, cell_m=c, bounds=bounds, jobs=1))
        curve.append({"cell_m": c, "cells": int(g.size), "origins": 20, "seconds": s, "peak_mb": mb})
    res["scaling"] = curve
    return res


def coverage_workload(n_fac: int = 1000) -> dict:
    import geopandas as gpd
    from scipy.spatial import cKDTree

    from geosci.coverage import coverage

    rng = np.random.default_rng(7)
    side, radius = 30_000.0, 800.0  # one city: 1,000 facilities among the points of a 30 km square
    fac = rng.uniform(0, side, size=(n_fac, 2)) + [500_000, 3_300_000]
    crs = "EPSG:32648"
    sources = gpd.GeoDataFrame(geometry=gpd.points_from_xy(fac[:, 0], fac[:, 1]), crs=crs)
    rows = []
    for n in (10_000, 100_000, 1_000_000):
        pts = rng.uniform(0, side, size=(n, 2)) + [500_000, 3_300_000]
        targets = gpd.GeoDataFrame(geometry=gpd.points_from_xy(pts[:, 0], pts[:, 1]), crs=crs)
        row = {"points": n, "facilities": n_fac}
        row["kdtree_s"], row["kdtree_peak_mb"], (dist, _) = measured(lambda pts=pts: cKDTree(fac).query(pts))
        row["geosci_coverage_s"], row["geosci_peak_mb"], res = measured(
            lambda targets=targets: coverage(sources, {"points": targets}, radius_m=radius, crs=crs)
        )
        row["ratio_coverage_over_kdtree"] = round(row["geosci_coverage_s"] / row["kdtree_s"], 1)
        if n == 1_000_000:

            def sjoin(pts=pts):
                p = gpd.GeoDataFrame(geometry=gpd.points_from_xy(pts[:, 0], pts[:, 1]), crs=crs)
                circles = gpd.GeoDataFrame(geometry=sources.buffer(radius))
                j = gpd.sjoin(p, circles, predicate="within", how="inner")
                covered = np.zeros(len(pts), dtype=bool)
                covered[j.index.unique()] = True
                return covered

            row["sjoin_buffers_s"], row["sjoin_peak_mb"], by_buffer = measured(sjoin)
            row["ratio_sjoin_over_geosci"] = round(row["sjoin_buffers_s"] / row["geosci_coverage_s"], 1)
            row["buffer_mismatches"] = int((by_buffer != (dist <= radius)).sum())
        row["covered_agrees_with_kdtree"] = bool(np.array_equal(res.features["distance_m"].values, np.round(dist, 1)))
        rows.append(row)
    return {"rows": rows}


def dask_workload() -> dict:
    from distributed import Client, LocalCluster

    from geosci import access

    model = _sketch()
    bounds = _science_city(model.crs)
    x0, y0, x1, y1 = bounds
    rng = np.random.default_rng(5)
    origins = _frame(np.column_stack([rng.uniform(x0, x1, 1000), rng.uniform(y0, y1, 1000)]), model.crs).iloc[:20]
    res = {"surface": "sketch model, 20 origins, the science city at 200 m",
           "note": "this machine has 2 cores: more workers would only share them"}  # fmt: skip
    res["single_process_s"], _, (ref, _, _) = measured(
        lambda: access.surface(model, origins, cell_m=200, bounds=bounds, jobs=1)
    )
    res["cells"] = int(ref.size)
    import dask

    dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None})  # see geosci.distributed
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as c, \
                Client(c) as client:  # fmt: skip
            t0 = time.perf_counter()
            grid, _, _ = access.surface(model, origins, cell_m=200, bounds=bounds, scheduler=client)
            res[f"dask_{workers}_workers_s"] = round(time.perf_counter() - t0, 3)
            res[f"dask_{workers}_identical"] = bool(np.array_equal(grid, ref, equal_nan=True))
    res["speedup_2_over_1"] = round(res["dask_1_workers_s"] / res["dask_2_workers_s"], 2)
    return res


class PerStationLoop:
    """The sketch model's times as computed before issue 15: every origin and cell against every station.

    It wraps a :class:`geosci.transit.TransitModel` and has no
    ``nearest_times``, so :func:`geosci.access.surface` reduces blocks of
    origins with :meth:`times`, as it did then.
    """

    def __init__(self, model):
        self.model = model
        self.crs = model.crs

    def to_stations(self, origins_xy: np.ndarray) -> np.ndarray:
        access = self.model._access(origins_xy)
        between = self.model.station_times
        out = np.full((len(origins_xy), len(between)), np.inf)
        for k in range(len(between)):  # origins × stations²
            np.minimum(out, access[:, k : k + 1] + between[k][None, :], out=out)
        return out

    def times(self, origins_xy: np.ndarray, dests_xy: np.ndarray, *, chunk: int = 2048) -> np.ndarray:
        origins_xy = np.asarray(origins_xy, dtype=float).reshape(-1, 2)
        dests_xy = np.asarray(dests_xy, dtype=float).reshape(-1, 2)
        via = self.to_stations(origins_xy)
        out = np.empty((len(origins_xy), len(dests_xy)))
        for i in range(0, len(dests_xy), chunk):
            d = dests_xy[i : i + chunk]
            best = self.model.walk_seconds(origins_xy, d)
            egress = self.model._access(d)
            for k in range(len(self.model.station_xy)):  # origins × cells × stations
                np.minimum(best, via[:, k : k + 1] + egress[None, :, k], out=best)
            out[:, i : i + chunk] = best
        return out


def transit_workload() -> dict:
    from geosci import access

    model = _sketch()
    loop = PerStationLoop(model)
    bounds = _science_city(model.crs)
    x0, y0, x1, y1 = bounds
    rng = np.random.default_rng(5)
    xy = np.column_stack([rng.uniform(x0, x1, 1000), rng.uniform(y0, y1, 1000)])
    origins = _frame(xy, model.crs)
    res = {"model": "sketch, existing lines", "stations": len(model.station_xy)}
    sf = {"origins": 1000, "cell_m": 250.0}
    sf["before_s"], sf["before_peak_mb"], (old, _, _) = measured(
        lambda: access.surface(loop, origins, cell_m=250.0, bounds=bounds, jobs=1)
    )
    sf["after_s"], sf["after_peak_mb"], (new, _, _) = measured(
        lambda: access.surface(model, origins, cell_m=250.0, bounds=bounds, jobs=1)
    )
    sf["after_jobs2_s"], _, (two, _, _) = measured(
        lambda: access.surface(model, origins, cell_m=250.0, bounds=bounds, jobs=2)
    )
    sf["cells"] = int(new.size)
    sf["speedup"] = round(sf["before_s"] / sf["after_s"], 1)
    sf["identical"] = bool(np.array_equal(old, new, equal_nan=True) and np.array_equal(two, new, equal_nan=True))
    res["surface"] = sf
    o = np.column_stack([rng.uniform(x0, x1, 10_000), rng.uniform(y0, y1, 10_000)])
    d = xy[:3]
    mx = {"origins": len(o), "destinations": len(d)}
    mx["before_s"], mx["before_peak_mb"], old_t = measured(lambda: loop.times(o, d))
    mx["after_s"], mx["after_peak_mb"], new_t = measured(lambda: model.times(o, d))
    mx["speedup"] = round(mx["before_s"] / mx["after_s"], 1)
    both = np.isfinite(old_t)
    mx["same_unreachable"] = bool(np.array_equal(both, np.isfinite(new_t)))
    mx["max_relative_difference"] = float(np.max(np.abs(new_t[both] - old_t[both]) / old_t[both]))
    res["matrix"] = mx
    return res


def main() -> None:
    """Run the chosen workloads and print their figures as JSON."""
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    names = ["reverse", "matrix", "surface", "coverage", "dask", "transit"]
    parser.add_argument("--only", nargs="*", choices=names, default=names)
    args = parser.parse_args()
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only:
            if name in ("reverse", "matrix") and not PBF.exists():
                out[name] = f"skipped: {PBF} is missing"
                continue
            fn = {"reverse": reverse_workload, "matrix": lambda: matrix_workload(Path(tmp)),
                  "surface": surface_workload, "coverage": coverage_workload, "dask": dask_workload,
                  "transit": transit_workload}[name]  # fmt: skip
            out[name] = fn()
            print(json.dumps({name: out[name]}), flush=True)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
