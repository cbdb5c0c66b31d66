"""WISECP international SMS client: user token, submit, reports, balance and per-country prices.

Modules: ``answers`` (answers -> results and ``core.errors``: the guessed shapes live there only), ``pricing``
(what a send costs by country), ``client`` (``WisecpClient``) and ``aio`` (``AsyncWisecpStatusClient`` for
triggers). Nothing here imports Airflow.
"""

from __future__ import annotations

from airflow_provider_ileti.core.service import Service

SERVICE = Service.WISECP
