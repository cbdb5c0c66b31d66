"""Fake transports for the Node client's unit tests: one that fails if called, one that scripts answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from airflow_provider_ileti.clients.node.client import NodeClient
from airflow_provider_ileti.core.encoded_json import EncodedJson

PASSWORD = "s3cret-node-password"


class NoNetwork:
    """A transport that fails the test if anything reaches it (validation must come first)."""

    protocol = "rest"

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def call(self, function: str, payload: dict[str, Any]) -> Any:
        self.calls.append((function, _values(payload)))
        raise AssertionError(f"{function} reached the network: validation should have refused it")

    def close(self) -> None:
        pass


class Scripted:
    """Answers from a script: each entry is a value (returned as ``data``), an exception, or a callable."""

    protocol = "rest"

    def __init__(self, *answers: Any, default: Callable[[str, dict[str, Any]], Any] | None = None) -> None:
        self.answers = list(answers)
        self.default = default
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.closed = False

    def call(self, function: str, payload: dict[str, Any]) -> Any:
        self.calls.append((function, _values(payload)))
        if self.answers:
            answer = self.answers.pop(0)
        elif self.default is not None:
            answer = self.default
        else:
            raise AssertionError(f"unexpected call {function}")
        if isinstance(answer, BaseException):
            raise answer
        if callable(answer):
            return answer(function, payload)
        return answer

    def close(self) -> None:
        self.closed = True


def client(transport: Any, **kwargs: Any) -> NodeClient:
    kwargs.setdefault("default_sender", "BASLIK")
    kwargs.setdefault("sleep", lambda _s: None)
    return NodeClient("http://panel.test:9587", "user", PASSWORD, transport=transport, **kwargs)


def _values(payload: Any) -> Any:
    """What the server reads: a prepared send's encoded body as values, as the wire would carry it."""
    return payload.decoded() if isinstance(payload, EncodedJson) else payload
