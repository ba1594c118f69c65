"""Accessibility: matrices, scores, isochrones, GeoTIFF surfaces, zonal statistics, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import rasterio
from click.testing import CliRunner

from geosci import access
from geosci.catalog import read_layer
from geosci.commands import main
from geosci.sketch import build_sketch


@pytest.fixture(scope="module")
def model():
    return build_sketch(read_layer("rail_stations"), read_layer("rail_lines"), scenario="+planned")


def test_matrix_matches_the_model(model):
    inc, centres = read_layer("incubator_clusters"), read_layer("centres")
    table = access.travel_time_matrix(model, inc, centres)
    assert len(table) == len(inc) * len(centres)
    raw = model.times(access.xy_of(inc, model.crs), access.xy_of(centres, model.crs)) / 60
    np.testing.assert_allclose(table["minutes"].values, np.round(raw.ravel(), 2))
    assert set(table["origin"]) == set(inc["name_zh"])


def test_scores_by_hand():
    t = np.array([[10.0, 40.0], [35.0, 5.0], [20.0, 25.0]])
    assert access.scores(t, method="cumulative", threshold=30).tolist() == [1, 1, 2]
    g = access.scores(t, method="gravity", beta=0.1, supply=np.array([2.0, 1.0]))
    np.testing.assert_allclose(g, 2 * np.exp(-0.1 * t[:, 0]) + np.exp(-0.1 * t[:, 1]))
    # 2SFCA: site 0 serves origins 0 and 2 (demand 100 + 300), site 1 serves origins 1 and 2 (200 + 300)
    s = access.scores(t, method="2sfca", threshold=30, supply=np.array([8.0, 5.0]), demand=np.array([100, 200, 300]))
    np.testing.assert_allclose(s, [8 / 400, 5 / 500, 8 / 400 + 5 / 500])


def test_surface_geotiff_holds_the_model_times(model, tmp_path):
    hall = read_layer("landmarks").iloc[[0]]
    bounds = tuple(read_layer("core_area").to_crs(model.crs).total_bounds)
    grid, transform, crs = access.surface(model, hall, cell_m=500, bounds=bounds)
    path = access.write_surface(grid, transform, crs, tmp_path / "t.tif")
    with rasterio.open(path) as src:
        assert src.crs.to_epsg() == 4544 and src.res == (500.0, 500.0)
        data = src.read(1)
        row, col = 7, 4
        x, y = src.xy(row, col)  # the cell centre
    expected = model.times(access.xy_of(hall, model.crs), np.array([[x, y]]))[0, 0] / 60
    assert data[row, col] == pytest.approx(expected, rel=1e-6)
    stats = access.zonal_stats(grid, transform, crs, read_layer("districts"))
    row = stats.set_index("zone").loc["沙坪坝区"]
    assert row["cells"] > 0 and row["min_min"] <= row["median_min"] <= row["max_min"]


def test_isochrone_frame(model):
    iso = access.isochrone(model, read_layer("landmarks").iloc[[0]], 30)
    assert (
        iso.crs.to_epsg() == 4326 and iso["area_km2"].iloc[0] > np.pi * (30 * 60 * (4 / 3.6) / 1.35 / 1000) ** 2 * 0.99
    )


def test_cli_access_commands(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["access", "matrix", "--from", "incubator_clusters", "--to", "centres", "--scenario",
                               "+planned", "--format", "json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["summary"]["scenario"] == "+planned" and len(data["matrix"]) == 15
    assert "transfer_penalty_s" in res.stderr  # the run summary states every parameter
    iso = tmp_path / "hall30.geojson"
    res = runner.invoke(main, ["access", "isochrone", "--from", "landmarks", "--select", "id=lm-hall", "--minutes", "30",
                               "--out", str(iso), "--map", str(tmp_path / "iso.html")])  # fmt: skip
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["access", "score", "--from", "universities", "--to", "incubator_clusters", "--method",
                               "cumulative", "--threshold", "45", "--format", "csv"])  # fmt: skip
    assert res.exit_code == 0 and res.stdout.startswith("origin,score,nearest_min")
    tif = tmp_path / "s.tif"
    res = runner.invoke(main, ["access", "surface", "--from", "landmarks", "--select", "id=lm-hall", "--cell", "1000",
                               "--out", str(tif), "--zones", "districts", "--format", "csv"])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert tif.exists() and "zone,cells" in res.stdout
    res = runner.invoke(main, ["access", "surface", "--from", "landmarks", "--cell", "1000", "--out", str(tif)])
    assert res.exit_code == 2 and "exists: pass --overwrite" in res.stderr


def test_cli_access_gtfs(shared_dir):
    feed = str(shared_dir / "data" / "gtfs" / "nyc_subway_gtfs.zip")
    res = CliRunner().invoke(main, ["access", "matrix", "--from", "landmarks", "--to", "landmarks", "--gtfs", feed,
                                    "--format", "csv"])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "GTFS" in res.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["access", "isochrone", "--from", "landmarks", "--select", "id=nowhere", "--minutes", "30", "--out", "x.geojson"],
         "Error: no feature of landmarks matches id=nowhere"),
        (["access", "score", "--from", "universities", "--to", "landmarks", "--method", "gravity"],
         "Error: the gravity score needs --beta"),
        (["access", "matrix", "--from", "universities", "--to", "landmarks", "--network", "README.md"],
         "Error: cannot read README.md as an OSM .pbf extract"),
    ],
)  # fmt: skip
def test_cli_access_errors(args, message, tmp_path, monkeypatch):
    import shutil
    from pathlib import Path

    shutil.copy(Path(__file__).parents[1] / "README.md", tmp_path / "README.md")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2, res.output
    assert res.stderr.strip().splitlines()[-1].startswith(message)


def test_matrix_says_how_sure_each_time_is():
    """Each time carries the walking its places' positional accuracy could add or take away, and a flag."""
    from geosci.params import AccessParams

    model = build_sketch(read_layer("rail_stations"), read_layer("rail_lines"))
    inc, centres = read_layer("incubator_clusters"), read_layer("centres")
    table = access.travel_time_matrix(model, inc, centres)
    p = AccessParams()
    expected = (inc["accuracy_m"].iloc[0] + centres["accuracy_m"].iloc[0]) * p.circuity / p.walk_mps / 60.0
    assert table["plus_minus_min"].iloc[0] == pytest.approx(expected, abs=0.01)
    assert (table["approximate"] == (table["plus_minus_min"] >= 0.1 * table["minutes"])).all()


@pytest.mark.parametrize(("method", "kw"), [("cumulative", {"threshold": 40}), ("gravity", {"beta": 0.05}),
                                            ("2sfca", {"threshold": 40})])  # fmt: skip
def test_scores_reduced_block_by_block_equal_the_whole_matrix(method, kw):
    """score_table reduces blocks of origins as they come; any chunk and any jobs give the dense result."""
    from geosci.models import make_model

    model = make_model()
    origins, dests = read_layer("universities"), read_layer("incubator_clusters")
    supply = np.arange(1.0, len(dests) + 1)
    dests = dests.assign(cap=supply)
    t = model.times(access.xy_of(origins, model.crs), access.xy_of(dests, model.crs)) / 60.0
    dense = np.round(access.scores(t, method=method, supply=supply, **kw), 6)
    for chunk, jobs in ((None, 1), (3, 2)):
        table = access.score_table(model, origins, dests, method=method, supply_field="cap", chunk=chunk,
                                   jobs=jobs, **kw)  # fmt: skip
        assert np.allclose(table["score"], dense, rtol=1e-12, atol=1e-6)
        assert np.array_equal(table["nearest_min"], np.round(t.min(axis=1), 2))


def test_zonal_stats_on_windows_equal_whole_grid_masks():
    from affine import Affine
    from rasterio.features import geometry_mask

    crs = "EPSG:4544"
    zones = read_layer("districts")
    metric = zones.to_crs(crs)
    minx, miny, maxx, maxy = metric.total_bounds
    transform = Affine(500.0, 0, minx - 3000, 0, -500.0, maxy + 3000)
    shape = (int((maxy - miny + 6000) // 500), int((maxx - minx + 6000) // 500))
    rng = np.random.default_rng(1)
    grid = (rng.random(shape) * 90).astype("float32")
    grid[rng.random(shape) < 0.2] = np.nan
    stats = access.zonal_stats(grid, transform, crs, zones)
    for row, geom in zip(stats.itertuples(), metric.geometry, strict=True):
        vals = grid[~geometry_mask([geom], out_shape=shape, transform=transform)]
        ok = vals[np.isfinite(vals)]
        assert row.cells == len(vals) > 0
        assert row.mean_min == round(float(ok.mean()), 2) and row.max_min == round(float(ok.max()), 2)


def test_matrix_streamed_to_geopackage_equals_the_table(tmp_path):
    import pyogrio

    from geosci.models import make_model

    model = make_model()
    origins, dests = read_layer("universities"), read_layer("incubator_clusters")
    table = access.travel_time_matrix(model, origins, dests)
    out = tmp_path / "m.gpkg"
    written, rows = access.write_matrix(model, origins, dests, out, chunk=2, summary=model.describe())
    assert written == [out] and rows == len(table)
    assert [name for name, _ in pyogrio.list_layers(out)] == ["matrix", "notes"]
    back = pyogrio.read_dataframe(out, layer="matrix")
    assert back["origin"].tolist() == table["origin"].tolist()
    assert np.array_equal(back["minutes"].to_numpy(), table["minutes"].to_numpy())
    assert np.array_equal(back["plus_minus_min"].to_numpy(), table["plus_minus_min"].to_numpy())
    notes = pyogrio.read_dataframe(out, layer="notes")
    assert "scenario" in notes["key"].tolist()


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".shp"])
def test_large_origin_files_are_read_in_parts_with_the_same_result(tmp_path, suffix):
    """An origins file larger than partition_rows is read part by part: the same bytes as read whole."""
    from geosci.models import make_model

    model = make_model()
    origins = read_layer("rail_stations").iloc[:40][["id", "name_zh", "geometry"]]
    path = tmp_path / f"origins{suffix}"
    origins.to_file(path, encoding="utf-8") if suffix == ".shp" else origins.to_file(path)
    whole, parts = tmp_path / "whole.csv", tmp_path / "parts.csv"
    access.write_matrix(model, str(path), "centres", whole)
    access.write_matrix(model, str(path), "centres", parts, partition_rows=7, chunk=3)
    assert whole.read_bytes() == parts.read_bytes()
    assert len(whole.read_text(encoding="utf-8-sig").splitlines()) == 1 + 40 * len(read_layer("centres"))
    pick = ("id=" + str(origins["id"].iloc[10]),)
    one, one_parts = tmp_path / "one.csv", tmp_path / "one_parts.csv"
    access.write_matrix(model, str(path), "centres", one, select=pick)
    access.write_matrix(model, str(path), "centres", one_parts, select=pick, partition_rows=7)
    assert one.read_bytes() == one_parts.read_bytes()
    assert len(one.read_text(encoding="utf-8-sig").splitlines()) == 1 + len(read_layer("centres"))


def test_parts_are_filtered_and_checked_like_a_whole_file(tmp_path):
    from geosci.catalog import iter_layer

    origins = read_layer("rail_stations").iloc[:30]
    path = tmp_path / "o.gpkg"
    origins.to_file(path)
    parts = list(iter_layer(path, rows=8))
    assert [len(p) for p in parts] == [8, 8, 8, 6]
    assert all(p.crs.to_epsg() == 4326 for p in parts)
    ids = [i for p in parts for i in p["id"]]
    assert ids == origins["id"].tolist()


def test_parts_without_names_and_with_a_part_of_no_geometry_equal_the_whole(tmp_path):
    """Names from the index run on across parts; a part whose features all lack geometry is skipped."""
    import geopandas as gpd

    from geosci.models import make_model

    model = make_model()
    pts = list(read_layer("rail_stations").geometry.iloc[:12])
    pts[5:10] = [None] * 5  # the second part of 5 has no geometry at all
    path = tmp_path / "anon.geojson"
    gpd.GeoDataFrame({"value": range(12)}, geometry=pts, crs=4326).to_file(path)
    whole, parts = tmp_path / "whole.csv", tmp_path / "parts.csv"
    access.write_matrix(model, str(path), "centres", whole)
    access.write_matrix(model, str(path), "centres", parts, partition_rows=5)
    assert whole.read_bytes() == parts.read_bytes()
    origins = {line.split(",")[0] for line in whole.read_text(encoding="utf-8-sig").splitlines()[1:]}
    assert len(origins) == 7


def test_trip_legs_equal_the_matrix_for_the_city_model():
    """--legs describes the very trips the matrix times, walking ones included, in memory stations²."""
    from geosci.models import make_model

    model = make_model()
    origins, dests = read_layer("rail_stations").iloc[::9], read_layer("universities")
    legs = access.trip_legs(model, origins, dests)
    times = access.travel_time_matrix(model, origins, dests)
    assert np.array_equal(legs["minutes"].to_numpy(), times["minutes"].to_numpy())
    rail = legs[legs["mode"] == "rail"]
    assert len(rail) and (legs["mode"] == "walk").any()
    assert np.allclose(rail["access_min"] + rail["ride_min"] + rail["egress_min"], rail["minutes"], atol=0.03)
    res = CliRunner().invoke(main, ["access", "matrix", "--from", "centres", "--to", "centres", "--legs",
                                    "--network", str(Path(__file__))])  # fmt: skip
    assert res.exit_code == 2 and "drop --network" in res.output


def test_a_feature_without_geometry_gets_no_time_and_breaks_nothing():
    from geosci.models import make_model

    model = make_model()
    places = read_layer("landmarks").copy()
    places.loc[places.index[1], "geometry"] = None
    t = model.times(access.xy_of(places, model.crs), access.xy_of(read_layer("centres"), model.crs))
    assert not np.isfinite(t[1]).any() and np.isfinite(t[0]).all()
    nearest = model.nearest_times(access.xy_of(places, model.crs))(access.xy_of(read_layer("centres"), model.crs))
    assert np.isfinite(nearest).all()
    assert np.isfinite(access.position_minutes(model, places)[[0, 2]]).all()


def test_geoparquet_origins_read_whole_and_in_parts_give_the_same_matrix(tmp_path):
    """GeoParquet (written by geopandas, in row groups) is read as any layer, and in parts by its row groups."""
    pytest.importorskip("pyarrow", reason="GeoParquet needs pyarrow (in the test extras)")
    from geosci.catalog import iter_layer
    from geosci.models import make_model

    stations = read_layer("rail_stations").iloc[:40][["id", "name_zh", "geometry"]]
    path = tmp_path / "origins.parquet"
    stations.to_crs(32648).to_parquet(path, row_group_size=6)  # a projected CRS, as a planner's file may be
    back = read_layer(str(path))
    assert back["id"].tolist() == stations["id"].tolist()
    assert np.allclose(access.xy_of(back, "EPSG:32648"), access.xy_of(stations, "EPSG:32648"), atol=1e-6)
    assert [len(p) for p in iter_layer(path, rows=15)] == [15, 15, 10]
    model = make_model()
    whole, parts = tmp_path / "whole.csv", tmp_path / "parts.csv"
    access.write_matrix(model, str(path), "centres", whole)
    access.write_matrix(model, str(path), "centres", parts, partition_rows=15)
    assert whole.read_bytes() == parts.read_bytes()
