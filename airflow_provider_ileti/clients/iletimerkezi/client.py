"""The İleti Merkezi client: XML (or JSON) over POST, the GET send, and the generic ``SmsClient``.

Sending is at most once. İleti Merkezi takes no client-side id, and its only protection against a repeated
order (451: the same text to the same numbers within 10 minutes) is short and refuses rather than resolves,
so a send is retried only when it surely did not reach the service (no connection made, 429, the
maintenance answer); any other failure after the request may have been written is an
``AmbiguousSendError`` that says what may have gone out. Reads are retried on transient failures. Requests,
retries and ``Retry-After`` go through the shared HTTP layer (``clients.http``): no redirect is followed, the
answer is capped (``max_answer_bytes``) and ``timeout`` bounds the whole request.

Left out on purpose: the Ruby gem's "Servis Durumu" (service status) and "Hesap Bilgileri" (account info).
The seeds show no more than their names: for the status only ``IletiMerkezi.status # return true or
false``, for the account only a note that it needs username and password — no path, no request, no answer
fields, no codes (the gem's "Hesabınıza Tanımlı Başlık Bilgileri" is ``get-sender``, which we have). The
spec's table of methods and the vendor's public pages have neither. Guessing a path would give a method
that answers 404 on the real service and an emulation that proves nothing, so neither is implemented;
``test_connection()`` uses ``get-balance``, which checks the same thing (reachable, credentials accepted).
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from airflow_provider_ileti.clients.http import Answer, HttpSettings, RetryPolicy
from airflow_provider_ileti.clients.http.fanout import ReadFanout
from airflow_provider_ileti.clients.http.settings import (
    DEFAULT_MAX_ANSWER_BYTES,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
)
from airflow_provider_ileti.clients.http.sync import HttpSession
from airflow_provider_ileti.clients.iletimerkezi import SERVICE, answers, codec, validation, wire
from airflow_provider_ileti.clients.iletimerkezi.auth import Credentials
from airflow_provider_ileti.clients.iletimerkezi.models import Message, Order, ReportMessage, phase_of
from airflow_provider_ileti.core.chunking import chunked
from airflow_provider_ileti.core.errors import (
    NotChangeableError,
    ProtocolError,
    TransientError,
    ValidationError,
)
from airflow_provider_ileti.core.masking import mask_numbers, mask_text
from airflow_provider_ileti.core.models import (
    Balance,
    DeliveryPhase,
    DeliveryStatus,
    PreparedSend,
    SendBatch,
    SendReceipt,
)
from airflow_provider_ileti.core.options import refuse_unhonoured

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_URL = "https://api.iletimerkezi.com/v1"
DEFAULT_TIMEZONE = "Europe/Istanbul"
#: Rows per report page when reading a whole report (the service's maximum).
REPORT_ROW_COUNT = 1000
#: Rows asked for when only an order's counts are needed. Guess: the service documents no minimum.
STATUS_ROW_COUNT = 1
#: One ``get-report`` request per order; this bounds how many one ``get_statuses`` call makes.
STATUS_BATCH = 100
#: ``get-report`` requests one client has in flight at once (``get_statuses``, sync and async): the service
#: has no batch read. Guess: gentle on a service that sends 100 SMS/s; 1 reads one order after another.
STATUS_CONCURRENCY = 8
#: Numbers per add/delete black list request. Guess: the official SDKs send one ``number``.
BLACKLIST_NUMBERS_PER_REQUEST = 1
#: ``SendBatch`` options an order carries (``sendDateTime``, ``iys``, ``iysList``); it has no validity, push
#: URL or title, so a batch asking for one is refused (``core.options``).
HONOURED_OPTIONS = frozenset({"send_at", "commercial", "iys_recipient_type"})

_URL_SECRETS = re.compile(r"(?i)\b(hash|key|password)=[^&\s\"']*")


class _RedactQuerySecrets(logging.Filter):
    """urllib3 logs request lines at DEBUG (``urllib3.connectionpool``), with the GET send's ``key`` and
    ``hash`` in the query: blank them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(
                _URL_SECRETS.sub(r"\1=***", a) if isinstance(a, str) else a for a in record.args
            )
        if isinstance(record.msg, str):
            record.msg = _URL_SECRETS.sub(r"\1=***", record.msg)
        return True


_URLLIB3_FILTER = _RedactQuerySecrets()


def _install_log_redaction() -> None:
    logger = logging.getLogger("urllib3.connectionpool")
    if _URLLIB3_FILTER not in logger.filters:
        logger.addFilter(_URLLIB3_FILTER)


#: A page equal to the one before: the service ignores ``page``, and paging on would never end.
_REPEATED_PAGE = "{operation}: page {page} repeats page {page_before} (the service ignores paging); stopped"


def _more_pages(page: int, row_count: int, got: int, total: int) -> bool:
    """Whether a page after ``page`` exists.

    With a total (``order.total``, ``count``) the spec's rule: while ``page < ceil(total / rowCount)``.
    When the answer leaves the total empty (it reads as 0) a full page may have more behind it, so paging
    goes on until a page comes back short or empty.
    """
    if got == 0:
        return False
    if total > 0:
        return page < math.ceil(total / row_count)
    return got >= row_count


class IletiMerkeziClient:
    """İleti Merkezi API client (implements ``SmsClient``).

    >>> client = IletiMerkeziClient(key="...", api_hash="...")          # or api_secret="..."
    >>> order_id = client.send_sms("Merhaba", ["0555 555 00 01"], sender="APITEST")
    >>> for line in client.iter_report(order_id): ...
    """

    service = SERVICE
    max_recipients_per_send = validation.MAX_RECIPIENTS
    max_status_batch = STATUS_BATCH
    supports_idempotency = False

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        *,
        key: str | None = None,
        api_hash: str | None = None,
        api_secret: str | None = None,
        username: str | None = None,
        password: str | None = None,
        format: str = wire.XML,
        timezone: str = DEFAULT_TIMEZONE,
        timeout: float = DEFAULT_TIMEOUT,
        verify_ssl: bool = True,
        retries: int = DEFAULT_RETRIES,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
        default_sender: str | None = None,
        status_concurrency: int = STATUS_CONCURRENCY,
        session: HttpSession | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        """``timeout``: seconds for a whole request; ``retries``: after the first attempt, for what may be
        repeated; ``max_answer_bytes``: the largest answer read (decompressed). ``status_concurrency``:
        ``get-report`` requests in flight at once in ``get_statuses`` (1: one after another).
        ``session``: an ``HttpSession`` to use instead of a new one; ``sleep``: the wait between retries
        (tests)."""
        if format not in wire.FORMATS:
            raise ValidationError("format", format, "must be xml or json", service=SERVICE)
        settings = HttpSettings(
            timeout=timeout, verify_ssl=verify_ssl, retries=retries, max_answer_bytes=max_answer_bytes
        )
        self.base_url = base_url.rstrip("/")
        self._credentials = Credentials(
            key=key, api_hash=api_hash, secret=api_secret, username=username, password=password
        )
        self.format = format
        self.timezone = timezone
        self.timeout = settings.timeout
        self.verify_ssl = settings.verify_ssl
        self.retries = settings.retries
        self.max_answer_bytes = settings.max_answer_bytes
        self.default_sender = default_sender
        self._reads = ReadFanout(status_concurrency, service=SERVICE)
        self.status_concurrency = self._reads.concurrency
        self._policy = RetryPolicy(retries=settings.retries)
        self._sleep = sleep if sleep is not None else time.sleep
        self._http = session or HttpSession(
            settings,
            service=SERVICE,
            secrets=(self._credentials.key or "", *self._credentials.secrets()),
        )
        _install_log_redaction()

    def __repr__(self) -> str:
        auth = self._credentials
        return f"IletiMerkeziClient(base_url={self.base_url!r}, format={self.format!r}, auth={auth!r})"

    # -- transport ---------------------------------------------------------------------------------
    def _retrying(self, call: Callable[[], T], operation: str, *, idempotent: bool) -> T:
        """``call()`` by the shared retry policy (``Retry-After`` above its cap fails at once, for Airflow's
        task retry to wait); ``idempotent=False``: again only when the request surely never arrived."""
        return self._policy.run(
            call, what=f"İleti Merkezi {operation}", idempotent=idempotent, sleep=self._sleep
        )

    def _exchange(
        self, method: str, url: str, operation: str, fmt: str, body: bytes | None = None
    ) -> codec.Tree:
        """One request through the HTTP layer, its answer read (``answers.read_answer``); no retry here."""
        headers = (
            None
            if body is None
            else {"Content-Type": wire.content_type(fmt), "Accept": wire.content_type(fmt)}
        )
        answer: Answer = self._http.request(method, url, what=operation, data=body, headers=headers)
        return answers.read_answer(answer, fmt=fmt)

    def _post_once(self, operation: str, tree: codec.Tree, fmt: str) -> codec.Tree:
        url = f"{self.base_url}/{wire.path_for(operation, fmt)}"
        return self._exchange("POST", url, operation, fmt, wire.encode(tree, fmt))

    def _call(self, operation: str, tree: codec.Tree, *, fmt: str | None = None) -> codec.Tree:
        """A read (or an idempotent change): retried on transient failures."""
        chosen = fmt or self.format
        return self._retrying(lambda: self._post_once(operation, tree, chosen), operation, idempotent=True)

    def _send_once(self, operation: str, once: Callable[[], codec.Tree], summary: str) -> codec.Tree:
        """A send: repeated only when it surely did not reach the service; where it may have (a transient
        failure that may come after the service took it, an answer we cannot read), ``AmbiguousSendError``
        naming what may have gone out."""
        try:
            return self._retrying(once, operation, idempotent=False)
        except TransientError as exc:
            if exc.maybe_processed:
                raise answers.ambiguous_send(operation, exc, summary) from None
            raise
        except ProtocolError as exc:
            raise answers.ambiguous_send(operation, exc, summary) from None

    @property
    def _auth(self) -> dict[str, Any]:
        return self._credentials.authentication()

    # -- sending -----------------------------------------------------------------------------------
    def _send_date(self, send_at: Any) -> str | None:
        if send_at is None or send_at == "":
            return None
        from airflow_provider_ileti.core.localtime import to_local
        from airflow_provider_ileti.core.schedule import check_send_at

        # the service sends an order whose date has passed at once, and takes the year 2999
        local = to_local(check_send_at(send_at, service=SERVICE), self.timezone)
        # Seconds would make the service ignore the schedule; the minute is the schedule's resolution.
        return str(local.format(wire.SEND_DATE_FORMAT))

    def _prepare(
        self,
        messages: Sequence[tuple[str, Iterable[str]]],
        sender: str | None,
        send_at: Any,
        commercial: bool,
        iys_list: str | None,
    ) -> tuple[codec.Tree, str, int]:
        """Validate everything and build the order; returns (tree, summary for errors, recipient count)."""
        if not messages:
            raise ValidationError("messages", [], "at least one message", service=SERVICE)
        checked_sender = validation.check_sender(sender if sender is not None else self.default_sender)
        iys, checked_list = validation.check_iys(commercial, iys_list)
        built: list[Message] = []
        for index, (text, numbers) in enumerate(messages):
            validation.check_text(text, field=f"messages[{index}].text")
            built.append(
                Message(
                    text=text,
                    numbers=tuple(validation.wire_numbers(numbers, field=f"messages[{index}].numbers")),
                )
            )
        total = sum(len(m.numbers) for m in built)
        validation.check_recipient_total(total)
        send_date = self._send_date(send_at)
        tree = wire.send_tree(
            self._auth,
            sender=checked_sender,
            messages=built,
            send_date=send_date,
            iys=iys,
            iys_list=checked_list,
        )
        masked = mask_numbers("90" + n for m in built for n in m.numbers)  # spelt as msisdn for masking
        summary = (
            f"an order of {len(built)} message(s) to {total} recipient(s) "
            f"({masked}), sender {checked_sender}, "
            f"{'scheduled for ' + send_date + ' ' + self.timezone if send_date else 'to go at once'}, "
            f"texts {', '.join(mask_text(m.text) for m in built[:3])}{'…' if len(built) > 3 else ''}"
        )
        return tree, summary, total

    def send_sms(
        self,
        text: str,
        numbers: Iterable[str],
        *,
        sender: str | None = None,
        send_at: Any = None,
        commercial: bool = False,
        iys_list: str | None = None,
    ) -> str:
        """One text to many numbers; returns the order id."""
        return self.send_messages(
            [(text, list(numbers))], sender=sender, send_at=send_at, commercial=commercial, iys_list=iys_list
        )

    def send_messages(
        self,
        messages: Sequence[tuple[str, Iterable[str]]],
        *,
        sender: str | None = None,
        send_at: Any = None,
        commercial: bool = False,
        iys_list: str | None = None,
    ) -> str:
        """Several texts, each to its own numbers, in one order; returns the order id.

        ``send_at`` (datetime, pendulum or ISO string; naive is UTC) schedules the order on the Turkish wall
        clock; ``commercial`` sets ``iys=1`` and then ``iys_list`` (BIREYSEL or TACIR) is required.
        """
        tree, summary, total = self._prepare(messages, sender, send_at, commercial, iys_list)
        return self._submit(tree, summary, len(messages), total)

    def _submit(self, tree: codec.Tree, summary: str, message_count: int, total: int) -> str:
        """POST a prepared order once (retried only if it surely did not arrive); the order id."""
        answer = self._send_once("send-sms", lambda: self._post_once("send-sms", tree, self.format), summary)
        order_id = answers.order_id_of(answer, operation="send-sms", send_summary=summary)
        log.info(
            "İleti Merkezi order %s accepted: %d message(s), %d recipient(s)", order_id, message_count, total
        )
        return order_id

    def send_via_get(
        self,
        text: str,
        numbers: Iterable[str],
        *,
        sender: str | None = None,
        commercial: bool = False,
        iys_list: str | None = None,
    ) -> str:
        """The GET form (``send-sms/get/``): one text to many numbers, no schedule; returns the order id.

        The URL carries the key and hash, so it is never logged or put into an error (urllib3's DEBUG
        request line is redacted by ``_RedactQuerySecrets``; the HTTP layer names the operation, never the
        URL, and follows no redirect that would take the query elsewhere).
        """
        tree, summary, total = self._prepare([(text, list(numbers))], sender, None, commercial, iys_list)
        order = tree["order"]
        params = {
            **self._credentials.query(),
            "text": text,
            "receipents": ",".join(order["message"][0]["receipents"]["number"]),
            "sender": order["sender"],
            "iys": order["iys"],
        }
        if order.get("iysList"):
            params["iysList"] = order["iysList"]
        url = f"{self.base_url}/send-sms/get/?{urlencode(params, quote_via=quote)}"
        answer = self._send_once(
            "send-sms/get", lambda: self._exchange("GET", url, "send-sms/get", wire.XML), summary
        )
        order_id = answers.order_id_of(answer, operation="send-sms/get", send_summary=summary)
        log.info("İleti Merkezi order %s accepted (GET form): %d recipient(s)", order_id, total)
        return order_id

    def cancel_order(self, order_id: str | int) -> None:
        """Cancel a scheduled order; ``NotChangeableError`` (455) when it is unknown or already going out.

        Cancelling an order that is already cancelled succeeds, so the call can be retried safely.
        """
        oid = validation.check_order_id(order_id)
        try:
            self._call("cancel-order", wire.order_id_tree(self._auth, oid))
        except NotChangeableError:
            # 455 also answers a cancel whose first attempt got through but whose answer was lost (and a
            # second cancel): an order that is 115 with nothing sent is cancelled, which is what was asked.
            if phase_of(self.get_order(oid)) is not DeliveryPhase.CANCELLED:
                raise
            log.info("İleti Merkezi order %s was already cancelled", oid)
            return
        log.info("İleti Merkezi order %s cancelled", oid)

    # -- reports -----------------------------------------------------------------------------------
    def get_report_page(
        self, order_id: str | int, *, page: int = 1, row_count: int = REPORT_ROW_COUNT
    ) -> tuple[Order, list[ReportMessage]]:
        oid = validation.check_order_id(order_id)
        validation.check_page(page, row_count)
        answer = self._call("get-report", wire.report_tree(self._auth, oid, page, row_count))
        return answers.report_page_of(answer, self.timezone)

    def get_order(self, order_id: str | int) -> Order:
        """An order's state and counts (one light request)."""
        order, _ = self.get_report_page(order_id, page=1, row_count=STATUS_ROW_COUNT)
        return order

    def iter_report(
        self, order_id: str | int, *, row_count: int = REPORT_ROW_COUNT
    ) -> Iterator[ReportMessage]:
        """Every recipient's line of an order, page by page, fetched as you iterate."""
        validation.check_page(1, row_count)
        most_pages = math.ceil(validation.MAX_RECIPIENTS / row_count)
        page = 1
        while True:
            order, lines = self.get_report_page(order_id, page=page, row_count=row_count)
            yield from lines
            if not _more_pages(page, row_count, len(lines), order.total):
                return
            if page >= most_pages:  # an order has at most 50,000 recipients: the service is looping
                raise ProtocolError(
                    f"get-report: order {order_id} keeps returning full pages past "
                    f"{validation.MAX_RECIPIENTS} lines (page {page}); stopped",
                    service=SERVICE,
                )
            page += 1

    def iter_orders(self, start: Any, end: Any) -> Iterator[Order]:
        """Orders submitted between ``start`` and ``end`` (days, inclusive), every page.

        The service allows 10 days per request, so a longer range becomes several requests, oldest first.
        ``get-reports`` exists only as JSON, whatever the connection's format.
        """
        first = validation.as_date(start, self.timezone, field="start")
        last = validation.as_date(end, self.timezone, field="end")
        validation.check_range(first, last)
        return self._iter_orders(first, last)

    def _iter_orders(self, first: Any, last: Any) -> Iterator[Order]:
        for window_start, window_end in validation.split_range(first, last):
            page = 1
            previous: list[str] = []
            while True:
                answer = self._call(
                    "get-reports",
                    wire.reports_tree(self._auth, window_start, window_end, page),
                    fmt=wire.JSON,
                )
                orders = [
                    answers.order_of(o, self.timezone, operation="get-reports")
                    for o in codec.as_list(answer.get("orders"))
                ]
                if page > 1 and [o.id for o in orders] == previous:
                    raise ProtocolError(
                        _REPEATED_PAGE.format(operation="get-reports", page=page, page_before=page - 1),
                        service=SERVICE,
                    )
                yield from orders
                count = codec.as_int(answer.get("count"), default=0)
                if not _more_pages(page, wire.REPORTS_PAGE_SIZE, len(orders), count):
                    break
                previous = [o.id for o in orders]
                page += 1

    # -- account -----------------------------------------------------------------------------------
    def balance(self) -> Balance:
        answer = self._call("get-balance", wire.auth_only_tree(self._auth))
        data = codec.section(answer, "balance")
        return Balance(
            credits=codec.as_float(data.get("sms")), amount=codec.as_float(data.get("amount")), currency="TRY"
        )

    def senders(self) -> list[str]:
        answer = self._call("get-sender", wire.auth_only_tree(self._auth))
        data = answer.get("senders")
        if isinstance(data, dict):
            data = data.get("sender")
        return [str(s) for s in codec.as_list(data) if str(s)]

    # -- black list --------------------------------------------------------------------------------
    def iter_blacklist(
        self, *, start: Any = None, end: Any = None, row_count: int = REPORT_ROW_COUNT
    ) -> Iterator[str]:
        """Every black-listed number (optionally those added between ``start`` and ``end``), page by page."""
        validation.check_page(1, row_count)
        from airflow_provider_ileti.core.localtime import to_local

        first = to_local(start, self.timezone) if start is not None else None
        last = to_local(end, self.timezone) if end is not None else None
        if (first is None) != (last is None):
            raise ValidationError(
                "end" if last is None else "start",
                None,
                "give both start and end, or neither",
                service=SERVICE,
            )
        if first is not None and last is not None and last < first:
            raise ValidationError("end", str(end), "must not be before start", service=SERVICE)
        return self._iter_blacklist(first, last, row_count)

    def _iter_blacklist(self, first: Any, last: Any, row_count: int) -> Iterator[str]:
        page = 1
        previous: list[str] = []
        while True:
            answer = self._call(
                "get-blacklist", wire.blacklist_list_tree(self._auth, page, row_count, first, last)
            )
            data = codec.section(answer, "blacklist")
            numbers = [str(n) for n in codec.as_list(data.get("number"))]
            if page > 1 and numbers == previous:
                raise ProtocolError(
                    _REPEATED_PAGE.format(operation="get-blacklist", page=page, page_before=page - 1),
                    service=SERVICE,
                )
            yield from numbers
            if not _more_pages(page, row_count, len(numbers), codec.as_int(data.get("count"))):
                return
            previous = numbers
            page += 1

    def add_blacklist(self, numbers: Iterable[str]) -> int:
        """Put numbers on the account's block list; returns how many were sent."""
        return self._blacklist_change("add-blacklist", numbers)

    def delete_blacklist(self, numbers: Iterable[str]) -> int:
        """Take numbers off the block list; returns how many were sent."""
        return self._blacklist_change("delete-blacklist", numbers)

    def _blacklist_change(self, operation: str, numbers: Iterable[str]) -> int:
        wired = validation.wire_numbers(list(numbers))
        # adding or deleting twice is harmless, so these are retried like reads
        for chunk in chunked(wired, BLACKLIST_NUMBERS_PER_REQUEST):
            self._call(operation, wire.blacklist_number_tree(self._auth, chunk))
        log.info("İleti Merkezi %s: %d number(s)", operation, len(wired))
        return len(wired)

    # -- SmsClient ---------------------------------------------------------------------------------
    def _prepare_batch(self, batch: SendBatch) -> tuple[codec.Tree, str, int]:
        if not isinstance(batch, SendBatch):
            raise ValidationError("batch", type(batch).__name__, "must be a SendBatch", service=SERVICE)
        refuse_unhonoured(
            batch,
            honoured=HONOURED_OPTIONS,
            service=SERVICE,
            service_name="İleti Merkezi",
            why="delivery reports go to the one webhook set in the panel",
        )
        return self._prepare(
            [(m.text, m.numbers) for m in batch.messages],
            batch.sender,
            batch.send_at,
            batch.commercial,
            batch.iys_recipient_type,
        )

    def validate_send(self, request: SendBatch) -> None:
        """Check one batch against every rule İleti Merkezi has, with no network (``ValidatingSmsClient``);
        ``ValidationError`` naming the field, the (masked) value and the rule.

        Numbers (Turkish mobiles only, at least one per text, at most 50,000 per order), texts (non-empty,
        at most 7 SMS, no control characters), the sender (required, at most 11 characters, printable
        ASCII, no Turkish letters, no outer spaces), İYS (BIREYSEL or TACIR for commercial messages, and
        only for them), the send date (not in the past, at most a year ahead: ``core.schedule``) and no
        option the order cannot carry (validity, push URL, title: ``core.options``).
        ``send()`` runs exactly these checks, so a batch that passes here fails later only for what needs
        the service: an unapproved sender (450), credit (402), the block list (452), a repeat (451).
        """
        self._prepare_batch(request)

    def send(self, batch: SendBatch) -> SendReceipt:
        return self.send_prepared(
            self.prepare_send(batch), idempotency_key=batch.idempotency_key, send_at=batch.send_at
        )

    def prepare_send(self, batch: SendBatch) -> PreparedSend:
        """The checked order of ``batch`` without its authentication and date (``PreparingSmsClient``):
        ``send_prepared`` adds both when the order goes out (no secret is kept in the body)."""
        tree, summary, total = self._prepare_batch(batch)
        order = {name: value for name, value in tree["order"].items() if name != "sendDateTime"}
        body = {"order": order, "summary": summary, "messages": len(batch.messages)}
        return PreparedSend(service=SERVICE, body=body, recipients=total)

    def send_prepared(
        self, prepared: PreparedSend, *, idempotency_key: str | None, send_at: Any
    ) -> SendReceipt:
        """Post the order of a ``prepare_send`` body once, with this date (no client ids here: the key is
        only handed back in the receipt)."""
        body = prepared.body
        if prepared.service != SERVICE or not isinstance(body, dict) or "order" not in body:
            raise ValidationError(
                "prepared", prepared.service, "must be an order made by prepare_send", service=SERVICE
            )
        tree = wire.dated_send_tree(self._auth, body["order"], self._send_date(send_at))
        order_id = self._submit(tree, body["summary"], body["messages"], prepared.recipients)
        return SendReceipt(
            service=SERVICE,
            reference=order_id,
            recipients=prepared.recipients,
            idempotency_key=idempotency_key,
        )

    def find_sent(self, idempotency_keys: Sequence[str]) -> Mapping[str, SendReceipt]:
        return {}  # no client-side ids at İleti Merkezi

    def get_statuses(self, references: Sequence[str]) -> list[DeliveryStatus]:
        """One ``get-report`` per order (the service reads one order per request), ``status_concurrency``
        at a time over the client's one session; in the order given, the first error raised."""
        return self._reads.map(self.get_status, references)

    def get_status(self, reference: str) -> DeliveryStatus:
        try:
            return self.get_order(reference).to_status()
        except NotChangeableError as exc:
            if exc.code == "456":  # the report exists only once the send date is reached
                return DeliveryStatus(
                    reference=str(reference), phase=DeliveryPhase.SCHEDULED, raw_state="456"
                )
            raise

    def cancel(self, reference: str) -> None:
        self.cancel_order(reference)

    def get_balance(self) -> Balance:
        return self.balance()

    def list_senders(self) -> list[str]:
        return self.senders()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> IletiMerkeziClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
