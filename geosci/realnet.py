"""Real networks: walking from an OSM extract, optionally joined with GTFS transit.

:class:`WalkNetwork` reads the walking network of an ``.osm.pbf`` extract
with pyrosm, projects it to a metric CRS and builds a symmetric graph whose
edge costs are segment lengths in metres. Points snap to the nearest node of
the network's largest connected component, so nothing attaches to an
isolated fragment. Every snap distance is returned so a report can show it.

:class:`NetworkModel` is a travel model on the walking network (seconds at
the walking speed), optionally combined with a GTFS feed into one walk +
transit graph. Each GTFS station's entry and exit nodes are joined to its
snapped street node by the snap walk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from geosci.errors import DataError
from geosci.graph import Graph, costs_between, from_edges, iter_costs, shortest_from
from geosci.params import AccessParams

__all__ = ["NetworkModel", "WalkNetwork", "isochrone_polygon"]


@dataclass
class WalkNetwork:
    """A walking network in a metric CRS (edge costs in metres)."""

    graph: Graph
    u: np.ndarray  # edge ends (node indices), one entry per undirected edge
    v: np.ndarray
    length: np.ndarray
    node_ids: np.ndarray
    crs: str
    source: str = ""
    _tree: Any = field(default=None, repr=False)  # scipy.spatial.cKDTree, built on first use
    _snap_nodes: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def from_osm(cls, path: str | Path, *, crs: str | None = None) -> WalkNetwork:
        """Read the walking network of an OSM ``.osm.pbf`` extract.

        Raises
        ------
        DataError
            When the file cannot be read or holds no walkable ways.
        """
        import pyrosm

        from geosci.crs import metric_crs

        path = Path(path)
        if not path.exists():
            raise DataError(f"OSM extract {path} does not exist")
        try:
            nodes, edges = pyrosm.OSM(str(path)).get_network(network_type="walking", nodes=True)
        except Exception as exc:  # pyrosm raises assorted errors on bad files
            raise DataError(f"cannot read {path} as an OSM .pbf extract: {str(exc).splitlines()[0]}") from exc
        if nodes is None or edges is None or len(edges) == 0:
            raise DataError(f"{path} holds no walkable ways")
        return cls.from_frames(nodes["id"].values, nodes["lon"].values, nodes["lat"].values,
                               edges["u"].values, edges["v"].values, edges["length"].values,
                               crs=crs or metric_crs(float(np.median(nodes["lon"])), float(np.median(nodes["lat"]))),
                               source=str(path))  # fmt: skip

    @classmethod
    def from_frames(cls, node_ids, lon, lat, u_ids, v_ids, length, *, crs: str, source: str = "") -> WalkNetwork:
        """Build from node and edge arrays (OSM ids, WGS84 positions, lengths in metres)."""
        from pyproj import Transformer

        node_ids = np.asarray(node_ids)
        index = {nid: i for i, nid in enumerate(node_ids)}
        keep = np.array([a in index and b in index for a, b in zip(u_ids, v_ids, strict=True)], dtype=bool)
        u = np.array([index[a] for a in np.asarray(u_ids)[keep]], dtype=np.int64)
        v = np.array([index[b] for b in np.asarray(v_ids)[keep]], dtype=np.int64)
        length = np.asarray(length, dtype=float)[keep]
        x, y = Transformer.from_crs(4326, crs, always_xy=True).transform(np.asarray(lon), np.asarray(lat))
        matrix = from_edges(len(node_ids), u, v, length, both_ways=True)
        return cls(Graph(matrix, np.column_stack([x, y]), crs), u, v, length, node_ids, crs, source)

    # ------------------------------------------------------------------ snapping
    def _component_nodes(self) -> np.ndarray:
        if self._snap_nodes is None:
            from scipy.sparse.csgraph import connected_components

            _, labels = connected_components(self.graph.matrix, directed=False)
            biggest = np.bincount(labels).argmax()
            self._snap_nodes = np.flatnonzero(labels == biggest)
        return self._snap_nodes

    def snap(self, xy: np.ndarray, *, jobs: int | None = 1) -> tuple[np.ndarray, np.ndarray]:
        """Return the nearest node of the largest component for each point, and its distance (m).

        ``jobs`` threads query the KD-tree (``None``: every core).
        """
        from scipy.spatial import cKDTree

        from geosci.parallel import resolve_jobs

        nodes = self._component_nodes()
        if self._tree is None:
            self._tree = cKDTree(self.graph.xy[nodes])
        d, i = self._tree.query(np.asarray(xy, dtype=float).reshape(-1, 2), workers=resolve_jobs(jobs))
        return nodes[i], d

    # ------------------------------------------------------------------ distances
    def _with_sources(self, sources_xy: np.ndarray):
        """Add one virtual node per source, joined to its snapped node by the snap distance."""
        snap_node, snap_d = self.snap(sources_xy)
        n = self.graph.n
        k = len(sources_xy)
        m = self.graph.matrix.tocoo()
        u = np.concatenate([m.row, np.arange(n, n + k)])
        v = np.concatenate([m.col, snap_node])
        w = np.concatenate([m.data, snap_d])
        return from_edges(n + k, u, v, w), np.arange(n, n + k), snap_d

    def nearest_source_distance(self, targets_xy: np.ndarray, sources_xy: np.ndarray, *, limit: float = np.inf):
        """Return the walking distance (m) from each target to its nearest source along the network, and that source.

        The distance includes both snap distances (target → node, node →
        source); ``inf`` and ``-1`` where no source is reachable.
        """
        if len(sources_xy) == 0:
            return np.full(len(targets_xy), np.inf), np.full(len(targets_xy), -1)
        matrix, virtual, _ = self._with_sources(np.asarray(sources_xy, dtype=float))
        dist, nearest = shortest_from(matrix, virtual, limit=limit, min_only=True)
        t_node, t_snap = self.snap(targets_xy)
        d = dist[t_node] + t_snap
        return d, np.where(np.isfinite(d), nearest[t_node], -1)

    def node_distances(self, sources_xy: np.ndarray, *, limit: float = np.inf) -> np.ndarray:
        """Distance (m) from the nearest source to every node (snap distances included)."""
        matrix, virtual, _ = self._with_sources(np.asarray(sources_xy, dtype=float))
        dist, _ = shortest_from(matrix, virtual, limit=limit, min_only=True)
        return dist[: self.graph.n]

    def catchment_geometry(self, sources_xy: np.ndarray, radius: float):
        """Area within ``radius`` metres of walking from the nearest source (metric polygon)."""
        return isochrone_polygon(self, self.node_distances(sources_xy, limit=radius), radius)


def isochrone_polygon(net: WalkNetwork, cost: np.ndarray, budget: float, *, width: float = 25.0):
    """Polygon of the network reachable within ``budget``, holding exactly the reachable nodes.

    The reachable parts of the edges (whole edges between reachable nodes,
    and the reachable stretch of edges leaving the area) are buffered by
    ``width`` metres. Any unreachable node that the buffer happens to cover
    is then cut out with a small disc, so the polygon contains every node
    with ``cost <= budget`` and no other node.

    Parameters
    ----------
    net : WalkNetwork
    cost : ndarray
        Cost of every node (same units as the edge lengths, metres).
    budget : float
    width : float
        Buffer half-width (m).
    """
    import shapely
    from scipy.spatial import cKDTree

    xy = net.graph.xy
    ok = cost <= budget
    if not ok.any():
        return shapely.Polygon()
    u, v, length = net.u, net.v, net.length
    parts = []
    both = ok[u] & ok[v]
    parts += list(shapely.linestrings(np.stack([xy[u[both]], xy[v[both]]], axis=1)))
    for a, b in ((u, v), (v, u)):  # reachable stretch of edges leaving the area
        partial = ok[a] & ~ok[b] & (length > 0)
        frac = np.clip((budget - cost[a[partial]]) / length[partial], 0.0, 1.0)
        ends = xy[a[partial]] + (xy[b[partial]] - xy[a[partial]]) * frac[:, None]
        parts += list(shapely.linestrings(np.stack([xy[a[partial]], ends], axis=1)))
    lone = ok & ~np.isin(np.arange(len(ok)), np.concatenate([u, v]))
    parts += list(shapely.points(xy[lone]))
    shape = shapely.union_all(shapely.buffer(np.array(parts, dtype=object), width, quad_segs=4))
    bad = np.flatnonzero(~ok)
    inside = bad[shapely.contains_xy(shape, xy[bad, 0], xy[bad, 1])]
    if len(inside):
        tree = cKDTree(xy[ok])
        gap, _ = tree.query(xy[inside])
        radius = np.clip(gap / 2.0, 1e-3, 1.0)
        shape = shapely.difference(shape, shapely.union_all(shapely.buffer(shapely.points(xy[inside]), radius)))
    return shape


FAR_SNAP_M = 1000.0  # a point this far from the network's nearest node is probably outside it


def _warn_far(snap_m: np.ndarray, source: str) -> None:
    import warnings

    from geosci.errors import GeosciWarning

    far = snap_m > FAR_SNAP_M
    if far.any():
        warnings.warn(GeosciWarning(
            f"{int(far.sum())} of {len(snap_m)} points lie more than {FAR_SNAP_M:g} m from the street network "
            f"{source} (up to {snap_m.max() / 1000:.1f} km): the network probably does not cover them; their times "
            "include a straight walk to it"), stacklevel=3)  # fmt: skip


@dataclass
class NetworkModel:
    """Walking on a real street network, optionally with GTFS transit, in seconds."""

    walk: WalkNetwork
    params: AccessParams
    graph: Graph  # seconds
    scenario: str = "real network"
    sources: tuple[str, ...] = ()
    gtfs_stations: int = 0
    # the last destinations' reversed searches, kept for the next block of origins (a worker's blocks share them)
    _targets: tuple[bytes, np.ndarray] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def build(cls, walk: WalkNetwork, *, params: AccessParams | None = None, gtfs: str | Path | None = None,
              gtfs_date: str | None = None) -> NetworkModel:  # fmt: skip
        """Combine a walking network with an optional GTFS feed into one graph (seconds)."""
        params = params or AccessParams()
        m = walk.graph.matrix.tocoo()
        n = walk.graph.n
        u, v, w = [m.row], [m.col], [m.data / params.walk_mps]
        node_xy = [walk.graph.xy]
        stations = 0
        sources = [walk.source]
        if gtfs is not None:
            from geosci.gtfs import build_gtfs

            tm = build_gtfs(gtfs, params=params, date=gtfs_date, crs=walk.crs)
            tg = tm.graph.matrix.tocoo()
            u.append(tg.row + n)
            v.append(tg.col + n)
            w.append(tg.data)
            node_xy.append(tm.graph.xy)
            snap_node, snap_d = walk.snap(tm.station_xy)
            t = snap_d / params.walk_mps
            u += [snap_node, tm.exit + n]  # street -> station entry, station exit -> street
            v += [tm.entry + n, snap_node]
            w += [t, t]
            stations = len(tm.station_xy)
            sources.append(str(gtfs))
            n += tm.graph.n
        matrix = from_edges(n, np.concatenate(u), np.concatenate(v), np.concatenate(w))
        graph = Graph(matrix, np.vstack(node_xy), walk.crs)
        return cls(walk, params, graph, sources=tuple(sources), gtfs_stations=stations)

    @property
    def crs(self) -> str:
        """The metric CRS."""
        return self.walk.crs

    def describe(self) -> dict:
        """Describe the model for run summaries."""
        return {"model": "real network: OSM walking" + (" + GTFS transit" if self.gtfs_stations else ""),
                "sources": list(self.sources), "gtfs_stations": self.gtfs_stations,
                "parameters": self.params.describe()}  # fmt: skip

    def _snapped(self, origins_xy: np.ndarray, dests_xy: np.ndarray, *, jobs: int | None = 1):
        o_node, o_snap = self.walk.snap(origins_xy, jobs=jobs)
        d_node, d_snap = self.walk.snap(dests_xy, jobs=jobs)
        _warn_far(np.concatenate([o_snap, d_snap]), self.walk.source)
        walk = self.params.walk_mps
        return o_node, o_snap / walk, d_node, d_snap / walk

    def times(self, origins_xy: np.ndarray, dests_xy: np.ndarray, *, jobs: int | None = 1,
              plan: bool | None = None) -> np.ndarray:  # fmt: skip
        """Door-to-door seconds ``(n_o, n_d)``, snap walks included.

        Searches from the destinations on the reversed graph when they are
        fewer than the origins, else from the origins (see
        :func:`geosci.graph.iter_costs`); ``jobs`` threads search at once.
        ``plan`` imposes the whole run's choice on a block of its origins
        (:meth:`search_plan`); the destinations' searches are then kept for
        the next block with the same destinations.
        """
        o_node, o_walk, d_node, d_walk = self._snapped(origins_xy, dests_xy, jobs=jobs)
        costs = self._target_costs(d_node, jobs=jobs) if plan else None
        dist = costs_between(self.graph, o_node, d_node, jobs=jobs, plan=plan, target_costs=costs)
        return dist + o_walk[:, None] + d_walk[None, :]

    def search_plan(self, origins_xy: np.ndarray, dests_xy: np.ndarray) -> bool:
        """Return whether a run of these origins and destinations searches from the destinations."""
        from geosci.graph import from_targets

        o_node, _, d_node, _ = self._snapped(origins_xy, dests_xy)
        return from_targets(self.graph.n, o_node, d_node)

    def _target_costs(self, d_node: np.ndarray, *, jobs: int | None = 1) -> np.ndarray:
        from geosci.graph import to_targets

        key = np.asarray(d_node, dtype=np.int64).tobytes()
        if self._targets is None or self._targets[0] != key:
            self._targets = (key, to_targets(self.graph, d_node, jobs=jobs))
        return self._targets[1]

    def iter_times(self, origins_xy: np.ndarray, dests_xy: np.ndarray, *, chunk: int | None = None,
                   jobs: int | None = 1):  # fmt: skip
        """Yield ``(start, seconds)`` for consecutive chunks of origins: :meth:`times` without the whole matrix."""
        o_node, o_walk, d_node, d_walk = self._snapped(origins_xy, dests_xy, jobs=jobs)
        for i, dist in iter_costs(self.graph, o_node, d_node, chunk=chunk, jobs=jobs):
            yield i, dist + o_walk[i : i + len(dist), None] + d_walk[None, :]

    def nearest_times(self, origins_xy: np.ndarray, *, jobs: int | None = 1):
        """Return a function giving, for points, the seconds from the nearest origin: one search for all origins.

        A virtual source joined to every origin's street node by that
        origin's snap walk is searched once; the cost of every node is then
        the time from its nearest origin. It equals the minimum over the rows
        of :meth:`times` up to the order of the additions (relative
        difference below 1e-12).
        """
        from scipy.sparse.csgraph import dijkstra

        o_node, o_snap = self.walk.snap(origins_xy, jobs=jobs)
        _warn_far(o_snap, self.walk.source)
        walk = self.params.walk_mps
        n = self.graph.n
        m = self.graph.matrix.tocoo()
        u = np.concatenate([m.row, np.full(len(o_node), n)])
        v = np.concatenate([m.col, o_node])
        w = np.concatenate([m.data, o_snap / walk])
        node_cost = dijkstra(from_edges(n + 1, u, v, w), indices=n)[:n]

        def at(points_xy: np.ndarray) -> np.ndarray:
            node, snap = self.walk.snap(points_xy, jobs=jobs)
            return node_cost[node] + snap / walk

        return at

    def isochrone(self, origin_xy, seconds: float):
        """Area reachable within ``seconds`` on the network (metric polygon, exact reachable nodes)."""
        node, snap = self.walk.snap(origin_xy)
        cost = shortest_from(self.graph, node, limit=seconds)[0][: self.walk.graph.n] + snap[0] / self.params.walk_mps
        metres = cost * self.params.walk_mps  # edges are walked, so a node's time maps to walking metres
        return isochrone_polygon(self.walk, metres, seconds * self.params.walk_mps)
