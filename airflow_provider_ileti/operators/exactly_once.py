"""Sending exactly once across Airflow retries.

Two mechanisms, used together:

1. **A deterministic key per chunk** (``make_custom_id(dag_id, task_id, run_id, map_index, chunk_no)``,
   never the try number), sent as the service's client id (Node ``customID``). On a retry the keys are looked
   up with ``client.find_sent()`` in batches and chunks the service already has are skipped, so a chunk
   whose answer was lost (the connection dropped after the server committed) is recognised, not re-sent.
   Chunks go out strictly in order, so the chunks that exist form a prefix (plus possibly the chunk that was
   in flight): the first key the service does not know ends the lookups.

2. **A progress record** (``{"next_chunk", "references", "recipients"}``) written after every chunk that
   surely went out. It lives in Airflow 3.3's ``task_state_store`` (kept across the tries of one task
   instance); below 3.3 there is no such store, and XCom is cleared when a try starts, so an Airflow
   Variable named after the task instance's key stands in (deleted when the send completes). For services
   without client ids this record is the *only* way a retry knows what went out; a chunk that may have gone
   out (``AmbiguousSendError``) is recorded as ``ambiguous_chunk`` and every later try refuses to continue
   until a person decides (``on_ambiguous="skip"`` or ``"resend"``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from airflow_provider_ileti.core.idempotency import make_custom_id
from airflow_provider_ileti.core.models import SendReceipt

log = logging.getLogger(__name__)

#: Keys looked up per ``find_sent`` request on a retry (Node ``/sms/list`` with ``customIDs``).
LOOKUP_BATCH = 100
#: Prefix of the fallback Variable that carries progress across tries below Airflow 3.3.
PROGRESS_VARIABLE_PREFIX = "ileti_send_progress"
#: The key in ``task_state_store`` (renaming it breaks in-flight retries of deployed DAGs).
PROGRESS_KEY = "ileti_send_progress"


@dataclass(frozen=True)
class TaskIdentity:
    """What a retry of this task instance shares and a new run does not."""

    dag_id: str
    task_id: str
    run_id: str
    map_index: int = -1

    @classmethod
    def from_context(cls, context: Mapping[str, Any]) -> TaskIdentity:
        ti = context["ti"]
        run_id = context.get("run_id") or getattr(ti, "run_id", None)
        map_index = getattr(ti, "map_index", -1)
        return cls(
            dag_id=str(ti.dag_id),
            task_id=str(ti.task_id),
            run_id=str(run_id),
            map_index=-1 if map_index is None else int(map_index),
        )

    def chunk_key(self, chunk_no: int) -> str:
        return make_custom_id(self.dag_id, self.task_id, self.run_id, self.map_index, chunk_no)

    @property
    def label(self) -> str:
        return make_custom_id(self.dag_id, self.task_id, self.run_id, self.map_index, prefix="p")


@dataclass
class Progress:
    """What surely went out so far, in chunk order."""

    next_chunk: int = 0
    references: list[str] = field(default_factory=list)
    recipients: int = 0
    replayed_chunks: int = 0
    ambiguous_chunk: int | None = None
    ambiguous_message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "next_chunk": self.next_chunk,
            "references": list(self.references),
            "recipients": self.recipients,
            "replayed_chunks": self.replayed_chunks,
            "ambiguous_chunk": self.ambiguous_chunk,
            "ambiguous_message": self.ambiguous_message,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Progress:
        if not data:
            return cls()
        return cls(
            next_chunk=int(data.get("next_chunk", 0)),
            references=[str(r) for r in data.get("references", [])],
            recipients=int(data.get("recipients", 0)),
            replayed_chunks=int(data.get("replayed_chunks", 0)),
            ambiguous_chunk=data.get("ambiguous_chunk"),
            ambiguous_message=data.get("ambiguous_message"),
        )


class ProgressStore(Protocol):
    def load(self) -> Progress: ...

    def save(self, progress: Progress) -> None: ...

    def clear(self) -> None: ...


class TaskStateProgressStore:
    """Airflow 3.3+: ``task_state_store`` keeps values across the tries of one task instance."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def load(self) -> Progress:
        value = self._store.get(PROGRESS_KEY)
        if isinstance(value, str):
            value = json.loads(value)
        return Progress.from_dict(value)

    def save(self, progress: Progress) -> None:
        self._store.set(PROGRESS_KEY, progress.to_dict())

    def clear(self) -> None:
        delete = getattr(self._store, "delete", None)
        if callable(delete):
            delete(PROGRESS_KEY)


class VariableProgressStore:
    """Below Airflow 3.3: an Airflow Variable per task instance (XCom is cleared when a try starts)."""

    def __init__(self, identity: TaskIdentity) -> None:
        self.key = f"{PROGRESS_VARIABLE_PREFIX}.{identity.label}"
        self._warned = False

    def load(self) -> Progress:
        from airflow.providers.common.compat.sdk import Variable

        try:
            getter: Any = Variable.get  # the default's keyword differs: default_var (2.x), default (3.x)
            value = (
                getter(self.key, default_var=None) if _old_variable_api() else getter(self.key, default=None)
            )
        except Exception as exc:  # no metadata database (a unit test, a bare script): nothing persisted
            log.warning("Send progress cannot be read from Variable %s (%s)", self.key, type(exc).__name__)
            return Progress()
        return Progress.from_dict(json.loads(value) if value else None)

    def save(self, progress: Progress) -> None:
        from airflow.providers.common.compat.sdk import Variable

        try:
            Variable.set(self.key, json.dumps(progress.to_dict()))
        except Exception as exc:
            if not self._warned:  # once per send, not once per chunk
                self._warned = True
                log.warning(
                    "Send progress cannot be written to Variable %s (%s); a retry relies on lookups only",
                    self.key,
                    type(exc).__name__,
                )

    def clear(self) -> None:
        from airflow.providers.common.compat.sdk import Variable

        try:
            Variable.delete(self.key)
        except Exception as exc:
            log.debug("Send progress Variable %s not deleted (%s)", self.key, type(exc).__name__)


class MemoryProgressStore:
    """No persistence (``persist_progress=False``, tests)."""

    def __init__(self) -> None:
        self.value: dict[str, Any] | None = None

    def load(self) -> Progress:
        return Progress.from_dict(self.value)

    def save(self, progress: Progress) -> None:
        self.value = progress.to_dict()

    def clear(self) -> None:
        self.value = None


def progress_store_for(
    context: Mapping[str, Any], identity: TaskIdentity, *, persist: bool = True
) -> ProgressStore:
    if not persist:
        return MemoryProgressStore()
    store = context.get("task_state_store")
    if store is not None:
        return TaskStateProgressStore(store)
    return VariableProgressStore(identity)


def _old_variable_api() -> bool:
    from airflow_provider_ileti.version_compat import AIRFLOW_V_3_0_PLUS

    return not AIRFLOW_V_3_0_PLUS


class SentLookup:
    """Which chunks the service already has, looked up ahead in batches of ``LOOKUP_BATCH`` keys.

    Used only on a retry of an idempotent service. Once a batch comes back with a missing key after the
    resume point, every later chunk is new (chunks go out in order), so lookups stop.
    """

    def __init__(self, client: Any, identity: TaskIdentity, *, batch: int = LOOKUP_BATCH) -> None:
        self._client = client
        self._identity = identity
        self._batch = batch
        self._found: dict[int, SendReceipt] = {}
        self._looked_up_to = 0  # chunk numbers below this were looked up
        self._exhausted = False
        self.requests = 0

    def existing(self, chunk_no: int) -> SendReceipt | None:
        if chunk_no >= self._looked_up_to and not self._exhausted:
            self._lookup_from(chunk_no)
        return self._found.pop(chunk_no, None)

    def _lookup_from(self, start: int) -> None:
        numbers = list(range(start, start + self._batch))
        keys = [self._identity.chunk_key(n) for n in numbers]
        found: Mapping[str, SendReceipt] = self._client.find_sent(keys)
        self.requests += 1
        self._looked_up_to = start + self._batch
        for number, key in zip(numbers, keys, strict=True):
            if key in found:
                self._found[number] = found[key]
        if len(self._found) < len(numbers):
            self._exhausted = True  # a gap: later chunks never went out


def short_list(items: Sequence[str], shown: int = 10) -> str:
    head = ", ".join(items[:shown])
    return head + (f", … (+{len(items) - shown})" if len(items) > shown else "")
