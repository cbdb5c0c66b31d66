"""REST/JSON over ``requests``: ``POST {base}/{function}`` with Basic auth, one pooled session per client.

A failure before the body went out (connection refused, DNS, connect timeout) surely created nothing; a read
timeout or a dropped connection after it may have: ``NodeTransientError.maybe_processed`` says which, so the
client never repeats a send without customID that may have gone out.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from airflow_provider_ileti.clients.node.errors import (
    SERVICE,
    NodeTransientError,
    parse_retry_after,
    read_envelope,
)
from airflow_provider_ileti.core.errors import ProtocolError

log = logging.getLogger(__name__)

#: Pooled connections per host: enough for a few threads of one task.
POOL_SIZE = 10


class RestTransport:
    protocol = "rest"

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        timeout: float = 30.0,
        verify_ssl: bool = True,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.auth = (username, password)
        self.session.verify = verify_ssl
        self.session.headers.update({"Accept": "application/json"})
        adapter = HTTPAdapter(pool_connections=POOL_SIZE, pool_maxsize=POOL_SIZE, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def __repr__(self) -> str:
        return f"RestTransport(base_url={self.base_url!r})"

    def call(self, function: str, payload: dict[str, Any]) -> Any:
        url = f"{self.base_url}/{function}"
        try:
            resp = self.session.post(url, json=payload, timeout=self.timeout)
        except (requests.ConnectTimeout, requests.exceptions.SSLError) as exc:
            raise _network(function, exc, maybe_processed=False) from None
        except requests.ConnectionError as exc:
            # NewConnectionError (refused, DNS) never sent the body; a dropped connection may have.
            text = repr(exc)
            sent = not any(
                s in text for s in ("NewConnectionError", "Failed to resolve", "Connection refused")
            )
            raise _network(function, exc, maybe_processed=sent) from None
        except requests.Timeout as exc:
            raise _network(function, exc, maybe_processed=True) from None
        except requests.RequestException as exc:
            raise _network(function, exc, maybe_processed=True) from None
        retry_after = parse_retry_after(resp.headers.get("Retry-After"))
        try:
            answer = resp.json()
        except ValueError:
            answer = None
        if answer is None and resp.status_code < 400:
            raise ProtocolError(
                f"{function}: the answer is not JSON (HTTP {resp.status_code})",
                service=SERVICE,
                http_status=resp.status_code,
            )
        log.debug("Node %s -> HTTP %s", function, resp.status_code)
        return read_envelope(answer, function=function, http_status=resp.status_code, retry_after=retry_after)

    def close(self) -> None:
        self.session.close()


def _network(function: str, exc: Exception, *, maybe_processed: bool) -> NodeTransientError:
    # The exception's text may hold the URL (never credentials: they travel in a header); keep the class only.
    return NodeTransientError(
        f"{function}: network failure ({type(exc).__name__})"
        + ("; the request may have reached the server" if maybe_processed else ""),
        maybe_processed=maybe_processed,
        service=SERVICE,
    )
