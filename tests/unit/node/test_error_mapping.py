"""The ONE mapping of the ``err`` envelope: every shape, every class, transient codes and Retry-After."""

from __future__ import annotations

import pytest

from airflow_provider_ileti.clients.node.answers import read_envelope
from airflow_provider_ileti.clients.node.codes import (
    NodeTransientError,
    code_of,
    error_for,
    error_for_status,
)
from airflow_provider_ileti.core.errors import (
    AuthenticationError,
    DuplicateError,
    InsufficientCreditError,
    NotChangeableError,
    NotFoundError,
    ProtocolError,
    ServiceError,
    TransientError,
)

SHAPES = [
    "SMS06",
    "sms06",
    "ERR_SMS_PKG_NOT_FOUND",
    {"status": 404, "code": "ERR_SMS_PKG_NOT_FOUND", "message": "Package not found"},
    {"code": "SMS06"},
    {"name": "ERR_SMS_PKG_NOT_FOUND"},
    {"message": "SMS06: package missing"},
    {"description": "ERR_SMS_PKG_NOT_FOUND"},
    6,
]


@pytest.mark.parametrize("err", SHAPES, ids=[repr(s)[:40] for s in SHAPES])
def test_every_shape_reads_as_the_same_code(err: object) -> None:
    assert code_of(err)[0] == "SMS06"
    exc = error_for(err, function="sms/list")
    assert isinstance(exc, NotFoundError)
    assert exc.code == "SMS06"
    assert "ERR_SMS_PKG_NOT_FOUND" in exc.message and "no such SMS package" in exc.message


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("SMS42", DuplicateError),
        ("SMS06", NotFoundError),
        ("SMS18", InsufficientCreditError),
        ("SMS01", AuthenticationError),
        ("SMS07", NotChangeableError),
        ("SMS00", ServiceError),
        ("SMS08", ServiceError),
    ],
)
def test_final_codes_map_to_their_class(code: str, cls: type) -> None:
    exc = error_for(code, function="sms/create")
    assert type(exc) is cls
    assert not exc.retryable


@pytest.mark.parametrize("code", ["SMS50", "SMS99"])
def test_transient_codes_on_any_function(code: str) -> None:
    exc = error_for({"code": code}, function="sms/create", retry_after=3.0)
    assert isinstance(exc, NodeTransientError)
    assert exc.retry_after == 3.0
    assert exc.maybe_processed is False


def test_sms44_sending_hours_is_final_and_says_when_to_retry() -> None:
    exc = error_for({"code": "SMS44"}, function="sms/create", retry_after=3.0)
    assert type(exc) is ServiceError and not isinstance(exc, TransientError)
    assert not exc.retryable and exc.code == "SMS44"
    assert "ERR_SMS_SENDING_TIME_LIMIT" in str(exc)
    assert "after the restricted hours" in str(exc) and "not retried" in str(exc)


def test_sms13_is_transient_for_imports_only() -> None:
    assert isinstance(error_for("SMS13", function="contact/import"), TransientError)
    assert not isinstance(error_for("SMS13", function="contact/create"), TransientError)


def test_ocr_sms48_is_read_as_sms43() -> None:
    assert code_of("SMS48")[0] == "SMS43"


def test_http_401_is_authentication_even_with_a_code() -> None:
    assert isinstance(
        error_for({"code": "ERR_BAD_REQUEST"}, function="x", http_status=401), AuthenticationError
    )
    assert isinstance(error_for_status(401, function="x"), AuthenticationError)


def test_http_429_and_5xx_are_transient() -> None:
    limited = error_for_status(429, function="sms/list", retry_after=7)
    assert (
        isinstance(limited, NodeTransientError) and limited.retry_after == 7 and not limited.maybe_processed
    )
    assert isinstance(error_for_status(503, function="x"), TransientError)
    assert error_for_status(503, function="x").maybe_processed is False  # type: ignore[attr-defined]
    assert error_for_status(502, function="x").maybe_processed is True  # type: ignore[attr-defined]


def test_envelope_data_and_err() -> None:
    assert read_envelope({"err": None, "data": {"credit": 5}}, function="user/credit") == {"credit": 5}
    with pytest.raises(DuplicateError):
        read_envelope(
            {"err": {"status": 409, "code": "ERR_SMS_PKG_CUSTOM_ID_DUPLICATION"}, "data": None},
            function="sms/create",
            http_status=409,
        )
    with pytest.raises(ProtocolError):
        read_envelope("<html>oops</html>", function="sms/list", http_status=200)
    with pytest.raises(TransientError):
        read_envelope(None, function="sms/list", http_status=503)


def test_unknown_err_keeps_the_vendor_message() -> None:
    exc = error_for({"message": "something odd"}, function="sms/list", http_status=400)
    assert isinstance(exc, ServiceError)
    assert "something odd" in str(exc)
