r"""Accessibility: travel-time matrices, isochrones, opportunity scores and travel-time surfaces.

All functions take a travel model with ``times(origins_xy, dests_xy)`` in
seconds and a metric ``crs``. Models are the sketch model
(:func:`geosci.sketch.build_sketch`), a GTFS model
(:func:`geosci.gtfs.build_gtfs`) and the OSM walk (+ GTFS) network
(:mod:`geosci.realnet`).

Scores (:func:`scores`):

- cumulative opportunities: :math:`A_i = \sum_j w_j [t_{ij} \le T]`;
- gravity: :math:`A_i = \sum_j w_j e^{-\beta t_{ij}}`, t in minutes;
- two-step floating catchment (2SFCA, Luo and Wang 2003): for each
  supply site :math:`R_j = S_j / \sum_{i: t_{ij} \le T} P_i`, then
  :math:`A_i = \sum_{j: t_{ij} \le T} R_j`.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from geosci.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "feature_names",
    "isochrone",
    "isochrones",
    "iter_times",
    "matrix_tables",
    "surface_memory",
    "score_tables",
    "surface_run",
    "write_isochrones",
    "score_table",
    "scores",
    "surface",
    "travel_time_matrix",
    "write_matrix",
    "write_surface",
    "xy_of",
    "zonal_stats",
]


def xy_of(frame: gpd.GeoDataFrame, crs: str) -> np.ndarray:
    """Metric coordinates of a layer's features (representative points for lines and polygons)."""
    import shapely

    geom = frame.to_crs(crs).geometry
    if len(geom) and bool((shapely.get_type_id(geom.values) == 0).all()):  # points stay points
        return shapely.get_coordinates(geom.values)
    pts = geom.representative_point()
    return np.column_stack([pts.x.values, pts.y.values])


def feature_names(frame: gpd.GeoDataFrame) -> list[str]:
    """Return a display name for every feature: ``name_zh``, else ``name``, else ``id``, else the index."""
    for col in ("name_zh", "name", "id"):
        if col in frame.columns:
            return frame[col].astype(str).tolist()
    return frame.index.astype(str).tolist()


PLAUSIBLE_MINUTES = 240.0  # door-to-door times beyond this within a city call for a look


class _Tally:
    """Plausibility counts gathered chunk by chunk, warned about once at the end."""

    def __init__(self) -> None:
        self.size = self.long = self.unreachable = 0
        self.longest = -np.inf

    def add(self, minutes: np.ndarray) -> None:
        finite = np.isfinite(minutes)
        self.size += minutes.size
        self.long += int((finite & (minutes > PLAUSIBLE_MINUTES)).sum())
        self.unreachable += int((~finite).sum())
        if finite.any():
            self.longest = max(self.longest, float(minutes[finite].max()))

    def warn(self, stacklevel: int = 3) -> None:
        import warnings

        from geosci.errors import GeosciWarning

        if self.long:
            warnings.warn(GeosciWarning(
                f"{self.long} of {self.size} travel times exceed {PLAUSIBLE_MINUTES / 60:g} hours (up to "
                f"{self.longest / 60:.1f} h): the places are probably beyond walking reach of the network"),
                stacklevel=stacklevel)  # fmt: skip
        if self.unreachable:
            warnings.warn(GeosciWarning(f"{self.unreachable} of {self.size} pairs are unreachable"),
                          stacklevel=stacklevel)  # fmt: skip


def _warn_implausible(minutes: np.ndarray) -> None:
    tally = _Tally()
    tally.add(minutes)
    tally.warn(stacklevel=4)


BLOCK_BYTES = 64 * 2**20
"""Memory one block of a streamed matrix may take (float64 seconds)."""


def _rows_per_block(n_dests: int, budget: int = BLOCK_BYTES) -> int:
    return int(max(1, min(1 << 20, budget // (8 * 4 * max(n_dests, 1)))))


def iter_times(model, origins_xy: np.ndarray, dests_xy: np.ndarray, *, chunk: int | None = None,
               jobs: int | None = 1, scheduler=None):  # fmt: skip
    """Yield ``(start, seconds)`` for consecutive chunks of origins: a travel-time matrix block by block.

    Memory is bounded by a block (``chunk`` origins × all destinations),
    never by the whole matrix. Models with their own ``iter_times`` (the
    street network: one search from each destination when they are few)
    use it; for the others every block is ``model.times`` of a chunk of
    origins, which gives exactly the rows of ``model.times`` of all.

    Parameters
    ----------
    model : TravelModel
    origins_xy, dests_xy : ndarray
        Metric coordinates ``(n, 2)``.
    chunk : int, optional
        Origins per block (default: about 64 MB of results per block).
    jobs : int, optional
        Threads computing blocks at once (``None``: every core); blocks come
        out in order and equal to one thread's.
    scheduler : str or dask.distributed.Client, optional
        Compute the blocks on a Dask cluster (see :mod:`geosci.distributed`).
    """
    from geosci.parallel import ordered_map

    origins_xy = np.asarray(origins_xy, dtype=float).reshape(-1, 2)
    dests_xy = np.asarray(dests_xy, dtype=float).reshape(-1, 2)
    chunk = int(chunk or _rows_per_block(len(dests_xy)))
    if scheduler is not None:
        from geosci.distributed import iter_times as on_cluster

        yield from on_cluster(model, origins_xy, dests_xy, chunk=chunk, scheduler=scheduler, jobs=jobs)
        return
    if hasattr(model, "iter_times"):
        yield from model.iter_times(origins_xy, dests_xy, chunk=chunk, jobs=jobs)
        return
    starts = range(0, len(origins_xy), chunk)
    blocks = ordered_map(lambda i: model.times(origins_xy[i : i + chunk], dests_xy), starts, jobs=jobs)
    yield from zip(starts, blocks, strict=True)


def travel_time_matrix(model, origins: gpd.GeoDataFrame, destinations: gpd.GeoDataFrame, *,
                       jobs: int | None = 1, scheduler=None) -> pd.DataFrame:  # fmt: skip
    """Minutes from every origin to every destination, as a long table.

    The table is held in memory; :func:`write_matrix` streams a matrix of
    any size to a file instead.

    Returns
    -------
    pandas.DataFrame
        Columns ``origin``, ``destination``, ``minutes`` (``inf`` where
        unreachable), ``plus_minus_min`` (the walking time the positional
        accuracy ``accuracy_m`` of the origin and the destination could add
        or take away: straight-line metres × circuity at walking speed) and
        ``approximate`` (true when that is above zero and a tenth of the time or more: the
        places are placed less exactly than the time implies).
    """
    import pandas as pd

    if origins.empty or destinations.empty:
        raise DataError("origins and destinations need at least one feature each")
    o_xy, d_xy = xy_of(origins, model.crs), xy_of(destinations, model.crs)
    t = np.empty((len(o_xy), len(d_xy)))
    for i, block in iter_times(model, o_xy, d_xy, jobs=jobs, scheduler=scheduler):
        t[i : i + len(block)] = block / 60.0
    _warn_implausible(t)
    o, d = feature_names(origins), feature_names(destinations)
    pm = (position_minutes(model, origins)[:, None] + position_minutes(model, destinations)[None, :]).ravel()
    minutes = np.round(t.ravel(), 2)
    pm = np.where(minutes == 0, 0.0, np.round(pm, 2))  # one place to itself: its error cancels
    return pd.DataFrame({
        "origin": np.repeat(o, len(d)), "destination": np.tile(d, len(o)), "minutes": minutes,
        "plus_minus_min": pm, "approximate": (pm > 0) & (pm >= 0.1 * minutes),
    })  # fmt: skip


def _walk_min_per_m(model) -> float:
    """Minutes of walking per straight-line metre in the model (circuity at walking speed)."""
    from geosci.params import AccessParams

    params = getattr(model, "params", None) or AccessParams()
    return params.circuity / params.walk_mps / 60.0


def _accuracy_m(frame: gpd.GeoDataFrame) -> np.ndarray:
    import pandas as pd

    if "accuracy_m" not in frame.columns:
        return np.zeros(len(frame))
    return pd.to_numeric(frame["accuracy_m"], errors="coerce").fillna(0.0).to_numpy(dtype=float)


def position_minutes(model, frame: gpd.GeoDataFrame) -> np.ndarray:
    """Minutes of travel each feature's positional accuracy could add or take away.

    A feature may be off by its ``accuracy_m``; the model turns those
    metres into time at the speed of the first leg: walking (straight line ×
    circuity), or, in a regional model whose stations are reached by local
    transport (per-station ``access_mps``), the access speed of the
    station nearest the place it travels from (its zone's anchor), walking
    where no station is within reach. In a model with zones, an area that travels
    from its anchor (its main place) is as uncertain as the anchor: its
    ``anchor_accuracy_m`` counts instead.

    Parameters
    ----------
    model : TravelModel
    frame : GeoDataFrame

    Returns
    -------
    ndarray
        Minutes per feature (0 where the frame says nothing of its accuracy).
    """
    import pandas as pd

    metres = _accuracy_m(frame)
    if getattr(model, "zones", None) and "anchor_accuracy_m" in frame.columns:
        anchor = pd.to_numeric(frame["anchor_accuracy_m"], errors="coerce").to_numpy(dtype=float)
        metres = np.where(np.isfinite(anchor), anchor, metres)
    walking = metres * _walk_min_per_m(model)
    speed = getattr(model, "access_mps", None)
    if speed is None or not len(frame):
        return walking
    from scipy.spatial import cKDTree

    xy = model._anchored(xy_of(frame, model.crs))  # a park travels from its anchor: its nearest station counts
    placed = np.isfinite(xy).all(axis=1)
    gap, nearest = cKDTree(model.station_xy).query(xy[placed])
    reach = model._station_access()[1][nearest]
    local = metres[placed] * model.params.circuity / np.asarray(speed)[nearest] / 60.0
    out = walking.copy()
    out[placed] = np.where(gap <= reach, local, walking[placed])  # beyond every station's reach: on foot
    return out


LEGS_MAX_PAIRS = 10_000
"""The most origin-destination pairs :func:`trip_legs` describes (it weighs every boarding and alighting pair)."""


def trip_legs(model, origins: gpd.GeoDataFrame, destinations: gpd.GeoDataFrame) -> pd.DataFrame:
    """How each fastest trip of a walk + rail model is made: the stations boarded and left, and each leg's time.

    The legs are those of the trip :meth:`TransitModel.times` times: the
    station pair minimising access + station-to-station + egress, or
    walking all the way where that is faster. ``ride_min`` is
    station-to-station, waits for the first train and changes included: a
    regional model's figure to compare with timetables, while ``minutes``
    is door to door from each park's main place.

    Parameters
    ----------
    model : TransitModel
        A sketch or GTFS model (a street network has no stations to name).
    origins, destinations : GeoDataFrame
        At most :data:`LEGS_MAX_PAIRS` pairs.

    Returns
    -------
    pandas.DataFrame
        ``origin, destination, minutes, mode, board, access_min, ride_min,
        alight, egress_min``. ``mode`` is ``rail``; ``local`` when local
        transport goes all the way (a regional model, see
        :meth:`TransitModel.direct_seconds`; stations empty); ``walk`` when
        walking all the way is faster (stations empty); or ``none`` when the
        destination cannot be reached.
    """
    import pandas as pd

    from geosci.errors import ParameterError

    if not all(hasattr(model, a) for a in ("station_times", "_access", "stations")):
        raise ParameterError("legs", "{name} needs a model with stations (the sketch rail or a GTFS feed)")
    pairs = len(origins) * len(destinations)
    if pairs > LEGS_MAX_PAIRS:
        raise ParameterError("legs", f"{{name}} describes at most {LEGS_MAX_PAIRS:,} trips, not {pairs:,}: select "
                                     "fewer origins")  # fmt: skip
    o_xy, d_xy = xy_of(origins, model.crs), xy_of(destinations, model.crs)
    access, egress, between = model._access(o_xy), model._access(d_xy), model.station_times
    walk = model.walk_seconds(o_xy, d_xy)
    direct = model.direct_seconds(o_xy, d_xy) if hasattr(model, "direct_seconds") else walk
    n_o, n_d = len(o_xy), len(d_xy)
    board, alight = np.full((n_o, n_d), -1), np.full((n_o, n_d), -1)
    rail = np.full((n_o, n_d), np.inf)
    ends = [np.flatnonzero(np.isfinite(e)) for e in egress]  # the stations each destination is reached from
    for i in range(n_o):  # pair by pair over the stations within reach only: memory stations², not pairs × it
        starts = np.flatnonzero(np.isfinite(access[i]))
        if not len(starts):
            continue
        via = access[i, starts, None] + between[starts]  # (k, s): boarding at starts[k], leaving anywhere
        for j, leave in enumerate(ends):
            if not len(leave):
                continue
            total = via[:, leave] + egress[j, leave][None, :]
            a, b = np.unravel_index(int(np.argmin(total)), total.shape)
            rail[i, j], board[i, j], alight[i, j] = total[a, b], starts[a], leave[b]
    by_rail = rail < direct
    names = np.asarray(feature_names(model.stations), dtype=object)
    oi = np.repeat(np.arange(n_o)[:, None], n_d, axis=1)
    di = np.repeat(np.arange(n_d)[None, :], n_o, axis=0)
    k, l_ = np.where(by_rail, board, 0), np.where(by_rail, alight, 0)

    def minutes(seconds):
        return np.where(by_rail, np.round(seconds / 60.0, 2), np.nan).ravel()

    total_s = np.where(by_rail, rail, direct)
    no_rail = np.where(direct < walk, "local", np.where(np.isfinite(walk), "walk", "none"))
    return pd.DataFrame({
        "origin": np.repeat(feature_names(origins), n_d),
        "destination": np.tile(feature_names(destinations), n_o),
        "minutes": np.round(total_s / 60.0, 2).ravel(),
        "mode": np.where(by_rail, np.where(k == l_, "local", "rail"), no_rail).ravel(),
        "board": np.where(by_rail, names[k], "").ravel(), "access_min": minutes(access[oi, k]),
        "ride_min": minutes(between[k, l_]), "alight": np.where(by_rail, names[l_], "").ravel(),
        "egress_min": minutes(egress[di, l_]),
    })  # fmt: skip


LEGS_TITLES = ("出行分段（上车站、乘车、下车站）", "Trip legs (boarding station, ride, alighting station)")

MATRIX_TITLES = ("出行时间矩阵（分钟）", "Travel-time matrix (minutes)")
STREAMED_SUFFIXES = (".csv", ".parquet", ".gpkg")
"""Matrix files written block by block (any other suffix is built in memory)."""


PARTITION_ROWS = 250_000
"""Origins read at a time from a file larger than this (:func:`geosci.catalog.iter_layer`)."""


def write_matrix(model, origins, destinations, out, *, select=(), summary: dict | None = None,
                 overwrite: bool = False, chunk: int | None = None, jobs: int | None = 1,
                 scheduler=None, partition_rows: int = PARTITION_ROWS) -> tuple[list, int]:  # fmt: skip
    """Write the long travel-time matrix ``origin, destination, minutes`` to a file, block by block.

    Memory is bounded by one block of origins, not by the table: a matrix
    of any size streams straight to the file, and an origins file larger
    than ``partition_rows`` features (GeoJSON, GeoPackage, Shapefile) is
    read part by part, so it need not fit in memory either. ``.csv`` gives
    the same bytes as the in-memory table written by
    :func:`geosci.tables.write_tables` (UTF-8 with a byte-order mark, and
    ``OUT-notes.csv`` with the run summary); ``.parquet`` (needs pyarrow)
    one row group per block, with the summary as JSON in the file's
    ``geosci`` metadata; ``.gpkg`` a GeoPackage attribute table ``matrix``
    appended block by block, and the summary as a ``notes`` table
    (``section, key, value``) in the same file, as QGIS and GDAL open
    them. The files appear together, complete, or not at all.

    Parameters
    ----------
    model : TravelModel
    origins, destinations : str, path or GeoDataFrame
        Layers (catalog names, files or frames).
    out : path
        ``.csv``, ``.parquet`` or ``.gpkg``.
    select : tuple of str
        ``FIELD=VALUE`` filters of the origins.
    summary : dict, optional
        The run summary, written beside the table.
    overwrite : bool
    chunk, jobs, scheduler
        As for :func:`iter_times`.
    partition_rows : int
        Origins read from a file at a time.

    Returns
    -------
    (list of pathlib.Path, int)
        The files written and the number of rows.
    """
    from pathlib import Path

    from geosci.errors import ParameterError
    from geosci.io import OutputSet, atomic_path

    out = Path(out)
    kind = out.suffix.lower()
    if kind not in STREAMED_SUFFIXES:
        raise ParameterError("out", f"{{name}} {str(out)!r} should end in .csv, .parquet or .gpkg to be streamed")
    notes = out.with_name(f"{out.stem}-notes{out.suffix}")
    if kind == ".csv" and summary:
        from geosci.io import check_output

        check_output(notes, overwrite=overwrite, parameter="out")  # before any work, as write_tables does
    d_frame = _layer(destinations)
    parts = _origin_parts(origins, select, partition_rows)
    first = next(parts, None)
    if first is None or first.empty or d_frame.empty:
        raise DataError("origins and destinations need at least one feature each")
    tally = _Tally()
    rows = _matrix_rows(model, itertools.chain([first], parts), d_frame, tally, chunk=chunk, jobs=jobs,
                        scheduler=scheduler)  # fmt: skip
    with OutputSet() as outputs:
        with atomic_path(out, overwrite=overwrite, outputs=outputs) as tmp:
            if kind == ".csv":
                _stream_csv(tmp, rows)
            elif kind == ".gpkg":
                _stream_gpkg(tmp, rows, summary)
            else:
                _stream_parquet(tmp, rows, summary)
        if kind == ".csv" and summary:
            from geosci.io import write_bytes
            from geosci.tables import _csv_bytes

            write_bytes(_csv_bytes(_matrix_notes(summary)), notes, overwrite=overwrite, outputs=outputs)
    written = list(outputs.written)
    tally.warn()
    return written, tally.size


MATRIX_COLUMNS = ("origin", "destination", "minutes", "plus_minus_min", "approximate")


def _matrix_notes(summary: dict) -> pd.DataFrame:
    """Return the notes table (``section, key, value``) of a streamed matrix, as ``write_tables`` writes it."""
    import pandas as pd

    from geosci.tables import Table, notes_rows

    table = Table("matrix", pd.DataFrame(columns=list(MATRIX_COLUMNS)), *MATRIX_TITLES)
    return pd.DataFrame(notes_rows([table], summary), columns=["section", "key", "value"])


def _origin_parts(origins, select, partition_rows: int):
    """Yield the origins part by part (a frame or a curated layer whole; a large file in parts), filtered."""
    from geosci.catalog import iter_layer, select_features

    parts = [origins] if hasattr(origins, "geometry") else iter_layer(origins, rows=partition_rows)
    found = False
    for part in parts:
        part = select_features(part, tuple(select), what=str(origins), empty_ok=True) if select else part
        if not part.empty:
            found = True
            yield part
    if select and not found:
        select_features(part.iloc[:0], tuple(select), what=str(origins))  # raises: no feature matches


def _matrix_rows(model, parts, d_frame, tally: _Tally, *, chunk=None, jobs=1, scheduler=None):
    """Yield the columns of the long matrix block by block: every part of the origins against all destinations."""
    d_xy, d_names, d_min = xy_of(d_frame, model.crs), list(feature_names(d_frame)), position_minutes(model, d_frame)
    for part in parts:
        if part.empty:
            continue
        o_xy, o_min = xy_of(part, model.crs), position_minutes(model, part)
        o_names = np.asarray(feature_names(part), dtype=object)
        for start, block in iter_times(model, o_xy, d_xy, chunk=chunk, jobs=jobs, scheduler=scheduler):
            yield _block_rows(block, o_names[start : start + len(block)], d_names,
                              o_min[start : start + len(block)], d_min, tally)  # fmt: skip


class _Rows(NamedTuple):
    """One block of the long matrix: its origins' and all destinations' names, and its values row by row."""

    o_names: np.ndarray  # (b,) the block's origins
    d_names: list  # (d,) every destination
    minutes: np.ndarray  # (b * d,)
    plus_minus: np.ndarray
    approximate: np.ndarray

    def origins(self) -> np.ndarray:
        """Return the origin of every row."""
        return np.repeat(self.o_names, len(self.d_names))

    def destinations(self) -> list:
        """Return the destination of every row."""
        return self.d_names * len(self.o_names)


def _block_rows(block: np.ndarray, o_names: np.ndarray, d_names: list, o_min, d_min, tally: _Tally) -> _Rows:
    minutes = block / 60.0
    tally.add(minutes)
    m = np.round(minutes.ravel(), 2)
    pm = np.where(m == 0, 0.0, np.round((o_min[:, None] + d_min[None, :]).ravel(), 2))
    return _Rows(o_names, d_names, m, pm, (pm > 0) & (pm >= 0.1 * m))


def _stream_csv(path, rows) -> None:
    import csv

    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(MATRIX_COLUMNS)
        for r in rows:
            writer.writerows(zip(r.origins().tolist(), r.destinations(), r.minutes.tolist(), r.plus_minus.tolist(),
                                 r.approximate.tolist(), strict=True))  # fmt: skip


def _stream_parquet(path, rows, summary) -> None:
    import json

    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        from geosci.errors import ParameterError

        raise ParameterError("out", "{name}: .parquet needs pyarrow (pip install pyarrow); use .csv") from None
    meta = {b"geosci": json.dumps(summary or {}, ensure_ascii=False, default=str).encode("utf-8")}
    schema = pa.schema([("origin", pa.string()), ("destination", pa.string()), ("minutes", pa.float64()),
                        ("plus_minus_min", pa.float64()), ("approximate", pa.bool_())], metadata=meta)  # fmt: skip
    d_array = None
    with pq.ParquetWriter(str(path), schema) as writer:
        for r in rows:
            n_o, n_d = len(r.o_names), len(r.d_names)
            if d_array is None:
                d_array = pa.array([str(d) for d in r.d_names], pa.string())
            # names repeated by Arrow's take (C++), not as n_o * n_d Python strings
            origin = pa.array([str(o) for o in r.o_names], pa.string()).take(np.repeat(np.arange(n_o), n_d))
            destination = d_array.take(np.tile(np.arange(n_d), n_o))
            columns = [origin, destination, r.minutes, r.plus_minus, r.approximate]
            writer.write_table(pa.Table.from_arrays(columns, schema=schema))


def _stream_gpkg(path, rows, summary) -> None:
    import pandas as pd
    import pyogrio

    first = True
    for r in rows:
        frame = pd.DataFrame({"origin": r.origins().astype(str), "destination": r.destinations(),
                              "minutes": r.minutes, "plus_minus_min": r.plus_minus,
                              "approximate": r.approximate})  # fmt: skip
        pyogrio.write_dataframe(frame, str(path), layer="matrix", driver="GPKG", append=not first)
        first = False
    if summary:
        pyogrio.write_dataframe(_matrix_notes(summary).astype(str), str(path), layer="notes", driver="GPKG",
                                append=True)  # fmt: skip


def isochrone(model, origin: gpd.GeoDataFrame, minutes: float, *, jobs: int | None = 1,
              scheduler=None) -> gpd.GeoDataFrame:  # fmt: skip
    """Return the area reachable within ``minutes`` from each origin feature (one polygon each, WGS84).

    ``jobs`` threads (``None``: every core) or a Dask ``scheduler`` draw the
    polygons at once; the polygons are the same as one thread's.
    """
    import geopandas as gpd

    from geosci.parallel import ordered_map

    if minutes <= 0:
        raise DataError(f"minutes should be positive, got {minutes}")
    xy = xy_of(origin, model.crs)
    if scheduler is not None:
        from geosci.distributed import isochrone_polygons

        geoms = isochrone_polygons(model, xy, minutes * 60.0, scheduler=scheduler, jobs=jobs)
    else:
        geoms = list(ordered_map(lambda p: model.isochrone(p, minutes * 60.0), xy, jobs=jobs))
    out = gpd.GeoDataFrame({"origin": feature_names(origin), "minutes": minutes}, geometry=geoms, crs=model.crs)
    out["area_km2"] = np.round(out.area / 1e6, 3)
    return out.to_crs(4326)


def scores(
    times_min: np.ndarray,
    *,
    method: str,
    threshold: float | None = None,
    beta: float | None = None,
    supply: np.ndarray | None = None,
    demand: np.ndarray | None = None,
) -> np.ndarray:
    """Return the accessibility score of each origin (rows of ``times_min``).

    Parameters
    ----------
    times_min : ndarray
        ``(n_origins, n_destinations)`` travel times in minutes.
    method : {"cumulative", "gravity", "2sfca"}
    threshold : float
        Catchment in minutes (cumulative, 2SFCA).
    beta : float
        Decay per minute (gravity).
    supply : ndarray, optional
        Weight or capacity of each destination (default 1).
    demand : ndarray, optional
        Population of each origin (2SFCA; default 1).

    Examples
    --------
    >>> t = np.array([[5.0, 20.0], [15.0, 8.0]])
    >>> scores(t, method="cumulative", threshold=10).tolist()
    [1.0, 1.0]
    >>> s = scores(t, method="2sfca", threshold=16, supply=np.array([10.0, 4.0]), demand=np.array([100.0, 50.0]))
    >>> s.round(4).tolist()
    [0.0667, 0.1467]
    """
    t = np.asarray(times_min, dtype=float)
    s = np.ones(t.shape[1]) if supply is None else np.asarray(supply, dtype=float)
    if method == "cumulative":
        if threshold is None:
            raise DataError("the cumulative score needs --threshold minutes")
        return ((t <= threshold) * s[None, :]).sum(axis=1)
    if method == "gravity":
        if beta is None:
            raise DataError("the gravity score needs --beta (decay per minute)")
        return (np.exp(-beta * np.where(np.isfinite(t), t, np.inf)) * s[None, :]).sum(axis=1)
    if method == "2sfca":
        if threshold is None:
            raise DataError("the 2SFCA score needs --threshold minutes")
        p = np.ones(t.shape[0]) if demand is None else np.asarray(demand, dtype=float)
        within = t <= threshold
        load = (within * p[:, None]).sum(axis=0)
        ratio = np.where(load > 0, s / np.where(load > 0, load, 1), 0.0)
        return (within * ratio[None, :]).sum(axis=1)
    raise DataError(f"method should be cumulative, gravity or 2sfca, got {method!r}")


def _numeric_field(frame: gpd.GeoDataFrame, name: str | None, parameter: str) -> np.ndarray | None:
    import pandas as pd

    from geosci.errors import ParameterError

    if name is None:
        return None
    if name not in frame.columns:
        raise ParameterError(parameter, f"{{name}} {name!r} is not a field of the layer: use one of "
                                        f"{', '.join(map(str, frame.columns.drop(frame.geometry.name)))}")  # fmt: skip
    values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        example = frame[name].iloc[int(np.argmax(bad))]
        raise ParameterError(parameter, f"{{name}} {name!r} should hold non-negative numbers; "
                                        f"{int(bad.sum())} value(s) are not, e.g. {example!r}")  # fmt: skip
    return values


def score_table(
    model,
    origins: gpd.GeoDataFrame,
    destinations: gpd.GeoDataFrame,
    *,
    method: str,
    threshold: float | None = None,
    beta: float | None = None,
    supply_field: str | None = None,
    demand_field: str | None = None,
    chunk: int | None = None,
    jobs: int | None = 1,
    scheduler=None,
) -> pd.DataFrame:
    """Score every origin's access to the destinations (see :func:`scores`), as a table.

    The times are computed block by block of origins (:func:`iter_times`)
    and reduced as they come: memory is one block, not origins ×
    destinations (2SFCA keeps only the pairs within the catchment, sparse).

    Parameters
    ----------
    model : TravelModel
    origins, destinations : GeoDataFrame
    method : {"cumulative", "gravity", "2sfca"}
    threshold, beta : float, optional
        As for :func:`scores`.
    supply_field : str, optional
        Destination field with capacity or weight (default 1 each).
    demand_field : str, optional
        Origin field with population (2SFCA; default 1 each).
    chunk, jobs, scheduler
        As for :func:`iter_times`; the scores are the same for any number of jobs.

    Returns
    -------
    pandas.DataFrame
        ``origin``, ``score`` and ``nearest_min`` (minutes to the nearest destination).
    """
    import pandas as pd
    import scipy.sparse as sp

    if origins.empty or destinations.empty:
        raise DataError("origins and destinations need at least one feature each")
    supply = _numeric_field(destinations, supply_field, "supply_field")
    demand = _numeric_field(origins, demand_field, "demand_field")
    scores(np.zeros((0, len(destinations))), method=method, threshold=threshold, beta=beta)  # options first
    o_xy, d_xy = xy_of(origins, model.crs), xy_of(destinations, model.crs)
    score, nearest = np.zeros(len(o_xy)), np.full(len(o_xy), np.inf)
    p = np.ones(len(o_xy)) if demand is None else demand
    s = np.ones(len(d_xy)) if supply is None else supply
    load, within = np.zeros(len(d_xy)), []
    for start, block in iter_times(model, o_xy, d_xy, chunk=chunk, jobs=jobs, scheduler=scheduler):
        t = block / 60.0
        rows = slice(start, start + len(t))
        nearest[rows] = t.min(axis=1)
        if method == "2sfca":
            inside = t <= threshold
            load += (inside * p[rows, None]).sum(axis=0)
            within.append(sp.csr_matrix(inside))
        else:
            score[rows] = scores(t, method=method, threshold=threshold, beta=beta, supply=s)
    if method == "2sfca":
        ratio = np.where(load > 0, s / np.where(load > 0, load, 1), 0.0)
        score = np.asarray(sp.vstack(within) @ ratio).ravel()
    return pd.DataFrame({"origin": feature_names(origins), "score": np.round(score, 6),
                         "nearest_min": np.round(nearest, 2)})  # fmt: skip


TILE_CELLS = 1 << 16
"""Cells per tile of a surface (rows of the grid, whole rows at a time)."""
ORIGIN_BLOCK_BYTES = 32 * 2**20
"""Memory of one block of origins × tile cells, for models without a one-search nearest time."""


def _available_memory() -> int | None:
    """Bytes of memory available now (``MemAvailable``), or ``None`` where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except ImportError:
        return None


def surface_memory(width: int, height: int, *, jobs: int = 1, tile_cells: int = TILE_CELLS) -> int:
    """Return the bytes a surface of ``width × height`` cells needs: the float32 grid and the tiles in flight.

    Examples
    --------
    >>> surface_memory(1000, 1000) // 2**20
    11
    """
    tile = min(width * height, tile_cells)
    return int(4 * width * height + 2 * max(jobs, 1) * tile * 8 * 8)


def _grid(bounds: tuple, cell_m: float) -> tuple[int, int]:
    minx, miny, maxx, maxy = bounds
    return int(np.ceil((maxx - minx) / cell_m)), int(np.ceil((maxy - miny) / cell_m))


def _nearest_function(model, xy: np.ndarray, *, tile_cells: int, jobs: int | None = 1):
    """Return a function giving the seconds from the nearest of ``xy`` to points, reduced as it goes."""
    if hasattr(model, "nearest_times"):
        return model.nearest_times(xy, jobs=jobs)
    step = int(max(1, ORIGIN_BLOCK_BYTES // (8 * max(tile_cells, 1))))

    def at(points: np.ndarray) -> np.ndarray:
        best = np.full(len(points), np.inf)
        for i in range(0, len(xy), step):  # a block of origins at a time, never origins × all cells
            np.minimum(best, model.times(xy[i : i + step], points).min(axis=0), out=best)
        return best

    return at


def tile_rows(width: int, height: int, tile_cells: int = TILE_CELLS) -> list[tuple[int, int]]:
    """Split a grid's rows into tiles of about ``tile_cells`` cells: ``[(row0, row1), ...]``."""
    rows = max(1, tile_cells // max(width, 1))
    return [(r, min(r + rows, height)) for r in range(0, height, rows)]


def tile_minutes(nearest, bounds: tuple, cell_m: float, rows: tuple[int, int]) -> np.ndarray:
    """Minutes (float32, NaN where unreachable) of the grid rows ``rows[0]:rows[1]``."""
    minx, _, maxx, maxy = bounds
    width = int(np.ceil((maxx - minx) / cell_m))
    cx = minx + (np.arange(width) + 0.5) * cell_m
    cy = maxy - (np.arange(rows[0], rows[1]) + 0.5) * cell_m
    gx, gy = np.meshgrid(cx, cy)
    t = nearest(np.column_stack([gx.ravel(), gy.ravel()])) / 60.0
    return np.where(np.isfinite(t), t, np.nan).reshape(len(cy), width).astype("float32")


def surface(
    model,
    origins: gpd.GeoDataFrame,
    *,
    cell_m: float,
    bounds: tuple | None = None,
    max_cells: int | None = None,
    jobs: int | None = 1,
    tile_cells: int = TILE_CELLS,
    scheduler=None,
) -> tuple[np.ndarray, Any, str]:
    """Travel time (minutes) from the nearest origin to the centre of every cell of a metric grid.

    The grid is computed tile by tile (bands of rows of about
    ``tile_cells`` cells), each tile reduced to the nearest origin as it
    goes: memory is the float32 grid plus the tiles in flight, never
    origins × cells. There is no fixed cap on the number of cells: the
    memory needed is estimated first, and only a grid that cannot fit in
    the memory available is refused.

    Parameters
    ----------
    model
        Travel model.
    origins : GeoDataFrame
        One or more origins; each cell gets the time from the closest.
    cell_m : float
        Cell size in metres.
    bounds : tuple, optional
        ``(minx, miny, maxx, maxy)`` in the model's metric CRS; by default
        the origins' bounds grown by 5 km.
    max_cells : int, optional
        Refuse grids with more cells than this (default: no cap beyond memory).
    jobs : int, optional
        Threads computing tiles at once (``None``: every core); the grid is
        identical to one thread's.
    tile_cells : int
        Cells per tile.
    scheduler : str or dask.distributed.Client, optional
        Compute the tiles on a Dask cluster (see :mod:`geosci.distributed`).

    Returns
    -------
    (array, affine.Affine, str)
        Minutes (float32, NaN where unreachable), the grid's transform, and
        its CRS.

    Raises
    ------
    ParameterError
        (``cell_m``) when the grid would exceed ``max_cells`` or not fit in
        the memory available.
    """
    from affine import Affine

    from geosci.errors import ParameterError
    from geosci.parallel import ordered_map, resolve_jobs

    if cell_m <= 0:
        raise DataError(f"cell size should be positive, got {cell_m}")
    xy = xy_of(origins, model.crs)
    if bounds is None:
        bounds = (xy[:, 0].min() - 5000, xy[:, 1].min() - 5000, xy[:, 0].max() + 5000, xy[:, 1].max() + 5000)
    minx, miny, maxx, maxy = bounds
    width, height = _grid(bounds, cell_m)
    cells = width * height
    if max_cells is not None and cells > max_cells:
        raise ParameterError("cell_m", f"{{name}} {cell_m:g} m gives {cells:,} cells, more than the {max_cells:,} "
                                       "allowed: use a larger {name} or a smaller extent")  # fmt: skip
    n_jobs = resolve_jobs(jobs)
    need, free = surface_memory(width, height, jobs=n_jobs, tile_cells=tile_cells), _available_memory()
    if free is not None and need > free:
        raise ParameterError("cell_m", f"{{name}} {cell_m:g} m gives {width:,} x {height:,} = {cells:,} cells, "
                                       f"which need about {need / 2**30:.1f} GB but {free / 2**30:.1f} GB are "
                                       "available: use a larger {name} or a smaller extent")  # fmt: skip
    tiles = tile_rows(width, height, tile_cells)
    grid = np.empty((height, width), dtype="float32")
    if scheduler is not None:
        from geosci.distributed import surface_tiles

        parts = surface_tiles(model, xy, bounds, cell_m, tiles, tile_cells=tile_cells, scheduler=scheduler, jobs=jobs)
    else:
        nearest = _nearest_function(model, xy, tile_cells=tile_cells, jobs=1 if n_jobs > 1 else jobs)
        parts = ordered_map(lambda rows: tile_minutes(nearest, bounds, cell_m, rows), tiles, jobs=n_jobs)
    for (r0, r1), part in zip(tiles, parts, strict=True):
        grid[r0:r1] = part
    return grid, Affine(cell_m, 0.0, minx, 0.0, -cell_m, maxy), model.crs


def write_surface(grid: np.ndarray, transform, crs: str, path, *, overwrite: bool = False):
    """Write a surface as a single-band float32 GeoTIFF (NaN nodata), atomically."""
    import rasterio

    from geosci.io import atomic_path

    with atomic_path(path, overwrite=overwrite, suffix=".tif") as tmp:
        with rasterio.open(
            tmp,
            "w",
            driver="GTiff",
            width=grid.shape[1],
            height=grid.shape[0],
            count=1,
            dtype="float32",
            crs=crs,
            transform=transform,
            nodata=np.nan,
            compress="deflate",
        ) as dst:
            dst.write(grid, 1)
            dst.update_tags(units="minutes")
    return path


def zonal_stats(
    grid: np.ndarray, transform, crs: str, zones: gpd.GeoDataFrame, *, zone_field: str = "name_zh"
) -> pd.DataFrame:
    """Return mean, median, min and max minutes, and the reachable share of cells, in each zone.

    Each zone is rasterised only over the window of the grid its bounds
    cover (cell centres inside the zone count, as with a whole-grid mask),
    so a small zone on a large grid costs its own cells, not the grid's.
    """
    import pandas as pd
    from rasterio import windows
    from rasterio.features import geometry_mask

    height, width = grid.shape
    rows = []
    for name, geom in zip(zones[zone_field], zones.to_crs(crs).geometry, strict=True):
        vals = np.zeros(0, dtype=grid.dtype)
        if geom is not None and not geom.is_empty:
            win = windows.from_bounds(*geom.bounds, transform=transform)
            r0, c0 = max(int(np.floor(win.row_off)) - 1, 0), max(int(np.floor(win.col_off)) - 1, 0)
            r1 = min(int(np.ceil(win.row_off + win.height)) + 1, height)
            c1 = min(int(np.ceil(win.col_off + win.width)) + 1, width)
            if r1 > r0 and c1 > c0:
                part = windows.Window(c0, r0, c1 - c0, r1 - r0)
                inside = ~geometry_mask([geom], out_shape=(r1 - r0, c1 - c0),
                                        transform=windows.transform(part, transform))  # fmt: skip
                vals = grid[r0:r1, c0:c1][inside]
        ok = vals[np.isfinite(vals)]
        rows.append({
            "zone": name, "cells": int(len(vals)),
            "reachable_share": round(float(len(ok) / max(len(vals), 1)), 4),
            "mean_min": round(float(ok.mean()), 2) if len(ok) else None,
            "median_min": round(float(np.median(ok)), 2) if len(ok) else None,
            "min_min": round(float(ok.min()), 2) if len(ok) else None,
            "max_min": round(float(ok.max()), 2) if len(ok) else None,
        })  # fmt: skip
    return pd.DataFrame(rows)


def _layer(value, select=(), what: str = "the layer"):
    from geosci.catalog import read_layer, select_features

    frame = value if hasattr(value, "geometry") else read_layer(value)
    return select_features(frame, tuple(select), what=str(what)) if select else frame


def matrix_tables(model, origins, destinations, *, select=(), wide: bool = False, legs: bool = False,
                  jobs: int | None = 1, scheduler=None) -> list:  # fmt: skip
    """Travel-time matrix between two layers (names, files or frames) as a table, and optionally its trips' legs.

    ``wide`` gives one row per origin and one column per destination (for
    people); otherwise the long table ``origin, destination, minutes``.
    ``legs`` adds the table of :func:`trip_legs`.
    """
    from geosci.tables import Table

    o_frame, d_frame = _layer(origins, select, origins), _layer(destinations)
    extra = [Table("legs", trip_legs(model, o_frame, d_frame), *LEGS_TITLES)] if legs else []
    table = travel_time_matrix(model, o_frame, d_frame, jobs=jobs, scheduler=scheduler)
    if wide:
        cell = [f"{m:g}" + (f" ±{p:g}" if p > 0 else "") for m, p in zip(table["minutes"], table["plus_minus_min"],
                                                                         strict=True)]  # fmt: skip
        table = table.assign(cell=cell).pivot(index="origin", columns="destination", values="cell").reset_index()
        table.columns.name = None
    return [Table("matrix", table, *MATRIX_TITLES), *extra]


def score_tables(model, origins, destinations, *, method: str, threshold=None, beta=None, supply_field=None,
                 demand_field=None, summary: dict | None = None, jobs: int | None = 1,
                 scheduler=None) -> tuple[list, dict]:  # fmt: skip
    """Return the accessibility scores of every origin as a table, and the run summary with the score's settings."""
    from geosci.tables import Table

    frame = score_table(model, _layer(origins), _layer(destinations), method=method, threshold=threshold,
                        beta=beta, supply_field=supply_field, demand_field=demand_field, jobs=jobs,
                        scheduler=scheduler)  # fmt: skip
    summary = dict(summary or {})
    summary["score"] = {"method": method, "threshold_min": threshold, "beta": beta}
    return [Table("scores", frame, "可达性得分", "Accessibility scores")], summary


def isochrones(model, origin, minutes: list[float], *, select=(), jobs: int | None = 1,
               scheduler=None) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:  # fmt: skip
    """Isochrones of every selected origin for every budget in ``minutes`` (bands), and the origins."""
    import pandas as pd

    origins = _layer(origin, select, origin)
    frames = [isochrone(model, origins, m, jobs=jobs, scheduler=scheduler) for m in minutes]
    out = pd.concat(frames, ignore_index=True)
    out.attrs["scenario"] = model.describe().get("scenario")
    return out, origins


def write_isochrones(iso, origins, *, out, map_out=None, overwrite: bool = False) -> list:
    """Write isochrone polygons (and their map), all files or none."""
    from pathlib import Path

    from geosci.io import OutputSet, write_layer

    done = []
    with OutputSet() as outputs:
        write_layer(iso, out, overwrite=overwrite, outputs=outputs)
        done.append((Path(out), f"{len(iso)} isochrones"))
        if map_out:
            from geosci.mapfiles import write_result_map
            from geosci.recipes import isochrone_recipe

            recipe, frames = isochrone_recipe(iso, origins, float(iso["minutes"].max()))
            write_result_map(recipe, frames, map_out, overwrite=overwrite, outputs=outputs)
            done.append((Path(map_out), "map"))
    return done


def _extent_bounds(extent, crs: str) -> tuple:
    from geosci.catalog import read_layer
    from geosci.errors import ParameterError

    parts = str(extent).split(",")
    if len(parts) == 4:
        try:
            x0, y0, x1, y1 = (float(p) for p in parts)
        except ValueError:
            raise ParameterError("extent", "{name} should be a layer or minx,miny,maxx,maxy in degrees, "
                                           f"got {extent!r}") from None  # fmt: skip
        if not (np.isfinite([x0, y0, x1, y1]).all() and x1 > x0 and y1 > y0):
            raise ParameterError("extent", f"{{name}} {extent!r} should have minx < maxx and miny < maxy")
        import geopandas as gpd
        import shapely

        box = gpd.GeoSeries([shapely.box(x0, y0, x1, y1)], crs=4326).to_crs(crs)
        return tuple(box.total_bounds)
    frame = read_layer(extent).to_crs(crs)
    x0, y0, x1, y1 = frame.total_bounds
    if not (x1 > x0 and y1 > y0):
        raise ParameterError("extent", f"{{name}} {extent!r} covers no area (a single point?): give a larger extent")
    return (x0, y0, x1, y1)


def surface_run(model, origin, *, select=(), cell_m: float, extent="districts", out, zones=None,
                zone_field: str = "name_zh", overwrite: bool = False, jobs: int | None = 1,
                scheduler=None) -> tuple[str, list]:  # fmt: skip
    """Compute a travel-time surface, write it as a GeoTIFF, and return its description and zonal tables."""
    from geosci.catalog import read_layer
    from geosci.tables import Table

    bounds = _extent_bounds(extent, model.crs)
    grid, transform, crs = surface(model, _layer(origin, select, origin), cell_m=cell_m, bounds=bounds, jobs=jobs,
                                   scheduler=scheduler)  # fmt: skip
    write_surface(grid, transform, crs, out, overwrite=overwrite)
    info = f"{grid.shape[1]}x{grid.shape[0]} cells of {cell_m:g} m, {crs}"
    if not zones:
        return info, []
    stats = zonal_stats(grid, transform, crs, read_layer(zones), zone_field=zone_field)
    return info, [Table("zones", stats, "分区统计（分钟）", "Zonal statistics (minutes)")]
