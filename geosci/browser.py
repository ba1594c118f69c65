"""Headless Chromium: find it and render pages to PNG, PDF or their DOM.

Used by ``geosci map --png/--pdf/--svg`` (:mod:`geosci.printing`) and by the
browser tests. The browser runs with networking features off (no background
requests, no component updates) and a fresh profile, and it is killed if it
does not finish in time. Pages are given time to draw with a virtual-time
budget: timers and loads complete as fast as they can, then the output is
taken.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from geosci.errors import GeosciError

__all__ = ["BROWSER_NAMES", "browser_args", "dump_dom", "find_browser", "print_to_pdf", "screenshot"]

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
        found = shutil.which(explicit)
        if found is None:
            raise GeosciError(f"GEOSCI_BROWSER={explicit!r} is not an executable browser")
        return found
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


def _run(html_path: str | Path, *extra: str, timeout: float) -> subprocess.CompletedProcess:
    browser = find_browser()
    uri = Path(html_path).resolve().as_uri()
    with tempfile.TemporaryDirectory(prefix="geosci-chromium-") as profile:
        try:
            return subprocess.run([browser, *browser_args(profile, *extra), uri], capture_output=True, text=True,
                                  timeout=timeout)  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            raise GeosciError(f"the browser did not finish rendering within {timeout:.0f} s") from exc


def _failed(proc: subprocess.CompletedProcess) -> GeosciError:
    last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return GeosciError(f"the browser could not render the map (exit {proc.returncode}): {last}")


def screenshot(
    html_path: str | Path,
    png_path: str | Path,
    *,
    width: int = 1600,
    height: int = 1100,
    wait_ms: int = 4000,
    timeout: float = 120.0,
    scale: float = 1.0,
) -> Path:
    """Render ``html_path`` in headless Chromium and save a PNG screenshot to ``png_path``.

    ``width`` and ``height`` are the window in CSS pixels; ``scale`` is the
    device scale factor, so the PNG is ``width * scale`` by ``height * scale``
    pixels with text and lines drawn at that resolution (not enlarged).
    """
    extra = [f"--window-size={width},{height}", f"--virtual-time-budget={wait_ms}", f"--screenshot={png_path}"]
    if scale != 1.0:
        extra.append(f"--force-device-scale-factor={scale:.6f}")
    proc = _run(html_path, *extra, timeout=timeout)
    if proc.returncode != 0 or not Path(png_path).exists():
        raise _failed(proc)
    return Path(png_path)


def print_to_pdf(html_path: str | Path, pdf_path: str | Path, *, wait_ms: int = 4000, timeout: float = 120.0) -> Path:
    """Print ``html_path`` to a vector PDF with Chromium (page size from the page's CSS ``@page``; no header/footer)."""
    proc = _run(html_path, "--no-pdf-header-footer", f"--virtual-time-budget={wait_ms}", f"--print-to-pdf={pdf_path}",
                timeout=timeout)  # fmt: skip
    if proc.returncode != 0 or not Path(pdf_path).exists() or Path(pdf_path).stat().st_size == 0:
        raise _failed(proc)
    return Path(pdf_path)


def dump_dom(
    html_path: str | Path, *, width: int = 1600, height: int = 1100, wait_ms: int = 4000, timeout: float = 120.0
) -> str:
    """Return the DOM of ``html_path`` after its scripts have run, as HTML text."""
    proc = _run(html_path, f"--window-size={width},{height}", f"--virtual-time-budget={wait_ms}", "--dump-dom",
                timeout=timeout)  # fmt: skip
    if proc.returncode != 0 or not proc.stdout:
        raise _failed(proc)
    return proc.stdout
