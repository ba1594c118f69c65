"""A result's files: tables, layers and its map (HTML or a printed page) written together."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest


@pytest.mark.browser
def test_coverage_map_as_a_printed_page(runner, tmp_path, monkeypatch):
    if shutil.which("chromium") is None or shutil.which("pdfinfo") is None:
        pytest.skip("needs Chromium and poppler-utils (apt-get install chromium poppler-utils)")
    monkeypatch.chdir(tmp_path)
    res = runner("coverage", "--radius", "800", "--target", "universities", "--scenario", "existing",
                 "--map", "cov.pdf", "--out", "cov.json", "--format", "json", "--gaps", "gaps.geojson")  # fmt: skip
    assert res.exit_code == 0, res.output
    info = subprocess.run(["pdfinfo", "cov.pdf"], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info and "(A4)" in info
    text = subprocess.run(["pdftotext", "cov.pdf", "-"], capture_output=True, text=True, check=True).stdout
    assert "800" in text and "AMap" in text  # the catchment in the title, the station data's attribution
    assert set(json.loads((tmp_path / "cov.json").read_text(encoding="utf-8"))) >= {"summary", "coverage"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cov.json", "cov.pdf", "gaps.geojson"]
