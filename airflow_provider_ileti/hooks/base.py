"""What every one of our hooks shares: connection parsing, the client cache, the legacy form methods.

A hook never touches the network in ``__init__``; the client is built on first use and cached, so an
operator that makes ten calls shares one pooled session.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any, ClassVar, Generic, TypeVar

from airflow.providers.common.compat.sdk import BaseHook

from airflow_provider_ileti.connection_forms import CONNECTION_FORMS
from airflow_provider_ileti.core.endpoint import build_base_url
from airflow_provider_ileti.core.protocol import AsyncStatusClient, SmsClient

#: The service's client and its async status client, as each hook declares them
#: (``IletiHook[NodeClient, AsyncNodeStatusClient]``).
ClientT = TypeVar("ClientT", bound=SmsClient)
AsyncClientT = TypeVar("AsyncClientT", bound=AsyncStatusClient)

DEFAULT_TIMEZONE = "Europe/Istanbul"
#: As ``clients.http.settings`` (not imported: a DAG file importing a hook must not load the HTTP stack).
DEFAULT_TIMEOUT = 30.0

_TRUE = {"1", "true", "yes", "on"}


class IletiHook(BaseHook, Generic[ClientT, AsyncClientT]):
    """Base of our service hooks. Subclasses set the class attributes, ``_build_client()`` and
    ``get_async_client()``; the type parameters give ``get_client()`` its concrete type."""

    conn_name_attr: ClassVar[str]
    default_conn_name: ClassVar[str]
    conn_type: ClassVar[str]
    hook_name: ClassVar[str]
    #: The service's public base URL, used when the connection has no host.
    default_url: ClassVar[str]

    def __init__(
        self,
        conn_id: str | None = None,
        *,
        connection: Any = None,
        extras: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """``connection`` and ``extras``, when given (already read, e.g. asynchronously by a trigger), are
        used as they are instead of being looked up."""
        super().__init__(**kwargs)
        self.conn_id = conn_id or self.default_conn_name
        self._client: ClientT | None = None
        self._given_connection = connection
        self._given_extras = extras

    # -- connection ---------------------------------------------------------------------------------
    @cached_property
    def connection(self) -> Any:
        if self._given_connection is not None:
            return self._given_connection
        return self.get_connection(self.conn_id)

    @cached_property
    def extras(self) -> dict[str, Any]:
        extra = self._given_extras if self._given_extras is not None else self.connection.extra_dejson
        return dict(extra) if isinstance(extra, dict) else {}

    def extra(self, name: str, default: Any = None) -> Any:
        value = self.extras.get(name)
        return default if value in (None, "") else value

    @property
    def base_url(self) -> str:
        conn = self.connection
        return build_base_url(
            conn.host, port=conn.port, scheme=conn.schema or None, default_url=self.default_url
        )

    @property
    def timezone(self) -> str:
        return str(self.extra("timezone", DEFAULT_TIMEZONE))

    @property
    def timeout(self) -> float:
        return float(self.extra("timeout", DEFAULT_TIMEOUT))

    @property
    def verify_ssl(self) -> bool:
        value = self.extra("verify_ssl", True)
        return value if isinstance(value, bool) else str(value).strip().lower() in _TRUE

    @property
    def retries(self) -> int | None:
        """Retries after the first attempt (extra ``retries``); None: the client's own default."""
        value = self.extra("retries")
        return None if value is None else int(value)

    @property
    def max_answer_bytes(self) -> int | None:
        """The largest answer read (extra ``max_answer_bytes``, counted after decompression); None: the
        client's default (``clients.http.settings``)."""
        value = self.extra("max_answer_bytes")
        return None if value is None else int(value)

    def http_options(self) -> dict[str, Any]:
        """The HTTP layer's knobs, one vocabulary for every client: timeout, verify_ssl, retries, the cap
        (the last two only when the connection sets them: the client's own defaults hold otherwise)."""
        options: dict[str, Any] = {"timeout": self.timeout, "verify_ssl": self.verify_ssl}
        for name, value in (("retries", self.retries), ("max_answer_bytes", self.max_answer_bytes)):
            if value is not None:
                options[name] = value
        return options

    @property
    def default_sender(self) -> str | None:
        value = self.extra("default_sender")
        return str(value) if value else None

    # -- clients ------------------------------------------------------------------------------------
    def get_client(self) -> ClientT:
        """The service client for this connection, built once (no network until it is used)."""
        if self._client is None:
            self._client = self._build_client()
        return self._client

    def _build_client(self) -> ClientT:
        raise NotImplementedError

    def get_async_client(self) -> AsyncClientT:
        """A new async client for triggers (one per trigger run; close it with ``aclose()``)."""
        raise NotImplementedError(f"{type(self).__name__} has no async client")

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def test_connection(self) -> tuple[bool, str]:
        """Read-only check (balance), never a send."""
        try:
            balance = self.get_client().get_balance()
        except Exception as exc:  # the UI shows the message; it never carries a secret
            return False, str(exc)
        return True, f"Connection OK; balance: {json.dumps(balance.to_dict())}"

    # -- the connection form for Airflow 2.11–3.1 (≥ 3.2 reads get_provider_info) ----------------
    @classmethod
    def get_connection_form_widgets(cls) -> dict[str, Any]:
        from airflow_provider_ileti.hooks.legacy_form import widgets_for

        return widgets_for(CONNECTION_FORMS[cls.conn_type]["conn-fields"])

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        ui = CONNECTION_FORMS[cls.conn_type]["ui-field-behaviour"]
        return {
            "hidden_fields": list(ui["hidden-fields"]),
            "relabeling": dict(ui["relabeling"]),
            "placeholders": dict(ui["placeholders"]),
        }


#: Any of our hooks, seen through the protocol its clients implement (the generic operators' view).
AnyIletiHook = IletiHook[SmsClient, AsyncStatusClient]
