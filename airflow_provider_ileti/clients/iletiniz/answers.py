"""Reading İletiniz answers: errors -> our hierarchy, jobs -> delivery phases, quota estimates.

Shared by the sync client and the async status client (both over ``clients.http``); imports no HTTP
library.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

from airflow_provider_ileti.clients.http.answer import Answer
from airflow_provider_ileti.clients.http.retry import parse_retry_after
from airflow_provider_ileti.clients.iletiniz import SERVICE
from airflow_provider_ileti.clients.iletiniz.templates import TEMPLATE_TEXT_PREFIX
from airflow_provider_ileti.clients.iletiniz.wire import (
    JOB_DELIVERED,
    JOB_FAILED,
    JOB_PENDING,
    JOB_SENT,
    QUOTA_ERROR_CODES,
    QUOTA_HTTP_STATUS,
)
from airflow_provider_ileti.core.errors import (
    AmbiguousSendError,
    AuthenticationError,
    InsufficientCreditError,
    NotFoundError,
    ProtocolError,
    ServiceError,
    TransientError,
    ValidationError,
)
from airflow_provider_ileti.core.models import DeliveryPhase, DeliveryStatus, SendBatch
from airflow_provider_ileti.core.segments import count_segments

#: Separator of the job ids that make one send's reference (``job_1,job_2``).
REFERENCE_SEPARATOR = ","
#: Statuses that prove a send was refused before İletiniz accepted it: safe to send again.
SEND_NOT_ACCEPTED_STATUSES = frozenset({429})
_MAX_SERVER_MESSAGE = 200
#: Final job answers kept per process (``FINAL_JOBS``); the oldest go first.
FINAL_JOBS_MAX = 100_000


def interpret_answer(what: str, answer: Answer, *, sending: str | None = None) -> Any:
    """``interpret`` of an answer from the HTTP layer (the sync and the async client both call this)."""
    body = answer.json_or_none()
    if 200 <= answer.status < 300 and isinstance(body, dict):
        return body  # the usual case: no description of the answer is needed (it masks an excerpt)
    return interpret(
        what,
        answer.status,
        body,
        retry_after=answer.retry_after,
        request_id=answer.header("x-request-id"),
        sending=sending,
        shown=answer.describe(),
    )


def interpret(
    what: str,
    status: int,
    body: Any,
    *,
    retry_after: str | None = None,
    request_id: str | None = None,
    sending: str | None = None,
    shown: str | None = None,
) -> Any:
    """The successful answer, or the error it means.

    ``sending`` describes (masked) what a send carried: a 5xx or an unreadable success then becomes
    ``AmbiguousSendError`` (the request may have been accepted), never a retryable error. A 429 and a
    maintenance 503 refuse before acting (``maybe_processed`` False): a send may be tried again. ``shown``
    is the answer as the HTTP layer describes it (status, type, masked excerpt) for an unreadable one.
    """
    if 200 <= status < 300 and isinstance(body, dict):
        return body
    code = str(body.get("error") or "") if isinstance(body, dict) else ""
    message = str(body.get("message") or "")[:_MAX_SERVER_MESSAGE] if isinstance(body, dict) else ""
    rid = f" [x-request-id {request_id}]" if request_id else ""
    detail = f"{what}: HTTP {status}{' ' + code if code else ''}{': ' + message if message else ''}{rid}"
    kwargs: dict[str, Any] = {"service": SERVICE, "code": code or None, "http_status": status}
    unreadable = shown if shown and not isinstance(body, dict) else f"HTTP {status}"
    maintenance = status == 503 and code == "maintenance"
    if status in SEND_NOT_ACCEPTED_STATUSES or maintenance:
        raise TransientError(
            detail, retry_after=parse_retry_after(retry_after), maybe_processed=False, **kwargs
        )
    if status >= 500 or 200 <= status < 300:
        if sending is not None:
            raise ambiguous(what, unreadable, sending, http_status=status)
        if status >= 500:
            if not isinstance(body, dict):
                detail = f"{what}: {unreadable}{rid}"
            raise TransientError(detail, retry_after=parse_retry_after(retry_after), **kwargs)
        raise ProtocolError(f"{what}: unreadable answer ({unreadable}){rid}", **kwargs)
    if status == 401:
        raise AuthenticationError(
            detail + " — the key is invalid or was revoked (run ileti-connect iletiniz)", **kwargs
        )
    if status == 403:
        raise AuthenticationError(detail + " — the key lacks a scope (reconnect with all scopes)", **kwargs)
    if status == 404:
        raise NotFoundError(detail, **kwargs)
    if status == QUOTA_HTTP_STATUS or code in QUOTA_ERROR_CODES:
        upgrade = body.get("upgrade_url") if isinstance(body, dict) else None
        raise InsufficientCreditError(detail + (f"; get a plan: {upgrade}" if upgrade else ""), **kwargs)
    raise ServiceError(detail, **kwargs)  # 400/422 validation and anything else a retry cannot fix


def ambiguous(what: str, why: str, sending: str, *, http_status: int | None = None) -> AmbiguousSendError:
    return AmbiguousSendError(
        f"{what}: {why} after the request was sent; it may have reached İletiniz, which cannot deduplicate, "
        f"so it is not sent again. What may have gone out: {sending}. Check the jobs in the İletiniz panel "
        "before sending again",
        service=SERVICE,
        http_status=http_status,
    )


def job_phase(status: str) -> DeliveryPhase:
    if status in JOB_PENDING:
        return DeliveryPhase.PENDING
    if status in JOB_SENT:
        return DeliveryPhase.SENT
    if status in JOB_DELIVERED:
        return DeliveryPhase.COMPLETE
    if status in JOB_FAILED:
        return DeliveryPhase.FAILED
    return DeliveryPhase.PENDING  # "unknown": not final, keep polling


def combine_jobs(reference: str, jobs: Sequence[Mapping[str, Any]]) -> DeliveryStatus:
    """One delivery state for a reference of many jobs: final only when every job is."""
    states = [str(j.get("status") or "unknown") for j in jobs]
    delivered = sum(1 for s in states if s in JOB_DELIVERED)
    undelivered = sum(1 for s in states if s in JOB_FAILED)
    pending = len(states) - delivered - undelivered
    if pending:
        phase = (
            DeliveryPhase.SENT
            if any(s in JOB_SENT for s in states) or delivered or undelivered
            else (DeliveryPhase.PENDING)
        )
    elif delivered:
        phase = DeliveryPhase.COMPLETE
    else:
        phase = DeliveryPhase.FAILED
    raw = states[0] if len(set(states)) == 1 else ",".join(sorted(set(states)))
    return DeliveryStatus(
        reference=reference,
        phase=phase,
        total=len(states),
        delivered=delivered,
        undelivered=undelivered,
        pending=pending,
        raw_state=raw,
    )


def split_reference(reference: str) -> list[str]:
    ids = [p.strip() for p in str(reference).split(REFERENCE_SEPARATOR) if p.strip()]
    if not ids:
        raise ValidationError("references", reference, "empty reference", service=SERVICE)
    for job_id in ids:
        if "/" in job_id or len(job_id) > 128:
            raise ValidationError("references", job_id, "not an İletiniz job id", service=SERVICE)
    return ids


@dataclasses.dataclass(frozen=True)
class QuotaEstimate:
    """Quota a planned send needs: SMS parts x recipients, per text."""

    needed: int
    recipients: int

    @classmethod
    def of(cls, planned: Any) -> QuotaEstimate:
        """From a SendBatch, a number of credits, a ``(text, recipients)`` pair or a list of such pairs."""
        if isinstance(planned, SendBatch):
            pairs = [(m.text, len(m.numbers)) for m in planned.messages]
        elif isinstance(planned, bool):
            raise ValidationError("planned", planned, "a SendBatch, credits or (text, recipients)")
        elif isinstance(planned, int | float):
            if planned < 0:
                raise ValidationError("planned", planned, "credits must be >= 0", service=SERVICE)
            return cls(needed=int(-(-planned // 1)), recipients=0)
        elif isinstance(planned, tuple) and len(planned) == 2 and isinstance(planned[0], str):
            pairs = [planned]
        elif isinstance(planned, list | tuple):
            pairs = list(planned)
        else:
            raise ValidationError(
                "planned", type(planned).__name__, "a SendBatch, credits or (text, recipients)"
            )
        needed = recipients = 0
        for index, pair in enumerate(pairs):
            try:
                text, count = pair
            except (TypeError, ValueError):
                raise ValidationError(f"planned[{index}]", pair, "must be (text, recipients)") from None
            if not isinstance(text, str) or not text or isinstance(count, bool) or not isinstance(count, int):
                raise ValidationError(f"planned[{index}]", "<text>", "must be (non-empty text, whole number)")
            if text.startswith(TEMPLATE_TEXT_PREFIX):
                raise ValidationError(
                    f"planned[{index}]",
                    "<template message>",
                    "İletiniz renders a template's text, so its SMS parts are unknown here: plan the credits "
                    "(recipients x the parts of one rendered message) instead",
                    service=SERVICE,
                )
            needed += count_segments(text).parts * count
            recipients += count
        return cls(needed=needed, recipients=recipients)


class FinalJobCache:
    """Job answers that can no longer change (delivered, failed, expired, rejected), per process.

    İletiniz has no batch read: ``GET /v1/messages/{id}`` is one request per job. A sensor poking a
    450-job send would read all 450 every poke; with this cache a poke reads only the jobs still moving.
    Keyed by API URL, a digest of the key (another workspace never sees a job it did not send) and job id.
    Lives as long as the process: a sensor in ``poke`` mode or a trigger gains, ``reschedule`` mode starts
    empty each poke (and is no worse than before).
    """

    def __init__(self, max_entries: int = FINAL_JOBS_MAX) -> None:
        self._max = max_entries
        self._jobs: OrderedDict[tuple[str, str, str], dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def scope(base_url: str, api_key: str) -> tuple[str, str]:
        return base_url, hashlib.sha256(api_key.encode()).hexdigest()[:16]

    def get(self, scope: tuple[str, str], job_id: str) -> dict[str, Any] | None:
        with self._lock:
            return self._jobs.get((*scope, job_id))

    def keep(self, scope: tuple[str, str], job_id: str, answer: Mapping[str, Any]) -> None:
        """Remember ``answer`` if it is final (other states are read again next time)."""
        if job_phase(str(answer.get("status") or "unknown")) not in (
            DeliveryPhase.COMPLETE,
            DeliveryPhase.FAILED,
        ):
            return
        with self._lock:
            self._jobs[(*scope, job_id)] = dict(answer)
            while len(self._jobs) > self._max:
                self._jobs.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._jobs.clear()


#: The one per-process cache both İletiniz clients read through.
FINAL_JOBS = FinalJobCache()
