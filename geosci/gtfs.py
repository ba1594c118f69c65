"""Transit from GTFS feeds (read with gtfs-kit) on the shared walk + rail model.

A feed becomes a :class:`geosci.transit.TransitModel`:

- **Stations.** Stops grouped by ``parent_station``, so platforms of one
  station share a transfer node.
- **Lines.** One per route and direction.
- **Rides.** The median scheduled time between consecutive stops over the
  day's trips, from departure to departure, so that dwell at the next stop is
  included.
- **Headways.** From ``frequencies.txt`` where the feed has it; otherwise the
  time window (07:00-09:00 by default) divided by the trips that leave their
  first stop in it.

The service day is the first Monday-to-Sunday week's first date unless
given. Walking to and from stations is as in the sketch model.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from geosci.errors import DataError
from geosci.params import AccessParams
from geosci.transit import TransitModel, station_times, transit_graph

__all__ = ["build_gtfs", "read_schedule", "seconds_of"]


def seconds_of(times) -> np.ndarray:
    """Convert GTFS ``HH:MM:SS`` strings (hours may pass 24) to seconds (NaN where blank).

    Examples
    --------
    >>> seconds_of(["07:30:00", "25:00:10", None]).tolist()
    [27000.0, 90010.0, nan]
    """
    out = np.full(len(times), np.nan)
    for i, t in enumerate(times):
        if isinstance(t, str) and t.count(":") == 2:
            h, m, s = t.split(":")
            out[i] = int(h) * 3600 + int(m) * 60 + int(s)
    return out


def read_schedule(path: str | Path, *, date: str | None = None, window: tuple[str, str] = ("07:00:00", "09:00:00")):
    """Read a feed into stations, ride segments and headways for one day.

    Returns
    -------
    dict
        ``stations`` (DataFrame: station, name, lon, lat), ``segments`` (list of
        (line, from, to, seconds) with station positions), ``headways``
        (line → s), ``date`` and ``lines`` (line → route short name).
    """
    import gtfs_kit as gk
    import pandas as pd

    if date is not None:
        import datetime

        try:
            datetime.datetime.strptime(str(date), "%Y%m%d")
        except ValueError:
            from geosci.errors import ParameterError

            raise ParameterError(
                "gtfs_date", f"{{name}} should be a day as YYYYMMDD, e.g. 20250115, got {date!r}"
            ) from None
    try:
        feed = gk.read_feed(Path(path), dist_units="km")
    except Exception as exc:  # gtfs-kit raises various errors for bad zips
        raise DataError(f"cannot read GTFS feed {path}: {str(exc).splitlines()[0] if str(exc) else exc}") from exc
    missing = [f"{t}.txt" for t in ("stops", "routes", "trips", "stop_times") if getattr(feed, t, None) is None]
    if getattr(feed, "calendar", None) is None and getattr(feed, "calendar_dates", None) is None:
        missing.append("calendar.txt or calendar_dates.txt")
    if missing:
        raise DataError(f"the GTFS feed {path} lacks {', '.join(missing)}: it cannot give a timetable")
    date = date or feed.get_first_week()[0]
    trips = feed.get_trips(date)
    if trips is None or trips.empty:
        raise DataError(f"the GTFS feed {path} has no trips on {date}: pass another --gtfs-date")
    stops = feed.stops.copy()
    parent = stops["parent_station"] if "parent_station" in stops.columns else pd.Series(pd.NA, index=stops.index)
    stops["station"] = np.where(parent.isna() | (parent.astype(str) == ""), stops["stop_id"], parent.astype(str))
    st = stops[stops["stop_id"] == stops["station"]][["station", "stop_name", "stop_lon", "stop_lat"]]
    st = st.drop_duplicates("station").reset_index(drop=True)
    pos = {sid: i for i, sid in enumerate(st["station"])}
    station_of = dict(zip(stops["stop_id"], stops["station"], strict=True))

    times = feed.stop_times[feed.stop_times["trip_id"].isin(trips["trip_id"])].copy()
    times = times.sort_values(["trip_id", "stop_sequence"])
    times["dep"] = seconds_of(times["departure_time"].tolist())
    times["arr"] = seconds_of(times["arrival_time"].tolist())
    times["dep"] = times["dep"].fillna(times["arr"])
    trips = trips.copy()
    trips["direction_id"] = trips["direction_id"].fillna(0) if "direction_id" in trips.columns else 0
    trips["line"] = trips["route_id"].astype(str) + ":" + trips["direction_id"].astype(int).astype(str)
    times = times.merge(trips[["trip_id", "line"]], on="trip_id")
    nxt = times.groupby("trip_id").shift(-1)
    seg = pd.DataFrame({
        "line": times["line"], "a": times["stop_id"].map(station_of), "b": nxt["stop_id"].map(station_of),
        "seconds": nxt["dep"] - times["dep"],
    }).dropna()  # fmt: skip
    seg = seg[(seg["a"] != seg["b"]) & (seg["seconds"] >= 0)]
    med = seg.groupby(["line", "a", "b"], sort=True)["seconds"].median().reset_index()
    segments = [(r.line, pos[r.a], pos[r.b], float(r.seconds)) for r in med.itertuples()]

    w0, w1 = seconds_of(list(window))
    headways: dict[str, float] = {}
    freqs = feed.frequencies
    first = times.groupby("trip_id").first()
    for line, grp in first.groupby("line"):
        if freqs is not None and not freqs.empty and grp.index.isin(freqs["trip_id"]).any():
            f = freqs[freqs["trip_id"].isin(grp.index)]
            start = seconds_of(f["start_time"].tolist())
            in_window = f[(start >= w0) & (start < w1)]
            headways[line] = float((in_window if not in_window.empty else f)["headway_secs"].median())
        else:
            n = int(((grp["dep"] >= w0) & (grp["dep"] < w1)).sum())
            if n == 0:  # no trip in the window: spread the day's trips over their span
                span = max(grp["dep"].max() - grp["dep"].min(), 3600.0)
                n, width = len(grp), span
            else:
                width = w1 - w0
            headways[line] = float(width / n)
    routes = feed.routes.set_index("route_id")
    names = {line: str(routes.loc[line.split(":")[0]].get("route_short_name", line)) for line in headways}
    return {"stations": st, "segments": segments, "headways": headways, "date": date, "lines": names}


def build_gtfs(path: str | Path, *, params: AccessParams | None = None, date: str | None = None,
               window: tuple[str, str] = ("07:00:00", "09:00:00"), crs: str | None = None) -> TransitModel:  # fmt: skip
    """Build a walk + rail model from a GTFS feed.

    Parameters
    ----------
    path : path
        The feed (.zip or folder).
    params : AccessParams, optional
        Walking and transfer parameters (rides and headways come from the feed).
    date : str, optional
        Service day ``YYYYMMDD``.
    window : (str, str)
        Time window for headways.
    crs : str, optional
        Metric CRS; by default the UTM or Gauss-Krüger zone of the stops.
    """
    import geopandas as gpd

    from geosci.crs import metric_crs

    params = params or AccessParams()
    sched = read_schedule(path, date=date, window=window)
    st = sched["stations"]
    frame = gpd.GeoDataFrame({"id": st["station"].astype(str), "name_zh": st["stop_name"].astype(str)},
                             geometry=gpd.points_from_xy(st["stop_lon"], st["stop_lat"]), crs=4326)  # fmt: skip
    crs = crs or metric_crs(float(st["stop_lon"].median()), float(st["stop_lat"].median()))
    frame = frame.to_crs(crs)
    xy = np.column_stack([frame.geometry.x.values, frame.geometry.y.values])
    graph, entry, exit_ = transit_graph(xy, sched["segments"], sched["headways"], params, crs)
    model = TransitModel(graph, params, f"GTFS {sched['date']}", frame, xy, entry, exit_,
                         station_times(graph, entry, exit_), sorted(sched["headways"]), kind="gtfs",
                         sources=(str(path),), headways=sched["headways"])  # fmt: skip
    return model
