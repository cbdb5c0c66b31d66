"""Typed requests and answers of the Node SMS API, and enums for the spec's constants.

Answers are built from the dicts both transports produce (REST's JSON, SOAP's ``serialize_object``), so a DAG
sees the same models over either. Dates in answers are the panel's wall clock (ISO without zone); they are
turned into aware UTC datetimes with the connection's zone. Each model keeps the raw dict in ``raw`` for
fields the document does not describe.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.localtime import DEFAULT_TIMEZONE, parse_local


class Operator(enum.IntEnum):
    TURKCELL = 0
    VODAFONE = 1
    TURKTELEKOM = 2
    NETGSM = 3


class SmsType(enum.IntEnum):
    OTP = 0
    NORMAL = 1
    TC_ID = 2


class SendingType(enum.IntEnum):
    SINGLE = 0
    ONE_TO_MANY = 1
    MANY_TO_MANY = 2


class Encoding(enum.IntEnum):
    DEFAULT = 0
    TURKISH = 1
    UTF8 = 2


class PeriodType(enum.IntEnum):
    ONE_OFF = 0
    DAILY = 1
    WEEKLY = 2
    MONTHLY = 3
    YEARLY = 4


class PackageState(enum.IntEnum):
    CANCELLED = -4
    SENDING_FAILED = -3
    CREATION_FAILED = -2
    REJECTED = -1
    SAVING = 0
    WAITING = 1
    QUEUEING = 2
    SENDING = 3
    SENT = 4
    PARTLY_REPORTED = 5
    COMPLETE = 6


class ItemState(enum.IntEnum):
    CANCELLED = -2
    REJECTED = -1
    WAITING = 0
    SENDING = 1
    SENT = 2
    DELIVERED = 3
    UNDELIVERED = 4
    TIMED_OUT = 5


class SenderStatus(enum.IntEnum):
    PENDING = 0
    APPROVED = 1
    REJECTED = 2
    BANNED = 3


class PackageReportFilter(enum.IntEnum):
    """``status`` of ``/sms/list``. OCR guess: the labels are legible in this order, the numbers are not."""

    ALL = 0
    QUEUED = 1
    PROCESSING = 2
    SCHEDULED = 3
    PERIODIC = 4
    COMPLETED = 5
    CANCELLED = 6
    FAILED = 7


class ContactFilter(enum.IntEnum):
    """``status`` of ``/contact/list``. OCR guess: four labels, three numbers legible."""

    ALL = 0
    WHITE_LIST = 1
    BLACK_LIST = 2
    INVALID_NUMBER = 3


class IysState(enum.IntEnum):
    """OCR guess: the order of the labels."""

    REJECTED = -2
    WAITING = -1
    PROCESSING = 0
    QUEUED = 1
    ACCEPTED = 2
    UNDEFINED = 3


class IysRecipientType(enum.IntEnum):
    BIREYSEL = 0
    TACIR = 1


class IysSource(enum.IntEnum):
    HS_2015 = 0
    HS_KARAR = 1
    HS_FIZIKSEL_ORTAM = 2
    HS_ISLAK_IMZA = 3
    HS_ETKINLIK = 4
    HS_ATM = 5
    HS_EORTAM = 6
    HS_WEB = 7
    HS_MOBIL = 8
    HS_MESAJ = 9
    HS_EPOSTA = 10
    HS_CAGRI_MERKEZI = 11
    HS_SOSYAL_MEDYA = 12


class MoState(enum.IntEnum):
    FAILED = -2
    NO_MATCH = -1
    WAITING = 0
    PROCESSING = 1
    COMPLETED = 2


# -- requests -----------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class PeriodicSettings:
    """``periodicSettings``: a ``ONE_OFF`` package goes out ``amount`` numbers every ``interval`` min."""

    period_type: int
    interval: int | None = None
    amount: int | None = None

    def to_payload(self) -> dict[str, int]:
        out = {"periodType": int(self.period_type)}
        if self.interval is not None:
            out["interval"] = int(self.interval)
        if self.amount is not None:
            out["amount"] = int(self.amount)
        return out


@dataclasses.dataclass(frozen=True)
class IysSettings:
    """``iys`` of a contact: recipient type (``c``), consent source (``spc``), sync now (``send``)."""

    recipient_type: int
    source: int
    send: bool = True

    def to_payload(self) -> dict[str, Any]:
        return {"c": int(self.recipient_type), "spc": int(self.source), "send": bool(self.send)}


# -- answers ------------------------------------------------------------------------------------------
def _int(value: Any, default: int | None = None) -> int | None:
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        return int(value)
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError):
            return default


def _float(value: Any, default: float = 0.0) -> float:
    if value in (None, ""):
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _str(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def _date(value: Any, tz: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else parse_local(value.isoformat(), tz)
    try:
        return parse_local(str(value), tz)
    except ValidationError:
        return None


def _list(value: Any) -> list[Any]:
    if value in (None, ""):
        return []
    if isinstance(value, Mapping) and set(value) == {"item"}:
        value = value["item"]
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _map(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


@dataclasses.dataclass(frozen=True)
class PackageStatistics:
    total: int = 0
    credit: float = 0.0
    recipients: int = 0
    delivered: int = 0
    undelivered: int = 0

    @classmethod
    def from_dict(cls, data: Any) -> PackageStatistics:
        d = _map(data)
        return cls(
            total=_int(d.get("total"), 0) or 0,
            credit=_float(d.get("credit")),
            recipients=_int(d.get("rCount"), 0) or 0,
            delivered=_int(d.get("delivered"), 0) or 0,
            undelivered=_int(d.get("undelivered"), 0) or 0,
        )


@dataclasses.dataclass(frozen=True)
class Package:
    """One item of ``/sms/list`` (``getSmsPackages``)."""

    id: int
    uuid: str | None
    custom_id: str | None
    type: int | None
    state: int
    title: str | None
    content: str | None
    senders: tuple[str, ...]
    encoding: int | None
    validity: int | None
    statistics: PackageStatistics
    is_scheduled: bool
    sending_date: dt.datetime | None
    error: str | None = None
    raw: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], tz: str = DEFAULT_TIMEZONE) -> Package:
        return cls(
            id=_int(data.get("id"), 0) or 0,
            uuid=_str(data.get("uuid")),
            custom_id=_str(data.get("customID")),
            type=_int(data.get("type")),
            state=_int(data.get("state"), 0) or 0,
            title=_str(data.get("title")),
            content=_str(data.get("content")),
            senders=tuple(str(s) for s in _list(data.get("senders"))),
            encoding=_int(data.get("encoding")),
            validity=_int(data.get("validity")),
            statistics=PackageStatistics.from_dict(data.get("statistics")),
            # the vendor's JSON sample spells it "isScheculed" once (OCR); accept both
            is_scheduled=_bool(data.get("isScheduled", data.get("isScheculed"))),
            sending_date=_date(data.get("sendingDate"), tz),
            error=_str(data.get("error")),
            raw=dict(data),
        )


@dataclasses.dataclass(frozen=True)
class PackageItem:
    """One recipient of a package (``/sms/list-item``)."""

    id: str
    target: str | None
    state: int
    set_state: int | None
    sender: str | None
    msg: str | None
    credit: float
    error: str | None
    sending_date: dt.datetime | None
    delivery_date: dt.datetime | None
    processing_date: dt.datetime | None
    raw: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], tz: str = DEFAULT_TIMEZONE) -> PackageItem:
        return cls(
            id=str(data.get("id")),
            target=_str(data.get("target")),
            state=_int(data.get("state"), 0) or 0,
            set_state=_int(data.get("setState")),
            sender=_str(data.get("sender")),
            msg=_str(data.get("msg")),
            credit=_float(data.get("credit")),
            error=_str(data.get("error")),
            sending_date=_date(data.get("sendingDate"), tz),
            delivery_date=_date(data.get("deliveryDate"), tz),
            processing_date=_date(data.get("processingDate"), tz),
            raw=dict(data),
        )


@dataclasses.dataclass(frozen=True)
class Sender:
    uuid: str | None
    title: str
    status: int

    @property
    def approved(self) -> bool:
        return self.status == SenderStatus.APPROVED

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], tz: str = DEFAULT_TIMEZONE) -> Sender:
        return cls(
            uuid=_str(data.get("uuid")),
            title=str(data.get("title") or ""),
            status=_int(data.get("status"), 0) or 0,
        )


@dataclasses.dataclass(frozen=True)
class Summary:
    """``/sms/summary``: ``total`` is segments x recipients, ``recipients`` the rCount."""

    total: int
    delivered: int
    undelivered: int
    pending: int
    recipients: int
    credit: float

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], tz: str = DEFAULT_TIMEZONE) -> Summary:
        return cls(
            total=_int(data.get("total"), 0) or 0,
            delivered=_int(data.get("delivered"), 0) or 0,
            undelivered=_int(data.get("undelivered"), 0) or 0,
            pending=_int(data.get("pending"), 0) or 0,
            recipients=_int(data.get("rCount"), 0) or 0,
            credit=_float(data.get("credit")),
        )


@dataclasses.dataclass(frozen=True)
class InquiryRecord:
    """One message to the number asked about (``/sms/inquiry-number``)."""

    pkg_id: int | None
    pkg_type: int | None
    state: int | None
    sender: str | None
    msg: str | None
    operator: int | None
    encoding: int | None
    validity: int | None
    user_uuid: str | None
    username: str | None
    sending_date: dt.datetime | None
    delivery_date: dt.datetime | None
    raw: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], tz: str = DEFAULT_TIMEZONE) -> InquiryRecord:
        return cls(
            pkg_id=_int(data.get("pkgID")),
            pkg_type=_int(data.get("pkgType")),
            state=_int(data.get("state")),
            sender=_str(data.get("sender")),
            msg=_str(data.get("msg")),
            operator=_int(data.get("operator")),
            encoding=_int(data.get("encoding")),
            validity=_int(data.get("validity")),
            user_uuid=_str(data.get("userUUID")),
            username=_str(data.get("username")),
            sending_date=_date(data.get("sendingDate"), tz),
            delivery_date=_date(data.get("deliveryDate"), tz),
            raw=dict(data),
        )


@dataclasses.dataclass(frozen=True)
class Contact:
    uuid: str | None
    gsm: str | None
    first_name: str | None
    last_name: str | None
    details: dict[str, Any]
    groups: tuple[Any, ...]
    is_in_blacklist: bool
    iys: dict[str, Any]
    raw: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @property
    def iys_state(self) -> int | None:
        return _int(self.iys.get("st"))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], tz: str = DEFAULT_TIMEZONE) -> Contact:
        return cls(
            uuid=_str(data.get("uuid")),
            gsm=_str(data.get("gsm")),
            first_name=_str(data.get("firstName")),
            last_name=_str(data.get("lastName")),
            details=_map(data.get("details")),
            groups=tuple(_list(data.get("groups"))),
            is_in_blacklist=_bool(data.get("isInBlacklist")),
            iys=_map(data.get("iys")),
            raw=dict(data),
        )


@dataclasses.dataclass(frozen=True)
class ContactGroup:
    uuid: str | None
    title: str | None
    contact_count: int
    is_parent: bool
    is_shared: bool
    parent_info: Any
    raw: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], tz: str = DEFAULT_TIMEZONE) -> ContactGroup:
        return cls(
            uuid=_str(data.get("uuid")),
            title=_str(data.get("title")),
            contact_count=_int(_map(data.get("stats")).get("contactCount"), 0) or 0,
            is_parent=_bool(data.get("isParent")),
            is_shared=_bool(data.get("isShared")),
            parent_info=data.get("parentInfo"),
            raw=dict(data),
        )


@dataclasses.dataclass(frozen=True)
class BlacklistResult:
    """``/contact/set-blacklist``: ``invalids`` are the numbers skipped when ``returnInvalids`` was set.

    ``status`` is what the server answered (the document shows ``1``), None when the answer has none.
    """

    status: int | None
    invalids: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Any, tz: str = DEFAULT_TIMEZONE) -> BlacklistResult:
        d = _map(data)
        invalid = d.get("invalids", d.get("invalidGsms", d.get("invalid")))
        return cls(status=_int(d.get("status")), invalids=tuple(str(n) for n in _list(invalid)))


@dataclasses.dataclass(frozen=True)
class MoRequest:
    """An opt-out by SMS (``/mo/list-request``)."""

    uuid: str | None
    gsm: str | None
    msg: str | None
    state: int | None
    keyword: str | None
    short_nr: str | None
    user_info: Any
    process_info: Any
    raw: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], tz: str = DEFAULT_TIMEZONE) -> MoRequest:
        return cls(
            uuid=_str(data.get("uuid")),
            gsm=_str(data.get("gsm")),
            msg=_str(data.get("msg")),
            state=_int(data.get("state")),
            keyword=_str(data.get("keyword")),
            short_nr=_str(data.get("shortNr")),
            user_info=data.get("userInfo"),
            process_info=data.get("processInfo"),
            raw=dict(data),
        )
