"""Shared fixtures: paths to ../shared (design, seeds, sample data)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (a user's clone): the shared seeds and sample data live beside the repo in CI")
    return SHARED


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    return shared_dir / "seeds"


@pytest.fixture()
def runner():
    """Run ``geosci ARGS`` in-process; returns click's Result (stdout and stderr apart)."""
    from click.testing import CliRunner

    from geosci.commands import main

    def run(*args: str, **kwargs):
        return CliRunner().invoke(main, list(args), **kwargs)

    return run
