"""A local emulation of the four SMS services, for the demo, the tests, the benchmarks and users' DAG tests.

One aiohttp server serves every service on loopback under its own prefix (``/node``, ``/iletimerkezi``,
``/iletiniz``, ``/wisecp``) with the real paths, auth and envelopes below it, plus an admin API at
``/_admin``. Nothing in the provider imports this package; only tests, benchmarks and the demo do.

``SandboxServer`` is imported on first use, so ``ileti-sandbox`` (``sandbox.cli``) can name the missing
``[sandbox]`` extra before anything imports aiohttp.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airflow_provider_ileti.sandbox.server import SandboxServer

__all__ = ["SandboxServer"]


def __getattr__(name: str) -> Any:
    if name == "SandboxServer":
        from airflow_provider_ileti.sandbox.server import SandboxServer

        return SandboxServer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
