"""WISECP sender IDs per country (``clients/wisecp/senders.py``): the rules as tables, checked offline."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from airflow_provider_ileti.clients.wisecp.client import WisecpClient
from airflow_provider_ileti.clients.wisecp.senders import (
    DEFAULT_SENDER_RULES_GUESS,
    CountryRule,
    SenderRules,
)
from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.models import SendBatch, SmsMessage

#: TR approved for ILETI, as a connection's extra would say
TR_ILETI = {"TR": {"rule": "approval", "approved": ["ILETI"]}}
NUM = "refuse {} takes only numeric"
DOCS = "refuse {} needs documents"
US, CA, TR, AE, GB, DE, BR = (
    "12025550143",
    "14165550123",
    "905551234567",
    "971501234567",
    "447400123456",
    "4915123456780",
    "5511987654321",
)

#: (case, sender, number, sender_rules over the guess, strict) -> "ok" | "warn <country>" | "refuse <words>"
CASES: list[tuple[str, str, str, Any, bool, str]] = [
    ("alphanumeric to an any country", "ILETI", GB, None, False, "ok"),
    ("alphanumeric to another any country", "ILETI", DE, None, True, "ok"),
    ("alphanumeric to a numeric-only country", "ILETI", US, None, False, NUM.format("US")),
    ("alphanumeric to the other numeric-only country", "ILETI", CA, None, False, NUM.format("CA")),
    ("a number to a numeric-only country", "+15551234567", US, None, True, "ok"),
    ("digits without + to a numeric-only country", "15551234567", US, None, True, "ok"),
    ("a number to an approval country", "905551112233", TR, None, True, "ok"),
    ("alphanumeric to an approval country warns", "ILETI", TR, None, False, "warn TR"),
    ("alphanumeric to an approval country, strict", "ILETI", AE, None, True, DOCS.format("AE")),
    ("approved sender passes strict", "ILETI", TR, TR_ILETI, True, "ok"),
    ("another sender is still refused", "OTHER", TR, TR_ILETI, True, DOCS.format("TR")),
    ("the extra lifts a guessed rule", "ILETI", US, {"US": "any"}, True, "ok"),
    ("the extra adds a country", "ILETI", BR, {"BR": "numeric"}, False, NUM.format("BR")),
    ("lower-case country keys count", "ILETI", BR, {"br": "numeric"}, False, NUM.format("BR")),
    ("* sets every other country", "ILETI", GB, {"*": "approval"}, True, DOCS.format("GB")),
    ("* leaves listed countries alone", "ILETI", US, {"*": "any"}, False, NUM.format("US")),
    ("the extra as JSON text", "ILETI", DE, '{"DE": "numeric"}', False, NUM.format("DE")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "sender", "number", "overrides", "strict", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_each_countrys_rule_decides_the_sender(
    case: str, sender: str, number: str, overrides: Any, strict: bool, expected: str
) -> None:
    rules = SenderRules.parse(overrides)
    rows = [("messages[0].numbers[4]", number)]
    if expected.startswith("refuse"):
        with pytest.raises(ValidationError) as caught:
            rules.check(sender, rows, strict=strict)
        error = caught.value
        assert expected.removeprefix("refuse ") in error.rule
        assert error.field == "messages[0].numbers[4]" and error.value.count("***") == 1
        assert number not in str(error) and repr(sender) in error.rule
        return
    check = rules.check(sender, rows, strict=strict)
    assert check.needs_approval == ((expected.removeprefix("warn "),) if expected.startswith("warn") else ())


#: (sender_rules extra) -> the entry named in the error
BAD_EXTRAS: list[tuple[Any, str]] = [
    ("{not json", "sender_rules"),
    ("[1, 2]", "sender_rules"),
    ({"TUR": "numeric"}, "sender_rules.TUR"),
    ({"US": "letters"}, "sender_rules.US"),
    ({"TR": {"rule": "approval", "approved": "ILETI"}}, "sender_rules.TR.approved"),
    ({"TR": {"rule": "approval", "approved": [""]}}, "sender_rules.TR.approved"),
    ({"TR": {"approved": ["ILETI"]}}, "sender_rules.TR"),
]


@pytest.mark.parametrize(("extra", "field"), BAD_EXTRAS)
def test_a_malformed_sender_rules_extra_is_refused_naming_the_entry(extra: Any, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        SenderRules.parse(extra)
    assert caught.value.field == field


def test_the_default_table_is_the_named_guess_and_reads_back() -> None:
    rules = SenderRules.parse()
    assert rules.rule_for("US") == CountryRule("numeric") and rules.rule_for("TR") == CountryRule("approval")
    assert rules.rule_for("ZZ") == CountryRule("any")
    assert {c for c, r in DEFAULT_SENDER_RULES_GUESS.items() if r == "numeric"} == {"US", "CA"}
    assert rules.to_dict()["*"] == {"rule": "any", "approved": []}


def test_a_pre_approval_country_is_warned_about_once_per_client(caplog: pytest.LogCaptureFixture) -> None:
    client = WisecpClient("http://127.0.0.1:9", "token", default_sender="ILETI", retries=0)
    batch = SendBatch(messages=(SmsMessage("Merhaba", ("+" + TR, "+" + AE, "+" + GB)),))
    with caplog.at_level(logging.WARNING, logger="airflow_provider_ileti.clients.wisecp.senders"):
        for _ in range(3):  # a first pass and the send's chunks check the same sender again
            client.validate_send(batch)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "AE (1 recipient(s)), TR (1 recipient(s))" in warnings[0]
    assert TR not in warnings[0]
    client.close()


def test_the_client_refuses_before_any_request_and_names_the_row() -> None:
    client = WisecpClient("http://127.0.0.1:9", "token", default_sender="ILETI", retries=0)
    batch = SendBatch(messages=(SmsMessage("A", ("+" + GB,)), SmsMessage("B", ("+" + GB, "+" + US))))
    with pytest.raises(ValidationError) as caught:
        client.validate_send(batch)
    assert caught.value.field == "messages[1].numbers[1]" and "US" in caught.value.rule
    with pytest.raises(ValidationError) as caught:
        client.submit(["+" + GB, "+" + CA], "hi")
    assert caught.value.field == "numbers[1]"
    assert client.check_senders(["+" + TR]).needs_approval == ("TR",)  # the client's own: a warning
    with pytest.raises(ValidationError, match="TR needs documents"):
        client.check_senders(["+" + TR], strict=True)  # asked strict for this check only
    strict = WisecpClient("http://127.0.0.1:9", "token", default_sender="ILETI", strict_sender_rules=True)
    with pytest.raises(ValidationError, match="TR needs documents"):
        strict.check_senders(["+" + TR])
    assert strict.check_senders(["+" + TR], origin="+905550000000").numeric_sender is True
    with pytest.raises(ValidationError):
        WisecpClient("http://127.0.0.1:9", "token", strict_sender_rules="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("extra", "strict"),
    [
        ({"sender_rules": {"US": "any"}, "strict_sender_rules": True}, True),
        ({"sender_rules": '{"US": "any"}', "strict_sender_rules": "true"}, True),
        ({"sender_rules": {"US": "any"}}, False),
    ],
)
def test_the_hook_builds_the_rules_from_the_connection_extras(
    monkeypatch: pytest.MonkeyPatch, extra: dict[str, Any], strict: bool
) -> None:
    from airflow_provider_ileti.hooks.wisecp import WisecpHook

    conn = {"conn_type": "wisecp", "host": "http://127.0.0.1:9/api/sms", "password": "token", "extra": extra}
    monkeypatch.setenv("AIRFLOW_CONN_WISECP_RULES", json.dumps(conn))
    client = WisecpHook(wisecp_conn_id="wisecp_rules").get_client()
    assert client.strict_sender_rules is strict
    assert client.sender_rules.rule_for("US") == CountryRule("any")
    assert client.sender_rules.rule_for("CA") == CountryRule("numeric")
    client.close()
