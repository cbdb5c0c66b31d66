"""``AsyncHttpSession``: the async twin of ``sync.HttpSession`` over httpx, for triggers.

The same rules: no redirect followed (``follow_redirects=False``, and a 3xx is an error naming the target),
the raw body decoded by ``BoundedBody`` under the cap (httpx's own decoders inflate a whole chunk at once),
and ``timeout`` as one deadline for the whole exchange (``asyncio.timeout``), not per read.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import httpx

from airflow_provider_ileti.clients.http.answer import Answer
from airflow_provider_ileti.clients.http.body import ACCEPT_ENCODING, BoundedBody
from airflow_provider_ileti.clients.http.failures import USER_AGENT, network_error, redirect_error
from airflow_provider_ileti.clients.http.settings import HttpSettings

log = logging.getLogger(__name__)


class AsyncHttpSession:
    """Async requests to one service; ``await request()`` returns an ``Answer`` or raises."""

    def __init__(
        self,
        settings: HttpSettings,
        *,
        service: str | None,
        auth: tuple[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        secrets: tuple[str, ...] = (),
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.settings = settings
        self.service = service
        self.secrets = tuple(s for s in secrets if s)
        self._headers = {"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING, **(headers or {})}
        self._client = client or httpx.AsyncClient(
            auth=httpx.BasicAuth(*auth) if auth else None,
            timeout=settings.timeout,
            verify=settings.verify_ssl,
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"AsyncHttpSession(service={self.service!r})"

    async def request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        json: Any = None,
        content: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        """One request within the deadline; never follows a redirect; the body bounded by the cap."""
        sent_headers = {**self._headers, **(headers or {})}
        after_headers = False
        try:
            async with asyncio.timeout(self.settings.timeout):
                async with self._client.stream(
                    method, url, json=json, content=content, headers=sent_headers, follow_redirects=False
                ) as resp:
                    after_headers = True
                    if 300 <= resp.status_code < 400:
                        raise redirect_error(
                            resp.status_code, resp.headers.get("location"), url, what, self.service
                        )
                    # a response built in memory (httpx.MockTransport in a user's test) is read and decoded
                    in_memory = resp.is_stream_consumed
                    body = BoundedBody(
                        None if in_memory else resp.headers.get("content-encoding"),
                        self.settings.max_answer_bytes,
                        what=what,
                        service=self.service,
                    )
                    if in_memory:
                        body.feed(resp.content)
                    else:
                        body.check_length(resp.headers.get("content-length"))
                        async for chunk in resp.aiter_raw():
                            body.feed(chunk)
                    data = body.finish()
        except TimeoutError as exc:
            raise self._network(exc, what, deadline=True, after_headers=after_headers) from None
        except httpx.HTTPError as exc:
            raise self._network(exc, what, deadline=False, after_headers=after_headers) from None
        log.debug("%s %s -> HTTP %s, %d bytes", self.service, what, resp.status_code, len(data))
        return Answer(
            status=resp.status_code,
            headers=dict(resp.headers),
            body=data,
            what=what,
            service=self.service,
            secrets=self.secrets,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    def _network(self, exc: BaseException, what: str, *, deadline: bool, after_headers: bool) -> Any:
        if deadline and not after_headers:
            # the deadline passed before any answer: whether the request went out is unknown
            after_headers = True
        return network_error(
            exc,
            what=what,
            service=self.service,
            timeout=self.settings.timeout,
            deadline=deadline,
            after_headers=after_headers,
        )
