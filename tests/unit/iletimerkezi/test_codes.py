"""Every documented status code maps to our hierarchy with the vendor's meaning."""

from __future__ import annotations

import pytest

from airflow_provider_ileti.clients.iletimerkezi.codes import ERRORS, error_for
from airflow_provider_ileti.core.errors import (
    AuthenticationError,
    DuplicateError,
    InsufficientCreditError,
    NotChangeableError,
    NotFoundError,
    ServiceError,
    TransientError,
)

DOCUMENTED = [400, 401, 402, 404, 422, *range(450, 471), 503]


@pytest.mark.parametrize("code", DOCUMENTED)
def test_every_documented_code_has_a_meaning(code):
    assert code in ERRORS
    error = error_for(code, "servis mesajı", operation="send-sms", http_status=code)
    assert error.code == str(code)
    assert error.service == "iletimerkezi"
    assert ERRORS[code][1] in error.message
    assert "servis mesajı" in error.message


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (401, AuthenticationError),
        (402, InsufficientCreditError),
        (451, DuplicateError),
        (455, NotFoundError),
        (456, NotChangeableError),
        (450, ServiceError),
        (453, ServiceError),
        (503, TransientError),
        (429, TransientError),
        (502, TransientError),
        (599, TransientError),
    ],
)
def test_classes(code, cls):
    assert isinstance(error_for(code, None, operation="get-report"), cls)


def test_final_vs_transient():
    assert not error_for(451, None, operation="send-sms").retryable
    assert error_for(503, None, operation="send-sms").retryable


def test_455_on_cancel_means_already_going():
    error = error_for(455, None, operation="cancel-order")
    assert isinstance(error, NotChangeableError)
    assert "already being sent" in error.message


def test_unknown_code_is_a_service_error_saying_so():
    error = error_for(499, "?", operation="get-balance")
    assert type(error) is ServiceError and "unknown status code" in error.message


def test_retry_after_is_kept():
    error = error_for(429, None, operation="get-balance", retry_after=7)
    assert isinstance(error, TransientError) and error.retry_after == 7


@pytest.mark.parametrize("code", range(461, 468))
def test_group_contact_codes_say_their_meaning_is_not_public(code):
    """461-467: documented only as a range; the message says so per code and keeps the service's words."""
    error = error_for(code, "Grup bulunamadı", operation="send-sms", http_status=code)
    assert type(error) is ServiceError and not error.retryable
    assert "group/contact" in error.message and "not public" in error.message
    assert f"code {code}" in error.message
    assert 'service said: "Grup bulunamadı"' in error.message
    assert str(error).endswith(f"({code})")


@pytest.mark.parametrize(
    ("code", "maybe"), [(429, False), (503, False), (500, True), (502, True), (408, True)]
)
def test_only_a_429_and_the_maintenance_answer_prove_nothing_was_done(code, maybe):
    """They refuse before the service acts, so a send may be repeated after them (``clients.http.retry``)."""
    error = error_for(code, None, operation="send-sms")
    assert isinstance(error, TransientError) and error.maybe_processed is maybe


def _answer(status: int, body: bytes, content_type: str = "text/xml"):
    from airflow_provider_ileti.clients.http import Answer

    return Answer(status=status, headers={"Content-Type": content_type}, body=body, what="send-sms")


def test_the_maintenance_answer_in_the_envelope_is_surely_unprocessed():
    from airflow_provider_ileti.clients.iletimerkezi import answers, wire

    body = b"<response><status><code>503</code><message>Bakim</message></status></response>"
    with pytest.raises(TransientError) as info:
        answers.read_answer(_answer(503, body), fmt=wire.XML)
    assert info.value.maybe_processed is False and "maintenance" in str(info.value)


def test_a_503_page_from_a_proxy_proves_nothing():
    """Not the service's envelope: whether the order went through is unknown (a send is then ambiguous)."""
    from airflow_provider_ileti.clients.iletimerkezi import answers, wire

    with pytest.raises(TransientError) as info:
        answers.read_answer(_answer(503, b"<html>Service Unavailable</html>", "text/html"), fmt=wire.XML)
    assert info.value.maybe_processed is True
    assert "HTTP 503, text/html: '<html>Service Unavailable</html>'" in str(info.value)


def test_a_429_without_the_envelope_is_still_a_refusal_with_its_retry_after():
    from airflow_provider_ileti.clients.http import Answer
    from airflow_provider_ileti.clients.iletimerkezi import answers, wire

    answer = Answer(status=429, headers={"Retry-After": "12"}, body=b"slow down", what="get-balance")
    with pytest.raises(TransientError) as info:
        answers.read_answer(answer, fmt=wire.JSON)
    assert (info.value.maybe_processed, info.value.retry_after, info.value.code) == (False, 12.0, "429")
