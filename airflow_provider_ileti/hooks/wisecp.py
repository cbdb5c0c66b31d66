"""Airflow hook for a WISECP panel's international SMS API.

Cheap to import: the clients (requests, httpx, phonenumbers) are imported inside the methods that build them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from airflow_provider_ileti.hooks.base import IletiHook

if TYPE_CHECKING:
    from airflow_provider_ileti.clients.wisecp.aio import AsyncWisecpStatusClient
    from airflow_provider_ileti.clients.wisecp.client import WisecpClient
    from airflow_provider_ileti.clients.wisecp.pricing import CostEstimate
    from airflow_provider_ileti.clients.wisecp.senders import SenderCheck


class WisecpHook(IletiHook["WisecpClient", "AsyncWisecpStatusClient"]):
    """A connection of type ``wisecp`` -> a configured ``WisecpClient``.

    Host: the panel's SMS API URL (each reseller runs its own panel, so there is no public default);
    password: the client's user token; extras: ``default_sender``, ``sender_rules`` (per-country sender ID
    rules as JSON over the guessed default, ``clients/wisecp/senders.py``), ``strict_sender_rules``
    (refuse, rather than warn about, a sender that needs pre-approval), and the HTTP layer's knobs
    ``timeout``, ``verify_ssl``, ``retries`` and ``max_answer_bytes`` (``clients.http.settings``).
    """

    conn_name_attr: ClassVar[str] = "wisecp_conn_id"
    default_conn_name: ClassVar[str] = "wisecp_default"
    conn_type: ClassVar[str] = "wisecp"
    #: None: WISECP is self-hosted, every panel has its own URL, so a connection without a host is refused
    #: (``base_url``) before any request — the user token must never go to a guessed address. A bare host
    #: (``panel.example.net``) gets https and no path; give the full SMS API URL when it has one.
    default_url: ClassVar[str] = "https://"
    reads_one_status_per_request: ClassVar[bool] = True

    def __init__(self, wisecp_conn_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(conn_id=wisecp_conn_id or kwargs.pop("conn_id", None), **kwargs)

    def _build_client(self) -> WisecpClient:
        from airflow_provider_ileti.clients.wisecp.client import WisecpClient

        return WisecpClient(
            self.base_url,
            self._token,
            default_sender=self.default_sender,
            sender_rules=self.extra("sender_rules"),
            strict_sender_rules=self.strict_sender_rules,
            **self.http_options(),
        )

    @property
    def strict_sender_rules(self) -> bool:
        """Extra ``strict_sender_rules`` (default false): a form's checkbox, or true/false as JSON or text."""
        return self._bool_extra("strict_sender_rules", False)

    def get_async_client(self) -> AsyncWisecpStatusClient:
        """A new async status client for a trigger (close it with ``aclose()``)."""
        from airflow_provider_ileti.clients.wisecp.aio import AsyncWisecpStatusClient

        return AsyncWisecpStatusClient(self.base_url, self._token, **self.http_options())

    @property
    def base_url(self) -> str:
        """The panel's SMS API URL from the connection's host; a ``ValidationError`` when it has none."""
        from airflow_provider_ileti.core.errors import ValidationError

        if not (self.connection.host or "").strip():
            raise ValidationError(
                "host",
                self.connection.host,
                f"{self._where()} needs the host: your WISECP panel's SMS API URL "
                "(WISECP is self-hosted; there is no public default)",
                service="wisecp",
            )
        return super().base_url

    def _secret_given(self) -> bool:
        return bool(self._token)

    def _secret_name(self) -> str:
        return "The user token"

    @property
    def _token(self) -> str:
        """The user token: the connection's password (or an extra named ``token``, which Airflow masks)."""
        return str(self.connection.password or self.extra("token") or "")

    def get_prices(self) -> dict[str, float]:
        """Price of one SMS part per country (ISO alpha-2 -> amount in the panel's currency)."""
        return self.get_client().get_prices()

    def estimate_cost(self, numbers: list[str], text: str) -> CostEstimate:
        """Parts of ``text`` x the price of each recipient's country."""
        return self.get_client().estimate_cost(numbers, text)

    def check_senders(self, numbers: list[str], sender: str | None = None) -> SenderCheck:
        """The per-country sender ID rules for ``sender`` (or the default) to ``numbers``; no request."""
        return self.get_client().check_senders(numbers, origin=sender)
