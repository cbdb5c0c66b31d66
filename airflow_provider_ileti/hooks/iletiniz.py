"""Airflow hook for İletiniz. Cheap to import: the clients (requests, httpx) load inside the methods.

Connection: host = API URL (default https://api.iletiniz.com), password = the ``iltz_`` key (put there by
``ileti-connect iletiniz``), extras ``auth_url``/``client_id`` (for the connect CLI), ``provider``,
``default_sender``, ``timeout``, ``verify_ssl``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from airflow_provider_ileti.hooks.base import IletiHook

if TYPE_CHECKING:
    from airflow_provider_ileti.clients.iletiniz.aio import AsyncIletinizStatusClient
    from airflow_provider_ileti.clients.iletiniz.client import IletinizClient, QuotaCheck


class IletinizHook(IletiHook["IletinizClient", "AsyncIletinizStatusClient"]):
    """A connection of type ``iletiniz`` -> a configured ``IletinizClient``."""

    conn_name_attr: ClassVar[str] = "iletiniz_conn_id"
    default_conn_name: ClassVar[str] = "iletiniz_default"
    conn_type: ClassVar[str] = "iletiniz"
    default_url: ClassVar[str] = "https://api.iletiniz.com"
    reads_one_status_per_request: ClassVar[bool] = True

    def __init__(self, iletiniz_conn_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(conn_id=iletiniz_conn_id or kwargs.pop("conn_id", None), **kwargs)

    @property
    def _api_key(self) -> str:
        return str(self.connection.password or self.extra("api_key") or "")

    def _build_client(self) -> IletinizClient:
        from airflow_provider_ileti.clients.iletiniz.client import IletinizClient

        return IletinizClient(
            self.base_url,
            self._api_key,
            default_sender=self.default_sender,
            default_provider=self.extra("provider"),
            **self.http_options(),
        )

    def get_async_client(self) -> AsyncIletinizStatusClient:
        from airflow_provider_ileti.clients.iletiniz.aio import AsyncIletinizStatusClient

        return AsyncIletinizStatusClient(self.base_url, self._api_key, **self.http_options())

    def check_quota(self, planned: Any) -> QuotaCheck:
        """See ``IletinizClient.check_quota``: raises ``InsufficientCreditError`` with the upgrade link."""
        return self.get_client().check_quota(planned)

    def _secret_given(self) -> bool:
        return bool(self._api_key)

    def _secret_name(self) -> str:
        return "The API key"

    def _check(self) -> str:
        """Read-only: the account (plan and quota); a key without ``account:read`` falls back to health."""
        from airflow_provider_ileti.core.errors import AuthenticationError

        client = self.get_client()
        try:
            account = client.get_account()
        except AuthenticationError as exc:
            if exc.http_status != 403:
                raise
            health = client.health()
            state = health.get("status", "answering") if isinstance(health, dict) else "answering"
            return f"the service is {state} (this key may not read the account: no account:read scope)"
        plan = account.plan.name if account.plan else "no plan"
        return f"plan {plan}, {account.remaining_quota:,} SMS left in the quota"
