"""Housekeeping our operators leave to the deployment: ``python -m airflow_provider_ileti.maintenance``.

Importing it is cheap (an Airflow 2.11 maintenance DAG imports it): Airflow's ORM is imported only by the
functions that use it.
"""

from __future__ import annotations

from airflow_provider_ileti.maintenance.send_progress import CleanupReport, cleanup_send_progress

__all__ = ["CleanupReport", "cleanup_send_progress"]
