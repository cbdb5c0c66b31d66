"""``NodeClient``: every function of the Node SMS API v1.8.3 over REST or SOAP, and ``SmsClient``.

- Validation first: every argument is checked (``validation.py``) before a transport is touched.
- Lists are lazy iterators over ALL pages (``pageIndex`` from 0, ``stats.totalRecord`` says when to stop);
  the arguments are checked when the method is called, the pages are fetched as you iterate.
- Retries (the shared ``clients.http`` policy: backoff honouring ``Retry-After`` up to its cap; a longer one
  fails at once, for Airflow's task retry to wait): transient failures of reads and of idempotent writes
  are retried; a package creation is retried only when it carries a ``customID`` (the server then answers a
  repeat with SMS42, which we resolve to the existing package). Without ``customID`` a creation that may have
  reached the server raises ``AmbiguousSendError`` instead of being repeated.
- Secrets: the password lives in the transport's session only; ``repr`` and log lines never show it, and
  logs carry counts, ids and masked numbers, never message bodies.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from airflow_provider_ileti.clients.http.retry import RetryPolicy
from airflow_provider_ileti.clients.http.settings import DEFAULT_MAX_ANSWER_BYTES, HttpSettings
from airflow_provider_ileti.clients.node import SERVICE, duplicates
from airflow_provider_ileti.clients.node import validation as v
from airflow_provider_ileti.clients.node.codes import NodeTransientError, WsdlUnusableError
from airflow_provider_ileti.clients.node.models import (
    BlacklistResult,
    Contact,
    ContactGroup,
    InquiryRecord,
    IysSettings,
    MoRequest,
    Package,
    PackageItem,
    PeriodicSettings,
    Sender,
    SenderStatus,
    Summary,
    _list,
    _map,
)
from airflow_provider_ileti.clients.node.pairs_json import pairs_json
from airflow_provider_ileti.clients.node.status import status_of
from airflow_provider_ileti.clients.node.transport import Payload, Transport
from airflow_provider_ileti.core.chunking import chunked
from airflow_provider_ileti.core.encoded_json import EncodedJson
from airflow_provider_ileti.core.errors import (
    AmbiguousSendError,
    DuplicateError,
    NotFoundError,
    ProtocolError,
    TransientError,
    ValidationError,
)
from airflow_provider_ileti.core.localtime import DEFAULT_TIMEZONE
from airflow_provider_ileti.core.masking import mask_number, mask_text
from airflow_provider_ileti.core.models import (
    Balance,
    DeliveryStatus,
    PreparedSend,
    SendBatch,
    SendReceipt,
)
from airflow_provider_ileti.core.options import refuse_unhonoured
from airflow_provider_ileti.core.schedule import is_due
from airflow_provider_ileti.core.segments import NODE_ENCODING, count_segments

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Page size of the list iterators (the API allows 10..1000): fewest requests for big lists.
DEFAULT_PAGE_SIZE = 1000
#: Retries after the first attempt, for transient failures.
DEFAULT_RETRIES = 4
#: Title of a package when the caller gives none (``title`` is required by /sms/create).
DEFAULT_PACKAGE_TITLE = "airflow"
#: /sms/create type for the generic ``send()``: 1 normal SMS.
SEND_SMS_TYPE = 1
#: ``SendBatch`` options /sms/create carries: ``sendingDate``, ``validity``, ``pushSettings``, ``title``,
#: ``commercial``. ``iys_recipient_type`` has no field of its own there (the recipient type lives on the
#: contact's İYS record, ``iys.c``) but is accepted: it only restates which İYS list a commercial message
#: is for, and a portable DAG gives it for İleti Merkezi's ``iysList`` (the weekly campaign example does).
#: An option added to ``SendBatch`` later is refused until it is mapped and listed here.
HONOURED_OPTIONS = frozenset(
    {"send_at", "validity_minutes", "push_url", "title", "commercial", "iys_recipient_type"}
)

#: Functions that change nothing or may safely be repeated: every transient failure is retried. ``_call``
#: retries only these; any other function goes through ``_call_once_unless_surely_unprocessed``.
_SAFE = frozenset(
    {
        "sms/list",
        "sms/list-item",
        "sms/list-sender",
        "sms/summary",
        "sms/inquiry-number",
        "sms/cancel",
        "contact/list",
        "contact/list-group",
        "contact/update",
        "contact/update-group",
        "contact/delete",
        "contact/delete-group",
        "contact/set-blacklist",
        "mo/list-request",
        "user/credit",
    }
)
#: Creations of packages: never repeated when they may have gone out without a customID.
_SENDS = frozenset({"sms/create", "sms/create-otp", "sms/create-kvkk", "sms/recreate"})


class NodeClient:
    """Node SMS API over "rest" (JSON) or "soap" (zeep; functions outside the WSDL go over REST)."""

    service = SERVICE
    max_recipients_per_send = v.MAX_RECIPIENTS_PER_REQUEST
    max_status_batch = v.MAX_LIST_IDS
    supports_idempotency = True

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        protocol: str = "rest",
        timezone: str = DEFAULT_TIMEZONE,
        timeout: float = 30.0,
        verify_ssl: bool = True,
        default_sender: str | None = None,
        retries: int = DEFAULT_RETRIES,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
        page_size: int = DEFAULT_PAGE_SIZE,
        sleep: Callable[[float], None] = time.sleep,
        transport: Transport | None = None,
    ) -> None:
        protocol = (protocol or "rest").strip().lower()
        if protocol not in ("rest", "soap"):
            raise v.fail("protocol", protocol, "must be rest or soap")
        self.base_url = base_url.rstrip("/")
        self.username = username
        self.protocol = protocol
        self.timezone = timezone
        self.default_sender = default_sender
        self.retries = v.integer(retries, "retries", minimum=0)
        self.page_size = v.page_size(page_size)
        self._sleep = sleep
        self._policy = RetryPolicy(retries=self.retries)
        settings = HttpSettings(
            timeout=timeout, verify_ssl=verify_ssl, retries=self.retries, max_answer_bytes=max_answer_bytes
        )
        if transport is None:
            if protocol == "soap":
                from airflow_provider_ileti.clients.node.soap import SoapTransport

                transport = SoapTransport(self.base_url, username, password, settings=settings)
            else:
                from airflow_provider_ileti.clients.node.rest import RestTransport

                transport = RestTransport(self.base_url, username, password, settings=settings)
        self._transport = transport

    def __repr__(self) -> str:
        return (
            f"NodeClient(base_url={self.base_url!r}, username={self.username!r}, protocol={self.protocol!r})"
        )

    __str__ = __repr__

    # -- plumbing -----------------------------------------------------------------------------------------
    def _retrying(self, fn: Callable[[], T], function: str, *, idempotent: bool) -> T:
        """``fn()`` by the shared retry policy; ``idempotent=False``: only what surely did not arrive."""
        return self._policy.run(fn, what=f"Node {function}", idempotent=idempotent, sleep=self._sleep)

    def _call(self, function: str, payload: dict[str, Any]) -> Any:
        """A read or an idempotent write (``_SAFE``): every transient failure is retried."""
        if function not in _SAFE:
            return self._call_once_unless_surely_unprocessed(function, payload)
        return self._retrying(lambda: self._transport.call(function, payload), function, idempotent=True)

    def _call_once_unless_surely_unprocessed(self, function: str, payload: Payload) -> Any:
        """A creation without client id: repeated only when the server surely did nothing.

        A package creation whose request may have arrived (a transient error that may come after processing,
        or a 2xx answer we cannot read: ``ProtocolError``) raises ``AmbiguousSendError``, never repeated."""
        try:
            return self._retrying(lambda: self._transport.call(function, payload), function, idempotent=False)
        except (TransientError, ProtocolError) as exc:
            maybe = (
                exc.maybe_processed
                if isinstance(exc, TransientError)
                else not isinstance(exc, WsdlUnusableError)
            )
            if function in _SENDS and maybe:
                raise AmbiguousSendError(
                    f"{function}: the request may have reached the server and created a package ({exc}); it "
                    f"carries no customID, so it is not repeated. Check the panel before sending again",
                    service=SERVICE,
                    code=exc.code,
                    http_status=exc.http_status,
                ) from exc
            raise

    def _create_package(
        self, function: str, payload: Payload, *, resolve_duplicate: bool, custom_id: str | None = None
    ) -> tuple[int, bool]:
        """``(pkgID, replayed)``. With a customID transient failures are retried and SMS42 resolved.

        ``custom_id`` is the payload's (read from it when it is values, given when it is encoded)."""
        if custom_id is None and isinstance(payload, dict):
            custom_id = payload.get("customID")
        if not custom_id:
            return _pkg_id(self._call_once_unless_surely_unprocessed(function, payload), function), False
        attempts = 0

        def once() -> Any:
            nonlocal attempts
            attempts += 1
            return self._transport.call(function, payload)

        try:
            data = self._retrying(once, function, idempotent=True)
        except DuplicateError as exc:
            if not (resolve_duplicate or attempts > 1):
                raise
            return duplicates.resolve_duplicate(self, custom_id, exc, function=function), True
        return _pkg_id(data, function), False

    def _pages(
        self, function: str, payload: dict[str, Any], model: Any, page_size: int | None
    ) -> Iterator[Any]:
        size = self.page_size if page_size is None else v.page_size(page_size)
        return self._iterate(function, payload, model, size)

    def _iterate(self, function: str, payload: dict[str, Any], model: Any, size: int) -> Iterator[Any]:
        index = 0
        seen = 0
        while True:
            data = _map(self._call(function, {**payload, "pageIndex": index, "pageSize": size}))
            items = _list(data.get("list"))
            total = _map(data.get("stats")).get("totalRecord")
            for item in items:
                yield model.from_dict(_map(item), self.timezone)
            seen += len(items)
            if not items:
                return
            if total not in (None, ""):
                if seen >= int(total):
                    return
            elif len(items) < size:
                return
            index += 1

    def _date(self, value: Any, field: str) -> str:
        return v.local_date(value, self.timezone, field)

    def _sender(self, sender: str | None) -> str:
        chosen = sender if sender not in (None, "") else self.default_sender
        if chosen in (None, ""):
            raise v.fail("sender", sender, "required: give a sender or set the connection's default_sender")
        return v.sender(chosen)

    # -- SMS packages -------------------------------------------------------------------------------------
    def create_otp(
        self,
        number: str,
        content: str,
        *,
        sender: str | None = None,
        encoding: int | None = None,
        validity: int | None = None,
        push_url: str | None = None,
        commercial: bool | None = None,
        custom_id: str | None = None,
        trust_date: Any = None,
    ) -> int:
        payload: dict[str, Any] = {
            "number": v.number(number),
            "sender": self._sender(sender),
            "content": v.message(content, "content"),
        }
        if encoding is None:
            encoding = encoding_if_needed([payload["content"]])
        else:
            v.carried(v.choice(encoding, "encoding", "encoding"), [("content", payload["content"])])
        payload.update(self._common(encoding, push_url, commercial, custom_id))
        if validity is not None:
            payload["validity"] = v.validity(validity, otp=True)
        if trust_date is not None:
            payload["trustDate"] = v.local_date(trust_date, self.timezone, "trust_date", v.TRUST_DATE_FORMAT)
        pkg_id, _ = self._create_package("sms/create-otp", payload, resolve_duplicate=False)
        log.info("Node OTP to %s: package %s", mask_number(payload["number"]), pkg_id)
        return pkg_id

    def _common(self, encoding: Any, push_url: Any, commercial: Any, custom_id: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if encoding is not None:
            out["encoding"] = v.choice(encoding, "encoding", "encoding")
        if push_url is not None:
            out["pushSettings"] = {"url": v.push_url(push_url)}
        if commercial is not None:
            out["commercial"] = v.boolean(commercial, "commercial")
        if custom_id is not None:
            out["customID"] = v.custom_id(custom_id)
        return out

    def create_sms(
        self,
        *,
        sending_type: int,
        content: str | None = None,
        number: str | None = None,
        numbers: Sequence[str] | None = None,
        messages: Sequence[tuple[str, str]] | None = None,
        sender: str | None = None,
        title: str | None = None,
        sms_type: int = 1,
        encoding: int | None = None,
        validity: int | None = None,
        sending_date: Any = None,
        periodic: PeriodicSettings | None = None,
        push_url: str | None = None,
        commercial: bool | None = None,
        custom_id: str | None = None,
    ) -> int:
        payload = self._sms_payload(
            sending_type=sending_type,
            content=content,
            number=number,
            numbers=numbers,
            messages=messages,
            sender=sender,
            title=title,
            sms_type=sms_type,
            encoding=encoding,
            validity=validity,
            sending_date=sending_date,
            periodic=periodic,
            push_url=push_url,
            commercial=commercial,
            custom_id=custom_id,
        )
        pkg_id, _ = self._create_package("sms/create", payload, resolve_duplicate=False)
        return pkg_id

    def _sms_payload(
        self,
        *,
        sending_type: int,
        content: str | None,
        number: str | None,
        numbers: Sequence[str] | None,
        messages: Sequence[tuple[str, str]] | None,
        sender: str | None,
        title: str | None,
        sms_type: int,
        encoding: int | None,
        validity: int | None,
        sending_date: Any,
        periodic: PeriodicSettings | None,
        push_url: str | None,
        commercial: bool | None,
        custom_id: str | None,
        pairs_as_json: bool = False,
    ) -> dict[str, Any]:
        """The checked body of a package. ``pairs_as_json``: sendingType 2's ``numbers`` as the JSON text of
        its ``{nr, msg}`` array (``pairs_json``, for ``prepare_send``) instead of a list of dicts."""
        kind = v.choice(sending_type, "sending_type", "sending_type")
        sms_kind = v.choice(sms_type, "sms_type", "sms_type")
        payload: dict[str, Any] = {"type": sms_kind, "sendingType": kind}
        texts: list[str] = []  # each number's text (sendingType 2)
        encodings: set[str] = set()  # the cheapest encoding of each, counted as it is checked
        # type 2 addresses Turkish ID numbers: checked as TC IDs, not normalised as phone numbers
        if kind == 0:
            if numbers or messages:
                raise v.fail(
                    "numbers", v.shown(numbers or messages), "sending_type 0 takes one number, not numbers"
                )
            if number in (None, ""):
                raise v.fail("number", number, "required for sending_type 0")
            payload["number"] = v.recipient(number, "number", sms_type=sms_kind)
        elif kind == 1:
            if number not in (None, "") or messages:
                raise v.fail(
                    "number",
                    v.shown(number or messages),
                    "sending_type 1 takes numbers (a list), not number",
                )
            if numbers is None:
                raise v.fail("numbers", None, "required for sending_type 1")
            payload["numbers"] = v.numbers(numbers, sms_type=sms_kind)
        else:
            if number not in (None, "") or numbers:
                raise v.fail(
                    "numbers",
                    v.shown(number or numbers),
                    "sending_type 2 takes messages: (number, text) pairs",
                )
            if not messages:
                raise v.fail("messages", messages, "required for sending_type 2: (number, text) pairs")
            if len(messages) > v.MAX_RECIPIENTS_PER_REQUEST:
                raise v.fail(
                    "messages", f"{len(messages)} messages", f"at most {v.MAX_RECIPIENTS_PER_REQUEST}"
                )
            pairs = []
            recipient = v.national_id if sms_kind == v.SMS_TYPE_NATIONAL_ID else v.number
            for i, pair in enumerate(messages):
                # up to 50,000 pairs a chunk: a field's name is written only when it names an error
                if pair.__class__ is not tuple and (not isinstance(pair, Sequence) or isinstance(pair, str)):
                    raise v.fail(f"messages[{i}]", v.shown(pair), "must be a (number, text) pair")
                if len(pair) != 2:
                    raise v.fail(f"messages[{i}]", v.shown(pair), "must be a (number, text) pair")
                nr, msg = pair
                try:
                    cost = v.message_cost(msg, "text")
                    nr = recipient(nr, "number")
                except ValidationError as exc:
                    raise v.fail(f"messages[{i}].{exc.field}", exc.value, exc.rule) from None
                pairs.append((nr, msg))
                texts.append(msg)
                encodings.add(cost.encoding)
            payload["numbers"] = (
                pairs_json(pairs) if pairs_as_json else [{"nr": nr, "msg": msg} for nr, msg in pairs]
            )
        if kind in (0, 1) or content is not None:
            payload["content"] = v.message(content, "content")
        else:
            payload["content"] = many_to_many_content(texts)
        texts.append(payload["content"])
        payload["sender"] = self._sender(sender)
        payload["title"] = v.text(
            title if title is not None else DEFAULT_PACKAGE_TITLE, "title", max_length=v.MAX_TITLE_LENGTH
        )
        # ``encoding`` is required by /sms/create: without one we pick the cheapest that carries every text
        # of the package (each number's text and the content), not only the first.
        if encoding is not None:
            payload["encoding"] = v.choice(encoding, "encoding", "encoding")
            # every text the package carries, named: each number's own (sendingType 2), then the content
            named = [(f"messages[{i}].text", text) for i, text in enumerate(texts[:-1])]
            v.carried(payload["encoding"], [*named, ("content", texts[-1])])
        else:
            encodings.add(count_segments(texts[-1]).encoding)  # the content
            payload["encoding"] = max(NODE_ENCODING[name] for name in encodings)
        common = self._common(None, push_url, commercial, custom_id)
        payload.update(common)
        if validity is not None:
            payload["validity"] = v.validity(validity, otp=sms_kind == 0)
        self._schedule(payload, sending_date, "sending_date")
        if periodic is not None:
            payload["periodicSettings"] = v.periodic(periodic)
        return payload

    def _schedule(self, payload: dict[str, Any], sending_date: Any, field: str) -> None:
        """``sendingDate`` of a package to go later; none when the date is (about) now: the service
        refuses a past one (SMS08), and a date within the tolerance of now means now."""
        if sending_date is None:
            return
        when = v.send_date(sending_date, field)
        if not is_due(when):
            payload["sendingDate"] = self._date(when, field)

    def create_kvkk(
        self,
        number: str,
        first_name: str,
        last_name: str,
        content: str,
        *,
        sender: str | None = None,
        encoding: int | None = None,
        validity: int | None = None,
        push_url: str | None = None,
    ) -> int:
        v.kvkk(content, first_name, last_name)
        payload: dict[str, Any] = {
            "number": {"nr": v.number(number), "cfs": {"FIRST_NAME": first_name, "LAST_NAME": last_name}},
            "sender": self._sender(sender),
            "content": content,
        }
        if encoding is None:
            # the names are written into the text: the encoding must carry them too
            encoding = encoding_if_needed([content, first_name, last_name])
        else:
            v.carried(
                v.choice(encoding, "encoding", "encoding"),
                [("content", content), ("first_name", first_name), ("last_name", last_name)],
            )
        payload.update(self._common(encoding, push_url, None, None))
        if validity is not None:
            payload["validity"] = v.validity(validity, otp=False)
        pkg_id, _ = self._create_package("sms/create-kvkk", payload, resolve_duplicate=False)
        log.info("Node KVKK link to %s: package %s", mask_number(payload["number"]["nr"]), pkg_id)
        return pkg_id

    def _list_payload(
        self, filters: Mapping[str, Any], spec: Mapping[str, Callable[[Any], Any]], function: str
    ) -> dict[str, Any]:
        unknown = sorted(set(filters) - set(spec) - {"page_size"})
        if unknown:
            raise v.fail(
                unknown[0],
                filters[unknown[0]],
                f"not a filter of {function} (known: {', '.join(sorted(spec))})",
            )
        payload: dict[str, Any] = {}
        for name, convert in spec.items():
            value = filters.get(name)
            if value is not None:
                payload.update(convert(value))
        return payload

    def _dates(self, filters: Mapping[str, Any], max_months: int | None = None) -> dict[str, str]:
        return v.date_range(
            filters.get("start_date"), filters.get("finish_date"), self.timezone, max_months=max_months
        )

    def list_packages(self, **filters: Any) -> Iterator[Package]:
        """``/sms/list``: filters ids, custom_ids, keyword, sender, status (report filter), start_date,
        finish_date, page_size."""
        spec: dict[str, Callable[[Any], Any]] = {
            "ids": lambda x: {"ids": v.ids(x, "ids")},
            "custom_ids": lambda x: {
                "customIDs": [v.custom_id(c, f"custom_ids[{i}]") for i, c in enumerate(x)]
            },
            "keyword": lambda x: {"keyword": v.text(x, "keyword")},
            "sender": lambda x: {"sender": v.text(x, "sender")},
            "status": lambda x: {"status": v.choice(x, "status", "package_filter")},
            "start_date": lambda x: {},
            "finish_date": lambda x: {},
        }
        payload = self._list_payload(filters, spec, "sms/list")
        payload.update(self._dates(filters))
        return self._pages("sms/list", payload, Package, filters.get("page_size"))

    def get_packages(self, *, ids: Iterable[Any] = (), custom_ids: Iterable[str] = ()) -> list[Package]:
        """Packages by id and/or customID in ONE request (at most 1000 together)."""
        id_list = v.ids(ids, "ids")
        cid_list = [v.custom_id(c, f"custom_ids[{i}]") for i, c in enumerate(custom_ids)]
        count = len(id_list) + len(cid_list)
        if count == 0:
            raise v.fail("ids", [], "give ids and/or custom_ids")
        if count > v.MAX_LIST_IDS:
            raise v.fail("ids", f"{count} ids", f"at most {v.MAX_LIST_IDS} per request")
        payload: dict[str, Any] = {"pageIndex": 0, "pageSize": max(v.PAGE_SIZE[0], count)}
        if id_list:
            payload["ids"] = id_list
        if cid_list:
            payload["customIDs"] = cid_list
        data = _map(self._call("sms/list", payload))
        return [Package.from_dict(_map(p), self.timezone) for p in _list(data.get("list"))]

    def list_package_items(
        self,
        *,
        pkg_id: int | None = None,
        uuid: str | None = None,
        custom_id: str | None = None,
        **filters: Any,
    ) -> Iterator[PackageItem]:
        """``/sms/list-item`` of one package; filters target, operator, state (item state), page_size."""
        key, value = v.one_of({"pkg_id": pkg_id, "uuid": uuid, "custom_id": custom_id})
        payload = _reference(key, value, id_field="pkgID")
        spec: dict[str, Callable[[Any], Any]] = {
            "target": lambda x: {"target": v.text(str(x), "target")},
            "operator": lambda x: {"operator": v.choice(x, "operator", "operator")},
            "state": lambda x: {"state": v.choice(x, "state", "item_state")},
        }
        payload.update(self._list_payload(filters, spec, "sms/list-item"))
        return self._pages("sms/list-item", payload, PackageItem, filters.get("page_size"))

    def list_sms_senders(
        self, *, keyword: str | None = None, status: int | None = None, page_size: int | None = None
    ) -> Iterator[Sender]:
        payload: dict[str, Any] = {}
        if keyword is not None:
            payload["keyword"] = v.text(keyword, "keyword")
        if status is not None:
            payload["status"] = v.choice(status, "status", "sender_status")
        return self._pages("sms/list-sender", payload, Sender, page_size)

    def cancel_package(
        self, *, pkg_id: int | None = None, uuid: str | None = None, custom_id: str | None = None
    ) -> None:
        """``/sms/cancel``: only a scheduled package or one not yet started (else ``NotChangeableError``)."""
        key, value = v.one_of({"pkg_id": pkg_id, "uuid": uuid, "custom_id": custom_id})
        payload = _reference(key, value, id_field="id")
        self._call("sms/cancel", payload)
        log.info("Node package %s=%s cancelled", key, value)

    def recreate_package(
        self, *, pkg_id: int | None = None, uuid: str | None = None, title: str, include_new_numbers: bool
    ) -> int:
        key, value = v.one_of({"pkg_id": pkg_id, "uuid": uuid})
        payload = _reference(key, value, id_field="id")
        payload["title"] = v.text(title, "title", max_length=v.MAX_TITLE_LENGTH)
        payload["includeNewNumbers"] = v.boolean(include_new_numbers, "include_new_numbers")
        return _pkg_id(self._call_once_unless_surely_unprocessed("sms/recreate", payload), "sms/recreate")

    def summary(self, *, start_date: Any = None, finish_date: Any = None) -> Summary:
        payload = v.date_range(start_date, finish_date, self.timezone)
        return Summary.from_dict(_map(self._call("sms/summary", payload)), self.timezone)

    def inquiry_number(
        self,
        gsm: str,
        *,
        sender: str | None = None,
        start_date: Any = None,
        finish_date: Any = None,
        paged: bool = False,
        page_size: int | None = None,
    ) -> Iterator[InquiryRecord]:
        """Messages sent to ``gsm``. Without dates the service takes the last month; the dates may be at most
        ``INQUIRY_MAX_MONTHS`` (3) months apart, and a ``start_date`` alone at most 3 months before now (the
        service then counts up to now; the missing finishDate is not sent).

        One request with the document's fields only (gsm, sender, startDate, finishDate): the document lists
        no ``pageIndex``/``pageSize`` for this function. ``paged=True`` (off by default) sends them anyway and
        walks every page like the other list functions (``page_size`` then sets the page), for a panel known
        to page these answers; when an unpaged answer says it holds fewer records than ``totalRecord``, a
        warning says so."""
        paged = v.boolean(paged, "paged")
        if page_size is not None and not paged:
            raise v.fail("page_size", page_size, "only with paged=True (the document has no paging here)")
        payload: dict[str, Any] = {"gsm": v.number(gsm, "gsm")}
        if sender is not None:
            payload["sender"] = v.text(sender, "sender")
        payload.update(v.date_range(start_date, finish_date, self.timezone, max_months=v.INQUIRY_MAX_MONTHS))
        if paged:
            return self._pages("sms/inquiry-number", payload, InquiryRecord, page_size)
        return self._unpaged("sms/inquiry-number", payload, InquiryRecord)

    def _unpaged(self, function: str, payload: dict[str, Any], model: Any) -> Iterator[Any]:
        """A list function's one answer, for functions the document gives no paging."""
        data = _map(self._call(function, payload))
        items = _list(data.get("list"))
        total = _map(data.get("stats")).get("totalRecord")
        if total not in (None, "") and int(total) > len(items):
            log.warning(
                "Node %s: the answer holds %d of %s record(s); pass paged=True if this panel pages it",
                function,
                len(items),
                total,
            )
        for item in items:
            yield model.from_dict(_map(item), self.timezone)

    # -- contacts -----------------------------------------------------------------------------------------
    def _contact_payload(self, gsm: str, fields: Mapping[str, Any], *, first: bool) -> dict[str, Any]:
        """``first``: a creation (the contact's first consent record: no HS_KARAR; EMAIL for queryEmail)."""
        spec: dict[str, Callable[[Any], Any]] = {
            "first_name": lambda x: {"firstName": v.text(x, "first_name")},
            "last_name": lambda x: {"lastName": v.text(x, "last_name")},
            "group_uuids": lambda x: {
                "groupUUIDs": [v.text(g, f"group_uuids[{i}]") for i, g in enumerate(x)]
            },
            "is_in_blacklist": lambda x: {"isInBlacklist": v.boolean(x, "is_in_blacklist")},
            "details": lambda x: {"details": v.details(x)},
            "iys": lambda x: {"iys": _iys(x, first=first)},
            "query_call": lambda x: {"queryCall": v.boolean(x, "query_call")},
            "query_email": lambda x: {"queryEmail": v.boolean(x, "query_email")},
        }
        unknown = sorted(set(fields) - set(spec))
        if unknown:
            raise v.fail(
                unknown[0], fields[unknown[0]], f"not a contact field (known: {', '.join(sorted(spec))})"
            )
        payload: dict[str, Any] = {"gsm": v.number(gsm, "gsm")}
        for name, convert in spec.items():
            if fields.get(name) is not None:
                payload.update(convert(fields[name]))
        # "the EMAIL custom field must be defined in the contact's details for the e-mail permission query";
        # on an update the server may hold it already (details merge), so only a creation is checked here.
        if first and payload.get("queryEmail") and v.EMAIL_FIELD not in payload.get("details", {}):
            raise v.fail(
                "query_email",
                True,
                f"needs an {v.EMAIL_FIELD} custom field in details (the address to query)",
            )
        return payload

    def create_contact(self, gsm: str, **fields: Any) -> Contact:
        payload = self._contact_payload(gsm, fields, first=True)
        data = self._call_once_unless_surely_unprocessed("contact/create", payload)
        return Contact.from_dict(_map(data), self.timezone)

    def update_contact(self, uuid: str, gsm: str, **fields: Any) -> Contact | None:
        """``/contact/update``. Returns what the server answered: the contact when it sends one back, else
        None — the document's answer is only ``{"status": 1}`` and success is the absence of ``err``. The
        client does not build a contact from its own request; read it with ``list_contacts`` if needed."""
        payload = {"uuid": v.text(uuid, "uuid"), **self._contact_payload(gsm, fields, first=False)}
        data = _map(self._call("contact/update", payload))
        return Contact.from_dict(data, self.timezone) if data.get("uuid") else None

    def delete_contacts(
        self, uuids: Sequence[str], *, permanent: bool = False, group_uuid: str | None = None
    ) -> None:
        if isinstance(uuids, str) or not uuids:
            raise v.fail("uuids", uuids, "must be a non-empty list of contact uuids")
        payload: dict[str, Any] = {
            "uuids": [v.text(u, f"uuids[{i}]") for i, u in enumerate(uuids)],
            "permanent": 1 if v.boolean(permanent, "permanent") else 0,
        }
        if group_uuid is not None:
            payload["groupUUID"] = v.text(group_uuid, "group_uuid")
        self._call("contact/delete", payload)

    def import_contacts(
        self,
        rows: Iterable[Sequence[str]],
        columns: Sequence[str],
        *,
        overwrite: bool | None = None,
        is_in_blacklist: bool | None = None,
        group_uuids: Sequence[str] | None = None,
    ) -> None:
        """ONE ``/contact/import``: ``csvData`` (every value in single quotes, first row the column names).

        ``columns`` must include ``GSM``. Values are never echoed in errors (names and numbers are personal
        data): an error names the row, the column and the rule."""
        names = v.csv_columns(columns)
        phone_columns = {i for i, c in enumerate(names) if c.upper() in ("GSM", "GSM_2", "GSM_3")}
        lines = [",".join(_quote(c, f"columns[{i}]") for i, c in enumerate(names))]
        count = 0
        for r, row in enumerate(rows):
            if isinstance(row, str) or len(row) != len(names):
                raise v.fail(f"rows[{r}]", v.shown(row), f"must have {len(names)} values, one per column")
            cells = []
            for c, value in enumerate(row):
                text = "" if value is None else str(value)
                if c in phone_columns and text:
                    text = v.number(text, f"rows[{r}].{names[c]}")
                cells.append(_quote(text, f"rows[{r}].{names[c]}"))
            lines.append(",".join(cells))
            count += 1
        if count == 0:
            raise v.fail("rows", [], "must not be empty")
        payload: dict[str, Any] = {"csvData": "\n".join(lines), "columns": names}
        if overwrite is not None:
            payload["overwrite"] = v.boolean(overwrite, "overwrite")
        if is_in_blacklist is not None:
            payload["isInBlacklist"] = v.boolean(is_in_blacklist, "is_in_blacklist")
        if group_uuids is not None:
            payload["groupUUIDs"] = [v.text(g, f"group_uuids[{i}]") for i, g in enumerate(group_uuids)]
        # SMS13 (an import still pending) is transient for imports: errors.py says so, we retry it.
        self._retrying(
            lambda: self._transport.call("contact/import", payload), "contact/import", idempotent=False
        )
        log.info("Node contact import accepted: %d row(s)", count)

    def list_contacts(self, **filters: Any) -> Iterator[Contact]:
        """``/contact/list``: filters status (contact filter), iys_state, exit_type, group_uuid, page_size."""
        spec: dict[str, Callable[[Any], Any]] = {
            "status": lambda x: {"status": v.choice(x, "status", "contact_filter")},
            "iys_state": lambda x: {"iysState": v.choice(x, "iys_state", "iys_state")},
            "exit_type": lambda x: {"exitType": v.exit_type(x)},
            "group_uuid": lambda x: {"groupUUID": v.text(x, "group_uuid")},
        }
        payload = self._list_payload(filters, spec, "contact/list")
        return self._pages("contact/list", payload, Contact, filters.get("page_size"))

    def create_group(
        self, title: str, *, parent_uuid: str | None = None, gsms: Sequence[str] | None = None
    ) -> ContactGroup:
        payload = self._group_payload(title, parent_uuid, gsms)
        data = self._call_once_unless_surely_unprocessed("contact/create-group", payload)
        return ContactGroup.from_dict(_map(data), self.timezone)

    def _group_payload(
        self, title: str, parent_uuid: str | None, gsms: Sequence[str] | None
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {"title": v.text(title, "title")}
        if parent_uuid is not None:
            payload["parentUUID"] = v.text(parent_uuid, "parent_uuid")
        if gsms is not None:
            payload["gsms"] = v.numbers(gsms, "gsms")
        return payload

    def update_group(self, uuid: str, title: str, **fields: Any) -> ContactGroup | None:
        """``/contact/update-group``. Returns the group when the server sends it back, else None (an answer
        of only ``{"status": 1}``); never a group built from the request."""
        unknown = sorted(set(fields) - {"parent_uuid", "gsms"})
        if unknown:
            raise v.fail(unknown[0], fields[unknown[0]], "not a group field (known: gsms, parent_uuid)")
        payload = {
            "uuid": v.text(uuid, "uuid"),
            **self._group_payload(title, fields.get("parent_uuid"), fields.get("gsms")),
        }
        data = _map(self._call("contact/update-group", payload))
        return ContactGroup.from_dict(data, self.timezone) if data.get("uuid") else None

    def delete_group(
        self,
        *,
        uuid: str | None = None,
        uuids: Sequence[str] | None = None,
        include_contacts: bool | None = None,
    ) -> None:
        key, value = v.one_of({"uuid": uuid, "uuids": list(uuids) if uuids else None})
        payload: dict[str, Any] = (
            {"uuid": v.text(value, "uuid")}
            if key == "uuid"
            else {"uuids": [v.text(u, f"uuids[{i}]") for i, u in enumerate(value)]}
        )
        if include_contacts is not None:
            payload["includeContacts"] = v.boolean(include_contacts, "include_contacts")
        self._call("contact/delete-group", payload)

    def list_groups(self, **filters: Any) -> Iterator[ContactGroup]:
        spec: dict[str, Callable[[Any], Any]] = {
            "keyword": lambda x: {"keyword": v.text(x, "keyword")},
            "parent_uuid": lambda x: {"parentUUID": v.text(x, "parent_uuid")},
        }
        payload = self._list_payload(filters, spec, "contact/list-group")
        return self._pages("contact/list-group", payload, ContactGroup, filters.get("page_size"))

    def set_blacklist(
        self,
        status: bool,
        *,
        uuids: Sequence[str] = (),
        gsms: Sequence[str] = (),
        return_invalids: bool | None = None,
    ) -> BlacklistResult:
        """At most 1000 uuids and gsms together per call (the operator chunks). ``status`` of the result is
        the server's (None when its answer has none). ``returnInvalids`` is always sent (the document does
        not mark it optional): ``False`` unless given."""
        flag = v.boolean(status, "status")
        uuid_list, gsm_list = v.blacklist_items(list(uuids), list(gsms))
        payload: dict[str, Any] = {"status": flag}
        if uuid_list:
            payload["uuids"] = uuid_list
        if gsm_list:
            payload["gsms"] = gsm_list
        # returnInvalids has no optional mark in the document: always sent; false (one invalid number fails
        # the whole request) is what the document says happens without it.
        payload["returnInvalids"] = (
            False if return_invalids is None else v.boolean(return_invalids, "return_invalids")
        )
        return BlacklistResult.from_dict(self._call("contact/set-blacklist", payload), self.timezone)

    def list_mo_requests(self, **filters: Any) -> Iterator[MoRequest]:
        spec: dict[str, Callable[[Any], Any]] = {
            "keyword": lambda x: {"keyword": v.text(x, "keyword")},
            "user_uuid": lambda x: {"userUUID": v.text(x, "user_uuid")},
            "start_date": lambda x: {},
            "finish_date": lambda x: {},
        }
        payload = self._list_payload(filters, spec, "mo/list-request")
        payload.update(self._dates(filters))
        return self._pages("mo/list-request", payload, MoRequest, filters.get("page_size"))

    def get_credit(self) -> float:
        data = _map(self._call("user/credit", {}))
        if "credit" not in data:
            raise ProtocolError("user/credit: the answer has no credit", service=SERVICE)
        return float(data["credit"])

    # -- the SmsClient protocol ---------------------------------------------------------------------------
    def validate_send(self, request: SendBatch) -> None:
        """Every rule ``send`` checks for this batch, with no request (the operators' first pass)."""
        self._send_payload(request)

    def send(self, batch: SendBatch) -> SendReceipt:
        """One package: one message -> sendingType 0 (one number) or 1; several -> 2 (``{nr, msg}``)."""
        return self.send_prepared(
            self.prepare_send(batch), idempotency_key=batch.idempotency_key, send_at=batch.send_at
        )

    def prepare_send(self, batch: SendBatch) -> PreparedSend:
        """The checked ``/sms/create`` body of ``batch`` without its customID and sendingDate
        (``PreparingSmsClient``), encoded once (``EncodedJson``): ``send_prepared`` adds those two when the
        package goes out, without decoding the body."""
        payload = self._send_payload(batch, pairs_as_json=True)
        payload.pop("customID", None)
        payload.pop("sendingDate", None)
        numbers = payload.pop("numbers", None)
        body = EncodedJson.of(payload)
        if isinstance(numbers, bytes):  # sendingType 2: the {nr, msg} array, written as JSON already
            body = body.with_encoded_member("numbers", numbers)
        elif numbers is not None:
            body = body.with_members({"numbers": numbers})
        return PreparedSend(service=SERVICE, body=body, recipients=batch.recipient_count)

    def send_prepared(
        self, prepared: PreparedSend, *, idempotency_key: str | None, send_at: Any
    ) -> SendReceipt:
        """Create the package of a ``prepare_send`` body, with this customID and date."""
        if prepared.service != SERVICE or not isinstance(prepared.body, EncodedJson):
            raise v.fail("prepared", prepared.service, "must be a Node body made by prepare_send")
        added = self._common(None, None, None, idempotency_key)
        self._schedule(added, send_at, "send_at")
        recipients = prepared.recipients
        pkg_id, replayed = self._create_package(
            "sms/create",
            prepared.body.with_members(added),
            resolve_duplicate=True,
            custom_id=added.get("customID"),
        )
        log.info(
            "Node send: package %s for %d recipient(s)%s",
            pkg_id,
            recipients,
            " (already there)" if replayed else "",
        )
        return SendReceipt(
            service=SERVICE,
            reference=str(pkg_id),
            recipients=recipients,
            idempotency_key=idempotency_key,
            replayed=replayed,
        )

    def _send_payload(self, batch: SendBatch, *, pairs_as_json: bool = False) -> dict[str, Any]:
        """The checked ``/sms/create`` body of a generic batch (raises ``ValidationError``; no request)."""
        if not batch.messages:
            raise v.fail("messages", (), "a batch needs at least one message")
        refuse_unhonoured(batch, honoured=HONOURED_OPTIONS, service=SERVICE, service_name="Node")
        if batch.send_at is not None:
            v.send_date(batch.send_at, "send_at")  # named as the caller named it
        shape: dict[str, Any] = {"content": None, "number": None, "numbers": None, "messages": None}
        if len(batch.messages) == 1:
            message = batch.messages[0]
            nums = list(message.numbers)
            if len(nums) == 1:
                shape.update(sending_type=0, content=message.text, number=nums[0])
            else:
                shape.update(sending_type=1, content=message.text, numbers=nums)
        else:
            pairs = [(n, m.text) for m in batch.messages for n in m.numbers]
            shape.update(sending_type=2, messages=pairs)
        return self._sms_payload(
            **shape,
            sender=batch.sender,
            title=batch.title,
            sms_type=SEND_SMS_TYPE,
            encoding=None,
            validity=batch.validity_minutes,
            sending_date=batch.send_at,
            periodic=None,
            push_url=batch.push_url,
            commercial=True if batch.commercial else None,
            custom_id=batch.idempotency_key,
            pairs_as_json=pairs_as_json,
        )

    def find_sent(self, idempotency_keys: Sequence[str]) -> dict[str, SendReceipt]:
        """Packages that exist for these customIDs, in one request per 1000 keys."""
        found: dict[str, SendReceipt] = {}
        for chunk in chunked(list(idempotency_keys), v.MAX_LIST_IDS):
            for package in self.get_packages(custom_ids=chunk):
                if package.custom_id and package.custom_id in chunk:
                    found[package.custom_id] = SendReceipt(
                        service=SERVICE,
                        reference=str(package.id),
                        recipients=package.statistics.recipients,
                        idempotency_key=package.custom_id,
                        replayed=True,
                    )
        return found

    def get_statuses(self, references: Sequence[str]) -> list[DeliveryStatus]:
        """One ``/sms/list`` with ``ids`` per 1000 references; statuses in the order asked."""
        out: list[DeliveryStatus] = []
        for chunk in chunked(list(references), v.MAX_LIST_IDS):
            ids = v.ids(chunk, "references")
            by_id = {p.id: status_of(p) for p in self.get_packages(ids=ids)}
            missing = [i for i in ids if i not in by_id]
            if missing:
                shown = ", ".join(map(str, missing[:10]))
                raise NotFoundError(f"sms/list: no such package: {shown}", service=SERVICE, code="SMS06")
            out.extend(by_id[i] for i in ids)
        return out

    def cancel(self, reference: str) -> None:
        self.cancel_package(pkg_id=v.ids([reference], "reference")[0])

    def get_balance(self) -> Balance:
        return Balance(credits=self.get_credit())

    def list_senders(self) -> list[str]:
        """Titles of the approved senders."""
        return [s.title for s in self.list_sms_senders(status=int(SenderStatus.APPROVED)) if s.approved]

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> NodeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: ``encoding`` the server takes when an OTP or KVKK request leaves it out (optional there; the OCR prints
#: the default as "9": guess 0, GSM 7-bit).
SERVER_DEFAULT_ENCODING = 0


def encoding_if_needed(texts: Sequence[str]) -> int | None:
    """``encoding`` for a request where it is optional: None (left out, the server's default) when the
    default carries every text, else the cheapest encoding that does — a text with ``ş`` sent under the
    default would be garbled (or refused)."""
    needed = max(count_segments(t).node_encoding for t in texts)
    return needed if needed != SERVER_DEFAULT_ENCODING else None


def many_to_many_content(texts: Sequence[str]) -> str:
    """The ``content`` of an N-N package (sendingType 2) when the caller gives none: the first number's text.

    The document marks ``content`` required for every sendingType and the vendor's own N-N SOAP sample
    carries one beside the per-number ``msg`` texts, without saying what the server does with it (the
    package's text in ``/sms/list`` and the panel, what ``keyword`` searches). The first text is a text the
    package really sends, carried by the package's encoding, with no wording of ours; a caller who wants a
    campaign-wide description passes ``content``."""
    return texts[0]


def _reference(key: str, value: Any, *, id_field: str) -> dict[str, Any]:
    """The one identifying field of a package: ``pkg_id`` (as ``id_field``), ``uuid`` or ``custom_id``."""
    if key == "pkg_id":
        return {id_field: v.ids([value], "pkg_id")[0]}
    if key == "uuid":
        return {"uuid": v.text(value, "uuid")}
    return {"customID": v.custom_id(value)}


def _pkg_id(data: Any, function: str) -> int:
    value = _map(data).get("pkgID")
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ProtocolError(f"{function}: the answer has no pkgID", service=SERVICE) from None


def _iys(value: Any, *, first: bool) -> dict[str, Any]:
    if isinstance(value, IysSettings):
        settings = value
    elif isinstance(value, Mapping):
        try:
            settings = IysSettings(
                recipient_type=value.get("c", value.get("recipient_type")),
                source=value.get("spc", value.get("source")),
                send=value.get("send", True),
            )
        except TypeError:
            raise v.fail("iys", value, "must be IysSettings or {c, spc, send}") from None
    else:
        raise v.fail("iys", value, "must be IysSettings or {c, spc, send}")
    v.choice(settings.recipient_type, "iys.c", "iys_recipient_type")
    source = v.choice(settings.source, "iys.spc", "iys_source")
    if first and source == v.IYS_SOURCE_HS_KARAR:
        raise v.fail(
            "iys.spc", source, "HS_KARAR (1) is not allowed on a first consent record; use it on an update"
        )
    v.boolean(settings.send, "iys.send")
    return settings.to_payload()


#: Guess: the document shows no way to escape a single quote or a line break inside a csvData value, so
#: such values are refused rather than sent in a spelling the panel may misread.
CSV_FORBIDDEN = ("'", "\n", "\r")


def _quote(value: str, field: str) -> str:
    if any(ch in value for ch in CSV_FORBIDDEN):
        # the value itself (a name, a number) is personal data: the error shows only its size
        raise v.fail(field, mask_text(value), "csvData values may not contain a single quote or a line break")
    return f"'{value}'"


__all__ = ["NodeClient", "NodeTransientError"]
