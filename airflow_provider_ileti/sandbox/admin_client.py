"""A small client for the admin API, for tests and scripts in another process than the sandbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import requests


class SandboxAdminError(requests.HTTPError):
    """The admin API refused a call; the message carries its reason (field, value, rule)."""


class SandboxAdmin:
    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._session = requests.Session()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        resp = self._session.request(method, f"{self.url}/_admin{path}", timeout=self.timeout, **kwargs)
        if resp.status_code >= 400:
            try:
                message = resp.json().get("message", resp.text)
            except ValueError:
                message = resp.text
            raise SandboxAdminError(
                f"{method} /_admin{path}: HTTP {resp.status_code}: {message}", response=resp
            )
        return resp.json()

    def requests(
        self, service: str | None = None, path: str | None = None, method: str | None = None
    ) -> list[dict[str, Any]]:
        params = {k: v for k, v in {"service": service, "path": path, "method": method}.items() if v}
        return list(self._call("GET", "/requests", params=params)["requests"])

    def refusals(self) -> dict[str, Any]:
        """``{"count", "refusals"}``: requests refused as breaking the vendor's document since the reset."""
        return dict(self._call("GET", "/refusals"))

    def reset(self) -> None:
        self._call("POST", "/reset")

    def add_fault(self, path: str, mode: str, **options: Any) -> dict[str, Any]:
        return dict(self._call("POST", "/faults", json={"path": path, "mode": mode, **options})["fault"])

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def clock(self, speed: float | None = None, advance: float | None = None) -> dict[str, Any]:
        body = {k: v for k, v in {"speed": speed, "advance": advance}.items() if v is not None}
        return dict(self._call("POST", "/clock", json=body))

    def now(self) -> datetime:
        """The sandbox's virtual now (UTC)."""
        return datetime.fromisoformat(self._call("GET", "/clock")["now"])

    def state(self, service: str) -> dict[str, Any]:
        return dict(self._call("GET", f"/state/{service}"))

    def set_state(self, service: str, **values: Any) -> dict[str, Any]:
        """Set account state (``POST /_admin/state/{service}``); returns the new snapshot."""
        return dict(self._call("POST", f"/state/{service}", json=values))

    def set_node_credit(self, credit: int) -> dict[str, Any]:
        return self.set_state("node", credit=credit)

    def set_node_sending_hours(self, start: int | None, end: int | None = None) -> dict[str, Any]:
        """Allow Node sends only in ``[start, end)`` panel hours (SMS44 otherwise); ``None`` lifts it."""
        return self.set_state("node", sending_hours=None if start is None else [start, end])

    def set_iletiniz_plan(
        self, *, active: bool | None = True, quota: int | None = None, used: int | None = None
    ) -> dict[str, Any]:
        values: dict[str, Any] = {"plan_active": active}
        values.update({k: v for k, v in {"quota": quota, "used": used}.items() if v is not None})
        return self.set_state("iletiniz", **values)

    def set_wisecp_balance(self, balance: float) -> dict[str, Any]:
        return self.set_state("wisecp", balance=balance)
