"""How a bulk send that did not complete is reported, when several of its requests were in flight: the
refusal itself when nothing went out and nothing may have, else ``AmbiguousSendError`` with the account."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from airflow_provider_ileti.clients.iletiniz.client import IletinizClient, JobResult, _runs
from airflow_provider_ileti.core.errors import AmbiguousSendError, ServiceError

KEY = "iltz_test_unit0key"
NUMBERS = [f"+90555{i:07d}" for i in range(400)]  # two requests


def client_whose_requests(outcomes: list[BaseException | None]) -> IletinizClient:
    """Both requests start before either ends (a barrier); request i then raises ``outcomes[i]``, or not."""
    client = IletinizClient("https://api.example.invalid", KEY, bulk_concurrency=2)
    both_started = threading.Barrier(2, timeout=5)

    def bulk_request(batch: list[dict[str, Any]], options: dict[str, Any]) -> list[JobResult]:
        both_started.wait()
        outcome = outcomes[NUMBERS.index(batch[0]["to"]) // 200]
        if outcome is not None:
            raise outcome
        return [JobResult(item["to"], "queued", "job_" + item["to"][1:]) for item in batch]

    client._bulk_request = bulk_request  # type: ignore[method-assign]
    return client


def test_both_refused_raises_the_first_refusal_itself() -> None:
    first, second = ServiceError("first refused", code="a"), ServiceError("second refused", code="b")
    with pytest.raises(ServiceError) as caught:
        client_whose_requests([first, second]).send_bulk(NUMBERS, body="x")
    assert caught.value is first


def test_one_refused_and_one_maybe_sent_is_ambiguous_and_names_both() -> None:
    refused, dropped = ServiceError("refused", code="a"), AmbiguousSendError("dropped after commit")
    with pytest.raises(AmbiguousSendError) as caught:
        client_whose_requests([refused, dropped]).send_bulk(NUMBERS, body="x")
    text = str(caught.value)
    assert "0 items were accepted in 0 request(s)" in text
    assert "(request 1, items 1-200: 200 numbers: 90555***0000" in text and "refused" in text
    assert "(request 2, items 201-400: 200 numbers: 90555***0200" in text and "dropped after commit" in text
    assert "no item was left unsent" in text


def test_a_bug_after_an_accepted_request_is_ambiguous_and_shows_no_data() -> None:
    with pytest.raises(AmbiguousSendError) as caught:
        client_whose_requests([None, KeyError("+905550000200")]).send_bulk(NUMBERS, body="x")
    text = str(caught.value)
    assert "200 items were accepted in 1 request(s) (request 1, items 1-200)" in text
    assert "failed: KeyError" in text and "905550000200" not in text
    assert isinstance(caught.value.__cause__, KeyError)


def test_every_request_accepted_gives_every_result_in_input_order() -> None:
    result = client_whose_requests([None, None]).send_bulk(NUMBERS, body="x")
    assert [r.to for r in result.results] == NUMBERS and result.requests == 2


def test_runs_of_request_indexes() -> None:
    assert _runs([0, 1, 2, 4, 6, 7]) == [(0, 2), (4, 4), (6, 7)]
    assert _runs([3]) == [(3, 3)]
