"""SMS packages and their items, with every state derived from the clock when asked (no timers).

Timeline of a package, in virtual seconds (``start`` = its sending date if scheduled, else creation + 2 s):

- ``0`` saving for ``SAVING`` after creation, then ``1`` waiting until ``start`` (a scheduled package waits
  here until its time);
- ``2`` queueing for ``QUEUEING``, ``3`` sending for ``SENDING``: items ``0`` waiting -> ``1`` sending
  -> ``2`` sent;
- ``4`` sent: no report yet, for ``REPORT_DELAY`` after the items went out;
- item *i*'s report arrives ``REPORT_DELAY + i % REPORT_SPREAD`` s after sending: last digit 9 -> ``4`` not
  delivered, 8 -> no report, ``5`` timed out at ``validity + TIMEOUT_GRACE`` (the final check 60 min after
  validity), else ``3`` delivered (``sandbox/outcomes.py``);
- the package is ``5`` partly reported while some items are final, ``6`` complete when all are.

A periodic ``periodType 0`` package (``interval`` minutes, ``amount`` per interval) sends its items in slices:
item *i* starts ``(i // amount) * interval`` minutes after ``start``.

Items are stored compactly (numbers in an ``array('q')``, per-item texts compressed into one blob) and the
statistics come from counts made at creation, so a million recipients stay cheap.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zlib
from array import array
from typing import Any

from airflow_provider_ileti.sandbox.outcomes import Outcome, outcome_for

SAVING = dt.timedelta(seconds=1)
UNSCHEDULED_START = dt.timedelta(seconds=2)
QUEUEING = dt.timedelta(seconds=1)
SENDING = dt.timedelta(seconds=2)
REPORT_DELAY = dt.timedelta(seconds=2)
REPORT_SPREAD = 4
TIMEOUT_GRACE = dt.timedelta(minutes=60)
MESSAGE_SEPARATOR = "\x1e"

#: item outcome index: 0 delivered, 1 not delivered, 2 timed out
_OUTCOME_INDEX = {Outcome.DELIVERED: 0, Outcome.UNDELIVERED: 1, Outcome.EXPIRED: 2}
_FINAL_ITEM_STATE = (3, 4, 5)


def operator_of(number: int) -> int:
    """A deterministic operator (0 Turkcell, 1 Vodafone, 2 TurkTelekom, 3 Netgsm) from a Turkish prefix."""
    text = str(number)
    national = text[2:] if text.startswith("90") else text
    return {"53": 0, "54": 1, "55": 2, "50": 2, "51": 3}.get(national[:2], 3)


@dataclasses.dataclass
class Package:
    id: int
    uuid: str
    custom_id: str | None
    sms_type: int
    sending_type: int
    title: str
    content: str | None
    sender: str
    encoding: int
    validity: int  # minutes
    created: dt.datetime
    start: dt.datetime
    scheduled: bool
    periodic: dict[str, int] | None
    push_url: str | None
    commercial: bool | None
    first_item_id: int
    numbers: array[int]  # array('q')
    #: per-item texts (N-N and KVKK) joined with MESSAGE_SEPARATOR, UTF-8, zlib-compressed; else None
    messages: bytes | None
    #: parts of each item when they differ (N-N), else every item costs ``parts``
    item_parts: array[int] | None
    parts: int
    #: [outcome][i % REPORT_SPREAD] -> (items, parts), counted at creation
    buckets: list[list[list[int]]]
    total_parts: int
    cancelled: dt.datetime | None = None
    state_override: int | None = None  # -3/-2/-1: failed packages set by the admin/tests

    # -- construction ----------------------------------------------------------------------------
    @staticmethod
    def count(
        numbers: array[int], parts: int, item_parts: array[int] | None
    ) -> tuple[list[list[list[int]]], int]:
        buckets = [[[0, 0] for _ in range(REPORT_SPREAD)] for _ in range(3)]
        total = 0
        for i, nr in enumerate(numbers):
            p = item_parts[i] if item_parts is not None else parts
            cell = buckets[_OUTCOME_INDEX[outcome_for(str(nr))]][i % REPORT_SPREAD]
            cell[0] += 1
            cell[1] += p
            total += p
        return buckets, total

    # -- timing ----------------------------------------------------------------------------------
    def slice_offset(self, index: int) -> dt.timedelta:
        if self.periodic and self.periodic.get("periodType") == 0:
            amount = self.periodic.get("amount") or 1000
            interval = self.periodic.get("interval") or 1
            return dt.timedelta(minutes=(index // amount) * interval)
        return dt.timedelta(0)

    def sent_at(self, index: int) -> dt.datetime:
        return self.start + self.slice_offset(index) + QUEUEING + SENDING

    def report_at(self, index: int) -> dt.datetime:
        return self.sent_at(index) + REPORT_DELAY + dt.timedelta(seconds=index % REPORT_SPREAD)

    def timeout_at(self, index: int) -> dt.datetime:
        return self.sent_at(index) + dt.timedelta(minutes=self.validity) + TIMEOUT_GRACE

    def last_start(self) -> dt.datetime:
        return self.start + self.slice_offset(max(len(self.numbers) - 1, 0))

    # -- states ----------------------------------------------------------------------------------
    def state(self, now: dt.datetime) -> int:
        if self.cancelled is not None:
            return -4
        if self.state_override is not None:
            return self.state_override
        if now < self.created + SAVING:
            return 0
        if now < self.start:
            return 1
        if now < self.start + QUEUEING:
            return 2
        if now < self.last_start() + QUEUEING + SENDING:
            return 3
        stats = self.statistics(now)
        final = stats["delivered"] + stats["undelivered"]
        if final >= stats["rCount"]:
            return 6
        return 5 if final else 4

    def started(self, now: dt.datetime) -> bool:
        return now >= self.start

    def item_state(self, index: int, now: dt.datetime) -> int:
        if self.cancelled is not None:
            return -2
        if self.state_override is not None:
            return -1
        begin = self.start + self.slice_offset(index)
        if now < begin + QUEUEING:
            return 0
        if now < begin + QUEUEING + SENDING:
            return 1
        outcome = outcome_for(str(self.numbers[index]))
        if outcome is Outcome.EXPIRED:
            return 5 if now >= self.timeout_at(index) else 2
        if now < self.report_at(index):
            return 2
        return 3 if outcome is Outcome.DELIVERED else 4

    def item_delivery_date(self, index: int, now: dt.datetime) -> dt.datetime | None:
        return self.report_at(index) if self.item_state(index, now) == 3 else None

    def item_parts_of(self, index: int) -> int:
        return self.item_parts[index] if self.item_parts is not None else self.parts

    @staticmethod
    def pack_messages(messages: list[str]) -> bytes:
        return zlib.compress(MESSAGE_SEPARATOR.join(messages).encode("utf-8"), 1)

    def texts(self) -> list[str] | None:
        """Every item's own text (decompressed once per call: read a page with one call, not per item)."""
        if self.messages is None:
            return None
        return zlib.decompress(self.messages).decode("utf-8").split(MESSAGE_SEPARATOR)

    def statistics(self, now: dt.datetime) -> dict[str, int]:
        """``{total, credit, rCount, delivered, undelivered}``: total and credit in SMS parts."""
        r_count = len(self.numbers)
        delivered = undelivered = 0
        if self.cancelled is None and self.state_override is None and len(self.numbers):
            periodic_slices = bool(self.periodic and self.periodic.get("periodType") == 0)
            if periodic_slices and len(self.numbers) > (self.periodic or {}).get("amount", 1000):
                for i in range(len(self.numbers)):
                    s = self.item_state(i, now)
                    delivered += s == 3
                    undelivered += s in (4, 5)
            else:
                base = self.sent_at(0) + REPORT_DELAY
                for spread in range(REPORT_SPREAD):
                    if now >= base + dt.timedelta(seconds=spread):
                        delivered += self.buckets[0][spread][0]
                        undelivered += self.buckets[1][spread][0]
                if now >= self.sent_at(0) + dt.timedelta(minutes=self.validity) + TIMEOUT_GRACE:
                    undelivered += sum(cell[0] for cell in self.buckets[2])
        return {
            "total": self.total_parts,
            "credit": 0 if self.cancelled is not None else self.total_parts,
            "rCount": r_count,
            "delivered": delivered,
            "undelivered": undelivered,
        }

    def report_filter(self, now: dt.datetime) -> set[int]:
        """Which ``status`` filters of ``/sms/list`` this package matches (see REPORT_FILTERS)."""
        state = self.state(now)
        found = {0}
        if state in (0, 1, 2) and not self.scheduled:
            found.add(1)
        if state in (3, 4, 5):
            found.add(2)
        if self.scheduled and state in (0, 1):
            found.add(3)
        if self.periodic is not None:
            found.add(4)
        if state == 6:
            found.add(5)
        if state == -4:
            found.add(6)
        if state in (-3, -2, -1):
            found.add(7)
        return found

    def to_json(self, now: dt.datetime, iso: Any) -> dict[str, Any]:
        return {
            "id": self.id,
            "customID": self.custom_id,
            "type": self.sms_type,
            "uuid": self.uuid,
            "error": None,
            "state": self.state(now),
            "title": self.title,
            "content": self.content,
            "senders": [self.sender],
            "encoding": self.encoding,
            "validity": self.validity,
            "statistics": self.statistics(now),
            "isScheduled": 1 if self.scheduled else 0,
            "sendingDate": iso(self.start),
        }


#: ``status`` filter of ``/sms/list``: the document's labels in order, numbers lost in the OCR (guess):
#: 0 all, 1 queued, 2 processing, 3 scheduled, 4 periodic, 5 completed, 6 cancelled, 7 failed.
REPORT_FILTERS = range(0, 8)
