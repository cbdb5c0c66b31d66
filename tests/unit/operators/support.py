"""Test doubles for the operators: a fake ``SmsClient``, a task-instance-like context, a state store.

``run_task`` calls ``execute()`` with a context built the same way on Airflow 3.3 and 2.11 (a TI-like object
with the ids the operators read, and optionally a ``task_state_store``), and re-runs it with
``try_number + 1`` to play Airflow's retries.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from airflow_provider_ileti.core.errors import AmbiguousSendError, NotChangeableError, TransientError
from airflow_provider_ileti.core.models import Balance, DeliveryPhase, DeliveryStatus, SendBatch, SendReceipt


@dataclasses.dataclass
class FakeTI:
    dag_id: str = "dag"
    task_id: str = "send"
    run_id: str = "manual__2026-01-01T00:00:00+00:00"
    map_index: int = -1
    try_number: int = 1
    stats_tags: dict[str, str] = dataclasses.field(default_factory=dict)
    xcoms: dict[str, Any] = dataclasses.field(default_factory=dict)
    max_tries: int = 0

    def get_first_reschedule_date(self, context: Any) -> Any:  # Airflow 3 sensors in reschedule mode
        return None

    def xcom_push(self, key: str, value: Any, **_: Any) -> None:
        self.xcoms[key] = value

    def xcom_pull(self, task_ids: Any = None, key: str = "return_value", **_: Any) -> Any:
        return self.xcoms.get(key)


class FakeStateStore:
    """Airflow 3.3's ``task_state_store``: values kept across the tries of a task instance."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.writes = 0

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self.writes += 1
        self.data[key] = value

    def delete(self, key: str) -> None:
        self.data.pop(key, None)


def make_context(ti: FakeTI | None = None, store: FakeStateStore | None = None) -> dict[str, Any]:
    ti = ti or FakeTI()
    context: dict[str, Any] = {"ti": ti, "task_instance": ti, "run_id": ti.run_id}
    if store is not None:
        context["task_state_store"] = store
    return context


def run_with_retries(
    operator: Any, *, tries: int, store: FakeStateStore | None = None, ti: FakeTI | None = None
):
    """Run ``operator.execute`` like Airflow would with ``retries=tries-1``: returns (result, errors)."""
    ti = ti or FakeTI(task_id=operator.task_id)
    errors: list[BaseException] = []
    for attempt in range(1, tries + 1):
        ti.try_number = attempt
        try:
            return operator.execute(make_context(ti, store)), errors
        except Exception as exc:  # Airflow would retry (or not, for AirflowFailException)
            errors.append(exc)
            from airflow.providers.common.compat.sdk import AirflowFailException

            if isinstance(exc, AirflowFailException):
                break
    return None, errors


class FakeSmsClient:
    """An in-memory service. ``fail_on`` maps a send call number (1-based) to a fault:

    - ``"transient"``: nothing committed, a TransientError (surely not sent);
    - ``"drop_after_commit"``: the package is committed, then the answer is lost (TransientError for
      idempotent services, AmbiguousSendError for the others, as the real clients do).
    """

    def __init__(
        self,
        *,
        service: str = "fake",
        max_recipients_per_send: int = 1000,
        max_status_batch: int = 1000,
        supports_idempotency: bool = True,
        fail_on: Mapping[int, str] | None = None,
    ) -> None:
        self.service = service
        self.max_recipients_per_send = max_recipients_per_send
        self.max_status_batch = max_status_batch
        self.supports_idempotency = supports_idempotency
        self.fail_on = dict(fail_on or {})
        self.packages: dict[str, SendBatch] = {}
        self.by_key: dict[str, str] = {}
        self.phases: dict[str, DeliveryPhase] = {}
        self.calls: list[tuple[str, Any]] = []
        self.cancelled: list[str] = []
        self.balance = Balance(credits=100.0)
        self._ids = itertools.count(1000)
        self.closed = 0

    @property
    def requests(self) -> int:
        return len(self.calls)

    def send(self, batch: SendBatch) -> SendReceipt:
        self.calls.append(("send", batch.idempotency_key))
        fault = self.fail_on.pop(len([c for c in self.calls if c[0] == "send"]), None)
        if fault == "transient":
            raise TransientError("503 before acceptance", service=self.service)
        if self.supports_idempotency and batch.idempotency_key in self.by_key:
            ref = self.by_key[batch.idempotency_key]
            return SendReceipt(self.service, ref, batch.recipient_count, batch.idempotency_key, replayed=True)
        ref = str(next(self._ids))
        self.packages[ref] = batch
        self.phases[ref] = DeliveryPhase.SCHEDULED if batch.send_at else DeliveryPhase.PENDING
        if batch.idempotency_key:
            self.by_key[batch.idempotency_key] = ref
        if fault == "drop_after_commit":
            if self.supports_idempotency:
                raise TransientError("connection dropped", service=self.service)
            raise AmbiguousSendError("connection dropped after the request went out", service=self.service)
        return SendReceipt(self.service, ref, batch.recipient_count, batch.idempotency_key)

    def find_sent(self, idempotency_keys: Sequence[str]) -> dict[str, SendReceipt]:
        self.calls.append(("find_sent", list(idempotency_keys)))
        if not self.supports_idempotency:
            return {}
        return {
            k: SendReceipt(
                self.service, self.by_key[k], self.packages[self.by_key[k]].recipient_count, k, True
            )
            for k in idempotency_keys
            if k in self.by_key
        }

    def get_statuses(self, references: Sequence[str]) -> list[DeliveryStatus]:
        self.calls.append(("get_statuses", list(references)))
        out = []
        for ref in references:
            phase = self.phases[ref]
            total = self.packages[ref].recipient_count
            done = phase is DeliveryPhase.COMPLETE
            out.append(
                DeliveryStatus(
                    reference=ref,
                    phase=phase,
                    total=total,
                    delivered=total - 1 if done and total > 1 else (total if done else 0),
                    undelivered=1 if done and total > 1 else 0,
                    pending=0 if phase.final else total,
                )
            )
        return out

    def cancel(self, reference: str) -> None:
        self.calls.append(("cancel", reference))
        if self.phases.get(reference) is not DeliveryPhase.SCHEDULED:
            raise NotChangeableError(f"package {reference} is going out", service=self.service)
        self.phases[reference] = DeliveryPhase.CANCELLED
        self.cancelled.append(reference)

    def get_balance(self) -> Balance:
        self.calls.append(("get_balance", None))
        return self.balance

    def list_senders(self) -> list[str]:
        return ["ILETI"]

    def close(self) -> None:
        self.closed += 1

    def complete_all(self) -> None:
        for ref in self.phases:
            if not self.phases[ref].final:
                self.phases[ref] = DeliveryPhase.COMPLETE


class FakeAsyncClient:
    """The trigger's client over a ``FakeSmsClient``; ``advance`` is called after each poll."""

    def __init__(self, sync: FakeSmsClient, advance: Any = None) -> None:
        self.sync = sync
        self.service = sync.service
        self.max_status_batch = sync.max_status_batch
        self.advance = advance
        self.requests = 0
        self.closed = False

    async def get_statuses(self, references: Sequence[str]) -> list[DeliveryStatus]:
        self.requests += 1
        statuses = self.sync.get_statuses(references)
        if self.advance:
            self.advance(self)
        return statuses

    async def aclose(self) -> None:
        self.closed = True


class FakeHook:
    def __init__(self, client: FakeSmsClient) -> None:
        self.client = client
        self.created = 0

    def get_client(self) -> FakeSmsClient:
        return self.client

    def close(self) -> None:
        pass


NUMBERS = [f"0555 555 {i // 100:02d} {i % 100:02d}" for i in range(2000)]
