"""`geosci layers` through click's CliRunner, on the real curated layers."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from click.testing import CliRunner

from geosci import catalog as cat
from geosci.commands import main


@pytest.fixture
def run():
    runner = CliRunner()

    def _run(*args, code=0):
        result = runner.invoke(main, list(args))
        assert result.exit_code == code, (result.output, result.stderr)
        return result

    return _run


def test_help_lists_the_commands(run):
    assert "layers" in run("--help").output
    for cmd in ("list", "show", "validate", "export"):
        assert cmd in run("layers", "--help").output


def test_list_json_matches_catalog(run):
    rows = json.loads(run("layers", "list", "--format", "json").output)
    assert [r["name"] for r in rows] == cat.list_layers()
    assert all(r["features"] == cat.get_entry(r["name"])["feature_count"] for r in rows)
    core = json.loads(run("layers", "list", "--scale", "core", "--format", "json").output)
    assert {r["scale"] for r in core} == {"core"}


def test_list_csv_and_md(run):
    csv_out = run("layers", "list", "--format", "csv").output.splitlines()
    assert csv_out[0].startswith("name,scale,geometry,features")
    assert len(csv_out) == len(cat.list_layers()) + 1
    md = run("layers", "list", "--format", "md").output.splitlines()
    assert md[0].startswith("| name |") and len(md) == len(cat.list_layers()) + 2


def test_show_layer_text_and_json(run):
    out = run("layers", "show", "incubator_clusters").output
    assert "专业孵化集群" in out and "004 专栏12" in out and "accuracy_note" in out
    data = json.loads(run("layers", "show", "districts", "--format", "json").output)
    assert data["feature_count"] == 5 and len(data["features"]) == 5
    assert {f["name_zh"] for f in data["features"]} == {"北碚区", "沙坪坝区", "九龙坡区", "江津区", "璧山区"}


def test_show_table(run):
    data = json.loads(run("layers", "show", "indicators_2025", "--format", "json").output)
    assert len(data["rows"]) == 20 and data["rows"][7]["value_2020"] == "44.5"


def test_validate_all_and_a_file(run, tmp_path):
    assert "31 catalog layers: valid" in run("layers", "validate").output
    bad = tmp_path / "bad.geojson"
    bad.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {
                            "id": "a",
                            "name_zh": "甲",
                            "name_en": "A",
                            "kind": "x",
                            "status": "built",
                            "source": "009 §1",
                        },
                        "geometry": {"type": "Point", "coordinates": [104.07, 30.66]},
                    },
                    {
                        "type": "Feature",
                        "properties": {"id": "a"},
                        "geometry": {"type": "Point", "coordinates": [106.3, 29.6]},
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    before = bad.read_bytes()
    res = run("layers", "validate", str(bad), "--scale", "core", "--format", "json", code=3)
    problems = json.loads(res.output)["problems"]
    text = "\n".join(problems)
    assert "duplicate ids: a" in text
    assert "status should be one of existing, under_construction, planned, got 'built'" in text
    assert "source '009 §1' names no known seed" in text
    assert "outside the core area" in text
    assert bad.read_bytes() == before
    swapped = tmp_path / "swapped.geojson"
    text = bad.read_text(encoding="utf-8").replace("[104.07, 30.66]", "[29.6, 106.3]")
    swapped.write_text(text.replace("[106.3, 29.6]", "[29.61, 106.31]"), encoding="utf-8")
    res = run("layers", "validate", str(swapped), code=2)
    assert "longitude and latitude look swapped" in res.stderr


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".shp", ".csv"])
def test_export_round_trip_keeps_features_and_chinese_text(run, tmp_path, suffix):
    out = tmp_path / f"clusters{suffix}"
    run("layers", "export", "district_incubators", "--out", str(out))
    original = cat.read_layer("district_incubators")
    if suffix == ".csv":
        import pandas as pd

        back = pd.read_csv(out, dtype={"id": str})
        assert back["lon"].round(6).tolist() == original.geometry.x.round(6).tolist()
    else:
        back = gpd.read_file(out)
        assert back.geometry.geom_equals_exact(original.geometry, tolerance=1e-7).all()
    assert len(back) == len(original)
    assert back["id"].tolist() == original["id"].tolist()
    assert back["name_zh"].tolist() == original["name_zh"].tolist()  # Chinese intact
    assert back["focus"].tolist() == original["focus"].tolist()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_export_refuses_to_overwrite(run, tmp_path):
    out = tmp_path / "s.geojson"
    run("layers", "export", "rail_stations", "--out", str(out))
    before = out.read_bytes()
    res = run("layers", "export", "rail_stations", "--out", str(out), code=2)
    assert res.stderr.strip() == f"Error: {out} exists: pass --overwrite to replace it"
    assert out.read_bytes() == before
    run("layers", "export", "rail_stations", "--out", str(out), "--overwrite")


def test_export_gcj02_shifts_by_the_gcj_offset(run, tmp_path):
    from geosci.crs import wgs84_to_gcj02

    out = tmp_path / "s.geojson"
    run("layers", "export", "rail_stations", "--out", str(out), "--crs", "gcj02")
    back = gpd.read_file(out)
    orig = cat.read_layer("rail_stations")
    lon, lat = wgs84_to_gcj02(orig.geometry.x.values, orig.geometry.y.values)
    assert abs(back.geometry.x.values - lon).max() < 1e-9
    assert abs(back.geometry.y.values - lat).max() < 1e-9


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["layers", "show", "distrcts"], "Error: unknown layer 'distrcts'; did you mean districts?"),
        (["layers", "export", "districts", "--out", "x.txt"], "Error: cannot tell the format of 'x.txt'"),
        (["layers", "export", "districts", "--out", "/nonexistent/dir/x.geojson"], "Error: --out: the folder of"),
        (["layers", "export", "districts", "--out", "x.geojson", "--crs", "EPSG:99999"], "Error: --crs 'EPSG:99999'"),
    ],
)
def test_bad_input_gives_one_line_error(run, args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = run(*args, code=2)
    assert res.stderr.startswith(message)
    assert len(res.stderr.strip().splitlines()) == 1
    assert "Traceback" not in res.output + res.stderr
