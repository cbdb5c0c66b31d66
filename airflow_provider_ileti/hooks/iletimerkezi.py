"""İleti Merkezi hook: an ``iletimerkezi`` connection -> a configured ``IletiMerkeziClient``.

The connection's login is the API key and its password the panel-issued hash; instead of the hash the extra
``api_secret`` may hold the secret (the hash is then computed and registered with Airflow's secrets masker).
``auth_method: password`` selects the old username/password form (login/password). Extras ``timeout``,
``verify_ssl``, ``retries`` and ``max_answer_bytes`` set the HTTP layer's knobs (``clients.http.settings``).
Client modules are imported inside the methods, so a DAG file importing this hook pulls in no requests, lxml
or httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from airflow_provider_ileti.hooks.base import IletiHook

if TYPE_CHECKING:
    from airflow_provider_ileti.clients.iletimerkezi.aio import AsyncIletiMerkeziStatusClient
    from airflow_provider_ileti.clients.iletimerkezi.client import IletiMerkeziClient


class IletiMerkeziHook(IletiHook["IletiMerkeziClient", "AsyncIletiMerkeziStatusClient"]):
    """Talks to İleti Merkezi (XML or JSON per the connection's ``format`` extra)."""

    conn_name_attr: ClassVar[str] = "iletimerkezi_conn_id"
    default_conn_name: ClassVar[str] = "iletimerkezi_default"
    conn_type: ClassVar[str] = "iletimerkezi"
    default_url: ClassVar[str] = "https://api.iletimerkezi.com/v1"
    reads_one_status_per_request: ClassVar[bool] = True

    def __init__(self, iletimerkezi_conn_id: str | None = None, **kwargs: Any) -> None:
        conn_id = kwargs.pop("conn_id", None) or iletimerkezi_conn_id
        super().__init__(conn_id=conn_id, **kwargs)

    @property
    def format(self) -> str:
        return str(self.extra("format", "xml")).strip().lower()

    def _auth_kwargs(self) -> dict[str, Any]:
        """Credentials for the client; a hash computed from the secret is masked in Airflow's logs too."""
        from airflow.providers.common.compat.sdk import mask_secret

        from airflow_provider_ileti.clients.iletimerkezi.auth import hash_from_secret

        conn = self.connection
        if str(self.extra("auth_method", "key")).lower() == "password":
            return {"username": conn.login, "password": conn.password}
        secret = self.extra("api_secret")
        api_hash = conn.password or None
        if not api_hash and secret and conn.login:
            api_hash = hash_from_secret(conn.login, str(secret))
        if api_hash:
            mask_secret(api_hash)
        return {"key": conn.login, "api_hash": api_hash}

    def _secret_given(self) -> bool:
        return bool(self.connection.password or self.extra("api_secret"))

    def _secret_name(self) -> str:
        return "The API hash (or the API secret)"

    def _common_kwargs(self) -> dict[str, Any]:
        return {
            **self._auth_kwargs(),
            "format": self.format,
            "timezone": self.timezone,
        }

    def _build_client(self) -> IletiMerkeziClient:
        from airflow_provider_ileti.clients.iletimerkezi.client import IletiMerkeziClient

        return IletiMerkeziClient(
            self.base_url, default_sender=self.default_sender, **self._common_kwargs(), **self.http_options()
        )

    def get_async_client(self) -> AsyncIletiMerkeziStatusClient:
        """A new async status client for a trigger; not given ``retries``: the trigger counts failed polls
        itself, so a poll is not also retried inside the client."""
        from airflow_provider_ileti.clients.iletimerkezi.aio import AsyncIletiMerkeziStatusClient

        options = {name: value for name, value in self.http_options().items() if name != "retries"}
        return AsyncIletiMerkeziStatusClient(self.base_url, **self._common_kwargs(), **options)
