"""Both cores: the independent loops of an analysis run side by side, results in order.

Dijkstra chunks, surface tiles and isochrones do not depend on each other.
:func:`ordered_map` runs such a loop on a pool of threads (scipy's Dijkstra,
its KD-tree and most numpy work release the interpreter lock), holding at
most a few chunks at a time so memory stays bounded by the chunk size, and
returns the results in input order, so a run on many threads gives exactly
what one thread gives.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

__all__ = ["cpu_count", "ordered_map", "resolve_jobs"]


def cpu_count() -> int:
    """Return the number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def resolve_jobs(jobs: int | None) -> int:
    """Return the number of workers for ``jobs`` (``None`` or ``0``: every core).

    Examples
    --------
    >>> resolve_jobs(1)
    1
    >>> resolve_jobs(None) == cpu_count()
    True
    """
    if jobs is None or jobs == 0:
        return cpu_count()
    if jobs < 0:
        from geosci.errors import ParameterError

        raise ParameterError("jobs", f"{{name}} should be a positive number of workers, got {jobs}")
    return int(jobs)


def ordered_map(fn: Callable[[Any], Any], items: Iterable, *, jobs: int | None = 1,
                ahead: int | None = None) -> Iterator:  # fmt: skip
    """Yield ``fn(item)`` for every item, in order, computed on ``jobs`` threads.

    At most ``ahead`` (default ``2 × jobs``) results are pending at once,
    so a consumer that writes each result as it comes keeps memory bounded.
    With one job nothing is threaded.

    Examples
    --------
    >>> list(ordered_map(lambda x: x * x, range(5), jobs=2))
    [0, 1, 4, 9, 16]
    """
    jobs = resolve_jobs(jobs)
    if jobs == 1:
        for item in items:
            yield fn(item)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="geosci") as pool:
        yield from bounded_in_order(lambda item: pool.submit(fn, item), items, ahead=max(1, ahead or 2 * jobs))


def bounded_in_order(submit: Callable[[Any], Any], items: Iterable, *, ahead: int) -> Iterator:
    """Submit every item (``submit(item)`` returns a future), at most ``ahead`` pending, and yield results in order.

    Works with any futures that have ``result()`` and ``cancel()``: threads
    here, Dask's in :mod:`geosci.distributed`. Leaving early cancels what is
    still pending.
    """
    pending: deque = deque()
    try:
        for item in items:
            pending.append(submit(item))
            if len(pending) >= ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
