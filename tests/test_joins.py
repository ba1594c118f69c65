"""Joins of features to districts, centres and axis segments."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from geosci.catalog import read_layer
from geosci.commands import main
from geosci.joins import join, zone_counts


def test_within_districts_matches_a_point_in_polygon_check():
    inc, districts = read_layer("district_incubators"), read_layer("districts")
    j = join(inc, districts)
    for row, geom in zip(j.itertuples(), inc.geometry, strict=True):
        inside = districts[districts.contains(geom)]["name_zh"].tolist()
        assert [row.zone] == inside and row.distance_m == 0.0
    # the clusters 002 §6 gives each district lie in that district (the core's ones in 沙坪坝/九龙坡)
    for row in j.itertuples():
        if row.district != "核心区":
            assert row.zone.startswith(row.district)
    counts = zone_counts(j).set_index("zone")["count"]
    assert counts.sum() == len(inc) and counts["北碚区"] == 4


def test_nearest_gives_metric_distances():
    zones = gpd.GeoDataFrame({"name_zh": ["a", "b"]}, geometry=[shapely.Point(106.30, 29.60), shapely.Point(106.40, 29.60)],
                             crs=4326)  # fmt: skip
    pts = gpd.GeoDataFrame({"name_zh": ["p"]}, geometry=[shapely.Point(106.31, 29.60)], crs=4326)
    j = join(pts, zones, nearest=True)
    assert j["zone"].iloc[0] == "a"
    assert j["distance_m"].iloc[0] == pytest.approx(968.5, abs=2)  # 0.01° of longitude at 29.6°N
    assert join(pts, zones, nearest=True, max_distance_m=500)["zone"].iloc[0] == ""


def test_cli_join():
    res = CliRunner().invoke(main, ["join", "incubator_clusters", "--to", "centres", "--nearest", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = {r["id"]: r["zone"] for r in json.loads(res.stdout)}
    assert rows["inc-jinfeng"] == "科技活力赋能中心" and rows["inc-xiyong"] == "科学动力储能中心"
    res = CliRunner().invoke(main, ["join", "universities", "--to", "districts", "--zone-field", "nope"])
    assert res.exit_code == 2 and "--zone-field 'nope' is not a field of the zones" in res.stderr


def test_counts_list_every_park_and_count_overlaps_in_each():
    """北碚 hosts two starting areas: 西南大学 counts in both, and parks with no university show 0."""
    res = CliRunner().invoke(main, ["join", "universities", "--to", "region_starting_areas", "--counts",
                                    "--format", "json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    counts = {r["zone"]: r["count"] for r in json.loads(res.stdout)}
    assert list(counts) == read_layer("region_starting_areas")["name_zh"].tolist()
    assert counts["西部（成都）科学城"] == 0 and counts["中国（绵阳）科技城"] == 0
    assert counts["重庆两江协同创新区"] == 1 and counts["西部（重庆）科学城"] == len(read_layer("universities"))
    j = join(read_layer("universities"), read_layer("region_starting_areas")).set_index("id")
    assert j.loc["uni-swu", "zones"] == "西部（重庆）科学城;重庆两江协同创新区"


def test_numeric_zone_names_and_features_outside_are_all_counted():
    """Zone codes stay codes ("500106", not "500106.0"), and no feature is lost from the counts."""
    districts = read_layer("districts")
    zones = districts.assign(code=range(500100, 500100 + len(districts)))
    inc = read_layer("district_incubators")
    outside = gpd.GeoDataFrame({"name_zh": ["远处"]}, geometry=[shapely.Point(104.0, 30.6)], crs=4326)
    feats = gpd.GeoDataFrame(pd.concat([inc, outside], ignore_index=True), crs=4326)
    j = join(feats, zones, zone_field="code")
    assert set(j["zone"]) <= {str(c) for c in zones["code"]} | {""}
    counts = zone_counts(j, zone_names=zones["code"].tolist()).set_index("zone")["count"]
    assert counts.sum() == len(feats) and counts["(none)"] == 1
    # two overlapping rows of one name: a feature counts once in that zone
    doubled = pd.concat([districts, districts[districts["name_zh"] == "北碚区"]], ignore_index=True)
    again = zone_counts(join(inc, gpd.GeoDataFrame(doubled, crs=4326)))
    assert again["count"].sum() == len(inc)
