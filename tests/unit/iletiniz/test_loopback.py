"""The loopback listener: only its callback path counts, the first redirect wins; silence times out."""

from __future__ import annotations

import io

import pytest
import requests

from airflow_provider_ileti.connect.iletiniz import authorize
from airflow_provider_ileti.connect.loopback import LoopbackListener
from airflow_provider_ileti.core.errors import AuthenticationError


def test_listener_takes_the_first_callback_only() -> None:
    with LoopbackListener() as listener:
        assert listener.redirect_uri.startswith("http://127.0.0.1:") and listener.port > 0
        assert requests.get(f"http://127.0.0.1:{listener.port}/favicon.ico", timeout=5).status_code == 404
        assert listener.wait(0.05) is None
        page = requests.get(listener.redirect_uri + "?code=a&state=s", timeout=5)
        assert page.status_code == 200 and "close this window" in page.text
        requests.get(listener.redirect_uri + "?code=b&state=s", timeout=5)
        assert listener.wait(1) == listener.redirect_uri + "?code=a&state=s"


def test_no_redirect_times_out_with_advice() -> None:
    opened: list[str] = []
    with pytest.raises(AuthenticationError, match="--no-browser"):
        authorize("http://127.0.0.1:9", "cid", opener=opened.append, out=io.StringIO(), timeout=0.1)
    assert opened and opened[0].startswith("http://127.0.0.1:9/connect/authorize?")


def test_nothing_pasted_is_refused() -> None:
    with pytest.raises(AuthenticationError, match="no redirect URL"):
        authorize("http://127.0.0.1:9", "cid", no_browser=True, stdin=io.StringIO(""), out=io.StringIO())
