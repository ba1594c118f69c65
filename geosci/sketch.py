"""The sketch network: walk + rail travel times from the curated layers alone.

Chongqing publishes no GTFS feed and planned lines cannot have one, so the
sketch model builds rail from each line's station sequence (explicit where
the lines carry ``station_ids`` and ``loop``, as the curated rail layers do;
runs and branches of one line are one service):

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

from typing import TYPE_CHECKING

import numpy as np

from geosci.errors import DataError
from geosci.params import AccessParams, scenario_statuses
from geosci.transit import TransitModel, station_times, transit_graph

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["build_sketch", "line_sequences"]

STATION_SNAP_M = 200.0  # a station without a `lines` field belongs to lines passing within this distance


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


def _truthy(value) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes")


def line_sequences(stations: gpd.GeoDataFrame, lines: gpd.GeoDataFrame) -> list[tuple[str, list[int]]]:
    """Return ``(line id, station positions in order)`` for every line feature (metric frames).

    The order is explicit where the lines carry it: a ``station_ids`` field
    (station ``id`` values separated by ``;``) gives the stations in running
    order, and a true ``loop`` field closes the ring (the last station runs
    on to the first). Several features may share a line id (the runs or
    branches of one line): they are one service, changing between them
    costs nothing. Station ids not among ``stations`` are left out. Lines
    without ``station_ids`` fall back to the stations naming them (``lines``
    field) or lying within 200 m, ordered by their projection on the line's
    geometry.
    """
    explicit = "station_ids" in lines.columns and "id" in stations.columns
    position = {str(v): i for i, v in enumerate(stations["id"])} if explicit else {}
    members = _membership(stations, lines)
    out = []
    for row, (lid, geom) in enumerate(zip(lines["line"].astype(str), lines.geometry, strict=True)):
        ids = lines["station_ids"].iloc[row] if explicit else None
        if isinstance(ids, str) and ids.strip():
            seq = [position[s.strip()] for s in ids.split(";") if s.strip() in position]
            if "loop" in lines.columns and _truthy(lines["loop"].iloc[row]) and len(seq) > 2:
                seq.append(seq[0])
        else:
            pos = members[lid]
            along = [geom.project(stations.geometry.iloc[p]) for p in pos]
            seq = [p for _, p in sorted(zip(along, pos, strict=True))]
        out.append((lid, seq))
    return out


def build_sketch(
    stations: gpd.GeoDataFrame,
    lines: gpd.GeoDataFrame,
    *,
    params: AccessParams | None = None,
    scenario: str = "existing",
    crs: str | None = None,
) -> TransitModel:
    """Build the sketch walk + rail network of a scenario.

    Parameters
    ----------
    stations : GeoDataFrame
        Station points with an ``id`` field; a ``lines`` field (``"1;环线"``)
        names the lines serving each, otherwise lines passing within 200 m
        are used (only for lines without ``station_ids``).
    lines : GeoDataFrame
        Line features with ``line`` (id) and ``status`` fields, and, for an
        explicit running order, ``station_ids`` and ``loop`` (see
        :func:`line_sequences`). Several features may share a line id (runs
        and branches).
    params : AccessParams, optional
    scenario : {"existing", "+under_construction", "+planned"}
    crs : str, optional
        Metric CRS; by default the Gauss-Krüger zone of the stations.

    Returns
    -------
    TransitModel

    Examples
    --------
    >>> from geosci.catalog import read_layer
    >>> model = build_sketch(read_layer("rail_stations"), read_layer("rail_lines"))
    >>> sorted(model.lines)
    ['1', '10', '18', '2', '3', '4', '5', '6', '9', '国博线', '江跳线', '环线', '璧铜线']
    >>> names = list(model.stations["name_zh"])
    >>> round(model.station_times[names.index("大学城"), names.index("较场口")] / 60)  # minutes
    69
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
    seqs = [(lid, seq) for lid, seq in line_sequences(st, ln) if len(seq) >= 2]
    served = sorted({p for _, seq in seqs for p in seq})
    if not served:
        raise DataError("no station lies on a line of the scenario: check the stations' 'lines' field")
    remap = {p: i for i, p in enumerate(served)}
    st = st.iloc[served].reset_index(drop=True)
    xy = np.column_stack([st.geometry.x.values, st.geometry.y.values])
    segments = []
    for lid, seq in seqs:
        seq = [remap[p] for p in seq]
        for a, b in zip(seq[:-1], seq[1:], strict=True):
            ride = params.dwell_s + float(np.hypot(*(xy[a] - xy[b]))) / params.rail_mps
            segments += [(lid, a, b, ride), (lid, b, a, ride)]
    line_ids = sorted({lid for lid, _ in seqs})
    graph, entry, exit_ = transit_graph(xy, segments, dict.fromkeys(line_ids, params.headway_s), params, crs)
    times = station_times(graph, entry, exit_)
    return TransitModel(graph, params, scenario, st, xy, entry, exit_, times, line_ids, kind="sketch",
                        sources=("layers: stations and lines",))  # fmt: skip
