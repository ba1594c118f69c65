"""Headless Chromium: find it and render pages to PNG.

Used by ``geosci map --png`` and by the browser tests. The browser runs with
networking features off (no background requests, no component updates) and
a fresh profile, and it is killed if it does not finish in time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from geosci.errors import GeosciError

__all__ = ["BROWSER_NAMES", "browser_args", "find_browser", "screenshot"]

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_browser() -> str:
    """Return the path of a Chromium-family browser.

    ``GEOSCI_BROWSER`` overrides the search.

    Raises
    ------
    GeosciError
        When none is found, saying how to install one.
    """
    explicit = os.environ.get("GEOSCI_BROWSER")
    if explicit:
        if shutil.which(explicit) is None:
            raise GeosciError(f"GEOSCI_BROWSER={explicit!r} is not an executable browser")
        return shutil.which(explicit)
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path
    raise GeosciError(
        "no Chromium or Chrome found for --png: install one (Debian/Ubuntu: apt-get install chromium) "
        "or set GEOSCI_BROWSER to its path"
    )


def browser_args(profile: str, *extra: str) -> list[str]:
    """Return headless Chromium arguments with networking features off."""
    return [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars",
        "--disable-quic", "--mute-audio", f"--user-data-dir={profile}", *extra,
    ]  # fmt: skip


def screenshot(
    html_path: str | Path,
    png_path: str | Path,
    *,
    width: int = 1600,
    height: int = 1100,
    wait_ms: int = 4000,
    timeout: float = 120.0,
) -> Path:
    """Render ``html_path`` in headless Chromium and save a PNG screenshot to ``png_path``."""
    browser = find_browser()
    html_path = Path(html_path).resolve()
    with tempfile.TemporaryDirectory(prefix="geosci-chromium-") as profile:
        args = [browser, *browser_args(profile, f"--window-size={width},{height}",
                                       f"--virtual-time-budget={wait_ms}", f"--screenshot={png_path}",
                                       html_path.as_uri())]  # fmt: skip
        try:
            proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise GeosciError(f"the browser did not finish rendering within {timeout:.0f} s") from exc
    if proc.returncode != 0 or not Path(png_path).exists():
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise GeosciError(f"the browser could not render the map (exit {proc.returncode}): {last}")
    return Path(png_path)
