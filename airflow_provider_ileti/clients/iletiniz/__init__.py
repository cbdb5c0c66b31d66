"""İletiniz client: Bearer API key, messages and bulk, jobs, account and quota; OAuth 2.0 + PKCE connect.

Modules: ``wire`` (documented shapes and limits), ``answers`` (answers -> results and ``core.errors``, job
phases, quota estimates), ``client`` (``IletinizClient``), ``aio`` (``AsyncIletinizStatusClient`` for
triggers) and ``oauth`` (the PKCE connect flow). Nothing here imports Airflow.
"""

from __future__ import annotations

from airflow_provider_ileti.core.service import Service

SERVICE = Service.ILETINIZ
