"""Map recipes and the map builder, without a browser."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from geosci.catalog import read_layer
from geosci.commands import main
from geosci.crs import wgs84_to_gcj02
from geosci.errors import DataError
from geosci.mapping import build_map, legend_entries
from geosci.offline import external_references, map_to_html
from geosci.recipes import list_recipes, load_recipe, validate_recipe

RECIPES = list_recipes()


def _geojson_blocks(page: str) -> list[dict]:
    """Return the GeoJSON objects embedded in a folium page."""
    out = []
    for m in re.finditer(r"geo_json_[0-9a-f]+_add\((\{.*?\})\);\n", page, re.S):
        out.append(json.loads(m.group(1)))
    return out


@pytest.fixture(scope="module")
def pages():
    return {name: map_to_html(build_map(load_recipe(name))) for name in RECIPES}


def test_the_five_recipes_exist():
    assert {"district", "axis", "region", "transit", "incubators"} <= set(RECIPES)


@pytest.mark.parametrize("name", RECIPES)
def test_page_is_self_contained(pages, name):
    page = pages[name]
    assert external_references(page) == []
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?:", page)
    assert "Leaflet 1.9.3" in page  # Leaflet itself is inline
    assert len(page.encode("utf-8")) < 3_000_000


@pytest.mark.parametrize("name", RECIPES)
def test_every_recipe_layer_is_embedded_with_its_features(pages, name):
    recipe = load_recipe(name)
    blocks = _geojson_blocks(pages[name])
    assert len(blocks) == len(recipe["layers"])
    for entry, block in zip(recipe["layers"], blocks, strict=True):
        frame = read_layer(entry["layer"])
        for field, values in entry.get("where", {}).items():
            frame = frame[frame[field].astype(str).isin([str(v) for v in values])]
        frame = frame[~frame.geometry.isna() & ~frame.geometry.is_empty]  # nothing to draw for an empty geometry
        assert len(block["features"]) == len(frame), entry["layer"]
        props = block["features"][0]["properties"]
        assert {"source", "accuracy_m", "name_zh", "name_en"} <= set(props)


def test_legend_matches_the_styles_drawn():
    recipe = load_recipe("district")
    frames = {e.get("id", e["layer"]): read_layer(e["layer"]) for e in recipe["layers"]}
    rows = legend_entries(recipe, frames, lang="en")
    rail = next(e for e in recipe["layers"] if e["layer"] == "rail_lines")
    status = {r["label"]: r["style"] for r in rows if r.get("group") == "Rail lines"}
    assert status["under construction"]["dashArray"] == rail["styles"]["under_construction"]["dashArray"]
    assert "dashArray" not in status["existing"]
    lines = frames["rail_lines"]
    if "color" in lines.columns:  # each line in its own colour, from the data
        drawn = {r["style"]["color"] for r in rows if r.get("group") == "Rail lines"}
        assert set(lines["color"].dropna().str.lower()) <= drawn
    else:
        assert {k: v for k, v in status["existing"].items() if k != "fill"} == rail["styles"]["existing"]
    districts = next(r for r in rows if r["label"] == "Districts")
    entry = next(e for e in recipe["layers"] if e["layer"] == "districts")
    assert {k: v for k, v in districts["style"].items() if k != "fill"} == entry["style"]
    assert not any(r["label"] == "Districts of Chongqing" for r in rows)  # faint context: no legend row


def test_amap_tiles_shift_the_data_to_gcj02(pages):
    page = map_to_html(build_map(load_recipe("transit"), tiles="amap"))
    assert '<meta name="geosci-datum" content="gcj02">' in page
    assert '<meta name="geosci-datum" content="wgs84">' in pages["transit"]
    stations = read_layer("rail_stations").set_index("id")
    drawn = next(b for b in _geojson_blocks(page) if b["features"][0]["properties"]["kind"] == "metro_station")
    for f in drawn["features"]:
        st = stations.loc[f["properties"]["id"]].geometry
        lon, lat = wgs84_to_gcj02(st.x, st.y)
        assert f["geometry"]["coordinates"] == pytest.approx([float(lon), float(lat)], abs=1e-6)


def test_languages():
    en = map_to_html(build_map(load_recipe("region"), lang="en"))
    zh = map_to_html(build_map(load_recipe("region"), lang="zh"))

    def esc(text):
        return json.dumps(text)[1:-1]  # the controls' HTML is embedded as JSON strings

    assert esc("One city, multiple parks") in en and esc("一城多园") not in en
    assert esc("一城多园") in zh and esc("One city, multiple parks") not in zh


def test_existing_map_is_drawn_on_and_returned():
    import folium

    m = folium.Map(tiles=None)
    assert build_map(load_recipe("region"), m=m) is m


@pytest.mark.parametrize(
    ("recipe", "message"),
    [
        ([], "a recipe should be a JSON object"),
        ({"layers": []}, "'layers' should be a non-empty list"),
        ({"layers": [{"layer": "a"}, {"layer": "a"}]}, "layer id 'a' is used twice"),
        ({"layers": [{"layer": "a", "style": {"colour": "red"}}]}, "unknown style keys ['colour']"),
        ({"layers": [{"layer": "a", "style_by": "status"}]}, "'style_by' needs 'styles'"),
    ],
)
def test_bad_recipes_are_refused(recipe, message):
    with pytest.raises(DataError, match=re.escape(message)):
        validate_recipe(recipe)


def test_cli_map_writes_html_and_refuses_overwrite(tmp_path):
    runner = CliRunner()
    out = tmp_path / "d.html"
    res = runner.invoke(main, ["map", "district", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert external_references(out.read_text(encoding="utf-8")) == []
    before = out.read_bytes()
    res = runner.invoke(main, ["map", "district", "--out", str(out)])
    assert res.exit_code == 2 and "exists: pass --overwrite" in res.stderr
    assert out.read_bytes() == before


def test_cli_map_of_a_users_file(tmp_path):
    runner = CliRunner()
    src = tmp_path / "mine.geojson"
    runner.invoke(main, ["layers", "export", "universities", "--out", str(src)])
    before = src.read_bytes()
    out = tmp_path / "mine.html"
    res = runner.invoke(main, ["map", "district", "--add", str(src), "--out", str(out)])
    assert res.exit_code == 0, res.output
    blocks = _geojson_blocks(out.read_text(encoding="utf-8"))
    assert len(blocks) == len(load_recipe("district")["layers"]) + 1
    assert len(blocks[-1]["features"]) == 6
    assert src.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["map", "nowhere"], "Error: unknown map recipe 'nowhere'"),
        (["map", "district", "--tiles", "tianditu", "--out", "x.html"], "Error: the tianditu basemap needs an API key"),
        (["map"], "Error: give a RECIPE"),
    ],
)
def test_cli_map_errors_are_one_line(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2
    assert res.stderr.startswith(message) and len(res.stderr.strip().splitlines()) == 1


def test_png_without_a_browser_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOSCI_BROWSER", "no-such-browser-here")
    res = CliRunner().invoke(main, ["map", "region", "--png", str(tmp_path / "r.png")])
    assert res.exit_code == 2
    assert "GEOSCI_BROWSER='no-such-browser-here' is not an executable browser" in res.stderr
    assert not (tmp_path / "r.png").exists()


def test_a_metric_frame_is_reprojected_not_drawn_as_degrees():
    recipe = {"name": "t", "layers": [{"layer": "universities", "label": True}]}
    metric = read_layer("universities").to_crs(4544)
    page = map_to_html(build_map(recipe, frames={"universities": metric}))
    block = _geojson_blocks(page)[0]
    x, y = block["features"][0]["geometry"]["coordinates"]
    assert 105 < x < 107 and 29 < y < 30


def test_note_is_built_from_the_catalog_and_credits_the_users_file(tmp_path):
    from geosci.catalog import get_entry
    from geosci.mapping import source_notes
    from geosci.recipes import recipe_for_files

    mine = tmp_path / "my_sites.geojson"
    read_layer("universities").to_file(mine, driver="GeoJSON")
    note = source_notes(recipe_for_files([str(mine)], base=load_recipe("transit")), lang="en")
    rows = {r["title_en"]: r for r in note["layers"]}
    rail = get_entry("rail_lines")
    assert rows[rail["title_en"]]["sources"] == rail["sources"]
    assert (rail.get("attribution") or rail["licence"]) in note["text"]
    user = rows["my_sites.geojson"]
    assert user["user"] and user["sources"] == ["my_sites.geojson (user's file)"]
    alone = source_notes(recipe_for_files([str(mine)]), lang="en")
    assert alone["documents"] == {} and "planning" not in alone["text"].lower()


@pytest.fixture(scope="module")
def coverage_result():
    from geosci.coverage import coverage

    src = read_layer("rail_stations")
    res = coverage(src, {"incubator_clusters": read_layer("incubator_clusters"),
                         "universities": read_layer("universities")},
                   zones=read_layer("districts"), radius_m=800, scenarios=["existing", "+planned"])  # fmt: skip
    return res, src


def test_coverage_map_shows_rings_classes_and_names_the_scenario(coverage_result):
    from geosci.recipes import coverage_recipe

    res, src = coverage_result
    recipe, frames = coverage_recipe(res, src, "+planned")
    assert "existing + under construction + planned" in recipe["title_en"] and "+planned" not in recipe["title_en"]
    assert set(frames["targets"]["class"]) <= {"covered", "uncertain", "not_covered"}
    assert len(frames["rings"]) and frames["catchment"].geometry.iloc[0].area > 0
    rows = legend_entries(recipe, {**frames, **{e.get("id", e["layer"]): read_layer(e["layer"]) for e in
                                                recipe["layers"] if e.get("id", e["layer"]) not in frames
                                                and e["layer"] != "chongqing_districts"}}, lang="en")  # fmt: skip
    classes = {r["label"] for r in rows if r.get("group") == "Targets"}
    assert classes == {c.replace("_", " ") for c in frames["targets"]["class"]}
    # without a class column (older results): classes from the boolean
    old = res.features.drop(columns="class")
    res2 = type(res)(res.targets, res.areas, old, res.gaps, res.summary)
    _, frames2 = coverage_recipe(res2, src, "existing")
    assert set(frames2["targets"]["class"]) <= {"covered", "not_covered"}
    html_page = map_to_html(build_map(recipe, frames=frames))
    assert external_references(html_page) == []


def test_isochrone_map_has_one_band_per_budget_and_names_origin_and_scenario():
    import pandas as pd

    from geosci.access import isochrone
    from geosci.recipes import isochrone_recipe
    from geosci.sketch import build_sketch

    model = build_sketch(read_layer("rail_stations"), read_layer("rail_lines"), scenario="+under_construction")
    origins = read_layer("landmarks").iloc[:1]
    iso = pd.concat([isochrone(model, origins, m) for m in (15, 30)], ignore_index=True)
    recipe, frames = isochrone_recipe(iso, origins, 30, scenario="+under_construction")
    assert origins["name_zh"].iloc[0] in recipe["title_zh"] and "15/30" in recipe["title_en"]
    assert recipe["subtitle_en"] == "Scenario: existing + under construction"
    bands = next(e for e in recipe["layers"] if e["layer"] == "isochrone")
    assert sorted(bands["styles"]) == ["15", "30"]
    assert list(frames["isochrone"]["minutes"]) == [30, 15]  # the shortest drawn last, on top
    assert set(frames["rail_lines"]["status"]) <= {"existing", "under_construction"}
    blocks = _geojson_blocks(map_to_html(build_map(recipe, frames=frames)))
    assert any(b["features"][0]["properties"].get("band") == "30" for b in blocks)


def test_extent_argument():
    from geosci.errors import ParameterError
    from geosci.mapping import parse_extent, prepare_layers, resolve_extent

    recipe = load_recipe("district")
    prepared = prepare_layers(recipe)
    core = read_layer("core_area").total_bounds
    b = resolve_extent(recipe, prepared, extent="core")
    assert b[0] < core[0] < core[2] < b[2]
    bishan = resolve_extent(recipe, prepared, extent="Bishan")
    assert bishan == resolve_extent(recipe, prepared, extent="璧山区")
    assert resolve_extent(recipe, prepared, extent="106.2,29.5,106.5,29.8") == (106.2, 29.5, 106.5, 29.8)
    for bad in ("nowhere", "106.5,29.5,106.2,29.8", "a,b,c,d"):
        with pytest.raises(ParameterError, match="extent"):
            resolve_extent(recipe, prepared, extent=bad)
    assert parse_extent("CORE") == ("core", None)


def test_every_shipped_map_draws_the_chongqing_context_when_installed():
    from geosci.catalog import list_layers

    if "chongqing_districts" not in list_layers():
        pytest.skip("this install has no chongqing_districts layer")
    for name in RECIPES:
        assert load_recipe(name)["layers"][0]["layer"] == "chongqing_districts", name


def test_scenario_comparison_in_one_picture(coverage_result):
    from geosci.recipes import comparison_recipe

    res, src = coverage_result
    recipe, frames = comparison_recipe(res, src, ("existing", "+planned"))
    assert recipe["title_en"].startswith(
        "Scenario comparison: existing + under construction + planned against existing"
    )
    changes = set(frames["targets"]["change"])
    assert changes <= {"covered_before", "newly_covered", "uncertain", "not_covered"}
    first = res.features[res.features["scenario"] == "existing"].set_index(["layer", "id"])["class"]
    for r in frames["targets"].itertuples():
        if r.change == "newly_covered":
            assert first[(r.layer, r.id)] != "covered"
    assert external_references(map_to_html(build_map(recipe, frames=frames))) == []
