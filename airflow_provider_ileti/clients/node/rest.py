"""REST/JSON: ``POST {base}/{function}`` with Basic auth, over the shared HTTP layer (one pooled session).

A failure before the body went out (connection refused, DNS, connect timeout) surely created nothing; a
read timeout, the deadline or a dropped connection after it may have: the layer's
``TransientError.maybe_processed`` says which, so the client never repeats a send without customID that
may have gone out.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_ileti.clients.http.settings import HttpSettings
from airflow_provider_ileti.clients.http.sync import HttpSession
from airflow_provider_ileti.clients.node import SERVICE
from airflow_provider_ileti.clients.node.answers import read_json_envelope
from airflow_provider_ileti.clients.node.transport import Payload
from airflow_provider_ileti.core.encoded_json import EncodedJson

_JSON = {"Content-Type": "application/json"}


class RestTransport:
    protocol = "rest"

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        settings: HttpSettings | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = HttpSession(
            settings or HttpSettings(),
            service=SERVICE,
            auth=(username, password),
            headers={"Accept": "application/json"},
            secrets=(password,),
        )

    def __repr__(self) -> str:
        return f"RestTransport(base_url={self.base_url!r})"

    def call(self, function: str, payload: Payload) -> Any:
        url = f"{self.base_url}/{function}"
        if isinstance(payload, EncodedJson):  # a prepared body: posted as it is, never decoded
            answer = self.http.request("POST", url, what=function, data=payload, headers=_JSON)
        else:
            answer = self.http.request("POST", url, what=function, json=payload)
        return read_json_envelope(answer, function)

    def close(self) -> None:
        self.http.close()
