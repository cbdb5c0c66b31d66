"""What came back: status, headers and a body already read (bounded), and the kind checks clients share."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from airflow_provider_ileti.clients.http.errors import WrongAnswerKindError
from airflow_provider_ileti.core.masking import mask_numbers_in_text

#: Characters of a wrong answer shown in an error: enough to recognise a proxy's page, not a document.
EXCERPT_CHARS = 120
_SPACE = re.compile(r"\s+")


@dataclasses.dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes
    #: What the request was, for messages (``sms/create``, ``get-balance``): never the URL.
    what: str
    service: str | None = None
    #: Values to blank out of any excerpt (the client's credentials, should a server echo them).
    secrets: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").strip()

    @property
    def retry_after(self) -> str | None:
        return self.header("retry-after")

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return str(value)
        return None

    def excerpt(self) -> str:
        """The body's start as one line, numbers masked and the client's secrets blanked."""
        text = self.body[: EXCERPT_CHARS * 4].decode("utf-8", "replace")
        text = _SPACE.sub(" ", text).strip()
        text = _redact(text, self.secrets)[:EXCERPT_CHARS]
        return mask_numbers_in_text(text) + ("…" if len(self.body) > EXCERPT_CHARS else "")

    def describe(self) -> str:
        """``HTTP 502, text/html: '<html>…'``: for a message about an answer we could not use."""
        kind = self.content_type or "no content type"
        if not self.body:
            return f"HTTP {self.status}, empty"
        return f"HTTP {self.status}, {kind}: {self.excerpt()!r}"

    def json_or_none(self) -> Any:
        """The parsed JSON body, or None when it is not JSON (the caller decides what that means)."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def wrong_kind(self, expected: str) -> WrongAnswerKindError:
        """The error for a body that is not ``expected`` (``JSON``, ``XML``, ``SOAP``)."""
        return WrongAnswerKindError(
            f"{self.what}: expected {expected}, got {self.describe()}",
            service=self.service,
            http_status=self.status,
        )

    def json(self, expected: str = "JSON") -> Any:
        """The parsed JSON body; ``WrongAnswerKindError`` when it is not JSON."""
        value = self.json_or_none()
        if value is None:
            raise self.wrong_kind(expected)
        return value


def _redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text
