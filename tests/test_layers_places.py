"""The place errors of issue 9 stay fixed, the seed items are carried, and the context layer stays small."""

from __future__ import annotations

import geopandas as gpd
import pytest

from geosci import catalog as cat
from geosci.catalog import read_layer


def _by_id(name: str) -> gpd.GeoDataFrame:
    return read_layer(name).set_index("id")


def test_dingjia_lies_in_bishan():
    bishan = read_layer("districts").set_index("adcode").loc["500120"].geometry
    assert bishan.contains(_by_id("rail_stations").loc["st-x-dingjia"].geometry)  # the 27号线 schematic stop at 丁家


def test_the_core_holds_the_facility_zone_and_the_weidianyuan_station():
    core = read_layer("core_area").geometry.iloc[0]
    assert core.contains(_by_id("rail_stations").loc["st-weidianyuan"].geometry)
    assert read_layer("research_centres").within(core).all()  # 中科院重庆科学中心 at the facility zone in 曾家
    assert read_layer("facilities").within(core).all()
    assert read_layer("industrial_parks").within(core).all()  # 西永微电园 and 西永综保区 lie inside 直管园


def test_science_hall_is_open_and_says_where_that_comes_from():
    hall = _by_id("landmarks").loc["lm-hall"]
    assert hall["status"] == "existing"
    assert "2024-10-26" in hall["status_source"] and "after the seeds" in hall["status_source"]


def test_seed_items_are_carried_with_their_sections():
    platforms = _by_id("innovation_platforms")
    assert platforms.loc["lab-jinfeng", "source"] == "002 §3"
    assert platforms.loc["svc-ip", "source"].startswith("002 §5")
    assert {f"004 专栏7 §{i}" for i in (1, 2, 3, 4)} <= set(platforms["source"])
    assert (platforms["accuracy_m"] >= 3000).all()  # none is a site
    assert set(_by_id("industrial_parks")["name_zh"]) == {"西永微电园", "西永综合保税区"}


def test_science_city_targets_are_the_seed_text(seeds_dir):
    text = (seeds_dir / cat.catalog()["sources"]["002"]["file"]).read_text(encoding="utf-8")
    table = cat.read_table("science_city_targets_2025")
    assert len(table) == 4
    for row in table.itertuples():
        assert row.indicator_zh in text, row
        assert row.target_zh in text, row


def test_chongqing_districts_are_all_units_and_small():
    frame = read_layer("chongqing_districts")
    assert len(frame) == 38 and frame["adcode"].is_unique
    assert frame["in_science_city"].sum() == 5
    assert cat.get_path("chongqing_districts").stat().st_size < 500_000
    # simplified, yet each unit keeps its area within 2 % of the full boundary where we have it
    full = read_layer("districts").set_index("adcode")
    small = frame.set_index("adcode").loc[full.index]
    crs = "EPSG:4544"
    ratio = small.to_crs(crs).area / full.to_crs(crs).area
    assert ratio.between(0.98, 1.02).all(), ratio


@pytest.mark.parametrize("name", ["rail_stations", "rail_lines", "chongqing_districts"])
def test_new_layers_keep_the_common_fields(name):
    frame = read_layer(name)
    for field in ("id", "name_zh", "name_en", "kind", "status", "source", "accuracy_m", "geometry_basis"):
        assert frame[field].notna().all(), (name, field)
