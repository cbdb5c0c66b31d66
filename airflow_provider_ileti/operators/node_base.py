"""What every Node-only operator shares: the connection, the client, argument checks, JSON-safe results.

Node-only operators orchestrate; the ``NodeClient`` (``hooks/node.py`` builds it from the connection) speaks
the protocol. Each operator checks every (rendered) argument in ``validate()`` and only then asks the hook
for a client, so a bad argument fails with a ``ValidationError`` before any request, and errors map to the
right Airflow exception through ``airflow_failures``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import BaseOperator

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.tasks.failures import airflow_failures
from airflow_provider_ileti.tasks.personal_data import HidesPersonalData
from airflow_provider_ileti.tasks.retry_policy import with_default_retry_policy

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

    from airflow_provider_ileti.clients.node.client import NodeClient
    from airflow_provider_ileti.hooks.node import NodeSmsHook

DEFAULT_CONN_ID = "node_sms_default"
#: Push (delivery report) URLs the server calls back: only web URLs make sense.
URL_SCHEMES = ("http://", "https://")
#: Node encodings: 0 default (GSM 7-bit), 1 Turkish, 2 UTF-8 (UCS-2); names accepted too.
ENCODINGS = {"default": 0, "gsm7": 0, "turkish": 1, "gsm7_turkish": 1, "utf8": 2, "ucs2": 2, "unicode": 2}


def node_hook(conn_id: str) -> NodeSmsHook:
    """The hook of ``conn_id`` (imported here: the hook module stays out of DAG-file imports)."""
    from airflow_provider_ileti.hooks.node import NodeSmsHook

    return NodeSmsHook(conn_id)


class NodeBaseOperator(HidesPersonalData, BaseOperator):
    """Base of the Node-only operators: ``validate()`` everything, then ``run(client, context)``.

    :param node_sms_conn_id: a ``node_sms`` connection (REST or SOAP; the same operators work on both).
    :param show_personal_data: show the rendered numbers and texts of ``personal_fields`` in Airflow's
        "Rendered Template" view (hidden by default: see ``personal_data.py``).
    """

    #: The action named in failure messages ("create OTP failed: ...").
    failure_action: str = "Node SMS call"
    ui_color = "#eef3fb"

    def __init__(
        self, *, node_sms_conn_id: str = DEFAULT_CONN_ID, show_personal_data: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**with_default_retry_policy(kwargs))
        self.node_sms_conn_id = node_sms_conn_id
        self.show_personal_data = show_personal_data
        self.node_hook_in_use: Any = None

    def validate(self) -> dict[str, Any]:
        """Check the rendered arguments; return the normalised ones. Raises ``ValidationError``."""
        return {}

    def run(self, client: NodeClient, args: dict[str, Any], context: Context) -> Any:
        raise NotImplementedError

    def execute(self, context: Context) -> Any:
        with airflow_failures(self.failure_action):
            require_text("node_sms_conn_id", self.node_sms_conn_id)
            args = self.validate()
            hook = node_hook(self.node_sms_conn_id)
            self.node_hook_in_use = hook  # for the connection's settings (time zone, default sender)
            try:
                return self.run(hook.get_client(), args, context)
            finally:
                hook.close()


# -- argument checks (each raises ValidationError(field, value, rule)) -----------------------------------
def require_text(field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(field, value, "must be a non-empty text")
    return value.strip()


def optional_text(field: str, value: Any) -> str | None:
    if value is None or value == "":
        return None
    return require_text(field, value)


def require_bool(field: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"  # a rendered template gives "True"/"False"
    raise ValidationError(field, value, "must be True or False")


def optional_bool(field: str, value: Any) -> bool | None:
    return None if value is None or value == "" else require_bool(field, value)


def require_int(field: str, value: Any, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())  # a rendered template is a string
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, value, "must be a whole number")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        low = "" if minimum is None else str(minimum)
        high = "" if maximum is None else str(maximum)
        if low and high:
            rule = f"must be in {low}..{high}"
        else:
            rule = f"must be >= {low}" if low else f"must be <= {high}"
        raise ValidationError(field, value, rule)
    return value


def optional_int(field: str, value: Any, **bounds: Any) -> int | None:
    return None if value is None or value == "" else require_int(field, value, **bounds)


def optional_url(field: str, value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not value.startswith(URL_SCHEMES) or len(value) <= len("https://"):
        raise ValidationError(field, value, "must be an http:// or https:// URL")
    return value


def optional_encoding(field: str, value: Any) -> int | None:
    """``0``/``1``/``2`` or a name (``"turkish"``, ``"utf8"``...), as the Node number."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().lower() in ENCODINGS:
        return ENCODINGS[value.strip().lower()]
    return require_int(field, value, minimum=0, maximum=2)


def optional_datetime(field: str, value: Any) -> Any:
    """An aware UTC pendulum DateTime (naive and zone-less ISO values are UTC), or None."""
    if value is None or value == "":
        return None
    from airflow_provider_ileti.core.localtime import ensure_aware

    return ensure_aware(value, field=field)


def text_list(field: str, value: Any, *, allow_empty: bool = True) -> list[str]:
    """A list of non-empty strings from a list, a rendered JSON/CSV string or any iterable (deduplicated)."""
    from airflow_provider_ileti.tasks.recipients import parse_recipients_value

    if value is None:
        items: Iterable[Any] = ()
    else:
        try:
            items = parse_recipients_value(value)
        except ValidationError as exc:
            raise ValidationError(field, exc.value, "must be a list, an iterable, a string or None") from None
    out: list[str] = []
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str) or not item.strip():
            raise ValidationError(field, item, "every item must be a non-empty text")
        out.append(item.strip())
    if not out and not allow_empty:
        raise ValidationError(field, value, "needs at least one item")
    return list(dict.fromkeys(out))


def number_list(field: str, value: Any, *, allow_empty: bool = True, region: str = "TR") -> list[str]:
    """Normalised numbers (``905551234567``) from anything ``text_list`` accepts."""
    from airflow_provider_ileti.core.phone import normalize_number

    return list(
        dict.fromkeys(
            normalize_number(n, field=field, region=region)
            for n in text_list(field, value, allow_empty=allow_empty)
        )
    )


def exactly_one(**named: Any) -> tuple[str, Any]:
    """The one argument of ``named`` that is given (not None/""), else ``ValidationError``."""
    given = [(name, value) for name, value in named.items() if value is not None and value != ""]
    if len(given) != 1:
        names = ", ".join(named)
        first = next(iter(named))
        raise ValidationError(first, [v for _, v in given] or None, f"give exactly one of {names}")
    return given[0]


# -- results ------------------------------------------------------------------------------------------
def jsonable(value: Any) -> Any:
    """A client model (dataclass, enum, datetime...) as plain JSON values for XCom."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # fields hidden from repr (the models' ``raw`` answer) stay out of XCom too: they repeat
        # everything, message texts included
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value) if f.repr}
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return jsonable(to_dict())
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, Sequence | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)


def field_of(obj: Any, *names: str, default: Any = None) -> Any:
    """The first attribute (or key) of ``obj`` among ``names``: tolerant of the client models' spelling."""
    for name in names:
        if isinstance(obj, Mapping) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default
