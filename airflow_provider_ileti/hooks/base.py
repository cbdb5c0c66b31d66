"""What every one of our hooks shares: connection parsing, the client cache, the legacy form methods.

A hook never touches the network in ``__init__``; the client is built on first use and cached, so an
operator that makes ten calls shares one pooled session.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from airflow.providers.common.compat.sdk import BaseHook

from airflow_provider_ileti.connection_forms import (
    CONNECTION_FORMS,
    MAX_STATUS_CONCURRENCY,
    SECRET_EXTRAS,
    ui_field_behaviour,
)
from airflow_provider_ileti.core.endpoint import build_base_url
from airflow_provider_ileti.core.protocol import AsyncStatusClient, SmsClient

if TYPE_CHECKING:
    from airflow_provider_ileti.core.models import Balance

#: The service's client and its async status client, as each hook declares them
#: (``IletiHook[NodeClient, AsyncNodeStatusClient]``).
ClientT = TypeVar("ClientT", bound=SmsClient)
AsyncClientT = TypeVar("AsyncClientT", bound=AsyncStatusClient)

DEFAULT_TIMEZONE = "Europe/Istanbul"
#: As ``clients.http.settings`` (not imported: a DAG file importing a hook must not load the HTTP stack).
DEFAULT_TIMEOUT = 30.0

_TRUE = {"1", "true", "yes", "on", "y"}  # "y": what Airflow 2.11 sends for a ticked box
_FALSE = {"0", "false", "no", "off", "n"}
N = TypeVar("N", int, float)


class IletiHook(BaseHook, Generic[ClientT, AsyncClientT]):
    """Base of our service hooks. Subclasses set the class attributes, ``_build_client()`` and
    ``get_async_client()``; the type parameters give ``get_client()`` its concrete type."""

    conn_name_attr: ClassVar[str]
    default_conn_name: ClassVar[str]
    conn_type: ClassVar[str]
    #: Set from ``connection_forms`` for every subclass that declares a ``conn_type``.
    hook_name: ClassVar[str]
    #: The service's public base URL, used when the connection has no host.
    default_url: ClassVar[str]
    #: True where a status is read one order, job or report per request (extra ``status_concurrency``).
    reads_one_status_per_request: ClassVar[bool] = False

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
        #: True while ``test_connection`` runs: Airflow's Test button gives the connection a temporary id.
        self._testing = False

    # -- connection ---------------------------------------------------------------------------------
    @cached_property
    def connection(self) -> Any:
        if self._given_connection is not None:
            return self._given_connection
        return self.get_connection(self.conn_id)

    @cached_property
    def extras(self) -> dict[str, Any]:
        """The connection's extras, read from its JSON; the secret ones (``SECRET_EXTRAS``) masked in logs.

        Not ``extra_dejson``: Airflow masks *every* value it returns, so a time zone or a sender name turned
        into ``***`` in every log line, and a short one ("xml") printed "Skipping masking for a secret as
        it's too short" in every task that opened a connection."""
        extra: Any = self._given_extras
        if extra is None:
            raw = self.connection.extra
            try:
                extra = json.loads(raw) if isinstance(raw, str) and raw.strip() else raw
            except ValueError:
                raise self._extra_error("JSON", "<not shown>", "must be a JSON object") from None
        extras = dict(extra) if isinstance(extra, dict) else {}
        secrets = [str(extras[name]) for name in SECRET_EXTRAS if extras.get(name)]
        if secrets:
            from airflow.providers.common.compat.sdk import mask_secret

            for secret in secrets:
                mask_secret(secret)
        return extras

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
        return self._number_extra("timeout", float, minimum=0.001, example="30 or 2.5") or DEFAULT_TIMEOUT

    @property
    def verify_ssl(self) -> bool:
        return self._bool_extra("verify_ssl", True)

    def _bool_extra(self, name: str, default: bool) -> bool:
        """A yes/no extra: a form's checkbox, or true/false (1/0, yes/no, on/off) as JSON or text."""
        value = self.extra(name, default)
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise self._extra_error(name, value, "must be true or false")

    @property
    def retries(self) -> int | None:
        """Retries after the first attempt (extra ``retries``); None: the client's own default."""
        return self._number_extra("retries", int, minimum=0, example="2")

    @property
    def max_answer_bytes(self) -> int | None:
        """The largest answer read (extra ``max_answer_bytes``, counted after decompression); None: the
        client's default (``clients.http.settings``)."""
        return self._number_extra("max_answer_bytes", int, minimum=1024, example="16777216")

    def _number_extra(
        self, name: str, kind: type[N], *, minimum: float, example: str, maximum: float | None = None
    ) -> N | None:
        """A numeric extra as typed by hand into the Extra JSON (``"30"`` or ``30``), or None when unset;
        anything else is a ``ValidationError`` naming the connection, the extra and the rule."""
        value = self.extra(name)
        if value is None:
            return None
        try:
            if isinstance(value, bool):
                raise ValueError(value)
            number = kind(str(value).strip()) if kind is int else kind(value)
        except (TypeError, ValueError):
            kind_name = "a whole number" if kind is int else "a number"
            raise self._extra_error(name, value, f"must be {kind_name} (e.g. {example})") from None
        if number < minimum:
            raise self._extra_error(name, value, f"must be >= {minimum:g}")
        if maximum is not None and number > maximum:
            raise self._extra_error(name, value, f"must be <= {maximum:g}")
        return number

    def _extra_error(self, name: str, value: Any, rule: str) -> Exception:
        from airflow_provider_ileti.core.errors import ValidationError

        field = "extra" if name == "JSON" else f"extra {name}"
        return ValidationError(f"{self._where()} {field}", value, rule)

    def _where(self) -> str:
        """How errors name the connection: its id, except under the UI's Test button (a temporary id)."""
        return "this connection" if self._testing else f"connection {self.conn_id!r}"

    @property
    def status_concurrency(self) -> int | None:
        """Status reads in flight at once (extra ``status_concurrency``) where the service reads one
        order, job or report per request; None: the client's default (``STATUS_CONCURRENCY``)."""
        return self._number_extra(
            "status_concurrency", int, minimum=1, maximum=MAX_STATUS_CONCURRENCY, example="8"
        )

    def http_options(self) -> dict[str, Any]:
        """The HTTP layer's knobs, one vocabulary for every client: timeout, verify_ssl, retries, the cap,
        and the status reads at once (the last three only when the connection sets them, and the last only
        where statuses are read one per request: the client's own defaults hold otherwise)."""
        options: dict[str, Any] = {"timeout": self.timeout, "verify_ssl": self.verify_ssl}
        knobs = [("retries", self.retries), ("max_answer_bytes", self.max_answer_bytes)]
        if self.reads_one_status_per_request:
            knobs.append(("status_concurrency", self.status_concurrency))
        for name, value in knobs:
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
        """Airflow's Test button: a read-only check (``_check``), never a send; the message says what was read
        or what is wrong, never a secret."""
        self._testing = True
        try:
            if not self._secret_given():
                return False, (
                    f"{self._secret_name()} is empty: type it into the form (Airflow does not send a saved "
                    "secret back with an edited form), or save the connection and test it from the list"
                )
            return True, f"Connection OK: {self._check()}"
        except Exception as exc:  # the UI shows the message; it never carries a secret
            return False, str(exc)
        finally:
            self._testing = False

    def _secret_given(self) -> bool:
        return bool(self.connection.password)

    def _secret_name(self) -> str:
        return "The password"

    def _check(self) -> str:
        """What ``test_connection`` reads, said in words (the balance, by default)."""
        return f"balance {describe_balance(self.get_client().get_balance())}"

    # -- the connection form for Airflow 2.11–3.1 (>= 3.2 reads get_provider_info) ----------------
    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Airflow 2.11–3.1 take the form methods only from a hook's own ``__dict__`` (not inherited), so
        every hook class with a ``conn_type`` gets its own pair, built from ``connection_forms``."""
        super().__init_subclass__(**kwargs)
        if "conn_type" in cls.__dict__:
            cls.hook_name = CONNECTION_FORMS[cls.conn_type]["hook-name"]  # one name, the form's
            cls.get_connection_form_widgets = classmethod(_form_widgets)  # type: ignore[method-assign,assignment]
            cls.get_ui_field_behaviour = classmethod(_ui_field_behaviour)  # type: ignore[method-assign,assignment]


def _form_widgets(cls: type[IletiHook[Any, Any]]) -> dict[str, Any]:
    from airflow_provider_ileti.hooks.legacy_form import widgets_for

    return widgets_for(CONNECTION_FORMS[cls.conn_type]["conn-fields"])


def _ui_field_behaviour(cls: type[IletiHook[Any, Any]]) -> dict[str, Any]:
    ui = ui_field_behaviour(cls.conn_type, show_port=False)  # 2.11-3.1 test a saved connection as it is
    return {
        "hidden_fields": ui["hidden-fields"],
        "relabeling": ui["relabeling"],
        "placeholders": ui["placeholders"],
    }


def describe_balance(balance: Balance) -> str:
    """``1,250 SMS credits`` / ``312.50 TRY`` / both, as a person reads a balance."""
    parts = []
    if balance.credits is not None:
        parts.append(f"{balance.credits:,.0f} SMS credits")
    if balance.amount is not None:
        parts.append(f"{balance.amount:,.2f} {balance.currency or ''}".rstrip())
    return " and ".join(parts) or "not reported by the service"


#: Any of our hooks, seen through the protocol its clients implement (the generic operators' view).
AnyIletiHook = IletiHook[SmsClient, AsyncStatusClient]
