"""The sketch walk + rail model: hand-checked times, scenarios and exact isochrones."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point

from geosci.catalog import read_layer
from geosci.errors import DataError
from geosci.graph import from_edges, shortest_from
from geosci.params import AccessParams
from geosci.sketch import build_sketch

CRS = "EPSG:4544"
X0, Y0 = 500_000.0, 3_270_000.0  # a point in the science city's Gauss-Krüger zone
# round numbers: trains at 10 m/s, walking at 1 m/s straight-line (circuity 1)
P = AccessParams(walk_speed_kmh=3.6, circuity=1.0, max_access_m=1000, rail_speed_kmh=36, dwell_s=30,
                 headway_s=300, transfer_penalty_s=180)  # fmt: skip


def _net(stations: dict[str, tuple[float, float, str]], lines: dict[str, tuple[list[str], str]]):
    st = gpd.GeoDataFrame(
        {"name_zh": list(stations), "lines": [v[2] for v in stations.values()]},
        geometry=[Point(X0 + x, Y0 + y) for x, y, _ in stations.values()], crs=CRS,
    )  # fmt: skip
    ln = gpd.GeoDataFrame(
        {"line": list(lines), "status": [v[1] for v in lines.values()]},
        geometry=[LineString([(X0 + stations[s][0], Y0 + stations[s][1]) for s in seq]) for seq, _ in lines.values()],
        crs=CRS,
    )
    return st, ln


def _time(model, a: str, b: str) -> float:
    names = list(model.stations["name_zh"])
    return float(model.station_times[names.index(a), names.index(b)])


def test_three_station_line_exact_times():
    st, ln = _net({"A": (0, 0, "L"), "B": (1000, 0, "L"), "C": (2000, 0, "L")}, {"L": (["A", "B", "C"], "existing")})
    m = build_sketch(st, ln, params=P, crs=CRS)
    wait, ride = 150.0, 30.0 + 100.0  # half the headway; dwell + 1000 m at 10 m/s
    assert _time(m, "A", "B") == pytest.approx(wait + ride, abs=1e-9)
    assert _time(m, "A", "C") == pytest.approx(wait + 2 * ride, abs=1e-9)
    assert _time(m, "C", "A") == pytest.approx(wait + 2 * ride, abs=1e-9)  # trains run both ways
    assert _time(m, "B", "B") == 0.0


def test_transfer_costs_the_penalty_and_a_new_wait():
    st, ln = _net({"A": (0, 0, "X"), "B": (1000, 0, "X;Y"), "C": (1000, 2000, "Y")},
                  {"X": (["A", "B"], "existing"), "Y": (["B", "C"], "existing")})  # fmt: skip
    m = build_sketch(st, ln, params=P, crs=CRS)
    expected = 150 + (30 + 100) + (150 + 180) + (30 + 200)
    assert _time(m, "A", "C") == pytest.approx(expected, abs=1e-9)


def test_wait_is_half_the_headway():
    st, ln = _net({"A": (0, 0, "L"), "B": (1000, 0, "L")}, {"L": (["A", "B"], "existing")})
    m = build_sketch(st, ln, params=P.replace(headway_s=600), crs=CRS)
    assert _time(m, "A", "B") == pytest.approx(300 + 130, abs=1e-9)


def test_door_to_door_adds_walks_and_prefers_walking_when_faster():
    st, ln = _net({"A": (0, 0, "L"), "B": (3000, 0, "L")}, {"L": (["A", "B"], "existing")})
    m = build_sketch(st, ln, params=P, crs=CRS)
    origin = np.array([[X0 - 100, Y0]])
    far = np.array([[X0 + 3000, Y0 + 200]])
    near = np.array([[X0 + 50, Y0]])
    t = m.times(origin, np.vstack([far, near]))
    assert t[0, 0] == pytest.approx(100 + 150 + 30 + 300 + 200, abs=1e-9)  # walk, wait, ride, walk
    assert t[0, 1] == pytest.approx(150, abs=1e-9)  # walking 150 m beats waiting for a train
    # beyond max_access_m no station is reachable on foot: the time is the walk all the way
    lonely = np.array([[X0 + 3000, Y0 + 5000]])
    assert m.times(origin, lonely)[0, 0] == pytest.approx(np.hypot(3100, 5000), rel=1e-12)


def test_scenarios_add_lines_by_status():
    st, ln = _net({"A": (0, 0, "L;N"), "B": (1000, 0, "L"), "C": (0, 3000, "N")},
                  {"L": (["A", "B"], "existing"), "N": (["A", "C"], "planned")})  # fmt: skip
    assert build_sketch(st, ln, params=P, crs=CRS).lines == ["L"]
    assert build_sketch(st, ln, params=P, crs=CRS, scenario="+under_construction").lines == ["L"]
    m = build_sketch(st, ln, params=P, crs=CRS, scenario="+planned")
    assert m.lines == ["L", "N"] and _time(m, "B", "C") == pytest.approx(150 + 130 + 330 + 330, abs=1e-9)
    with pytest.raises(DataError, match="scenario should be one of"):
        build_sketch(st, ln, scenario="someday")


def test_curated_network_scenarios_grow():
    st, ln = read_layer("rail_stations"), read_layer("rail_lines")
    sizes = [len(build_sketch(st, ln, scenario=s).stations) for s in ("existing", "+under_construction", "+planned")]
    assert sizes[0] < sizes[1] <= sizes[2]
    m = build_sketch(st, ln, scenario="+planned")
    assert {"27", "15", "7", "17", "5", "19"} <= set(m.lines)


def test_isochrone_is_exact_for_the_model():
    m = build_sketch(read_layer("rail_stations"), read_layer("rail_lines"), scenario="+planned")
    origin = m.station_xy[5] + np.array([300.0, -200.0])
    budget = 30 * 60.0
    poly = m.isochrone(origin, budget)
    rng = np.random.default_rng(0)
    pts = origin + rng.uniform(-15000, 15000, size=(20000, 2))
    t = m.times(origin[None, :], pts)[0]
    inside = shapely.contains_xy(poly, pts[:, 0], pts[:, 1])
    # circles are drawn with 256 segments: allow the 0.01 % chord error at the boundary
    assert inside[t <= budget * (1 - 1e-3)].all()
    assert (t[inside] <= budget * (1 + 1e-3)).all()
    assert inside.sum() > 100


def test_graph_keeps_zero_edges_and_cheapest_parallel_edge():
    m = from_edges(3, [0, 0, 1], [1, 1, 2], [4.0, 1.0, 0.0])
    assert shortest_from(m, [0])[0].tolist() == [0.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="non-negative"):
        from_edges(2, [0], [1], [-1.0])
