"""The SMS functions (``/sms/...``): one implementation behind both the REST and the SOAP front end.

Each takes the account state and the request's parameters (a mapping of the REST names) and returns the
``data`` of the answer, or raises ``NodeError``.
"""

from __future__ import annotations

import datetime as dt
from array import array
from typing import Any

from airflow_provider_ileti.core.segments import can_encode
from airflow_provider_ileti.sandbox.services.node import validation as v
from airflow_provider_ileti.sandbox.services.node.codes import NodeError, bad_request
from airflow_provider_ileti.sandbox.services.node.packages import (
    MESSAGE_SEPARATOR,
    REPORT_FILTERS,
    UNSCHEDULED_START,
    Package,
    operator_of,
)
from airflow_provider_ileti.sandbox.services.node.segments import ENCODINGS, CannotCarry, parts_for
from airflow_provider_ileti.sandbox.services.node.state import USERNAME_SHOWN, NodeState

OTP_VALIDITY = range(3, 7)
VALIDITY = range(60, 1441)
#: Defaults when validity is left out; the OCR prints "6" and "1449" (guess: 6 for OTP, 1440 otherwise).
OTP_DEFAULT_VALIDITY = 6
DEFAULT_VALIDITY = 1440
#: KVKK packages are ordinary (non-OTP) SMS: 60..1440 minutes (the document copies the OTP example; guess).
KVKK_VALIDITY = VALIDITY
SMS_TYPES = (0, 1, 2)
SENDING_TYPES = (0, 1, 2)
PERIOD_TYPES = range(0, 5)
PERIODIC_AMOUNT_STEP = 1000
#: Most recipients one package takes; more answers SMS43 (the document gives no figure; guess).
MAX_PACKAGE_NUMBERS = 100_000
#: Most ids/customIDs one ``/sms/list`` takes (guess; SMS43 beyond).
MAX_LIST_IDS = 1000
#: A sending date this far in the past is still "now" (the format has minutes only; guess).
SENDING_DATE_TOLERANCE = dt.timedelta(minutes=1)
#: Title given to a package created without one, like the panel's "xxx tarihli gönderim" (guess).
DEFAULT_TITLE_FORMAT = "%d.%m.%Y %H:%M tarihli gönderim"
INQUIRY_DEFAULT_RANGE = dt.timedelta(days=30)
INQUIRY_MAX_RANGE = dt.timedelta(days=92)
#: The link a KVKK package's SHORT_LINK tag becomes.
KVKK_LINK = "https://ilt.sbx/k/{token}"


def _sender(state: NodeState, params: v.Params) -> str:
    sender = v.get_str(params, "sender", required=True)
    assert sender is not None
    for known in state.senders:
        if known["title"] == sender:
            if known["status"] != 1:
                raise bad_request(f"sender {sender!r} is not approved")
            return sender
    raise bad_request(f"sender {sender!r} is not defined for this user")


#: ``encoding`` of an OTP or KVKK package that leaves it out (optional there; the OCR prints the default as
#: "9": guess 0, GSM 7-bit). A text it cannot carry is refused like one a declared encoding cannot carry.
DEFAULT_ENCODING = 0


def _encoding(params: v.Params) -> int:
    value = v.get_int(params, "encoding", allowed=tuple(ENCODINGS), default=DEFAULT_ENCODING)
    assert value is not None
    return value


def _parts(text: str, encoding: int, field: str) -> int:
    try:
        return parts_for(text, encoding)
    except CannotCarry as exc:
        raise bad_request(f"{field}: {exc}") from None


def _validity(params: v.Params, allowed: range, default: int) -> int:
    value = v.get_int(params, "validity", default=default)
    assert value is not None
    if value not in allowed:
        raise bad_request(f"validity must be {allowed.start}..{allowed.stop - 1} minutes")
    return value


def _push_url(params: v.Params) -> str | None:
    push = v.get_object(params, "pushSettings")
    if not push:
        return None
    url = push.get("url")
    if url in (None, ""):
        return None
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise bad_request("pushSettings.url must be an http(s) URL")
    return url


def _custom_id(state: NodeState, params: v.Params) -> str | None:
    custom_id = v.custom_id(params)
    if custom_id is not None and custom_id in state.by_custom_id:
        raise NodeError("SMS42", f"a package with customID {custom_id!r} already exists")
    return custom_id


def _sending_date(state: NodeState, params: v.Params, now: dt.datetime) -> dt.datetime | None:
    text = v.get_str(params, "sendingDate")
    if text is None:
        return None
    when = v.parse_local(text.strip(), "sendingDate")
    if when < now - SENDING_DATE_TOLERANCE:
        raise NodeError("SMS08", "sendingDate is in the past")
    return when if when > now else None


def _periodic(params: v.Params) -> dict[str, int] | None:
    settings = v.get_object(params, "periodicSettings")
    if not settings or all(value in (None, "") for value in settings.values()):
        return None
    period_type = v.get_int(settings, "periodType", required=True, allowed=PERIOD_TYPES)
    out: dict[str, int] = {"periodType": period_type or 0}
    if period_type == 0:
        interval = v.get_int(settings, "interval", required=True)
        amount = v.get_int(settings, "amount", required=True)
        assert interval is not None and amount is not None
        if interval < 1:
            raise bad_request("periodicSettings.interval must be at least 1")
        if amount < PERIODIC_AMOUNT_STEP or amount % PERIODIC_AMOUNT_STEP:
            raise bad_request("periodicSettings.amount must be a multiple of 1000, at least 1000")
        out.update(interval=interval, amount=amount)
    return out


def _store(
    state: NodeState,
    *,
    now: dt.datetime,
    numbers: array[int],
    messages: list[str] | None,
    content: str | None,
    encoding: int,
    sms_type: int,
    sending_type: int,
    title: str | None,
    sender: str,
    validity: int,
    send_at: dt.datetime | None,
    periodic: dict[str, int] | None,
    push_url: str | None,
    commercial: bool | None,
    custom_id: str | None,
    text_field: str = "numbers[{index}].msg",
) -> Package:
    """``text_field``: how a refusal names a text of ``messages`` (``{index}`` its position)."""
    if len(numbers) > MAX_PACKAGE_NUMBERS:
        raise NodeError("SMS43", f"at most {MAX_PACKAGE_NUMBERS} numbers in one package")
    if not state.sending_allowed(send_at or now):
        raise NodeError("SMS44", "sending is restricted at this hour")
    item_parts: array[int] | None = None
    parts = 0
    if content is not None:
        # the package's content is checked against its encoding also when each number has its own text
        parts = _parts(content, encoding, "content")
    if messages is not None:
        try:
            item_parts = array("B", (min(parts_for(m, encoding), 255) for m in messages))
        except CannotCarry as exc:
            index = next(i for i, m in enumerate(messages) if not can_encode(m, ENCODINGS[encoding]))
            raise bad_request(f"{text_field.format(index=index)}: {exc}") from None
    buckets, total = Package.count(numbers, parts, item_parts)
    if total > state.credit:
        raise NodeError("SMS18", f"{total} credits needed, {state.credit} available")
    if custom_id is not None and custom_id in state.by_custom_id:
        raise NodeError("SMS42", f"a package with customID {custom_id!r} already exists")
    package = Package(
        id=state.next_package_id,
        uuid=state.new_uuid(),
        custom_id=custom_id,
        sms_type=sms_type,
        sending_type=sending_type,
        title=title or now.astimezone(v.ZONE).strftime(DEFAULT_TITLE_FORMAT),
        content=content,
        sender=sender,
        encoding=encoding,
        validity=validity,
        created=now,
        start=send_at if send_at is not None else now + UNSCHEDULED_START,
        scheduled=send_at is not None,
        periodic=periodic,
        push_url=push_url,
        commercial=commercial,
        first_item_id=state.next_item_id,
        numbers=numbers,
        messages=Package.pack_messages(messages) if messages is not None else None,
        item_parts=item_parts,
        parts=parts,
        buckets=buckets,
        total_parts=total,
    )
    state.credit -= total
    state.packages[package.id] = package
    state.by_uuid[package.uuid] = package.id
    if custom_id is not None:
        state.by_custom_id[custom_id] = package.id
    state.next_package_id += 1
    state.next_item_id += len(numbers)
    return package


def _content(params: v.Params, *, required: bool = True) -> str | None:
    content = v.get_str(params, "content", required=required)
    if content is not None and not content.strip():
        if required:
            raise bad_request("content is empty")
        return None
    return content


def create(state: NodeState, params: v.Params) -> dict[str, Any]:
    """``/sms/create``: single (0), one text to many (1) or a text per number (2)."""
    sms_type = v.get_int(params, "type", required=True, allowed=SMS_TYPES)
    sending_type = v.get_int(params, "sendingType", required=True, allowed=SENDING_TYPES)
    assert sms_type is not None and sending_type is not None
    encoding = _encoding(params)
    messages: list[str] | None = None
    if sending_type == 0:
        if v.present(params, "numbers"):
            raise bad_request("sendingType 0 takes number, not numbers")
        numbers = array("q", [v.number(params.get("number") if v.present(params, "number") else None)])
        content = _content(params)
    else:
        if v.present(params, "number"):
            raise bad_request(f"sendingType {sending_type} takes numbers, not number")
        raw = v.get_list(params, "numbers", required=True)
        if len(raw) > MAX_PACKAGE_NUMBERS:
            raise NodeError("SMS43", f"at most {MAX_PACKAGE_NUMBERS} numbers in one package")
        if sending_type == 1:
            content = _content(params)
            numbers = array(
                "q", [v.number(n.get("nr") if isinstance(n, dict) else n, "numbers[]") for n in raw]
            )
        else:
            content = _content(params)  # required for N-N too: the document marks it so
            numbers = array("q")
            messages = []
            for entry in raw:
                if not isinstance(entry, dict):
                    raise bad_request("sendingType 2 takes numbers as [{nr, msg}]")
                msg = entry.get("msg")
                if not isinstance(msg, str) or not msg.strip():
                    raise bad_request("numbers[].msg is required for sendingType 2")
                if MESSAGE_SEPARATOR in msg:
                    raise bad_request("numbers[].msg has an illegal character")
                numbers.append(v.number(entry.get("nr"), "numbers[].nr"))
                messages.append(msg)
    with state.lock:
        now = state.clock.now()
        sender = _sender(state, params)
        title = v.get_str(params, "title", max_length=255)
        validity = _validity(
            params,
            OTP_VALIDITY if sms_type == 0 else VALIDITY,
            OTP_DEFAULT_VALIDITY if sms_type == 0 else DEFAULT_VALIDITY,
        )
        send_at = _sending_date(state, params, now)
        periodic = _periodic(params)
        push_url = _push_url(params)
        commercial = v.get_bool(params, "commercial")
        custom_id = _custom_id(state, params)
        package = _store(
            state,
            now=now,
            numbers=numbers,
            messages=messages,
            content=content,
            encoding=encoding,
            sms_type=sms_type,
            sending_type=sending_type,
            title=title,
            sender=sender,
            validity=validity,
            send_at=send_at,
            periodic=periodic,
            push_url=push_url,
            commercial=commercial,
            custom_id=custom_id,
        )
    return {"pkgID": package.id}


def create_otp(state: NodeState, params: v.Params) -> dict[str, Any]:
    """``/sms/create-otp``: one number, validity 3..6 minutes, optional SIM-change ``trustDate``."""
    nr = v.number(params.get("number") if v.present(params, "number") else None)
    content = _content(params)
    encoding = _encoding(params)
    trust = v.get_str(params, "trustDate")
    if trust is not None:
        v.parse_local(trust.strip(), "trustDate", shape=v.TRUST_DATE_SHAPE, fmt=v.TRUST_DATE_FORMAT)
    with state.lock:
        now = state.clock.now()
        sender = _sender(state, params)
        validity = _validity(params, OTP_VALIDITY, OTP_DEFAULT_VALIDITY)
        push_url = _push_url(params)
        commercial = v.get_bool(params, "commercial")
        custom_id = _custom_id(state, params)
        package = _store(
            state,
            now=now,
            numbers=array("q", [nr]),
            messages=None,
            content=content,
            encoding=encoding,
            sms_type=0,
            sending_type=0,
            title="OTP",
            sender=sender,
            validity=validity,
            send_at=None,
            periodic=None,
            push_url=push_url,
            commercial=commercial,
            custom_id=custom_id,
        )
    return {"pkgID": package.id}


def create_kvkk(state: NodeState, params: v.Params) -> dict[str, Any]:
    """``/sms/create-kvkk``: the consent link replaces SHORT_LINK; FIRST_NAME/LAST_NAME are filled in."""
    target = v.get_object(params, "number")
    if target is None:
        raise bad_request("number {nr, cfs} is required")
    nr = v.number(target.get("nr"), "number.nr")
    cfs = target.get("cfs")
    if not isinstance(cfs, dict):
        raise bad_request("number.cfs with FIRST_NAME and LAST_NAME is required")
    names = {}
    for key in ("FIRST_NAME", "LAST_NAME"):
        value = cfs.get(key)
        if not isinstance(value, str) or not value.strip():
            raise bad_request(f"number.cfs.{key} is required")
        names[key] = value.strip()
    content = _content(params)
    assert content is not None
    if "SHORT_LINK" not in content:
        raise bad_request("content must contain the SHORT_LINK tag")
    encoding = _encoding(params)
    with state.lock:
        now = state.clock.now()
        sender = _sender(state, params)
        validity = _validity(params, KVKK_VALIDITY, DEFAULT_VALIDITY)
        push_url = _push_url(params)
        text = content.replace("FIRST_NAME", names["FIRST_NAME"]).replace("LAST_NAME", names["LAST_NAME"])
        text = text.replace("SHORT_LINK", KVKK_LINK.format(token=state.new_uuid()[:8]))
        package = _store(
            state,
            now=now,
            numbers=array("q", [nr]),
            messages=[text],
            content=content,
            encoding=encoding,
            sms_type=1,
            sending_type=0,
            title="KVKK",
            sender=sender,
            validity=validity,
            send_at=None,
            periodic=None,
            push_url=push_url,
            commercial=None,
            custom_id=None,
            text_field="content (with number.cfs filled in)",
        )
    return {"pkgID": package.id}


def _paged(rows: list[Any], params: v.Params) -> tuple[int, list[Any]]:
    index, size = v.page(params)
    return len(rows), rows[index * size : (index + 1) * size]


def list_packages(state: NodeState, params: v.Params) -> dict[str, Any]:
    ids = v.get_list(params, "ids")
    custom_ids = v.get_list(params, "customIDs")
    if len(ids) > MAX_LIST_IDS or len(custom_ids) > MAX_LIST_IDS:
        raise NodeError("SMS43", f"at most {MAX_LIST_IDS} ids/customIDs")
    wanted_ids = {v.get_int({"ids[]": i}, "ids[]") for i in ids}
    wanted_custom = {str(c) for c in custom_ids}
    keyword = v.get_str(params, "keyword")
    sender = v.get_str(params, "sender")
    status = v.get_int(params, "status", allowed=REPORT_FILTERS, default=0)
    start, finish = v.date_range(params)
    with state.lock:
        now = state.clock.now()
        if wanted_ids or wanted_custom:
            candidates = [state.packages[i] for i in wanted_ids if i in state.packages]
            candidates += [
                state.packages[state.by_custom_id[c]] for c in wanted_custom if c in state.by_custom_id
            ]
            candidates = list({p.id: p for p in candidates}.values())
        else:
            candidates = list(state.packages.values())
        rows = []
        for package in sorted(candidates, key=lambda p: p.id, reverse=True):
            if keyword and keyword.lower() not in f"{package.content or ''} {package.title}".lower():
                continue
            if sender and package.sender != sender:
                continue
            if start is not None and package.start < start:
                continue
            if finish is not None and package.start > finish:
                continue
            if status and status not in package.report_filter(now):
                continue
            rows.append(package)
        total, shown = _paged(rows, params)
        return {"stats": {"totalRecord": total}, "list": [p.to_json(now, v.iso_local) for p in shown]}


def _find(state: NodeState, params: v.Params, id_name: str) -> Package:
    pkg_id = v.get_int(params, id_name)
    uuid = v.get_str(params, "uuid")
    custom_id = v.get_str(params, "customID")
    if pkg_id is None and uuid is None and custom_id is None:
        raise bad_request(f"one of {id_name}, uuid, customID is required")
    package = state.package(pkg_id=pkg_id, uuid=uuid, custom_id=custom_id)
    if package is None:
        raise NodeError("SMS06", "no such package")
    return package


def _item(package: Package, index: int, now: dt.datetime, texts: list[str] | None) -> dict[str, Any]:
    begin = package.start + package.slice_offset(index)
    item_state = package.item_state(index, now)
    return {
        "id": str(package.first_item_id + index),
        "msg": texts[index] if texts is not None else None,
        "error": None,
        "credit": package.item_parts_of(index),
        "state": item_state,
        "sender": package.sender,
        "target": str(package.numbers[index]),
        "setState": package.state(now),
        "sendingDate": v.iso_local(begin),
        "deliveryDate": v.iso_local(package.item_delivery_date(index, now)),
        "processingDate": v.iso_local(begin + dt.timedelta(seconds=1.25), micro=True)
        if item_state not in (0, -2)
        else None,
    }


def list_items(state: NodeState, params: v.Params) -> dict[str, Any]:
    target = v.get_str(params, "target")
    operator = v.get_int(params, "operator", allowed=range(0, 4))
    item_state = v.get_int(params, "state", allowed=range(-2, 6))
    index, size = v.page(params)
    with state.lock:
        now = state.clock.now()
        package = _find(state, params, "pkgID")
        numbers = package.numbers
        if target is None and operator is None and item_state is None:
            indexes: range | list[int] = range(len(numbers))
        else:
            indexes = [
                i
                for i, nr in enumerate(numbers)
                if (target is None or target in str(nr))
                and (operator is None or operator_of(nr) == operator)
                and (item_state is None or package.item_state(i, now) == item_state)
            ]
        shown = indexes[index * size : (index + 1) * size]
        texts = package.texts() if shown else None
        return {
            "stats": {"totalRecord": len(indexes)},
            "list": [_item(package, i, now, texts) for i in shown],
        }


def list_senders(state: NodeState, params: v.Params) -> dict[str, Any]:
    keyword = v.get_str(params, "keyword")
    status = v.get_int(params, "status", allowed=range(0, 4))
    with state.lock:
        rows = [
            dict(s)
            for s in state.senders
            if (keyword is None or keyword.lower() in str(s["title"]).lower())
            and (status is None or s["status"] == status)
        ]
    total, shown = _paged(rows, params)
    return {"stats": {"totalRecord": total}, "list": shown}


def cancel(state: NodeState, params: v.Params) -> dict[str, Any]:
    """Only a scheduled package or one not yet started (saving/waiting) can be cancelled (else SMS07)."""
    with state.lock:
        now = state.clock.now()
        package = _find(state, params, "id")
        if package.state(now) not in (0, 1):
            raise NodeError("SMS07", "the package can no longer be cancelled")
        package.cancelled = now
        state.credit += package.total_parts
    return {"status": 1}


def recreate(state: NodeState, params: v.Params) -> dict[str, Any]:
    """A package that failed entirely (-3/-2/-1) or completed (6) again, as a new package."""
    title = v.get_str(params, "title", required=True, max_length=255)
    include_new = v.get_bool(params, "includeNewNumbers", required=True)
    del include_new  # the sandbox's packages are not tied to contact groups: nothing new to include
    if not v.present(params, "id") and not v.present(params, "uuid"):
        raise bad_request("one of id, uuid is required")
    with state.lock:
        now = state.clock.now()
        package = _find(state, {k: params.get(k) for k in ("id", "uuid")}, "id")
        if package.state(now) not in (6, -1, -2, -3):
            raise NodeError("SMS07", "only a failed or completed package can be recreated")
        messages = package.texts()
        new = _store(
            state,
            now=now,
            numbers=array("q", package.numbers),
            messages=messages,
            content=package.content,
            encoding=package.encoding,
            sms_type=package.sms_type,
            sending_type=package.sending_type,
            title=title,
            sender=package.sender,
            validity=package.validity,
            send_at=None,
            periodic=None,
            push_url=package.push_url,
            commercial=package.commercial,
            custom_id=None,
        )
    return {"pkgID": new.id}


def summary(state: NodeState, params: v.Params) -> dict[str, Any]:
    start, finish = v.date_range(params)
    out = {"total": 0, "delivered": 0, "undelivered": 0, "pending": 0, "rCount": 0, "credit": 0}
    with state.lock:
        now = state.clock.now()
        for package in state.packages.values():
            if package.cancelled is not None:
                continue
            if (start is not None and package.start < start) or (
                finish is not None and package.start > finish
            ):
                continue
            stats = package.statistics(now)
            out["total"] += stats["total"]
            out["delivered"] += stats["delivered"]
            out["undelivered"] += stats["undelivered"]
            out["rCount"] += stats["rCount"]
            out["credit"] += stats["credit"]
            if package.state(now) >= 4:
                out["pending"] += stats["rCount"] - stats["delivered"] - stats["undelivered"]
    return out


def inquiry_number(state: NodeState, params: v.Params) -> dict[str, Any]:
    """Items sent to one number across packages; the last month by default, at most 3 months (SMS31)."""
    gsm_text = v.get_str(params, "gsm", required=True)
    gsm = v.number(gsm_text, "gsm")
    sender = v.get_str(params, "sender")
    start, finish = v.date_range(params)
    with state.lock:
        now = state.clock.now()
        finish = finish or (now if start is None else start + INQUIRY_DEFAULT_RANGE)
        start = start or finish - INQUIRY_DEFAULT_RANGE
        if finish - start > INQUIRY_MAX_RANGE:
            raise NodeError("SMS31", "the date range is longer than 3 months")
        rows = []
        for package in sorted(state.packages.values(), key=lambda p: p.id, reverse=True):
            if not start <= package.created <= finish or (sender and package.sender != sender):
                continue
            if gsm not in package.numbers:
                continue
            texts = package.texts()
            i = -1
            while True:
                try:
                    i = package.numbers.index(gsm, i + 1)
                except ValueError:
                    break
                rows.append(
                    {
                        "userUUID": state.user_uuid,
                        "username": USERNAME_SHOWN,
                        "sender": package.sender,
                        "encoding": package.encoding,
                        "validity": package.validity,
                        "sendingDate": v.iso_local(package.start + package.slice_offset(i)),
                        "pkgID": package.id,
                        "pkgType": package.sms_type,
                        "state": package.item_state(i, now),
                        "msg": texts[i] if texts is not None else package.content,
                        "operator": operator_of(gsm),
                        "deliveryDate": v.iso_local(package.item_delivery_date(i, now)),
                    }
                )
    return {"stats": {"totalRecord": len(rows)}, "list": rows}
