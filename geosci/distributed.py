r"""Past one machine: surfaces, matrices and isochrone sets on a Dask cluster.

The work that :mod:`geosci.access` splits for the cores of one machine (a
matrix by chunks of origins, a surface by tiles of rows, an isochrone set by
origins) is sent to the workers of a ``dask.distributed`` cluster instead.
The travel model (its graph, KD-tree and parameters) is scattered once to
every worker; each task then carries only its chunk's coordinates. Results
come back in order, computed by the same functions as on one machine, so
they are identical to the single-process run.

Dask is an optional extra: ``pip install geosci[dask]``.

Running on a cluster
--------------------
Start a scheduler and workers on the machines (``dask scheduler`` on one,
``dask worker tcp://SCHEDULER:8786`` on each, all with geosci installed and
the same input files reachable), then pass the scheduler's address::

    geosci access surface --from incubator_clusters --cell 100 \
        --extent 103.5,28.8,108.0,31.5 --out region.tif --scheduler tcp://10.0.0.5:8786

``--scheduler local`` starts a cluster of ``--jobs`` worker processes on
this machine for the run.

Dask's nanny sets ``MALLOC_TRIM_THRESHOLD_`` in the workers it starts,
which makes numpy's large temporaries several times slower (measured here:
3-6x on surface tiles). geosci's local cluster unsets it; on a cluster of
your own, put this in ``~/.config/dask/distributed.yaml`` on the workers::

    distributed:
      nanny:
        pre-spawn-environ:
          MALLOC_TRIM_THRESHOLD_: null
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = ["client", "isochrone_polygons", "iter_times", "surface_tiles"]


def _distributed():
    try:
        import distributed
    except ImportError:
        from geosci.errors import ParameterError

        raise ParameterError("scheduler", "{name} needs dask.distributed: pip install geosci[dask] "
                                          "(or dask distributed)") from None  # fmt: skip
    return distributed


@contextlib.contextmanager
def client(scheduler: Any, *, jobs: int | None = None, processes: bool = True) -> Iterator:
    """Yield a ``distributed.Client`` for ``scheduler``, closed afterwards if this opened it.

    Parameters
    ----------
    scheduler : str or distributed.Client
        ``"local"`` (a cluster of ``jobs`` single-threaded workers on this
        machine, for this run), a scheduler address (``tcp://host:8786``),
        or a client already open (used as it is, left open).
    jobs : int, optional
        Workers of a local cluster (``None``: every core).
    processes : bool
        Local workers as processes (default) or threads.
    """
    from geosci.parallel import resolve_jobs

    distributed = _distributed()
    if isinstance(scheduler, distributed.Client):
        yield scheduler
        return
    if str(scheduler) == "local":
        import dask

        # Dask's nanny sets MALLOC_TRIM_THRESHOLD_ in its workers, which makes glibc unmap and map
        # again every large numpy temporary: 3-6x slower tiles here. Leave glibc its default.
        with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}), \
                distributed.LocalCluster(n_workers=resolve_jobs(jobs), threads_per_worker=1, processes=processes,
                                      dashboard_address=None) as cluster, distributed.Client(cluster) as c:  # fmt: skip
            yield c
        return
    try:
        c = distributed.Client(str(scheduler), timeout="20s")
    except OSError as exc:
        from geosci.errors import ParameterError

        raise ParameterError("scheduler", f"{{name}} {scheduler!r}: cannot reach a Dask scheduler there "
                                          f"({str(exc).splitlines()[0]})") from None  # fmt: skip
    with c:
        yield c


def _ordered(c, fn, shared, items, *, ahead: int) -> Iterator:
    """Submit ``fn(shared, item)`` for every item, at most ``ahead`` pending, and yield results in order."""
    from geosci.parallel import bounded_in_order

    yield from bounded_in_order(lambda item: c.submit(fn, shared, item, pure=False), items, ahead=ahead)


def _ahead(c) -> int:
    return 2 * max(1, sum(c.nthreads().values()))


def _times_block(shared, rows):
    model, origins_xy, dests_xy, plan = shared
    if plan is None:
        return model.times(origins_xy[rows[0] : rows[1]], dests_xy)
    return model.times(origins_xy[rows[0] : rows[1]], dests_xy, plan=plan)


def iter_times(model, origins_xy: np.ndarray, dests_xy: np.ndarray, *, chunk: int, scheduler,
               jobs: int | None = None) -> Iterator:  # fmt: skip
    """Yield ``(start, seconds)`` per chunk of origins, computed on the cluster, in order.

    See :func:`geosci.access.iter_times`.
    """
    # a street network decides once, for all the origins, which side to search from; each worker then
    # searches from the destinations once and keeps the result for its blocks (as one process does)
    plan = model.search_plan(origins_xy, dests_xy) if hasattr(model, "search_plan") else None
    with client(scheduler, jobs=jobs) as c:
        shared = c.scatter((model, origins_xy, dests_xy, plan), broadcast=True, hash=False)
        starts = range(0, len(origins_xy), chunk)
        spans = [(i, min(i + chunk, len(origins_xy))) for i in starts]
        yield from zip(starts, _ordered(c, _times_block, shared, spans, ahead=_ahead(c)), strict=True)


def _tile(shared, rows):
    from geosci.access import tile_minutes

    nearest, bounds, cell_m = shared
    return tile_minutes(nearest, bounds, cell_m, rows)


def surface_tiles(model, origins_xy: np.ndarray, bounds: tuple, cell_m: float, tiles: list, *, tile_cells: int,
                  scheduler, jobs: int | None = None) -> Iterator:  # fmt: skip
    """Yield the minutes of every tile of a surface, computed on the cluster, in order.

    The nearest-origin function (for a street network: the costs of one
    search from all origins, and the network to snap cells to) is built
    once here and scattered once to every worker.
    """
    from geosci.access import _nearest_function

    nearest = _nearest_function(model, origins_xy, tile_cells=tile_cells, jobs=1)
    with client(scheduler, jobs=jobs) as c:
        shared = c.scatter((nearest, tuple(bounds), float(cell_m)), broadcast=True, hash=False)
        yield from _ordered(c, _tile, shared, tiles, ahead=_ahead(c))


def _isochrone(shared, xy):
    model, seconds = shared
    return model.isochrone(xy, seconds)


def isochrone_polygons(model, origins_xy: np.ndarray, seconds: float, *, scheduler, jobs: int | None = None) -> list:
    """Return the isochrone polygon of every origin, drawn on the cluster, in order."""
    with client(scheduler, jobs=jobs) as c:
        shared = c.scatter((model, float(seconds)), broadcast=True, hash=False)
        return list(_ordered(c, _isochrone, shared, list(origins_xy), ahead=_ahead(c)))
