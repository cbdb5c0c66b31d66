"""The one definition of "the request surely never reached the server", from exception types.

Surely not: no connection was made (refused, no such host, connect timeout, no free connection in the pool),
or the TLS handshake refused the server's certificate. Anything after the connection was made (a read timeout,
a dropped connection, a cut answer) may come after the server took the request: a send without a client id
must then not be repeated. Like urllib3's ``Retry``, which keeps connect errors apart from read errors.
"""

from __future__ import annotations

import ssl


def never_reached(exc: BaseException) -> bool:
    """True when ``exc`` (from requests, urllib3 or httpx) proves the request was never sent."""
    if type(exc).__module__.startswith("httpx"):
        import httpx

        return isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    import requests
    import urllib3

    if isinstance(exc, requests.ConnectTimeout | urllib3.exceptions.ConnectTimeoutError):
        return True
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(
            cause,
            urllib3.exceptions.NewConnectionError
            | urllib3.exceptions.ConnectTimeoutError
            | ssl.SSLCertVerificationError,
        ):
            return True
        # requests wraps urllib3's MaxRetryError, whose ``reason`` is the error itself; never __context__:
        # an error handled earlier says nothing about this request (a wrong "never" would send twice).
        inner = getattr(cause, "reason", None)
        if not isinstance(inner, BaseException):
            first = cause.args[0] if cause.args else None
            inner = first if isinstance(first, BaseException) else cause.__cause__
        cause = inner
    return False
