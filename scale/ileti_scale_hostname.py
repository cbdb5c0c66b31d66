"""``[core] hostname_callable`` for the scale run: each Celery worker reports its own name.

Two workers on one machine would otherwise report the same hostname (``socket.getfqdn()``), and Airflow
could not tell which one ran a task instance.
"""

from __future__ import annotations

import os
import socket


def hostname() -> str:
    return os.environ.get("ILETI_SCALE_HOSTNAME") or socket.getfqdn()
