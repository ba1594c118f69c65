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

Per-line and per-station fields, honoured where present (the regional
layers ``region_rail_lines`` / ``region_rail_stations`` carry them; a line
or station without them keeps the parameters):

- a line's ``speed_kmh`` and ``headway_s`` replace ``rail_speed_kmh`` and
  ``headway_s`` for that line (high-speed and metro lines in one network);
- a station's ``access_speed_kmh`` and ``access_max_m`` replace walking for
  the legs to and from it (a regional station is reached by local
  transport, not on foot);
- a lines layer with a ``zones_layer`` field names a layer of areas with
  ``anchor_lon`` / ``anchor_lat`` (e.g. ``region_starting_areas``): a point
  inside an area travels from the area's anchor, its main place (zone
  connectors), so a park polygon's times are its main place's.
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


def _per_feature(frame, column: str, default: float) -> np.ndarray:
    """Return a numeric field (``default`` where it is absent or empty), checked to be positive."""
    import pandas as pd

    if column not in frame.columns:
        return np.full(len(frame), float(default))
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    values = np.where(np.isnan(values), float(default), values)
    if not (np.isfinite(values) & (values > 0)).all():
        raise DataError(f"the field {column!r} should hold positive numbers, got {frame[column].tolist()!r}")
    return values


def _zones(lines, crs: str):
    """Read the zones a lines layer names (``zones_layer``): metric polygons and anchors, or ``(None, None)``."""
    if "zones_layer" not in lines.columns:
        return None, None
    names = {str(v) for v in lines["zones_layer"].dropna() if str(v).strip()}
    if not names:
        return None, None
    if len(names) > 1:
        raise DataError(f"the lines name several zones layers {sorted(names)}: give one")
    import geopandas as gpd

    from geosci.catalog import read_layer

    zones = read_layer(names.pop())
    for col in ("anchor_lon", "anchor_lat"):
        if col not in zones.columns:
            raise DataError(f"the zones layer needs an {col!r} field (the main place of each area)")
    anchors = gpd.GeoSeries(gpd.points_from_xy(zones["anchor_lon"], zones["anchor_lat"]), crs=4326).to_crs(crs)
    return list(zones.to_crs(crs).geometry.values), np.column_stack([anchors.x.values, anchors.y.values])


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
    all_seqs = line_sequences(st, ln)
    seqs = [(lid, seq) for lid, seq in all_seqs if len(seq) >= 2]
    served = sorted({p for _, seq in seqs for p in seq})
    if not served:
        raise DataError("no station lies on a line of the scenario: check the stations' 'lines' field")
    remap = {p: i for i, p in enumerate(served)}
    st = st.iloc[served].reset_index(drop=True)
    xy = np.column_stack([st.geometry.x.values, st.geometry.y.values])
    speeds = _per_feature(ln, "speed_kmh", params.rail_speed_kmh) / 3.6  # m/s per line feature
    line_headway = _per_feature(ln, "headway_s", params.headway_s)
    headways: dict[str, float] = {}
    segments = []
    for row, (lid, seq) in enumerate(all_seqs):
        if len(seq) < 2:
            continue
        seq = [remap[p] for p in seq]
        headways[lid] = max(headways.get(lid, 0.0), float(line_headway[row]))
        for a, b in zip(seq[:-1], seq[1:], strict=True):
            ride = params.dwell_s + float(np.hypot(*(xy[a] - xy[b]))) / float(speeds[row])
            segments += [(lid, a, b, ride), (lid, b, a, ride)]
    line_ids = sorted(headways)
    graph, entry, exit_ = transit_graph(xy, segments, headways, params, crs)
    times = station_times(graph, entry, exit_)
    regional = "access_speed_kmh" in st.columns
    access_mps = _per_feature(st, "access_speed_kmh", params.walk_speed_kmh) / 3.6 if regional else None
    access_max = _per_feature(st, "access_max_m", params.max_access_m) if "access_max_m" in st.columns else None
    zones, anchors = _zones(ln, crs)
    note = None
    if "speed_kmh" in ln.columns or "headway_s" in ln.columns:
        note = "per-line speed_kmh and headway_s from the lines layer where given (rail_speed_kmh, headway_s elsewhere)"
    if regional or zones:
        access = (
            "stations reached by local transport at their access_speed_kmh (straight line x circuity) within "
            "access_max_m, and without rail local transport all the way (the slowest access speed, within the "
            "shortest access reach)"
            if regional
            else "stations reached on foot"
        )
        if zones:
            access += f"; points inside the {len(zones)} areas of the zones layer travel from the area's anchor"
        note = f"{note}; {access}" if note else access
    return TransitModel(graph, params, scenario, st, xy, entry, exit_, times, line_ids, kind="sketch",
                        sources=("layers: stations and lines",), headways=headways, access_mps=access_mps,
                        access_max=access_max, zones=zones, zone_anchor=anchors, access_note=note)  # fmt: skip
