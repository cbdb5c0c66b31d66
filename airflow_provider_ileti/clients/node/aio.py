"""``AsyncNodeStatusClient``: package states for the deferrable sensor's trigger, over the async HTTP layer.

ONE ``/sms/list`` request with ``ids`` for up to 1000 references, so a trigger watching many packages never
blocks the triggerer's event loop and never makes a request per package. It speaks REST/JSON whatever the
connection's protocol (the same server and credentials a SOAP connection's REST fallback uses); answers are
read by the same code as the sync client's (``answers.read_json_envelope``, ``Package``, ``status_of``). It
does not retry: the trigger polls again, and counts transient failures itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_ileti.clients.http.aio import AsyncHttpSession
from airflow_provider_ileti.clients.http.settings import DEFAULT_MAX_ANSWER_BYTES, HttpSettings
from airflow_provider_ileti.clients.node import SERVICE
from airflow_provider_ileti.clients.node import validation as v
from airflow_provider_ileti.clients.node.answers import read_json_envelope
from airflow_provider_ileti.clients.node.models import Package, _list, _map
from airflow_provider_ileti.clients.node.status import status_of
from airflow_provider_ileti.core.errors import NotFoundError
from airflow_provider_ileti.core.localtime import DEFAULT_TIMEZONE
from airflow_provider_ileti.core.models import DeliveryStatus

FUNCTION = "sms/list"


class AsyncNodeStatusClient:
    service = SERVICE
    max_status_batch = v.MAX_LIST_IDS

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        timezone: str = DEFAULT_TIMEZONE,
        timeout: float = 30.0,
        verify_ssl: bool = True,
        retries: int = 0,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.username = username
        self.timezone = timezone
        self._http = AsyncHttpSession(
            HttpSettings(
                timeout=timeout, verify_ssl=verify_ssl, retries=retries, max_answer_bytes=max_answer_bytes
            ),
            service=SERVICE,
            auth=(username, password),
            headers={"Accept": "application/json"},
            secrets=(password,),
        )

    def __repr__(self) -> str:
        return f"AsyncNodeStatusClient(base_url={self.base_url!r}, username={self.username!r})"

    __str__ = __repr__

    async def get_statuses(self, references: Sequence[str]) -> list[DeliveryStatus]:
        ids = v.ids(references, "references")
        if not ids:
            return []
        payload: dict[str, Any] = {"ids": ids, "pageIndex": 0, "pageSize": max(v.PAGE_SIZE[0], len(ids))}
        answer = await self._http.request("POST", f"{self.base_url}/{FUNCTION}", what=FUNCTION, json=payload)
        data = read_json_envelope(answer, FUNCTION)
        by_id = {
            p.id: status_of(p)
            for p in (Package.from_dict(_map(x), self.timezone) for x in _list(_map(data).get("list")))
        }
        missing = [i for i in ids if i not in by_id]
        if missing:
            shown = ", ".join(map(str, missing[:10]))
            raise NotFoundError(f"{FUNCTION}: no such package: {shown}", service=SERVICE, code="SMS06")
        return [by_id[i] for i in ids]

    async def aclose(self) -> None:
        await self._http.aclose()
