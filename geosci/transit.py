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
"""

from __future__ import annotations

from dataclasses import dataclass
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

    def _station_access(self) -> tuple[np.ndarray, np.ndarray]:
        """Access speed (m/s) and reach (m) of every station: walking unless the stations say otherwise."""
        s = len(self.station_xy)
        speed = self.access_mps if self.access_mps is not None else np.full(s, self.params.walk_mps)
        reach = self.access_max if self.access_max is not None else np.full(s, self.params.max_access_m)
        return speed, reach

    def _anchored(self, xy: np.ndarray) -> np.ndarray:
        """Move the points inside a zone to its anchor (zone connectors; in overlapping zones the nearest)."""
        if not self.zones or self.zone_anchor is None:
            return xy
        import shapely

        anchor = self.zone_anchor
        pts = shapely.points(xy)
        inside = np.array([shapely.covers(zone, pts) for zone in self.zones])  # (z, n)
        gap = np.hypot(xy[None, :, 0] - anchor[:, None, 0], xy[None, :, 1] - anchor[:, None, 1])
        gap = np.where(inside, gap, np.inf)
        best = np.argmin(gap, axis=0)
        hit = np.isfinite(gap.min(axis=0))
        out = xy.copy()
        out[hit] = anchor[best[hit]]
        return out

    def _access(self, xy: np.ndarray) -> np.ndarray:
        xy = self._anchored(xy)
        speed, reach = self._station_access()
        d = np.hypot(xy[:, None, 0] - self.station_xy[None, :, 0], xy[:, None, 1] - self.station_xy[None, :, 1])
        return np.where(d <= reach[None, :], d * self.params.circuity / speed[None, :], np.inf)

    def to_stations(self, origins_xy: np.ndarray) -> np.ndarray:
        """Seconds from each origin to leaving the rail system at each station ``(n_o, s)``."""
        access = self._access(origins_xy)
        out = np.full((len(origins_xy), len(self.station_xy)), np.inf)
        for k in range(len(self.station_xy)):
            np.minimum(out, access[:, k : k + 1] + self.station_times[k][None, :], out=out)
        return out

    def times(self, origins_xy: np.ndarray, dests_xy: np.ndarray, *, chunk: int = 2048) -> np.ndarray:
        """Door-to-door seconds ``(n_o, n_d)``: the faster of walking all the way and walk + rail + walk."""
        origins_xy = np.asarray(origins_xy, dtype=float).reshape(-1, 2)
        dests_xy = np.asarray(dests_xy, dtype=float).reshape(-1, 2)
        via = self.to_stations(origins_xy)  # (n_o, s)
        out = np.empty((len(origins_xy), len(dests_xy)))
        for i in range(0, len(dests_xy), chunk):
            d = dests_xy[i : i + chunk]
            best = self.walk_seconds(origins_xy, d)
            egress = self._access(d)  # (n_d, s)
            for k in range(len(self.station_xy)):
                np.minimum(best, via[:, k : k + 1] + egress[None, :, k], out=best)
            out[:, i : i + chunk] = best
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
