"""Reading request parameters the way the Node server does, refusing bad ones with SMS00/SMS31/SMS43.

Parameters arrive as JSON values (POST), strings (GET query, SOAP text) or lists; these helpers accept all
three, so the REST and SOAP front ends share one set of rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from airflow_provider_ileti.sandbox.services.node.codes import NodeError, bad_request

#: The panel's local time, in which every date of a request is written and every date of an answer is shown.
ZONE = ZoneInfo("Europe/Istanbul")
PAGE_SIZE_MIN = 10
PAGE_SIZE_MAX = 1000
#: pageSize when the request gives none (the document gives only the bounds; guess).
DEFAULT_PAGE_SIZE = 10
CUSTOM_ID = re.compile(r"[A-Za-z0-9.-]{1,100}")
#: A number with its country code, digits only (905591234567); 10..15 digits, no leading zero.
NUMBER = re.compile(r"[1-9]\d{9,14}")
DATE_FORMAT = "%Y-%m-%d %H:%M"
DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
TRUST_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
TRUST_DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")

Params = Mapping[str, Any]


def present(params: Params, name: str) -> bool:
    value = params.get(name)
    return value is not None and value != "" and value != []


def get_int(
    params: Params,
    name: str,
    *,
    required: bool = False,
    allowed: range | tuple[int, ...] | None = None,
    default: int | None = None,
) -> int | None:
    if not present(params, name):
        if required:
            raise bad_request(f"{name} is required")
        return default
    value = params[name]
    if isinstance(value, bool):
        raise bad_request(f"{name} must be an integer")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        number = int(value.strip())
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        raise bad_request(f"{name} must be an integer")
    if allowed is not None and number not in allowed:
        raise bad_request(f"{name}={number} is not allowed")
    return number


def get_bool(params: Params, name: str, *, required: bool = False) -> bool | None:
    if not present(params, name):
        if required:
            raise bad_request(f"{name} is required")
        return None
    value = params[name]
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    raise bad_request(f"{name} must be a boolean")


def get_str(
    params: Params, name: str, *, required: bool = False, max_length: int | None = None
) -> str | None:
    if not present(params, name):
        if required:
            raise bad_request(f"{name} is required")
        return None
    value = params[name]
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise bad_request(f"{name} must be a string")
    text = str(value)
    if max_length is not None and len(text) > max_length:
        raise bad_request(f"{name} is longer than {max_length} characters")
    return text


def get_list(params: Params, name: str, *, required: bool = False) -> list[Any]:
    if not present(params, name):
        if required:
            raise bad_request(f"{name} is required")
        return []
    value = params[name]
    if isinstance(value, str):  # GET: ids=1,2,3
        return [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list):
        raise bad_request(f"{name} must be an array")
    return value


def get_object(params: Params, name: str) -> dict[str, Any] | None:
    if not present(params, name):
        return None
    value = params[name]
    if not isinstance(value, dict):
        raise bad_request(f"{name} must be an object")
    return value


def number(value: Any, name: str = "number") -> int:
    """A recipient as the int we store (digits with the country code)."""
    if isinstance(value, bool):
        raise bad_request(f"{name} is not a valid number")
    text = str(value).strip() if isinstance(value, str | int) else ""
    if not NUMBER.fullmatch(text):
        raise bad_request(f"{name} {value!r} is not a valid number (digits with country code)")
    return int(text)


def custom_id(params: Params, name: str = "customID") -> str | None:
    value = get_str(params, name)
    if value is not None and not CUSTOM_ID.fullmatch(value):
        raise bad_request(f"{name} must be 1..100 characters of letters, digits, '-' and '.'")
    return value


def local_date(params: Params, name: str) -> dt.datetime | None:
    """A ``yyyy-MM-dd HH:mm`` date in the panel's time, as aware UTC."""
    text = get_str(params, name)
    if text is None:
        return None
    return parse_local(text.strip(), name)


def parse_local(
    text: str, name: str, *, shape: re.Pattern[str] = DATE_SHAPE, fmt: str = DATE_FORMAT
) -> dt.datetime:
    if not shape.fullmatch(text):
        raise bad_request(f"{name} must be formatted as {fmt.replace('%', '')}")
    try:
        naive = dt.datetime.strptime(text, fmt)
    except ValueError:
        raise bad_request(f"{name} {text!r} is not a date") from None
    return naive.replace(tzinfo=ZONE).astimezone(dt.UTC)


def date_range(params: Params) -> tuple[dt.datetime | None, dt.datetime | None]:
    start = local_date(params, "startDate")
    finish = local_date(params, "finishDate")
    if start is not None and finish is not None and finish < start:
        raise NodeError("SMS31", "finishDate is before startDate")
    return start, finish


def page(params: Params) -> tuple[int, int]:
    index = get_int(params, "pageIndex", default=0)
    size = get_int(params, "pageSize", default=DEFAULT_PAGE_SIZE)
    assert index is not None and size is not None
    if index < 0:
        raise bad_request("pageIndex must be >= 0")
    if not PAGE_SIZE_MIN <= size <= PAGE_SIZE_MAX:
        raise bad_request(f"pageSize must be {PAGE_SIZE_MIN}..{PAGE_SIZE_MAX}")
    return index, size


def iso_local(value: dt.datetime | None, *, micro: bool = False) -> str | None:
    """An answer's date: ISO in the panel's time without a zone (``2021-05-04T01:38:20``)."""
    if value is None:
        return None
    local = value.astimezone(ZONE).replace(tzinfo=None)
    return local.isoformat(timespec="microseconds" if micro else "seconds")
