"""Named, documented and overridable parameters of the travel models.

Every analysis states the parameters it used (:meth:`AccessParams.describe`).
Override them from Python (``AccessParams().replace(walk_speed_kmh=4.5)``),
from the command line (``--param walk_speed_kmh=4.5``) or from a JSON file
(``--params my.json``).
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from geosci.errors import DataError

__all__ = ["SCENARIOS", "SCENARIO_NAMES", "STATUSES", "AccessParams", "scenario_statuses"]

# Scenarios are cumulative: each adds the lines of one more status.
SCENARIOS: dict[str, tuple[str, ...]] = {
    "existing": ("existing",),
    "under_construction": ("existing", "under_construction"),
    "planned": ("existing", "under_construction", "planned"),
}

STATUSES: tuple[str, ...] = SCENARIOS["planned"]
"""Every status a feature can have: existing, under_construction, planned."""

SCENARIO_NAMES = ("existing", "+under_construction", "+planned")
"""The scenarios as the command line names them."""


def scenario_statuses(name: str) -> tuple[str, ...]:
    """Return the line statuses a scenario includes.

    ``existing``, ``under_construction`` (or ``+under_construction``) and
    ``planned`` (or ``+planned``) are cumulative.

    Examples
    --------
    >>> scenario_statuses("+under_construction")
    ('existing', 'under_construction')
    """
    key = name.lstrip("+").strip().lower()
    if key not in SCENARIOS:
        raise DataError(f"scenario should be one of existing, +under_construction, +planned, got {name!r}")
    return SCENARIOS[key]


@dataclass(frozen=True)
class AccessParams:
    """Parameters of walking and of the sketch rail model.

    Attributes
    ----------
    walk_speed_kmh : float
        Walking speed. 4.0 km/h, below the 4.8-5 km/h of flat-city models,
        because Chongqing's streets climb and stairs are common.
    circuity : float
        Ratio of walking-route length to straight-line distance, used where
        no street network is given (typical urban values are 1.2-1.4; hills
        and ravines push Chongqing to the high end).
    max_access_m : float
        Longest straight-line walk to or from a station that the sketch model
        allows.
    rail_speed_kmh : float
        Running speed of trains between stations (metro commercial speeds are
        30-40 km/h including acceleration).
    dwell_s : float
        Time a train stands at each station it departs from.
    headway_s : float
        Time between trains; the expected wait is half of it.
    transfer_penalty_s : float
        Extra time for changing lines within a station (walking between
        platforms and the reluctance to change), on top of the new wait.
    """

    walk_speed_kmh: float = 4.0
    circuity: float = 1.35
    max_access_m: float = 1500.0
    rail_speed_kmh: float = 35.0
    dwell_s: float = 30.0
    headway_s: float = 300.0
    transfer_penalty_s: float = 180.0

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise DataError(f"parameter {f.name} should be a finite, non-negative number, got {value!r}")
        if self.walk_speed_kmh == 0 or self.rail_speed_kmh == 0:
            raise DataError("speeds should be positive")
        if self.circuity < 1:
            raise DataError(f"circuity should be at least 1, got {self.circuity}")

    @property
    def walk_mps(self) -> float:
        """Walking speed in metres per second."""
        return self.walk_speed_kmh / 3.6

    @property
    def rail_mps(self) -> float:
        """Train running speed in metres per second."""
        return self.rail_speed_kmh / 3.6

    def walk_seconds(self, straight_m):
        """Return the walking time (s) for a straight-line distance, with circuity."""
        return straight_m * self.circuity / self.walk_mps

    def straight_radius(self, *, radius_m: float | None = None, minutes: float | None = None) -> float:
        """Straight-line radius of a catchment given in metres (as drawn) or walking minutes."""
        if (radius_m is None) == (minutes is None):
            raise DataError("give a catchment either as --radius metres or as --minutes of walking, not both")
        if radius_m is not None:
            return float(radius_m)
        return float(minutes or 0.0) * 60.0 * self.walk_mps / self.circuity

    def replace(self, **changes: Any) -> AccessParams:
        """Return a copy with some parameters changed (names are checked)."""
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise DataError(f"unknown parameter {sorted(unknown)[0]!r}: known are {', '.join(sorted(known))}")
        for k, v in changes.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise DataError(f"parameter {k} should be a number, got {v!r}")
        return dataclasses.replace(self, **{k: float(v) for k, v in changes.items()})

    def with_overrides(self, pairs: list[str] | tuple[str, ...] = (), file: str | Path | None = None) -> AccessParams:
        """Apply a JSON parameter file, then ``name=value`` strings."""
        changes: dict[str, Any] = {}
        if file is not None:
            try:
                data = json.loads(Path(file).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise DataError(f"cannot read parameter file {file}: {exc}") from exc
            if not isinstance(data, dict):
                raise DataError(f"parameter file {file} should hold a JSON object of name: value")
            changes.update(data)
        for pair in pairs:
            name, sep, value = pair.partition("=")
            if not sep:
                raise DataError(f"--param should look like name=value, got {pair!r}")
            try:
                changes[name.strip()] = float(value)
            except ValueError:
                raise DataError(f"--param {name.strip()} should be a number, got {value!r}") from None
        return self.replace(**changes) if changes else self

    def describe(self) -> dict[str, float]:
        """Return the parameters as a plain dict (for run summaries)."""
        return dataclasses.asdict(self)
