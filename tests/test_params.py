"""geosci.params: every parameter named, checked and overridable."""

from __future__ import annotations

import json

import pytest

from geosci.errors import DataError
from geosci.params import AccessParams, scenario_statuses


def test_defaults_are_described_and_overridable(tmp_path):
    p = AccessParams()
    assert set(p.describe()) >= {"walk_speed_kmh", "circuity", "max_access_m", "headway_s", "transfer_penalty_s"}
    f = tmp_path / "p.json"
    f.write_text(json.dumps({"circuity": 1.2}))
    q = p.with_overrides(["walk_speed_kmh=4.5"], f)
    assert q.walk_speed_kmh == 4.5 and q.circuity == 1.2


@pytest.mark.parametrize("pair", ["walk_speed_kmh=abc", "walk_speed_kmh", "nope=3", "circuity=0.5"])
def test_bad_overrides_name_the_parameter(pair):
    with pytest.raises(DataError):
        AccessParams().with_overrides([pair])


def test_scenarios_are_cumulative():
    assert scenario_statuses("+planned") == ("existing", "under_construction", "planned")
    with pytest.raises(DataError):
        scenario_statuses("soon")
