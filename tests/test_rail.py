"""The rail network in service, built from AMap subway data, against that reference and as a travel model."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geosci.catalog import get_entry, read_layer
from geosci.crs import gcj02_to_wgs84, metric_crs
from geosci.sketch import build_sketch

REPO = Path(__file__).resolve().parents[1]
FIVE = {"500109": 13, "500106": 23, "500107": 27, "500116": 4, "500120": 4}  # stations per district (the data)


@pytest.fixture(scope="module")
def stations() -> gpd.GeoDataFrame:
    return read_layer("rail_stations")


@pytest.fixture(scope="module")
def lines() -> gpd.GeoDataFrame:
    return read_layer("rail_lines")


@pytest.fixture(scope="module")
def metro(shared_dir) -> dict:
    spec = json.loads((REPO / "layers" / "sources" / "rail_lines.json").read_text(encoding="utf-8"))["metro"]
    path = shared_dir / "data" / "chongqing" / Path(spec["file"]).name
    if not path.exists():
        pytest.skip(f"{path} is absent: the reference network lives in ../shared")
    return json.loads(path.read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- the committed layers
def test_one_feature_per_station_in_service(stations):
    real = stations[~stations["schematic"]]
    assert len(real) == 271 and real["id"].is_unique and real["name_zh"].is_unique
    assert (real["status"] == "existing").all()
    assert (real["accuracy_m"] == 60).all()
    assert real["name_en"].str.match(r"^[A-Z]").all()  # readable, not "chao tian men"
    # multi-line stations carry every line, with aligned statuses and colours
    shapingba = real.set_index("name_zh").loc["沙坪坝"]
    assert shapingba["lines"] == "1;9;环线" and shapingba["colors"].count("#") == 3
    for st in stations.itertuples():
        n = len(st.lines.split(";"))
        assert len(st.line_statuses.split(";")) == n and len(st.colors.split(";")) == n, st.id


def test_stations_inside_the_five_districts(stations):
    real = stations[~stations["schematic"]]
    counts = real["adcode"].value_counts()
    assert {code: int(counts.get(code, 0)) for code in FIVE} == FIVE
    assert sum(FIVE.values()) == 71
    # and the adcode agrees with the district polygons of the curated layer
    districts = read_layer("districts").set_index("adcode")
    inside = real[real["adcode"].isin(list(FIVE))]
    for st in inside.itertuples():
        assert districts.loc[st.adcode].geometry.covers(st.geometry), st.name_zh


def test_the_loop_is_closed_and_colours_are_hex(lines):
    loop = lines.set_index("id").loc["line-loop"]
    assert loop["loop"] and loop.geometry.is_ring
    assert len(loop["station_ids"].split(";")) == 33
    real = lines[lines["status"] == "existing"]
    assert real["color"].str.fullmatch(r"#[0-9A-F]{6}").all()
    assert lines.loc[lines["status"] != "existing", "color"].isna().all()  # no published colour for unbuilt lines
    assert sorted(real["line"].unique()) == sorted(
        ["1", "2", "3", "4", "5", "6", "9", "10", "18", "国博线", "环线", "江跳线", "璧铜线"]
    )
    assert (real.groupby("line").size().loc[["3", "6"]] == 2).all()  # 3号线's branch, 6号线东站段


def test_lines_not_in_service_share_the_real_stations(stations, lines):
    by_id = stations.set_index("id")
    planned = lines[lines["status"] != "existing"].set_index("line")
    assert sorted(planned.index) == ["15", "17", "19", "27", "7"]
    assert "5" not in planned.index  # 5号线 is realised by lines in service
    for line, ids in planned["station_ids"].items():
        for sid in ids.split(";"):
            st = by_id.loc[sid]
            assert st["schematic"] == sid.startswith("st-x-"), (line, sid)
    assert "27" in by_id.loc["st-chenjiaping", "lines"].split(";")
    assert "st-bishan" in planned.loc["27", "station_ids"] and "st-chongqingxizhan" in planned.loc["27", "station_ids"]


def test_catalog_attributes_the_source_and_says_straight_segments():
    for name in ("rail_lines", "rail_stations"):
        entry = get_entry(name)
        assert "Evenss/metro-typing" in entry["attribution"] and "ab197c9" in entry["attribution"]
        assert "AMap" in entry["licence"] and "MIT" in entry["licence"]
    assert "STRAIGHT SEGMENTS" in get_entry("rail_lines")["geometry_method"]
    assert "0-14 m" in get_entry("rail_stations")["geometry_method"]


def test_sketch_over_the_whole_network_gives_plausible_times(stations, lines):
    for scenario in ("existing", "+under_construction", "+planned"):
        m = build_sketch(stations, lines, scenario=scenario)
        assert np.isfinite(m.station_times).all(), scenario  # one connected network
    m = build_sketch(stations, lines)
    names = list(m.stations["name_zh"])

    def minutes(a: str, b: str) -> float:
        return float(m.station_times[names.index(a), names.index(b)]) / 60

    # 大学城 → 较场口 is 22 stops on 1号线, about an hour by the timetable
    assert 50 < minutes("大学城", "较场口") < 85
    assert minutes("大学城", "较场口") == pytest.approx(minutes("较场口", "大学城"), abs=1e-6)
    # the loop is closed: 凤鸣山 (last in the data) → 重庆图书馆 (first) is one stop, not 32
    assert minutes("凤鸣山", "重庆图书馆") < 6
    # the 3号线 branch runs without a change of train at 碧津
    wait = m.params.headway_s / 2 / 60
    through = minutes("鱼洞", "碧津") + minutes("碧津", "举人坝") - wait
    assert minutes("鱼洞", "举人坝") == pytest.approx(through, abs=1e-6)
    assert 30 < minutes("璧山", "沙坪坝") < 75


def test_sketch_uses_the_explicit_order_not_the_geometry(stations, lines):
    # scramble the line geometries: the order comes from station_ids, so times do not change
    m1 = build_sketch(stations, lines)
    scrambled = lines.copy()
    scrambled["geometry"] = [shapely.LineString(np.asarray(g.coords)[::-1]) for g in lines.geometry]
    m2 = build_sketch(stations, scrambled)
    assert np.array_equal(m1.station_times, m2.station_times)


# ----------------------------------------------------------------------------- against the reference file
def test_every_station_in_service_is_at_its_converted_reference_position(stations, metro):
    ref = metro["stations"]
    real = stations[~stations["schematic"]].set_index("amap_id")
    assert sorted(real.index) == sorted(ref)
    lon, lat = gcj02_to_wgs84([ref[k]["lon"] for k in real.index], [ref[k]["lat"] for k in real.index])
    crs = metric_crs(106.5, 29.6)
    a = gpd.GeoSeries(real.geometry.values, crs=4326).to_crs(crs)
    b = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326).to_crs(crs)
    assert a.distance(b).max() < 5.0
    assert list(real["name_zh"]) == [ref[k]["nameZh"] for k in real.index]


def test_line_colours_and_orders_are_the_data(lines, stations, metro):
    ids = stations.set_index("amap_id")["id"]
    real = lines[lines["status"] == "existing"]
    records = {r["lineName"]: r for r in metro["lines"]}
    assert sorted(real["line_name_zh"].unique()) == sorted(records)
    for name, rec in records.items():
        mine = real[real["line_name_zh"] == name]
        assert (mine["color"] == rec["color"].upper()).all(), name
        for feat, path in zip(mine.itertuples(), rec["mapPaths"], strict=True):
            expected = [ids[k] for k in path["stationIds"]]
            if path.get("closed"):
                assert feat.loop and expected[0] == expected[-1]
                expected = expected[:-1]
            assert feat.station_ids.split(";") == expected, name


def test_all_71_stations_inside_the_five_districts_are_carried(stations, metro):
    districts = read_layer("districts")
    ref = metro["stations"]
    lon, lat = gcj02_to_wgs84([s["lon"] for s in ref.values()], [s["lat"] for s in ref.values()])
    pts = gpd.GeoDataFrame({"amap_id": list(ref)}, geometry=gpd.points_from_xy(lon, lat), crs=4326)
    inside = gpd.sjoin(pts, districts[["adcode", "geometry"]], predicate="within")
    assert inside["adcode"].value_counts().to_dict() == FIVE  # the data: 71, not 70
    assert set(inside["amap_id"]) <= set(stations["amap_id"])
