"""Client for a WISECP panel's international SMS API (one text to many numbers, priced per country).

Usable without Airflow. Every call is ``POST <api url>/<function>`` with a JSON body carrying ``user_token``.

Wire shapes — the one place they are written down. Only ``submit`` and the error envelope are public;
the answers of ``report``, ``balance`` and ``prices`` are our guess (the sandbox produces the first shape,
``sandbox/services/wisecp``); ``answers`` reads these and the other common shapes::

    submit  {user_token, origin, message, numbers: ["+44..."]}
            -> {"status": "successful", "report_id": 1001}
    report  {user_token, report_id}
            -> {"status": "successful", "report_id": 1001, "state": "processing" | "completed",
                "created_at": "YYYY-MM-DD HH:mm:ss", "origin", "parts", "cost",
                "total", "delivered", "undelivered", "waiting",
                "numbers": [{"number": "+44...", "status": "waiting" | "delivered" | "undelivered"}]}
    balance {user_token}  -> {"status": "successful", "balance": 12.5, "currency": "EUR"}
    prices  {user_token}  -> {"status": "successful", "currency": "EUR", "prices": {"US": 0.062, ...}}
    any error             -> {"status": "error", "message": "..."}  (HTTP 200 from the panel, or 4xx/5xx)

At most once: WISECP has no client-side id, so a submit is retried only when the panel surely did not take
it (no connection made, 429, a 503 whose message is the maintenance answer, or the panel's own error answer
saying maintenance or "try again"); anything else after the body went out — a plain 503 from a proxy, an
answer that is not JSON included — raises ``AmbiguousSendError`` naming what may have gone out. Reads are
retried. Requests, retries and ``Retry-After`` go through the shared HTTP layer (``clients.http``): no
redirect is followed (the user token never goes to another host), the answer is capped
(``max_answer_bytes``) and ``timeout`` bounds the whole request; a ``Retry-After`` longer than the policy's
cap fails at once, for Airflow's task retry to wait.

Sender IDs: each recipient country's rule (``senders.py``: numeric only, pre-approval, any; a guessed
default table a connection overrides) is checked before a submit, and by ``check_senders``.

Money: ``estimate_cost`` prices a planned send from ``prices`` (parts x the price of each recipient's
country); ``check_quota`` compares that to ``balance`` before anything is sent (the balance gate asks it).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from airflow_provider_ileti.clients.http import HttpSettings, RetryPolicy
from airflow_provider_ileti.clients.http.fanout import ReadFanout
from airflow_provider_ileti.clients.http.settings import (
    DEFAULT_MAX_ANSWER_BYTES,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
)
from airflow_provider_ileti.clients.http.sync import HttpSession
from airflow_provider_ileti.clients.wisecp import SERVICE
from airflow_provider_ileti.clients.wisecp.answers import (
    WisecpReport,
    combine_reports,
    interpret_answer,
    parse_balance,
    parse_prices,
    parse_report,
)
from airflow_provider_ileti.clients.wisecp.pricing import (
    PLANNED_RULE,
    BalanceCheck,
    CostEstimate,
    CountryCost,
    count_price,
)
from airflow_provider_ileti.clients.wisecp.senders import SenderCheck, SenderRules
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
from airflow_provider_ileti.core.phone import country_of, normalize_number
from airflow_provider_ileti.core.segments import count_segments
from airflow_provider_ileti.core.text_rules import check_message_text

log = logging.getLogger(__name__)

SUBMIT, REPORT, BALANCE, PRICES = "submit", "report", "balance", "prices"

#: Most numbers in one submit. Guess: WISECP publishes no limit; 1000 keeps a request small and lets the
#: operator's chunks (and the error naming what may have gone out) stay readable.
MAX_RECIPIENTS_PER_SUBMIT = 1000
#: Guess: the most SMS parts one message may need. The seed is silent and the panel takes a 200,000-character
#: text (1,300+ parts, each billed per recipient at the country's price); 10 parts (1,530 GSM characters,
#: 670 in UCS-2) is the cap upstream gateways commonly apply, the same guess as Node's.
MAX_PARTS = 10
#: ``report`` requests one client has in flight at once (``get_statuses``, sync and async): the API reads
#: one submit per request. Guess: gentle on a self-hosted PHP panel; 1 reads one report after another.
STATUS_CONCURRENCY = 4
#: References one ``get_statuses`` call takes (each may need several ``report`` requests).
MAX_STATUS_BATCH = 100
#: Reference of a send that needed several submits (several texts): the report ids joined by this.
REFERENCE_SEPARATOR = ","
#: Sender IDs: alphanumeric up to 11 latin characters (GSM), or a number of up to 15 digits.
ORIGIN_ALPHANUMERIC = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 .&_-]{1,11}")
ORIGIN_NUMERIC = re.compile(r"\+?[0-9]{1,15}")


T = TypeVar("T")


class WisecpClient:
    """The WISECP international SMS API over the HTTP layer's ``HttpSession``. Implements ``SmsClient``."""

    service = SERVICE
    max_recipients_per_send = MAX_RECIPIENTS_PER_SUBMIT
    #: references per ``get_statuses`` call; ``report`` takes one id, so a call makes one request per id
    max_status_batch = MAX_STATUS_BATCH
    supports_idempotency = False

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        default_sender: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        verify_ssl: bool = True,
        retries: int = DEFAULT_RETRIES,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
        status_concurrency: int = STATUS_CONCURRENCY,
        sender_rules: Any = None,
        strict_sender_rules: bool = False,
        session: HttpSession | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        """``timeout``: seconds for a whole request; ``retries``: after the first attempt, for reads and a
        submit that surely did not arrive; ``max_answer_bytes``: the largest answer read (decompressed).
        ``status_concurrency``: ``report`` requests in flight at once in ``get_statuses`` (1: one after
        another). ``sender_rules``: per-country sender ID rules over ``DEFAULT_SENDER_RULES_GUESS`` (a mapping
        or its JSON, ``senders.py``); ``strict_sender_rules``: refuse, rather than warn about, an
        alphanumeric sender to a country where it needs pre-approval and is not listed as approved.
        ``session``: an ``HttpSession`` to use instead of a new one; ``sleep``: the wait between
        retries."""
        if not token:
            raise ValidationError(
                "user_token", "", "the WISECP user token is required (connection password)", service=SERVICE
            )
        settings = HttpSettings(
            timeout=timeout, verify_ssl=verify_ssl, retries=retries, max_answer_bytes=max_answer_bytes
        )
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.default_sender = default_sender
        self.timeout = settings.timeout
        self.verify_ssl = settings.verify_ssl
        self.retries = settings.retries
        self.max_answer_bytes = settings.max_answer_bytes
        self._reads = ReadFanout(status_concurrency, service=SERVICE)
        self.status_concurrency = self._reads.concurrency
        self._policy = RetryPolicy(retries=settings.retries)
        self._sleep = sleep if sleep is not None else time.sleep
        self._http = session or HttpSession(settings, service=SERVICE, secrets=(token,))
        #: Currency of the last ``prices`` answer.
        self.currency: str | None = None
        self.sender_rules = SenderRules.parse(sender_rules)
        if not isinstance(strict_sender_rules, bool):
            raise ValidationError(
                "strict_sender_rules", strict_sender_rules, "must be true or false", service=SERVICE
            )
        self.strict_sender_rules = strict_sender_rules

    def __repr__(self) -> str:
        return f"WisecpClient(base_url={self.base_url!r})"

    # -- the API's four functions -------------------------------------------------------------------------
    def submit(self, numbers: Iterable[str], message: str, *, origin: str | None = None) -> str:
        """Send ``message`` to ``numbers`` once; the report id. Validates everything before the request."""
        sender = self._origin(origin)
        text = _message(message)
        msisdns = [normalize_number(n, field=f"numbers[{i}]") for i, n in enumerate(_as_list(numbers))]
        if not msisdns:
            raise ValidationError("numbers", [], "at least one number is required", service=SERVICE)
        if len(msisdns) > self.max_recipients_per_send:
            raise ValidationError(
                "numbers",
                f"{len(msisdns)} numbers",
                f"at most {self.max_recipients_per_send} per submit",
                service=SERVICE,
            )
        self._check_senders(sender, ((f"numbers[{i}]", n) for i, n in enumerate(msisdns)))
        return self._submit(msisdns, text, sender)

    def check_senders(
        self, numbers: Iterable[str], *, origin: str | None = None, strict: bool | None = None
    ) -> SenderCheck:
        """The per-country sender ID rules for ``origin`` (or the default sender) to ``numbers``; no request.

        Raises ``ValidationError`` for a country that cannot take the sender (and, when ``strict`` — by
        default the client's ``strict_sender_rules`` — one where it needs pre-approval); returns the
        recipients per country and the countries that need pre-approval (warned about in the log).
        """
        sender = self._origin(origin)
        msisdns = [normalize_number(n, field=f"numbers[{i}]") for i, n in enumerate(_as_list(numbers))]
        rows = ((f"numbers[{i}]", n) for i, n in enumerate(msisdns))
        strict = self.strict_sender_rules if strict is None else strict
        return self.sender_rules.check(sender, rows, strict=strict)

    def report(self, report_id: str | int) -> WisecpReport:
        """The delivery report of one submit (read; retried when transient)."""
        rid = _report_id(report_id)
        body = self._read(REPORT, {"report_id": int(rid)})
        return parse_report(body, rid)

    def balance(self) -> Balance:
        return parse_balance(self._read(BALANCE, {}))

    def get_prices(self) -> dict[str, float]:
        """Price of one SMS part per country (ISO 3166 alpha-2 -> amount in ``self.currency``)."""
        currency, prices = parse_prices(self._read(PRICES, {}))
        self.currency = currency
        return prices

    def estimate_cost(
        self, numbers: Iterable[str], text: str, *, prices: Mapping[str, float] | None = None
    ) -> CostEstimate:
        """Parts of ``text`` x the price of each recipient's country (one ``prices`` request unless given).

        A number of a country without a price is a ``ValidationError``: the panel would refuse the submit.
        """
        message = _message(text)
        msisdns = [normalize_number(n, field=f"numbers[{i}]") for i, n in enumerate(_as_list(numbers))]
        segments = count_segments(message)
        table = dict(prices) if prices is not None else self.get_prices()
        counts: dict[str, int] = {}
        for index, msisdn in enumerate(msisdns):
            country = country_of(msisdn)
            if country not in table:
                raise ValidationError(
                    f"numbers[{index}]",
                    mask_numbers([msisdn]),
                    f"WISECP has no price for {country}",
                    service=SERVICE,
                )
            counts[country] = counts.get(country, 0) + 1
        by_country = tuple(
            CountryCost(c, n, float(table[c]), round(n * segments.parts * float(table[c]), 6))
            for c, n in counts.items()
        )
        return CostEstimate(
            total=round(sum(c.cost for c in by_country), 6),
            currency=self.currency if prices is None else None,
            parts=segments.parts,
            encoding=segments.encoding,
            recipients=len(msisdns),
            by_country=by_country,
        )

    def check_quota(self, planned: Any, *, country: str | None = None) -> BalanceCheck:
        """Stop a send the balance cannot pay for, before anything is sent (``prices`` + ``balance`` reads).

        The same protocol as ``IletinizClient.check_quota`` (the balance gate calls it with the credits,
        i.e. SMS parts, it needs). ``planned``: a ``SendBatch`` or ``(text, [numbers])`` pairs — priced
        exactly, by each recipient's country — or, when only counts are known, the SMS parts needed (a
        number) or ``(text, recipients)`` pairs, priced at ``country``'s price when given, else at the
        dearest price in the table (the worst case: a gate that lets a send through must be right).
        Raises ``InsufficientCreditError`` when the balance is below the cost.
        """
        table = self.get_prices()
        currency = self.currency
        parts_total, recipients, cost, priced = self._planned_cost(planned, table, country)
        balance = self.balance()
        if balance.amount is None:
            raise ProtocolError("balance: the panel reported no amount", service=SERVICE)
        if currency and balance.currency and currency != balance.currency:
            raise ServiceError(
                f"prices are in {currency} but the balance is in {balance.currency}: cannot compare",
                service=SERVICE,
                code="currency_mismatch",
            )
        unit = f" {balance.currency or currency}" if (balance.currency or currency) else ""
        check = BalanceCheck(
            needed=round(cost, 6),
            balance=float(balance.amount),
            currency=balance.currency or currency,
            recipients=recipients,
            parts=parts_total,
            priced=priced,
        )
        if cost > balance.amount + 1e-9:
            raise InsufficientCreditError(
                f"WISECP balance too small: the planned send costs {cost:.4f}{unit} "
                f"({parts_total} SMS parts, priced {priced}), the balance is {balance.amount:.4f}{unit}; "
                "top up the account",
                service=SERVICE,
                code="insufficient_balance",
            )
        log.info("WISECP balance OK: %.4f%s needed, %.4f left", cost, unit, balance.amount)
        return check

    def _planned_cost(
        self, planned: Any, table: Mapping[str, float], country: str | None
    ) -> tuple[int, int, float, str]:
        """(SMS parts, recipients, cost, how it was priced) of a planned send; no request."""
        if isinstance(planned, SendBatch):
            pairs: list[Any] = [(m.text, list(m.numbers)) for m in planned.messages]
        elif isinstance(planned, bool):
            raise ValidationError("planned", planned, PLANNED_RULE, service=SERVICE)
        elif isinstance(planned, int | float):
            if planned < 0:
                raise ValidationError("planned", planned, "credits must be >= 0", service=SERVICE)
            parts = int(-(-planned // 1))
            price, priced = count_price(table, country)
            return parts, 0, parts * price, priced
        elif isinstance(planned, tuple) and len(planned) == 2 and isinstance(planned[0], str):
            pairs = [planned]
        elif isinstance(planned, list | tuple):
            pairs = list(planned)
        else:
            raise ValidationError("planned", type(planned).__name__, PLANNED_RULE, service=SERVICE)
        parts_total = recipients = 0
        cost = 0.0
        how: set[str] = set()
        for index, pair in enumerate(pairs):
            try:
                text, who = pair
            except (TypeError, ValueError):
                raise ValidationError(f"planned[{index}]", pair, PLANNED_RULE, service=SERVICE) from None
            _message(text, field=f"planned[{index}].text")
            if isinstance(who, int) and not isinstance(who, bool):
                if who < 0:
                    raise ValidationError(
                        f"planned[{index}]", who, "recipients must be >= 0", service=SERVICE
                    )
                parts = count_segments(text).parts * who
                price, priced = count_price(table, country)
                parts_total, recipients, cost = parts_total + parts, recipients + who, cost + parts * price
                how.add(priced)
                continue
            if isinstance(who, str) or not isinstance(who, Iterable):
                raise ValidationError(f"planned[{index}]", "<value>", PLANNED_RULE, service=SERVICE)
            estimate = self.estimate_cost(list(who), text, prices=table)
            parts_total += estimate.parts * estimate.recipients
            recipients += estimate.recipients
            cost += estimate.total
            how.add("by country")
        return parts_total, recipients, cost, " and ".join(sorted(how)) or "by country"

    # -- SmsClient ------------------------------------------------------------------------------------------
    def validate_send(self, request: SendBatch) -> None:
        """Every check ``send`` makes before its first request, and no request (for a first pass)."""
        self._prepare(request)

    def _prepare(self, batch: SendBatch) -> tuple[str, dict[str, list[str]], int]:
        """(sender, numbers per distinct text, recipients) of a batch, validated; no request."""
        if not isinstance(batch, SendBatch):
            raise ValidationError("request", type(batch).__name__, "must be a SendBatch", service=SERVICE)
        sender = self._origin(batch.sender)
        # submit carries origin, message and numbers only: refusing beats sending at the wrong time
        refuse_unhonoured(batch, honoured=(), service=SERVICE, service_name="WISECP")
        groups: dict[str, list[str]] = {}
        rows: list[tuple[str, str]] = []
        for m_index, message in enumerate(batch.messages):
            text = _message(message.text, field=f"messages[{m_index}].text")
            numbers = groups.setdefault(text, [])
            for n_index, number in enumerate(message.numbers):
                row = f"messages[{m_index}].numbers[{n_index}]"
                msisdn = normalize_number(number, field=row)
                numbers.append(msisdn)
                rows.append((row, msisdn))
        self._check_senders(sender, rows)
        if not groups or not any(groups.values()):
            raise ValidationError(
                "messages", batch.messages, "at least one number is required", service=SERVICE
            )
        total = sum(len(n) for n in groups.values())
        if total > self.max_recipients_per_send:
            raise ValidationError(
                "messages",
                f"{total} recipients",
                f"at most {self.max_recipients_per_send} per send",
                service=SERVICE,
            )
        return sender, groups, total

    def send(self, batch: SendBatch) -> SendReceipt:
        """One submit per distinct text (numbers of the same text are merged), never repeated.

        The receipt's reference is the report id, or the ids joined by ``,`` when the batch had several
        texts. If a later submit fails after earlier ones went out, ``AmbiguousSendError`` names them.
        """
        sender, groups, total = self._prepare(batch)
        sent: list[str] = []
        for text, numbers in groups.items():
            if not numbers:
                continue
            try:
                sent.append(self._submit(numbers, text, sender))
            except IletiError as exc:
                if not sent:
                    raise
                raise AmbiguousSendError(
                    f"partly sent: report(s) {', '.join(sent)} went out, then a submit to "
                    f"{mask_numbers(numbers)} failed ({exc}). Do not retry the whole batch; check the panel",
                    service=SERVICE,
                ) from exc
        return SendReceipt(
            service=SERVICE,
            reference=REFERENCE_SEPARATOR.join(sent),
            recipients=total,
            idempotency_key=batch.idempotency_key,
            item_references=tuple(sent),
        )

    def find_sent(self, idempotency_keys: Sequence[str]) -> Mapping[str, SendReceipt]:
        """WISECP keeps no client ids: nothing can be found (and sends are never retried blindly)."""
        return {}

    def get_statuses(self, references: Sequence[str]) -> list[DeliveryStatus]:
        """One ``report`` request per report id, ``status_concurrency`` at a time over the client's one
        session; a multi-submit reference sums its reports. In the order given, the first error raised."""
        split = [(str(ref), split_reference(ref)) for ref in references]
        ids = list(dict.fromkeys(rid for _, rids in split for rid in rids))
        reports = dict(zip(ids, self._reads.map(self.report, ids), strict=True))
        return [combine_reports(ref, [reports[rid] for rid in rids]) for ref, rids in split]

    def cancel(self, reference: str) -> None:
        raise NotChangeableError(
            f"report {reference}: WISECP's API cannot cancel a submitted SMS",
            service=SERVICE,
            code="no_cancel",
        )

    def get_balance(self) -> Balance:
        return self.balance()

    def list_senders(self) -> list[str]:
        """The API lists no sender IDs (most countries need no approval); empty."""
        return []

    def close(self) -> None:
        self._http.close()

    def _check_senders(self, sender: str, rows: Iterable[tuple[str, str]]) -> SenderCheck:
        return self.sender_rules.check(sender, rows, strict=self.strict_sender_rules)

    # -- transport ------------------------------------------------------------------------------------------
    def _submit(self, msisdns: list[str], text: str, sender: str) -> str:
        payload = {"origin": sender, "message": text, "numbers": ["+" + n for n in msisdns]}
        what = f"{mask_numbers(msisdns)} from {sender!r}, {mask_text(text)}"
        log.info("WISECP submit: %s", what)
        try:
            body = self._retrying(lambda: self._post(SUBMIT, payload), SUBMIT, idempotent=False)
        except TransientError as exc:
            if exc.maybe_processed:
                raise _ambiguous(SUBMIT, exc, what) from None
            raise
        except ProtocolError as exc:
            raise _ambiguous(SUBMIT, exc, what) from None
        report_id = body.get("report_id")
        if report_id in (None, ""):
            raise AmbiguousSendError(
                f"submit answered success without a report_id; it may have gone out to {what}. "
                "Check the panel before sending again",
                service=SERVICE,
            )
        log.info("WISECP submit accepted: report %s, %d recipients", report_id, len(msisdns))
        return str(report_id)

    def _read(self, function: str, payload: dict[str, Any]) -> dict[str, Any]:
        return self._retrying(lambda: self._post(function, payload), function, idempotent=True)

    def _retrying(self, call: Callable[[], T], function: str, *, idempotent: bool) -> T:
        """``call()`` by the shared retry policy; ``idempotent=False``: again only when it surely never
        arrived. A ``Retry-After`` above the policy's cap is not waited out: it fails at once."""
        return self._policy.run(call, what=f"WISECP {function}", idempotent=idempotent, sleep=self._sleep)

    def _post(self, function: str, payload: dict[str, Any]) -> dict[str, Any]:
        answer = self._http.request(
            "POST", f"{self.base_url}/{function}", what=function, json={"user_token": self._token, **payload}
        )
        return interpret_answer(answer)

    def _origin(self, origin: str | None) -> str:
        sender = (origin or self.default_sender or "").strip()
        if not sender:
            raise ValidationError(
                "sender",
                origin,
                "a sender ID or number is required (or the connection's default_sender)",
                service=SERVICE,
            )
        if not (ORIGIN_NUMERIC.fullmatch(sender) or ORIGIN_ALPHANUMERIC.fullmatch(sender)):
            raise ValidationError(
                "sender",
                sender,
                "must be up to 11 latin letters/digits (with a letter) or up to 15 digits",
                service=SERVICE,
            )
        return sender


# -- answers: the only code that reads the guessed shapes ----------------------------------------


# -- helpers -----------------------------------------------------------------------------------------


def _message(text: object, *, field: str = "message") -> str:
    return check_message_text(text, field, service=SERVICE, max_parts=MAX_PARTS)


def _as_list(numbers: Iterable[str] | str) -> list[str]:
    return [numbers] if isinstance(numbers, str) else list(numbers)


def split_reference(reference: str) -> list[str]:
    """The report ids of a send's reference (``1001`` or ``1001,1002``), validated."""
    ids = [_report_id(part.strip()) for part in str(reference).split(REFERENCE_SEPARATOR) if part.strip()]
    if not ids:
        raise ValidationError("references", reference, "empty reference", service=SERVICE)
    return ids


def _report_id(report_id: object) -> str:
    text = str(report_id).strip()
    if isinstance(report_id, bool) or not text.isdigit():
        raise ValidationError("report_id", report_id, "must be a report id (digits)", service=SERVICE)
    return text


def _ambiguous(function: str, exc: TransientError | ProtocolError, what: str) -> AmbiguousSendError:
    """A submit that failed where it may have gone out: a transient failure that may come after the panel
    took it (no or a cut answer, a 5xx), or an answer we cannot read."""
    reason = (exc.reason if isinstance(exc, TransientError) else None) or exc.message.removeprefix(
        f"{function}: "
    )
    if isinstance(exc, ProtocolError):
        reason = f"unreadable answer ({reason})"
    return AmbiguousSendError(
        f"{function}: {reason}, after the request was sent; it may have reached WISECP, so it is not sent "
        f"again. What may have gone out: {what}. Check the panel's SMS reports before sending again",
        service=SERVICE,
        http_status=exc.http_status,
    )
