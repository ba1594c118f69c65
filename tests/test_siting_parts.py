"""The steps of geosci.siting.site: arguments, solves in order, the summary's shape kept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from geosci import siting
from geosci.errors import ParameterError


def _arguments(**kw):
    args = dict(add=2, cover_all=False, model=None, radius_m=800.0, minutes=None, travel="walk", gtfs=None,
                gtfs_date=None, time_limit=60.0)  # fmt: skip
    return siting._check_site_arguments(**{**args, **kw})


def test_arguments_give_the_model_in_lower_case():
    assert _arguments() == "mclp"
    assert _arguments(add=None, cover_all=True) == "lscp"
    assert _arguments(model="PMedian") == "pmedian"


@pytest.mark.parametrize(
    ("kw", "parameter"),
    [
        ({"add": None}, "add"),
        ({"model": "lscp"}, "model"),
        ({"radius_m": None}, "radius_m"),
        ({"travel": "transit"}, "minutes"),
        ({"gtfs_date": "20240101"}, "gtfs_date"),
        ({"time_limit": 0}, "time_limit"),
    ],
)
def test_arguments_refused_name_the_parameter(kw, parameter):
    with pytest.raises(ParameterError) as err:
        _arguments(**kw)
    assert err.value.parameter == parameter


def test_each_solve_is_told_in_order():
    told: list[str] = []
    solves = siting._solve_each([1, 2, 3], lambda k: siting.Solution(np.arange(k), float(k), float(k)), told.append)
    assert [k for k, _ in solves] == [1, 2, 3] and told == ["1 sites", "2 sites", "3 sites"]
    assert siting._solve_each([], lambda k: siting.Solution(np.arange(k), 0.0, 0.0), None) == []


def test_layer_arguments_named_in_the_summary():
    assert siting._source_name(None) is None
    assert siting._source_name("rail_stations") == "rail_stations"
    assert siting._source_name(Path("a/b.gpkg")) == str(Path("a/b.gpkg"))
    assert siting._source_name(siting._frame("universities")) == "given frame"


def test_summary_keys_in_their_order():
    res = siting.site("universities", candidates="grid:1000", existing="rail_stations", add=2, radius_m=800)
    keys = list(res.summary)
    assert keys[:10] == ["model", "objective", "sites_added", "sites_asked", "status", "objective_value",
                         "best_bound", "gap", "solver", "solve_seconds"]  # fmt: skip
    assert keys[10:19] == ["catchment", "method", "metric_crs", "certainty", "demand", "existing", "candidates",
                           "zones", "parameters"]  # fmt: skip
    assert list(res.sites.columns[:13]) == ["rank", "id", "name_zh", "lon", "lat", "x", "y", "accuracy_m", "covers",
                                            "adds", "adds_uncertain", "only_this", "newly_covered"]  # fmt: skip
