"""Map recipes: declarative JSON files naming the layers, order, styles and view of each map.

Read them through :mod:`geosci.recipes`; build maps with :func:`geosci.mapping.build_map`.
"""

from __future__ import annotations

from pathlib import Path

MAPS_DIR = Path(__file__).resolve().parent
