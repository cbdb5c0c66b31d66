"""A small client for the admin API, for tests and scripts in another process than the sandbox."""

from __future__ import annotations

from typing import Any

import requests


class SandboxAdmin:
    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._session = requests.Session()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        resp = self._session.request(method, f"{self.url}/_admin{path}", timeout=self.timeout, **kwargs)
        resp.raise_for_status()
        return resp.json()

    def requests(
        self, service: str | None = None, path: str | None = None, method: str | None = None
    ) -> list[dict[str, Any]]:
        params = {k: v for k, v in {"service": service, "path": path, "method": method}.items() if v}
        return list(self._call("GET", "/requests", params=params)["requests"])

    def reset(self) -> None:
        self._call("POST", "/reset")

    def add_fault(self, path: str, mode: str, **options: Any) -> dict[str, Any]:
        return dict(self._call("POST", "/faults", json={"path": path, "mode": mode, **options})["fault"])

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def clock(self, speed: float | None = None, advance: float | None = None) -> dict[str, Any]:
        body = {k: v for k, v in {"speed": speed, "advance": advance}.items() if v is not None}
        return dict(self._call("POST", "/clock", json=body))

    def state(self, service: str) -> dict[str, Any]:
        return dict(self._call("GET", f"/state/{service}"))
