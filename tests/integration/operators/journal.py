"""The send requests the sandbox journalled, for the operator tests' counts (duplicates, nothing sent)."""

from __future__ import annotations

from typing import Any


def sends(sandbox: Any, path: str, service: str | None = None) -> list[dict[str, Any]]:
    """Journalled requests whose path ends with ``path`` (``send-sms``, ``/sms/create``...), oldest first."""
    return [r for r in sandbox.requests(service=service) if str(r["path"]).rstrip("/").endswith(path)]


def send_count(sandbox: Any, path: str, service: str | None = None) -> int:
    return len(sends(sandbox, path, service))
