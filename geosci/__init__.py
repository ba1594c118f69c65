"""geosci: spatial planning and GIS for the Western (Chongqing) Science City.

The library behind the ``geosci`` command: the curated, sourced layers of the
science city (:mod:`geosci.catalog`), coordinate systems including GCJ-02 and
BD-09 (:mod:`geosci.crs`), validation (:mod:`geosci.validate`) and atomic
output (:mod:`geosci.io`). Heavy libraries are imported inside functions, so
``import geosci`` stays quick.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
