"""İleti Merkezi (iletimerkezi.com) client: XML/JSON API, GET send, reports, balance, senders, black list.

Modules: ``auth`` (key + hash), ``codec`` (the XML/JSON documents, safely parsed), ``wire`` (request shapes
and answer reading), ``codes`` (status codes -> ``core.errors``), ``validation``, ``models``, ``client``
(``IletiMerkeziClient``), ``aio`` (``AsyncIletiMerkeziStatusClient`` for triggers) and ``webhook``.
Nothing here imports Airflow.
"""

from __future__ import annotations

from airflow_provider_ileti.core.service import Service

SERVICE = Service.ILETIMERKEZI
