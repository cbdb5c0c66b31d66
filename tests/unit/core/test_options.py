"""SendBatch options a service cannot honour are refused, naming the option and the service."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.models import SendBatch, SmsMessage
from airflow_provider_ileti.core.options import OPTIONS, refuse_unhonoured, set_options

PLAIN = SendBatch(messages=(SmsMessage("Merhaba", ("905555550001",)),))


def test_every_optional_request_field_of_send_batch_is_an_option() -> None:
    """A field added to SendBatch must be listed, or a client could drop it silently again."""
    fields = {f.name for f in dataclasses.fields(SendBatch)}
    assert fields - set(OPTIONS) == {"messages", "sender", "idempotency_key"}


def test_defaults_and_blank_values_set_nothing() -> None:
    assert set_options(PLAIN) == []
    assert set_options(dataclasses.replace(PLAIN, title=" ", push_url="", commercial=False)) == []
    refuse_unhonoured(PLAIN, honoured=(), service="wisecp", service_name="WISECP")


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("send_at", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
        ("validity_minutes", 60),
        ("push_url", "https://hooks.example/dlr?token=s3cret"),
        ("title", "Kampanya"),
        ("commercial", True),
        ("iys_recipient_type", "TACIR"),
    ],
)
def test_an_option_the_service_lacks_is_refused(option: str, value: object) -> None:
    batch = dataclasses.replace(PLAIN, **{option: value})
    with pytest.raises(ValidationError, match=re.escape(f"WISECP cannot honour {OPTIONS[option]}")) as info:
        refuse_unhonoured(batch, honoured=(), service="wisecp", service_name="WISECP")
    assert info.value.field == option and info.value.service == "wisecp"
    assert "s3cret" not in str(info.value) and "Kampanya" not in str(info.value)
    refuse_unhonoured(batch, honoured={option}, service="wisecp", service_name="WISECP")


def test_what_to_do_instead_is_added() -> None:
    batch = dataclasses.replace(PLAIN, push_url="https://hooks.example/dlr")
    with pytest.raises(ValidationError, match="webhook set in the panel"):
        refuse_unhonoured(
            batch,
            honoured=(),
            service="iletimerkezi",
            service_name="İleti Merkezi",
            why="webhook set in the panel",
        )
