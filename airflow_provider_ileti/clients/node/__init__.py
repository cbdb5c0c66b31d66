"""Node SMS API v1.8.3 client: one interface (``NodeClient``), two transports (REST/JSON and SOAP via zeep).

Modules: ``models`` (typed requests and answers), ``validation`` (every rule of the spec, checked before the
network), ``codes`` (the SMSnn codes and the ``err`` envelope -> ``core.errors``), ``transport``/``rest``/
``soap`` (the wire), ``client`` (``NodeClient``) and ``aio`` (``AsyncNodeStatusClient`` for triggers).
Nothing here imports Airflow.
"""

from __future__ import annotations

from airflow_provider_ileti.core.service import Service

SERVICE = Service.NODE
