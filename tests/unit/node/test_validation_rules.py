"""Every rule of the Node spec refuses bad input with ValidationError(field, value, rule) and no request.

The transport fails the test if called, so each case also proves nothing reached the network.
"""

from __future__ import annotations

import pytest

from airflow_provider_ileti.clients.node.client import NodeClient
from airflow_provider_ileti.core.errors import ValidationError

from .support import NoNetwork, client
from .validation_cases import CASES, OK, Case


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_refuses_before_the_network(case: Case) -> None:
    transport = NoNetwork()
    with pytest.raises(ValidationError) as info:
        case.call(client(transport))
    assert (info.value.field, info.value.value) == (case.field, case.value)
    assert case.rule in info.value.rule
    assert f"{case.field}=" in str(info.value) and case.rule in str(info.value)
    assert transport.calls == []


def test_case_ids_are_unique() -> None:
    assert len({c.id for c in CASES}) == len(CASES)


def test_list_arguments_are_checked_when_called_not_when_iterated() -> None:
    transport = NoNetwork()
    with pytest.raises(ValidationError):
        client(transport).list_groups(page_size=5)  # no next(): the call itself refuses
    assert transport.calls == []


def test_protocol_must_be_rest_or_soap() -> None:
    with pytest.raises(ValidationError) as info:
        NodeClient("http://x", "u", "p", protocol="grpc", transport=NoNetwork())
    assert info.value.field == "protocol"


def test_sender_length_guess_is_one_named_constant() -> None:
    from airflow_provider_ileti.clients.node import validation

    transport = NoNetwork()
    c = client(transport, default_sender="A" * validation.MAX_SENDER_LENGTH)
    with pytest.raises(ValidationError) as info:
        c.create_otp(OK, "code", sender="A" * (validation.MAX_SENDER_LENGTH + 1))
    assert str(validation.MAX_SENDER_LENGTH) in info.value.rule
