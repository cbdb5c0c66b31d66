"""``HttpSession``: one pooled ``requests`` session, safe against a broken or hostile server.

- Redirects are never followed: a 3xx raises ``RedirectRefusedError`` naming the target (scheme, host, path;
  never the query). Following one would re-send the body and the credentials to wherever it points.
- The body is read raw and decoded by ``BoundedBody``: no further than ``max_answer_bytes``, decompressed.
- ``timeout`` is a deadline for the whole request. requests' own timeout is per socket read, so a server that
  sends a byte a second never trips it: a watchdog shuts the connection's socket at the deadline, in
  whatever phase the request is (headers included), and the request fails as ``TransientError``. One
  watchdog thread per process keeps every request's deadline (a timer thread per request cost a thread
  start on every request).
- The environment (``HTTPS_PROXY``/``NO_PROXY``, ``REQUESTS_CA_BUNDLE``, ``~/.netrc``) is honoured as requests
  does, but read once per host a session talks to, not on every request (requests re-reads all of it per
  request, which cost more than the rest of a small request).
- Network failures become ``TransientError`` with ``maybe_processed`` from ``reached.never_reached``; the
  exception's text (which may hold the URL and its query) is never shown, only its class.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import os
import socket
import threading
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ReadTimeoutError

from airflow_provider_ileti.clients.http.answer import Answer
from airflow_provider_ileti.clients.http.body import ACCEPT_ENCODING, CHUNK_BYTES, BoundedBody
from airflow_provider_ileti.clients.http.errors import RedirectRefusedError
from airflow_provider_ileti.clients.http.failures import USER_AGENT, network_error, redirect_error
from airflow_provider_ileti.clients.http.settings import HttpSettings
from airflow_provider_ileti.core.errors import IletiError, TransientError

log = logging.getLogger(__name__)

#: Pooled connections per host: enough for the few threads of one task.
POOL_SIZE = 10

_LOCAL = threading.local()


class _Watch:
    """The socket a request is using, so the deadline can close it from the watchdog's thread."""

    def __init__(self) -> None:
        self.sock: Any = None
        self.fired = False
        #: Set (under the watchdog's lock) once the request is over: the watch never fires after that.
        self.over = False

    def fire(self) -> None:
        self.fired = True
        if self.sock is not None:
            # socket.socket's own shutdown, also on an SSLSocket: wakes a blocked recv with EOF
            with contextlib.suppress(OSError):
                socket.socket.shutdown(self.sock, socket.SHUT_RDWR)


class _Watchdog:
    """One daemon thread that fires every request's ``_Watch`` at its deadline, unless the request ended.

    ``start(seconds)`` files a watch, ``stop(watch)`` ends it; once ``stop`` returns the watch never fires
    (the connection goes back to the pool and may carry another request). A forked child starts afresh.
    """

    #: Ended watches are dropped from the heap once it holds this many entries (most have ended).
    COMPACT_AT = 4096

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int, _Watch]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def start(self, seconds: float) -> _Watch:
        watch = _Watch()
        deadline = time.monotonic() + seconds
        with self._cond:
            if len(self._heap) >= self.COMPACT_AT:
                self._heap = [entry for entry in self._heap if not entry[2].over]
                heapq.heapify(self._heap)
            heapq.heappush(self._heap, (deadline, next(self._order), watch))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="ileti-http-deadlines", daemon=True)
                self._thread.start()
            elif self._heap[0][2] is watch:  # a nearer deadline than the one the thread waits for
                self._cond.notify()
        return watch

    def stop(self, watch: _Watch) -> None:
        with self._cond:
            watch.over = True

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                while self._heap and (self._heap[0][2].over or self._heap[0][0] <= now):
                    _, _, watch = heapq.heappop(self._heap)
                    if not watch.over:
                        watch.over = True
                        watch.fire()
                self._cond.wait(self._heap[0][0] - now if self._heap else None)


_WATCHDOG = _Watchdog()


def _new_watchdog_in_child() -> None:
    global _WATCHDOG
    _WATCHDOG = _Watchdog()  # the parent's thread (and perhaps its held lock) did not come along


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_watchdog_in_child)


def _note(sock: Any) -> None:
    watch = getattr(_LOCAL, "watch", None)
    if watch is not None and sock is not None:
        watch.sock = sock


class _Watched:
    """Tells the request's ``_Watch`` its socket: once connected, and again as the answer is awaited (a
    pooled connection is not connected again). Kept by the watch itself, since http.client forgets the
    socket of an answer that closes the connection while the body is still being read."""

    sock: Any

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        _note(self.sock)

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        _note(self.sock)
        return super().getresponse(*args, **kwargs)  # type: ignore[misc]


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _WatchedPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _Adapter(HTTPAdapter):
    """No retries of its own (the policy decides), and pools that tell the watchdog their socket."""

    def __init__(self) -> None:
        super().__init__(pool_connections=POOL_SIZE, pool_maxsize=POOL_SIZE, max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedPool, "https": _WatchedHTTPSPool}


class HttpSession:
    """Requests to one service, by the settings' rules. ``request()`` returns an ``Answer`` or raises."""

    def __init__(
        self,
        settings: HttpSettings,
        *,
        service: str | None,
        auth: tuple[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        secrets: tuple[str, ...] = (),
    ) -> None:
        self.settings = settings
        self.service = service
        self.secrets = tuple(s for s in secrets if s)
        self.session = requests.Session()
        self.session.auth = auth
        self.session.verify = settings.verify_ssl
        # the environment is read once per host (``_environment``), not by requests on every request
        self.session.trust_env = False
        self._environments: dict[tuple[str, str], dict[str, Any]] = {}
        self.session.headers.update(
            {"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING, **(headers or {})}
        )
        adapter = _Adapter()
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def __repr__(self) -> str:
        return f"HttpSession(service={self.service!r})"

    def request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        json: Any = None,
        data: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        """One request within the deadline; never follows a redirect; the body bounded by the cap."""
        environment = self._environment(url)
        watchdog = _WATCHDOG
        watch = watchdog.start(self.settings.timeout)
        _LOCAL.watch = watch
        try:
            try:
                resp = self.session.request(
                    method,
                    url,
                    json=json,
                    data=data,
                    params=params,
                    headers=dict(headers) if headers else None,
                    timeout=(self.settings.timeout, self.settings.timeout),
                    allow_redirects=False,
                    stream=True,
                    **environment,
                )
            except requests.RequestException as exc:
                raise self._network(exc, what, watch.fired) from None
            finally:
                _LOCAL.watch = None
            try:
                if 300 <= resp.status_code < 400:
                    raise self._redirect(resp, url, what)
                body = self._read(resp, what)
            except IletiError:
                raise
            except Exception as exc:  # a cut or stalled body: requests, urllib3, http.client or OSError
                raise self._network(exc, what, watch.fired, after_headers=True) from None
            finally:
                resp.close()
        finally:
            watchdog.stop(watch)
        log.debug("%s %s -> HTTP %s, %d bytes", self.service, what, resp.status_code, len(body))
        return Answer(
            status=resp.status_code,
            headers=dict(resp.headers),
            body=body,
            what=what,
            service=self.service,
            secrets=self.secrets,
        )

    def close(self) -> None:
        self.session.close()

    # -- parts ----------------------------------------------------------------------------------------------
    def _environment(self, url: str) -> dict[str, Any]:
        """What requests' ``trust_env`` would take from the environment for ``url``, read once per host:
        proxies (``*_PROXY``, ``NO_PROXY``), the CA bundle (``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE``) when
        certificates are verified, and ``~/.netrc`` credentials when the session has none of its own."""
        parts = urlsplit(url)
        key = (parts.scheme.lower(), parts.netloc.lower())
        found = self._environments.get(key)
        if found is None:
            origin = f"{parts.scheme}://{parts.netloc}/"
            proxies = requests.utils.get_environ_proxies(origin, no_proxy=None)
            found = {"proxies": proxies} if proxies else {}
            if self.session.verify is True:
                bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
                if bundle:
                    found["verify"] = bundle
            if self.session.auth is None:
                netrc = requests.utils.get_netrc_auth(origin)
                if netrc:
                    found["auth"] = netrc
            self._environments[key] = found
        return found

    def _read(self, resp: requests.Response, what: str) -> bytes:
        body = BoundedBody(
            resp.headers.get("Content-Encoding"),
            self.settings.max_answer_bytes,
            what=what,
            service=self.service,
        )
        body.check_length(resp.headers.get("Content-Length"))
        for chunk in resp.raw.stream(CHUNK_BYTES, decode_content=False):
            body.feed(chunk)
        return body.finish()

    def _redirect(self, resp: requests.Response, url: str, what: str) -> RedirectRefusedError:
        return redirect_error(resp.status_code, resp.headers.get("Location"), url, what, self.service)

    def _network(
        self, exc: BaseException, what: str, deadline: bool, *, after_headers: bool = False
    ) -> TransientError:
        # requests' per-read timeout is the whole timeout too: whichever of it and the watchdog fires
        # first (a loaded machine decides), no answer came within the timeout, and the error says so
        read_timeout = isinstance(exc, requests.ReadTimeout | ReadTimeoutError | TimeoutError)
        return network_error(
            exc,
            what=what,
            service=self.service,
            timeout=self.settings.timeout,
            deadline=deadline or read_timeout,
            after_headers=after_headers,
        )
