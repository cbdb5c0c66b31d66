"""Node creations that go out once however often Airflow retries the task.

A package created with a ``customID`` can be recognised: the id is derived from what a retry shares and a
new run does not (dag, task, run, map index, an item number — never the try number). On a retry the id is
looked up first (``/sms/list`` with ``customIDs``); a create that still meets an existing id answers SMS42,
which is resolved to the package that exists instead of failing. Functions without a ``customID`` (KVKK,
recreate) keep a progress record across tries instead (see ``exactly_once.progress_store_for``), written
"in flight" before each request, so a try that dies between request and answer is ambiguous, never re-sent
silently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from airflow_provider_ileti.core.errors import DuplicateError
from airflow_provider_ileti.core.idempotency import make_custom_id
from airflow_provider_ileti.exactly_once.progress import TaskIdentity

if TYPE_CHECKING:
    from airflow_provider_ileti.clients.node.client import NodeClient


@dataclass(frozen=True)
class Created:
    package_id: int
    custom_id: str
    replayed: bool


def custom_id_for(context: Mapping[str, Any], kind: str, item: object = None) -> str:
    """The deterministic customID of this task instance's ``kind`` creation (``item``: its number)."""
    who = TaskIdentity.from_context(context)
    parts: list[object] = [who.dag_id, who.task_id, who.run_id, who.map_index]
    if item is not None:
        parts.append(item)
    return make_custom_id(*parts, prefix=kind)


def is_retry(context: Mapping[str, Any]) -> bool:
    ti = context.get("ti") or context.get("task_instance")
    try:
        return int(getattr(ti, "try_number", 1) or 1) > 1
    except (TypeError, ValueError):
        return False


def create_once(client: NodeClient, custom_id: str, create: Callable[[str], int], *, retry: bool) -> Created:
    """Run ``create(custom_id) -> pkgID`` unless a package with ``custom_id`` exists.

    ``retry``: look the id up before creating (an earlier try may have created it and lost the answer).
    An SMS42 is resolved to the package that exists (``clients.node.duplicates``, as the client's own).
    """
    from airflow_provider_ileti.clients.node.duplicates import package_with_custom_id, resolve_duplicate

    if retry:
        found = package_with_custom_id(client, custom_id)
        if found is not None:
            return Created(found, custom_id, replayed=True)
    try:
        result = create(custom_id)
    except DuplicateError as exc:
        return Created(resolve_duplicate(client, custom_id, exc), custom_id, replayed=True)
    return Created(int(result), custom_id, replayed=False)
