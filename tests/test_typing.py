"""The library type-checks: mypy, configured in setup.cfg, finds no error in geosci/."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_mypy_finds_no_error():
    api = pytest.importorskip("mypy.api", reason="mypy is in the test extra: pip install -e '.[test]'")
    out, err, status = api.run(["--config-file", str(REPO / "setup.cfg"), "--no-incremental", str(REPO / "geosci")])
    assert status == 0, out + err
