"""Client for the İletiniz API (``/v1/...``) over the shared HTTP layer (``clients.http``). ``SmsClient``.

Usable without Airflow. Unlike the official SDK, a send (``/v1/messages``, ``/v1/messages/bulk``) is never
repeated once its request may have reached the server: İletiniz has no idempotency key, so a timeout, a
dropped connection or a 5xx after the body went out raises ``AmbiguousSendError`` naming what may have gone
out. Only a refusal that proves nothing was accepted (connection refused, 429 with ``Retry-After``,
maintenance 503) is retried. Reads are retried by the shared policy (backoff honouring ``Retry-After`` up to
its cap; a longer one fails at once for Airflow's task retry).

Receipts: ``send(batch)`` makes ONE bulk request (``max_recipients_per_send`` = 200, the bulk limit, so an
operator chunk is a single request and is either surely unsent or possibly sent, never half of each); the
reference is the accepted job ids joined by ``,`` so ``get_statuses`` can read every job back with no
server-side batch id (İletiniz has none).
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from airflow_provider_ileti.clients.http.fanout import (
    ReadFanout,
    Settled,
    check_concurrency,
    send_until_failure,
)
from airflow_provider_ileti.clients.http.retry import RetryPolicy
from airflow_provider_ileti.clients.http.settings import (
    DEFAULT_MAX_ANSWER_BYTES,
    DEFAULT_RETRIES,
    HttpSettings,
)
from airflow_provider_ileti.clients.http.sync import HttpSession
from airflow_provider_ileti.clients.iletiniz import SERVICE
from airflow_provider_ileti.clients.iletiniz.answers import (
    FINAL_JOBS,
    REFERENCE_SEPARATOR,
    QuotaEstimate,
    ambiguous,
    combine_jobs,
    interpret_answer,
    split_reference,
)
from airflow_provider_ileti.clients.iletiniz.templates import (
    check_template_key,
    check_variables,
    decode_template_text,
    is_template_text,
)
from airflow_provider_ileti.clients.iletiniz.wire import (
    API_KEY_PATTERN,
    MAX_BULK_ITEMS,
    Account,
    Provider,
    parse_account,
    parse_senders,
)
from airflow_provider_ileti.core.chunking import chunked
from airflow_provider_ileti.core.errors import (
    AmbiguousSendError,
    IletiError,
    InsufficientCreditError,
    NotChangeableError,
    ProtocolError,
    ServiceError,
    TransientError,
    ValidationError,
)
from airflow_provider_ileti.core.masking import mask_numbers, mask_text
from airflow_provider_ileti.core.models import Balance, DeliveryStatus, SendBatch, SendReceipt
from airflow_provider_ileti.core.options import refuse_unhonoured
from airflow_provider_ileti.core.phone import TR_MOBILE_PATTERN, format_number, normalize_number
from airflow_provider_ileti.core.text_rules import check_message_text

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.iletiniz.com"
__all__ = ["IletinizClient"]
#: Job reads one client has in flight at once (``get_statuses``, sync and async): İletiniz has one GET per
#: job and no batch read. Guess: gentle on the service (the official SDK documents no rate limit); 1 reads
#: one job after another.
STATUS_CONCURRENCY = 8
#: Bulk requests of one ``send_bulk`` in flight at once, over the client's one session. İletiniz takes at
#: most 200 items a request and has no idempotency key, so a long list is many requests; one at a time, the
#: client and the service take turns (each idle while the other works) and no client can beat the SDK by
#: much. Two overlap them (the next request is encoded and the last answer read while the service works);
#: a third keeps the service busy across each round trip. Kept small: every request in flight when one fails
#: still finishes and has to be accounted for, and the SDK documents no rate limit to lean on. 1 sends one
#: request after another (the loop as it was).
BULK_CONCURRENCY = 3
#: Documented (the SDK's ``body`` 1-1600): the most characters of one message body; İletiniz counts
#: characters, not SMS parts (a body may go to a channel with no parts, such as Telegram).
BODY_MAX = 1600
#: ``SendBatch`` options a send carries: ``iys`` (commercial). It has no schedule, validity, push URL or
#: title, so a batch asking for one is refused (``core.options``). ``iys_recipient_type`` is accepted
#: though no field carries it: İletiniz's İYS flag is on or off, and a portable DAG states the list for
#: İleti Merkezi's ``iysList``.
HONOURED_OPTIONS = frozenset({"commercial", "iys_recipient_type"})
#: ``to`` length, as the official SDK checks it (an earlier 7-32 came from a misreading).
TO_LENGTH = (1, 64)
#: A recipient that is not a phone number, for a channel such as Telegram (the SDK's README): ``@username``
#: or a chat id (``8409353994``; groups ``-1001234567890``). Sent as given, only by ``send_message`` and
#: ``send_bulk`` (an ``SmsClient`` send takes phone numbers); bare digits count as a chat id only when a
#: provider is named, otherwise they are a phone number.
HANDLE = re.compile(r"@[A-Za-z0-9_]{1,63}|-[0-9]{1,63}")
_HANDLE_STARTS = "@-"
CHAT_ID = re.compile(r"[0-9]{1,64}")
#: A Turkish mobile already in E.164 (``+905551234567``): what ``_to`` returns unchanged for it, so a bulk
#: list of such numbers (the usual one) skips the general path; any other spelling still takes it.
_CANONICAL_TR_MOBILE = re.compile(rf"\+90(?:{TR_MOBILE_PATTERN})")


def validate_api_key(key: object) -> str:
    """The key if it looks like an İletiniz key; the error never shows it."""
    if not isinstance(key, str) or not API_KEY_PATTERN.match(key):
        raise ValidationError(
            "api_key",
            "<hidden>",
            "must match iltz_(live|test)_… (run: ileti-connect iletiniz)",
            service=SERVICE,
        )
    return key


@dataclasses.dataclass(frozen=True, slots=True)
class JobResult:
    """One item of a send: the number and its job id, or the error that kept it from being queued."""

    to: str
    status: str
    job_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None


@dataclasses.dataclass(frozen=True)
class BulkResult:
    """Every item of a bulk send across its requests (≤ 200 items each), in order."""

    results: tuple[JobResult, ...]
    requests: int

    @property
    def job_ids(self) -> list[str]:
        return [r.job_id for r in self.results if r.job_id]

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if not r.job_id]


@dataclasses.dataclass(frozen=True)
class QuotaCheck:
    needed: int
    remaining: int
    plan: str | None
    upgrade_url: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class IletinizClient:
    """The İletiniz REST API. ``base_url`` is the API root (``https://api.iletiniz.com``)."""

    service = SERVICE
    max_recipients_per_send = MAX_BULK_ITEMS
    max_status_batch = 50
    supports_idempotency = False

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        default_sender: str | None = None,
        default_provider: str | None = None,
        timeout: float = 30.0,
        verify_ssl: bool = True,
        retries: int = DEFAULT_RETRIES,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
        status_concurrency: int = STATUS_CONCURRENCY,
        bulk_concurrency: int = BULK_CONCURRENCY,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        """``status_concurrency``: job reads in flight at once in ``get_statuses`` (1: one after another);
        ``bulk_concurrency``: ``send_bulk``'s default for its requests in flight at once."""
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self._api_key = validate_api_key(api_key)
        self.default_sender = default_sender or None
        self.default_provider = default_provider or None
        settings = HttpSettings(
            timeout=timeout, verify_ssl=verify_ssl, retries=retries, max_answer_bytes=max_answer_bytes
        )
        self._reads = ReadFanout(status_concurrency, service=SERVICE)
        self.status_concurrency = self._reads.concurrency
        self.bulk_concurrency = _check_bulk_concurrency(bulk_concurrency, "bulk_concurrency")
        self._policy = RetryPolicy(retries=retries)
        self._sleep = sleep if sleep is not None else time.sleep
        self._http = http_session(settings, self._api_key)

    def __repr__(self) -> str:
        return f"IletinizClient(base_url={self.base_url!r})"

    # -- the API ------------------------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        return self._read("GET", "/v1/health")  # type: ignore[no-any-return]

    def get_account(self) -> Account:
        return parse_account(self._read("GET", "/v1/account"))

    def get_providers(self) -> list[Provider]:
        return parse_senders(self._read("GET", "/v1/senders"))

    def get_job(self, job_id: str) -> dict[str, Any]:
        if not isinstance(job_id, str) or not job_id.strip():
            raise ValidationError("job_id", job_id, "must be a non-empty job id", service=SERVICE)
        return self._read("GET", f"/v1/messages/{quote(job_id, safe='')}")  # type: ignore[no-any-return]

    def send_message(
        self,
        to: str,
        body: str | None = None,
        *,
        template: str | None = None,
        variables: Mapping[str, str | int | float] | None = None,
        sender: str | None = None,
        provider: str | None = None,
        iys: bool | None = None,
    ) -> JobResult:
        """One message (``/v1/messages``), sent at most once."""
        options = self._options(sender, provider, iys)
        payload: dict[str, Any] = {"to": _to(to, "to", handles=True, chat_ids="provider" in options)}
        payload.update(_content(body, template, variables, "body"))
        payload.update(options)
        what = f"1 message to {mask_numbers([payload['to'].lstrip('+')])}"
        answer = self._send("/v1/messages", payload, what)
        job_id = answer.get("job_id")
        if not job_id:
            raise ambiguous("send", "a success without a job_id", what)
        error = answer.get("error") or {}
        log.info("İletiniz send accepted: job %s (%s)", job_id, answer.get("status"))
        return JobResult(
            to=str(answer.get("to") or payload["to"]),
            status=str(answer.get("status")),
            job_id=str(job_id),
            error_code=error.get("code"),
            error_message=error.get("message"),
        )

    def send_bulk(
        self,
        items: Iterable[tuple[str, str | None] | tuple[str, Mapping[str, Any]] | str],
        *,
        body: str | None = None,
        template: str | None = None,
        sender: str | None = None,
        provider: str | None = None,
        iys: bool | None = None,
        concurrency: int | None = None,
    ) -> BulkResult:
        """Many messages, in requests of ≤ 200 items, ``concurrency`` of them in flight at once (default
        ``bulk_concurrency``; 1: one after another); every item's result kept, in input order.

        ``items`` are numbers (with ``body`` for all), ``(number, body)`` pairs, or with ``template``
        ``(number, variables)`` pairs. Everything is validated before the first request, and no request is
        ever repeated once it may have reached İletiniz. Once a request fails no other is started; those in
        flight finish. Then, if no request was accepted, its error is raised as it came; otherwise
        ``AmbiguousSendError`` counts the items accepted (and in which requests), names the request(s) that
        failed and counts the items never sent.
        """
        in_flight = self.bulk_concurrency if concurrency is None else _check_bulk_concurrency(concurrency)
        options = self._options(sender, provider, iys)
        prepared = _bulk_items(items, body, template, handles=True, chat_ids="provider" in options)
        if template:
            options["template"] = template
        batches = list(chunked(prepared, MAX_BULK_ITEMS))
        del prepared  # the batches hold the items
        settled = send_until_failure(
            lambda batch: self._bulk_request(batch, options), batches, in_flight, thread_name="iletiniz-bulk"
        )
        if not settled.complete:
            raise _bulk_failure(batches, settled)
        results = [result for index in range(len(batches)) for result in settled.done[index]]
        return BulkResult(results=tuple(results), requests=len(batches))

    # -- quota gate ---------------------------------------------------------------------------------
    def check_quota(self, planned: Any) -> QuotaCheck:
        """Stop a send the plan cannot cover, before anything is sent (one ``/v1/account`` read).

        ``planned``: a ``SendBatch``, the credits needed (a number), a ``(text, recipients)`` pair or a
        list of pairs; credits = SMS parts of each text x its recipients. Raises ``InsufficientCreditError``
        with the plan's upgrade link when there is no active plan or the remaining quota is too small.
        """
        estimate = QuotaEstimate.of(planned)
        account = self.get_account()
        plan = account.plan.name if account.plan else None
        if not account.has_active_plan:
            raise InsufficientCreditError(
                f"İletiniz workspace has no active plan; get one at {account.upgrade_url}",
                service=SERVICE,
                code="no_active_plan",
            )
        if estimate.needed > account.remaining_quota:
            raise InsufficientCreditError(
                f"İletiniz quota too small: the send needs {estimate.needed} SMS, "
                f"{account.remaining_quota} left "
                f"on plan {plan!r}; upgrade at {account.upgrade_url}",
                service=SERVICE,
                code="quota_exceeded",
            )
        log.info("İletiniz quota OK: %d needed, %d left", estimate.needed, account.remaining_quota)
        return QuotaCheck(estimate.needed, account.remaining_quota, plan, account.upgrade_url)

    # -- SmsClient ----------------------------------------------------------------------------------
    def validate_send(self, request: SendBatch) -> None:
        """Every check ``send`` makes before its request, and no request (for an operator's first pass)."""
        template, items = self._items(request)
        _bulk_items(items, None, template)
        self._options(request.sender, None, bool(request.commercial))

    def send(self, batch: SendBatch) -> SendReceipt:
        """One bulk request for the whole batch (≤ 200 recipients); reference = job ids joined by ``,``.

        A batch of template messages (``templates.encode_template_text``) goes out as one bulk request
        with the template and each recipient's variables.
        """
        template, items = self._items(batch)
        result = self.send_bulk(items, template=template, sender=batch.sender, iys=bool(batch.commercial))
        return self._finish(batch, result)

    def _items(self, batch: SendBatch) -> tuple[str | None, list[tuple[str, Any]]]:
        """(None, (number, text) pairs) of a batch of texts, or (template, (number, variables) pairs) of a
        batch of template messages; a mix, or two templates, is refused (a bulk request has one)."""
        pairs = self._pairs(batch)
        if not any(is_template_text(text) for _, text in pairs):
            return None, pairs
        template: str | None = None
        items: list[tuple[str, Any]] = []
        for index, (number, text) in enumerate(pairs):
            decoded = decode_template_text(text) if isinstance(text, str) else None
            if decoded is None:
                raise ValidationError(
                    f"items[{index}].body",
                    mask_text(text if isinstance(text, str) else None),
                    "a send is texts or template messages, not both (a bulk request has one template)",
                    service=SERVICE,
                )
            if template is not None and decoded[0] != template:
                raise ValidationError(
                    f"items[{index}].template",
                    decoded[0],
                    f"one template per send; this one already has {template!r}",
                    service=SERVICE,
                )
            template = decoded[0]
            items.append((number, decoded[1]))
        return template, items

    def _pairs(self, batch: SendBatch) -> list[tuple[str, str]]:
        """(number, text) of every recipient, after refusing what İletiniz cannot do; no request."""
        if not isinstance(batch, SendBatch):
            raise ValidationError("request", type(batch).__name__, "must be a SendBatch", service=SERVICE)
        refuse_unhonoured(batch, honoured=HONOURED_OPTIONS, service=SERVICE, service_name="İletiniz")
        pairs = [
            (number, message.text)
            for m_index, message in enumerate(batch.messages)
            for number in message.numbers
        ]
        if not pairs:
            raise ValidationError(
                "messages", batch.messages, "at least one number is required", service=SERVICE
            )
        if len(pairs) > self.max_recipients_per_send:
            raise ValidationError(
                "messages",
                f"{len(pairs)} recipients",
                f"at most {self.max_recipients_per_send} per send",
                service=SERVICE,
            )
        return pairs

    def _finish(self, batch: SendBatch, result: BulkResult) -> SendReceipt:
        job_ids = result.job_ids
        if result.failed:
            log.warning(
                "İletiniz refused %d of %d items (first: %s)",
                len(result.failed),
                len(result.results),
                result.failed[0].error_code,
            )
        if not job_ids:
            first = result.failed[0]
            raise ServiceError(
                f"send: every item was refused ({first.error_code}: {first.error_message})",
                service=SERVICE,
                code=first.error_code,
            )
        return SendReceipt(
            service=SERVICE,
            reference=REFERENCE_SEPARATOR.join(job_ids),
            recipients=len(job_ids),
            idempotency_key=batch.idempotency_key,
            item_references=tuple(job_ids),
        )

    def find_sent(self, idempotency_keys: Sequence[str]) -> Mapping[str, SendReceipt]:
        """İletiniz keeps no client ids: nothing can be found (so a send is never retried blindly)."""
        return {}

    def get_statuses(self, references: Sequence[str]) -> list[DeliveryStatus]:
        """Every job of every reference: one GET per job still moving, ``status_concurrency`` at a time over
        the client's one session; in the order given, the first error raised.

        İletiniz has no batch read, so a job already final (delivered, failed, expired, rejected) is taken
        from the process's ``FINAL_JOBS`` cache instead of being asked again on every poke.
        """
        split = [(str(ref), split_reference(ref)) for ref in references]
        all_ids = list(dict.fromkeys(j for _, ids in split for j in ids))
        scope = FINAL_JOBS.scope(self.base_url, self._api_key)
        jobs: dict[str, dict[str, Any]] = {}
        for job_id in all_ids:
            cached = FINAL_JOBS.get(scope, job_id)
            if cached is not None:
                jobs[job_id] = cached
        missing = [j for j in all_ids if j not in jobs]

        def read(job_id: str) -> dict[str, Any]:
            answer = self.get_job(job_id)
            FINAL_JOBS.keep(scope, job_id, answer)  # as each comes: a later failure loses none of them
            return answer

        jobs.update(zip(missing, self._reads.map(read, missing), strict=True))
        return [combine_jobs(ref, [jobs[j] for j in ids]) for ref, ids in split]

    def cancel(self, reference: str) -> None:
        raise NotChangeableError(
            f"{reference}: İletiniz's API cannot cancel a message", service=SERVICE, code="no_cancel"
        )

    def get_balance(self) -> Balance:
        """Remaining quota as credits (0 without an active plan)."""
        account = self.get_account()
        return Balance(credits=float(account.remaining_quota if account.has_active_plan else 0))

    def list_senders(self) -> list[str]:
        """Approved sender IDs over every connected provider, without duplicates."""
        return list(dict.fromkeys(s for p in self.get_providers() for s in p.senders))

    def close(self) -> None:
        self._http.close()

    # -- transport ----------------------------------------------------------------------------------
    def _options(self, sender: str | None, provider: str | None, iys: bool | None) -> dict[str, Any]:
        options: dict[str, Any] = {}
        sender = sender or self.default_sender
        provider = provider or self.default_provider
        if sender is not None:
            if not isinstance(sender, str) or not sender.strip() or len(sender) > 32:
                raise ValidationError("sender", sender, "must be an approved sender ID", service=SERVICE)
            options["sender"] = sender
        if provider is not None:
            if not isinstance(provider, str) or not provider.strip():
                raise ValidationError(
                    "provider", provider, "must be a provider code such as netgsm", service=SERVICE
                )
            options["provider"] = provider
        if iys is not None:
            if not isinstance(iys, bool):
                raise ValidationError("iys", iys, "must be true or false", service=SERVICE)
            options["iys"] = iys
        return options

    def _bulk_request(self, batch: list[dict[str, Any]], options: dict[str, Any]) -> list[JobResult]:
        numbers = [i["to"].lstrip("+") for i in batch]
        what = f"{len(batch)} messages to {mask_numbers(numbers)}"
        log.info("İletiniz bulk send: %s", what)
        answer = self._send("/v1/messages/bulk", {**options, "items": batch}, what)
        rows = answer.get("results")
        if not isinstance(rows, list) or len(rows) != len(batch):
            raise ambiguous("bulk send", "an answer without one result per item", what)
        if not all(row.__class__ is dict for row in rows):
            raise ambiguous("bulk send", "an answer whose results are not all objects", what)
        results = [_job_result(row) for row in rows]
        log.info("İletiniz bulk accepted %d of %d", sum(1 for r in results if r.job_id), len(results))
        return results

    def _send(self, path: str, payload: dict[str, Any], what: str) -> dict[str, Any]:
        """A send: repeated only when it surely never reached İletiniz (no idempotency key)."""

        def once() -> dict[str, Any]:
            try:
                answer = self._http.request("POST", self.base_url + path, what="send", json=payload)
            except TransientError as exc:
                if exc.maybe_processed:
                    raise ambiguous("send", exc.reason or exc.message.removeprefix("send: "), what) from None
                raise
            except ProtocolError as exc:  # too large, or not the kind we asked for: it may have been taken
                raise ambiguous("send", exc.message.removeprefix("send: "), what) from None
            return interpret_answer("send", answer, sending=what)  # type: ignore[no-any-return]

        return self._policy.run(once, what="İletiniz send", idempotent=False, sleep=self._sleep)

    def _read(self, method: str, path: str) -> Any:
        what = f"{method} {path.split('/messages/')[0]}"
        return self._policy.run(
            lambda: interpret_answer(what, self._http.request(method, self.base_url + path, what=what)),
            what=f"İletiniz {what}",
            sleep=self._sleep,
        )


def _check_bulk_concurrency(value: object, field: str = "concurrency") -> int:
    return check_concurrency(value, service=SERVICE, field=field, verb="sends")


def _bulk_failure(batches: list[list[dict[str, Any]]], settled: Settled[list[JobResult]]) -> BaseException:
    """What a bulk send that did not complete raises: the failure itself when nothing went out and nothing
    may have; otherwise ``AmbiguousSendError`` with the account of every request (numbers masked)."""
    failures = sorted(settled.failed.items())
    accepted = sorted(settled.done)
    maybe_sent = [
        e for _, e in failures if isinstance(e, AmbiguousSendError) or not isinstance(e, IletiError)
    ]
    if not accepted and (len(failures) == 1 or not maybe_sent):
        return failures[0][1]  # the first in input order; the others (in flight with it) were refused too

    def where(indexes: list[int]) -> str:
        """``request 2, items 201-400`` or ``requests 1-3, items 1-600; 5, items 801-1000``."""
        runs = []
        for first, last in _runs(indexes):
            items = f"items {first * MAX_BULK_ITEMS + 1}-{last * MAX_BULK_ITEMS + len(batches[last])}"
            runs.append(f"{first + 1}{f'-{last + 1}' if last > first else ''}, {items}")
        return f"request{'s' if len(indexes) > 1 else ''} {'; '.join(runs)}"

    total = sum(len(b) for b in batches)
    parts = [f"bulk send of {total} items in {len(batches)} requests"]
    count = sum(len(settled.done[i]) for i in accepted)
    parts.append(
        f"{count} items were accepted in {len(accepted)} request(s)"
        + (f" ({where(accepted)})" if accepted else "")
    )
    for index, exc in failures:
        numbers = mask_numbers([i["to"].lstrip("+") for i in batches[index]])
        shown = exc if isinstance(exc, IletiError) else type(exc).__name__
        parts.append(
            f"a request of {len(batches[index])} items ({where([index])}: {numbers}) failed: {shown}"
        )
    unsent = list(range(settled.started, len(batches)))
    if unsent:
        count = sum(len(batches[i]) for i in unsent)
        parts.append(f"{count} items in {len(unsent)} request(s) were never sent ({where(unsent)})")
    else:
        parts.append("no item was left unsent")
    error = AmbiguousSendError(
        "; ".join(parts) + ". Do not resend the whole list: only the items never sent can simply be sent "
        "again; check the failed request's jobs in the İletiniz panel first",
        service=SERVICE,
    )
    error.__cause__ = failures[0][1]  # as ``raise ... from``: the first failure's traceback is kept
    return error


def _runs(indexes: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs of sorted indexes as (first, last): ``[0, 1, 2, 4]`` -> ``[(0, 2), (4, 4)]``."""
    runs: list[tuple[int, int]] = []
    for index in indexes:
        if runs and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


def http_session(settings: HttpSettings, api_key: str) -> HttpSession:
    """The session of a client (its key as a Bearer header, never in a log, an error or an excerpt)."""
    return HttpSession(
        settings,
        service=SERVICE,
        headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
        secrets=(api_key,),
    )


def _job_result(row: dict[str, Any]) -> JobResult:
    """One row of a bulk answer (``{"to", "status", "job_id"}``, or ``{"to", "status", "error"}``)."""
    job_id = row.get("job_id")
    error = row.get("error")
    if error.__class__ is not dict:
        error = _NO_ERROR
    return _new_job_result(
        str(row.get("to")),
        str(row.get("status")),
        str(job_id) if job_id else None,
        error.get("code"),
        error.get("message"),
    )


_SET_TO, _SET_STATUS, _SET_JOB_ID, _SET_CODE, _SET_MESSAGE = (
    getattr(JobResult, f.name).__set__ for f in dataclasses.fields(JobResult)
)


def _new_job_result(
    to: str, status: str, job_id: str | None, code: str | None, message: str | None
) -> JobResult:
    """``JobResult(...)`` at half the cost (one per item of a bulk answer: 10,000 for a campaign): a
    frozen dataclass's ``__init__`` goes through ``object.__setattr__`` per field; the slots are set here
    directly. JobResult has no ``__post_init__`` and no default factory, so nothing is skipped."""
    result = object.__new__(JobResult)
    _SET_TO(result, to)
    _SET_STATUS(result, status)
    _SET_JOB_ID(result, job_id)
    _SET_CODE(result, code)
    _SET_MESSAGE(result, message)
    return result


_NO_ERROR: dict[str, Any] = {}


def _to(number: object, field: str, *, handles: bool = False, chat_ids: bool = False) -> str:
    """A phone number as E.164; with ``handles`` also a Telegram-style handle or chat id, as given."""
    if not isinstance(number, str) or not TO_LENGTH[0] <= len(number) <= TO_LENGTH[1]:
        rule = "a phone number" + (" or a handle (@name, chat id)" if handles else "")
        shown = number if not isinstance(number, str) else f"{len(number)} characters"
        raise ValidationError(
            field, shown, f"must be {rule} of {TO_LENGTH[0]}-{TO_LENGTH[1]} characters", service=SERVICE
        )
    if handles:
        if number[0] in _HANDLE_STARTS and HANDLE.fullmatch(number):
            return number
        if chat_ids and CHAT_ID.fullmatch(number):
            return number
        if number[0] == "@":
            raise ValidationError(field, number, "a handle is @ and 1-63 of A-Z a-z 0-9 _", service=SERVICE)
    msisdn = normalize_number(number, field=field)
    if len(msisdn) == 12 and msisdn.startswith("90"):  # a Turkish mobile: canonical by construction
        return "+" + msisdn
    return format_number(msisdn, "e164")


def _content(body: Any, template: str | None, variables: Any, field: str) -> dict[str, Any]:
    if template is not None:
        check_template_key(template)
        if body is not None:
            raise ValidationError(field, "<text>", "give body or template, not both", service=SERVICE)
        checked = check_variables(variables) if variables is not None else {}
        return {"template": template, **({"variables": checked} if checked else {})}
    if variables is not None:
        raise ValidationError("variables", "<values>", "need a template", service=SERVICE)
    return {"body": check_message_text(body, field, service=SERVICE, max_chars=BODY_MAX)}


def _bulk_items(
    items: Iterable[Any],
    body: str | None,
    template: str | None,
    *,
    handles: bool = False,
    chat_ids: bool = False,
) -> list[dict[str, Any]]:
    if isinstance(items, str):
        items = [items]
    if template is not None and body is not None:
        raise ValidationError("body", "<text>", "give body or template, not both", service=SERVICE)
    if template is not None:
        check_template_key(template)
    prepared: list[dict[str, Any]] = []
    #: texts already checked: a campaign sends one text (or a few) to every number, checked once each
    checked: set[str] = set()
    for index, item in enumerate(items):
        number, own = (
            (item, None)
            if isinstance(item, str)
            else tuple(item)
            if isinstance(item, tuple | list)
            else (None, None)
        )
        if number.__class__ is str and _CANONICAL_TR_MOBILE.fullmatch(number):
            to = number  # exactly what ``_to`` returns for it
        else:
            to = _to(number, f"items[{index}].to", handles=handles, chat_ids=chat_ids)
        if template is not None:
            variables = check_variables(own, f"items[{index}].variables") if own is not None else {}
            prepared.append({"to": to, **({"variables": variables} if variables else {})})
            continue
        text = own if own is not None else body
        if text.__class__ is not str or text not in checked:
            text = _content(text, None, None, f"items[{index}].body")["body"]
            checked.add(text)
        prepared.append({"to": to, "body": text})
    if not prepared:
        raise ValidationError("items", [], "at least one recipient is required", service=SERVICE)
    return prepared
