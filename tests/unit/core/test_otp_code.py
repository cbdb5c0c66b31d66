"""Codes derived from a key and a request id: stable, verifiable, unpredictable without the key."""

from __future__ import annotations

import pytest

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.otp_code import derive_code, verify_code

KEY = "k" * 16


def test_the_same_request_gives_the_same_code_and_a_retry_cannot_change_it() -> None:
    assert derive_code(KEY, "login-1") == derive_code(KEY, "login-1")
    assert len(derive_code(KEY, "login-1")) == 6 and derive_code(KEY, "login-1").isdigit()
    assert len(derive_code(KEY, "login-1", digits=8)) == 8


def test_other_requests_and_other_keys_give_other_codes() -> None:
    codes = {derive_code(KEY, f"login-{i}") for i in range(200)}
    assert len(codes) > 190  # 6 digits: a collision in 200 is rare
    assert derive_code(KEY, "login-1") != derive_code("x" * 16, "login-1")


def test_the_login_service_checks_what_was_typed() -> None:
    code = derive_code(KEY, "login-1")
    assert verify_code(KEY, "login-1", f" {code} ")
    assert not verify_code(KEY, "login-2", code)


@pytest.mark.parametrize(
    ("key", "request_id", "digits", "field"),
    [("short", "r", 6, "code key"), (KEY, "", 6, "request_id"), (KEY, "r", 3, "code_digits")],
)
def test_bad_inputs_are_refused_without_showing_the_key(
    key: str, request_id: str, digits: int, field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        derive_code(key, request_id, digits)
    assert info.value.field == field and "short" not in str(info.value)


def test_the_otp_operator_refuses_a_text_without_the_codes_place() -> None:
    from airflow_provider_ileti.operators.node_otp import NodeOtpOperator

    operator = NodeOtpOperator(
        task_id="otp", number="0532 123 45 67", content="Kodunuz hazır.", code_key_conn_id="ileti_otp_key"
    )
    with pytest.raises(ValidationError, match="must hold {code}"):
        operator.validate()
