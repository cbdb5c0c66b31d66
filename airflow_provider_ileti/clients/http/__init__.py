"""The one HTTP layer every client uses, sync (requests) and async (httpx): nothing else re-implements it.

- ``settings``: the knobs, one vocabulary for every service and hook: ``timeout`` (a total deadline per
  request: connect plus the whole answer, not per read), ``verify_ssl``, ``retries``, ``max_answer_bytes``.
- ``retry``: the retry policy (count, backoff with jitter, ``Retry-After`` in seconds or as an HTTP date,
  one cap and one rule above it: fail now and leave the wait to Airflow's task retry), sync and async runner.
- ``reached``: the one definition of "the request surely never reached the server", from exception types.
- ``answer``: what came back (status, headers, a bounded body) and the error for an answer of the wrong kind.
- ``sync`` / ``aio``: the sessions: redirects are never followed (a clear error names the target), the body is
  read no further than the cap (also decompressed), the deadline holds from connect to the last byte.
- ``fanout``: many reads through one session, a bounded number at once (``status_concurrency``), for the
  services that answer one status per request.

The errors it raises (all in ``core.errors``' hierarchy)::

    IletiError
    ├── ServiceError
    │   ├── RedirectRefusedError     a 3xx: not followed, it names the target
    │   └── ProtocolError
    │       ├── AnswerTooLargeError  the body (decompressed) passed max_answer_bytes
    │       └── WrongAnswerKindError an HTML page where JSON/XML/SOAP was expected (status, type, excerpt)
    └── TransientError               maybe_processed=False: never reached the server (a connect error);
                                     maybe_processed=True: it may have (no or a cut answer, deadline passed)
"""

from __future__ import annotations

from airflow_provider_ileti.clients.http.answer import Answer
from airflow_provider_ileti.clients.http.errors import (
    AnswerTooLargeError,
    RedirectRefusedError,
    WrongAnswerKindError,
)
from airflow_provider_ileti.clients.http.reached import never_reached
from airflow_provider_ileti.clients.http.retry import RetryPolicy, parse_retry_after
from airflow_provider_ileti.clients.http.settings import HttpSettings

__all__ = [
    "Answer",
    "AnswerTooLargeError",
    "HttpSettings",
    "RedirectRefusedError",
    "RetryPolicy",
    "WrongAnswerKindError",
    "never_reached",
    "parse_retry_after",
]
