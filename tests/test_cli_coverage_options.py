"""The coverage options that used to do nothing: --lines, --gtfs and --gtfs-date now change the result."""

from __future__ import annotations

import json

import pytest

from geosci.catalog import read_layer


def _existing(res) -> dict:
    data = json.loads(res.stdout)
    return {(r["layer"], r["zone"]): r for r in data["coverage"] if r["scenario"] == "existing"}


def test_lines_file_sets_the_stations_scenarios(runner, tmp_path):
    lines = read_layer("rail_lines")
    opened = lines.assign(status="existing")  # a user's lines file: every line open today
    path = tmp_path / "lines_all_open.geojson"
    opened.to_file(path, driver="GeoJSON")
    base = runner("coverage", "--radius", "2000", "--target", "universities", "--format", "json",
                  "--scenario", "existing")  # fmt: skip
    mine = runner("coverage", "--radius", "2000", "--target", "universities", "--format", "json",
                  "--scenario", "existing", "--lines", str(path))  # fmt: skip
    assert base.exit_code == 0 and mine.exit_code == 0, base.output + mine.output
    a, b = _existing(base)[("universities", "(all)")], _existing(mine)[("universities", "(all)")]
    assert json.loads(mine.stdout)["summary"]["sources"]["lines"] == str(path)
    if (lines["status"] != "existing").any():  # opening the planned lines can only add coverage
        assert (b["covered"], b["uncertain"]) >= (a["covered"], a["uncertain"])
        assert (b["covered"] + b["uncertain"]) > (a["covered"] + a["uncertain"])


def test_gtfs_stops_are_the_sources_and_gtfs_date_picks_the_day(runner, shared_dir, tmp_path):
    feed = shared_dir / "data" / "gtfs" / "cairns_gtfs.zip"
    import gtfs_kit as gk

    stops = gk.read_feed(feed, dist_units="km").stops.head(3)
    import geopandas as gpd

    targets = gpd.GeoDataFrame({"id": ["t0", "t1", "t2"], "name_zh": ["a", "b", "c"]},
                               geometry=gpd.points_from_xy(stops["stop_lon"], stops["stop_lat"]), crs=4326)  # fmt: skip
    path = tmp_path / "near_stops.geojson"
    targets.to_file(path, driver="GeoJSON")
    res = runner("coverage", "--gtfs", str(feed), "--radius", "50", "--target", str(path), "--zones", str(path),
                 "--zone-field", "id", "--format", "json")  # fmt: skip
    # points as zones have no area: the zone join is still exact for the targets themselves
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert "stops served on" in data["summary"]["sources"]["stations"]
    counts = {r["zone"]: r for r in data["coverage"]}
    assert counts["(all)"]["covered"] == 3  # each target stands on a stop served on the first day
    bad = runner("coverage", "--gtfs", str(feed), "--gtfs-date", "19000101", "--radius", "50", "--target", str(path))
    assert bad.exit_code == 2 and "has no trips on 19000101" in bad.stderr


def test_gtfs_date_alone_is_refused(runner):
    res = runner("coverage", "--radius", "800", "--gtfs-date", "20250101")
    assert res.exit_code == 2 and "--gtfs-date needs a GTFS feed" in res.stderr


@pytest.mark.parametrize("value", ["nan", "inf", "-5", "abc"])
def test_radius_must_be_a_finite_positive_number(runner, value):
    res = runner("coverage", "--radius", value)
    assert res.exit_code == 2 and "--radius" in res.stderr and "Traceback" not in res.output


def test_repeated_radius_is_refused(runner):
    res = runner("coverage", "--radius", "500", "--radius", "800")
    assert res.exit_code == 2 and "given 2 times" in res.stderr
