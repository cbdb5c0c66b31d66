"""Helpers for the Node sandbox tests: an authenticated JSON caller and package helpers."""

from __future__ import annotations

from typing import Any

import requests

from airflow_provider_ileti.sandbox import credentials

AUTH = (credentials.NODE_USERNAME, credentials.NODE_PASSWORD)


class NodeApi:
    def __init__(self, url: str) -> None:
        self.base = url.rstrip("/") + "/node"
        self.session = requests.Session()
        self.session.auth = AUTH

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.session.post(
            f"{self.base}/{path}", json=body if body is not None else {}, timeout=10, **kwargs
        )

    def get(self, path: str, params: Any = None) -> requests.Response:
        return self.session.get(f"{self.base}/{path}", params=params, timeout=10)

    def data(self, path: str, body: Any = None) -> dict[str, Any]:
        resp = self.post(path, body)
        payload = resp.json()
        assert resp.status_code == 200, payload
        assert payload["err"] is None
        return dict(payload["data"])

    def error(self, path: str, body: Any = None, *, method: str = "POST") -> tuple[int, dict[str, Any]]:
        resp = self.post(path, body) if method == "POST" else self.get(path, body)
        payload = resp.json()
        assert payload["data"] is None
        assert payload["err"]["status"] == resp.status_code
        return resp.status_code, payload["err"]

    def send(self, numbers: list[str] | None = None, **fields: Any) -> int:
        body: dict[str, Any] = {
            "type": 1,
            "sendingType": 1,
            "numbers": numbers or ["905551230001"],
            "sender": "SANDBOX",
            "title": "test",
            "content": "Merhaba",
            "encoding": 0,
        }
        body.update(fields)
        return int(self.data("sms/create", body)["pkgID"])

    def package(self, pkg_id: int) -> dict[str, Any]:
        rows = self.data("sms/list", {"ids": [pkg_id]})["list"]
        assert len(rows) == 1
        return dict(rows[0])
