"""geosci.report and `geosci report`: documents whose numbers are the run's numbers."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

import geosci.report as report_mod
from geosci.commands import main
from geosci.coverage import measure
from geosci.report import cell_text, coverage_report, district_report, indicators_report

RUN = {"radius_m": 800, "scenarios": ["existing", "+planned"], "targets": ["incubator_clusters", "universities"]}


def tiny_png(width: int = 8, height: int = 6) -> bytes:
    """A real PNG (grey pixels), so documents can embed pictures without a browser."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


@pytest.fixture
def no_browser(monkeypatch):
    """Map pictures as a tiny PNG: the document tests do not need Chromium."""
    calls = []

    def fake(recipe, **kwargs):
        calls.append(recipe)
        return tiny_png()

    monkeypatch.setattr(report_mod, "map_picture", fake)
    return calls


def captions(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == "Caption"]


def table_after(document, caption_start: str):
    """The Word table that follows the caption paragraph starting with ``caption_start``."""
    body = list(document.element.body.iterchildren())
    for i, el in enumerate(body):
        if el.tag == qn("w:p") and "".join(t.text or "" for t in el.iter(qn("w:t"))).startswith(caption_start):
            nxt = body[i + 1]
            assert nxt.tag == qn("w:tbl"), f"no table after {caption_start}"
            return next(t for t in document.tables if t._tbl is nxt)
    raise AssertionError(f"no caption {caption_start!r}")


def test_coverage_docx_has_the_runs_numbers(tmp_path, no_browser):
    rep = coverage_report(**RUN)
    out = tmp_path / "coverage.docx"
    assert rep.write(out) == [out]
    doc = docx.Document(out)
    caps = captions(doc)
    assert caps[0].startswith("图1 现状情景") and caps[1].startswith("图2 现状+在建+规划情景")
    assert [c.split(" ")[0] for c in caps if c.startswith("表")][:3] == ["表1", "表2", "表3"]
    assert len(doc.inline_shapes) == 2 == len(no_browser)  # one map per scenario, embedded
    section = doc.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    assert all(abs(s.width - text_width) < 10 for s in doc.inline_shapes)  # at text width
    # the totals table equals an independent run of the same analysis
    res = measure("rail_stations", targets=RUN["targets"], radius_m=800, scenarios=RUN["scenarios"])
    expected = res.targets[res.targets["zone"] == "(all)"]
    table = table_after(doc, "表1")
    header = [c.text for c in table.rows[0].cells]
    assert header == ["图层", "情景", "数量", "覆盖", "不确定", "未覆盖", "覆盖率"]
    rows = {(r.cells[0].text, r.cells[1].text): [c.text for c in r.cells] for r in table.rows[1:]}
    assert len(rows) == len(expected)
    t1 = rep.tables()[0]
    for r in expected.itertuples():
        key = (cell_text(t1, "layer", r.layer), cell_text(t1, "scenario", r.scenario))
        cells = rows[key]
        assert cells[2:] == [str(r.n), str(r.covered), str(r.uncertain), str(r.not_covered),
                             cell_text(t1, "share", r.share)]  # fmt: skip
    assert cell_text(t1, "share", 0.125) == "12.5%"
    # uncertain results are named as such, with the rule under the table
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "不确定" in body and "位置精度" in body
    # closing section: parameters and each layer's source and accuracy
    assert "参数与方法" in body and "数据来源与精度说明" in body
    assert "五大专业孵化集群（incubator_clusters）" in body and "精度：±1,500 m." in body
    # Chinese fonts: East-Asian font and language set on the body text
    rfonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "SimSun"


def test_english_captions_and_transcribed_indicators(tmp_path):
    out = tmp_path / "indicators.docx"
    indicators_report(lang="en").write(out)
    doc = docx.Document(out)
    assert captions(doc)[:2] == [
        "Table 1. High-tech Zone 14th Five-Year S&T indicators, 2020 and 2025 targets",
        "Table 2. Western Science City national targets for 2025",
    ]
    table = table_after(doc, "Table 1.")
    assert [c.text for c in table.rows[0].cells] == ["No.", "Indicator", "Unit", "2020", "2025 target", "Type"]
    first = [c.text for c in table.rows[1].cells]
    assert first == ["1", "R&D expenditure as share of GDP", "%", "4.9", "5.5", "expected"]
    assert [c.text for c in table.rows[13].cells][3:5] == ["664", "2,500"]  # numbers, formatted
    assert [c.text for c in table.rows[7].cells][3] == ""  # "-" in the source: no value
    assert "transcribed" in "\n".join(p.text for p in doc.paragraphs)


def test_district_report_counts_are_the_joins(tmp_path, no_browser):
    from geosci.catalog import read_layer
    from geosci.joins import join

    rep = district_report(layers=["incubator_clusters", "universities"])
    overview = rep.tables()[0].frame.set_index("zone")
    districts = read_layer("districts")
    for name in ("incubator_clusters", "universities"):
        counts = join(read_layer(name), districts)["zone"].value_counts()
        assert overview[name].to_dict() == {z: int(counts.get(z, 0)) for z in overview.index}
    out = tmp_path / "districts.html"
    rep.write(out)
    page = out.read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 1 and 'src="http' not in page
    assert "图1 一核五区片区图" in page and "功能定位：科学城新一代信息技术产业制造高地" in page


def test_markdown_with_picture_folder(tmp_path, no_browser):
    out = tmp_path / "cov.md"
    written = coverage_report(radius_m=800, scenarios=["existing"], targets=["universities"]).write(out)
    assert written == [out, tmp_path / "cov_files" / "figure-1.png"]
    text = out.read_text(encoding="utf-8")
    assert "![图1 " in text and "(cov_files/figure-1.png)" in text and "**表1 各情景覆盖对比（全域）**" in text
    assert written[1].read_bytes() == tiny_png()
    with pytest.raises(FileExistsError):
        indicators_report().write(out)


def test_cli(tmp_path):
    runner = CliRunner()
    out = tmp_path / "ind.docx"
    res = runner.invoke(main, ["report", "indicators", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert captions(docx.Document(out))[0].startswith("表1 ")
    again = runner.invoke(main, ["report", "indicators", "--out", str(out)])
    assert again.exit_code == 2 and "exists: pass --overwrite" in again.output
    bad = runner.invoke(main, ["report", "indicators", "--out", str(tmp_path / "ind.pdf")])
    assert bad.exit_code == 2 and "--out" in bad.output and ".docx, .html or .md" in bad.output
    res = runner.invoke(main, ["report", "coverage", "--radius", "800", "--scenario", "existing", "--target",
                               "universities", "--no-maps", "--out", str(tmp_path / "c.docx")])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert len(docx.Document(tmp_path / "c.docx").inline_shapes) == 0


@pytest.mark.browser
def test_real_map_picture(tmp_path):
    from geosci.browser import find_browser
    from geosci.errors import GeosciError

    try:
        find_browser()
    except GeosciError:
        pytest.skip("no Chromium installed: the real map picture is not tested")
    out = tmp_path / "c.docx"
    coverage_report(radius_m=800, scenarios=["existing"], targets=["universities"], map_dpi=40).write(out)
    doc = docx.Document(out)
    assert len(doc.inline_shapes) == 1
    blob = doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    png = doc.part.related_parts[blob].blob
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000  # a drawn map, not a blank


@pytest.mark.slow
def test_libreoffice_converts_to_pdf(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (Debian: apt-get install libreoffice-writer)")
    src = tmp_path / "ind.docx"
    indicators_report().write(src)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=180)  # fmt: skip
    pdf = tmp_path / "ind.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "表1重庆高新区" in text.replace(" ", "") and "R&D" in text
