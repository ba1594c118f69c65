"""Write the import test corpus into tests/data/import/ (run once; the files are committed).

Every file is made from the curated layers, shaped like what planners really
receive (AMap exports in GCJ-02, GBK shapefiles without .cpg, Chinese CSVs,
projected CGCS2000 files) and damaged in one specific way.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import shapely

from geosci.catalog import read_layer
from geosci.crs import convert_frame

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
    (OUT / "amap_stations_gb18030.csv").write_bytes(table.to_csv(index=False).encode("gb18030"))
    bd = convert_frame(existing, src="wgs84", dst="bd09")
    pd.DataFrame({"name": existing["name_en"], "lng": bd.geometry.x.round(7), "lat": bd.geometry.y.round(7)}).to_csv(
        OUT / "baidu_points.csv", index=False
    )
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
    gcj[["id", "name_zh", "geometry"]].to_file(OUT / "gcj02_declared_wgs84.geojson", driver="GeoJSON")
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
    print(f"wrote {len(list(OUT.rglob('*')))} files to {OUT}")


if __name__ == "__main__":
    main()
