"""Node SMS API hook: a ``node_sms`` connection -> a configured ``NodeClient`` (REST or SOAP).

Connection: host (a host name or a full URL with path), port, schema, login (API username), password (API
password); extras ``protocol`` (rest|soap), ``timezone`` (default Europe/Istanbul), ``default_sender`` and the
HTTP knobs every hook shares (``timeout``, ``verify_ssl``, ``retries``, ``max_answer_bytes``). Client
modules are imported inside the methods, so a DAG file that imports this hook loads no requests, zeep,
lxml, httpx or phonenumbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from airflow_provider_ileti.hooks.base import IletiHook

if TYPE_CHECKING:
    from airflow_provider_ileti.clients.node.aio import AsyncNodeStatusClient
    from airflow_provider_ileti.clients.node.client import NodeClient

#: The Node API is a white-label panel (every reseller runs it on their own host), so there is no public
#: URL: this placeholder uses the vendor document's default port 9587 and is meant to be replaced by the
#: connection's host. https because a production panel should be reached over TLS.
DEFAULT_URL = "https://localhost:9587"
PROTOCOLS = ("rest", "soap")


class NodeSmsHook(IletiHook["NodeClient", "AsyncNodeStatusClient"]):
    """Talks to a Node SMS panel; ``get_client()`` returns a ``NodeClient``."""

    conn_name_attr: ClassVar[str] = "node_sms_conn_id"
    default_conn_name: ClassVar[str] = "node_sms_default"
    conn_type: ClassVar[str] = "node_sms"
    default_url: ClassVar[str] = DEFAULT_URL

    def __init__(self, node_sms_conn_id: str | None = None, **kwargs: Any) -> None:
        conn_id = kwargs.pop("conn_id", None) or node_sms_conn_id
        super().__init__(conn_id=conn_id, **kwargs)

    @property
    def protocol(self) -> str:
        from airflow_provider_ileti.core.errors import ValidationError

        value = str(self.extra("protocol", "rest")).strip().lower()
        if value not in PROTOCOLS:
            raise ValidationError("protocol", value, "must be rest or soap", service="node")
        return value

    def _credentials(self) -> tuple[str, str]:
        conn = self.connection
        return str(conn.login or ""), str(conn.password or "")

    def _build_client(self) -> NodeClient:
        from airflow_provider_ileti.clients.node.client import NodeClient

        username, password = self._credentials()
        return NodeClient(
            self.base_url,
            username,
            password,
            protocol=self.protocol,
            timezone=self.timezone,
            default_sender=self.default_sender,
            **self.http_options(),
        )

    def get_async_client(self) -> AsyncNodeStatusClient:
        from airflow_provider_ileti.clients.node.aio import AsyncNodeStatusClient

        username, password = self._credentials()
        return AsyncNodeStatusClient(
            self.base_url,
            username,
            password,
            timezone=self.timezone,
            **{**self.http_options(), "retries": 0},  # the trigger polls again; it does not retry
        )

    def _check(self) -> str:
        """Reads the credit (``/user/credit``); never sends."""
        return f"{self.get_client().get_credit():,.0f} SMS credits over {self.protocol.upper()}"

    @property
    def base_url(self) -> str:
        """The panel's URL. Node is white-label with no public address, and panels speak plain HTTP as often
        as HTTPS (on 9587 by default), so a host without its scheme is refused rather than guessed."""
        from airflow_provider_ileti.core.errors import ValidationError

        host = (self.connection.host or "").strip()
        if host and "://" not in host and not self.connection.schema:
            raise ValidationError(
                f"{self._where()} host",
                host,
                "needs its scheme: http://host:port or https://host (the panel's URL as its vendor gives it)",
                service="node",
            )
        return super().base_url
