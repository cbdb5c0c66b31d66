"""Sandbox emulation of the wisecp service (placeholder until it is built)."""

from __future__ import annotations

from typing import Any

NAME = "wisecp"


def register(app: Any, sandbox: Any) -> None:
    return None


def connections(base_url: str) -> dict[str, dict[str, Any]]:
    return {}
