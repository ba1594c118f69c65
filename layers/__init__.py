"""The curated layers of the Western (Chongqing) Science City.

GeoJSON files (WGS84) and ``catalog.json``; built by ``python -m layers.build``.
Read them through :mod:`geosci.catalog`.
"""

from __future__ import annotations

from pathlib import Path

LAYERS_DIR = Path(__file__).resolve().parent
