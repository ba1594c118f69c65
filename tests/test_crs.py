"""GCJ-02 / BD-09 conversions and the metric CRS."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from geosci import crs

GEOD = Geod(ellps="WGS84")


def _metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


@pytest.fixture(scope="module")
def chongqing_grid():
    # the whole municipality (105.2-110.2 E, 28.1-32.3 N) every ~1 km: 500 x 420 points
    lon, lat = np.meshgrid(np.linspace(105.2, 110.2, 500), np.linspace(28.1, 32.3, 420))
    return lon.ravel(), lat.ravel()


@pytest.mark.parametrize(("src", "dst"), [("wgs84", "gcj02"), ("wgs84", "bd09"), ("gcj02", "bd09")])
def test_round_trip_under_a_millimetre_over_chongqing(chongqing_grid, src, dst):
    lon, lat = chongqing_grid
    there = crs.convert(lon, lat, src=src, dst=dst)
    back = crs.convert(*there, src=dst, dst=src)
    assert _metres(lon, lat, *back).max() < 1e-3
    # and the other way round
    back2 = crs.convert(*crs.convert(lon, lat, src=dst, dst=src), src=src, dst=dst)
    assert _metres(lon, lat, *back2).max() < 1e-3


def test_offset_is_the_known_300_to_700_metres_in_chongqing(chongqing_grid):
    lon, lat = chongqing_grid
    d = _metres(lon, lat, *crs.wgs84_to_gcj02(lon, lat))
    assert 250 < d.min() and d.max() < 750


# Published control pairs: the test vectors of eviltransform (WGS84 -> GCJ-02, lat/lon)
# and of wandergis/coordTransform (GCJ-02 -> BD-09 and WGS84 -> GCJ-02 for 116.404, 39.915).
WGS_GCJ = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),
]


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), WGS_GCJ)
def test_published_wgs84_gcj02_pairs(wlat, wlon, glat, glon):
    lon, lat = crs.wgs84_to_gcj02(wlon, wlat)
    assert _metres(lon, lat, glon, glat) < 0.01
    lon, lat = crs.gcj02_to_wgs84(glon, glat)
    assert _metres(lon, lat, wlon, wlat) < 0.01


def test_published_bd09_pair():
    lon, lat = crs.gcj02_to_bd09(116.404, 39.915)
    assert _metres(lon, lat, 116.41036949371029, 39.92133699351021) < 0.01
    lon, lat = crs.wgs84_to_gcj02(116.404, 39.915)
    assert _metres(lon, lat, 116.41024449916938, 39.91640428150164) < 0.01


def test_outside_china_is_unchanged():
    lon, lat = crs.wgs84_to_gcj02([-46.63, 2.35], [-23.55, 48.85])
    assert lon.tolist() == [-46.63, 2.35] and lat.tolist() == [-23.55, 48.85]


def test_geometries_convert_vertex_by_vertex_and_keep_z():
    line = shapely.LineString([(106.3, 29.6, 300.0), (106.4, 29.5, 250.0)])
    out = crs.convert_geometry(line, src="wgs84", dst="gcj02")
    coords = shapely.get_coordinates(out, include_z=True)
    lon, lat = crs.wgs84_to_gcj02([106.3, 106.4], [29.6, 29.5])
    np.testing.assert_allclose(coords[:, 0], lon)
    np.testing.assert_allclose(coords[:, 1], lat)
    assert coords[:, 2].tolist() == [300.0, 250.0]


def test_unknown_datum_is_a_clear_error():
    with pytest.raises(ValueError, match="src should be one of wgs84, gcj02, bd09, got 'utm'"):
        crs.convert(1, 2, src="utm", dst="wgs84")


def test_metric_crs_is_the_gauss_kruger_zone():
    assert crs.metric_crs((106.2, 29.3, 106.6, 29.8)) == "EPSG:4544"  # CM 105E
    assert crs.metric_crs((107.6, 29.3, 108.2, 29.8)) == "EPSG:4545"  # CM 108E
    from pyproj import CRS

    assert "105E" in CRS(crs.metric_crs(106.4, 29.5)).name
    assert crs.metric_crs(-46.6, -23.5) == "EPSG:32723"  # São Paulo: UTM 23S


@settings(max_examples=300, deadline=None)
@given(st.floats(73.0, 135.0), st.floats(18.0, 53.0))
def test_round_trip_property(lon, lat):
    back = crs.gcj02_to_wgs84(*crs.wgs84_to_gcj02(lon, lat))
    assert _metres(lon, lat, *back) < 1e-3


# ----------------------------------------------------------------------------- one CRS vocabulary
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("wgs84", "wgs84"), ("WGS 84", "wgs84"), ("EPSG:4326", "wgs84"), ("epsg:4326", "wgs84"), (4326, "wgs84"),
        ("4326", "wgs84"), (None, "wgs84"), ("+proj=longlat +datum=WGS84 +no_defs", "wgs84"),
        ("gcj02", "gcj02"), ("GCJ-02", "gcj02"), ("amap", "gcj02"), ("Gaode", "gcj02"), ("tencent", "gcj02"),
        ("gcj", "gcj02"), ("bd09", "bd09"), ("BD-09", "bd09"), ("baidu", "bd09"), ("bd", "bd09"),
        ("cgcs2000", "EPSG:4490"), ("EPSG:4490", "EPSG:4490"), (4544, "EPSG:4544"), ("EPSG:4523", "EPSG:4523"),
        ("+proj=utm +zone=48 +datum=WGS84 +units=m", "EPSG:32648"),
    ],
)  # fmt: skip
def test_parse_crs_gives_one_canonical_name(value, expected):
    assert crs.parse_crs(value) == expected


def test_parse_crs_keeps_a_crs_without_epsg_as_its_proj_string():
    out = crs.parse_crs("+proj=tmerc +lon_0=106.5 +k=1 +x_0=500000 +ellps=GRS80 +units=m")
    assert out.startswith("+proj=tmerc")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("mercator", "to 'mercator' is not a CRS geosci knows: use wgs84, gcj02 (AMap), bd09 (Baidu), cgcs2000"),
        ("EPSG:5773", "to 'EPSG:5773' is a vertical CRS (EGM96 height), not a horizontal one"),
        ("EPSG:4326+5773", "is a compound CRS (WGS 84 + EGM96 height) with a vertical part geosci does not use: "
         "give the horizontal CRS only (EPSG:4326)"),
        ("EPSG:4979", "is a Geographic 3D CRS (WGS 84), not a 2D horizontal CRS"),
        ("EPSG:4978", "is a Geocentric CRS"),
        ("", "to is empty"),
        (True, "to True is not a CRS"),
    ],
)  # fmt: skip
def test_parse_crs_refuses_with_the_parameter_named(value, message):
    from geosci.errors import ParameterError

    with pytest.raises(ParameterError) as info:
        crs.parse_crs(value, parameter="to")
    assert message in str(info.value)
    assert info.value.parameter == "to"
    assert info.value.for_option("--crs").startswith("--crs")


def test_frame_to_crs_names_the_offset_datums():
    from geosci.catalog import read_layer
    from geosci.datum_crs import datum_of

    districts = read_layer("districts")
    for name, datum in (("amap", "gcj02"), ("baidu", "bd09")):
        out = crs.frame_to_crs(districts, name)
        assert datum_of(out.crs) == datum
        moved = _metres(*shapely.get_coordinates(districts.geometry.values)[0],
                        *shapely.get_coordinates(out.geometry.values)[0])  # fmt: skip
        assert 250 < moved < 1500
    assert crs.frame_to_crs(districts, "EPSG:4544").crs.to_epsg() == 4544
    assert crs.frame_to_crs(districts, "cgcs2000").crs.to_epsg() == 4490
    assert crs.frame_to_crs(districts, "wgs84").geometry.equals(districts.geometry)


def test_crs_errors_are_geosci_errors():
    from geosci.errors import DataError

    with pytest.raises(DataError, match="same shape"):
        crs.convert([1, 2], [3], src="wgs84", dst="gcj02")


def test_parse_crs_knows_geosci_s_own_gcj02_and_bd09_definitions():
    from geosci.datum_crs import wkt

    assert crs.parse_crs(wkt("gcj02")) == "gcj02" and crs.parse_crs(wkt("bd09")) == "bd09"
