"""A source that changes between tries stops the retry before any send (issue 13, "source changed").

Try 1 sends chunk 0, then its next request fails before reaching the service. Try 2 reads the same
recipients in another order (a regenerated CSV, a query without ORDER BY). Resuming by position once sent
chunk 1 of the new order — some numbers of chunk 0 a second time — and never sent the others, and the task
succeeded. Now the fingerprint kept with chunk 0 does not match, and try 2 fails before any request.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowException, AirflowFailException

from airflow_provider_ileti.core.errors import TransientError
from tests.integration.operators.journal import send_count
from tests.integration.send_spy import patch_send
from tests.unit.operators.support import FakeStateStore, FakeTI, make_context

pytestmark = pytest.mark.integration

NUMBERS = [f"0555555{i:04d}" for i in range(8)]
#: connection id, its client class, the path of its send requests
SERVICES = [
    ("node_sms_default", "airflow_provider_ileti.clients.node.client.NodeClient", "/sms/create"),
    (
        "iletimerkezi_default",
        "airflow_provider_ileti.clients.iletimerkezi.client.IletiMerkeziClient",
        "send-sms",
    ),
    ("wisecp_default", "airflow_provider_ileti.clients.wisecp.client.WisecpClient", "submit"),
]


def _fail_second_send(monkeypatch: pytest.MonkeyPatch, dotted: str) -> dict[str, Any]:
    """The second send fails before it reaches the service (surely not sent) while ``armed``."""
    module, _, name = dotted.rpartition(".")
    client_class = getattr(__import__(module, fromlist=[name]), name)
    calls: dict[str, Any] = {"n": 0, "armed": True}

    def send(original: Any, self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["armed"] and calls["n"] == 2:
            raise TransientError("connection refused (injected)")
        return original(self, *args, **kwargs)

    patch_send(monkeypatch, client_class, send)
    return calls


@pytest.mark.parametrize(("conn_id", "client_class", "path"), SERVICES, ids=[s[0] for s in SERVICES])
@pytest.mark.parametrize("kind", ["list", "csv"])
def test_a_reordered_source_stops_the_retry_before_any_send(
    ileti_sandbox_env: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    conn_id: str,
    client_class: str,
    path: str,
    kind: str,
) -> None:
    from airflow_provider_ileti.operators.send import SendSmsOperator

    def task(numbers: list[str]) -> SendSmsOperator:
        source: dict[str, Any] = {"recipients": numbers}
        if kind == "csv":
            csv_path = tmp_path / "r.csv"
            csv_path.write_text("phone,name\n" + "".join(f"{n},Ad{n[-2:]}\n" for n in numbers), "utf-8")
            source = {"recipients_csv": str(csv_path)}
        return SendSmsOperator(
            task_id="send", conn_id=conn_id, message_template="Merhaba {{ r.name | default('') }}",
            chunk_size=4, **source,
        )  # fmt: skip

    store, ti = FakeStateStore(), FakeTI(run_id="reordered")
    failing = _fail_second_send(monkeypatch, client_class)
    with pytest.raises(AirflowException, match="connection refused"):
        task(NUMBERS).execute(make_context(ti, store))
    sent = send_count(ileti_sandbox_env, path)
    assert sent > 0  # chunk 0 (WISECP: one submit per personalised text)
    failing["armed"] = False

    ti.try_number = 2
    with pytest.raises(AirflowFailException) as info:
        task(list(reversed(NUMBERS))).execute(make_context(ti, store))
    message = str(info.value)
    assert "recipients changed between tries" in message and "chunk 0" in message
    assert "05555550" not in message
    assert send_count(ileti_sandbox_env, path) == sent, "the retry sent nothing"


def test_the_same_source_resumes_after_the_sent_chunk(
    ileti_sandbox_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow_provider_ileti.operators.send import SendSmsOperator

    def task() -> SendSmsOperator:
        return SendSmsOperator(
            task_id="send", conn_id="wisecp_default", message="Merhaba", recipients=NUMBERS, chunk_size=4
        )

    store, ti = FakeStateStore(), FakeTI(run_id="same")
    failing = _fail_second_send(monkeypatch, SERVICES[2][1])
    with pytest.raises(AirflowException, match="connection refused"):
        task().execute(make_context(ti, store))
    failing["armed"] = False
    ti.try_number = 2
    result = task().execute(make_context(ti, store))
    assert result["recipients"] == 8 and send_count(ileti_sandbox_env, "submit") == 2
