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
    writes = ("--out", "--pdf", "--png", "--svg", "--map", "--gaps")
    for line in lines:  # re-runnable: every line that writes a file replaces its own output
        if any(f" {w} " in f" {line} " for w in writes):
            assert "--overwrite" in line, f"re-running this README line would fail: {line}"
    for line in [ln for ln in lines if " --out " in ln][:3]:  # and a second run of some proves it
        proc = subprocess.run(shlex.split(line, comments=True), cwd=tmp_path, capture_output=True, text=True,
                              timeout=300)  # fmt: skip
        assert proc.returncode == 0, f"second run: {line}\n{proc.stderr[-2000:]}"


def test_readme_data_table_is_the_catalog():
    """The README's layer table is what tools/readme_tables.py makes from the catalog today."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("readme_tables", README.parent / "tools" / "readme_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert _plain_block("layers-table") == module.layers_table().strip(), "run python tools/readme_tables.py"


def _plain_block(marker: str) -> str:
    text = README.read_text(encoding="utf-8")
    m = re.search(rf"<!-- {marker} -->\n(.*?)\n<!-- /{marker} -->", text, re.S)
    assert m, f"README has no {marker} block"
    return m.group(1).strip()


def test_readme_coverage_example_is_what_the_command_prints(runner):
    res = runner("coverage", "--radius", "800", "--target", "incubator_clusters", "--target", "universities",
                 "--format", "md")  # fmt: skip
    assert res.exit_code == 0, res.output
    printed = _plain_block("coverage-example")
    assert res.stdout.startswith(printed + "\n"), res.stdout[:2000]
