"""The demo's report reads what reached the sandbox (its journal), not the CSV it was given."""

from __future__ import annotations

from airflow_provider_ileti.demo import SEND_PATHS, _masked, _sent_numbers


def test_numbers_come_from_node_and_iletimerkezi_send_bodies() -> None:
    node = [
        {"body": {"numbers": [{"nr": "905321000001", "msg": "a"}, {"nr": 905321000002, "msg": "b"}]}},
        {"body": {"numbers": ["905321000003"], "content": "c"}},
        {"body": {"number": "905321000004", "content": "otp"}},
    ]
    assert _sent_numbers(node) == ["905321000001", "905321000002", "905321000003", "905321000004"]
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><request><order><message><text>x</text><receipents>'
        "<number>5335049305</number><number>5513191410</number></receipents></message></order></request>"
    )
    assert _sent_numbers([{"body": xml}, {"body": None}]) == ["905335049305", "905513191410"]


def test_masked_list_shows_four_and_the_total() -> None:
    numbers = [f"90532100000{i}" for i in range(6)]
    assert _masked(numbers) == "90532***0000, 90532***0001, 90532***0002, 90532***0003 … (6 in all)"
    assert set(SEND_PATHS) == {"node", "iletimerkezi"}
