"""The sandbox's İleti Merkezi account: orders on the sandbox clock, balance, black list, senders.

Everything time-dependent is derived from ``clock.now()`` when asked, so speeding the clock up or
advancing it moves every order at once, with no background task:

- an order is 113 (in progress) from acceptance; its messages are 110 until ``send_at + DELIVERY_DELAY``,
  then 111 (delivered) or 112 (failed) by ``sandbox/outcomes.py``; a number that "times out" stays 110
  until ``send_at + EXPIRY_DELAY`` and then fails;
- the order is 114 when every message is final and at least one was delivered, 115 when nothing was
  delivered, or when it was cancelled before its send time; a cancelled order's messages were never made:
  its report lists none and counts none as delivered, failed or waiting (``CANCELLED_ORDER_LISTS_MESSAGES``);
- credits are taken at acceptance (SMS parts x numbers) and given back for failed messages and cancelled
  orders, as the service does not charge undelivered SMS.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from airflow_provider_ileti.core.segments import count_segments
from airflow_provider_ileti.sandbox.outcomes import Outcome, outcome_for
from airflow_provider_ileti.sandbox.services.state_base import StateBase

DELIVERY_DELAY = dt.timedelta(seconds=20)
EXPIRY_DELAY = dt.timedelta(seconds=300)
DUPLICATE_WINDOW = dt.timedelta(minutes=10)
INITIAL_CREDITS = 100_000
#: TL per SMS credit, for ``balance.amount`` and the report's ``price``.
PRICE_PER_SMS = 0.02
APPROVED_SENDERS = ("APITEST", "SANDBOX", "AIRFLOW", "ILETI TEST")
FIRST_ORDER_ID = 323223
#: The document has one order code for "not sent" and "cancelled" (115) and says nothing of a cancelled
#: order's messages. Choice: they were never made, so the report lists none (not 110 "being sent" forever,
#: nor 112 "failed", which would make a cancelled order read as a failed one) and ``total`` keeps the size.
CANCELLED_ORDER_LISTS_MESSAGES = False


@dataclasses.dataclass
class Line:
    number: str  # 5xxxxxxxxx
    parts: int
    outcome: Outcome


@dataclasses.dataclass
class SandboxOrder:
    id: int
    sender: str
    submit_at: dt.datetime
    send_at: dt.datetime
    scheduled: bool
    iys: int
    iys_list: str | None
    texts: list[str]
    lines: list[Line]
    #: How many of ``lines`` belong to each of ``texts``, in order.
    line_counts: list[int]
    cancelled_at: dt.datetime | None = None
    #: What the order costs once every message is final (it no longer changes): computed once.
    final_charge: int | None = None

    def listed_lines(self) -> list[Line]:
        """The messages the report lists (none of a cancelled order, ``CANCELLED_ORDER_LISTS_MESSAGES``)."""
        if self.cancelled_at is not None and not CANCELLED_ORDER_LISTS_MESSAGES:
            return []
        return self.lines

    def groups(self) -> list[tuple[str, list[Line]]]:
        out: list[tuple[str, list[Line]]] = []
        offset = 0
        for text, count in zip(self.texts, self.line_counts, strict=True):
            out.append((text, self.lines[offset : offset + count]))
            offset += count
        return out

    def line_status(self, line: Line, now: dt.datetime) -> int:
        if self.cancelled_at is not None or now < self.send_at + DELIVERY_DELAY:
            return 110
        if line.outcome is Outcome.DELIVERED:
            return 111
        if line.outcome is Outcome.UNDELIVERED:
            return 112
        return 112 if now >= self.send_at + EXPIRY_DELAY else 110

    def counts(self, now: dt.datetime) -> dict[str, int]:
        statuses = [self.line_status(line, now) for line in self.lines]
        delivered = statuses.count(111)
        undelivered = statuses.count(112)
        if self.cancelled_at is not None:
            return {"total": len(statuses), "delivered": 0, "undelivered": 0, "waiting": 0}
        return {
            "total": len(statuses),
            "delivered": delivered,
            "undelivered": undelivered,
            "waiting": len(statuses) - delivered - undelivered,
        }

    def status(self, now: dt.datetime) -> int:
        if self.cancelled_at is not None:
            return 115
        counts = self.counts(now)
        if counts["waiting"]:
            return 113
        return 114 if counts["delivered"] else 115

    def charged(self, now: dt.datetime) -> int:
        """Credits this order costs at ``now``: failed messages and cancelled orders are refunded."""
        if self.cancelled_at is not None:
            return 0
        if self.final_charge is not None:
            return self.final_charge
        charge = sum(line.parts for line in self.lines if self.line_status(line, now) != 112)
        if now >= self.send_at + EXPIRY_DELAY:  # every message final: the charge stays as it is
            self.final_charge = charge
        return charge


class IletiMerkeziState(StateBase):
    def _clear(self) -> None:
        self.orders: dict[int, SandboxOrder] = {}
        self.next_id = FIRST_ORDER_ID
        self.blacklist: dict[str, dt.datetime] = {}
        self.senders: list[str] = list(APPROVED_SENDERS)
        self.initial_credits = INITIAL_CREDITS
        #: (text, numbers) -> (order id, submit time) of the latest order sending it, for code 451.
        self.recent_sends: dict[tuple[str, frozenset[str]], tuple[int, dt.datetime]] = {}
        #: Answer with ``order.total`` and the lists' ``count`` left empty, as answers leave other
        #: counts empty (the gem's sample report has ``undelivered: nil``): clients must still page.
        self.omit_totals = False

    # -- balance ------------------------------------------------------------------------------------
    def credits(self, now: dt.datetime) -> int:
        return self.initial_credits - sum(order.charged(now) for order in self.orders.values())

    def set_credits(self, credits: int) -> None:
        """Make the balance ``credits`` now; orders sent from here on go on charging it."""
        now = self.clock.now()
        with self.lock:
            self.initial_credits = credits + (self.initial_credits - self.credits(now))

    def set_omit_totals(self, omit: bool) -> None:
        with self.lock:
            self.omit_totals = omit

    # -- orders -------------------------------------------------------------------------------------
    def duplicate_of(self, texts_numbers: list[tuple[str, list[str]]], now: dt.datetime) -> int | None:
        """An order of the last 10 minutes with the same text to the same numbers (code 451).

        Looked up by (text, numbers) in an index kept by ``create``, so the check costs the same for the
        thousandth order as for the first (a scan of every order made long runs ever slower).
        """
        for text, numbers in texts_numbers:
            seen = self.recent_sends.get((text, frozenset(numbers)))
            if seen is not None and now - seen[1] < DUPLICATE_WINDOW:
                return seen[0]
        return None

    def create(
        self,
        *,
        sender: str,
        messages: list[tuple[str, list[str]]],
        send_at: dt.datetime | None,
        iys: int,
        iys_list: str | None,
    ) -> SandboxOrder:
        now = self.clock.now()
        lines: list[Line] = []
        counts: list[int] = []
        for text, numbers in messages:
            parts = count_segments(text).parts
            lines.extend(Line(number=n, parts=parts, outcome=outcome_for(n)) for n in numbers)
            counts.append(len(numbers))
        order = SandboxOrder(
            id=self.next_id,
            sender=sender,
            submit_at=now,
            send_at=send_at if send_at is not None and send_at > now else now,
            scheduled=send_at is not None and send_at > now,
            iys=iys,
            iys_list=iys_list,
            texts=[text for text, _ in messages],
            lines=lines,
            line_counts=counts,
        )
        self.orders[order.id] = order
        self.next_id += 1
        by_text: dict[str, set[str]] = {}
        for text, group in order.groups():
            by_text.setdefault(text, set()).update(line.number for line in group)
        for text, sent_to in by_text.items():
            self.recent_sends[(text, frozenset(sent_to))] = (order.id, now)
        return order

    def snapshot(self) -> dict[str, Any]:
        now = self.clock.now()
        with self.lock:
            return {
                "credits": self.credits(now),
                "omit_totals": self.omit_totals,
                "senders": list(self.senders),
                "blacklist": sorted(self.blacklist),
                "orders": [
                    {
                        "id": o.id,
                        "sender": o.sender,
                        "status": o.status(now),
                        "scheduled": o.scheduled,
                        "send_at": o.send_at.isoformat(),
                        "submit_at": o.submit_at.isoformat(),
                        "cancelled": o.cancelled_at is not None,
                        "iys": o.iys,
                        "iys_list": o.iys_list,
                        "texts": len(o.texts),
                        **o.counts(now),
                    }
                    for o in self.orders.values()
                ],
            }
