"""Benchmark geosci against networkx and pandana on one real walking network, in one process.

Run on demand (not part of the tests): ``python benchmarks/bench_network.py``.
Needs ``pip install -e ".[bench]"`` and ``../shared/data`` (the São Paulo OSM
extract). Reports wall-clock seconds and the ratios between tools measured in
the same run, and checks that the tools agree.

Workloads:
1. On the São Paulo walking network (~20k nodes) with 1,000 facilities
   placed on network nodes: for every node, the nearest facility's distance
   and the number of facilities within 800 m.
2. Straight-line coverage of 1,000,000 points by 1,000 facilities at 800 m:
   geosci's exact-circle KD-tree against geopandas ``sjoin`` on buffer
   polygons.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
PBF = REPO.parent / "shared" / "data" / "sao_paulo" / "spo_osm.pbf"
RADIUS = 800.0


def timed(fn, repeat: int = 3):
    """Best-of-``repeat`` wall time and the last result."""
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def network_workload(n_fac: int, repeat: int) -> dict:
    import networkx as nx
    import pandas as pd

    from geosci.graph import nearest_sources, sources_within
    from geosci.realnet import WalkNetwork

    net = WalkNetwork.from_osm(PBF)
    rng = np.random.default_rng(42)
    comp = net._component_nodes()
    fac = rng.choice(comp, size=n_fac, replace=False)
    res: dict = {"nodes": int(net.graph.n), "edges": int(len(net.u)), "facilities": n_fac}

    def ours():
        d, _ = nearest_sources(net.graph, fac)
        c = sources_within(net.graph, fac, RADIUS)
        return d, c

    res["geosci_s"], (g_d, g_c) = timed(ours, repeat)

    def raw_scipy():  # scipy.sparse.csgraph called directly, the floor geosci's kernel stands on
        from scipy.sparse.csgraph import dijkstra

        d = dijkstra(net.graph.matrix, indices=fac, min_only=True)
        counts = np.zeros(net.graph.n, dtype=np.int64)
        for i in range(0, len(fac), 128):
            counts += (dijkstra(net.graph.matrix, indices=fac[i : i + 128], limit=RADIUS) <= RADIUS).sum(axis=0)
        return d, counts

    res["scipy_s"], (s_d, s_c) = timed(raw_scipy, repeat)
    res["scipy_agrees_exactly"] = bool(np.array_equal(s_d, g_d) and np.array_equal(s_c, g_c))

    g = nx.Graph()
    g.add_nodes_from(range(net.graph.n))
    for a, b, w in zip(net.u, net.v, net.length, strict=True):
        if a != b and (not g.has_edge(a, b) or g[a][b]["w"] > w):
            g.add_edge(int(a), int(b), w=float(w))

    def with_networkx():
        near = nx.multi_source_dijkstra_path_length(g, [int(f) for f in fac], weight="w")
        counts = np.zeros(net.graph.n, dtype=np.int64)
        for f in fac:
            for node in nx.single_source_dijkstra_path_length(g, int(f), cutoff=RADIUS, weight="w"):
                counts[node] += 1
        d = np.full(net.graph.n, np.inf)
        d[list(near)] = list(near.values())
        return d, counts

    res["networkx_s"], (x_d, x_c) = timed(with_networkx, 1)
    res["networkx_distance_max_diff_m"] = float(np.nanmax(np.abs(np.where(np.isfinite(g_d), g_d - x_d, 0))))
    res["networkx_count_mismatches"] = int((g_c != x_c).sum())

    try:
        import pandana
    except ImportError:
        res["pandana"] = "not installed (pip install pandana)"
        return res
    xy = net.graph.xy
    edges = pd.DataFrame({"from": net.u, "to": net.v, "w": net.length})
    edges = edges[edges["from"] != edges["to"]]

    def pandana_all():
        pnet = pandana.Network(pd.Series(xy[:, 0]), pd.Series(xy[:, 1]), edges["from"], edges["to"], edges[["w"]],
                               twoway=True)  # fmt: skip
        pnet.precompute(RADIUS)
        pnet.set_pois("fac", RADIUS, 1, pd.Series(xy[fac, 0]), pd.Series(xy[fac, 1]))
        near = pnet.nearest_pois(RADIUS, "fac", num_pois=1).iloc[:, 0].values
        pnet.set(pd.Series(fac, index=fac), variable=pd.Series(np.ones(len(fac)), index=fac), name="ones")
        counts = pnet.aggregate(RADIUS, type="sum", decay="flat", name="ones").values
        return near, counts

    t_all, (p_d, p_c) = timed(pandana_all, repeat)
    res["pandana_with_build_s"] = t_all
    within = np.isfinite(g_d) & (g_d < RADIUS)
    res["pandana_distance_max_diff_m"] = float(np.abs(p_d[within] - g_d[within]).max())
    res["pandana_count_mismatches"] = int((np.rint(p_c).astype(int) != g_c).sum())
    return res


def coverage_workload(n_points: int, n_fac: int, repeat: int) -> dict:
    import geopandas as gpd

    from geosci.coverage import nearest_distance

    rng = np.random.default_rng(7)
    fac = rng.uniform(0, 50_000, size=(n_fac, 2))
    pts = rng.uniform(0, 50_000, size=(n_points, 2))
    res = {"points": n_points, "facilities": n_fac}
    res["geosci_kdtree_s"], (d, _) = timed(lambda: nearest_distance(pts, fac), repeat)
    exact = d <= RADIUS

    def with_sjoin():
        points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(pts[:, 0], pts[:, 1]), crs=3857)
        circles = gpd.GeoDataFrame(geometry=gpd.points_from_xy(fac[:, 0], fac[:, 1]), crs=3857).buffer(RADIUS)
        joined = gpd.sjoin(points, gpd.GeoDataFrame(geometry=circles), predicate="within", how="inner")
        covered = np.zeros(n_points, dtype=bool)
        covered[joined.index.unique()] = True
        return covered

    res["geopandas_sjoin_buffers_s"], by_buffer = timed(with_sjoin, 1)
    res["buffer_vs_exact_mismatches"] = int((by_buffer != exact).sum())
    res["buffer_vs_exact_mismatch_share"] = round(res["buffer_vs_exact_mismatches"] / n_points, 6)
    return res


def main() -> None:
    """Run both workloads and print the results with ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facilities", type=int, default=1000)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not PBF.exists():
        raise SystemExit(f"{PBF} is missing: the benchmark needs ../shared/data")
    net = network_workload(args.facilities, args.repeat)
    if "pandana_with_build_s" in net:
        net["ratio_pandana_over_geosci"] = round(net["pandana_with_build_s"] / net["geosci_s"], 2)
    net["ratio_networkx_over_geosci"] = round(net["networkx_s"] / net["geosci_s"], 2)
    net["ratio_geosci_over_scipy"] = round(net["geosci_s"] / net["scipy_s"], 2)
    cov = coverage_workload(args.points, args.facilities, args.repeat)
    cov["ratio_sjoin_over_geosci"] = round(cov["geopandas_sjoin_buffers_s"] / cov["geosci_kdtree_s"], 2)
    print(json.dumps({"network": net, "coverage": cov}, indent=1))


if __name__ == "__main__":
    main()
