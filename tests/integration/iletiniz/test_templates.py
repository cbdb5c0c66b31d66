"""İletiniz server-side templates over real HTTP: the client's template batch, the sandbox rendering and
refusing by the document, and ``IletinizTemplateSendOperator`` with the send's guarantees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from airflow.providers.common.compat.sdk import AirflowException, AirflowFailException

from airflow_provider_ileti.clients.iletiniz.client import IletinizClient
from airflow_provider_ileti.clients.iletiniz.templates import encode_template_text
from airflow_provider_ileti.core.errors import ServiceError, TransientError
from airflow_provider_ileti.core.models import SendBatch, SmsMessage
from airflow_provider_ileti.operators.iletiniz import IletinizTemplateSendOperator
from airflow_provider_ileti.sandbox.credentials import ILETINIZ_API_KEY
from tests.unit.operators.support import FakeStateStore, FakeTI, make_context

AUTH = {"Authorization": f"Bearer {ILETINIZ_API_KEY}"}


def context(task_id: str) -> dict[str, Any]:
    return make_context(FakeTI(task_id=task_id, dag_id="iz_templates"), FakeStateStore())


def number(i: int) -> str:
    return f"+90555{i:07d}"


def test_a_batch_of_template_messages_goes_out_as_one_bulk_request_with_the_template(
    client: IletinizClient, ileti_sandbox: Any, state: Any
) -> None:
    batch = SendBatch(
        messages=tuple(
            SmsMessage(encode_template_text("order_shipped", {"order": f"A-{i}"}), (number(i),))
            for i in range(3)
        )
    )
    client.validate_send(batch)
    receipt = client.send(batch)
    assert receipt.recipients == 3
    (request,) = ileti_sandbox.requests(service="iletiniz", path="/v1/messages/bulk")
    assert request["body"]["template"] == "order_shipped"
    assert request["body"]["items"][1] == {"to": number(1), "variables": {"order": "A-1"}}
    texts = sorted(j["text"] for j in state.snapshot()["jobs"])
    assert texts == [f"Siparisiniz A-{i} kargoya verildi." for i in range(3)]
    assert ileti_sandbox.refusals() == []


def test_an_unknown_template_is_an_error_and_nothing_is_queued(
    client: IletinizClient, ileti_sandbox: Any, state: Any
) -> None:
    with pytest.raises(ServiceError, match="template_not_found|No template"):
        client.send_message(number(1), template="no_such_template", variables={"x": 1})
    assert state.snapshot()["jobs"] == []


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/v1/messages",
            {"to": "+905551234567", "template": "otp", "variables": {"code": [1]}},
            "variables.code",
        ),
        (
            "/v1/messages",
            {"to": "+905551234567", "template": "otp", "variables": {"code": None}},
            "variables.code",
        ),
        (
            "/v1/messages",
            {"to": "+905551234567", "template": "otp", "variables": {"code": True}},
            "variables.code",
        ),
        ("/v1/messages", {"to": "+905551234567", "template": "otp"}, "variables"),
        ("/v1/messages", {"to": "+905551234567", "template": 5}, "template"),
    ],
)
def test_the_sandbox_refuses_what_the_document_cannot_render(
    api_url: str, ileti_sandbox: Any, state: Any, path: str, body: dict[str, Any], field: str
) -> None:
    answer = requests.post(api_url + path, json=body, headers=AUTH, timeout=10)
    assert answer.status_code == 422 and field in answer.json()["message"]
    assert [r["reason"].split(":")[0] for r in ileti_sandbox.refusals()] == [field]
    assert state.snapshot()["jobs"] == []


def test_a_bulk_item_without_its_slots_fails_alone_and_is_counted(api_url: str, ileti_sandbox: Any) -> None:
    body = {
        "template": "order_refunded",
        "items": [
            {"to": "+905551234567", "variables": {"order": "A1", "amount": 12.5}},
            {"to": "+905551234568", "variables": {"order": "A2"}},
        ],
    }
    answer = requests.post(api_url + "/v1/messages/bulk", json=body, headers=AUTH, timeout=10).json()
    assert (answer["sent"], answer["failed"]) == (1, 1)
    assert "amount" in answer["results"][1]["error"]["message"]
    assert [r["reason"] for r in ileti_sandbox.refusals()] == ["items[1].variables: lacks amount"]


def test_the_operator_sends_each_recipient_its_variables_in_chunks(
    ileti_sandbox_env: Any, state: Any
) -> None:
    rows = [
        {"phone": number(i), "variables": {"first_name": f"Kişi {i}", "code": f"K{i}"}} for i in range(250)
    ]
    op = IletinizTemplateSendOperator(
        task_id="send",
        template="campaign",
        variables={"discount": 20},
        recipients=rows,
        required_variables=["first_name", "code", "discount"],
    )
    result = op.execute(context("send"))
    assert result["service"] == "iletiniz" and result["recipients"] == 250 and result["chunks"] == 2
    bulk = ileti_sandbox_env.requests(service="iletiniz", path="/v1/messages/bulk")
    assert [len(r["body"]["items"]) for r in bulk] == [200, 50]
    assert {r["body"]["template"] for r in bulk} == {"campaign"}
    jobs = {j["to"]: j for j in state.snapshot()["jobs"]}
    assert jobs[number(7)]["text"] == "Merhaba Kişi 7, K7 koduyla %20 indirim sizi bekliyor."
    assert jobs[number(7)]["template"] == "campaign"
    assert ileti_sandbox_env.refusals() == []


def test_one_row_without_a_required_variable_stops_the_send_before_any_request(
    ileti_sandbox_env: Any, state: Any
) -> None:
    rows = [{"phone": number(i), "variables": {"order": f"A{i}"}} for i in range(300)]
    rows[240] = {"phone": number(240), "variables": {"ordr": "A240"}}
    op = IletinizTemplateSendOperator(
        task_id="send", template="order_shipped", recipients=rows, required_variables="order"
    )
    with pytest.raises(AirflowFailException) as caught:
        op.execute(context("send"))
    message = str(caught.value)
    assert "recipients[240]" in message and "+90555***0240" in message and "order" in message
    assert number(240) not in message
    assert ileti_sandbox_env.requests(service="iletiniz") == [] and state.snapshot()["jobs"] == []


def test_variable_columns_read_a_csv(ileti_sandbox_env: Any, state: Any, tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("telefon,order,amount\n05551230001,S-1,12.50\n05551230002,S-2,7\n", encoding="utf-8")
    op = IletinizTemplateSendOperator(
        task_id="send",
        template="order_refunded",
        recipients_csv=str(path),
        variable_columns=["order", "amount"],
    )
    assert op.execute(context("send"))["recipients"] == 2
    texts = sorted(j["text"] for j in state.snapshot()["jobs"])
    assert texts == ["Siparisiniz S-1 icin 12.50 TL iade edildi.", "Siparisiniz S-2 icin 7 TL iade edildi."]


def test_a_retry_whose_variables_changed_stops_before_sending_again(
    ileti_sandbox_env: Any, state: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Try 1 sends chunk 0, then fails before chunk 1 reaches İletiniz; try 2's chunk 0 carries other
    variables: the fingerprint (template and variables) differs, and nothing more is sent."""
    original = IletinizClient.send
    calls = {"n": 0}

    def send(self: IletinizClient, batch: SendBatch) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise TransientError("connection refused (injected)")
        return original(self, batch)

    monkeypatch.setattr(IletinizClient, "send", send)
    rows = [{"phone": number(i), "variables": {"order": f"A{i}"}} for i in range(4)]

    def task() -> IletinizTemplateSendOperator:
        return IletinizTemplateSendOperator(
            task_id="send", template="order_shipped", recipients=rows, chunk_size=2
        )

    store, ti = FakeStateStore(), FakeTI(run_id="changed")
    with pytest.raises(AirflowException, match="connection refused"):
        task().execute(make_context(ti, store))
    assert len(state.snapshot()["jobs"]) == 2
    rows[1] = {"phone": number(1), "variables": {"order": "CHANGED"}}
    ti.try_number = 2
    with pytest.raises(AirflowFailException, match="recipients changed between tries"):
        task().execute(make_context(ti, store))
    assert len(state.snapshot()["jobs"]) == 2


def test_a_connection_of_another_service_is_refused_before_any_request(ileti_sandbox_env: Any) -> None:
    op = IletinizTemplateSendOperator(
        task_id="send",
        conn_id="wisecp_default",
        template="otp",
        recipients=[number(1)],
        variables={"code": 1},
    )
    with pytest.raises(AirflowFailException, match="İletiniz connection"):
        op.execute(context("send"))
    assert ileti_sandbox_env.requests() == []


def test_a_text_argument_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="no text"):
        IletinizTemplateSendOperator(
            task_id="send", template="otp", message="Merhaba", recipients=[number(1)]
        )
