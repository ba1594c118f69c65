"""Every promise on bad input: exit 2, one line naming the fix, no traceback, inputs untouched, no output left.

A corpus of bad inputs and faults, made here in each test's folder from the
curated layers (real shapes), run through the command line as a user would.
"""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geosci.catalog import read_layer


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


@pytest.fixture()
def corpus(tmp_path) -> Path:
    """Real-shaped bad and good inputs in one folder."""
    read_layer("landmarks").to_file(tmp_path / "landmarks.gpkg", driver="GPKG")
    read_layer("districts").head(1).to_file(tmp_path / "poly.geojson", driver="GeoJSON")
    (tmp_path / "params_null.json").write_text(json.dumps({"circuity": None}))
    (tmp_path / "params_list.json").write_text("[1, 2]")
    (tmp_path / "afile").write_text("not a folder")
    recipes = {
        "styles_list": {"name": "x", "layers": [{"layer": "districts", "styles": [1, 2]}]},
        "style_str": {"name": "x", "layers": [{"layer": "districts", "style": "red"}]},
        "bounds": {"name": "x", "layers": [{"layer": "districts"}], "view": {"bounds": [1, 2]}},
        "zoom": {"name": "x", "layers": [{"layer": "districts"}], "zoom": "十二"},
        "style_by": {"name": "x", "layers": [{"layer": "districts", "style_by": "nope", "styles": {"a": {}}}]},
    }
    for name, recipe in recipes.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(recipe, ensure_ascii=False), encoding="utf-8")
    shp = tmp_path / "clusters.shp"
    read_layer("incubator_clusters")[["id", "name_zh", "geometry"]].to_file(shp, engine="pyogrio", encoding="GB18030")
    for ext in ("shp", "shx", "dbf", "prj"):  # a truncated copy: half its .shp
        data = shp.with_suffix(f".{ext}").read_bytes()
        (tmp_path / f"trunc.{ext}").write_bytes(data[: len(data) // 2] if ext == "shp" else data)
    return tmp_path


CASES = [
    # (arguments, what the one-line message must say)
    (["coverage", "--radius", "inf"], "--radius"),
    (["coverage", "--radius", "nan"], "--radius"),
    (["coverage", "--minutes", "nan"], "--minutes"),
    (["coverage", "--radius", "500", "--radius", "800"], "given 2 times"),
    (["coverage", "--radius", "800", "--from", "poly.geojson"], "--from should be points"),
    (["coverage", "--radius", "800", "--zone-field", "nope"], "--zone-field 'nope' is not a field"),
    (["coverage", "--radius", "800", "--gtfs-date", "20250101"], "--gtfs-date needs a GTFS feed"),
    (["coverage", "--radius", "800", "--out", "afile/x.json"], "is a file, not a folder"),
    (["access", "matrix", "--from", "universities", "--to", "centres", "--param", "walk_speed_kmh=abc"],
     "walk_speed_kmh should be a number"),
    (["access", "matrix", "--from", "universities", "--to", "centres", "--param", "walk_speed_kmh=inf"],
     "walk_speed_kmh should be a finite"),
    (["access", "matrix", "--from", "universities", "--to", "centres", "--param", "dwell_s=1e309"],
     "dwell_s should be a finite"),
    (["access", "matrix", "--from", "universities", "--to", "centres", "--params", "params_null.json"],
     "circuity should be a number"),
    (["access", "matrix", "--from", "universities", "--to", "centres", "--params", "params_list.json"],
     "should hold a JSON object"),
    (["access", "matrix", "--from", "universities", "--to", "centres", "--select", "id"], "--select should be"),
    (["access", "surface", "--from", "landmarks", "--extent", "106.4,29.5,106.4,29.5", "--out", "s.tif"],
     "--extent"),
    (["access", "score", "--from", "universities", "--to", "incubator_clusters", "--method", "2sfca",
      "--threshold", "45", "--supply-field", "name_zh"], "--supply-field 'name_zh' should hold non-negative numbers"),
    (["access", "isochrone", "--from", "landmarks", "--minutes", "nan", "--out", "i.geojson"], "--minutes"),
    (["import", "landmarks.gpkg", "--as", "x", "--out", "landmarks.gpkg", "--overwrite"], "is the input file"),
    (["layers", "export", "districts", "--out", "x.geojson", "--format", "shp"], "does not match the suffix"),
    (["layers", "export", "districts", "--out", "x.geojson", "--crs", "EPSG:5773"], "--crs"),
    (["layers", "export", "districts", "--out", "x.geojson", "--crs", "nonsense"], "--crs"),
    (["join", "universities", "--to", "districts", "--max-distance", "-1"], "--max-distance"),
    (["map", "styles_list.json", "--out", "m.html"], "'styles' should be an object"),
    (["map", "style_str.json", "--out", "m.html"], "'style' should be an object"),
    (["map", "bounds.json", "--out", "m.html"], "view 'bounds' should be"),
    (["map", "zoom.json", "--out", "m.html"], "unknown recipe keys ['zoom']"),
    (["map", "style_by.json", "--out", "m.html"], "has no field 'nope'"),
    (["import", "trunc.shp", "--as", "x", "--out", "t.geojson"], "trunc.shp is truncated"),
    (["import", "clusters.shp", "--as", "x", "--out", "t.geojson", "--encoding", "nope"], "--encoding 'nope'"),
    (["import", "clusters.shp", "--as", "x", "--out", "t.geojson", "--encoding", "utf-16"], "never utf-16"),
    (["import", "clusters.shp", "--as", "x", "--out", "t.geojson", "--encoding", "utf-8"], "is not utf-8"),
    (["access", "matrix", "--from", "universities", "--to", "centres", "--gtfs-date", "tomorrow"],
     "--gtfs-date needs a GTFS feed"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), CASES, ids=[" ".join(a[:3]) + f" #{i}" for i, (a, _) in enumerate(CASES)])
def test_bad_input_exits_2_with_one_line_and_touches_nothing(runner, corpus, args, message, monkeypatch):
    monkeypatch.chdir(corpus)
    before = _digest(corpus)
    res = runner(*args)
    err = res.stderr.strip().splitlines()
    assert res.exit_code == 2, res.output
    assert err and err[-1].startswith("Error: ") and message in err[-1], res.stderr
    assert "Traceback" not in res.output and "Error:" not in "\n".join(err[:-1])
    assert _digest(corpus) == before  # inputs unchanged, nothing written


def test_recipe_with_a_byte_order_mark_is_read(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    recipe = {"name": "bom", "layers": [{"layer": "districts"}]}
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(recipe).encode())
    res = runner("map", "bom.json", "--out", "bom.html")
    assert res.exit_code == 0, res.output


def test_upper_case_shapefile_extensions_are_read(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    read_layer("universities").to_file(tmp_path / "u.shp", engine="pyogrio", encoding="UTF-8")
    for p in list(tmp_path.iterdir()):
        p.rename(p.with_name("U" + p.suffix.upper()))
    res = runner("import", "U.SHP", "--as", "university", "--out", "u.geojson")
    assert res.exit_code == 0, res.output
    assert f"wrote {len(read_layer('universities'))} features" in res.stderr


def test_readme_coverage_from_planned_clusters_works(runner):
    """All five clusters are planned: the existing scenario has no source and covers nothing, without an error."""
    res = runner("coverage", "--from", "incubator_clusters", "--radius", "3000", "--target", "universities",
                 "--format", "json")  # fmt: skip
    assert res.exit_code == 0, res.output
    rows = [r for r in json.loads(res.stdout)["coverage"] if r["zone"] == "(all)"]
    assert [r["scenario"] for r in rows] == ["existing", "+under_construction", "+planned"]
    assert rows[0]["covered"] == 0 and rows[0]["uncertain"] == 0


def test_stale_shapefile_sidecars_are_not_replaced_unasked(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.dbf").write_bytes(b"stale")
    res = runner("layers", "export", "districts", "--out", "d.shp")
    assert res.exit_code == 2 and "d.dbf exists" in res.stderr
    assert (tmp_path / "d.dbf").read_bytes() == b"stale" and not (tmp_path / "d.shp").exists()


def test_a_late_failure_leaves_no_output_of_the_set(runner, tmp_path, monkeypatch):
    """Coverage writes a table, gaps and a map together: a map that cannot be written leaves none of them."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cov.html").mkdir()  # the map's destination is a folder: refused before any work
    res = runner("coverage", "--radius", "800", "--target", "universities", "--out", "cov.json", "--format", "json",
                 "--gaps", "gaps.geojson", "--map", "cov.html")  # fmt: skip
    assert res.exit_code == 2 and "--map" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cov.html"]


def test_sigterm_removes_unfinished_outputs(tmp_path):
    """SIGTERM in the middle of a run: no output and no hidden temporary file is left."""
    # 36 million cells of 20 m: some ten seconds of work, so the signal comes in the middle of it
    proc = subprocess.Popen([sys.executable, "-m", "geosci.commands", "access", "surface", "--from", "landmarks",
                             "--cell", "20", "--out", "s.tif", "--scenario", "+planned"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    time.sleep(3.0)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    left = [p.name for p in tmp_path.iterdir()]
    assert all(not n.startswith(".geosci-") for n in left), left
    if (tmp_path / "s.tif").exists():  # finished before the signal came: then the file is whole
        import rasterio

        with rasterio.open(tmp_path / "s.tif") as src:
            assert src.read(1).shape == (src.height, src.width)
    else:
        assert proc.returncode != 0 and left == []


@settings(max_examples=200, deadline=None)
@given(value=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(), st.text(max_size=8)))
def test_number_option_accepts_only_finite_numbers_in_range(value):
    """The option type behind every numeric option: finite, in range, or a click error naming the value."""
    import math

    import click

    from geosci.commands.options import Number

    kind = Number(0, min_open=True, max=1_000_000)
    text = repr(value) if isinstance(value, float) else str(value)
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    ok = math.isfinite(number) and 0 < number <= 1_000_000
    if ok:
        assert kind.convert(text, None, None) == number
    else:
        with pytest.raises(click.BadParameter):
            kind.convert(text, None, None)


@pytest.mark.parametrize("radius", ["1e-9", "0.5", "1000000", "1000001", "5e155"])
def test_extreme_radii_give_a_result_or_one_line(runner, radius):
    res = runner("coverage", "--radius", radius, "--target", "universities", "--format", "json", "--scenario",
                 "existing")  # fmt: skip
    assert res.exit_code == (0 if float(radius) <= 1_000_000 else 2), res.output
    assert "Traceback" not in res.output


def test_legacy_xls_is_read(runner, tmp_path, monkeypatch):
    """Excel 97–2003 workbooks (.xls), as older planning-bureau exports come, import like .xlsx."""
    xlwt = pytest.importorskip("xlwt", reason="xlwt writes the .xls sample (pip install '.[test]')")
    monkeypatch.chdir(tmp_path)
    book = xlwt.Workbook()
    sheet = book.add_sheet("高校")
    uni = read_layer("universities")
    for j, head in enumerate(("名称", "经度", "纬度")):
        sheet.write(0, j, head)
    for i, row in enumerate(uni.itertuples(), start=1):
        sheet.write(i, 0, row.name_zh)
        sheet.write(i, 1, row.geometry.x)
        sheet.write(i, 2, row.geometry.y)
    book.save(str(tmp_path / "u.xls"))
    res = runner("import", "u.xls", "--as", "university", "--crs", "wgs84", "--out", "u.geojson")
    assert res.exit_code == 0, res.output
    assert len(read_layer(str(tmp_path / "u.geojson"))) == len(uni)
