"""The regional scale (issue 17): starting areas and corridor on real units, the regional rail links, the region map."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner
from shapely.geometry import LineString, Point

from geosci import catalog as cat
from geosci.access import travel_time_matrix
from geosci.catalog import read_layer
from geosci.commands.main import main
from geosci.crs import equal_area_crs
from geosci.models import make_model
from geosci.params import AccessParams
from geosci.sketch import build_sketch

PARKS = {"sa-chengdu", "sa-liangjiang", "sa-chongqing", "sa-mianyang"}


@pytest.fixture(scope="module")
def areas():
    return read_layer("region_starting_areas").set_index("id")


def _minutes(scenario: str, layer: str = "region_starting_areas"):
    model = make_model(scenario=scenario, stations="region_rail_stations", lines="region_rail_lines")
    frame = read_layer(layer)
    table = travel_time_matrix(model, frame, frame)
    ids = dict(zip(frame["name_zh"], frame["id"], strict=True))
    return {(ids[o], ids[d]): m for o, d, m in table[["origin", "destination", "minutes"]].itertuples(index=False)}


def test_the_four_parks_are_polygons_with_equal_area_km2(areas):
    assert set(areas.index) == PARKS
    assert set(areas.geom_type) == {"MultiPolygon"}
    entry = cat.get_entry("region_starting_areas")
    assert "not an official boundary" in entry["geometry_method"].lower()
    assert "equal-area" in entry["geometry_method"]
    for pid, row in areas.iterrows():
        geom = gpd.GeoSeries([row.geometry], crs=4326)
        km2 = float(geom.to_crs(equal_area_crs(geom.total_bounds)).area.iloc[0]) / 1e6
        assert row["area_km2"] == pytest.approx(km2, rel=2e-3), pid
        assert row["units_zh"] and row["units_basis"].startswith("HOST UNITS"), pid
        assert row.geometry.covers(Point(row["anchor_lon"], row["anchor_lat"])), pid


def test_the_chongqing_park_is_the_five_districts_of_the_one_core_five_districts(areas):
    districts = read_layer("districts")
    assert set(areas.loc["sa-chongqing", "units"].split(";")) == set(districts["adcode"])
    union = shapely.union_all(districts.geometry.values)
    cq = areas.loc["sa-chongqing"].geometry
    # the same units: equal up to the 300 m simplification
    assert shapely.area(shapely.symmetric_difference(cq, union)) / shapely.area(union) < 0.01
    assert areas.loc["sa-chongqing", "area_km2"] == pytest.approx(districts["area_km2"].sum(), rel=0.01)


def test_host_units_per_park(areas):
    units = {pid: set(row["units_zh"].split("、")) for pid, row in areas.iterrows()}
    assert units["sa-chengdu"] == {"武侯区", "双流区", "郫都区", "简阳市"}
    assert units["sa-liangjiang"] == {"北碚区", "渝北区"}
    assert units["sa-mianyang"] == {"涪城区", "游仙区"}
    assert areas.loc["sa-chengdu", "province"] == "四川"


def test_the_corridor_units_and_its_centre_line_through_their_seats():
    units = read_layer("region_corridor_units").sort_values("order")
    assert list(units["name_zh"]) == ["简阳市", "乐至县", "安岳县", "大足区", "铜梁区", "璧山区"]
    assert units["area_km2"].between(500, 3000).all()
    seats = [Point(x, y) for x, y in zip(units["seat_lon"], units["seat_lat"], strict=True)]
    assert all(g.covers(p) for g, p in zip(units.geometry, seats, strict=True))
    line = read_layer("region_corridor").geometry.iloc[0]
    inner = [Point(c) for c in line.coords[1:-1]]
    assert [(p.x, p.y) for p in inner] == [(p.x, p.y) for p in seats]
    assert "knowledge" in cat.get_entry("region_corridor")["geometry_method"]


def test_regional_rail_layers_carry_statuses_speeds_and_their_basis():
    lines = read_layer("region_rail_lines")
    stations = read_layer("region_rail_stations")
    assert set(lines["status"]) == {"existing", "under_construction"}
    assert lines.loc[lines["status"] == "under_construction", "line"].tolist() == ["成渝中线高铁"]
    assert lines["speed_kmh"].between(20, 350).all() and lines["headway_s"].gt(0).all()
    assert lines["speed_basis"].str.contains("ASSUMED").all()
    assert set(lines["geometry_basis"]) == {"schematic"}
    ids = set(stations["id"])
    assert all(set(s.split(";")) <= ids for s in lines["station_ids"])
    assert "schematic" in cat.get_entry("region_rail_lines")["geometry_method"].lower()


def test_park_to_park_times_are_finite_and_plausible():
    today = _minutes("existing")
    future = _minutes("+under_construction")
    for t in (today, future):
        assert np.isfinite(list(t.values())).all()
        for (o, d), m in t.items():
            assert m == pytest.approx(t[(d, o)], abs=0.01)
            assert (m == 0) == (o == d)
    # Chengdu-Chongqing by high-speed rail: one to two and a half hours door to door (main place to main place,
    # with about 50 min across Chengdu from 天府新区 to 成都东 by local transport), never by walking
    assert 60 <= today[("sa-chengdu", "sa-chongqing")] <= 180
    assert 60 <= future[("sa-chengdu", "sa-chongqing")] <= 150
    assert 90 <= today[("sa-mianyang", "sa-chongqing")] <= 240
    # the mid-line railway shortens what it serves and lengthens nothing
    assert all(future[k] <= today[k] + 1e-9 for k in today)
    assert future[("sa-chongqing", "sa-liangjiang")] < today[("sa-chongqing", "sa-liangjiang")]
    # a park polygon travels from its main place: the same times as the representative points
    points = _minutes("existing", "region_starting_points")
    assert points[("sa-chengdu", "sa-chongqing")] == pytest.approx(today[("sa-chengdu", "sa-chongqing")])


def test_the_high_speed_ride_itself_takes_one_to_two_hours():
    model = make_model(stations="region_rail_stations", lines="region_rail_lines")
    names = list(model.stations["name_zh"])
    ride = model.station_times[names.index("成都东站"), names.index("重庆沙坪坝站")] / 60
    assert 60 <= ride <= 120


def test_per_line_speed_and_headway_are_honoured_and_default_elsewhere():
    crs = "EPSG:4544"
    st = gpd.GeoDataFrame({"id": ["a", "b"], "lines": ["x;y", "x;y"]},
                          geometry=[Point(500_000, 3_270_000), Point(510_000, 3_270_000)], crs=crs)  # fmt: skip
    geom = LineString([(500_000, 3_270_000), (510_000, 3_270_000)])
    p = AccessParams(rail_speed_kmh=36, dwell_s=0, headway_s=600)
    plain = gpd.GeoDataFrame({"line": ["x"], "status": ["existing"], "station_ids": ["a;b"]}, geometry=[geom],
                             crs=crs)  # fmt: skip
    fast = plain.assign(speed_kmh=[72.0], headway_s=[120.0])
    t_plain = build_sketch(st, plain, params=p).station_times[0, 1]
    t_fast = build_sketch(st, fast, params=p).station_times[0, 1]
    assert t_plain == pytest.approx(300 + 1000)  # half of 600 s, then 10 km at 10 m/s
    assert t_fast == pytest.approx(60 + 500)  # half of 120 s, then 10 km at 20 m/s
    both = gpd.GeoDataFrame(
        {"line": ["x", "y"], "status": ["existing"] * 2, "station_ids": ["a;b"] * 2, "speed_kmh": [72.0, None]},
        geometry=[geom, geom], crs=crs,
    )  # fmt: skip
    assert build_sketch(st, both, params=p).station_times[0, 1] == pytest.approx(300 + 500)


def test_join_classifies_a_resource_layer_by_park():
    res = CliRunner().invoke(main, ["join", "universities", "--to", "region_starting_areas", "--counts",
                                    "--format", "csv"])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "西部（重庆）科学城" in res.output


def test_matrix_command_as_documented():
    res = CliRunner().invoke(main, ["access", "matrix", "--from", "region_starting_areas", "--to",
                                    "region_starting_areas", "--stations", "region_rail_stations", "--lines",
                                    "region_rail_lines", "--scenario", "+under_construction", "--format", "csv"])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "中国（绵阳）科技城" in res.output


def test_region_page_shows_the_parks_corridor_and_links():
    from geosci.mapping import build_map
    from geosci.offline import map_to_html
    from geosci.recipes import load_recipe

    html = map_to_html(build_map(load_recipe("region"), lang="zh"))
    for text in ("西部（成都）科学城", "成渝中线高速铁路", "简阳市", "先行启动区所在区县", "绵阳市"):
        assert text in html or json.dumps(text)[1:-1] in html, text  # as text, or escaped in the GeoJSON


def test_regional_layers_get_the_regional_network_by_default():
    """The issue's own command, without --stations/--lines: regional rail, not walking (94 h before)."""
    res = CliRunner().invoke(main, ["access", "matrix", "--from", "region_starting_areas", "--to",
                                    "region_starting_areas", "--format", "json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert "region_rail_stations" in " ".join(out["summary"]["sources"])
    rows = out["matrix"]
    assert max(r["minutes"] for r in rows) < 240
    # a city question keeps the city network
    res = CliRunner().invoke(main, ["access", "matrix", "--from", "incubator_clusters", "--to", "centres",
                                    "--format", "json"])  # fmt: skip
    assert "region_rail" not in " ".join(json.loads(res.stdout)["summary"]["sources"])


def test_park_times_are_as_uncertain_as_the_parks_main_places(areas):
    """± counts each park's anchor accuracy at the local-transport speed of its nearest station."""
    model = make_model(stations="region_rail_stations", lines="region_rail_lines")
    frame = read_layer("region_starting_areas")
    table = travel_time_matrix(model, frame, frame).set_index(["origin", "destination"])
    names = areas["name_zh"]
    stations = read_layer("region_rail_stations").set_index("id")
    speed = float(stations["access_speed_kmh"].iloc[0]) / 3.6
    assert (stations["access_speed_kmh"] == stations["access_speed_kmh"].iloc[0]).all()
    expect = (areas.loc["sa-chengdu", "anchor_accuracy_m"] + areas.loc["sa-chongqing", "anchor_accuracy_m"]) * (
        model.params.circuity / speed / 60
    )
    row = table.loc[(names["sa-chengdu"], names["sa-chongqing"])]
    assert row["plus_minus_min"] == pytest.approx(expect, abs=0.01)
    assert row["approximate"]
    itself = table.loc[(names["sa-chengdu"], names["sa-chengdu"])]
    assert itself["plus_minus_min"] == 0 and not itself["approximate"]  # a place to itself: exactly 0


@pytest.mark.parametrize("scenario", ["existing", "+under_construction"])
def test_trip_legs_name_the_stations_and_the_ride_takes_one_to_two_hours(scenario):
    from geosci.access import trip_legs

    model = make_model(scenario=scenario, stations="region_rail_stations", lines="region_rail_lines")
    frame = read_layer("region_starting_areas")
    legs = trip_legs(model, frame, frame).set_index(["origin", "destination"])
    times = travel_time_matrix(model, frame, frame).set_index(["origin", "destination"])
    assert np.allclose(legs["minutes"], times.loc[legs.index, "minutes"], atol=0.011)  # the same trips
    rail = legs[legs["mode"] == "rail"]
    parts = rail["access_min"] + rail["ride_min"] + rail["egress_min"]
    assert np.allclose(parts, rail["minutes"], atol=0.03)
    cd_cq = legs.loc[("西部（成都）科学城", "西部（重庆）科学城")]
    assert cd_cq["mode"] == "rail"
    assert 60 <= cd_cq["ride_min"] <= 120  # station to station by high-speed rail, waits included
    assert cd_cq["board"] in {"成都东站", "成都站"}
    if scenario == "+under_construction":
        assert cd_cq["alight"] == "重庆科学城站（在建）"  # the mid-line station in the science city


def test_matrix_legs_from_the_command_line():
    res = CliRunner().invoke(main, ["access", "matrix", "--from", "region_starting_areas", "--to",
                                    "region_starting_areas", "--legs", "--format", "csv"])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "成都东站" in res.stdout and "ride_min" in res.stdout
    res = CliRunner().invoke(main, ["access", "matrix", "--from", "region_starting_areas", "--to",
                                    "region_starting_areas", "--legs", "--out", "m.csv"])  # fmt: skip
    assert res.exit_code == 2 and "--legs" in res.output


def test_readme_park_to_park_figures_are_the_computed_ones():
    from pathlib import Path

    readme = Path(__file__).resolve().parents[1].joinpath("README.md").read_text(encoding="utf-8")
    frame = read_layer("region_starting_areas").set_index("id")
    for scenario in ("existing", "+under_construction"):
        model = make_model(scenario=scenario, for_layers=["region_starting_areas"])
        table = travel_time_matrix(model, frame.reset_index(), frame.reset_index()).set_index(["origin", "destination"])
        for a, b in (("sa-chengdu", "sa-chongqing"), ("sa-chongqing", "sa-liangjiang"), ("sa-mianyang", "sa-chengdu")):
            row = table.loc[(frame.loc[a, "name_zh"], frame.loc[b, "name_zh"])]
            assert f"{row['minutes']:.1f} ±{row['plus_minus_min']:.1f}" in readme, (scenario, a, b)


def test_region_page_sets_the_2025_targets_beside_the_map(tmp_path):
    """`geosci map region --out region.pdf` writes the printed page (not HTML under a .pdf name)."""
    import re
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = tmp_path / "region.pdf"
    res = CliRunner().invoke(main, ["map", "region", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_bytes()[:5] == b"%PDF-"
    assert not (tmp_path / "region.html").exists()
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout)
    targets = cat.read_table("national_targets_2025")
    assert cat.get_table_entry("national_targets_2025")["title_zh"] in text
    for indicator, target in zip(targets["indicator_zh"], targets["target_zh"], strict=True):
        assert indicator in text and target in text
    assert "位置示意" not in text  # no locator: the region's frame covers most of what one could show
    from geosci.printing import _inset

    _, regional, _ = _inset(tuple(read_layer("region_starting_areas").total_bounds), 70.0)
    assert regional  # a locator of a regional frame shows Sichuan as well as Chongqing


def test_map_out_names_its_kind_by_suffix(tmp_path):
    for argv, fragment in (
        (["--out", str(tmp_path / "r.txt")], "should end in .html"),
        (["--out", str(tmp_path / "r.pdf"), "--pdf", str(tmp_path / "s.pdf")], "give one"),
    ):
        res = CliRunner().invoke(main, ["map", "region", *argv])
        assert res.exit_code == 2 and fragment in res.output, res.output
    assert not list(tmp_path.iterdir())


def test_a_curated_half_brings_its_own_other_half_and_zones_do_not_choose_the_network(tmp_path):
    from geosci.models import _network_pair

    assert _network_pair("rail_stations", None, ["region_starting_areas"]) == ("rail_stations", "rail_lines")
    assert _network_pair(None, "region_rail_lines", ["centres"]) == ("region_rail_stations", "region_rail_lines")
    assert _network_pair(None, None, ["region_starting_areas"]) == ("region_rail_stations", "region_rail_lines")
    res = CliRunner().invoke(main, ["access", "matrix", "--from", "region_starting_areas", "--to",
                                    "region_starting_areas", "--stations", "rail_stations", "--format", "json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    # a layer given only to summarise a surface by zone does not change the travel model
    res = CliRunner().invoke(main, ["access", "surface", "--from", "landmarks", "--select", "id=lm-hall", "--cell",
                                    "3000", "--zones", "region_starting_areas", "--out", str(tmp_path / "s.tif"),
                                    "--format", "json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["summary"]["stations"] == len(make_model().stations)  # the city network


def test_uncertainty_beyond_every_stations_reach_is_on_foot():
    """Stations with an access speed but no access_max_m: the model's own reach (max_access_m) counts."""
    from geosci.access import _walk_min_per_m, position_minutes

    stations = read_layer("region_rail_stations").drop(columns=["access_max_m"])
    model = build_sketch(stations, read_layer("region_rail_lines"))
    far = gpd.GeoDataFrame({"accuracy_m": [1000.0]}, geometry=[Point(103.0, 29.0)], crs=4326)  # far from all
    assert position_minutes(model, far)[0] == pytest.approx(1000.0 * _walk_min_per_m(model))
