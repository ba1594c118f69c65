"""Walk + rail travel models on the graph engine, shared by the sketch and GTFS builders.

Each station has an entry node (from the street), an exit node (to the
street) and a transfer node, and each line calling at it a platform node:

- entry → platform: the expected wait, half the line's headway;
- platform → exit and platform → transfer: free (alighting);
- transfer → platform: the wait plus the transfer penalty (changing lines);
- platform → next platform of the line: the ride.

The graph engine (:mod:`geosci.graph`) finds exact fastest station-to-station
times, and walking legs (straight-line distance × circuity at walking speed,
up to ``max_access_m``) are added in closed form, so door-to-door times are
exact for the model.

A regional network may reach its stations by local transport instead of on
foot: per-station ``access_mps`` and ``access_max`` replace the walking
speed and ``max_access_m`` for the access and egress legs (distance ×
circuity at that speed), and ``zones`` (metric polygons) with their
``zone_anchor`` points move every point inside a zone to its anchor before
the access leg, as zone connectors do in regional models: a park's travel
times are those of its main place.

Queries cost the stations within reach of each point, not all of them:
the access and egress legs are found with a KD-tree (a ball of each
station's reach), and ``min over k, l of access + station_times + egress``
is taken over those pairs only. :meth:`TransitModel.nearest_times` reduces
all origins once to a best arrival per station, so a surface cell costs
its own few stations and one nearest-origin query (the direct walk).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np

from geosci.graph import Graph, from_edges, shortest_from
from geosci.params import AccessParams

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["TransitModel", "station_times", "transit_graph"]


@dataclass
class TransitModel:
    """A walk + rail network and what is needed to query it (sketch or GTFS)."""

    graph: Graph
    params: AccessParams
    scenario: str
    stations: gpd.GeoDataFrame  # the stations served, metric CRS, in node order
    station_xy: np.ndarray  # (s, 2) metric
    entry: np.ndarray  # entry node of each station
    exit: np.ndarray  # exit node of each station
    station_times: np.ndarray  # (s, s) seconds from entering station i to leaving at station j
    lines: list[str]
    kind: str = "sketch"
    sources: tuple[str, ...] = ()
    headways: dict | None = None
    access_mps: np.ndarray | None = None  # (s,) access speed to each station, m/s (None: walking)
    access_max: np.ndarray | None = None  # (s,) longest straight-line access to each station, m
    zones: list | None = None  # metric polygons whose points are moved to their anchors for access
    zone_anchor: np.ndarray | None = None  # (z, 2) metric anchor of each zone
    access_note: str | None = None

    @property
    def crs(self) -> str:
        """The metric CRS of all coordinates."""
        return self.graph.crs

    def describe(self) -> dict:
        """Describe the model for run summaries."""
        model = {
            "sketch": "sketch: walking straight-line x circuity + rail from the lines' station sequences",
            "gtfs": "GTFS: walking straight-line x circuity + rail from the feed's timetable",
        }[self.kind]
        if self.access_mps is not None:  # a regional network: stations reached by local transport
            model = model.replace("walking straight-line x circuity", "local transport to and from the stations "
                                  "(straight-line x circuity at each station's access speed; walking all the way "
                                  "where faster)")  # fmt: skip
        out = {"model": model, "scenario": self.scenario, "lines": self.lines, "stations": len(self.stations),
               "sources": list(self.sources), "parameters": self.params.describe()}  # fmt: skip
        if self.access_note:
            out["access"] = self.access_note
        return out

    def isochrone(self, origin_xy, seconds: float):
        """Return the area reachable within ``seconds`` from ``origin_xy`` (metric polygon), exact for the model.

        It is the walking circle of the origin together with, for every station
        left after ``t`` seconds, an egress circle of the time remaining (at most
        ``max_access_m``).
        """
        import shapely

        o = np.asarray(origin_xy, dtype=float).reshape(1, 2)
        p = self.params
        per_m = p.circuity / p.walk_mps  # seconds per straight-line metre
        discs = [shapely.Point(o[0]).buffer(seconds / per_m, quad_segs=64)]
        local = self._local()
        if local is not None:  # local transport from the origin's main place, within its reach
            radius = min(seconds * local[0] / p.circuity, local[1])
            discs.append(shapely.Point(self._anchored(o)[0]).buffer(radius, quad_segs=64))
        t = self.to_stations(o)[0]
        ok = t < seconds
        speed, reach = self._station_access()
        radii = np.minimum((seconds - t[ok]) * speed[ok] / p.circuity, reach[ok])
        discs += list(shapely.buffer(shapely.points(self.station_xy[ok]), radii, quad_segs=64))
        return shapely.union_all(discs)

    def walk_seconds(self, a_xy: np.ndarray, b_xy: np.ndarray) -> np.ndarray:
        """Return walking times (s) between every point of ``a_xy`` and every point of ``b_xy``."""
        d = np.hypot(a_xy[:, None, 0] - b_xy[None, :, 0], a_xy[:, None, 1] - b_xy[None, :, 1])
        return self.params.walk_seconds(d)

    def _local(self) -> tuple[float, float] | None:
        """Speed (m/s) and reach (m) of a direct trip by local transport, in a regional model; else ``None``.

        The stations' own access assumption applied door to door: the
        slowest access speed and the shortest access reach of the stations
        (one value each in the regional layer: 40 km/h within 50 km).
        """
        if self.access_mps is None:
            return None
        _, reach = self._station_access()
        return float(np.min(self.access_mps)), float(np.min(reach))

    def direct_seconds(self, a_xy: np.ndarray, b_xy: np.ndarray) -> np.ndarray:
        """Return the seconds without rail ``(n_a, n_b)``: walking, or in a regional model local transport too.

        Local transport goes from main place to main place (points inside a
        zone from its anchor, as the access legs do) within :meth:`_local`'s
        reach; the faster of it and walking all the way counts.
        """
        walk = self.walk_seconds(a_xy, b_xy)
        local = self._local()
        if local is None:
            return walk
        speed, reach = local
        a, b = self._anchored(a_xy), self._anchored(b_xy)
        d = np.hypot(a[:, None, 0] - b[None, :, 0], a[:, None, 1] - b[None, :, 1])
        return np.minimum(walk, np.where(d <= reach, d * self.params.circuity / speed, np.inf))

    def _station_access(self) -> tuple[np.ndarray, np.ndarray]:
        """Access speed (m/s) and reach (m) of every station: walking unless the stations say otherwise."""
        s = len(self.station_xy)
        speed = self.access_mps if self.access_mps is not None else np.full(s, self.params.walk_mps)
        reach = self.access_max if self.access_max is not None else np.full(s, self.params.max_access_m)
        return speed, reach

    def _anchored(self, xy: np.ndarray) -> np.ndarray:
        """Move the points inside a zone to its anchor (zone connectors; in overlapping zones the nearest).

        A point is inside a zone when the zone covers it (its boundary
        included), tested only for the points within the zone's bounds and
        without making point geometries (``intersects_xy``, which is
        ``covers`` for a point). Of overlapping zones the one whose anchor is
        nearest wins, the first of them on a tie.
        """
        if not self.zones or self.zone_anchor is None:
            return xy
        import shapely

        out = xy.copy()
        gap = np.full(len(xy), np.inf)  # distance to the anchor chosen so far
        for zone, (ax, ay) in zip(self.zones, self.zone_anchor, strict=True):
            x0, y0, x1, y1 = shapely.bounds(zone)
            near = np.flatnonzero((xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1))
            inside = near[shapely.intersects_xy(zone, xy[near, 0], xy[near, 1])]
            to_anchor = np.hypot(xy[inside, 0] - ax, xy[inside, 1] - ay)
            closer = to_anchor < gap[inside]
            gap[inside[closer]] = to_anchor[closer]
            out[inside[closer]] = (ax, ay)
        return out

    def _access(self, xy: np.ndarray) -> np.ndarray:
        """Seconds from each point to each station ``(n, s)``: ``inf`` beyond the station's reach.

        The dense form of :meth:`_access_pairs` (points inside a zone travel
        from its anchor), for the few points whose legs are described.
        """
        xy = self._anchored(xy)
        speed, reach = self._station_access()
        d = np.hypot(xy[:, None, 0] - self.station_xy[None, :, 0], xy[:, None, 1] - self.station_xy[None, :, 1])
        return np.where(d <= reach[None, :], d * self.params.circuity / speed[None, :], np.inf)

    def _access_pairs(
        self, xy: np.ndarray, *, stations: np.ndarray | None = None, jobs: int | None = 1
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the finite entries of :meth:`_access` as ``(point, station, seconds)``, sorted by point.

        Only the stations within reach of a point are found (a KD-tree of the
        points, a ball of each station's reach), so the cost is the number of
        such pairs, not points × stations. Distances, reach test and seconds
        are computed as :meth:`_access` computes them, so the seconds are the
        same floats.

        Parameters
        ----------
        xy : ndarray
            ``(n, 2)`` metric points (moved to their zone's anchor here).
        stations : ndarray of int, optional
            Only these stations (default: all).
        jobs : int or None
            Threads querying the KD-tree (``None``: every core).

        Returns
        -------
        (point, station, seconds) : tuple of ndarray
            Index of the point, index of the station and access seconds of
            every pair within reach.
        """
        from scipy.spatial import cKDTree

        from geosci.parallel import resolve_jobs

        xy = self._anchored(np.asarray(xy, dtype=float).reshape(-1, 2))
        speed, reach = self._station_access()
        candidates = np.arange(len(self.station_xy)) if stations is None else np.asarray(stations, dtype=np.intp)
        placed = np.flatnonzero(np.isfinite(xy).all(axis=1))  # a point without a position reaches no station
        if len(placed) == 0 or len(candidates) == 0:
            return np.empty(0, np.intp), np.empty(0, np.intp), np.empty(0)
        # the KD-tree's distance may differ from np.hypot's in the last bits: a wider ball, then the exact test
        hits = cKDTree(xy[placed]).query_ball_point(self.station_xy[candidates], r=reach[candidates] * (1 + 1e-9),
                                                    return_sorted=False, workers=resolve_jobs(jobs))  # fmt: skip
        counts = np.fromiter(map(len, hits), dtype=np.intp, count=len(hits))
        point = placed[np.fromiter(chain.from_iterable(hits), dtype=np.intp, count=int(counts.sum()))]
        station = np.repeat(candidates, counts)
        d = np.hypot(xy[point, 0] - self.station_xy[station, 0], xy[point, 1] - self.station_xy[station, 1])
        keep = d <= reach[station]
        point, station, d = point[keep], station[keep], d[keep]
        seconds = d * self.params.circuity / speed[station]
        order = np.argsort(point, kind="stable")
        return point[order], station[order], seconds[order]

    def to_stations(self, origins_xy: np.ndarray) -> np.ndarray:
        """Seconds from each origin to leaving the rail system at each station ``(n_o, s)``.

        ``min over k of access[o, k] + station_times[k, l]``, over the stations
        ``k`` within reach of the origin only; ``inf`` where none is.
        """
        origins_xy = np.asarray(origins_xy, dtype=float).reshape(-1, 2)
        out = np.empty((len(origins_xy), len(self.station_xy)))
        for i in range(0, len(origins_xy), POINT_BLOCK):
            block = origins_xy[i : i + POINT_BLOCK]
            point, station, seconds = self._access_pairs(block)
            out[i : i + len(block)] = _min_plus(self.station_times.T, point, station, seconds, len(block)).T
        return out

    def times(self, origins_xy: np.ndarray, dests_xy: np.ndarray, *, chunk: int = 2048) -> np.ndarray:
        """Door-to-door seconds ``(n_o, n_d)``: the faster of walking all the way and walk + rail + walk.

        Walk + rail + walk is ``min over k, l of access[o, k] +
        station_times[k, l] + egress[d, l]``, over the stations within reach
        of the origin (``k``) and of the destination (``l``) only. With at
        most as many destinations as stations, the destinations are folded
        into the station table first (``station_times[k, l] + egress[d, l]``,
        once), and each origin then costs its stations × the destinations;
        otherwise each origin is reduced to its arrival at every station
        (:meth:`to_stations`) and each destination costs its stations × the
        origins. Either way the result is the model's exact minimum (the two
        orders of addition differ by a few units in the last place). The
        choice depends on the destinations alone, so blocks of origins give
        what the whole matrix gives.

        Parameters
        ----------
        origins_xy, dests_xy : ndarray
            ``(n, 2)`` metric points.
        chunk : int
            Points handled at once (memory: ``chunk ×`` the other side).

        Returns
        -------
        ndarray
            ``(n_o, n_d)`` seconds, ``inf`` where unreachable.
        """
        origins_xy = np.asarray(origins_xy, dtype=float).reshape(-1, 2)
        dests_xy = np.asarray(dests_xy, dtype=float).reshape(-1, 2)
        out = np.empty((len(origins_xy), len(dests_xy)))
        if len(dests_xy) <= len(self.station_xy):
            to_dest = _min_plus(self.station_times, *self._access_pairs(dests_xy), len(dests_xy))  # (s, n_d)
            for i in range(0, len(origins_xy), chunk):
                o = origins_xy[i : i + chunk]
                rail = _min_plus(to_dest.T, *self._access_pairs(o), len(o)).T
                out[i : i + chunk] = np.minimum(self.direct_seconds(o, dests_xy), rail)
            return out
        via = self.to_stations(origins_xy)  # (n_o, s)
        for i in range(0, len(dests_xy), chunk):
            d = dests_xy[i : i + chunk]
            rail = _min_plus(via, *self._access_pairs(d), len(d))
            out[:, i : i + chunk] = np.minimum(self.direct_seconds(origins_xy, d), rail)
        return out

    def _best_arrival(self, origins_xy: np.ndarray) -> np.ndarray:
        """Seconds from the nearest origin to leaving the rail system at each station ``(s,)``.

        ``min over o of to_stations(o)``, computed as ``min over k of (min over
        o of access[o, k]) + station_times[k, l]``: the same floats, since
        adding a number never reverses an order.
        """
        first = np.full(len(self.station_xy), np.inf)  # fastest access to each station from any origin
        for i in range(0, len(origins_xy), POINT_BLOCK):
            _, station, seconds = self._access_pairs(origins_xy[i : i + POINT_BLOCK])
            np.minimum.at(first, station, seconds)
        board = np.flatnonzero(np.isfinite(first))
        if len(board) == 0:
            return first
        return (first[board, None] + self.station_times[board]).min(axis=0)

    def nearest_times(self, origins_xy: np.ndarray, *, jobs: int | None = 1) -> Callable[[np.ndarray], np.ndarray]:
        """Return a function giving, for points, the seconds from the nearest origin: all origins reduced once.

        The origins are reduced once to the best arrival at every station
        (``min over o, k of access[o, k] + station_times[k, l]``) and to a
        KD-tree of their positions for the direct walk. A point then costs
        the stations within its reach (a KD-tree ball of each station's
        reach) and one nearest-neighbour query, not origins × stations. The
        function equals the minimum over the rows of :meth:`times` (the same
        additions: the same floats, up to the KD-tree's rounding of the
        nearest origin's distance). Points are handled in blocks of 65,536,
        so memory is bounded by a block.

        Parameters
        ----------
        origins_xy : ndarray
            ``(n_o, 2)`` metric origins.
        jobs : int or None
            Threads for the KD-tree queries (``None``: every core).

        Returns
        -------
        callable
            ``at(points_xy) -> seconds`` ``(n,)``, ``inf`` where unreachable.

        Examples
        --------
        >>> from geosci.catalog import read_layer
        >>> from geosci.sketch import build_sketch
        >>> model = build_sketch(read_layer("rail_stations"), read_layer("rail_lines"))
        >>> o = model.station_xy[:3] + 100.0
        >>> pts = model.station_xy[100:110] - 250.0
        >>> bool(np.array_equal(model.nearest_times(o)(pts), model.times(o, pts).min(axis=0)))
        True
        """
        from scipy.spatial import cKDTree

        from geosci.parallel import resolve_jobs

        origins_xy = np.asarray(origins_xy, dtype=float).reshape(-1, 2)
        origins_xy = origins_xy[np.isfinite(origins_xy).all(axis=1)]  # an origin without a position adds nothing
        best = self._best_arrival(origins_xy)
        live = np.flatnonzero(np.isfinite(best))  # stations no origin reaches add nothing
        tree = cKDTree(origins_xy) if len(origins_xy) else None
        local = self._local()
        anchored = self._anchored(origins_xy)
        local_tree = cKDTree(anchored) if local is not None and len(origins_xy) else None
        workers = resolve_jobs(jobs)

        def at(points_xy: np.ndarray) -> np.ndarray:
            points_xy = np.asarray(points_xy, dtype=float).reshape(-1, 2)
            out = np.full(len(points_xy), np.inf)
            if tree is None:
                return out
            for i in range(0, len(points_xy), POINT_BLOCK):
                p = points_xy[i : i + POINT_BLOCK]
                walk = np.full(len(p), np.inf)
                placed = np.isfinite(p).all(axis=1)  # a point without a position is reached by no one
                _, near = tree.query(p[placed], workers=workers)
                o = origins_xy[near]
                walk[placed] = self.params.walk_seconds(np.hypot(o[:, 0] - p[placed, 0], o[:, 1] - p[placed, 1]))
                if local_tree is not None and local is not None:  # local transport from the nearest main place
                    q = self._anchored(p[placed])
                    _, near = local_tree.query(q, workers=workers)
                    a = anchored[near]
                    d = np.hypot(a[:, 0] - q[:, 0], a[:, 1] - q[:, 1])
                    by_car = np.where(d <= local[1], d * self.params.circuity / local[0], np.inf)
                    walk[placed] = np.minimum(walk[placed], by_car)
                point, station, seconds = self._access_pairs(p, stations=live, jobs=jobs)
                out[i : i + len(p)] = np.minimum(walk, _segment_min(point, best[station] + seconds, len(p)))
            return out

        return at


POINT_BLOCK = 1 << 16  # points whose access legs are found at once
PAIR_BLOCK = 1 << 22  # elements of a min-plus temporary (32 MB of float64)


def _segment_min(group: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Return ``out[g] = min of values[group == g]`` for ``g < n`` (``inf`` where none); ``group`` sorted."""
    out = np.full(n, np.inf)
    if len(group):
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        out[group[starts]] = np.minimum.reduceat(values, starts)
    return out


def _min_plus(matrix: np.ndarray, group: np.ndarray, col: np.ndarray, val: np.ndarray, n: int) -> np.ndarray:
    """Return ``out[:, g] = min over the pairs of group g of matrix[:, col] + val`` ``(rows, n)``.

    A min-plus product with a sparse right-hand side: ``(group, col, val)``
    are its non-``inf`` entries, sorted by ``group``; a group without pairs
    gives ``inf``. Groups are taken a few at a time so that the temporary
    ``rows × pairs`` stays below ``PAIR_BLOCK`` elements (at least one group).
    """
    rows = matrix.shape[0]
    out = np.full((rows, n), np.inf)
    if len(group) == 0 or rows == 0:
        return out
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    ends = np.r_[starts[1:], len(group)]
    width = max(1, PAIR_BLOCK // rows)
    i = 0
    while i < len(starts):
        j = max(i + 1, int(np.searchsorted(ends, starts[i] + width, side="right")))
        lo, hi = starts[i], ends[j - 1]
        block = matrix[:, col[lo:hi]] + val[lo:hi]
        out[:, group[starts[i:j]]] = np.minimum.reduceat(block, starts[i:j] - lo, axis=1)
        i = j
    return out


def transit_graph(
    station_xy: np.ndarray,
    segments: list[tuple[str, int, int, float]],
    headways: dict[str, float],
    params: AccessParams,
    crs: str,
) -> tuple[Graph, np.ndarray, np.ndarray]:
    """Build the walk + rail graph of some stations.

    Parameters
    ----------
    station_xy : ndarray
        ``(s, 2)`` metric station positions.
    segments : list of (line, from_station, to_station, seconds)
        Directed rides between consecutive stations of a line.
    headways : dict
        Headway (s) of each line.
    params : AccessParams
        For the transfer penalty.
    crs : str
        Metric CRS of ``station_xy``.

    Returns
    -------
    (Graph, entry_nodes, exit_nodes)
    """
    s = len(station_xy)
    entry, exit_, transfer = np.arange(s), np.arange(s, 2 * s), np.arange(2 * s, 3 * s)
    platform: dict[tuple[str, int], int] = {}
    for line, a, b, _ in segments:
        for sta in (a, b):
            platform.setdefault((line, sta), 3 * s + len(platform))
    n = 3 * s + len(platform)
    u, v, w = [], [], []
    for (line, sta), node in platform.items():
        wait = headways[line] / 2.0
        u += [entry[sta], node, node, transfer[sta]]
        v += [node, exit_[sta], transfer[sta], node]
        w += [wait, 0.0, 0.0, wait + params.transfer_penalty_s]
    for line, a, b, seconds in segments:
        u.append(platform[(line, a)])
        v.append(platform[(line, b)])
        w.append(seconds)
    u += list(entry)
    v += list(exit_)
    w += [0.0] * s  # entering and leaving the same station costs nothing
    node_xy = np.full((n, 2), np.nan)
    node_xy[: 3 * s] = np.vstack([station_xy, station_xy, station_xy])
    graph = Graph(from_edges(n, u, v, w), node_xy, crs, labels={"entry": entry, "exit": exit_, "transfer": transfer})
    return graph, entry, exit_


def station_times(graph: Graph, entry: np.ndarray, exit_: np.ndarray) -> np.ndarray:
    """Return fastest seconds from entering each station to leaving at each station ``(s, s)``."""
    return shortest_from(graph, entry)[:, exit_]
