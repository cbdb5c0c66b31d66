"""No record, no send (issue 13, "progress that cannot be stored").

Below Airflow 3.3 the send's progress lives in an Airflow Variable. When it could not be written, the
operator logged a warning and sent anyway; after a kill the retry had no record and sent the same chunks
again on the services that cannot be asked what went out (İleti Merkezi, İletiniz, WISECP). Now such a send
stops before its request (a retryable error: Airflow's retry tries again). Node keeps sending: its
client ids let a retry look up what went out.
"""

from __future__ import annotations

from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowException, Variable

from tests.integration.operators.journal import send_count
from tests.unit.operators.support import FakeTI, make_context

pytestmark = pytest.mark.integration

NUMBERS = ["05555550001", "05555550002"]
#: connection id, service, the path of its send requests
RECORD_ONLY = [
    ("iletimerkezi_default", "iletimerkezi", "send-sms"),
    ("iletiniz_default", "iletiniz", "/v1/messages/bulk"),
    ("wisecp_default", "wisecp", "submit"),
]


class _Down:
    calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        type(self).calls += 1
        raise ConnectionError("metadata database unreachable")


def _store_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Variable, "set", _Down())
    monkeypatch.setattr(Variable, "get", _Down())


@pytest.mark.parametrize(("conn_id", "service", "path"), RECORD_ONLY, ids=[s for _, s, _ in RECORD_ONLY])
@pytest.mark.parametrize("try_number", [1, 2])
def test_a_service_without_client_ids_sends_nothing_without_a_record(
    ileti_sandbox_env: Any,
    monkeypatch: pytest.MonkeyPatch,
    conn_id: str,
    service: str,
    path: str,
    try_number: int,
) -> None:
    from airflow_provider_ileti.operators.send import SendSmsOperator

    _store_down(monkeypatch)
    task = SendSmsOperator(task_id="send", conn_id=conn_id, message="Merhaba", recipients=NUMBERS)
    with pytest.raises(AirflowException) as info:
        task.execute(make_context(FakeTI(run_id="store-down", try_number=try_number)))  # no task_state_store
    message = str(info.value)
    assert "progress cannot be" in message and "nothing more is sent without a record" in message
    assert "ConnectionError" in message
    assert send_count(ileti_sandbox_env, path, service) == 0


def test_node_sends_without_a_record_because_a_retry_can_look_its_chunks_up(
    ileti_sandbox_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow_provider_ileti.operators.send import SendSmsOperator

    _store_down(monkeypatch)
    task = SendSmsOperator(task_id="send", conn_id="node_sms_default", message="Merhaba", recipients=NUMBERS)
    result = task.execute(make_context(FakeTI(run_id="store-down-node", try_number=1)))
    assert result["recipients"] == 2 and send_count(ileti_sandbox_env, "/sms/create", "node") == 1
