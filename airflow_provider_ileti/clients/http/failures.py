"""The errors for an exchange that failed, shared by the sync and the async session."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

from airflow_provider_ileti.clients.http.errors import RedirectRefusedError
from airflow_provider_ileti.clients.http.reached import never_reached
from airflow_provider_ileti.core.errors import TransientError
from airflow_provider_ileti.core.masking import mask_numbers_in_text

USER_AGENT = "airflow-provider-ileti"
#: ``code`` of the error for a request that used up its whole ``timeout``: not retried inside the task (the
#: timeout bounds the call; a server that slow is left to Airflow's retry), see ``retry.RetryPolicy``.
DEADLINE = "deadline"


def redirect_error(
    status: int, location: str | None, url: str, what: str, service: str | None
) -> RedirectRefusedError:
    """The error for a 3xx: the target without its query, numbers masked (shared with ``aio``)."""
    if location:
        target = urlsplit(urljoin(url, location))
        shown = mask_numbers_in_text(urlunsplit((target.scheme, target.netloc, target.path, "", "")))
        where = f" to {shown}"
    else:
        where = " without a Location"
    return RedirectRefusedError(
        f"{what}: the server answered HTTP {status}, a redirect{where}. Redirects are not followed (the "
        "request and its credentials would go there); set the connection's host to the service's real "
        "address",
        service=service,
        http_status=status,
    )


def network_error(
    exc: BaseException,
    *,
    what: str,
    service: str | None,
    timeout: float,
    deadline: bool,
    after_headers: bool = False,
) -> TransientError:
    """The transient error for a failed exchange, saying whether the request may have been processed."""
    reached = after_headers or not never_reached(exc)
    if deadline:
        why = f"no complete answer within the {timeout:g}s timeout"
    elif not reached:
        why = f"could not connect ({type(exc).__name__}); nothing was sent"
    else:
        why = f"the exchange broke off ({type(exc).__name__})"
    return TransientError(
        f"{what}: {why}" + ("; the request may have reached the server" if reached else ""),
        service=service,
        code=DEADLINE if deadline else "network",
        maybe_processed=reached,
        reason=why,  # without the "may have reached", which a send's caller says its own way
    )
