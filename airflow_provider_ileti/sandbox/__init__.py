"""A local emulation of the four SMS services, for the demo, the tests, the benchmarks and users' DAG tests.

One aiohttp server serves every service on loopback under its own prefix (``/node``, ``/iletimerkezi``,
``/iletiniz``, ``/wisecp``) with the real paths, auth and envelopes below it, plus an admin API at
``/_admin``. Nothing in the provider imports this package; only tests, benchmarks and the demo do.
"""

from airflow_provider_ileti.sandbox.server import SandboxServer

__all__ = ["SandboxServer"]
