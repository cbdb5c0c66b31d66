"""``python -m airflow_provider_ileti.maintenance cleanup --older-than 30d``."""

from __future__ import annotations

from airflow_provider_ileti.maintenance.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
