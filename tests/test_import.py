"""geosci import: a corpus of real-shaped bad inputs, good imports, round trips, property tests."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from geosci.catalog import read_layer
from geosci.commands import main
from geosci.crs import gcj02_to_wgs84
from geosci.errors import DataError, ParameterError
from geosci.ingest import detect_coordinate_columns, parse_coordinate, parse_coordinates, read_any

CORPUS = Path(__file__).parent / "data" / "import"
_GEOD = Geod(ellps="WGS84")


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _run(args, cwd: Path):
    return CliRunner().invoke(main, args, catch_exceptions=False) if cwd is None else CliRunner().invoke(main, args)


BAD = [
    ("truncated.geojson", [], "cannot read truncated.geojson as GEOJSON (truncated or damaged?)"),
    ("empty.geojson", [], "empty.geojson is empty (0 bytes)"),
    ("no_features.geojson", [], "no_features.geojson has no features"),
    ("binary_renamed.geojson", [], "is not a text file (binary content)"),
    ("shp_missing_dbf/stations.shp", [], "shapefile stations.shp is missing its .dbf file"),
    ("shp_missing_prj/stations.shp", [], "stations.shp has no CRS: say which it is with --crs"),
    ("swapped_lonlat.csv", ["--crs", "gcj02"], "longitude and latitude look swapped"),
    (
        "datav_science_city_gcj02.geojson",
        [],
        "datav_science_city_gcj02.geojson is declared WGS84 by the file but is "
        "GCJ-02 (AMap/Tencent) data: 779 of 779 vertices lie within 1 m of AMap administrative boundaries",
    ),
    ("datav_science_city_gcj02.geojson", ["--crs", "wgs84"], "when read as BD-09 (Baidu): pass --crs gcj02"),
    ("datav_science_city_gcj02.geojson", ["--crs", "bd09"], "is declared BD-09 (Baidu) (given) but is GCJ-02"),
    ("metres_as_degrees.csv", ["--crs", "wgs84"], "are projected metres, not degrees as wgs84 says"),
    ("outside_crs_area.csv", ["--crs", "EPSG:4544"], "coordinates fall outside the area where EPSG:4544 is valid"),
    ("amap_stations_gb18030.csv", [], "amap_stations_gb18030.csv has no CRS: say which it is with --crs"),
    ("no_coordinates.csv", ["--crs", "wgs84"], "no longitude/latitude columns found"),
    ("mixed_types.geojson", [], "mixed geometry types (1 Point, 1 LineString): keep one with --geometry-type"),
    ("duplicate_ids.geojson", [], "duplicate ids in column 'id'"),
    ("amap_stations_gb18030.csv", ["--crs", "mercator"], "'mercator' is not a CRS geosci knows"),
    ("amap_stations_gb18030.csv", ["--crs", "gcj02", "--lon", "x", "--lat", "y"], "has no column 'x'"),
]


@pytest.mark.parametrize(("name", "extra", "message"), BAD, ids=[f"{b[0]}{'+' if b[1] else ''}" for b in BAD])
def test_bad_input_one_line_error_and_untouched(name, extra, message, tmp_path):
    src = CORPUS / name
    before = _digest(src.parent)
    out = tmp_path / "out.geojson"
    res = CliRunner().invoke(main, ["import", str(src), "--as", "test", "--out", str(out), *extra])
    assert res.exit_code == 2, (res.output, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("Error: ") and message in lines[0], lines[0]
    assert "Traceback" not in res.output + res.stderr
    assert _digest(src.parent) == before  # nothing written, renamed or modified beside the input
    assert not out.exists() and not list(tmp_path.iterdir())


def _precise_stations():
    from geosci.datum import STATION_ACCURACY_M

    st = read_layer("rail_stations")
    return st[(st["accuracy_m"].astype(float) <= STATION_ACCURACY_M) & ~st["schematic"].astype(bool)]


def test_amap_csv_in_gb18030_lands_on_the_real_stations(tmp_path):
    out = tmp_path / "st.geojson"
    res = CliRunner().invoke(main, ["import", str(CORPUS / "amap_stations_gb18030.csv"), "--as", "metro_station",
                                    "--crs", "gcj02", "--out", str(out), "--accuracy", "5", "--source", "AMap export"])  # fmt: skip
    assert res.exit_code == 0, res.stderr
    assert "gb18030 (detected)" in res.stderr and "coordinates from columns 经度 / 纬度" in res.stderr
    got = gpd.read_file(out)
    src = pd.read_csv(CORPUS / "amap_stations_gb18030.csv", encoding="gb18030")
    lon, lat = gcj02_to_wgs84(src["经度"].values, src["纬度"].values)
    assert np.abs(got.geometry.x.values - lon).max() < 1e-9 and np.abs(got.geometry.y.values - lat).max() < 1e-9
    assert list(got["id"]) == list(src["编号"]) and list(got["name_zh"]) == list(src["名称"])
    # nothing lost: the coordinate columns, the source position and its datum
    assert list(got["经度"].astype(float)) == list(src["经度"]) and "线路" in got.columns
    assert list(got["src_x"]) == list(src["经度"]) and set(got["src_datum"]) == {"gcj02"}
    meta = json.loads((tmp_path / "st.geojson.meta.json").read_text(encoding="utf-8"))
    assert meta["source"] == "AMap export" and meta["accuracy_m"] == 5 and meta["feature_count"] == len(got)
    assert meta["import"]["datum_conversion"].startswith("gcj02 -> wgs84")
    precise = _precise_stations()
    if precise.empty:
        pytest.skip("layers/rail_stations has no precise (AMap) stations yet")
    ref = precise.set_index("name_zh")
    d = _GEOD.inv(got.geometry.x.values, got.geometry.y.values, ref.loc[got["name_zh"]].geometry.x.values,
                  ref.loc[got["name_zh"]].geometry.y.values)[2]  # fmt: skip
    assert d.max() < 1.0  # the same AMap positions, converted by the same code
    assert meta["import"]["datum_strength"] == "decisive"


def test_baidu_csv():
    frame, report = read_any(CORPUS / "baidu_points.csv", crs="bd09")
    amap = pd.read_csv(CORPUS / "amap_stations_gb18030.csv", encoding="gb18030")
    lon, lat = gcj02_to_wgs84(amap["经度"].values, amap["纬度"].values)
    assert _GEOD.inv(frame.geometry.x.values, frame.geometry.y.values, lon, lat)[2].max() < 0.05  # 1e-7° rounding
    assert report.coordinate_columns == ("lng", "lat")
    assert set(frame["src_datum"]) == {"bd09"}


def test_gbk_shapefile_without_cpg():
    frame, report = read_any(CORPUS / "shp_gbk_no_cpg" / "clusters.shp")
    assert report.encoding == "GB18030 (detected; no .cpg)"
    truth = gpd.read_file(CORPUS / "shp_gbk_no_cpg" / "clusters.shp", encoding="GBK")  # told, not detected
    assert list(frame["name_zh"]) == list(truth["name_zh"]) and frame["name_zh"].str.contains("孵化").any()


def test_cgcs2000_gk_with_z_is_reprojected_and_repaired():
    frame, report = read_any(CORPUS / "core_cgcs2000_gk_z.gpkg")
    assert report.repairs["Z coordinates dropped"] == 1
    assert not frame.geometry.has_z.any() and frame.crs.to_epsg() == 4326
    source = gpd.read_file(CORPUS / "core_cgcs2000_gk_z.gpkg").to_crs(4326).geometry.iloc[0]  # the file, not the
    assert frame.geometry.iloc[0].symmetric_difference(source).area / source.area < 1e-6  # (changing) curated layer


def test_self_intersecting_polygon_is_repaired_and_reported(tmp_path):
    res = CliRunner().invoke(main, ["import", str(CORPUS / "bowtie_self_intersecting.geojson"), "--as", "zone",
                                    "--out", str(tmp_path / "z.gpkg")])  # fmt: skip
    assert res.exit_code == 0, res.stderr
    assert "repaired: 1 invalid geometries made valid" in res.stderr
    assert "repaired: 1 repeated vertices removed" in res.stderr
    out = gpd.read_file(tmp_path / "z.gpkg")
    assert out.geometry.is_valid.all() and out.geom_type.iloc[0] == "MultiPolygon"


def test_repairs_fix_duplicates_and_mixed_types_on_request(tmp_path):
    res = CliRunner().invoke(main, ["import", str(CORPUS / "duplicate_ids.geojson"), "--as", "x", "--renumber",
                                    "--out", str(tmp_path / "a.geojson")])  # fmt: skip
    assert res.exit_code == 0 and gpd.read_file(tmp_path / "a.geojson")["id"].is_unique
    res = CliRunner().invoke(main, ["import", str(CORPUS / "mixed_types.geojson"), "--as", "x", "--geometry-type",
                                    "Point", "--out", str(tmp_path / "b.geojson")])  # fmt: skip
    assert res.exit_code == 0 and "1 features that are not Point dropped" in res.stderr
    res = CliRunner().invoke(main, ["import", str(CORPUS / "swapped_lonlat.csv"), "--as", "x", "--crs", "gcj02",
                                    "--swap-xy", "--out", str(tmp_path / "c.geojson")])  # fmt: skip
    assert res.exit_code == 0, res.stderr


def test_output_is_not_overwritten(tmp_path):
    out = tmp_path / "x.geojson"
    args = ["import", str(CORPUS / "baidu_points.csv"), "--as", "x", "--crs", "bd09", "--out", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    before = out.read_bytes()
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2 and "exists: pass --overwrite" in res.stderr and out.read_bytes() == before


def test_commands_take_user_files_like_catalog_names(tmp_path):
    out = tmp_path / "my_stations.gpkg"
    CliRunner().invoke(main, ["import", str(CORPUS / "amap_stations_gb18030.csv"), "--as", "metro_station",
                              "--crs", "gcj02", "--out", str(out)])  # fmt: skip
    res = CliRunner().invoke(main, ["coverage", "--from", str(out), "--radius", "800", "--target",
                                    "incubator_clusters", "--format", "json"])  # fmt: skip
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["summary"]["sources"]["stations"] == str(out)
    res = CliRunner().invoke(main, ["coverage", "--from", str(CORPUS / "datav_science_city_gcj02.geojson"),
                                    "--radius", "800"])  # fmt: skip
    assert res.exit_code == 2 and "is GCJ-02 (AMap/Tencent) data" in res.stderr


FIELDS = ["id", "name_zh", "district", "focus"]


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp", "kml", "csv", "xlsx"])
def test_round_trip_keeps_features_and_chinese_text(fmt, tmp_path):
    original = read_layer("district_incubators")[FIELDS + ["geometry"]]
    src = tmp_path / f"in.{fmt}"
    if fmt == "csv":
        pd.DataFrame(
            {**{f: original[f] for f in FIELDS}, "经度": original.geometry.x, "纬度": original.geometry.y}
        ).to_csv(src, index=False, encoding="utf-8-sig")
    elif fmt == "xlsx":
        pd.DataFrame(
            {**{f: original[f] for f in FIELDS}, "lon": original.geometry.x, "lat": original.geometry.y}
        ).to_excel(src, index=False)
    else:
        driver = {"geojson": "GeoJSON", "gpkg": "GPKG", "shp": "ESRI Shapefile", "kml": "KML"}[fmt]
        original.to_file(src, driver=driver, engine="pyogrio", **({"encoding": "UTF-8"} if fmt == "shp" else {}))
    extra = ["--crs", "wgs84"] if fmt in ("csv", "xlsx") else []
    out = tmp_path / "out.geojson"
    res = CliRunner().invoke(main, ["import", str(src), "--as", "incubator_cluster", "--out", str(out), *extra])
    assert res.exit_code == 0, res.stderr
    back = gpd.read_file(out)
    assert len(back) == len(original)
    if fmt != "kml":  # GDAL's KML driver keeps "id" as the Placemark id, not as an attribute
        assert list(back["id"].astype(str)) == list(original["id"])
    assert list(back["name_zh"]) == list(original["name_zh"])
    for f in ("district", "focus"):
        col = f if f in back.columns else next(c for c in back.columns if c.lower() == f)
        assert list(back[col]) == list(original[f]), f
    assert np.abs(back.geometry.x.values - original.geometry.x.values).max() < 1e-7
    exported = tmp_path / f"again.{fmt if fmt not in ('kml', 'xlsx') else 'gpkg'}"
    res = CliRunner().invoke(main, ["import", str(out), "--as", "incubator_cluster", "--out", str(exported)])
    assert res.exit_code == 0, res.stderr


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.text(), st.floats(allow_nan=True, allow_infinity=True), st.integers(),
                 st.booleans()))  # fmt: skip
def test_parse_coordinate_never_crashes(value):
    out = parse_coordinate(value)
    assert isinstance(out, float)
    assert np.isnan(out) or np.isfinite(out)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=8))
def test_detect_coordinate_columns_never_crashes(columns):
    found = detect_coordinate_columns(columns)
    assert found is None or (found[0] in columns and found[1] in columns and found[0] != found[1])


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.text(max_size=6), st.text(max_size=10), st.text(max_size=10)), max_size=6),
       encoding=st.sampled_from(["utf-8", "gb18030"]))  # fmt: skip
def test_csv_reader_gives_a_frame_or_a_data_error(rows, encoding, tmp_path_factory):
    path = tmp_path_factory.mktemp("csv") / "p.csv"
    body = "名称,经度,纬度\n" + "".join(
        ",".join('"' + c.replace('"', "'") + '"' for c in row) + "\n" for row in rows
    )  # fmt: skip
    try:
        path.write_bytes(body.encode(encoding))
    except UnicodeEncodeError:
        return
    try:
        frame, _ = read_any(path, crs="wgs84", datum_check=False)
    except DataError:
        return
    assert len(frame) <= len(rows) and frame.crs.to_epsg() == 4326
    assert np.isfinite(parse_coordinates(frame.geometry.x)).all()


# ----------------------------------------------------------------------------- issue 13: real files, nothing lost
@pytest.mark.parametrize(
    ("stem", "said", "encoding"),
    [("cpg_936", "936", "GB18030"), ("cpg_ansi936", "ANSI 936", "GB18030"), ("cpg_ansi", "ANSI", "GB18030"),
     ("cpg_65001", "65001", "UTF-8")],
)  # fmt: skip
def test_cpg_code_pages_as_arcgis_writes_them(stem, said, encoding):
    frame, report = read_any(CORPUS / "shp_cpg_variants" / f"{stem}.shp", crs="gcj02")
    assert report.encoding == f"{encoding} (from .cpg {said!r})"
    src = pd.read_csv(CORPUS / "amap_stations_gb18030.csv", encoding="gb18030")
    assert list(frame["name"].head(len(src))) == list(src["名称"])
    assert list(frame["line"].head(3)) == ["1号线"] * 3


def test_gauss_kruger_zone_read_from_the_false_easting(tmp_path):
    path = CORPUS / "shp_gk_zone35_no_prj" / "shapingba.shp"
    res = CliRunner().invoke(main, ["import", str(path), "--as", "district", "--out", str(tmp_path / "d.gpkg")])
    assert res.exit_code == 2
    assert "shapingba.shp has no CRS" in res.stderr
    assert "probably EPSG:4523 (CGCS2000 3-degree Gauss-Krüger zone 35, CM 105E" in res.stderr
    frame, report = read_any(path, crs="EPSG:4523")
    assert report.datum_strength == "decisive" and "when read as WGS84" in report.datum_evidence
    district = read_layer("districts").set_index("name_zh").loc["沙坪坝区"].geometry
    assert frame.geometry.iloc[0].symmetric_difference(district).area / district.area < 0.05  # simplified copy
    with pytest.raises(ParameterError, match=r"look like EPSG:4523 \(CGCS2000 3-degree Gauss-Krüger zone 35"):
        read_any(path, crs="EPSG:4544")  # the wrong zone: the hint gives the right one


def test_headerless_space_separated_text_detected_or_named():
    frame, report = read_any(CORPUS / "amap_headerless.txt", crs="gcj02")
    assert report.coordinate_columns == ("column_3", "column_4")
    assert any("has no header row" in w for w in report.warnings)
    assert len(frame) == 40 and frame["column_2"].iloc[0] == "朝天门"
    named, report = read_any(CORPUS / "amap_headerless.txt", crs="gcj02", columns="poi_id,名称,经度,纬度")
    assert report.coordinate_columns == ("经度", "纬度") and not any("no header" in w for w in report.warnings)
    assert list(named.columns[:4]) == ["poi_id", "名称", "经度", "纬度"]
    assert named.geometry.equals(frame.geometry)
    with pytest.raises(ParameterError, match="columns gives 3 names but the rows of amap_headerless.txt have 4"):
        read_any(CORPUS / "amap_headerless.txt", crs="gcj02", columns=["a", "b", "c"])


def test_kml_with_a_root_folder_sub_folders_and_empty_ids(tmp_path):
    frame, _ = read_any(CORPUS / "kml_root_folder.kml", crs="gcj02")
    assert len(frame) == 16 and sorted(set(frame["folder"])) == ["1号线", "环线"]
    assert not {"timestamp", "tessellate", "icon"} & set(frame.columns)  # the driver's defaults, no user data
    out = tmp_path / "k.geojson"
    res = CliRunner().invoke(main, ["import", str(CORPUS / "kml_root_folder.kml"), "--as", "metro_station",
                                    "--crs", "gcj02", "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.stderr
    back = gpd.read_file(out)
    assert back["id"].is_unique and back["name_zh"].iloc[0] == "朝天门"


def test_nothing_lost_src_ids_locations_and_outliers(tmp_path):
    out = tmp_path / "poi.geojson"
    res = CliRunner().invoke(main, ["import", str(CORPUS / "amap_poi_export.csv"), "--as", "metro_station",
                                    "--crs", "gcj02", "--renumber", "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.stderr
    assert "3 of 63 features are outliers" in res.stderr
    back = gpd.read_file(out)
    src = pd.read_csv(CORPUS / "amap_poi_export.csv", encoding="utf-8-sig")
    assert list(back["src_id"]) == list(src["id"]) and back["id"].iloc[0] == "metro_station-0001"
    assert list(back["经度"].astype(float)) == list(src["经度"]) and list(back["src_location"]) == list(src["location"])
    lon, lat = gcj02_to_wgs84(src["经度"].values, src["纬度"].values)
    # GDAL writes JSON-array text into GeoJSON as a real array
    loc = np.array([json.loads(v) if isinstance(v, str) else list(v) for v in back["location"]])
    assert np.abs(loc[:, 0] - lon).max() < 1e-7 and np.abs(loc[:, 1] - lat).max() < 1e-7  # converted like the points
    meta = json.loads((tmp_path / "poi.geojson.meta.json").read_text(encoding="utf-8"))
    outliers = meta["import"]["outliers"]
    assert [o["id"] for o in outliers] == ["guangdong:1", "guangdong:2", "guangdong:3"]
    assert all(o["reason"].startswith("far from the rest") and o["km_from_centre"] > 900 for o in outliers)
    kept, report = read_any(CORPUS / "amap_poi_export.csv", crs="gcj02", drop_outliers=True)
    assert len(kept) == 60 and report.repairs["outliers dropped (far from the rest or outside the study area)"] == 3
    science_city = read_layer("districts")
    inside, report = read_any(CORPUS / "amap_poi_export.csv", crs="gcj02", study_area=science_city,
                              drop_outliers=True)  # fmt: skip
    assert 0 < len(inside) < 60 and all("outside the study area" in o["reason"] for o in report.outliers)


def test_datav_arrays_kept_as_json_and_centres_converted(tmp_path):
    frame, report = read_any(CORPUS / "datav_science_city_gcj02.geojson", crs="gcj02")
    doc = json.loads((CORPUS / "datav_science_city_gcj02.geojson").read_text(encoding="utf-8"))
    first = doc["features"][0]["properties"]
    assert json.loads(frame["acroutes"].iloc[0]) == first["acroutes"] == [100000, 500000]
    assert json.loads(frame["parent"].iloc[0]) == {"adcode": 500000}
    assert json.loads(frame["src_center"].iloc[0]) == first["center"]
    lon, lat = gcj02_to_wgs84(*first["center"])
    assert json.loads(frame["center"].iloc[0]) == [round(float(lon), 7), round(float(lat), 7)]
    assert report.converted_fields["center"] == "coordinates (gcj02 -> wgs84, source kept in src_center)"
    out = tmp_path / "d.gpkg"
    res = CliRunner().invoke(main, ["import", str(CORPUS / "datav_science_city_gcj02.geojson"), "--as", "district",
                                    "--crs", "gcj02", "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.stderr
    assert gpd.read_file(out)["acroutes"].iloc[0] == "[100000, 500000]"  # not "[100000 500000]"


def test_callers_without_the_import_options_get_messages_naming_their_own_input():
    # map --add / coverage --from read files with read_any but have no --crs, --swap-xy ...
    with pytest.raises(ParameterError) as info:
        read_any(CORPUS / "swapped_lonlat.csv", crs="gcj02", crs_parameter=None, input_parameter="add")
    assert info.value.parameter == "add"
    assert info.value.for_option("--add").startswith("--add swapped_lonlat.csv: longitude and latitude look swapped")
    assert "pass --swap-xy" in str(info.value) and "(an option of 'geosci import': import the file first)" in str(
        info.value
    )
    with pytest.raises(DataError, match="has no CRS: import it with 'geosci import' and its --crs first"):
        read_any(CORPUS / "shp_missing_prj" / "stations.shp", crs_parameter=None, input_parameter="add")
    with pytest.raises(ParameterError) as info:  # the library's own caller: its parameter, for the CLI to name
        read_any(CORPUS / "shp_missing_prj" / "stations.shp")
    assert info.value.parameter == "crs" and "say which it is with crs wgs84|gcj02" in str(info.value)
