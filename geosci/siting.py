"""Siting: where the next stop, incubator or service should go, with the existing sites kept.

Coverage (:mod:`geosci.coverage`) says what a catchment misses; siting says
where to act. Three location models are solved exactly as integer programs
with :func:`scipy.optimize.milp` (the HiGHS solver SciPy ships, so no new
dependency and no external solver binary):

- **MCLP**, maximal covering (Church and ReVelle 1974): ``k`` new sites that
  cover the most demand weight;
- **LSCP**, location set covering (Toregas et al. 1971): the fewest new sites
  that cover all demand;
- **p-median** (Hakimi 1964; ReVelle and Swain 1970): ``k`` new sites that
  minimise the weighted distance (or time) from each demand to its nearest
  site.

Existing sites are fixed: they are open in every solution and count toward
coverage, so the models choose only among the candidates. The costs come
from one cost function, :class:`Reach`, over the engines coverage uses:
straight-line distance in a metric CRS with coverage's exact-circle rule
(KD-tree pairs, no buffers), walking distance on an OSM street network, or
door-to-door minutes of a :class:`geosci.models.TravelModel`. With the
existing sites alone, the classes agree with what ``geosci coverage``
reports.

Positional accuracy is counted as coverage counts it: a demand is *covered*
when some open site reaches it even if both positions are off by their
``accuracy_m`` (``d + a_d + a_s <= r``), *uncertain* when it might be
reached (``d - a_d - a_s <= r``), *not covered* otherwise. The objective is
certain coverage; among the solutions that reach the best certain coverage,
the one that leaves the most demand at least *uncertain* is chosen (a
second, exact solve), and uncertain demand is reported apart, never counted
as covered (unless ``count_uncertain``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from geosci.errors import DataError, ParameterError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd
    import scipy.sparse as sp

    from geosci.models import TravelModel
    from geosci.params import AccessParams
    from geosci.realnet import WalkNetwork

__all__ = [
    "MAX_CANDIDATES",
    "MODELS",
    "TRAVEL",
    "Reach",
    "SitingResult",
    "Solution",
    "grid_candidates",
    "maximal_coverage",
    "p_median",
    "set_cover",
    "site",
    "siting_recipe",
    "write_result",
    "zone_geometry",
]

MODELS = ("mclp", "lscp", "pmedian")
"""The location models: maximal covering, location set covering, p-median."""

TRAVEL = ("walk", "transit")
"""How ``minutes`` are travelled: walking (as ``geosci coverage``) or door to door by a travel model."""

MAX_CANDIDATES = 200_000
"""Most candidate sites a grid may give; a finer grid is refused with the spacing that would fit."""

MAX_PAIRS = 3_000_000
"""Most demand-site pairs a p-median model may hold (its assignment variables)."""


# --------------------------------------------------------------------------- the one cost function
@dataclass
class Reach:
    """Costs from demand to sites and the catchment threshold: the one cost function of every model.

    Parameters
    ----------
    engine : {"straight", "network", "travel"}
        ``straight``: straight-line metres in ``crs`` (KD-tree, as
        :func:`geosci.coverage.classify`); ``network``: walking metres on a
        :class:`geosci.realnet.WalkNetwork`; ``travel``: door-to-door seconds
        of a :class:`geosci.models.TravelModel` from each demand to each site.
    threshold : float
        The catchment, in the engine's unit (metres or seconds).
    crs : str
        The metric CRS of all coordinates.
    params : AccessParams
        Walking speed and circuity (to turn positional accuracy into seconds
        for the ``travel`` engine).
    network, model : optional
        The street network or travel model of those engines.

    Examples
    --------
    >>> from geosci.params import AccessParams
    >>> r = Reach("straight", 800.0, "EPSG:4544", AccessParams())
    >>> i, j, c = r.pairs(np.array([[0.0, 0.0], [900.0, 0.0]]), np.array([[0.0, 700.0]]), 1200.0)
    >>> i.tolist(), j.tolist(), c.round(1).tolist()
    ([0, 1], [0, 0], [700.0, 1140.2])
    """

    engine: str
    threshold: float
    crs: str
    params: AccessParams
    network: Any = None
    model: Any = None

    @property
    def unit(self) -> str:
        """``"m"`` or ``"s"``."""
        return "s" if self.engine == "travel" else "m"

    def slack(self, accuracy_m):
        """Return positional accuracy (metres) in the cost unit."""
        acc = np.asarray(accuracy_m, dtype=float)
        return self.params.walk_seconds(acc) if self.engine == "travel" else acc

    def matrix(self, demand_xy: np.ndarray, sites_xy: np.ndarray, *, limit: float = np.inf) -> np.ndarray:
        """Return the dense cost matrix ``(n_demand, n_sites)``; ``inf`` beyond ``limit`` (network) or unreachable."""
        demand_xy = np.asarray(demand_xy, dtype=float).reshape(-1, 2)
        sites_xy = np.asarray(sites_xy, dtype=float).reshape(-1, 2)
        if len(demand_xy) == 0 or len(sites_xy) == 0:
            return np.full((len(demand_xy), len(sites_xy)), np.inf)
        if self.engine == "straight":
            from scipy.spatial.distance import cdist

            return cdist(demand_xy, sites_xy)
        if self.engine == "network":
            from geosci.graph import shortest_from

            matrix, virtual, _ = self.network._with_sources(sites_xy)
            dist = shortest_from(matrix, virtual, limit=limit)  # (n_sites, n_nodes + n_sites)
            node, snap = self.network.snap(demand_xy)
            return (dist[:, node] + snap[None, :]).T
        return np.asarray(self.model.times(demand_xy, sites_xy), dtype=float)

    def pairs(
        self, demand_xy: np.ndarray, sites_xy: np.ndarray, limit: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the demand-site pairs within ``limit``: demand index, site index, cost."""
        demand_xy = np.asarray(demand_xy, dtype=float).reshape(-1, 2)
        sites_xy = np.asarray(sites_xy, dtype=float).reshape(-1, 2)
        if len(demand_xy) == 0 or len(sites_xy) == 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0)
        if self.engine == "straight":  # the pairs of geosci.coverage.classify
            from scipy.spatial import cKDTree

            p = cKDTree(demand_xy).sparse_distance_matrix(cKDTree(sites_xy), limit, output_type="ndarray")
            return p["i"].astype(np.int64), p["j"].astype(np.int64), p["v"].astype(float)
        cost = self.matrix(demand_xy, sites_xy, limit=limit)
        i, j = np.nonzero(cost <= limit)
        return i.astype(np.int64), j.astype(np.int64), cost[i, j]

    def describe(self) -> dict[str, Any]:
        """Describe the cost function for run summaries."""
        method = {
            "straight": "straight-line distance, exact circles (KD-tree pairs) in a metric CRS, as geosci coverage",
            "network": f"walking distance on the street network {self.network.source if self.network else ''}",
            "travel": "door-to-door minutes from each demand to each site by the travel model",
        }[self.engine]
        out = {"method": method, "threshold": round(self.threshold, 1), "unit": self.unit, "metric_crs": self.crs}
        if self.model is not None:
            out["travel_model"] = self.model.describe()
        return out


def _reach_sets(reach: Reach, demand_xy, demand_acc, sites_xy, sites_acc):
    """Certain and possible coverage of each demand by each site, as boolean CSR matrices, and the pair costs."""
    import scipy.sparse as sp

    demand_acc = np.nan_to_num(np.asarray(demand_acc, dtype=float), nan=0.0)
    sites_acc = np.nan_to_num(np.asarray(sites_acc, dtype=float), nan=0.0)
    max_slack = float(reach.slack((demand_acc.max() if len(demand_acc) else 0.0)
                                  + (sites_acc.max() if len(sites_acc) else 0.0)))  # fmt: skip
    i, j, c = reach.pairs(demand_xy, sites_xy, reach.threshold + max_slack)
    slack = reach.slack(demand_acc[i] + sites_acc[j])
    shape = (len(demand_xy), len(sites_xy))
    sure = c + slack <= reach.threshold
    maybe = c - slack <= reach.threshold
    as_csr = lambda keep: sp.csr_matrix((np.ones(int(keep.sum()), dtype=bool), (i[keep], j[keep])), shape=shape)  # noqa: E731
    return as_csr(sure), as_csr(maybe), (i, j, c)


# --------------------------------------------------------------------------- the exact solvers
@dataclass
class Solution:
    """One solve of a location model.

    Attributes
    ----------
    chosen : ndarray of int
        Indices of the candidates chosen.
    objective : float
        Its objective: weight covered for MCLP (existing coverage included),
        number of new sites for LSCP, total weighted cost for p-median.
    bound : float
        The best bound the solver proved (equal to ``objective`` when optimal).
    status : str
        ``"optimal"`` or ``"time limit"`` (the best solution found, with ``bound``).
    gap : float
        Relative gap between ``objective`` and ``bound``.
    seconds : float
        Solver time.
    possible : float, optional
        MCLP: weight at least uncertainly covered (the tie-break objective).
    """

    chosen: np.ndarray
    objective: float
    bound: float
    status: str = "optimal"
    gap: float = 0.0
    seconds: float = 0.0
    possible: float | None = None

    @property
    def optimal(self) -> bool:
        """Whether the solution is proven optimal."""
        return self.status == "optimal"


def _milp(c, constraints, integrality, *, time_limit: float, what: str):
    from scipy.optimize import Bounds, milp

    t0 = time.perf_counter()
    res = milp(c=c, constraints=constraints, integrality=integrality, bounds=Bounds(0, 1),
               options={"time_limit": float(time_limit), "mip_rel_gap": 0.0, "presolve": True})  # fmt: skip
    seconds = time.perf_counter() - t0
    if res.status == 2:
        raise DataError(f"the {what} model is infeasible")
    if res.x is None:
        raise DataError(f"no {what} solution found within the time limit of {time_limit:g} s: "
                        "raise --time-limit or use fewer candidates (a coarser grid)")  # fmt: skip
    status = "optimal" if res.status == 0 else "time limit"
    bound = res.mip_dual_bound if getattr(res, "mip_dual_bound", None) is not None else res.fun
    return res, status, float(bound), float(getattr(res, "mip_gap", 0.0) or 0.0), seconds


def _as_bool_csc(matrix) -> sp.csc_matrix:
    import scipy.sparse as sp

    return sp.csc_matrix(matrix, dtype=bool)


def maximal_coverage(
    sure,
    weight: np.ndarray,
    k: int,
    *,
    covered: np.ndarray | None = None,
    maybe=None,
    maybe_covered: np.ndarray | None = None,
    time_limit: float = 60.0,
) -> Solution:
    """Choose ``k`` candidates that cover the most demand weight, the existing coverage kept (MCLP).

    Solved exactly: maximise certain coverage; then, holding it, maximise
    the weight at least possibly covered (``maybe``), so that among equally
    good answers the one leaving least demand wholly out is returned.

    Parameters
    ----------
    sure : sparse or dense bool array ``(n_demand, n_candidates)``
        Which candidate covers which demand (with certainty).
    weight : ndarray
        Demand weights.
    k : int
        Most candidates to choose (fewer only when more would add nothing).
    covered : ndarray of bool, optional
        Demand already covered by the existing sites.
    maybe, maybe_covered : optional
        Possible coverage by the candidates and by the existing sites.
    time_limit : float
        Seconds per solve; past it the best solution found is returned with
        the proven bound.

    Returns
    -------
    Solution

    Examples
    --------
    >>> cover = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1]], dtype=bool)
    >>> s = maximal_coverage(cover, np.array([1.0, 1.0, 1.0, 5.0]), 2)
    >>> s.chosen.tolist(), s.objective
    ([1, 2], 7.0)
    >>> maximal_coverage(cover, np.ones(4), 1, covered=np.array([True, True, False, False])).objective
    3.0
    """
    import scipy.sparse as sp
    from scipy.optimize import LinearConstraint

    sure = _as_bool_csc(sure)
    n_d, n_c = sure.shape
    weight = np.asarray(weight, dtype=float)
    covered = np.zeros(n_d, dtype=bool) if covered is None else np.asarray(covered, dtype=bool)
    base = float(weight[covered].sum())
    rows = np.flatnonzero(~covered & (np.asarray(sure.sum(axis=1)).ravel() > 0) & (weight > 0))
    maybe = _as_bool_csc(maybe) if maybe is not None else None
    maybe_covered = covered if maybe_covered is None else np.asarray(maybe_covered, dtype=bool) | covered
    base_maybe = float(weight[maybe_covered].sum())
    if k <= 0 or n_c == 0:
        return Solution(np.empty(0, dtype=np.int64), base, base, possible=base_maybe if maybe is not None else None)
    s_r = sure[rows].astype(float)
    n_r = len(rows)
    x_sum = sp.hstack([sp.csr_matrix(np.ones((1, n_c))), sp.csr_matrix((1, n_r))])
    link = sp.hstack([-s_r, sp.identity(n_r)])
    cons = [LinearConstraint(link, -np.inf, 0), LinearConstraint(x_sum, 0, k)]
    c = np.concatenate([np.zeros(n_c), -weight[rows]])
    integ = np.concatenate([np.ones(n_c), np.zeros(n_r)])
    res, status, bound, gap, seconds = _milp(c, cons, integ, time_limit=time_limit, what="maximal covering")
    best = -float(res.fun)
    x = res.x[:n_c]
    possible = None
    if maybe is not None and status == "optimal":
        q = np.flatnonzero(~maybe_covered & (np.asarray(maybe.sum(axis=1)).ravel() > 0) & (weight > 0))
        m_q = maybe[q].astype(float)
        n_q = len(q)
        cons2 = [
            LinearConstraint(sp.hstack([link, sp.csr_matrix((n_r, n_q))]), -np.inf, 0),
            LinearConstraint(sp.hstack([x_sum, sp.csr_matrix((1, n_q))]), 0, k),
            LinearConstraint(sp.hstack([-m_q, sp.csr_matrix((n_q, n_r)), sp.identity(n_q)]), -np.inf, 0),
            LinearConstraint(sp.csr_matrix(np.concatenate([np.zeros(n_c), weight[rows], np.zeros(n_q)])[None, :]),
                             best - 1e-6 * max(1.0, abs(best)), np.inf),
        ]  # fmt: skip
        c2 = np.concatenate([np.zeros(n_c + n_r), -weight[q]])
        integ2 = np.concatenate([np.ones(n_c), np.zeros(n_r + n_q)])
        res2, status2, _, _, seconds2 = _milp(c2, cons2, integ2, time_limit=time_limit, what="maximal covering")
        seconds += seconds2
        if status2 == "optimal":
            x = res2.x[:n_c]
            possible = base_maybe - float(res2.fun)
    chosen = np.flatnonzero(x > 0.5)
    # the objective recomputed from the choice, so it is exact whatever the solver's tolerances
    hit = covered | (np.asarray(sure[:, chosen].sum(axis=1)).ravel() > 0)
    objective = float(weight[hit].sum())
    if possible is None and maybe is not None:
        hit_m = maybe_covered | hit | (np.asarray(maybe[:, chosen].sum(axis=1)).ravel() > 0)
        possible = float(weight[hit_m].sum())
    return Solution(chosen, objective, base - bound if status != "optimal" else objective, status, gap, seconds,
                    possible)  # fmt: skip


def set_cover(sure, *, covered: np.ndarray | None = None, time_limit: float = 60.0) -> Solution:
    """Choose the fewest candidates that, with the existing sites, cover every demand (LSCP).

    Parameters
    ----------
    sure : sparse or dense bool array ``(n_demand, n_candidates)``
    covered : ndarray of bool, optional
        Demand already covered by the existing sites.
    time_limit : float

    Raises
    ------
    DataError
        When some demand is covered by no candidate and no existing site
        (:func:`site` names it).

    Examples
    --------
    >>> cover = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1]], dtype=bool)
    >>> s = set_cover(cover)
    >>> s.chosen.tolist(), s.objective
    ([0, 1, 2], 3.0)
    >>> set_cover(cover, covered=np.array([True, False, False, False])).chosen.tolist()
    [1, 2]
    """
    from scipy.optimize import LinearConstraint

    sure = _as_bool_csc(sure)
    n_d, n_c = sure.shape
    covered = np.zeros(n_d, dtype=bool) if covered is None else np.asarray(covered, dtype=bool)
    rows = np.flatnonzero(~covered)
    counts = np.asarray(sure[rows].sum(axis=1)).ravel()
    if (counts == 0).any():
        raise DataError(f"{int((counts == 0).sum())} demand features are covered by no candidate: "
                        f"the first is demand {int(rows[counts == 0][0])}")  # fmt: skip
    if len(rows) == 0:
        return Solution(np.empty(0, dtype=np.int64), 0.0, 0.0)
    res, status, bound, gap, seconds = _milp(np.ones(n_c), [LinearConstraint(sure[rows].astype(float), 1, np.inf)],
                                             np.ones(n_c), time_limit=time_limit, what="set covering")  # fmt: skip
    chosen = np.flatnonzero(res.x > 0.5)
    return Solution(chosen, float(len(chosen)), float(np.ceil(bound - 1e-9)), status, gap, seconds)


def p_median(
    cost: np.ndarray,
    weight: np.ndarray,
    k: int,
    *,
    base: np.ndarray | None = None,
    time_limit: float = 60.0,
) -> Solution:
    """Choose ``k`` candidates minimising the weighted cost from each demand to its nearest open site (p-median).

    Parameters
    ----------
    cost : ndarray ``(n_demand, n_candidates)``
        Cost from each demand to each candidate (``inf``: unreachable).
    weight : ndarray
        Demand weights.
    k : int
        Candidates to open.
    base : ndarray, optional
        Cost from each demand to its nearest existing site (``inf`` or
        absent: none). Only the candidates nearer than that enter the model,
        which keeps it exact and small.
    time_limit : float

    Returns
    -------
    Solution
        ``objective`` is the total weighted cost over the demand some open
        site reaches (demand no site reaches is left out; :func:`site` reports it).

    Examples
    --------
    >>> cost = np.array([[0.0, 5, 9], [4, 1, 9], [9, 2, 1], [9, 9, 0]])
    >>> s = p_median(cost, np.ones(4), 2)
    >>> s.chosen.tolist(), s.objective
    ([0, 2], 5.0)
    >>> p_median(cost, np.ones(4), 1, base=np.array([0.0, 1, 9, 9])).objective
    2.0
    """
    import scipy.sparse as sp
    from scipy.optimize import LinearConstraint

    cost = np.asarray(cost, dtype=float)
    n_d, n_c = cost.shape
    weight = np.asarray(weight, dtype=float)
    base = np.full(n_d, np.inf) if base is None else np.asarray(base, dtype=float)
    has_base = np.isfinite(base)
    better = np.isfinite(cost) & (cost < base[:, None])
    reachable = has_base | better.any(axis=1)
    fixed = float((weight * np.where(has_base, base, 0.0))[reachable].sum())
    if k <= 0 or n_c == 0 or not better.any():
        return Solution(np.empty(0, dtype=np.int64), fixed, fixed)
    i, j = np.nonzero(better)
    if len(i) > MAX_PAIRS:
        raise ParameterError(
            "candidates",
            f"the p-median model would hold {len(i):,} demand-site pairs (most "
            f"{MAX_PAIRS:,}): use fewer candidates (a coarser grid) or less demand",
        )
    n_p = len(i)
    coef = weight[i] * np.where(has_base[i], cost[i, j] - base[i], cost[i, j])
    c = np.concatenate([np.zeros(n_c), coef])
    # each demand: assigned to at most one new site (exactly one when no existing site reaches it)
    assign = sp.csr_matrix((np.ones(n_p), (i, n_c + np.arange(n_p))), shape=(n_d, n_c + n_p))
    lo = np.where(has_base, 0.0, np.where(reachable, 1.0, 0.0))
    pair = np.arange(n_p)
    link = sp.csr_matrix(
        (
            np.concatenate([np.ones(n_p), -np.ones(n_p)]),
            (np.concatenate([pair, pair]), np.concatenate([n_c + pair, j])),
        ),
        shape=(n_p, n_c + n_p),
    )
    x_sum = sp.csr_matrix((np.ones(n_c), (np.zeros(n_c, dtype=int), np.arange(n_c))), shape=(1, n_c + n_p))
    need_all = not has_base[reachable].all()
    cons = [LinearConstraint(assign, lo, 1), LinearConstraint(link, -np.inf, 0),
            LinearConstraint(x_sum, 1 if need_all else 0, k)]  # fmt: skip
    integ = np.concatenate([np.ones(n_c), np.zeros(n_p)])
    res, status, bound, gap, seconds = _milp(c, cons, integ, time_limit=time_limit, what="p-median")
    chosen = np.flatnonzero(res.x[:n_c] > 0.5)
    best = np.where(has_base, base, np.inf)
    if len(chosen):
        best = np.minimum(best, cost[:, chosen].min(axis=1))
    objective = float((weight * best)[reachable & np.isfinite(best)].sum())
    return Solution(chosen, objective, fixed + bound if status != "optimal" else objective, status, gap, seconds)


# --------------------------------------------------------------------------- candidates
def zone_geometry(name: str, *, zones: str | Path | gpd.GeoDataFrame = "districts", zone_field: str = "name_zh"):
    """Return the WGS84 polygon of a zone: ``"core"`` (the core_area layer) or a zone of ``zones`` by name.

    A zone matches its ``zone_field`` value, its ``name_en`` or its ``id``.

    Examples
    --------
    >>> [zone_geometry(z).geom_type in ("Polygon", "MultiPolygon") for z in ("沙坪坝区", "core")]
    [True, True]
    """
    import shapely

    from geosci.catalog import read_layer

    if str(name).strip().lower() == "core":
        return shapely.union_all(read_layer("core_area").geometry.values)
    frame = cast("gpd.GeoDataFrame", zones) if hasattr(zones, "geometry") else read_layer(zones)
    frame = frame.to_crs(4326)
    for col in (zone_field, "name_en", "id"):
        if col in frame.columns:
            hit = frame[frame[col].astype(str).str.strip().str.lower() == str(name).strip().lower()]
            if len(hit):
                return shapely.union_all(hit.geometry.values)
    names = ", ".join(frame[zone_field].astype(str)) if zone_field in frame.columns else ""
    raise ParameterError("within", f"{{name}} {name!r} is not a zone: use core or one of {names}")


def grid_candidates(area, spacing_m: float, *, crs: str) -> np.ndarray:
    """Return the points of a square grid of ``spacing_m`` inside ``area`` (a metric polygon), as ``(n, 2)``.

    The grid is aligned to multiples of the spacing in ``crs``, so the same
    area and spacing always give the same points.

    Examples
    --------
    >>> import shapely
    >>> grid_candidates(shapely.box(0, 0, 1000, 600), 500, crs="EPSG:4544").tolist()
    [[0.0, 0.0], [500.0, 0.0], [1000.0, 0.0], [0.0, 500.0], [500.0, 500.0], [1000.0, 500.0]]
    """
    import shapely

    if not spacing_m > 0:
        raise ParameterError("candidates", f"{{name}} grid spacing should be above 0 metres, got {spacing_m!r}")
    minx, miny, maxx, maxy = area.bounds
    xs = np.arange(np.ceil(minx / spacing_m), np.floor(maxx / spacing_m) + 1) * spacing_m
    ys = np.arange(np.ceil(miny / spacing_m), np.floor(maxy / spacing_m) + 1) * spacing_m
    box = len(xs) * len(ys)
    if box > 20 * MAX_CANDIDATES:
        fit = np.ceil(spacing_m * np.sqrt(box / MAX_CANDIDATES) / 10) * 10
        raise ParameterError("candidates", f"{{name}} grid:{spacing_m:g} gives about {box:,} points "
                                           f"(most {MAX_CANDIDATES:,}): use grid:{fit:g} or coarser")  # fmt: skip
    grid_x, grid_y = np.meshgrid(xs, ys)
    gx, gy = grid_x.ravel(), grid_y.ravel()
    keep = shapely.intersects_xy(area, gx, gy)
    if keep.sum() > MAX_CANDIDATES:
        fit = spacing_m * np.sqrt(keep.sum() / MAX_CANDIDATES)
        raise ParameterError("candidates", f"{{name}} grid:{spacing_m:g} gives {int(keep.sum()):,} points inside the "
                                           f"zone (most {MAX_CANDIDATES:,}): use grid:{np.ceil(fit / 10) * 10:g} "
                                           "or coarser")  # fmt: skip
    return np.column_stack([gx[keep], gy[keep]])


def _grid_spacing(candidates) -> float | None:
    text = str(candidates)
    if not text.lower().startswith("grid:"):
        return None
    try:
        spacing = float(text.split(":", 1)[1])
    except ValueError:
        raise ParameterError("candidates", f"{{name}} {text!r} should be grid:METRES, e.g. grid:250") from None
    if not np.isfinite(spacing) or spacing <= 0:
        raise ParameterError("candidates", f"{{name}} {text!r} should be grid:METRES with METRES above 0")
    return spacing


# --------------------------------------------------------------------------- the result
@dataclass
class SitingResult:
    """Chosen sites, coverage before and after, the marginal-gain curve and every demand feature's class."""

    sites: gpd.GeoDataFrame  # the chosen sites (WGS84): rank, id, name, position, what each adds
    zones: pd.DataFrame  # per zone: demand, covered and uncertain before and after
    curve: pd.DataFrame  # best objective with 1, 2, ... new sites
    demand: gpd.GeoDataFrame  # every demand feature (WGS84): class before and after, nearest site
    existing: gpd.GeoDataFrame  # the fixed existing sites (WGS84)
    summary: dict[str, Any] = field(default_factory=dict)
    catchments: gpd.GeoDataFrame | None = None  # straight-line catchment circles of the chosen sites (WGS84)
    zone_frame: gpd.GeoDataFrame | None = None  # the zones (WGS84), for maps

    def tables(self, *, view: str = "all") -> list:
        """Return the result as :class:`geosci.tables.Table` objects.

        ``view="people"``: chosen sites, zones and curve; ``"data"`` and
        ``"all"`` add every demand feature with its class before and after.
        """
        from geosci.tables import Table

        pct = ("share_before", "share_after")
        note = ("'covered' counts only demand reached even if positions are off by their accuracy_m; "
                "'uncertain' demand may or may not be reached and is counted apart",)  # fmt: skip
        out = [
            Table("sites", self.sites.drop(columns="geometry"), "选址结果", "Chosen sites", notes=note),
            Table("zones", self.zones, "分区覆盖（选址前后）", "Coverage by zone, before and after", percent=pct,
                  notes=note),
            Table("curve", self.curve, "边际增益曲线", "Marginal gain with 1, 2, ... new sites",
                  percent=("share",), notes=("each row is solved exactly on its own: the best k sites need not "
                                             "include the best k-1",)),
        ]  # fmt: skip
        if view in ("data", "all"):
            out.append(Table("demand", self.demand.drop(columns="geometry"), "逐项需求", "Every demand feature"))
        return out


def _points(frame: gpd.GeoDataFrame, crs: str) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    t = frame.to_crs(crs)
    geom = t.geometry
    pts = geom if bool((geom.geom_type == "Point").all()) else geom.representative_point()
    return t, np.column_stack([pts.x.values, pts.y.values]) if len(pts) else np.empty((0, 2))


def _labels(frame: gpd.GeoDataFrame, prefix: str) -> tuple[np.ndarray, np.ndarray]:
    ids = frame["id"].astype(str).values if "id" in frame.columns else np.array(
        [f"{prefix}-{i}" for i in range(len(frame))], dtype=object)  # fmt: skip
    names = frame["name_zh"].astype(str).values if "name_zh" in frame.columns else ids
    return np.asarray(ids, dtype=object), np.asarray(names, dtype=object)


def _frame(value):
    from geosci.catalog import read_layer

    return value if hasattr(value, "geometry") else read_layer(value)


def _weights(frame: gpd.GeoDataFrame, weight: str | None, name: str) -> np.ndarray:
    import pandas as pd

    if weight is None:
        return np.ones(len(frame))
    if weight not in frame.columns:
        fields = ", ".join(c for c in frame.columns if c != frame.geometry.name)
        raise ParameterError("weight", f"{{name}} {weight!r} is not a field of demand {name} ({fields})")
    w = pd.to_numeric(frame[weight], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise DataError(f"demand {name}: field {weight!r} should hold non-negative numbers; feature {first} has "
                        f"{frame[weight].iloc[first]!r}")  # fmt: skip
    return w


def _classes(sure_open: np.ndarray, maybe_open: np.ndarray) -> np.ndarray:
    return np.where(sure_open, "covered", np.where(maybe_open, "uncertain", "not_covered"))


def _any(matrix, cols: np.ndarray) -> np.ndarray:
    if len(cols) == 0:
        return np.zeros(matrix.shape[0], dtype=bool)
    return np.asarray(matrix[:, cols].sum(axis=1)).ravel() > 0


def _dedupe(sure, maybe, rows_s, rows_m, prefer: np.ndarray) -> np.ndarray:
    """Return one candidate per distinct coverage (over the rows that matter), dropping those that add nothing.

    Candidates that reach the same demand are interchangeable in MCLP and
    LSCP; keeping one (the one with the lowest ``prefer``) makes the model
    smaller without changing its optimum.
    """
    s = sure[rows_s].tocsc()
    m = maybe[rows_m].tocsc()
    keep: dict[tuple, int] = {}
    for j in np.argsort(prefer, kind="stable"):
        a = s.indices[s.indptr[j] : s.indptr[j + 1]]
        b = m.indices[m.indptr[j] : m.indptr[j + 1]]
        if len(a) == 0 and len(b) == 0:
            continue
        key = (a.tobytes(), b.tobytes())
        keep.setdefault(key, int(j))
    return np.array(sorted(keep.values()), dtype=np.int64)


# --------------------------------------------------------------------------- site(), step by step
@dataclass
class _Demand:
    """Every demand feature as a point in the metric CRS, with its table, weight and positional accuracy."""

    table: pd.DataFrame  # layer, id, name_zh, weight, accuracy_m, zone; the classes are added once solved
    xy: np.ndarray
    weight: np.ndarray
    accuracy: np.ndarray
    layers: list[str]


@dataclass
class _Sites:
    """Sites (existing or candidate) as points in the metric CRS, with their ids, names and positional accuracy."""

    xy: np.ndarray
    ids: np.ndarray
    names: np.ndarray
    accuracy: np.ndarray


@dataclass
class _Cover:
    """Which site reaches which demand, certainly (``sure``) and possibly (``maybe``): existing sites first."""

    sure: sp.csr_matrix
    maybe: sp.csr_matrix
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray]  # demand index, site index, cost of the pairs within reach
    xy: np.ndarray  # every site, the existing ones first
    accuracy: np.ndarray
    n_existing: int
    sure_existing: np.ndarray  # demand the existing sites cover
    maybe_existing: np.ndarray  # demand the existing sites may cover


@dataclass
class _SolveSettings:
    """How each model is solved: with the curve or not, the seconds per solve, whom to tell after each solve."""

    curve: bool
    time_limit: float
    progress: Callable[[str], None] | None


@dataclass
class _Solved:
    """The solves of a run: one per number of new sites on the curve, and the one whose sites are chosen."""

    solves: list[tuple[int, Solution]]
    final: Solution
    considered: int  # candidates that entered the model
    base_cost: np.ndarray | None = None  # p-median: cost from each demand to its nearest existing site
    cost_c: np.ndarray | None = None  # p-median: cost from each demand to each candidate


def _check_site_arguments(
    *,
    add: int | None,
    cover_all: bool,
    model: str | None,
    radius_m: float | None,
    minutes: float | None,
    travel: str,
    gtfs: str | Path | None,
    gtfs_date: str | None,
    time_limit: float,
) -> str:
    """Refuse missing or contradictory arguments before any work; return the model, in lower case."""
    if (add is None) == (not cover_all):
        raise ParameterError("add", "give {name} N (sites to add) or --cover-all (fewest sites covering all), one")
    if add is not None and (int(add) != add or add < 1):
        raise ParameterError("add", f"{{name}} should be a whole number of sites, at least 1, got {add!r}")
    model = (model or ("lscp" if cover_all else "mclp")).lower()
    if model not in MODELS:
        raise ParameterError("model", f"{{name}} should be one of {', '.join(MODELS)}, got {model!r}")
    if cover_all and model != "lscp":
        raise ParameterError("model", f"--cover-all is the lscp model: drop {{name}} {model} or give --add N")
    if add is not None and model == "lscp":
        raise ParameterError("model", "{name} lscp finds the fewest sites covering all demand: use --cover-all "
                                      "instead of --add")  # fmt: skip
    if (radius_m is None) == (minutes is None):
        raise ParameterError("radius_m", "give the catchment as {name} METRES or --minutes MINUTES (one of them)")
    if travel not in TRAVEL:
        raise ParameterError("travel", f"{{name}} should be one of {', '.join(TRAVEL)}, got {travel!r}")
    if travel == "transit" and minutes is None:
        raise ParameterError("minutes", "--travel transit measures door-to-door time: give {name} MINUTES")
    if gtfs is not None and travel != "transit":
        raise ParameterError("gtfs", "{name} gives a transit timetable: add --travel transit (walking needs no feed)")
    if gtfs_date is not None and gtfs is None:
        raise ParameterError("gtfs_date", "{name} needs a GTFS feed: give --gtfs as well")
    if not time_limit > 0:
        raise ParameterError("time_limit", f"{{name}} should be above 0 seconds, got {time_limit!r}")
    return model


def _demand_layers(
    demand: str | Path | gpd.GeoDataFrame | Sequence[str | Path | gpd.GeoDataFrame],
) -> tuple[list[str], list[gpd.GeoDataFrame]]:
    """Read the demand layers and name each for the summary; refuse none, or one without features."""
    demand_list = list(demand) if isinstance(demand, (list, tuple)) else [demand]
    if not demand_list:
        raise ParameterError("demand", "give at least one {name} layer or file")
    names = [str(d) if not hasattr(d, "geometry") else f"demand_{i}" for i, d in enumerate(demand_list)]
    frames = [_frame(d) for d in demand_list]
    for n, f in zip(names, frames, strict=True):
        if f.empty:
            raise DataError(f"demand layer {n!r} has no features")
    return names, frames


def _existing_layer(
    existing: str | Path | gpd.GeoDataFrame | None,
    *,
    lines: str | Path | gpd.GeoDataFrame | None,
    scenario: str | None,
) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """Read the existing sites, their statuses set by ``lines``; return them all and those open in ``scenario``."""
    from geosci.coverage import select_scenario, statuses_from_lines

    if existing is None:
        return None, None
    ex = _frame(existing)
    if lines is not None and "lines" in ex.columns:
        ex = statuses_from_lines(ex, _frame(lines))
    if not bool((ex.geom_type == "Point").all()):
        raise ParameterError("existing", "{name} should be points (stations or sites), got "
                                         f"{', '.join(sorted(set(ex.geom_type.astype(str))))}")  # fmt: skip
    ex_all, ex = ex, select_scenario(ex, scenario)
    if len(ex_all) and not len(ex):
        col = "line_statuses" if "line_statuses" in ex_all.columns else "status"
        found = ", ".join(sorted({x for v in ex_all[col].astype(str) for x in v.split(";") if x}))
        raise ParameterError("existing", f"{{name}} {existing if isinstance(existing, (str, Path)) else ''} has no "
                                         f"site open in scenario {scenario!r} (statuses: {found}): pass "
                                         "--scenario +planned to count planned sites as existing")  # fmt: skip
    return ex_all, ex


def _zone_layer(zones: str | Path | gpd.GeoDataFrame | None, zone_field: str) -> gpd.GeoDataFrame | None:
    """Read the zones of the before/after breakdown; refuse a ``zone_field`` they do not have."""
    zone_frame = _frame(zones) if zones is not None else None
    if zone_frame is not None and zone_field not in zone_frame.columns:
        fields = ", ".join(c for c in zone_frame.columns if c != zone_frame.geometry.name)
        raise ParameterError("zone_field", f"{{name}} {zone_field!r} is not a field of the zones ({fields})")
    return zone_frame


def _travel_model(
    network: str | Path | WalkNetwork | None,
    *,
    params: AccessParams,
    scenario: str | None,
    stations: str | Path | gpd.GeoDataFrame,
    lines: str | Path | gpd.GeoDataFrame | None,
    gtfs: str | Path | None,
    gtfs_date: str | None,
) -> TravelModel:
    """Return the door-to-door model: on a street network already read, else the sketch model (or the GTFS feed)."""
    if network is not None and not isinstance(network, (str, Path)):
        from geosci.realnet import NetworkModel

        return NetworkModel.build(network, params=params, gtfs=gtfs, gtfs_date=gtfs_date)
    from geosci.models import make_model

    return make_model(scenario=scenario or "existing", stations=stations, lines=lines if lines is not None
                      else "rail_lines", network=cast("str | Path | None", network), gtfs=gtfs,
                      gtfs_date=gtfs_date, params=params)  # fmt: skip


def _cost_function(
    travel_model: TravelModel | None,
    *,
    network: str | Path | WalkNetwork | None,
    radius_m: float | None,
    minutes: float | None,
    params: AccessParams,
    existing: gpd.GeoDataFrame | None,
    demand_frames: list[gpd.GeoDataFrame],
) -> Reach:
    """Return the run's one cost function: door-to-door minutes, walking on streets, or straight lines.

    The metric CRS is chosen as coverage chooses it: from the travel model or
    the street network; for straight lines, from the existing sites (when
    some are open), else from the demand.
    """
    if travel_model is not None:
        assert minutes is not None  # transit without minutes was refused above
        return Reach("travel", float(minutes) * 60.0, travel_model.crs, params, model=travel_model)
    if network is not None:
        from geosci.realnet import WalkNetwork

        net = network if isinstance(network, WalkNetwork) else WalkNetwork.from_osm(network)
        # exactly one of radius_m and minutes was required above
        threshold = float(radius_m) if radius_m is not None else float(cast(float, minutes)) * 60.0 * params.walk_mps
        return Reach("network", threshold, net.crs, params, network=net)
    import pandas as pd

    from geosci.crs import metric_crs

    ref = existing if existing is not None else pd.concat([f.to_crs(4326) for f in demand_frames])
    crs = metric_crs(tuple(ref.to_crs(4326).total_bounds))
    return Reach("straight", params.straight_radius(radius_m=radius_m, minutes=minutes), crs, params)


def _demand_points(
    layers: list[str],
    frames: list[gpd.GeoDataFrame],
    *,
    crs: str,
    weight: str | None,
    zone_frame: gpd.GeoDataFrame | None,
    zone_field: str,
) -> _Demand:
    """Put every demand feature in one table: its point in ``crs``, weight, accuracy and zone."""
    import geopandas as gpd
    import pandas as pd

    from geosci.coverage import _accuracy, _zone_of

    parts, xy_parts = [], []
    for n, f in zip(layers, frames, strict=True):
        t, xy = _points(f, crs)
        ids, labels = _labels(t, n)
        parts.append(pd.DataFrame({"layer": n, "id": ids, "name_zh": labels, "weight": _weights(t, weight, n),
                                   "accuracy_m": _accuracy(t)}))  # fmt: skip
        xy_parts.append(xy)
    dem = pd.concat(parts, ignore_index=True)
    d_xy = np.vstack(xy_parts)
    d_pts = gpd.GeoDataFrame(dem, geometry=gpd.points_from_xy(d_xy[:, 0], d_xy[:, 1]), crs=crs)
    zones_m = zone_frame.to_crs(crs).reset_index(drop=True) if zone_frame is not None else None
    dem["zone"] = _zone_of(d_pts, zones_m, zone_field) if zones_m is not None else "(all)"
    return _Demand(dem, d_xy, dem["weight"].to_numpy(dtype=float), dem["accuracy_m"].to_numpy(dtype=float), layers)


def _existing_sites(ex: gpd.GeoDataFrame | None, crs: str) -> tuple[_Sites, gpd.GeoDataFrame | None]:
    """Return the open existing sites as points in ``crs`` (none when none is open), and their frame in ``crs``."""
    from geosci.coverage import _accuracy

    if ex is None or not len(ex):
        return _Sites(np.empty((0, 2)), np.empty(0, dtype=object), np.empty(0, dtype=object), np.empty(0)), None
    ex_m, e_xy = _points(ex, crs)
    e_ids, e_names = _labels(ex_m, "existing")
    return _Sites(e_xy, e_ids, e_names, _accuracy(ex_m)), ex_m


def _grid_sites(
    spacing: float, *, within: str | None, within_geom: Any, reach: Reach, demand_xy: np.ndarray
) -> tuple[_Sites, str]:
    """Return the grid candidates inside ``within``, else around the demand, and a note of where they lie."""
    import geopandas as gpd
    import shapely

    if within_geom is not None:
        area = gpd.GeoSeries([within_geom], crs=4326).to_crs(reach.crs).iloc[0]
        area_note = f"grid of {spacing:g} m inside {within}"
    else:
        grow = reach.threshold if reach.engine != "travel" else 0.0
        area = shapely.MultiPoint(demand_xy).convex_hull.buffer(max(grow, spacing))
        area_note = f"grid of {spacing:g} m inside the demand's convex hull grown by {max(grow, spacing):g} m"
    c_xy = grid_candidates(area, spacing, crs=reach.crs)
    digits = len(str(len(c_xy)))
    c_ids = np.array([f"grid-{i + 1:0{digits}d}" for i in range(len(c_xy))], dtype=object)
    c_names = np.array([f"网格点 {i + 1} (grid {spacing:g} m)" for i in range(len(c_xy))], dtype=object)
    return _Sites(c_xy, c_ids, c_names, np.zeros(len(c_xy))), area_note


def _layer_sites(candidates: str | Path | gpd.GeoDataFrame, *, within_geom: Any, crs: str, existing: _Sites) -> _Sites:
    """Return the candidates of a layer inside ``within_geom``, the existing sites among them left out."""
    import shapely

    from geosci.coverage import _accuracy

    cf = _frame(candidates)
    if within_geom is not None:
        cf = cf[shapely.intersects(within_geom, cf.to_crs(4326).geometry.values)]
    cm, c_xy = _points(cf, crs)
    c_ids, c_names = _labels(cm, "candidate")
    c_acc = _accuracy(cm)
    if len(existing.xy) and len(c_xy):  # a candidate that is an existing site is not a new one
        from scipy.spatial import cKDTree

        d0, _ = cKDTree(existing.xy).query(c_xy)
        fresh = (d0 > 1.0) & ~np.isin(c_ids, existing.ids)
        c_xy, c_ids, c_names, c_acc = c_xy[fresh], c_ids[fresh], c_names[fresh], c_acc[fresh]
    return _Sites(c_xy, c_ids, c_names, c_acc)


def _candidate_sites(
    candidates: str | Path | gpd.GeoDataFrame,
    spacing: float | None,
    *,
    within: str | None,
    within_geom: Any,
    reach: Reach,
    demand_xy: np.ndarray,
    existing: _Sites,
) -> tuple[_Sites, str]:
    """Return the candidate sites (a grid or a layer) and a note of where they come from; refuse none."""
    if spacing is not None:
        sites, area_note = _grid_sites(spacing, within=within, within_geom=within_geom, reach=reach,
                                       demand_xy=demand_xy)  # fmt: skip
    else:
        sites = _layer_sites(candidates, within_geom=within_geom, crs=reach.crs, existing=existing)
        area_note = f"{_source_name(candidates)}" + (f" inside {within}" if within else "")
    if len(sites.xy) == 0:
        raise ParameterError("candidates", "{name} gave no candidate site" + (f" inside {within}" if within else "")
                                           + ": use another layer, zone or a finer grid")  # fmt: skip
    return sites, area_note


def _coverage_sets(reach: Reach, demand: _Demand, existing: _Sites, cands: _Sites, *, count_uncertain: bool) -> _Cover:
    """Return which site reaches which demand, certainly and possibly: the existing sites first, then candidates."""
    s_xy = np.vstack([existing.xy, cands.xy])
    s_acc = np.concatenate([existing.accuracy, cands.accuracy])
    n_e = len(existing.xy)
    sure, maybe, pairs = _reach_sets(reach, demand.xy, demand.accuracy, s_xy, s_acc)
    if count_uncertain:
        sure = maybe
    return _Cover(sure, maybe, pairs, s_xy, s_acc, n_e, _any(sure, np.arange(n_e)), _any(maybe, np.arange(n_e)))


def _solve_each(
    ks: Iterable[int], solve: Callable[[int], Solution], progress: Callable[[str], None] | None
) -> list[tuple[int, Solution]]:
    """Solve for each number of new sites in ``ks``, telling ``progress`` after each."""
    solves = []
    for k in ks:
        solves.append((k, solve(k)))
        if progress:
            progress(f"{k} sites")
    return solves


def _solve_pmedian(add: int, *, cover: _Cover, reach: Reach, demand: _Demand, how: _SolveSettings) -> _Solved:
    """Solve the p-median for ``add`` new sites (and for 1, 2, ... with the curve) on the full cost matrix."""
    n_e = cover.n_existing
    full = reach.matrix(demand.xy, cover.xy)
    base_cost = full[:, :n_e].min(axis=1) if n_e else np.full(len(demand.xy), np.inf)
    cost_c = full[:, n_e:]
    ks = range(1, add + 1) if how.curve else [add]
    solves = _solve_each(ks, lambda k: p_median(cost_c, demand.weight, k, base=base_cost, time_limit=how.time_limit),
                         how.progress)  # fmt: skip
    return _Solved(solves, solves[-1][1], len(cover.xy) - n_e, base_cost, cost_c)


def _distinct_candidates(cover: _Cover, sure_c: sp.csc_matrix, maybe_c: sp.csc_matrix, reach: Reach,
                         demand_accuracy: np.ndarray) -> np.ndarray:  # fmt: skip
    """Return the candidates that enter a covering model: one per distinct coverage of the demand left to cover."""
    n_e = cover.n_existing
    rows_s = np.flatnonzero(~cover.sure_existing)
    rows_m = np.flatnonzero(~cover.maybe_existing)
    # among candidates reaching the same demand, keep the one nearest in total to that demand
    pi, pj, pc = cover.pairs
    on = (pj >= n_e) & (pc - reach.slack(demand_accuracy[pi] + cover.accuracy[pj]) <= reach.threshold)
    prefer = np.bincount(pj[on] - n_e, weights=pc[on], minlength=sure_c.shape[1])
    return _dedupe(sure_c, maybe_c, rows_s, rows_m, prefer)


def _solve_lscp(
    s_k: sp.csc_matrix,
    mclp: Callable[[int], Solution],
    *,
    cover: _Cover,
    reach: Reach,
    demand: _Demand,
    count_uncertain: bool,
    how: _SolveSettings,
) -> tuple[list[tuple[int, Solution]], Solution]:
    """Solve the set cover; the curve's rows below its count are MCLP solves, its last row covers everything."""
    unreachable = np.flatnonzero(~cover.sure_existing & (np.asarray(s_k.sum(axis=1)).ravel() == 0))
    if len(unreachable):
        raise DataError(_infeasible_message(unreachable, demand.table, demand.xy, demand.accuracy, cover.xy,
                                            cover.accuracy, reach, cover.maybe, count_uncertain))  # fmt: skip
    sol = set_cover(s_k, covered=cover.sure_existing, time_limit=how.time_limit)
    top = int(sol.objective)
    solves = _solve_each(range(1, top) if how.curve else [], mclp, how.progress)
    everything = float(demand.weight.sum())
    solves.append((top, Solution(sol.chosen, everything, everything, sol.status, sol.gap, sol.seconds, everything)))
    return solves, sol


def _solve_covering(
    model: str,
    add: int | None,
    *,
    cover: _Cover,
    reach: Reach,
    demand: _Demand,
    count_uncertain: bool,
    how: _SolveSettings,
) -> _Solved:
    """Solve MCLP or LSCP among the distinct candidates; the chosen indices are those of all candidates."""
    n_e = cover.n_existing
    sure_c, maybe_c = cover.sure[:, n_e:].tocsc(), cover.maybe[:, n_e:].tocsc()
    keep = _distinct_candidates(cover, sure_c, maybe_c, reach, demand.accuracy)
    s_k, m_k = sure_c[:, keep], maybe_c[:, keep]

    def mclp(k: int) -> Solution:
        return maximal_coverage(s_k, demand.weight, k, covered=cover.sure_existing, maybe=m_k,
                                maybe_covered=cover.maybe_existing, time_limit=how.time_limit)  # fmt: skip

    if model == "lscp":
        solves, final = _solve_lscp(s_k, mclp, cover=cover, reach=reach, demand=demand,
                                    count_uncertain=count_uncertain, how=how)  # fmt: skip
    else:
        assert add is not None  # only lscp (--cover-all) goes without add, refused above
        solves = _solve_each(range(1, add + 1) if how.curve else [add], mclp, how.progress)
        final = solves[-1][1]
    solves = [(k, replace(s, chosen=keep[s.chosen])) for k, s in solves]
    return _Solved(solves, replace(final, chosen=keep[final.chosen]), len(keep))


def _classify(
    demand: _Demand, cover: _Cover, open_sites: np.ndarray, *, reach: Reach, site_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Add each demand's class before and after, and its nearest open site, to the demand table.

    The classes follow the rule of :func:`geosci.coverage.classify`. Return
    the demand that some open site may reach, and the cost from each demand
    to each open site.
    """
    dem = demand.table
    sure_after, maybe_after = _any(cover.sure, open_sites), _any(cover.maybe, open_sites)
    dem["class_before"] = _classes(cover.sure_existing, cover.maybe_existing)
    dem["class_after"] = _classes(sure_after, maybe_after)
    dem["newly_covered"] = sure_after & ~cover.sure_existing
    n_d = len(demand.xy)
    full_cost = reach.matrix(demand.xy, cover.xy[open_sites]) if len(open_sites) else np.full((n_d, 0), np.inf)
    if full_cost.shape[1]:
        nearest = np.argmin(np.where(np.isfinite(full_cost), full_cost, np.inf), axis=1)
        best = full_cost[np.arange(n_d), nearest]
        dem["nearest_site"] = np.where(np.isfinite(best), site_ids[nearest], "")
        dem[f"cost_{reach.unit}"] = np.round(np.where(np.isfinite(best), best, np.nan), 1)
    return maybe_after, full_cost


def _rank_by_gain(chosen: np.ndarray, cover: _Cover, weight: np.ndarray, open_sites: np.ndarray) -> np.ndarray:
    """Order the chosen candidates most first: by demand weight newly covered, then by weight only each covers."""
    sure, n_e = cover.sure, cover.n_existing

    def _adds(j: int) -> tuple[float, float]:
        own = _any(sure, np.array([n_e + j]))
        return (float(weight[own & ~cover.sure_existing].sum()),
                float(weight[own & ~_any(sure, open_sites[open_sites != n_e + j])].sum()))  # fmt: skip

    return np.array(sorted(chosen, key=lambda j: (-_adds(j)[0], -_adds(j)[1], j)), dtype=np.int64)


def _site_row(
    rank: int, j: int, *, cover: _Cover, open_sites: np.ndarray, cands: _Sites, demand: _Demand, to_wgs: Any
) -> dict[str, Any]:
    """One chosen site: where it is, the demand weight it covers, adds, may add and alone covers."""
    w = demand.weight
    sure_e, maybe_e = cover.sure_existing, cover.maybe_existing
    col = cover.n_existing + j
    own_s = _any(cover.sure, np.array([col]))
    own_m = _any(cover.maybe, np.array([col]))
    others = open_sites[open_sites != col]
    labels = demand.table["name_zh"].astype(str).to_numpy()
    lon, lat = to_wgs.transform(cands.xy[j, 0], cands.xy[j, 1])
    return {"rank": rank, "id": cands.ids[j], "name_zh": cands.names[j], "lon": round(float(lon), 6),
            "lat": round(float(lat), 6), "x": round(float(cands.xy[j, 0]), 1), "y": round(float(cands.xy[j, 1]), 1),
            "accuracy_m": float(cands.accuracy[j]),
            "covers": round(float(w[own_s].sum()), 3),
            "adds": round(float(w[own_s & ~sure_e].sum()), 3),
            "adds_uncertain": round(float(w[own_m & ~own_s & ~maybe_e].sum()), 3),
            "only_this": round(float(w[own_s & ~_any(cover.sure, others)].sum()), 3),
            "newly_covered": "; ".join(labels[own_s & ~sure_e])}  # fmt: skip


def _pmedian_site_columns(
    j: int, *, site_id: str, cover: _Cover, open_sites: np.ndarray, demand: _Demand, base_cost: np.ndarray,
    full_cost: np.ndarray, unit: str, scale: float
) -> dict[str, Any]:  # fmt: skip
    """One chosen p-median site: the demand weight it serves and the cost it saves against the existing sites."""
    w = demand.weight
    assigned = demand.table["nearest_site"].to_numpy() == site_id
    column = list(open_sites).index(cover.n_existing + j)
    saving = np.where(np.isfinite(base_cost), base_cost, np.nan) - full_cost[:, column]
    known = assigned & np.isfinite(saving)  # without an existing site there is no saving to state
    return {"serves": round(float(w[assigned].sum()), 3),
            f"saves_{unit}": round(float((w * saving)[known].sum()) / scale, 1) if known.any() else None}  # fmt: skip


def _chosen_sites_table(
    ranked: np.ndarray,
    *,
    cover: _Cover,
    open_sites: np.ndarray,
    cands: _Sites,
    demand: _Demand,
    reach: Reach,
    solved: _Solved,
    full_cost: np.ndarray,
) -> gpd.GeoDataFrame:
    """Return the chosen sites (WGS84), most first, with what each adds (and serves and saves, for p-median)."""
    import geopandas as gpd
    import pandas as pd
    from pyproj import Transformer

    to_wgs = Transformer.from_crs(reach.crs, 4326, always_xy=True)
    unit, scale = ("min" if reach.unit == "s" else "m"), _scale(reach)
    rows = []
    for rank, j in enumerate(ranked, start=1):
        row = _site_row(rank, j, cover=cover, open_sites=open_sites, cands=cands, demand=demand, to_wgs=to_wgs)
        if solved.base_cost is not None:  # the p-median
            row.update(_pmedian_site_columns(j, site_id=cands.ids[j], cover=cover, open_sites=open_sites,
                                             demand=demand, base_cost=solved.base_cost, full_cost=full_cost,
                                             unit=unit, scale=scale))  # fmt: skip
        rows.append(row)
    site_cols = ["rank", "id", "name_zh", "lon", "lat", "x", "y", "accuracy_m", "covers", "adds", "adds_uncertain",
                 "only_this", "newly_covered"]  # fmt: skip
    sites_df = pd.DataFrame(rows, columns=site_cols + ([c for c in (rows[0] if rows else {}) if c not in site_cols]))
    return gpd.GeoDataFrame(sites_df, geometry=gpd.points_from_xy(cands.xy[ranked, 0], cands.xy[ranked, 1]),
                            crs=reach.crs).to_crs(4326)  # fmt: skip


def _zone_table(dem: pd.DataFrame, *, by_zone: bool) -> pd.DataFrame:
    """Return the demand weight, covered and uncertain before and after: of all demand, then of each zone."""
    import pandas as pd

    zrows = []
    groups = [("(all)", dem)] + (list(dem.groupby("zone", sort=False)) if by_zone else [])
    for zname, g in groups:
        ww = g["weight"].to_numpy(dtype=float)
        total = float(ww.sum())
        cb, ca = g["class_before"].to_numpy(), g["class_after"].to_numpy()
        zrows.append({
            "zone": zname, "n": len(g), "weight": round(total, 3),
            "covered_before": round(float(ww[cb == "covered"].sum()), 3),
            "uncertain_before": round(float(ww[cb == "uncertain"].sum()), 3),
            "covered_after": round(float(ww[ca == "covered"].sum()), 3),
            "uncertain_after": round(float(ww[ca == "uncertain"].sum()), 3),
            "gain": round(float(ww[(ca == "covered") & (cb != "covered")].sum()), 3),
            "share_before": round(float(ww[cb == "covered"].sum()) / total, 4) if total else 0.0,
            "share_after": round(float(ww[ca == "covered"].sum()) / total, 4) if total else 0.0,
        })  # fmt: skip
    return pd.DataFrame(zrows)


def _pmedian_curve(solved: _Solved, *, weight: np.ndarray, n_existing: int, cand_ids: np.ndarray,
                   scale: float) -> list[dict[str, Any]]:  # fmt: skip
    """Rows of the p-median curve: total and mean cost with the existing sites alone, then with 1, 2, ... new."""
    base_cost, cost_c, w = solved.base_cost, solved.cost_c, weight
    assert base_cost is not None and cost_c is not None  # set when solving the p-median
    reach_ok = np.isfinite(base_cost) | np.isfinite(cost_c).any(axis=1)
    before = float((w * np.where(np.isfinite(base_cost), base_cost, 0.0))[reach_ok].sum())
    prev = before if n_existing else None
    unit = "min" if scale == 60 else "m"
    crows: list[dict[str, Any]] = []
    if n_existing:  # row 0: the existing sites alone (demand they cannot reach is left out of every row)
        crows.append({"sites": 0, f"total_{unit}": round(before / scale, 1),
                      f"mean_{unit}": round(before / scale / max(w[reach_ok].sum(), 1e-12), 1), "gain": None,
                      "status": "existing", "site_ids": ""})  # fmt: skip
    for k, s in solved.solves:
        crows.append({"sites": k, f"total_{unit}": round(s.objective / scale, 1),
                      f"mean_{unit}": round(s.objective / scale / max(w[reach_ok].sum(), 1e-12), 1),
                      "gain": round((prev - s.objective) / scale, 1) if prev is not None else None,
                      "status": s.status, "site_ids": ";".join(cand_ids[np.sort(s.chosen)])})  # fmt: skip
        prev = s.objective
    return crows


def _coverage_curve(solved: _Solved, *, weight: np.ndarray, cover: _Cover,
                    cand_ids: np.ndarray) -> list[dict[str, Any]]:  # fmt: skip
    """Rows of the MCLP/LSCP curve: weight covered by the existing sites alone, then with 1, 2, ... new sites."""
    w, sure_e, maybe_e = weight, cover.sure_existing, cover.maybe_existing
    total_w = float(w.sum())
    prev = float(w[sure_e].sum())
    crows: list[dict[str, Any]] = [
        {"sites": 0, "covered": round(prev, 3), "share": round(prev / total_w, 4) if total_w else 0.0,
         "gain": 0.0, "uncertain": round(float(w[maybe_e & ~sure_e].sum()), 3), "status": "existing", "site_ids": ""}
    ]  # fmt: skip
    for k, s in (item for item in solved.solves if item[0] > 0):  # row 0 is the existing sites
        poss = s.possible if s.possible is not None else s.objective
        crows.append({"sites": k, "covered": round(s.objective, 3),
                      "share": round(s.objective / total_w, 4) if total_w else 0.0,
                      "gain": round(s.objective - prev, 3), "uncertain": round(poss - s.objective, 3),
                      "status": s.status, "site_ids": ";".join(cand_ids[np.sort(s.chosen)])})  # fmt: skip
        prev = s.objective
    return crows


def _gain_curve(solved: _Solved, *, demand: _Demand, cover: _Cover, cands: _Sites, reach: Reach) -> pd.DataFrame:
    """Return the marginal-gain curve: the best objective with the existing sites, then 1, 2, ... new sites."""
    import pandas as pd

    if solved.base_cost is not None:  # the p-median
        return pd.DataFrame(_pmedian_curve(solved, weight=demand.weight, n_existing=cover.n_existing,
                                           cand_ids=cands.ids, scale=_scale(reach)))  # fmt: skip
    return pd.DataFrame(_coverage_curve(solved, weight=demand.weight, cover=cover, cand_ids=cands.ids))


def _catchments(chosen: np.ndarray, cands: _Sites, reach: Reach) -> gpd.GeoDataFrame | None:
    """Return the straight-line catchment circles of the chosen sites (WGS84); none for other costs."""
    import geopandas as gpd
    import shapely

    if reach.engine != "straight" or not len(chosen):
        return None
    return gpd.GeoDataFrame({"id": cands.ids[chosen], "name_zh": cands.names[chosen]},
                            geometry=shapely.buffer(shapely.points(cands.xy[chosen]), reach.threshold, quad_segs=64),
                            crs=reach.crs).to_crs(4326)  # fmt: skip


def _map_frames(
    demand: _Demand, existing: gpd.GeoDataFrame | None, zone_frame: gpd.GeoDataFrame | None, crs: str
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame | None]:
    """Return, in WGS84 for maps, every demand feature with its classes, the existing sites and the zones."""
    import geopandas as gpd

    dem_geo = gpd.GeoDataFrame(demand.table, geometry=gpd.points_from_xy(demand.xy[:, 0], demand.xy[:, 1]),
                               crs=crs).to_crs(4326)  # fmt: skip
    ex_out = existing.to_crs(4326) if existing is not None else gpd.GeoDataFrame(geometry=[], crs=4326)
    return dem_geo, ex_out, zone_frame.to_crs(4326) if zone_frame is not None else None


def _scale(reach: Reach) -> float:
    """Return the cost unit's size in the reported unit: 60 seconds a minute, else 1 metre."""
    return 60.0 if reach.unit == "s" else 1.0


def _source_name(value: str | Path | gpd.GeoDataFrame | None) -> str | None:
    """Return how the summary names a layer argument: its name or path, ``"given frame"``, or None."""
    if value is None:
        return None
    return "given frame" if hasattr(value, "geometry") else str(value)


def _solve_summary(
    model: str, solved: _Solved, *, n_added: int, add: int | None, reach: Reach, count_uncertain: bool,
    time_limit: float, started: float
) -> dict[str, Any]:  # fmt: skip
    """Return the summary's model, objective and how the solver did."""
    final = solved.final
    objective = {
        "mclp": "most demand weight covered with certainty by the existing and the new sites; ties broken by the "
                "most weight at least uncertainly covered",
        "lscp": "fewest new sites covering all demand with certainty" + (" (uncertain counted as covered)"
                                                                          if count_uncertain else ""),
        "pmedian": "least total weighted " + ("time" if reach.unit == "s" else "distance") + " from each demand "
                   "to its nearest site, existing or new",
    }[model]  # fmt: skip
    scale = _scale(reach) if model == "pmedian" else 1.0
    return {
        "model": model, "objective": objective,
        "sites_added": n_added, "sites_asked": add if add is not None else "cover all",
        "status": final.status,
        "objective_value": round(final.objective / scale, 3),
        "best_bound": round(final.bound / scale, 3),
        "gap": round(final.gap, 6),
        "solver": "HiGHS (scipy.optimize.milp), exact: mip_rel_gap 0, "
                  f"time limit {time_limit:g} s per solve",
        "solve_seconds": round(time.perf_counter() - started, 2),
    }  # fmt: skip


def _catchment_summary(
    reach: Reach, *, radius_m: float | None, minutes: float | None, travel: str, count_uncertain: bool
) -> dict[str, Any]:
    """Return the summary's catchment, cost method and coverage rule."""
    return {
        "catchment": {"radius_m": radius_m, "minutes": minutes, "travel": travel,
                      "threshold": round(reach.threshold / (60.0 if reach.unit == "s" else 1.0), 1),
                      "threshold_unit": "min" if reach.unit == "s" else "m"},
        "method": reach.describe()["method"], "metric_crs": reach.crs,
        "certainty": "covered: d + accuracy of demand + accuracy of site <= catchment; uncertain: d - both "
                     "accuracies <= catchment (the rule of geosci coverage)"
                     + ("; uncertain counted as covered (count_uncertain)" if count_uncertain else ""),
    }  # fmt: skip


def _inputs_summary(
    demand: _Demand, *, weight: str | None, existing: str | Path | gpd.GeoDataFrame | None, scenario: str | None,
    n_existing: int, n_existing_all: int, area_note: str, n_candidates: int, considered: int,
    zones: str | Path | gpd.GeoDataFrame | None, zone_field: str, params: AccessParams
) -> dict[str, Any]:  # fmt: skip
    """Return the summary's demand, existing sites, candidates, zones and parameters."""
    return {
        "demand": {"layers": demand.layers, "features": len(demand.table), "weight": weight or "1 per feature",
                   "total_weight": round(float(demand.weight.sum()), 3)},
        "existing": {"layer": _source_name(existing), "scenario": scenario, "sites": n_existing,
                     "of": n_existing_all},
        "candidates": {"source": area_note, "sites": n_candidates, "considered": considered},
        "zones": {"layer": _source_name(zones), "field": zone_field},
        "parameters": params.describe(),
    }  # fmt: skip


def _summary_notes(reach: Reach, *, add: int | None, n_added: int, maybe_after: np.ndarray) -> dict[str, Any]:
    """Return the summary's notes: the travel model, fewer sites than asked, demand out of reach."""
    notes: dict[str, Any] = {}
    if reach.model is not None:
        notes["travel_model"] = reach.model.describe().get("model")
    if add is not None and n_added < add:
        notes["fewer_sites"] = (f"only {n_added} of the {add} sites asked for add anything: "
                                "more sites would cover no more demand")  # fmt: skip
    unreached = int((~maybe_after).sum())
    if unreached:
        notes["not_reached"] = f"{unreached} demand features stay out of reach of every open site"
    return notes


def site(
    demand: str | Path | gpd.GeoDataFrame | Sequence[str | Path | gpd.GeoDataFrame],
    *,
    candidates: str | Path | gpd.GeoDataFrame,
    add: int | None = None,
    cover_all: bool = False,
    radius_m: float | None = None,
    minutes: float | None = None,
    weight: str | None = None,
    within: str | None = None,
    existing: str | Path | gpd.GeoDataFrame | None = None,
    model: str | None = None,
    travel: str = "walk",
    scenario: str | None = "existing",
    stations: str | Path | gpd.GeoDataFrame = "rail_stations",
    lines: str | Path | gpd.GeoDataFrame | None = "rail_lines",
    network: str | Path | WalkNetwork | None = None,
    gtfs: str | Path | None = None,
    gtfs_date: str | None = None,
    params: AccessParams | None = None,
    zones: str | Path | gpd.GeoDataFrame | None = "districts",
    zone_field: str = "name_zh",
    count_uncertain: bool = False,
    curve: bool = True,
    time_limit: float = 60.0,
    progress: Callable[[str], None] | None = None,
) -> SitingResult:
    """Choose new sites (stops, incubators, services) with the existing sites kept, exactly.

    Parameters
    ----------
    demand : layer name, path or GeoDataFrame, or a sequence of them
        What should be reached: points, or lines and polygons by their
        representative point (as coverage counts them).
    candidates : layer name, path, GeoDataFrame or ``"grid:METRES"``
        Where a new site may go; ``grid:METRES`` is a square grid of that
        spacing inside ``within``, or else inside the demand's convex hull
        grown by the catchment radius.
    add : int, optional
        Sites to add (MCLP, p-median). Give ``add`` or ``cover_all``.
    cover_all : bool
        The fewest sites covering all demand (LSCP).
    radius_m, minutes : float
        The catchment: metres as drawn, or minutes (of walking as ``geosci
        coverage`` counts them, or door to door with ``travel="transit"``).
    weight : str, optional
        Numeric demand field to weight by (population, jobs ...); default 1 each.
    within : str, optional
        Keep candidates inside this zone: a zone of ``zones`` by name, or ``"core"``.
    existing : layer name, path or GeoDataFrame, optional
        Fixed sites that count toward coverage (for instance ``"rail_stations"``,
        opened by ``scenario``).
    model : {"mclp", "lscp", "pmedian"}, optional
        Default ``mclp`` with ``add`` and ``lscp`` with ``cover_all``.
    travel : {"walk", "transit"}
        ``transit``: minutes by the travel model (the sketch model of
        ``scenario``, or ``gtfs``, or ``network`` with ``gtfs``).
    scenario : str, optional
        Which existing stations are open, and which lines the sketch model runs.
    stations, lines, network, gtfs, gtfs_date, params :
        As for :func:`geosci.models.make_model` (``network`` may also be a
        :class:`geosci.realnet.WalkNetwork` already read); ``lines`` also sets the
        statuses of the existing stations, as in coverage.
    zones, zone_field :
        Zones for the before/after breakdown.
    count_uncertain : bool
        Count uncertain demand as covered (for data whose positions are too
        rough for certain coverage at this radius).
    curve : bool
        Solve for 1, 2, ... new sites as well (the marginal-gain curve).
    time_limit : float
        Seconds per solve; past it the best solution and its bound are reported.
    progress : callable, optional
        Called after each solve.

    Returns
    -------
    SitingResult

    Examples
    --------
    >>> res = site("universities", candidates="grid:500", add=1, radius_m=800, curve=False)
    >>> len(res.sites), res.summary["status"]
    (1, 'optimal')
    """
    from geosci.params import AccessParams

    params = params or AccessParams()
    # ---- arguments first, before any work
    model = _check_site_arguments(add=add, cover_all=cover_all, model=model, radius_m=radius_m, minutes=minutes,
                                  travel=travel, gtfs=gtfs, gtfs_date=gtfs_date, time_limit=time_limit)  # fmt: skip
    spacing = _grid_spacing(candidates) if isinstance(candidates, (str, Path)) else None

    # ---- layers
    layers, frames = _demand_layers(demand)
    ex_all, ex = _existing_layer(existing, lines=lines, scenario=scenario)
    zone_frame = _zone_layer(zones, zone_field)
    within_geom = zone_geometry(within, zones=zone_frame if zone_frame is not None else "districts",
                                zone_field=zone_field) if within else None  # fmt: skip

    # ---- the cost function, demand points, existing sites, candidates
    tm = _travel_model(network, params=params, scenario=scenario, stations=stations, lines=lines, gtfs=gtfs,
                       gtfs_date=gtfs_date) if travel == "transit" else None  # fmt: skip
    reach = _cost_function(tm, network=network, radius_m=radius_m, minutes=minutes, params=params,
                           existing=ex_all if ex is not None and len(ex) else None, demand_frames=frames)  # fmt: skip
    dem = _demand_points(layers, frames, crs=reach.crs, weight=weight, zone_frame=zone_frame, zone_field=zone_field)
    ex_sites, ex_m = _existing_sites(ex, reach.crs)
    cands, area_note = _candidate_sites(candidates, spacing, within=within, within_geom=within_geom, reach=reach,
                                        demand_xy=dem.xy, existing=ex_sites)  # fmt: skip
    if add is not None and model == "pmedian" and add > len(cands.xy):
        raise ParameterError("add", f"{{name}} {add} is more than the {len(cands.xy)} candidate sites")

    # ---- coverage sets: existing sites first, then candidates
    cover = _coverage_sets(reach, dem, ex_sites, cands, count_uncertain=count_uncertain)

    # ---- solve
    started = time.perf_counter()
    how = _SolveSettings(curve, time_limit, progress)
    if model == "pmedian":
        assert add is not None  # only lscp (--cover-all) goes without add, refused above
        solved = _solve_pmedian(add, cover=cover, reach=reach, demand=dem, how=how)
    else:
        solved = _solve_covering(model, add, cover=cover, reach=reach, demand=dem, count_uncertain=count_uncertain,
                                 how=how)  # fmt: skip
    chosen = np.sort(solved.final.chosen)
    open_sites = np.concatenate([np.arange(cover.n_existing), cover.n_existing + chosen])

    # ---- classes before and after (the rule of geosci.coverage.classify)
    maybe_after, full_cost = _classify(dem, cover, open_sites, reach=reach,
                                       site_ids=np.concatenate([ex_sites.ids, cands.ids[chosen]]))  # fmt: skip

    # ---- the chosen sites and what each adds, per zone before and after, the marginal-gain curve
    chosen = _rank_by_gain(chosen, cover, dem.weight, open_sites)  # most first
    sites = _chosen_sites_table(chosen, cover=cover, open_sites=open_sites, cands=cands, demand=dem, reach=reach,
                                solved=solved, full_cost=full_cost)  # fmt: skip
    zones_df = _zone_table(dem.table, by_zone=zone_frame is not None)
    curve_df = _gain_curve(solved, demand=dem, cover=cover, cands=cands, reach=reach)

    # ---- frames for maps, summary
    dem_geo, ex_out, zone_out = _map_frames(dem, ex_m, zone_frame, reach.crs)
    catch = _catchments(chosen, cands, reach)
    summary = {
        **_solve_summary(model, solved, n_added=len(chosen), add=add, reach=reach, count_uncertain=count_uncertain,
                         time_limit=time_limit, started=started),
        **_catchment_summary(reach, radius_m=radius_m, minutes=minutes, travel=travel,
                             count_uncertain=count_uncertain),
        **_inputs_summary(dem, weight=weight, existing=existing, scenario=scenario, n_existing=cover.n_existing,
                          n_existing_all=len(ex_all) if ex_all is not None else 0, area_note=area_note,
                          n_candidates=len(cands.xy), considered=solved.considered, zones=zones,
                          zone_field=zone_field, params=params),
        **_summary_notes(reach, add=add, n_added=len(chosen), maybe_after=maybe_after),
    }  # fmt: skip
    return SitingResult(sites, zones_df, curve_df, dem_geo, ex_out, summary, catch, zone_out)


def _infeasible_message(unreachable, dem, d_xy, d_acc, s_xy, s_acc, reach, maybe, count_uncertain) -> str:
    """One line: which demand no candidate or existing site can cover, and how near the nearest one is."""
    first = int(unreachable[0])
    cost = reach.matrix(d_xy[[first]], s_xy)[0]
    j = int(np.argmin(cost)) if len(cost) else -1
    unit = reach.unit
    near = cost[j] / (60.0 if unit == "s" else 1.0) if j >= 0 else np.inf
    thr = reach.threshold / (60.0 if unit == "s" else 1.0)
    u = "min" if unit == "s" else "m"
    who = f"{dem['name_zh'].iloc[first]} ({dem['id'].iloc[first]}, {dem['layer'].iloc[first]})"
    more = f" and {len(unreachable) - 1} more" if len(unreachable) > 1 else ""
    possible = bool(np.asarray(maybe[first].sum()) > 0)
    if possible and not count_uncertain and reach.slack(d_acc[first]) >= reach.threshold:
        why = (f"its own position is uncertain by {d_acc[first]:,.0f} m, no less than the {thr:g} {u} catchment, "
               "so no site covers it with certainty; pass --count-uncertain to count uncertain as covered")  # fmt: skip
    elif possible and not count_uncertain:
        why = (f"it is only uncertainly within {thr:g} {u}: nearest site {near:,.0f} {u}, positions off by up to "
               f"{d_acc[first] + (s_acc[j] if j >= 0 else 0):,.0f} m; pass --count-uncertain to count uncertain "
               "as covered")  # fmt: skip
    else:
        why = (f"no candidate or existing site is within {thr:g} {u} of it (nearest {near:,.0f} {u}): "
               "add candidates near it or widen the catchment")  # fmt: skip
    return f"--cover-all is infeasible: {who}{more} cannot be covered; {why}"


# --------------------------------------------------------------------------- map and files
_CLASS_LABELS = {"newly covered": "新覆盖 newly covered", "covered before": "原已覆盖 covered before",
                 "uncertain": "不确定 uncertain", "not covered": "未覆盖 not covered"}  # fmt: skip


def siting_recipe(result: SitingResult) -> tuple[dict[str, Any], dict[str, gpd.GeoDataFrame]]:
    """Return ``(recipe, frames)`` for a siting map: zones, existing and proposed sites, demand by outcome.

    Demand is coloured *newly covered* (by a proposed site), *covered
    before* (by the existing sites), *uncertain* or *not covered*; the
    proposed sites are labelled and, for straight-line catchments, drawn
    with their catchment circles.
    """
    import geopandas as gpd

    dem = result.demand.copy()
    after = np.where(dem["class_after"] == "uncertain", "uncertain", "not covered")
    dem["outcome"] = np.where(dem["newly_covered"], "newly covered",
                              np.where(dem["class_before"] == "covered", "covered before", after))  # fmt: skip
    dem["name_en"] = dem["outcome"]
    dem["outcome"] = dem["outcome"].map(_CLASS_LABELS)
    dem["source"] = "geosci site: " + dem["layer"].astype(str)
    proposed = result.sites.copy()
    proposed["name_en"] = "proposed site " + proposed["rank"].astype(str)
    proposed["name_zh"] = "拟选 " + proposed["rank"].astype(str) + "：" + proposed["name_zh"].astype(str)
    proposed["source"] = "geosci site (" + result.summary.get("model", "") + ")"
    existing = result.existing.copy()
    existing["source"] = existing["source"] if "source" in existing.columns else "existing sites"
    zones = result.zone_frame if result.zone_frame is not None else gpd.GeoDataFrame(geometry=[], crs=4326)
    c = result.summary.get("catchment", {})
    reach = f"{c.get('threshold', 0):g} {c.get('threshold_unit', 'm')}"
    model = result.summary.get("model", "")
    frames = {"zones": zones, "existing": existing, "proposed": proposed, "demand": dem}
    s = result.summary

    def named(*names) -> list[str]:  # the layers or files a drawn layer comes from (a given frame has no name)
        return [str(n) for n in names if n and n != "given frame"]

    credit = {  # for the map's source note
        "zones": named((s.get("zones") or {}).get("layer")),
        "existing": named((s.get("existing") or {}).get("layer")),
        "demand": named(*(s.get("demand") or {}).get("layers", [])),
    }
    candidates = (s.get("candidates") or {}).get("source", "")
    solved = {
        "note_zh": f"geosci site 求解（{model}，HiGHS 精确解）；候选点：{candidates}",
        "note_en": f"solved by geosci site ({model}, HiGHS, exact); candidates: {candidates}",
    }
    layers: list[dict[str, Any]] = []
    if len(zones):
        layers.append(
            {
                "layer": "zones",
                "style": {"color": "#9c9385", "weight": 1, "fillColor": "#f3eee3", "fillOpacity": 0.3},
                "legend_zh": "分区",
                "legend_en": "Zones",
                "based_on": credit["zones"],
            }
        )
    if result.catchments is not None and len(result.catchments):
        frames["catchments"] = result.catchments.assign(source="geosci site")
        layers.append(
            {
                "layer": "catchments",
                "style": {
                    "color": "#e63946",
                    "weight": 1,
                    "dashArray": "4 4",
                    "fillColor": "#e63946",
                    "fillOpacity": 0.08,
                },
                "legend_zh": f"新站点 {reach} 范围",
                "legend_en": f"New sites' {reach} catchment",
            }
        )
    if len(existing):
        layers.append(
            {
                "layer": "existing",
                "style": {"radius": 3, "color": "#1d4e89", "weight": 1, "fillColor": "#ffffff", "fillOpacity": 1},
                "legend_zh": "现有站点（保留）",
                "legend_en": "Existing sites (kept)",
                "based_on": credit["existing"],
            }
        )
    styles = {
        "newly covered": {"color": "#1b4332", "fillColor": "#2dc653"},
        "covered before": {"color": "#1d3557", "fillColor": "#457b9d"},
        "uncertain": {"color": "#7f5539", "fillColor": "#f4a261"},
        "not covered": {"color": "#6a040f", "fillColor": "#9d0208"},
    }
    layers += [  # the proposed sites under the demand, so the demand they cover stays visible
        {"layer": "proposed", "style": {"radius": 12, "color": "#9d0208", "weight": 3, "fillColor": "#ffba08",
                                        "fillOpacity": 0.55}, "label": True,
         "legend_zh": "拟选新站点", "legend_en": "Proposed sites", **solved},
        {"layer": "demand", "style_by": "outcome",
         "styles": {_CLASS_LABELS[k]: {"radius": 5, "weight": 1, "fillOpacity": 0.95, **v} for k, v in styles.items()},
         "legend_zh": "需求", "legend_en": "Demand", "based_on": credit["demand"]},
    ]  # fmt: skip
    recipe = {
        "name": "siting",
        "title_zh": f"选址 · {model} · {reach} · 新增 {len(proposed)} 处",
        "title_en": f"Siting: {model}, {reach}, {len(proposed)} new sites",
        "view": {"fit_layer": "demand"},
        "layers": layers,
    }
    return recipe, frames


def write_result(
    result: SitingResult,
    *,
    out: str | Path | None = None,
    fmt: str | None = None,
    map_out: str | Path | None = None,
    overwrite: bool = False,
) -> list[tuple[Path, str]]:
    """Write a siting result's tables and map, all of them or none.

    Parameters
    ----------
    result : SitingResult
    out : path, optional
        The tables (``.xlsx``, ``.csv``, ``.md``, ``.json``, ``.txt``).
    fmt : str, optional
        The format asked for; it must agree with ``out``'s suffix.
    map_out : path, optional
        The siting map: ``.html`` offline, ``.pdf``, ``.png`` or ``.svg`` as a printed page.
    overwrite : bool

    Returns
    -------
    list of (path, description)
    """
    from geosci.io import OutputSet

    done: list[tuple[Path, str]] = []
    with OutputSet() as outputs:
        if out:
            from geosci.outputs import write_result_tables

            done += write_result_tables(result, out, fmt=fmt, overwrite=overwrite, outputs=outputs)
        if map_out:
            from geosci.mapfiles import write_result_map

            recipe, frames = siting_recipe(result)
            write_result_map(recipe, frames, map_out, overwrite=overwrite, outputs=outputs)
            done.append((Path(map_out), f"map, {len(result.sites)} proposed sites"))
    return done
