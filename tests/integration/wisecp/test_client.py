"""Every WISECP client function against the sandbox over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_ileti.clients.wisecp.client import WisecpClient
from airflow_provider_ileti.clients.wisecp.pricing import CostEstimate
from airflow_provider_ileti.core.errors import (
    AuthenticationError,
    InsufficientCreditError,
    NotChangeableError,
    NotFoundError,
    ServiceError,
    ValidationError,
)
from airflow_provider_ileti.core.models import DeliveryPhase, SendBatch, SmsMessage
from airflow_provider_ileti.core.protocol import SmsClient
from airflow_provider_ileti.sandbox.credentials import WISECP_TOKEN
from airflow_provider_ileti.sandbox.services import wisecp as sandbox_wisecp

GB_DELIVERED = "+44 7400 123456"
GB_UNDELIVERED = "+44 7400 123459"
GB_EXPIRES = "+44 7400 123458"
DE_DELIVERED = "+49 151 23456780"
US_NUMBER = "+1 202 555 0143"


def test_the_client_implements_the_common_protocol(client: WisecpClient) -> None:
    assert isinstance(client, SmsClient)
    assert (client.service, client.supports_idempotency, client.max_status_batch) == ("wisecp", False, 100)


def test_submit_posts_json_with_the_token_and_e164_numbers(client: WisecpClient, ileti_sandbox: Any) -> None:
    report_id = client.submit(["0555 123 45 67", DE_DELIVERED], "Hello from Airflow", origin="ILETI")
    assert report_id == str(sandbox_wisecp.FIRST_REPORT_ID)
    [entry] = ileti_sandbox.requests(service="wisecp", path="/submit")
    assert entry["method"] == "POST"
    assert entry["body"] == {
        "user_token": "***",
        "origin": "ILETI",
        "message": "Hello from Airflow",
        "numbers": ["+905551234567", "+4915123456780"],
    }


def test_submit_uses_the_default_sender(client: WisecpClient, ileti_sandbox: Any) -> None:
    client.submit([GB_DELIVERED], "Hi")
    assert ileti_sandbox.requests(path="/wisecp/api/sms/submit")[0]["body"]["origin"] == "ILETI"


def test_report_follows_the_clock_and_the_outcome_rules(client: WisecpClient, ileti_sandbox: Any) -> None:
    ileti_sandbox.admin.clock(speed=1)
    report_id = client.submit([GB_DELIVERED, GB_UNDELIVERED, GB_EXPIRES], "Status test")
    first = client.report(report_id)
    assert (first.state, first.total, first.waiting, first.phase) == (
        "processing",
        3,
        3,
        DeliveryPhase.PENDING,
    )

    ileti_sandbox.admin.clock(advance=sandbox_wisecp.DELIVERY_SECONDS + 1)
    middle = client.report(report_id)
    assert (middle.delivered, middle.undelivered, middle.waiting) == (1, 1, 1)
    assert middle.phase is DeliveryPhase.SENT
    assert dict(middle.numbers) == {
        "+447400123456": "delivered",
        "+447400123459": "undelivered",
        "+447400123458": "waiting",
    }

    ileti_sandbox.admin.clock(advance=sandbox_wisecp.EXPIRY_SECONDS)
    final = client.report(report_id)
    assert (final.state, final.delivered, final.undelivered, final.waiting) == ("completed", 1, 2, 0)
    assert final.phase is DeliveryPhase.COMPLETE


def test_report_of_an_unknown_id_is_not_found(client: WisecpClient) -> None:
    with pytest.raises(NotFoundError, match="Report not found"):
        client.report(999999)


def test_balance_is_debited_by_parts_times_country_price(
    client: WisecpClient, wisecp_state: Any, ileti_sandbox: Any
) -> None:
    before = client.balance()
    assert (before.amount, before.currency) == (sandbox_wisecp.INITIAL_BALANCE, "EUR")
    text = "x" * 200  # two GSM 7-bit parts
    client.submit([GB_DELIVERED, DE_DELIVERED], text)
    after = client.get_balance()
    expected = 2 * (sandbox_wisecp.PRICES["GB"] + sandbox_wisecp.PRICES["DE"])
    assert after.amount == pytest.approx(before.amount - expected)
    assert len(ileti_sandbox.requests(path="/wisecp/api/sms/balance")) == 2


def test_prices_are_per_country(client: WisecpClient) -> None:
    prices = client.get_prices()
    assert prices["US"] == 0.062  # the vendor's examples
    assert prices["DE"] == 0.1234
    assert client.currency == "EUR"


def test_estimate_cost_is_parts_times_each_recipients_country_price(
    client: WisecpClient, ileti_sandbox: Any
) -> None:
    text = "Şubat kampanyası başladı! " * 7  # Turkish single-shift table, 2 parts
    estimate = client.estimate_cost([GB_DELIVERED, GB_UNDELIVERED, DE_DELIVERED], text)
    assert isinstance(estimate, CostEstimate)
    assert (estimate.encoding, estimate.parts, estimate.recipients, estimate.currency) == (
        "gsm7_turkish",
        2,
        3,
        "EUR",
    )
    by_country = {c.country: (c.recipients, c.cost) for c in estimate.by_country}
    assert by_country["GB"] == (2, pytest.approx(2 * 2 * 0.045))
    assert by_country["DE"] == (1, pytest.approx(2 * 0.1234))
    assert estimate.total == pytest.approx(4 * 0.045 + 2 * 0.1234)
    assert [e["path"] for e in ileti_sandbox.requests(service="wisecp")] == ["/wisecp/api/sms/prices"]


def test_estimate_matches_what_the_panel_charges(client: WisecpClient) -> None:
    numbers = [GB_DELIVERED, DE_DELIVERED, "+33 6 12 34 56 71"]
    text = "Teslimat bilgisi: paketiniz yolda 🚚"
    estimate = client.estimate_cost(numbers, text)
    before = client.balance().amount
    client.submit(numbers, text)
    assert before - client.balance().amount == pytest.approx(estimate.total)


def test_estimate_cost_with_given_prices_makes_no_request(client: WisecpClient, ileti_sandbox: Any) -> None:
    estimate = client.estimate_cost([GB_DELIVERED], "hi", prices={"GB": 0.5})
    assert estimate.total == 0.5
    assert ileti_sandbox.requests(service="wisecp") == []


def test_send_returns_a_receipt_and_get_statuses_reads_it(client: WisecpClient, ileti_sandbox: Any) -> None:
    batch = SendBatch(messages=(SmsMessage("Merhaba", (GB_DELIVERED, GB_UNDELIVERED)),), idempotency_key="k1")
    receipt = client.send(batch)
    assert (receipt.service, receipt.recipients, receipt.idempotency_key) == ("wisecp", 2, "k1")
    assert receipt.item_references == (receipt.reference,)
    ileti_sandbox.admin.clock(advance=sandbox_wisecp.DELIVERY_SECONDS + 1)
    [status] = client.get_statuses([receipt.reference])
    assert (status.reference, status.phase, status.delivered, status.undelivered) == (
        receipt.reference,
        DeliveryPhase.COMPLETE,
        1,
        1,
    )


def test_send_merges_numbers_of_the_same_text_and_submits_each_text_once(
    client: WisecpClient, ileti_sandbox: Any
) -> None:
    batch = SendBatch(
        messages=(
            SmsMessage("A", (GB_DELIVERED,)),
            SmsMessage("B", (DE_DELIVERED,)),
            SmsMessage("A", (GB_UNDELIVERED,)),
        )
    )
    receipt = client.send(batch)
    submits = ileti_sandbox.requests(path="/wisecp/api/sms/submit")
    assert [(s["body"]["message"], s["body"]["numbers"]) for s in submits] == [
        ("A", ["+447400123456", "+447400123459"]),
        ("B", ["+4915123456780"]),
    ]
    assert receipt.reference == "1001,1002"
    assert receipt.recipients == 3
    ileti_sandbox.admin.clock(advance=sandbox_wisecp.DELIVERY_SECONDS + 1)
    [status] = client.get_statuses([receipt.reference])
    assert (status.total, status.delivered, status.undelivered, status.phase) == (
        3,
        2,
        1,
        DeliveryPhase.COMPLETE,
    )


def test_get_statuses_makes_one_report_request_per_id(client: WisecpClient, ileti_sandbox: Any) -> None:
    first = client.submit([GB_DELIVERED], "one")
    second = client.submit([DE_DELIVERED], "two")
    statuses = client.get_statuses([first, second])
    assert [s.reference for s in statuses] == [first, second]
    assert [e["body"]["report_id"] for e in ileti_sandbox.requests(path="/wisecp/api/sms/report")] == [
        int(first),
        int(second),
    ]


def test_cancel_is_not_possible(client: WisecpClient, ileti_sandbox: Any) -> None:
    with pytest.raises(NotChangeableError):
        client.cancel("1001")
    assert ileti_sandbox.requests(service="wisecp") == []


def test_find_sent_and_list_senders_are_empty(client: WisecpClient) -> None:
    assert client.find_sent(["k1"]) == {}
    assert client.list_senders() == []


# -- the panel's refusals ------------------------------------------------------------------------------------
def test_a_wrong_token_is_an_authentication_error(api_url: str) -> None:
    bad = WisecpClient(api_url, "wrong-token", default_sender="ILETI", retries=0)
    with pytest.raises(AuthenticationError) as info:
        bad.balance()
    assert "wrong-token" not in str(info.value)


def test_insufficient_balance(client: WisecpClient, wisecp_state: Any) -> None:
    wisecp_state.set_balance(0.01)
    with pytest.raises(InsufficientCreditError):
        client.submit([DE_DELIVERED], "hi")
    assert wisecp_state.snapshot()["reports"] == []


def test_a_numeric_only_country_refuses_an_alphanumeric_sender(
    client: WisecpClient, api_url: str, ileti_sandbox: Any
) -> None:
    with pytest.raises(ValidationError, match="US takes only numeric senders"):
        client.submit([US_NUMBER], "hi", origin="ILETI")  # the client's rule: no request
    assert ileti_sandbox.requests(path="/wisecp/api/sms/submit") == []
    assert client.submit([US_NUMBER], "hi", origin="+15551234567")
    lifted = WisecpClient(api_url, WISECP_TOKEN, sender_rules={"US": "any"}, retries=0)
    with pytest.raises(ServiceError, match="numeric sender"):
        lifted.submit([US_NUMBER], "hi", origin="ILETI")  # the panel's own rule still holds


def test_a_document_country_needs_an_approved_sender(client: WisecpClient) -> None:
    with pytest.raises(ServiceError, match="pre-approval"):
        client.submit(["0555 123 45 67"], "hi", origin="OTHER")
    assert client.submit(["0555 123 45 67"], "hi", origin="ILETI")


def test_a_country_without_price_is_refused_by_the_panel(client: WisecpClient, wisecp_state: Any) -> None:
    with pytest.raises(ServiceError, match="not available"):
        client.submit(["+53 5 3123456"], "hi")
    assert wisecp_state.snapshot()["reports"] == []


def test_secrets_stay_out_of_repr(client: WisecpClient) -> None:
    assert WISECP_TOKEN not in repr(client)
    assert "WisecpClient(base_url=" in repr(client)
