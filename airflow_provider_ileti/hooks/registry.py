"""Find our hook for any of our connection ids, the way common-sql finds a DB hook for any connection."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from airflow_provider_ileti.connection_forms import CONNECTION_FORMS

if TYPE_CHECKING:
    from airflow_provider_ileti.core.protocol import AsyncStatusClient
    from airflow_provider_ileti.hooks.base import AnyIletiHook


def hook_class_for(conn_type: str) -> type[AnyIletiHook]:
    if conn_type not in CONNECTION_FORMS:
        known = ", ".join(sorted(CONNECTION_FORMS))
        raise ValueError(f"conn_type={conn_type!r}: not an SMS connection of this provider (known: {known})")
    module_name, _, class_name = CONNECTION_FORMS[conn_type]["hook-class-name"].rpartition(".")
    return getattr(importlib.import_module(module_name), class_name)  # type: ignore[no-any-return]


def get_sms_hook(conn_id: str) -> AnyIletiHook:
    """The hook of whatever service ``conn_id`` points at (node_sms, iletimerkezi, iletiniz, wisecp)."""
    from airflow.providers.common.compat.sdk import BaseHook

    conn = BaseHook.get_connection(conn_id)
    if not conn.conn_type:
        known = ", ".join(sorted(CONNECTION_FORMS))
        raise ValueError(f"conn_id={conn_id!r}: the connection has no conn_type (one of: {known})")
    return hook_class_for(conn.conn_type.replace("-", "_"))(conn_id=conn_id)


async def aget_async_status_client(conn_id: str) -> AsyncStatusClient:
    """The async status client of any of our connections, for a trigger: nothing blocks the event loop.

    The connection is read through common.compat (``get_async_connection``): calling ``aget_connection``
    directly can deadlock before Airflow 3.3.2. The hook is built on what was read, so it looks nothing
    up again; it reads the extras from the connection's JSON itself (``IletiHook.extras``).
    """
    from airflow.providers.common.compat.connection import get_async_connection

    from airflow_provider_ileti.core.errors import ValidationError

    connection = await get_async_connection(conn_id)
    try:
        hook_class = hook_class_for(str(connection.conn_type or "").replace("-", "_"))
    except ValueError as exc:
        raise ValidationError("conn_id", conn_id, str(exc)) from None
    return hook_class(conn_id=conn_id, connection=connection).get_async_client()
