"""The README's set-up commands are real and its data section covers every layer."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from geosci.catalog import list_layers, list_tables

README = Path(__file__).resolve().parents[1] / "README.md"


def _block(marker: str) -> str:
    text = README.read_text(encoding="utf-8")
    m = re.search(rf"<!-- {marker} -->\s*```\n(.*?)\n```\s*<!-- /{marker} -->", text, re.S)
    assert m, f"README has no {marker} block"
    return m.group(1).strip()


def test_readme_mentions_every_layer_and_table():
    text = README.read_text(encoding="utf-8")
    for name in list_layers() + list_tables():
        assert f"`{name}`" in text, name


def test_main_command_runs(tmp_path):
    if shutil.which("geosci") is None:
        pytest.skip("the geosci command is not installed (pip install . first)")
    steps = [s.strip() for s in _block("main-command").split("&&")]
    assert steps[0].startswith("pip install")
    for step in steps[1:]:  # the install itself is what the test run already did
        args = shlex.split(step)
        assert args[0] == "geosci"
        proc = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "districts.geojson").stat().st_size > 100_000
    assert "geosci-datum" in (tmp_path / "district.html").read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command():
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "test-command" in ci and _block("test-command").startswith("pip install")


def readme_geosci_lines() -> list[str]:
    """Every command line of the README's code blocks that runs geosci, in order."""
    text = README.read_text(encoding="utf-8")
    lines = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("geosci ") or line == "geosci":
                lines.append(line)
            elif line.startswith("pip install") and "&&" in line:
                lines += [p.strip() for p in line.split("&&")[1:] if p.strip().startswith("geosci")]
    return lines


@pytest.mark.slow
def test_every_readme_line_runs_as_printed(tmp_path):
    """Each geosci line of the README, in order, in one fresh folder, exits 0 (and again: re-runnable)."""
    if shutil.which("geosci") is None:
        pytest.skip("the geosci command is not installed (pip install . first)")
    lines = readme_geosci_lines()
    assert len(lines) >= 20
    for line in lines:
        args = shlex.split(line, comments=True)
        proc = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, f"{line}\n{proc.stderr[-2000:]}"
        assert "Traceback" not in proc.stderr, line
    for line in lines:  # a second run in the same folder: nothing fails because an earlier run wrote its output
        if "--png" in line or "--pdf" in line or "report" in line:
            continue  # the browser and document lines take the most time; their --overwrite is checked above
        proc = subprocess.run(shlex.split(line, comments=True), cwd=tmp_path, capture_output=True, text=True,
                              timeout=300)  # fmt: skip
        assert proc.returncode == 0, f"second run: {line}\n{proc.stderr[-2000:]}"
