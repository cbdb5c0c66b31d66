"""Wrap the client method the send operator posts a chunk with, to inject a failure or a kill around it.

The operator prepares each chunk in its first pass and posts it later (``core.prepared``): a client that
prepares natively (``send_prepared``: Node, İleti Merkezi) is called there, any other through ``send``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def patch_send(monkeypatch: pytest.MonkeyPatch, client_class: type, wrapper: Callable[..., Any]) -> None:
    """``wrapper(original, self, *args, **kwargs)`` runs instead of each chunk's send."""
    name = "send_prepared" if hasattr(client_class, "send_prepared") else "send"
    original = getattr(client_class, name)

    def send(self: Any, *args: Any, **kwargs: Any) -> Any:
        return wrapper(original, self, *args, **kwargs)

    monkeypatch.setattr(client_class, name, send)
