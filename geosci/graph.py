"""The graph engine: one weighted directed graph and exact shortest paths on it.

Both network builders (the sketch model from the curated layers,
:mod:`geosci.sketch`, and the real walk + transit network from OSM and GTFS,
:mod:`geosci.realnet`) produce a :class:`Graph`; every travel time is a
Dijkstra search on it with :mod:`scipy.sparse.csgraph`, in 64-bit floats.
Explicit zero-weight edges are kept (csgraph treats stored zeros as edges),
and parallel edges keep their smallest weight.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from geosci.errors import DataError

__all__ = ["Graph", "from_edges", "nearest_sources", "shortest_from", "sources_within"]


@dataclass
class Graph:
    """A weighted directed graph.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix
        ``matrix[u, v]`` is the cost of the edge u → v (seconds or metres).
    xy : numpy.ndarray
        ``(n, 2)`` metric coordinates of the nodes (NaN for virtual nodes such
        as station platforms that have no position of their own).
    crs : str
        The metric CRS of ``xy``.
    labels : dict
        Named groups of node indices (for example ``"walk"``, ``"entry"``).
    """

    matrix: sp.csr_matrix
    xy: np.ndarray
    crs: str
    labels: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of nodes."""
        return self.matrix.shape[0]


def from_edges(n: int, u, v, w, *, both_ways: bool = False) -> sp.csr_matrix:
    """Build a CSR adjacency matrix from edge arrays, keeping the cheapest of parallel edges.

    Parameters
    ----------
    n : int
        Number of nodes.
    u, v : array_like of int
        Edge ends.
    w : array_like of float
        Edge costs (zero is a valid cost).
    both_ways : bool
        Add every edge in both directions.

    Examples
    --------
    >>> m = from_edges(3, [0, 0, 1], [1, 1, 2], [5.0, 2.0, 0.0])
    >>> m[0, 1], m[1, 2], m.nnz
    (np.float64(2.0), np.float64(0.0), 2)
    """
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    w = np.asarray(w, dtype=np.float64)
    if both_ways:
        u, v, w = np.concatenate([u, v]), np.concatenate([v, u]), np.concatenate([w, w])
    if (w < 0).any() or not np.isfinite(w).all():
        raise DataError("edge costs should be finite and non-negative")
    keep = u != v
    u, v, w = u[keep], v[keep], w[keep]
    order = np.lexsort((w, v, u))
    u, v, w = u[order], v[order], w[order]
    first = np.ones(len(u), dtype=bool)
    first[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
    return sp.csr_matrix((w[first], (u[first], v[first])), shape=(n, n))


def shortest_from(graph: Graph | sp.csr_matrix, sources, *, limit: float = np.inf,
                  min_only: bool = False, chunk: int = 256):  # fmt: skip
    """Return shortest-path costs from each source to every node.

    Parameters
    ----------
    graph : Graph or csr_matrix
    sources : array_like of int
        Source nodes.
    limit : float
        Stop searching beyond this cost; farther nodes get ``inf``.
    min_only : bool
        Return one row: the cost from the nearest source, and that source's
        index in ``sources`` (``-1`` where none is reachable).
    chunk : int
        Sources searched per call (bounds memory to ``chunk × n`` floats).

    Returns
    -------
    numpy.ndarray or tuple
        ``(len(sources), n)`` costs, or with ``min_only`` a tuple
        ``(costs, nearest)`` of ``n``-arrays.
    """
    from scipy.sparse.csgraph import dijkstra

    matrix = graph.matrix if isinstance(graph, Graph) else graph
    sources = np.asarray(sources, dtype=np.int64)
    if min_only:
        dist, _, origin = dijkstra(matrix, indices=sources, limit=limit, min_only=True, return_predecessors=True)
        lookup = np.full(matrix.shape[0], -1, dtype=np.int64)
        lookup[sources[::-1]] = np.arange(len(sources))[::-1]
        nearest = np.where(origin >= 0, lookup[np.maximum(origin, 0)], -1)
        return dist, nearest
    rows = [dijkstra(matrix, indices=sources[i : i + chunk], limit=limit) for i in range(0, len(sources), chunk)]
    return np.vstack(rows) if rows else np.empty((0, matrix.shape[0]))


def nearest_sources(graph: Graph | sp.csr_matrix, sources, *, limit: float = np.inf):
    """Return, for every node, the cost to its nearest source and that source's position in ``sources``."""
    return shortest_from(graph, sources, limit=limit, min_only=True)


def sources_within(graph: Graph | sp.csr_matrix, sources, radius: float, *, chunk: int = 128) -> np.ndarray:
    """Count, for every node, the sources within ``radius`` of it.

    The graph must be symmetric (as a walking network is) for "within of a
    node" to equal "reachable from the source".
    """
    counts = np.zeros((graph.matrix if isinstance(graph, Graph) else graph).shape[0], dtype=np.int64)
    sources = np.asarray(sources, dtype=np.int64)
    for i in range(0, len(sources), chunk):
        d = shortest_from(graph, sources[i : i + chunk], limit=radius, chunk=chunk)
        counts += (d <= radius).sum(axis=0)
    return counts
