"""Sandbox emulation of the iletiniz service (placeholder until it is built)."""

from __future__ import annotations

from typing import Any

NAME = "iletiniz"


def register(app: Any, sandbox: Any) -> None:
    return None


def connections(base_url: str) -> dict[str, dict[str, Any]]:
    return {}
