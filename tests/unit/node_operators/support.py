"""A fake ``NodeClient`` for the Node-only operators' unit tests: records every call, answers like the API.

``calls`` lists ``(method, kwargs)`` in order; an empty list after a failed ``execute`` proves that a bad
argument made no request.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from airflow_provider_ileti.core.errors import DuplicateError, IletiError, NotChangeableError, TransientError


@dataclasses.dataclass
class FakePackage:
    id: int
    custom_id: str | None
    kind: str
    args: dict[str, Any]


@dataclasses.dataclass
class FakeGroup:
    uuid: str
    title: str
    contact_count: int = 0


@dataclasses.dataclass
class FakeBlacklistResult:
    invalids: list[str]


@dataclasses.dataclass
class FakeSummary:
    total: int = 10
    delivered: int = 8
    undelivered: int = 1
    pending: int = 1
    r_count: int = 10
    credit: float = 10.0


@dataclasses.dataclass
class FakeInquiryRecord:
    pkg_id: int
    sender: str
    msg: str
    state: int


class FakeNodeClient:
    service = "node"
    max_recipients_per_send = 1000

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.packages: dict[int, FakePackage] = {}
        self.groups: dict[str, FakeGroup] = {}
        self._ids = itertools.count(5000)
        self._uuids = itertools.count(1)
        #: Per method name: what the next calls raise (None: that call succeeds), then they succeed.
        self.faults: dict[str, list[BaseException | None]] = {}
        #: ``drop_after_commit`` for creations: commit, then raise TransientError (answer lost).
        self.drop_after_commit: set[str] = set()
        self.imported: list[tuple[list[list[str]], list[str], dict[str, Any]]] = []
        self.invalid_numbers: set[str] = set()
        self.not_changeable: set[Any] = set()
        self.closed = 0

    def _call(self, name: str, **kwargs: Any) -> None:
        self.calls.append((name, kwargs))
        pending = self.faults.get(name)
        if pending:
            fault = pending.pop(0)  # None: this call succeeds
            if fault is not None:
                raise fault

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def _create(self, kind: str, custom_id: str | None, args: dict[str, Any]) -> int:
        if custom_id is not None and any(p.custom_id == custom_id for p in self.packages.values()):
            raise DuplicateError("a package with this customID exists", service="node", code="SMS42")
        pkg = FakePackage(next(self._ids), custom_id, kind, args)
        self.packages[pkg.id] = pkg
        if kind in self.drop_after_commit:
            self.drop_after_commit.discard(kind)
            raise TransientError("connection dropped after commit", service="node")
        return pkg.id

    # -- packages -----------------------------------------------------------------------------------
    def create_otp(self, number: str, content: str, **kwargs: Any) -> int:
        self._call("create_otp", number=number, content=content, **kwargs)
        return self._create("otp", kwargs.get("custom_id"), {"number": number, "content": content, **kwargs})

    def create_sms(self, **kwargs: Any) -> int:
        self._call("create_sms", **kwargs)
        return self._create("sms", kwargs.get("custom_id"), kwargs)

    def create_kvkk(self, number: str, first_name: str, last_name: str, content: str, **kwargs: Any) -> int:
        self._call("create_kvkk", number=number, first_name=first_name, last_name=last_name, **kwargs)
        return self._create("kvkk", None, {"number": number, "content": content})

    def get_packages(self, *, ids: Sequence[int] = (), custom_ids: Sequence[str] = ()) -> list[FakePackage]:
        self._call("get_packages", ids=list(ids), custom_ids=list(custom_ids))
        return [p for p in self.packages.values() if p.id in ids or p.custom_id in custom_ids]

    def cancel_package(self, **kwargs: Any) -> None:
        self._call("cancel_package", **kwargs)
        if any(v in self.not_changeable for v in kwargs.values()):
            raise NotChangeableError("package going out", service="node", code="SMS07")

    def recreate_package(self, **kwargs: Any) -> int:
        self._call("recreate_package", **kwargs)
        return self._create("recreate", None, kwargs)

    # -- contacts -----------------------------------------------------------------------------------
    def import_contacts(self, rows: Iterable[Sequence[str]], columns: Sequence[str], **kwargs: Any) -> None:
        materialised = [list(r) for r in rows]
        self._call("import_contacts", rows=len(materialised), columns=list(columns), **kwargs)
        self.imported.append((materialised, list(columns), kwargs))

    def set_blacklist(self, status: bool, **kwargs: Any) -> FakeBlacklistResult:
        self._call("set_blacklist", status=status, **kwargs)
        return FakeBlacklistResult([g for g in kwargs.get("gsms", ()) if g in self.invalid_numbers])

    def create_group(self, title: str, **kwargs: Any) -> FakeGroup:
        self._call("create_group", title=title, **kwargs)
        if any(g.title == title for g in self.groups.values()):
            raise DuplicateError("group exists", service="node", code="SMS09")
        group = FakeGroup(f"g-{next(self._uuids)}", title, len(kwargs.get("gsms") or ()))
        self.groups[group.uuid] = group
        return group

    def update_group(self, uuid: str, title: str, **fields: Any) -> None:
        self._call("update_group", uuid=uuid, title=title, **fields)
        self.groups[uuid].title = title

    def delete_group(self, **kwargs: Any) -> None:
        self._call("delete_group", **kwargs)
        for uuid in [kwargs.get("uuid")] + list(kwargs.get("uuids") or ()):
            if uuid is not None:
                if uuid not in self.groups:
                    from airflow_provider_ileti.core.errors import NotFoundError

                    raise NotFoundError("no such group", service="node", code="SMS00")
                del self.groups[uuid]

    def list_groups(self, **filters: Any) -> Iterator[FakeGroup]:
        self._call("list_groups", **filters)
        keyword = filters.get("keyword")
        return iter([g for g in self.groups.values() if not keyword or keyword in g.title])

    # -- reports ------------------------------------------------------------------------------------
    def summary(self, **kwargs: Any) -> FakeSummary:
        self._call("summary", **kwargs)
        return FakeSummary()

    def inquiry_number(self, gsm: str, **kwargs: Any) -> Iterator[FakeInquiryRecord]:
        self._call("inquiry_number", gsm=gsm, **kwargs)
        return iter([FakeInquiryRecord(1, "ILETI", "secret text", 3), FakeInquiryRecord(2, "ILETI", "x", 4)])

    def close(self) -> None:
        self.closed += 1


class FakeNodeHook:
    timezone = "Europe/Istanbul"

    def __init__(self, client: FakeNodeClient) -> None:
        self.client = client
        self.conn_ids: list[str] = []

    def get_client(self) -> FakeNodeClient:
        return self.client

    def close(self) -> None:
        self.client.close()


def pending(times: int) -> list[BaseException]:
    """``times`` SMS13 answers (an import still pending)."""
    return [IletiError("an import is pending", service="node", code="SMS13") for _ in range(times)]
