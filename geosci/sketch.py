"""The sketch network: walk + rail travel times from the curated layers alone.

Chongqing publishes no GTFS feed and planned lines cannot have one, so the
sketch model builds rail from each line's station sequence:

- walking is straight-line distance × ``circuity`` at ``walk_speed_kmh``;
- a ride leaves a station after ``dwell_s`` and runs at ``rail_speed_kmh``
  over the straight distance between consecutive stations;
- boarding costs half the ``headway_s`` (the expected wait);
- changing lines inside a station costs ``transfer_penalty_s`` plus the new
  wait.

Each station has an entry node (from the street), an exit node (to the
street), a transfer node and one platform node per line; the graph engine
(:mod:`geosci.graph`) finds the exact fastest station-to-station times, and
walking legs are added in closed form, so door-to-door times are exact for
the model. Lines are chosen by ``status`` for a scenario (existing,
+under_construction, +planned).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from geosci.errors import DataError
from geosci.graph import Graph, from_edges, shortest_from
from geosci.params import AccessParams, scenario_statuses

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["SketchModel", "build_sketch", "line_sequences"]

STATION_SNAP_M = 200.0  # a station without a `lines` field belongs to lines passing within this distance


@dataclass
class SketchModel:
    """A built sketch network and what is needed to query it."""

    graph: Graph
    params: AccessParams
    scenario: str
    stations: gpd.GeoDataFrame  # the stations served in the scenario, metric CRS, in node order
    station_xy: np.ndarray  # (s, 2) metric
    entry: np.ndarray  # entry node of each station
    exit: np.ndarray  # exit node of each station
    station_times: np.ndarray  # (s, s) seconds from entering station i to leaving at station j
    lines: list[str]

    @property
    def crs(self) -> str:
        """The metric CRS of all coordinates."""
        return self.graph.crs

    def describe(self) -> dict:
        """Describe the model for run summaries."""
        return {"model": "sketch (walk straight-line x circuity + rail station sequences)",
                "scenario": self.scenario, "lines": self.lines, "stations": len(self.stations),
                "parameters": self.params.describe()}  # fmt: skip

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
        radii = np.minimum((seconds - t[ok]) / per_m, p.max_access_m)
        discs += list(shapely.buffer(shapely.points(self.station_xy[ok]), radii, quad_segs=64))
        return shapely.union_all(discs)

    def walk_seconds(self, a_xy: np.ndarray, b_xy: np.ndarray) -> np.ndarray:
        """Return walking times (s) between every point of ``a_xy`` and every point of ``b_xy``."""
        d = np.hypot(a_xy[:, None, 0] - b_xy[None, :, 0], a_xy[:, None, 1] - b_xy[None, :, 1])
        return self.params.walk_seconds(d)

    def _access(self, xy: np.ndarray) -> np.ndarray:
        d = np.hypot(xy[:, None, 0] - self.station_xy[None, :, 0], xy[:, None, 1] - self.station_xy[None, :, 1])
        return np.where(d <= self.params.max_access_m, self.params.walk_seconds(d), np.inf)

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


def _membership(stations: gpd.GeoDataFrame, lines: gpd.GeoDataFrame) -> dict[str, list[int]]:
    """Map each line id to the positions of its stations (unordered)."""
    import shapely

    members: dict[str, list[int]] = {str(lid): [] for lid in lines["line"]}
    if "lines" in stations.columns:
        for pos, value in enumerate(stations["lines"].astype(str)):
            for lid in value.split(";"):
                if lid.strip() in members:
                    members[lid.strip()].append(pos)
    else:
        for lid, geom in zip(lines["line"].astype(str), lines.geometry, strict=True):
            near = shapely.dwithin(stations.geometry.values, geom, STATION_SNAP_M)
            members[lid] = list(np.flatnonzero(near))
    return members


def line_sequences(stations: gpd.GeoDataFrame, lines: gpd.GeoDataFrame) -> dict[str, list[int]]:
    """Return each line's station positions in order along the line (metric frames)."""
    members = _membership(stations, lines)
    out = {}
    for lid, geom in zip(lines["line"].astype(str), lines.geometry, strict=True):
        pos = members[lid]
        along = [geom.project(stations.geometry.iloc[p]) for p in pos]
        out[lid] = [p for _, p in sorted(zip(along, pos, strict=True))]
    return out


def build_sketch(
    stations: gpd.GeoDataFrame,
    lines: gpd.GeoDataFrame,
    *,
    params: AccessParams | None = None,
    scenario: str = "existing",
    crs: str | None = None,
) -> SketchModel:
    """Build the sketch walk + rail network of a scenario.

    Parameters
    ----------
    stations : GeoDataFrame
        Station points; a ``lines`` field (``"1;环线"``) names the lines
        serving each, otherwise lines passing within 200 m are used.
    lines : GeoDataFrame
        Line geometries with ``line`` (id) and ``status`` fields.
    params : AccessParams, optional
    scenario : {"existing", "+under_construction", "+planned"}
    crs : str, optional
        Metric CRS; by default the Gauss-Krüger zone of the stations.

    Returns
    -------
    SketchModel

    Examples
    --------
    >>> from geosci.catalog import read_layer
    >>> model = build_sketch(read_layer("rail_stations"), read_layer("rail_lines"))
    >>> sorted(model.lines)
    ['1', '6', '江跳线', '环线']
    """
    from geosci.crs import metric_crs

    params = params or AccessParams()
    statuses = scenario_statuses(scenario)
    for col in ("line", "status"):
        if col not in lines.columns:
            raise DataError(f"the lines layer needs a {col!r} field (line id and existing/under_construction/planned)")
    crs = crs or metric_crs(tuple(stations.to_crs(4326).total_bounds))
    st = stations.to_crs(crs).reset_index(drop=True)
    ln = lines[lines["status"].isin(statuses)].to_crs(crs).reset_index(drop=True)
    if ln.empty:
        raise DataError(f"no line has a status in scenario {scenario!r} ({', '.join(statuses)})")
    seqs = {k: v for k, v in line_sequences(st, ln).items() if len(v) >= 2}
    served = sorted({p for seq in seqs.values() for p in seq})
    if not served:
        raise DataError("no station lies on a line of the scenario: check the stations' 'lines' field")
    remap = {p: i for i, p in enumerate(served)}
    st = st.iloc[served].reset_index(drop=True)
    s = len(st)
    xy = np.column_stack([st.geometry.x.values, st.geometry.y.values])
    entry, exit_, transfer = np.arange(s), np.arange(s, 2 * s), np.arange(2 * s, 3 * s)
    n = 3 * s
    u, v, w = [], [], []
    wait = params.headway_s / 2.0
    for seq in seqs.values():
        seq = [remap[p] for p in seq]
        plat = np.arange(n, n + len(seq))
        n += len(seq)
        for node, sta in zip(plat, seq, strict=True):
            u += [entry[sta], node, node, transfer[sta]]
            v += [node, exit_[sta], transfer[sta], node]
            w += [wait, 0.0, 0.0, wait + params.transfer_penalty_s]
        for a, b, pa, pb in zip(seq[:-1], seq[1:], plat[:-1], plat[1:], strict=True):
            ride = params.dwell_s + float(np.hypot(*(xy[a] - xy[b]))) / params.rail_mps
            u += [pa, pb]
            v += [pb, pa]
            w += [ride, ride]
    u += list(entry)
    v += list(exit_)
    w += [0.0] * s  # entering and leaving the same station costs nothing
    matrix = from_edges(n, u, v, w)
    node_xy = np.full((n, 2), np.nan)
    node_xy[: 3 * s] = np.vstack([xy, xy, xy])
    graph = Graph(matrix, node_xy, crs, labels={"entry": entry, "exit": exit_, "transfer": transfer})
    times = shortest_from(graph, entry)[:, exit_]
    return SketchModel(graph, params, scenario, st, xy, entry, exit_, times, sorted(seqs))
