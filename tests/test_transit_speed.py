"""Issue 15: the sparse TransitModel.times, to_stations and nearest_times equal the model's definition.

The reference is written from the definition: walk + rail + walk is the
minimum over boarding station k and alighting station l of
``access[o, k] + station_times[k, l] + egress[d, l]``, where access and
egress are straight-line distance × circuity at the station's access speed
within its reach (from the zone's anchor for a point inside a zone), and the
door-to-door time is the faster of that and walking all the way (or, in a
regional model, local transport all the way from main place to main place).
"""

from __future__ import annotations

import numpy as np
import pytest

from geosci.models import make_model

RTOL = 1e-12


def _legs(model, xy: np.ndarray) -> np.ndarray:
    """Access seconds ``(n, s)`` from the definition, ``inf`` beyond a station's reach."""
    p = model.params
    s = len(model.station_xy)
    speed = model.access_mps if model.access_mps is not None else np.full(s, p.walk_mps)
    reach = model.access_max if model.access_max is not None else np.full(s, p.max_access_m)
    xy = model._anchored(xy)
    d = np.hypot(xy[:, None, 0] - model.station_xy[None, :, 0], xy[:, None, 1] - model.station_xy[None, :, 1])
    return np.where(d <= reach, d * p.circuity / speed, np.inf)


def _reference(model, o: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Door-to-door seconds ``(n_o, n_d)`` from the definition."""
    access, egress = _legs(model, o), _legs(model, d)
    via = (access[:, :, None] + model.station_times[None, :, :]).min(axis=1)  # min over k, for every l
    rail = (via[:, None, :] + egress[None, :, :]).min(axis=2)  # then min over l
    walk = np.hypot(o[:, None, 0] - d[None, :, 0], o[:, None, 1] - d[None, :, 1]) * model.params.circuity
    direct = walk / model.params.walk_mps
    if model.access_mps is not None:  # a regional model: local transport from main place to main place too
        speed, reach = float(model.access_mps.min()), float(model._station_access()[1].min())
        a, b = model._anchored(o), model._anchored(d)
        gap = np.hypot(a[:, None, 0] - b[None, :, 0], a[:, None, 1] - b[None, :, 1])
        direct = np.minimum(direct, np.where(gap <= reach, gap * model.params.circuity / speed, np.inf))
    return np.minimum(direct, rail)


def _assert_same(got: np.ndarray, expected: np.ndarray) -> None:
    """Equal within RTOL where finite, ``inf`` exactly where the reference is."""
    assert got.shape == expected.shape
    assert np.array_equal(np.isinf(got), np.isinf(expected))
    ok = np.isfinite(expected)
    np.testing.assert_allclose(got[ok], expected[ok], rtol=RTOL, atol=0)


def _points(model, n: int, seed: int) -> np.ndarray:
    """Points near stations, between them, beyond every station's reach, and (regional) inside the zones."""
    rng = np.random.default_rng(seed)
    st = model.station_xy
    _, reach = model._station_access()
    lo, hi = st.min(axis=0), st.max(axis=0)
    near = st[rng.integers(0, len(st), n)] + rng.normal(0, reach.min() / 2, (n, 2))
    between = rng.uniform(lo, hi, (n, 2))
    far = hi + reach.max() * 1.5 + rng.uniform(0, 5000, (3, 2))  # beyond every station's reach
    return np.vstack([near, between, far, st[:2], _inside_zones(model, rng)])  # two points exactly at stations


def _inside_zones(model, rng, per_zone: int = 3) -> np.ndarray:
    """A few random points inside each zone of a regional model (none without zones)."""
    import shapely

    parts = [np.empty((0, 2))]
    for zone in model.zones or []:
        x0, y0, x1, y1 = zone.bounds
        cand = rng.uniform((x0, y0), (x1, y1), (500, 2))
        parts.append(cand[shapely.covers(zone, shapely.points(cand))][:per_zone])
    return np.vstack(parts)


def _gtfs():
    from pathlib import Path

    feed = Path(__file__).resolve().parents[2] / "shared" / "data" / "gtfs" / "cairns_gtfs.zip"
    if not feed.exists():
        pytest.skip(f"{feed} is absent (a user's clone): the sample GTFS feeds live in ../shared/data")
    from geosci.gtfs import build_gtfs

    return build_gtfs(feed)


@pytest.fixture(scope="module", params=["city", "region", "gtfs"])
def model(request):
    if request.param == "city":
        return make_model()
    if request.param == "region":
        m = make_model(stations="region_rail_stations", lines="region_rail_lines")
        assert m.access_mps is not None and m.access_max is not None and m.zones  # what this case is for
        return m
    return _gtfs()


def test_times_equal_the_definition_for_few_and_many_destinations(model):
    pts = _points(model, 40, 1)
    o = pts[::3]
    few = pts[: min(12, len(model.station_xy))]  # at most as many as the stations: destinations folded first
    many = _points(model, len(model.station_xy) // 2 + 1, 2)  # more than the stations: origins reduced first
    assert len(few) <= len(model.station_xy) < len(many)
    for d in (few, many):
        _assert_same(model.times(o, d), _reference(model, o, d))
        _assert_same(model.times(d, o), _reference(model, d, o))


def test_rail_is_used_and_far_points_go_without_it(model):
    pts = _points(model, 40, 3)
    t = model.times(pts, pts)
    walk = model.walk_seconds(pts, pts)
    assert (t < walk * (1 - 1e-9)).any()  # some trips ride
    access = _legs(model, pts)
    lonely = ~np.isfinite(access).any(axis=1)  # within no station's reach
    assert lonely.any()
    direct = model.direct_seconds(pts, pts)  # walking, or local transport in a regional model
    np.testing.assert_array_equal(t[lonely], direct[lonely])
    np.testing.assert_array_equal(t[:, lonely], direct[:, lonely])
    assert np.isinf(model.to_stations(pts[lonely])).all()


def test_to_stations_equal_the_definition(model):
    pts = _points(model, 30, 4)
    expected = (_legs(model, pts)[:, :, None] + model.station_times[None]).min(axis=1)
    _assert_same(model.to_stations(pts), expected)


def test_nearest_times_equal_the_minimum_over_origins(model):
    pts = _points(model, 60, 5)
    cells = _points(model, 200, 6)
    for o in (pts[:1], pts[::4], pts[-5:]):  # one origin, many, and origins beyond every reach
        expected = _reference(model, o, cells).min(axis=0)
        for jobs in (1, 2):
            _assert_same(model.nearest_times(o, jobs=jobs)(cells), expected)
    assert np.isinf(model.nearest_times(np.empty((0, 2)))(cells)).all()


def test_blocks_give_the_whole(model):
    pts = _points(model, 30, 7)
    whole = model.times(pts, pts[:5])
    assert np.array_equal(model.times(pts, pts[:5], chunk=4), whole)
    assert np.array_equal(np.vstack([model.times(pts[i : i + 7], pts[:5]) for i in range(0, len(pts), 7)]), whole)


def test_points_in_a_zone_travel_from_its_anchor():
    m = make_model(stations="region_rail_stations", lines="region_rail_lines")
    inside = _inside_zones(m, np.random.default_rng(8))
    assert len(inside) >= 2 * len(m.zones)
    anchors = m._anchored(inside)
    assert (np.hypot(*(anchors - inside).T) > 0).all()  # every one moved to its zone's anchor
    assert {tuple(a) for a in anchors} <= {tuple(a) for a in m.zone_anchor}
    np.testing.assert_array_equal(m.to_stations(inside), m.to_stations(anchors))
    assert np.isfinite(m.to_stations(inside)).any(axis=1).all()  # their anchors reach the rail
    stations = m.station_xy + 1.0
    _assert_same(m.times(inside, stations), _reference(m, inside, stations))
    _assert_same(m.nearest_times(inside)(stations), _reference(m, inside, stations).min(axis=0))
