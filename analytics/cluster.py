"""Reading on a cluster: a Dask distributed scheduler's executor for ``analytics.ingest.read_batch``.

A province's or a nation's disclosures are read faster over many machines. ``connect("tcp://host:8786")`` gives a
``concurrent.futures.Executor`` backed by the Dask cluster at that address; ``read_batch(paths,
executor=connect(…))`` — or ``analytics ingest --scheduler tcp://host:8786 FILES`` — spreads the files over its
workers. Every worker must see the files at the same paths (a shared folder) and have this package installed.
Needs the optional dependency ``distributed`` (``pip install '.[cluster]'``).
"""

from __future__ import annotations

from concurrent.futures import Executor

from analytics.errors import AnalyticsError

__all__ = ["ClusterError", "connect"]


class ClusterError(AnalyticsError):
    """A cluster cannot be used: Dask's ``distributed`` is not installed, or no scheduler answers at the address."""


def connect(address: str, *, timeout: float = 10.0) -> Executor:
    """The executor of the Dask scheduler at ``address`` (``tcp://host:port``).

    Raises
    ------
    ClusterError
        ``distributed`` is not installed, or nothing answers at ``address`` within ``timeout`` seconds.
    """
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(
            "reading on a cluster needs Dask's distributed package: pip install 'budget-disclosure-analytics[cluster]'"
        ) from None
    try:
        client = Client(address, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"no Dask scheduler answers at {address} ({exc}); expected tcp://host:port") from None
    return client.get_executor()
