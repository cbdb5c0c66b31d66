"""The sandbox's Node account: credit, senders, packages, contacts, groups, imports and MO requests.

Everything is in memory and starts again on ``reset()``. Ids and uuids come from a seeded generator, so a
test run sees the same values every time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
import uuid as uuidlib
from typing import Any

from airflow_provider_ileti.sandbox.services.node.packages import Package
from airflow_provider_ileti.sandbox.services.node.validation import ZONE
from airflow_provider_ileti.sandbox.services.state_base import StateBase

INITIAL_CREDIT = 100_000
FIRST_PACKAGE_ID = 222961
FIRST_ITEM_ID = 12345678910
USERNAME_SHOWN = "sandbox"
#: (title, status): 0 pending, 1 approved, 2 rejected, 3 banned. Only approved senders may send.
SENDERS = (
    ("SANDBOX", 1),
    ("AIRFLOW", 1),
    ("ILETI TEST", 1),
    ("BASLIK", 1),
    ("PENDING", 0),
    ("REJECTED", 2),
    ("BANNED", 3),
)
#: How long (virtual) an accepted contact import stays pending before it is applied.
IMPORT_DURATION = dt.timedelta(seconds=5)
#: How long (virtual) a group deletion runs; another one meanwhile gets SMS50.
DELETE_GROUP_DURATION = dt.timedelta(seconds=1)
#: IYS: a new record waits (-1) this long, then is accepted (2).
IYS_SYNC = dt.timedelta(seconds=10)
SNAPSHOT_PACKAGES = 50


@dataclasses.dataclass
class Contact:
    uuid: str
    gsm: str
    first_name: str | None
    last_name: str | None
    details: dict[str, str]
    groups: set[str]
    blacklisted: bool
    iys: dict[str, Any] | None
    created: dt.datetime
    query_call: bool | None = None
    query_email: bool | None = None
    exit_type: int | None = None
    archived: bool = False


@dataclasses.dataclass
class Group:
    uuid: str
    title: str
    parent: str | None


@dataclasses.dataclass
class PendingImport:
    ready_at: dt.datetime
    rows: list[dict[str, str]]
    overwrite: bool
    blacklisted: bool | None
    group_uuids: list[str]


@dataclasses.dataclass
class MoRequest:
    uuid: str
    gsm: int
    msg: str
    state: int
    keyword: str
    short_nr: int
    date: dt.datetime


class NodeState(StateBase):
    #: An ``RLock``, as Node's state always had (``sms.py``, ``contacts.py``, ``account.py`` take it).
    REENTRANT_LOCK = True

    def _clear(self) -> None:
        self.random = random.Random(1853)
        self.user_uuid = self.new_uuid()
        self.credit = INITIAL_CREDIT
        #: (first hour, end hour) in panel time when sends are allowed; None = no restriction (SMS44).
        self.sending_hours: tuple[int, int] | None = None
        #: ``GET /node/soap?wsdl`` serves the loose WSDL (array items ``xsd:anyType``), not the typed one.
        self.loose_wsdl = False
        self.senders = [{"uuid": self.new_uuid(), "status": s, "title": t} for t, s in SENDERS]
        self.packages: dict[int, Package] = {}
        self.by_uuid: dict[str, int] = {}
        self.by_custom_id: dict[str, int] = {}
        self.next_package_id = FIRST_PACKAGE_ID
        self.next_item_id = FIRST_ITEM_ID
        self.contacts: dict[str, Contact] = {}
        self.contact_by_gsm: dict[str, str] = {}
        self.groups: dict[str, Group] = {}
        self.pending_import: PendingImport | None = None
        self.imports_done = 0
        self.delete_group_until: dt.datetime | None = None
        self.mo_requests = self._seed_mo()

    def new_uuid(self) -> str:
        return str(uuidlib.UUID(int=self.random.getrandbits(128), version=4))

    def real_seconds(self, virtual: dt.timedelta) -> int:
        """Whole real seconds (at least 1) until ``virtual`` clock time has passed, for ``Retry-After``."""
        return max(1, math.ceil(virtual.total_seconds() / self.clock.speed))

    def sending_allowed(self, now: dt.datetime) -> bool:
        """False while the system-wide sending-hours restriction (SMS44) keeps sends out."""
        if self.sending_hours is None:
            return True
        start, end = self.sending_hours
        hour = now.astimezone(ZONE).hour
        return start <= hour < end if start <= end else hour >= start or hour < end

    def set_credit(self, credit: int) -> None:
        with self.lock:
            self.credit = credit

    def set_loose_wsdl(self, loose: bool) -> None:
        with self.lock:
            self.loose_wsdl = bool(loose)

    def set_sending_hours(self, hours: tuple[int, int] | None) -> None:
        """Sends only in ``[start, end)`` panel hours (wrapping midnight when start > end); None lifts it."""
        if hours is not None:
            start, end = hours
            for name, hour in (("start", start), ("end", end)):
                if not 0 <= hour <= 23:
                    raise ValueError(f"sending_hours {name}={hour!r}: must be 0..23")
        with self.lock:
            self.sending_hours = None if hours is None else (int(hours[0]), int(hours[1]))

    def _seed_mo(self) -> list[MoRequest]:
        now = self.clock.now()
        rows = (
            (905551110001, "RED mesaj almak istemiyorum", 2, "RED"),
            (905551110002, "IPTAL", 2, "IPTAL"),
            (905551110003, "merhaba", -1, ""),
            (905551110004, "RED", 0, "RED"),
            (905551110005, "STOP kampanya", 1, "STOP"),
        )
        return [
            MoRequest(self.new_uuid(), gsm, msg, state, keyword, 2222, now - dt.timedelta(days=i, hours=1))
            for i, (gsm, msg, state, keyword) in enumerate(rows)
        ]

    def package(
        self, *, pkg_id: int | None = None, uuid: str | None = None, custom_id: str | None = None
    ) -> Package | None:
        if pkg_id is not None:
            return self.packages.get(pkg_id)
        if uuid is not None:
            found = self.by_uuid.get(uuid)
            return self.packages.get(found) if found is not None else None
        if custom_id is not None:
            found = self.by_custom_id.get(custom_id)
            return self.packages.get(found) if found is not None else None
        return None

    def snapshot(self) -> dict[str, Any]:
        now = self.clock.now()
        with self.lock:
            recent = list(self.packages.values())[-SNAPSHOT_PACKAGES:]
            return {
                "credit": self.credit,
                "sending_hours": list(self.sending_hours) if self.sending_hours is not None else None,
                "package_count": len(self.packages),
                "recipient_count": sum(len(p.numbers) for p in self.packages.values()),
                "packages": [
                    {
                        "id": p.id,
                        "uuid": p.uuid,
                        "customID": p.custom_id,
                        "state": p.state(now),
                        "title": p.title,
                        "sender": p.sender,
                        "scheduled": p.scheduled,
                        "statistics": p.statistics(now),
                    }
                    for p in recent
                ],
                "contact_count": sum(1 for c in self.contacts.values() if not c.archived),
                "group_count": len(self.groups),
                "import_pending": self.pending_import is not None and now < self.pending_import.ready_at,
                "imports_done": self.imports_done,
            }
