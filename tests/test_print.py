"""Printed pages (PDF, PNG, SVG) checked as a planner would receive them: size, text, labels, legend.

Needs headless Chromium and poppler (pdfinfo, pdftotext); skipped with a reason without them.
Pages are rendered at low dpi where the dpi is not what is tested.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from geosci.browser import dump_dom
from geosci.catalog import read_layer
from geosci.mapping import build_map, legend_entries, prepare_layers
from geosci.offline import map_to_html
from geosci.printing import Page, write_print
from geosci.recipes import list_recipes, load_recipe

pytestmark = pytest.mark.browser

if not any(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")):
    pytest.skip("no Chromium installed (apt-get install chromium): print tests skipped", allow_module_level=True)
if not shutil.which("pdfinfo") or not shutil.which("pdftotext"):
    pytest.skip("poppler-utils (pdfinfo, pdftotext) not installed: print tests skipped", allow_module_level=True)

# Appended to the page: once the labels are placed, record every label box and every drawn symbol box.
PROBE = """
<script>
window.addEventListener('load', function () {
  setTimeout(function () {
    function r(el) { var b = el.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; }
    var out = {labels: [], symbols: {}, legend: [], controls: []};
    document.querySelectorAll('.geosci-label').forEach(function (el) {
      out.labels.push({name: el.getAttribute('data-name'), box: r(el)}); });
    document.querySelectorAll('path').forEach(function (el) {
      var c = (el.getAttribute('class') || '').split(' ').filter(function (x) { return x.indexOf('geosci-') === 0; });
      if (c.length) { (out.symbols[c[0]] = out.symbols[c[0]] || []).push(r(el)); } });
    document.querySelectorAll('.geosci-legend-row').forEach(function (el) { out.legend.push(el.textContent); });
    document.querySelectorAll('.leaflet-control').forEach(function (el) { out.controls.push(el.className); });
    var map = window[document.querySelector('.folium-map').id], b = map.getBounds();
    out.bounds = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
    out.legend_fit = document.documentElement.getAttribute('data-geosci-legend');
    out.note_fit = document.documentElement.getAttribute('data-geosci-note');
    var pre = document.createElement('pre'); pre.id = 'geosci-probe';
    pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
  }, 300);
});
</script>
"""


def _probe(m, tmp_path: Path, page: Page | None = None) -> dict:
    html_path = tmp_path / "probe.html"
    html_path.write_text(map_to_html(m).replace("</body>", PROBE + "</body>"), encoding="utf-8")
    w, h = (1123, 794) if page is None else (round(page.size_mm[0] / 25.4 * 96), round(page.size_mm[1] / 25.4 * 96))
    dom = dump_dom(html_path, width=w, height=h)
    found = re.search(r'<pre id="geosci-probe">(.*?)</pre>', dom, re.S)
    assert found, "the page's scripts did not run"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def _overlap(a, b, tol=0.5) -> bool:
    return a[0] < b[2] - tol and b[0] < a[2] - tol and a[1] < b[3] - tol and b[1] < a[3] - tol


def _point_classes(recipe) -> set[str]:
    from geosci.mapping import _css_class, _geom_kind

    prepared = prepare_layers(recipe)
    return {_css_class(e) for e in recipe["layers"] if _geom_kind(prepared[e.get("id", e["layer"])]) == "point"}


def _pdfinfo(path: Path) -> dict:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


@pytest.fixture(scope="module")
def transit_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("print") / "transit.pdf"
    return write_print("transit", path, dpi=72), path


def test_pdf_is_one_a4_landscape_page_with_its_names_as_text(transit_pdf):
    result, path = transit_pdf
    info = _pdfinfo(path)
    assert info["Pages"].strip() == "1"
    w, h = (float(v) for v in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert (round(w), round(h)) == (842, 595)  # A4 landscape, points
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s", "", load_recipe("transit")["title_zh"]) in flat
    assert result.labels_placed > 0
    stations = read_layer("rail_stations")
    placed = [n for n in stations["name_zh"] if n not in " ".join(result.dropped_names)]
    on_page = [n for n in placed if n in flat]
    assert len(on_page) >= min(5, result.labels_placed // 2), (placed, result.dropped_names)
    for word in ("Legend", "km", "Sources and accuracy", "geosci"):
        assert word in text
    assert "mi" not in re.findall(r"\b\d+\s*(mi|ft)\b", text)  # no imperial scale


def test_pdf_is_vector(transit_pdf):
    _, path = transit_pdf
    if shutil.which("pdfimages"):
        out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True).stdout
        assert len(out.strip().splitlines()) <= 2  # a header and no raster image: lines are paths, text is text


def test_png_has_the_page_pixel_size_at_the_dpi(tmp_path):
    res = write_print("region", tmp_path / "r.png", dpi=300)
    head = (tmp_path / "r.png").read_bytes()[:24]
    size = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    assert size == res.pixels == (3508, 2480)


def test_portrait_a3_png_and_svg(tmp_path):
    res = write_print("district", tmp_path / "d.png", page="A3", landscape=False, dpi=60)
    assert res.pixels == Page("A3", landscape=False).pixels(60) == (702, 992)
    svg = write_print("district", tmp_path / "d.svg", dpi=60)
    assert svg.format == "svg" and (tmp_path / "d.svg").read_text()[:200].lstrip().startswith("<?xml")


@pytest.mark.parametrize("name", list_recipes())
def test_printed_page_labels_never_collide_nor_cover_symbols(name, tmp_path):
    recipe = load_recipe(name)
    page = Page("A4")
    probe = _probe(build_map(recipe, page=page), tmp_path, page)
    labels = probe["labels"]
    assert labels, "no label placed"
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert not _overlap(a["box"], b["box"]), (a["name"], b["name"])
    for cls in _point_classes(recipe):
        for box in probe["symbols"].get(cls, []):
            for lab in labels:
                assert not _overlap(lab["box"], box), (lab["name"], cls)
    # legend: exactly the rows of what is drawn; no web controls on the printed page
    rows = legend_entries(recipe, prepare_layers(recipe), lang="both", bounds=probe["bounds"])
    assert sorted(probe["legend"]) == sorted(r["label"] for r in rows)
    assert not any(re.search(r"leaflet-control-(zoom|layers|attribution)", c) for c in probe["controls"])
    assert probe["legend_fit"] == "fits" and probe["note_fit"] == "fits"


@pytest.mark.parametrize("name", list_recipes())
def test_portrait_page_keeps_the_whole_legend_and_every_source(name, tmp_path):
    """A4 portrait: the legend (in up to three columns) and the sources note, licences included, fit their boxes."""
    page = Page("A4", landscape=False)
    probe = _probe(build_map(load_recipe(name), page=page), tmp_path, page)
    assert probe["legend_fit"] == "fits" and probe["note_fit"] == "fits"


def _check_page(recipe, frames, tmp_path):
    page = Page("A4")
    probe = _probe(build_map(recipe, frames=frames, page=page), tmp_path, page)
    labels = probe["labels"]
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert not _overlap(a["box"], b["box"]), (a["name"], b["name"])
    rows = legend_entries(recipe, prepare_layers(recipe, frames=frames), lang="both", bounds=probe["bounds"])
    assert sorted(probe["legend"]) == sorted(r["label"] for r in rows)
    assert probe["legend_fit"] == "fits"
    return probe, rows


def test_coverage_result_page(tmp_path):
    from geosci.coverage import coverage
    from geosci.recipes import coverage_recipe

    src = read_layer("rail_stations")
    res = coverage(src, {"incubator_clusters": read_layer("incubator_clusters")}, radius_m=800,
                   scenarios=["+planned"])  # fmt: skip
    recipe, frames = coverage_recipe(res, src, "+planned")
    probe, rows = _check_page(recipe, frames, tmp_path)
    drawn = {c.replace("_", " ") for c in frames["targets"]["class"]}
    assert {r["label"] for r in rows if r.get("group") == "目标 Targets"} == {
        {"covered": "覆盖 covered", "uncertain": "不确定 uncertain", "not covered": "未覆盖 not covered"}[c]
        for c in drawn
    }
    named = {lab["name"] for lab in probe["labels"]}
    assert any(n.split()[0] in set(frames["targets"]["name_zh"]) for n in named)  # targets are named
    assert len(probe["symbols"]["geosci-rings"]) == len(frames["rings"])
    pdf = write_print(recipe, tmp_path / "c.pdf", frames=frames, dpi=72)
    text = subprocess.run(["pdftotext", str(pdf.path), "-"], capture_output=True, text=True, check=True).stdout
    assert "existing + under construction + planned" in text and "+planned" not in text


def test_isochrone_result_page(tmp_path):
    import pandas as pd

    from geosci.access import isochrone
    from geosci.recipes import isochrone_recipe
    from geosci.sketch import build_sketch

    model = build_sketch(read_layer("rail_stations"), read_layer("rail_lines"), scenario="existing")
    origins = read_layer("landmarks").iloc[:1]
    iso = pd.concat([isochrone(model, origins, m) for m in (15, 30, 45)], ignore_index=True)
    recipe, frames = isochrone_recipe(iso, origins, 45, scenario="existing")
    probe, rows = _check_page(recipe, frames, tmp_path)
    assert [r["label"] for r in rows if r.get("group") == "可达范围 Reachable"] == [
        "≤ 15 分钟 ≤ 15 min", "≤ 30 分钟 ≤ 30 min", "≤ 45 分钟 ≤ 45 min"]  # fmt: skip
    assert origins["name_zh"].iloc[0] in " ".join(lab["name"] for lab in probe["labels"])  # the origin is named


def test_online_tiles_without_network_is_a_warning_not_a_blank_page(tmp_path, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(socket, "create_connection", no_network)
    res = write_print("region", tmp_path / "r.pdf", tiles="osm", dpi=72)
    assert res.warnings and "cannot be reached" in res.warnings[0] and "warning:" in res.describe()


def test_interactive_map_shows_more_labels_when_zoomed_in(tmp_path):
    zoom_probe = """<script>window.addEventListener('load', function () { setTimeout(function () {
      var map = window[document.querySelector('.folium-map').id], out = {};
      out.before = JSON.parse(document.documentElement.getAttribute('data-geosci-labels'));
      map.setZoom(map.getZoom() + 2, {animate: false});
      setTimeout(function () {
        out.after = JSON.parse(document.documentElement.getAttribute('data-geosci-labels'));
        var pre = document.createElement('pre'); pre.id = 'zoom-probe'; pre.textContent = JSON.stringify(out);
        document.body.appendChild(pre); }, 300); }, 300); });</script>"""
    page = tmp_path / "zoom.html"
    page.write_text(map_to_html(build_map(load_recipe("transit"))).replace("</body>", zoom_probe + "</body>"),
                    encoding="utf-8")  # fmt: skip
    found = re.search(r'<pre id="zoom-probe">(.*?)</pre>', dump_dom(page, width=1200, height=800), re.S)
    assert found
    out = json.loads(found.group(1).replace("&quot;", '"'))
    assert out["before"]["dropped"] > 0  # at the first zoom some names have no room ...
    assert out["after"]["outside"] > out["before"]["outside"]  # ... zoomed in, the view holds fewer places
    assert out["after"]["dropped"] < out["before"]["dropped"]  # and fewer of those in view lack room


def test_interactive_map_labels_do_not_collide(tmp_path):
    probe = _probe(build_map(load_recipe("transit")), tmp_path)
    labels = probe["labels"]
    assert labels
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert not _overlap(a["box"], b["box"]), (a["name"], b["name"])


def test_cli_edge_refuses_a_suffix_that_does_not_match(tmp_path):
    from geosci.errors import ParameterError

    with pytest.raises(ParameterError, match=r"should end in \.png"):
        write_print("district", tmp_path / "x.pdf", fmt="png")
    assert not (tmp_path / "x.pdf").exists()
