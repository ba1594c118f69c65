"""Coverage: exact circles, area and population shares, gaps, scenarios, the CLI."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner

from geosci.catalog import read_layer
from geosci.commands import main
from geosci.coverage import catchment_geometry, coverage, nearest_distance, select_scenario, zonal_population

CRS = "EPSG:4544"


def test_exact_circles_agree_with_brute_force_where_buffers_do_not():
    rng = np.random.default_rng(4)
    src = rng.uniform(0, 20_000, size=(200, 2))
    pts = rng.uniform(0, 20_000, size=(50_000, 2))
    d, _ = nearest_distance(pts, src)
    brute = np.sqrt(((pts[:, None, :] - src[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
    np.testing.assert_allclose(d, brute, rtol=0, atol=1e-9)
    # a default buffer (8 segments per quarter) is a polygon inside the circle: it misses edge points
    buffers = shapely.union_all(shapely.buffer(shapely.points(src), 800.0))
    by_buffer = shapely.contains_xy(buffers, pts[:, 0], pts[:, 1])
    assert (by_buffer != (brute <= 800.0)).sum() > 0
    assert ((d <= 800.0) == (brute <= 800.0)).all()


def test_area_share_of_one_circle():
    zone = gpd.GeoDataFrame({"name_zh": ["z"]}, geometry=[shapely.box(0, 0, 10_000, 10_000)], crs=CRS)
    src = gpd.GeoDataFrame({"name_zh": ["s"]}, geometry=[shapely.Point(5000, 5000)], crs=CRS)
    tgt = gpd.GeoDataFrame({"id": ["a", "b"]}, geometry=[shapely.Point(5000, 5999), shapely.Point(5000, 6001)],
                           crs=CRS)  # fmt: skip
    res = coverage(src, {"t": tgt}, zones=zone, radius_m=1000, crs=CRS)
    row = res.areas.iloc[0]
    assert row["covered_km2"] == pytest.approx(np.pi * 1.0, abs=1e-3)  # the table rounds to 0.001 km2
    assert res.targets.iloc[0][["n", "covered"]].tolist() == [2, 1]
    gap = res.gaps.to_crs(CRS).geometry.iloc[0]
    n = 256  # catchment circles are regular 256-gons: area (n/2) r² sin(2π/n), 0.01 % under the circle
    assert 1e8 - gap.area == pytest.approx(n / 2 * 1000.0**2 * np.sin(2 * np.pi / n), rel=1e-9)


def test_minutes_convert_with_walk_speed_and_circuity():
    zone = gpd.GeoDataFrame({"name_zh": ["z"]}, geometry=[shapely.box(-5000, -5000, 5000, 5000)], crs=CRS)
    src = gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)], crs=CRS)
    res = coverage(src, {"t": src}, zones=zone, minutes=10, crs=CRS)
    radius = 10 * 60 * (4.0 / 3.6) / 1.35  # defaults: 4 km/h, circuity 1.35
    assert res.summary["catchment"]["straight_line_radius_m"] == pytest.approx(radius, abs=0.1)


def test_scenarios_on_the_curated_layers():
    st = read_layer("rail_stations")
    counts = [len(select_scenario(st, s)) for s in ("existing", "+under_construction", "+planned")]
    assert counts[0] < counts[1] <= counts[2] == len(st)
    res = coverage(st, {"inc": read_layer("district_incubators")}, zones=read_layer("districts"), radius_m=800,
                   scenarios=["existing", "+planned"])  # fmt: skip
    share = res.areas.set_index(["scenario", "zone"])["area_share"]
    assert (share.loc["+planned"].values >= share.loc["existing"].values).all()
    total = res.targets[res.targets.zone == "(all)"].set_index("scenario")["n"]
    assert (total == 20).all()


def test_population_from_polygons_and_raster(shared_dir):
    import rasterio
    from rasterio.features import geometry_mask

    grid = gpd.read_file(shared_dir / "data" / "helsinki" / "helsinki_population_grid_2020.gpkg")
    whole = gpd.GeoSeries([grid.to_crs(3067).union_all().buffer(1)], crs=3067)
    assert zonal_population(whole, grid, field="population")[0] == pytest.approx(grid["population"].sum(), rel=1e-9)
    half = gpd.GeoSeries([shapely.box(*grid.to_crs(3067).total_bounds).buffer(-800)], crs=3067)
    part = zonal_population(half, grid, field="population")[0]
    assert 0 < part < grid["population"].sum()
    tif = shared_dir / "data" / "helsinki" / "elevation_model_2021_lapinlahti.tif"
    with rasterio.open(tif) as src:
        data = src.read(1, masked=True).astype(float).filled(0)
        poly = shapely.box(*src.bounds).buffer(-0.001)
        expected = data[~geometry_mask([poly], out_shape=data.shape, transform=src.transform)].sum()
    assert zonal_population(gpd.GeoSeries([poly], crs=4326), str(tif))[0] == pytest.approx(expected)


def test_catchment_geometry_is_the_union_of_circles():
    g = catchment_geometry(np.array([[0.0, 0.0], [100.0, 0.0]]), 100.0)
    r, d = 100.0, 100.0
    lens = 2 * r**2 * np.arccos(d / (2 * r)) - d / 2 * np.sqrt(4 * r**2 - d**2)
    assert g.area == pytest.approx(2 * np.pi * r**2 - lens, rel=1e-4)


def test_cli_coverage_outputs(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["coverage", "--radius", "800", "--format", "json", "--target", "incubator_clusters",
                               "--gaps", str(tmp_path / "gaps.geojson"), "--map", str(tmp_path / "cov.html")])  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["summary"]["scenarios"] == ["existing", "+under_construction", "+planned"]
    assert data["summary"]["parameters"]["walk_speed_kmh"] == 4.0
    assert {r["scenario"] for r in data["coverage"]} == {"existing", "+under_construction", "+planned"}
    assert len(gpd.read_file(tmp_path / "gaps.geojson")) == 15
    assert "geosci-datum" in (tmp_path / "cov.html").read_text(encoding="utf-8")
    md = runner.invoke(main, ["coverage", "--minutes", "10", "--format", "md", "--param", "circuity=1.2"])
    assert md.exit_code == 0 and md.stdout.startswith("| layer | zone | n | existing |")
    geo = runner.invoke(main, ["coverage", "--radius", "500", "--format", "geojson", "--scenario", "existing"])
    assert json.loads(geo.stdout)["type"] == "FeatureCollection"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["coverage"], "Error: give the catchment as --radius METRES or --minutes MINUTES"),
        (
            ["coverage", "--radius", "800", "--scenario", "soon"],
            "Error: Invalid value for '--scenario': 'soon' should be one of",
        ),
        (["coverage", "--radius", "800", "--param", "speed=3"], "Error: unknown parameter 'speed'"),
        (["coverage", "--radius", "800", "--param", "circuity=0.5"], "Error: circuity should be at least 1"),
        (["coverage", "--radius", "800", "--target", "nowhere"], "Error: unknown layer 'nowhere'"),
    ],
)
def test_cli_coverage_errors(args, message):
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2, res.output
    assert res.stderr.strip().splitlines()[-1].startswith(message)
    assert "Traceback" not in res.output
