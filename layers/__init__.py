"""The curated layers of the Western (Chongqing) Science City.

WGS84 GeoJSON files, CSV tables and ``catalog.json`` (installed as
``geosci.layers``). They are built, reproducibly, from the data files of
``layers/sources/`` (not installed; their schema is in
``layers/sources/README.md``) by ``python tools/build_layers.py`` in a
checkout. Read them through :mod:`geosci.catalog`.
"""

from __future__ import annotations

from pathlib import Path

LAYERS_DIR = Path(__file__).resolve().parent
