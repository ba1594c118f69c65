"""Travel models behind one protocol, and the one factory that builds them.

Three models give door-to-door travel times: the sketch walk + rail model of
the curated layers (:func:`geosci.sketch.build_sketch`), a GTFS feed
(:func:`geosci.gtfs.build_gtfs`) and an OSM walking network, optionally
joined with a GTFS feed (:class:`geosci.realnet.NetworkModel`). Every
analysis takes any :class:`TravelModel`; :func:`make_model` chooses and
builds one from the same arguments the command line offers.

Examples
--------
>>> model = make_model(scenario="existing")
>>> model.describe()["scenario"]
'existing'
>>> isinstance(model, TravelModel)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import numpy as np
    import shapely

    from geosci.params import AccessParams

__all__ = ["CITY_NETWORK", "REGION_NETWORK", "TravelModel", "curated_network", "make_model"]

CITY_NETWORK = ("rail_stations", "rail_lines")
"""The curated city rail network (stations, lines): the science city's metro and suburban lines."""
REGION_NETWORK = ("region_rail_stations", "region_rail_lines")
"""The curated regional rail network (stations, lines) between the four starting areas."""


@runtime_checkable
class TravelModel(Protocol):
    """What every travel model offers: a metric CRS, times, isochrones and a description."""

    @property
    def crs(self) -> str:
        """Return the metric CRS its coordinates are in."""

    def times(self, origins_xy: np.ndarray, dests_xy: np.ndarray) -> np.ndarray:
        """Door-to-door seconds, shape ``(n_origins, n_destinations)``."""

    def isochrone(self, origin_xy: np.ndarray, seconds: float) -> shapely.Geometry:
        """Return the area reachable within ``seconds`` of one origin (metric polygon)."""

    def describe(self) -> dict[str, Any]:
        """Model, scenario, sources and parameters, for run summaries."""


def curated_network(layers: Sequence[object] = ()) -> tuple[str, str]:
    """Return the curated (stations, lines) that suit the layers a question is asked about.

    The regional network when any of ``layers`` is a curated layer of the
    regional scale (``region_starting_areas`` ...), whose places the city
    network cannot reach; the city network otherwise (files and frames
    included).

    Examples
    --------
    >>> curated_network(["region_starting_areas"])
    ('region_rail_stations', 'region_rail_lines')
    >>> curated_network(["incubator_clusters", "centres"])
    ('rail_stations', 'rail_lines')
    """
    from geosci.catalog import catalog

    entries = catalog()["layers"]
    regional = any(isinstance(n, str) and entries.get(n, {}).get("scale") == "region" for n in layers)
    return REGION_NETWORK if regional else CITY_NETWORK


def _network_pair(stations, lines, for_layers) -> tuple:
    """Fill in the stations or lines left unset: the partner of a curated half, else the network the layers suit."""
    if stations is None and lines is None:
        return curated_network(for_layers)
    for pair in (CITY_NETWORK, REGION_NETWORK):  # one curated half given: its own other half
        if isinstance(stations, str) and stations == pair[0] and lines is None:
            return stations, pair[1]
        if isinstance(lines, str) and lines == pair[1] and stations is None:
            return pair[0], lines
    default = curated_network(for_layers)
    return (default[0] if stations is None else stations), (default[1] if lines is None else lines)


def make_model(
    *,
    scenario: str = "existing",
    stations: str | Path | gpd.GeoDataFrame | None = None,
    lines: str | Path | gpd.GeoDataFrame | None = None,
    for_layers: Sequence[object] = (),
    network: str | Path | None = None,
    gtfs: str | Path | None = None,
    gtfs_date: str | None = None,
    params: AccessParams | None = None,
) -> TravelModel:
    """Build the travel model the arguments ask for.

    Parameters
    ----------
    scenario : {"existing", "+under_construction", "+planned"}
        Lines open in the sketch model (ignored by the GTFS and OSM models,
        whose network is what the files hold).
    stations, lines : str, path or GeoDataFrame, optional
        Stations and lines of the sketch model (catalog names, files or
        frames); by default the curated network that suits ``for_layers``
        (:func:`curated_network`). One curated half given alone
        (``rail_stations``) comes with its own other half.
    for_layers : sequence
        The layers the model will be asked about (names, files or frames):
        regional layers get the regional network by default.
    network : path, optional
        An OSM ``.osm.pbf`` extract: walk on its streets.
    gtfs : path, optional
        A GTFS feed: transit from its timetable (with ``network``: joined
        to the streets in one graph).
    gtfs_date : str, optional
        Service day of the feed, ``YYYYMMDD``.
    params : AccessParams, optional

    Returns
    -------
    TravelModel
    """
    from geosci.catalog import read_layer
    from geosci.params import AccessParams

    params = params or AccessParams()
    if gtfs_date is not None and gtfs is None:
        from geosci.errors import ParameterError

        raise ParameterError("gtfs_date", "{name} needs a GTFS feed: give gtfs as well")
    if network is not None:
        from geosci.realnet import NetworkModel, WalkNetwork

        return NetworkModel.build(WalkNetwork.from_osm(network), params=params, gtfs=gtfs, gtfs_date=gtfs_date)
    if gtfs is not None:
        from geosci.gtfs import build_gtfs

        return build_gtfs(gtfs, params=params, date=gtfs_date)
    from geosci.sketch import build_sketch

    stations, lines = _network_pair(stations, lines, for_layers)

    def frame(value):
        return value if hasattr(value, "geometry") else read_layer(value)

    model = build_sketch(frame(stations), frame(lines), params=params, scenario=scenario)
    named = [str(v) for v in (stations, lines) if not hasattr(v, "geometry")]
    if named:
        model.sources = (f"layers: {', '.join(named)}",)
    return model
