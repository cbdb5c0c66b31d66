"""Sending exactly once across Airflow retries.

Two mechanisms, used together:

1. **A deterministic key per chunk** (``make_custom_id(dag_id, task_id, run_id, map_index, chunk_no)``,
   never the try number), sent as the service's client id (Node ``customID``). On a retry the keys are looked
   up with ``client.find_sent()`` in batches and chunks the service already has are skipped, so a chunk
   whose answer was lost (the connection dropped after the server committed) is recognised, not re-sent.
   Chunks go out strictly in order, so the chunks that exist form a prefix (plus possibly the chunk that was
   in flight): the first key the service does not know ends the lookups.

2. **A progress record** (``Progress``) written after every chunk that surely went out. It lives in Airflow
   3.3's ``task_state_store`` (kept across the tries of one task instance); below 3.3 there is no such store,
   and XCom is cleared when a try starts, so an Airflow Variable named after the task instance's key stands
   in. For services without client ids this record is the *only* way a retry knows what went out, so the
   chunk about to go out is recorded as ``in_flight`` *before* its request and cleared in the same write
   that records its reference: a try that dies in between (killed worker, ``SystemExit``) leaves an
   in-flight chunk, which the next try treats as ambiguous. A chunk that may have gone out (an in-flight
   chunk, or an ``AmbiguousSendError``) is recorded as ``ambiguous_chunk`` and every later try refuses to
   continue until a person decides (``on_ambiguous="skip"`` or ``"resend"``). No record, no send: where
   the service cannot be asked what went out, a record that cannot be read or written stops the send
   before its request (``ProgressUnavailableError``). Each recorded chunk keeps a fingerprint of its numbers
   and texts (``core.fingerprint``): a retry whose source changed stops before any send.

**Cancelled packages are never "sent".** ``on_kill`` cancels scheduled packages; it records their chunks
in ``cancelled`` and bumps each chunk's *generation*, which is part of the chunk's key from then on
(``af.<dag>.<task>.<run>.<map>.<chunk>.g<n>``): a customID can never be used twice (SMS42), and a key fixed
before the re-send lets a retry recognise a re-send whose answer was lost. The next try sends those chunks
again, once. Without a record (``persist_progress=False``) the lookups notice a cancelled package by its
state and follow the generations (``g1``, ``g2``...) up to the first key the service does not know.

**The record outlives the send.** A completed send is marked ``complete`` instead of being deleted: the
worker may die after the send and before Airflow records success, and a person may clear the task; either
way the next try returns the recorded result and sends nothing (on Node the keys would be found anyway).
The 3.3 ``task_state_store`` row expires with its retention (``[state_store] default_retention_days``) or
its DAG run; below 3.3 the Variable ``ileti_send_progress.<task instance>`` stays until someone deletes it
(deleting it lets a cleared task send again, on services without client ids). A *first* try ignores such a
Variable: it can only be left by a deleted DAG run that had the same run id.
"""

from __future__ import annotations

import bisect
import dataclasses
import json
import logging
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import field
from typing import Any, Protocol

from airflow_provider_ileti.core.errors import AmbiguousSendError, IletiError, TransientError
from airflow_provider_ileti.core.frozen import frozen_dataclass, lazy_dataclass
from airflow_provider_ileti.core.idempotency import make_custom_id
from airflow_provider_ileti.core.models import SendReceipt

log = logging.getLogger(__name__)

#: Keys looked up per ``find_sent`` request on a retry (Node ``/sms/list`` with ``customIDs``).
LOOKUP_BATCH = 100
#: Prefix of the fallback Variable that carries progress across tries below Airflow 3.3.
PROGRESS_VARIABLE_PREFIX = "ileti_send_progress"
#: The key in ``task_state_store`` (renaming it breaks in-flight retries of deployed DAGs).
PROGRESS_KEY = "ileti_send_progress"
#: What a retry does with an item an earlier try may have sent without an answer (see ``resolve_ambiguous``).
ON_AMBIGUOUS = ("fail", "skip", "resend")
#: Stands in for the run id in the keys and the record of a send with a ``campaign_id``.
CAMPAIGN_PREFIX = "campaign:"


@frozen_dataclass
class TaskIdentity:
    """What a retry of this task instance shares and a new run does not."""

    dag_id: str
    task_id: str
    run_id: str
    map_index: int = -1

    @classmethod
    def from_context(cls, context: Mapping[str, Any], campaign_id: str | None = None) -> TaskIdentity:
        """This task instance's identity; with ``campaign_id``, the campaign's in place of the run id:
        every run that names the same campaign shares its keys and its progress, so it sends once."""
        identity = cls._of_task_instance(context)
        if campaign_id is None:
            return identity
        return dataclasses.replace(identity, run_id=f"{CAMPAIGN_PREFIX}{campaign_id}")

    @classmethod
    def _of_task_instance(cls, context: Mapping[str, Any]) -> TaskIdentity:
        ti = context["ti"]
        run_id = context.get("run_id") or getattr(ti, "run_id", None)
        map_index = getattr(ti, "map_index", -1)
        return cls(
            dag_id=str(ti.dag_id),
            task_id=str(ti.task_id),
            run_id=str(run_id),
            map_index=-1 if map_index is None else int(map_index),
        )

    def chunk_key(self, chunk_no: int, generation: int = 0) -> str:
        """The key of ``chunk_no``; generation ``n > 0`` (a re-send after a cancel) adds a ``g<n>`` part."""
        parts: list[object] = [self.dag_id, self.task_id, self.run_id, self.map_index, chunk_no]
        if generation:
            parts.append(f"g{generation}")
        return make_custom_id(*parts)

    @property
    def label(self) -> str:
        return make_custom_id(self.dag_id, self.task_id, self.run_id, self.map_index, prefix="p")


@lazy_dataclass
class Progress:
    """What surely went out so far, in chunk order (``references[i]`` is chunk ``chunks[i]``)."""

    next_chunk: int = 0
    references: list[str] = field(default_factory=list)
    recipients: int = 0
    replayed_chunks: int = 0
    ambiguous_chunk: int | None = None
    ambiguous_message: str | None = None
    #: The chunk number of each reference, and its recipient count (parallel to ``references``).
    chunks: list[int] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    #: The chunk whose request may be on the wire (written before the request, cleared with its result).
    in_flight: int | None = None
    in_flight_message: str | None = None
    #: Chunks whose packages were cancelled (``on_kill``): they must go out again, under a new key.
    cancelled: list[int] = field(default_factory=list)
    #: Key generation per chunk, when above 0 (bumped by each cancel).
    generations: dict[int, int] = field(default_factory=dict)
    #: The send completed; a later try returns this record's result and sends nothing.
    complete: bool = False
    #: Ambiguous items a person counted as sent (``on_ambiguous="skip"``): no reference is known for them.
    skipped: list[int] = field(default_factory=list)
    #: Chunk number -> ``core.fingerprint`` of the numbers and texts it went out with (or was going out
    #: with, for the chunk in flight): a retry whose chunk differs stops before any send.
    fingerprints: dict[int, str] = field(default_factory=dict)
    #: The live try that holds the send, and when it last wrote (``send_claim.py``).
    owner: str | None = None
    owner_seen: float | None = None
    owner_try: int | None = None
    owner_run: str | None = None
    #: When the record was last written (epoch seconds), for the clean-up of old records below 3.3.
    updated_at: float | None = None
    #: The record of a ``campaign_id``, shared by every run that names it (kept by the clean-up unless asked).
    campaign: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "next_chunk": self.next_chunk,
            "references": list(self.references),
            "recipients": self.recipients,
            "replayed_chunks": self.replayed_chunks,
            "ambiguous_chunk": self.ambiguous_chunk,
            "ambiguous_message": self.ambiguous_message,
            "chunks": list(self.chunks),
            "counts": list(self.counts),
            "in_flight": self.in_flight,
            "in_flight_message": self.in_flight_message,
            "cancelled": list(self.cancelled),
            "generations": {str(k): v for k, v in self.generations.items()},
            "complete": self.complete,
            "skipped": list(self.skipped),
            "fingerprints": {str(k): v for k, v in self.fingerprints.items()},
            "owner": self.owner,
            "owner_seen": self.owner_seen,
            "owner_try": self.owner_try,
            "owner_run": self.owner_run,
            "updated_at": self.updated_at,
            "campaign": self.campaign,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Progress:
        if not data:
            return cls()
        references = [str(r) for r in data.get("references", [])]
        # a record written before chunk numbers were kept: chunks went out in order, one reference each
        chunks = [int(c) for c in data.get("chunks", range(len(references)))]
        counts = [int(c) for c in data.get("counts", [0] * len(references))]
        return cls(
            next_chunk=int(data.get("next_chunk", 0)),
            references=references,
            recipients=int(data.get("recipients", 0)),
            replayed_chunks=int(data.get("replayed_chunks", 0)),
            ambiguous_chunk=data.get("ambiguous_chunk"),
            ambiguous_message=data.get("ambiguous_message"),
            chunks=chunks,
            counts=counts,
            in_flight=data.get("in_flight"),
            in_flight_message=data.get("in_flight_message"),
            cancelled=[int(c) for c in data.get("cancelled", [])],
            generations={int(k): int(v) for k, v in (data.get("generations") or {}).items()},
            complete=bool(data.get("complete", False)),
            skipped=[int(c) for c in data.get("skipped", [])],
            fingerprints={int(k): str(v) for k, v in (data.get("fingerprints") or {}).items()},
            owner=data.get("owner"),
            owner_seen=float(data["owner_seen"]) if data.get("owner_seen") is not None else None,
            owner_try=int(data["owner_try"]) if data.get("owner_try") is not None else None,
            owner_run=data.get("owner_run"),
            updated_at=float(data["updated_at"]) if data.get("updated_at") is not None else None,
            campaign=bool(data.get("campaign", False)),
        )

    def generation(self, chunk_no: int) -> int:
        return self.generations.get(chunk_no, 0)

    def record(self, chunk_no: int, reference: str, count: int, fingerprint: str | None = None) -> None:
        """Chunk ``chunk_no`` surely went out as ``reference`` (a re-sent chunk takes its place in order)."""
        if fingerprint is not None:
            self.fingerprints[chunk_no] = fingerprint
        at = bisect.bisect_left(self.chunks, chunk_no)
        self.chunks.insert(at, chunk_no)
        self.references.insert(at, str(reference))
        self.counts.insert(at, int(count))
        self.recipients += int(count)
        if chunk_no in self.cancelled:
            self.cancelled.remove(chunk_no)
        self.next_chunk = max(self.next_chunk, chunk_no + 1)
        if self.in_flight == chunk_no:
            self.abandon()

    # -- "in flight": written before a request, settled by its outcome --------------------------------
    def start(self, chunk_no: int, message: str, fingerprint: str | None = None) -> None:
        """Chunk ``chunk_no`` is about to go out (save before the request: a try that dies leaves a trace)."""
        self.in_flight, self.in_flight_message = chunk_no, message
        if fingerprint is not None:
            self.fingerprints[chunk_no] = fingerprint

    def abandon(self) -> None:
        """The request in flight surely did not go out (the client said so)."""
        self.in_flight, self.in_flight_message = None, None

    def make_ambiguous(self, chunk_no: int, message: str) -> None:
        """The request of ``chunk_no`` may have gone out: a person (``on_ambiguous``) decides."""
        self.abandon()
        self.ambiguous_chunk, self.ambiguous_message = chunk_no, message

    def settle_in_flight(self, *, found_by_lookup: bool) -> bool:
        """An earlier try ended while the request in flight was going out: settle it; True if there was one.

        ``found_by_lookup``: the service keeps client ids, so the next lookup finds the request if it went
        out and the mark is simply dropped. Otherwise nobody can tell: the item is ambiguous.
        """
        item = self.in_flight
        if item is None:
            return False
        if found_by_lookup:
            self.abandon()
        else:
            what = self.in_flight_message or f"item {item}"
            self.make_ambiguous(item, f"{what}: the try ended while its request was going out (no answer)")
        return True

    def resolve_ambiguous(self, decision: str) -> int | None:
        """Apply ``on_ambiguous`` to the ambiguous item, if any; returns it.

        ``"skip"``: a person found it went out, it counts as done (and is listed in ``skipped``);
        ``"resend"``: it did not, it goes out again; ``"fail"``: nobody decided yet: ``AmbiguousUnresolved``.
        """
        item = self.ambiguous_chunk
        if item is None:
            return None
        if decision not in ON_AMBIGUOUS:
            raise ValueError(f"on_ambiguous={decision!r}: must be one of {', '.join(ON_AMBIGUOUS)}")
        if decision == "fail":
            raise AmbiguousUnresolved(
                f"an earlier try left {self.ambiguous_message or f'item {item}'} ambiguous: it may have gone "
                "out. Check the panel, then set on_ambiguous='skip' (it went out) or 'resend' (it did not)"
            )
        if decision == "skip":
            self.next_chunk = max(self.next_chunk, item + 1)
            self.skipped.append(item)
            if item in self.cancelled:
                self.cancelled.remove(item)
        elif item not in self.cancelled:
            self.next_chunk = item
        self.ambiguous_chunk = self.ambiguous_message = None
        return item

    def mark_cancelled(self, references: Iterable[str]) -> list[int]:
        """These packages were cancelled: their chunks no longer count and get a new key generation."""
        wanted = {str(r) for r in references}
        done: list[int] = []
        for at in range(len(self.references) - 1, -1, -1):
            if self.references[at] not in wanted:
                continue
            chunk_no = self.chunks[at]
            self.recipients -= self.counts[at]
            del self.references[at], self.chunks[at], self.counts[at]
            self.generations[chunk_no] = self.generation(chunk_no) + 1
            if chunk_no not in self.cancelled:
                self.cancelled.append(chunk_no)
            done.append(chunk_no)
        self.cancelled.sort()
        if done:
            self.complete = False
        return sorted(done)


class AmbiguousUnresolved(AmbiguousSendError):
    """An earlier try left an item that may have gone out, and ``on_ambiguous`` is still ``"fail"``."""


@contextmanager
def recorded_request(
    progress: Progress,
    store: ProgressStore,
    item: int,
    message: str,
    *,
    mark: bool = True,
    fingerprint: str | None = None,
) -> Iterator[None]:
    """One request under the record: the one state machine every exactly-once operator follows.

    ``mark`` (services without client ids): "in flight" is saved before the request, so a try that dies
    leaves a trace. On ``AmbiguousSendError`` the item becomes ambiguous (saved, then re-raised); on any
    other of our errors the request surely did not go out and the mark is dropped. On success the caller
    ``record()``\s the answer, which clears the mark in the same write.
    """
    if mark:
        progress.start(item, message, fingerprint)
        store.save(progress)
    try:
        yield
    except AmbiguousSendError as exc:
        progress.make_ambiguous(item, f"{message}: {exc}")
        store.save(progress)
        raise
    except IletiError:
        if mark and progress.in_flight == item:
            progress.abandon()
            store.save(progress)
        raise


class ProgressStore(Protocol):
    #: Whether what ``save`` writes can be read back (by this try, a retry, a concurrent copy).
    persisting: bool

    def load(self) -> Progress: ...

    def save(self, progress: Progress) -> None: ...

    def clear(self) -> None: ...


class TaskStateProgressStore:
    """Airflow 3.3+: ``task_state_store`` keeps values across the tries of one task instance."""

    persisting = True

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


class ProgressUnavailableError(TransientError):
    """The progress record cannot be read or written, and the service cannot be asked what went out."""


class VariableProgressStore:
    """Below Airflow 3.3: an Airflow Variable per task instance (XCom is cleared when a try starts).

    ``required``: the record is the only way a retry can know what went out (a service without client ids),
    so a record that cannot be read or written stops the send (``ProgressUnavailableError``, retried by
    Airflow) instead of sending without one: no record, no send. Otherwise a failure is logged once and the
    retry relies on the service's lookups.
    """

    def __init__(self, identity: TaskIdentity, *, first_try: bool = False, required: bool = False) -> None:
        self.key = f"{PROGRESS_VARIABLE_PREFIX}.{identity.label}"
        self.required = required
        #: False once a write failed (and was only logged: not ``required``).
        self.persisting = True
        self._warned = False
        #: A first try has no earlier try: a Variable it finds is left by a deleted DAG run of the same run
        #: id (a Variable outlives its run; the 3.3 store does not), so it is ignored and overwritten; only
        #: its claim counts (``send_claim.py``: another copy of this first try may be sending).
        self._first_try = first_try

    def load(self) -> Progress:
        from airflow.providers.common.compat.sdk import Variable

        try:
            getter: Any = Variable.get  # the default's keyword differs: default_var (2.x), default (3.x)
            value = (
                getter(self.key, default_var=None) if _old_variable_api() else getter(self.key, default=None)
            )
        except Exception as exc:  # no metadata database (a unit test, a bare script): nothing persisted
            if self.required:
                raise self._unavailable("read", exc) from None
            log.warning("Send progress cannot be read from Variable %s (%s)", self.key, type(exc).__name__)
            return Progress()
        progress = Progress.from_dict(json.loads(value) if value else None)
        if self._first_try:
            # what an earlier run left is ignored; a claim is kept: another copy of this try may hold it
            return Progress(
                owner=progress.owner,
                owner_seen=progress.owner_seen,
                owner_try=progress.owner_try,
                owner_run=progress.owner_run,
            )
        return progress

    def save(self, progress: Progress) -> None:
        from airflow.providers.common.compat.sdk import Variable

        self._first_try = False  # from now on the Variable holds this try's own record
        progress.updated_at = time.time()
        try:
            Variable.set(self.key, json.dumps(progress.to_dict()))
        except Exception as exc:
            if self.required:
                raise self._unavailable("written", exc) from None
            self.persisting = False
            if not self._warned:  # once per send, not once per chunk
                self._warned = True
                log.warning(
                    "Send progress cannot be written to Variable %s (%s); a retry relies on lookups only",
                    self.key,
                    type(exc).__name__,
                )

    def _unavailable(self, what: str, exc: Exception) -> ProgressUnavailableError:
        return ProgressUnavailableError(
            f"the send's progress cannot be {what} (Variable {self.key}: {type(exc).__name__}); this service "
            "cannot be asked what went out, so nothing more is sent without a record. Airflow's retry tries "
            "again; check the metadata database if it persists"
        )

    def clear(self) -> None:
        from airflow.providers.common.compat.sdk import Variable

        try:
            Variable.delete(self.key)
        except Exception as exc:
            log.debug("Send progress Variable %s not deleted (%s)", self.key, type(exc).__name__)


class MemoryProgressStore:
    """No persistence (``persist_progress=False``, tests)."""

    persisting = False

    def __init__(self) -> None:
        self.value: dict[str, Any] | None = None

    def load(self) -> Progress:
        return Progress.from_dict(self.value)

    def save(self, progress: Progress) -> None:
        self.value = progress.to_dict()

    def clear(self) -> None:
        self.value = None


def progress_store_for(
    context: Mapping[str, Any],
    identity: TaskIdentity,
    *,
    persist: bool = True,
    required: bool = False,
    across_runs: bool = False,
) -> ProgressStore:
    """Where this task instance's progress lives; ``required``: see ``VariableProgressStore``.

    ``across_runs``: the identity is a campaign's, shared by several DAG runs (``campaign_id``), so the
    record must outlive a run: an Airflow Variable named after the campaign, never ignored by a first try.
    """
    if not persist:
        return MemoryProgressStore()
    if across_runs:
        return VariableProgressStore(identity, first_try=False, required=required)
    store = context.get("task_state_store")
    if store is not None:
        return TaskStateProgressStore(store)
    ti = context.get("ti")
    try:
        first_try = int(getattr(ti, "try_number", 0) or 0) == 1
    except (TypeError, ValueError):
        first_try = False
    return VariableProgressStore(identity, first_try=first_try, required=required)


def _old_variable_api() -> bool:
    from airflow_provider_ileti.version_compat import AIRFLOW_V_3_0_PLUS

    return not AIRFLOW_V_3_0_PLUS


class SentLookup:
    """Which chunks the service already has, looked up ahead in batches of ``LOOKUP_BATCH`` keys.

    Used only on a retry of an idempotent service. Once a batch comes back with a chunk that never went out
    under its first key, every later chunk is new (first sends go out in order), so lookups stop.

    ``check_cancelled``: read the state of what was found (one ``get_statuses`` per batch) and treat a
    cancelled package as *not sent*: its chunk's next key generation is looked up, and ``generation()``
    names the key to send it under. Only scheduled sends need it (nothing else is ever cancelled by us).
    """

    def __init__(
        self,
        client: Any,
        identity: TaskIdentity,
        *,
        generations: Mapping[int, int] | None = None,
        check_cancelled: bool = False,
        batch: int = LOOKUP_BATCH,
    ) -> None:
        self._client = client
        self._identity = identity
        self._batch = batch
        self._check_cancelled = check_cancelled
        self._generations: dict[int, int] = dict(generations or {})
        self._found: dict[int, SendReceipt] = {}
        self._looked_up_to = 0  # chunk numbers below this were looked up
        self._exhausted = False
        self.requests = 0
        #: Chunks found cancelled (under some generation) by these lookups.
        self.cancelled_found: set[int] = set()

    def existing(self, chunk_no: int) -> SendReceipt | None:
        if chunk_no >= self._looked_up_to and not self._exhausted:
            self._lookup_from(chunk_no)
        return self._found.pop(chunk_no, None)

    def generation(self, chunk_no: int) -> int:
        """The key generation to send ``chunk_no`` under (above every cancelled one found)."""
        return self._generations.get(chunk_no, 0)

    def _lookup_from(self, start: int) -> None:
        numbers = list(range(start, start + self._batch))
        self._looked_up_to = start + self._batch
        pending = numbers
        while pending:
            keys = {self._identity.chunk_key(n, self.generation(n)): n for n in pending}
            found: Mapping[str, SendReceipt] = self._client.find_sent(list(keys))
            self.requests += 1
            cancelled = self._cancelled_among([r.reference for k, r in found.items() if k in keys])
            retry: list[int] = []
            for key, number in keys.items():
                receipt = found.get(key)
                if receipt is None:
                    if self.generation(number) == 0:
                        self._exhausted = True  # never sent at all: later chunks never went out
                    continue
                if str(receipt.reference) in cancelled:
                    self.cancelled_found.add(number)
                    self._generations[number] = self.generation(number) + 1
                    retry.append(number)
                else:
                    self._found[number] = receipt
            pending = retry

    def _cancelled_among(self, references: list[str]) -> set[str]:
        if not self._check_cancelled or not references:
            return set()
        from airflow_provider_ileti.core.models import DeliveryPhase

        statuses = self._client.get_statuses(references)
        self.requests += 1
        return {str(s.reference) for s in statuses if s.phase is DeliveryPhase.CANCELLED}


def short_list(items: Sequence[str], shown: int = 10) -> str:
    head = ", ".join(items[:shown])
    return head + (f", … (+{len(items) - shown})" if len(items) > shown else "")
