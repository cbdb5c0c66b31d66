"""One live try per send: a claim on the task instance's progress record, taken before anything is sent.

Airflow runs one try of a task instance at a time, but not always: a worker Airflow believes dead (a
zombie) can still be sending when the retry starts, and ``airflow tasks test`` with a run id that is also
scheduled runs a second copy. "In flight" in the progress record is not a lock: three processes with one
run id once sent the same İleti Merkezi chunk. Neither progress store offers an atomic compare-and-set, so
the claim is Fischer's timed mutual exclusion over plain reads and writes:

1. read the record; if another owner of the same try (or a later one) wrote it less than ``LEASE_SECONDS``
   ago, refuse;
2. write ``owner = me``; wait ``CLAIM_SETTLE_SECONDS``; read again;
3. if the owner is still me, the send is mine; otherwise another try claimed it at the same moment: refuse.

Two tries that both saw no owner both write; each reads again only after the settle time, which is longer
than any gap between a try's read and its write, so both read the *later* write and exactly one of them
goes on. The owner writes ``owner_seen`` with each progress save (a heartbeat) and reads the record once
before each chunk, so a try whose lease ran out (it stalled for ``LEASE_SECONDS``) and was taken over
stops before its next chunk. A try that ends releases its claim. A claim of an *earlier* try does not hold
a later one back: Airflow starts try n+1 only once it counts try n as over (failed, or a worker it found
dead), so the retry of a killed try (kill -9) goes on at once, and if that worker was in fact still
running, its next ``hold`` finds the new owner and it stops before its next chunk. Copies of the *same*
try (``airflow tasks test`` beside the scheduled run, a re-run of one try id) wait for the lease.

``claim`` is ``stake`` (steps 1-2) then ``confirm`` (step 3). The send operator runs its first pass (every
recipient checked and prepared) between the two, so the settle time is spent on that work instead of
sleeping; ``confirm`` waits only what is left of it. Waiting longer than the settle time keeps the argument
above: the other try's write still lands before the read-back.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import time
from collections.abc import Callable

from airflow_provider_ileti.core.errors import TransientError
from airflow_provider_ileti.exactly_once.progress import Progress, ProgressStore

#: How long an owner's last write keeps its claim. Above the longest gap between two progress saves of a
#: live try (one chunk's request with its retries); below Airflow's default retry delay (300 s), so the
#: retry of a killed try is not refused for long.
LEASE_SECONDS = 240.0
#: The wait between writing a claim and reading it back: longer than a store's read-then-write gap
#: (metadata database round trips, well under a second).
CLAIM_SETTLE_SECONDS = 1.0


class SendClaimedError(TransientError):
    """Another live try of this task instance holds the send; retried by Airflow."""


def new_owner(try_number: int) -> str:
    """This try's name in the record: host, process, try and a random part (two threads differ too)."""
    return f"{socket.gethostname()}:{os.getpid()}:try{try_number}:{secrets.token_hex(4)}"


def live_holder(progress: Progress, owner: str, try_number: int, run_id: str, now: float) -> str | None:
    """Another owner whose claim holds this try back, or None (see the module docstring)."""
    if progress.owner in (None, owner) or progress.owner_seen is None:
        return None
    earlier_try = progress.owner_try is not None and progress.owner_try < try_number
    if earlier_try and progress.owner_run == run_id:
        return None  # Airflow counts that try of this run as over (tries of other runs are not ordered)
    return progress.owner if now - progress.owner_seen < LEASE_SECONDS else None


def claim(
    store: ProgressStore,
    progress: Progress,
    owner: str,
    try_number: int,
    run_id: str,
    *,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> Progress:
    """Take the send for ``owner`` (steps 1-3 above); the record as read back. Raises ``SendClaimedError``."""
    staked = stake(store, progress, owner, try_number, run_id, clock=clock)
    return confirm(store, progress, owner, staked, clock=clock, sleep=sleep)


def stake(
    store: ProgressStore,
    progress: Progress,
    owner: str,
    try_number: int,
    run_id: str,
    *,
    clock: Callable[[], float] = time.time,
) -> float | None:
    """Steps 1-2: refuse (``SendClaimedError``, nothing written) or write ``owner`` into the record.

    Returns when it was written (``time.monotonic()``), or None when the store keeps nothing to read
    back. The caller may work (the send's first pass) before ``confirm``, which waits only what is left of
    ``CLAIM_SETTLE_SECONDS``: a longer wait than the settle time keeps the argument above intact.
    """
    if live_holder(progress, owner, try_number, run_id, clock()) is not None:
        raise _claimed(progress, clock(), "is sending; this try sent nothing")
    progress.owner, progress.owner_seen = owner, clock()
    progress.owner_try, progress.owner_run = try_number, run_id
    store.save(progress)
    if not store.persisting:
        # nothing can be read back (a store that only logs its failures, for a service whose client ids
        # let every try look up what went out): no claim to take, and none for another try to see
        progress.owner, progress.owner_seen = None, None
        return None
    return time.monotonic()


def confirm(
    store: ProgressStore,
    progress: Progress,
    owner: str,
    staked: float | None,
    *,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> Progress:
    """Step 3: what is left of the settle time since ``stake`` wrote, then the record read back; the send
    is ``owner``'s when it still names it, else ``SendClaimedError``."""
    if staked is None:
        return progress
    left = CLAIM_SETTLE_SECONDS - (time.monotonic() - staked)
    if left > 0:
        sleep(left)
    current = store.load()
    if current.owner != owner:
        raise _claimed(current, clock(), "claimed it at the same moment; this try sent nothing")
    return current


def hold(
    store: ProgressStore, progress: Progress, owner: str, *, clock: Callable[[], float] = time.time
) -> None:
    """Before a chunk: the claim is still ours (one read); the next save refreshes ``owner_seen``."""
    if progress.owner != owner or not store.persisting:
        return  # no claim was taken, or the store stopped persisting (logged; lookups stand in)
    current = store.load()
    if current.owner != owner:
        progress.owner = None  # not ours any more: this try must not write over the new owner's record
        raise _claimed(current, clock(), "took over after this try's claim ran out; this try stops here")
    progress.owner_seen = clock()


def release(store: ProgressStore, progress: Progress, owner: str) -> None:
    """The try ends: leave the record to the next try at once (best effort: a failing store keeps it)."""
    if progress.owner != owner or not store.persisting:
        return
    progress.owner, progress.owner_seen, progress.owner_try, progress.owner_run = None, None, None, None
    with contextlib.suppress(Exception):  # a failing store: the claim then ends with its lease
        if store.load().owner == owner:  # never over another try's record
            store.save(progress)


def _claimed(progress: Progress, now: float, what: str) -> SendClaimedError:
    seen = f", seen {now - progress.owner_seen:.0f} s ago" if progress.owner_seen is not None else ""
    return SendClaimedError(
        f"another try of this send ({progress.owner}{seen}) {what}. If that worker is gone, "
        f"its claim ends {LEASE_SECONDS:.0f} s after its last write and a retry goes on"
    )
