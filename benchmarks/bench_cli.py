"""Whole commands, timed as a planner runs them: parts of large origin files, Parquet writing, Dask workers.

Run on demand (never in the tests):

    pip install -e ".[bench,dask]"
    python benchmarks/bench_cli.py                    # every workload, JSON on stdout
    python benchmarks/bench_cli.py --only dask --runs 2

Each run is a separate process, timed from outside with its peak resident
memory (``os.wait4``), on random points in the São Paulo extract of
``../shared/data`` (files written once to ``--work``). Outputs of runs that
should agree are compared: Parquet tables whole, GeoPackage geometries
exactly.

Workloads:

- ``parts``: 3,000,000 origins (a GeoPackage) × 3 destinations, streamed to
  Parquet, with the origins read whole and in parts of 1,000,000 and 250,000
  (``geosci.access.write_matrix``'s ``partition_rows``);
- ``matrix``: 50,000 × 1,000 to Parquet from the command line, ``--jobs 1``
  and ``2``, and on a local Dask cluster of 1, 2 and 4 workers;
- ``isochrones``: 1,500 ten-minute isochrones, the same five ways.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OSM = HERE.parent.parent / "shared" / "data" / "sao_paulo" / "spo_osm.pbf"
BOX = (-46.66, -23.58, -46.60, -23.52)  # inside the central São Paulo extract, WGS84
WAYS = {  # the five ways each command is run
    "jobs1": ["--jobs", "1"],
    "jobs2": ["--jobs", "2"],
    "dask1": ["--scheduler", "local", "--jobs", "1"],
    "dask2": ["--scheduler", "local", "--jobs", "2"],
    "dask4": ["--scheduler", "local", "--jobs", "4"],
}


def timed(argv: list[str]) -> dict:
    """Run one command; return its wall seconds and peak resident memory (MB)."""
    import tempfile

    with tempfile.TemporaryFile() as err:  # a file, not a pipe: a chatty command never blocks on a full pipe
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise SystemExit(f"failed: {' '.join(argv)}\n{err.read().decode(errors='replace')[-2000:]}")
    # ru_maxrss is the largest single process of the run: with Dask, the biggest of the client and its workers
    return {"seconds": round(seconds, 2), "peak_mb": round(usage.ru_maxrss / 1024, 1)}


POINTS = """
import sys, geopandas as gpd, numpy as np
path, n, seed, x0, y0, x1, y1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *map(float, sys.argv[4:8])
rng = np.random.default_rng(seed)
x, y = rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)
ids = np.char.add("p", np.arange(n).astype(str))
gpd.GeoDataFrame({"id": ids}, geometry=gpd.points_from_xy(x, y), crs=4326).to_file(path, engine="pyogrio")
"""


def points(path: Path, n: int, seed: int) -> Path:
    """Write ``n`` random points of the box to ``path`` (once).

    In a child process: this process stays small, because Linux carries a
    process's peak memory over into the children it starts (``ru_maxrss``
    survives ``fork`` and ``exec``), which would inflate every figure after.
    """
    if not path.exists():
        subprocess.run([sys.executable, "-c", POINTS, str(path), str(n), str(seed), *map(str, BOX)], check=True)
    return path


def parts_workload(work: Path, runs: int) -> dict:
    origins, dests = points(work / "o3m.gpkg", 3_000_000, 0), points(work / "d3.gpkg", 3, 1)
    code = ("import sys; from geosci.models import make_model; from geosci import access; "
            "m = make_model(network=sys.argv[1]); "
            "access.write_matrix(m, sys.argv[2], sys.argv[3], sys.argv[4], partition_rows=int(sys.argv[5]), "
            "overwrite=True)")  # fmt: skip
    out = {}
    for rows in (10**12, 1_000_000, 250_000):
        name = "whole" if rows == 10**12 else f"parts_of_{rows}"
        target = work / f"parts_{name}.parquet"
        argv = [sys.executable, "-c", code, str(OSM), str(origins), str(dests), str(target), str(rows)]
        out[name] = [timed(argv) for _ in range(runs)]
    out["identical"] = _same_parquet([work / f"parts_{n}.parquet" for n in out])
    return out


def matrix_workload(work: Path, runs: int) -> dict:
    origins, dests = points(work / "o50k.gpkg", 50_000, 1), points(work / "d1k.gpkg", 1_000, 2)
    out = {}
    for way, flags in WAYS.items():
        argv = ["geosci", "access", "matrix", "--from", str(origins), "--to", str(dests), "--network", str(OSM),
                "--out", str(work / f"m_{way}.parquet"), "--overwrite", *flags]  # fmt: skip
        out[way] = [timed(argv) for _ in range(runs)]
    out["identical"] = _same_parquet([work / f"m_{way}.parquet" for way in WAYS])
    return out


def isochrones_workload(work: Path, runs: int) -> dict:
    origins = points(work / "o1500.gpkg", 1_500, 3)
    out = {}
    for way, flags in WAYS.items():
        argv = ["geosci", "access", "isochrone", "--from", str(origins), "--minutes", "10", "--network", str(OSM),
                "--out", str(work / f"iso_{way}.gpkg"), "--overwrite", *flags]  # fmt: skip
        out[way] = [timed(argv) for _ in range(runs)]
    out["identical"] = _same_in_child(CHECK_GPKG, [work / f"iso_{way}.gpkg" for way in WAYS])
    return out


CHECK_PARQUET = """
import sys, pyarrow.parquet as pq
first = pq.read_table(sys.argv[1])
print(all(pq.read_table(p).equals(first) for p in sys.argv[2:]))
"""
CHECK_GPKG = """
import sys, geopandas as gpd
frames = [gpd.read_file(p) for p in sys.argv[1:]]
print(all(f.geometry.geom_equals_exact(frames[0].geometry, 0).all() for f in frames[1:]))
"""


def _same_in_child(code: str, paths: list[Path]) -> bool:
    """Compare outputs in a child process (this one stays small, see :func:`points`)."""
    proc = subprocess.run([sys.executable, "-c", code, *map(str, paths)], capture_output=True, text=True, check=True)
    return proc.stdout.strip() == "True"


def _same_parquet(paths: list[Path]) -> bool:
    return _same_in_child(CHECK_PARQUET, paths)


WORKLOADS = {"parts": parts_workload, "matrix": matrix_workload, "isochrones": isochrones_workload}


def main() -> None:
    """Run the workloads asked for and print their figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=list(WORKLOADS), default=list(WORKLOADS))
    parser.add_argument("--runs", type=int, default=2, help="Runs of each command.")
    parser.add_argument("--work", type=Path, default=Path("/tmp/geosci-bench-cli"), help="Folder for the inputs.")
    args = parser.parse_args()
    if not OSM.exists():
        raise SystemExit(f"{OSM} is missing: the benchmarks need ../shared/data beside the project")
    args.work.mkdir(parents=True, exist_ok=True)
    results = {"cores": os.cpu_count(), "date": time.strftime("%Y-%m-%d")}
    for name in args.only:
        results[name] = WORKLOADS[name](args.work, args.runs)
    json.dump(results, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
