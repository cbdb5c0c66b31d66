"""Masking rules: numbers keep prefix and last digits, bodies become sizes."""

from __future__ import annotations

import pytest

from airflow_provider_ileti.core.masking import mask_number, mask_numbers, mask_numbers_in_text, mask_text


def test_the_design_example() -> None:
    assert mask_number("905554444567") == "90555***4567"


def test_a_leading_plus_is_kept() -> None:
    assert mask_number("+905551234567") == "+90555***4567"


def test_separators_are_dropped() -> None:
    assert mask_number("+90 555 123 45 67") == "+90555***4567"


@pytest.mark.parametrize(
    ("number", "expected"),
    [("5551234567", "555***4567"), ("12025550143", "1202***0143"), ("12345678", "1***5678")],
)
def test_at_least_three_digits_are_hidden(number: str, expected: str) -> None:
    assert mask_number(number) == expected
    hidden = len([c for c in number if c.isdigit()]) - len([c for c in expected if c.isdigit()])
    assert hidden >= 3


def test_short_numbers_show_only_two_digits() -> None:
    assert mask_number("4444123") == "***23"


def test_nothing_numeric_is_fully_masked() -> None:
    assert mask_number("") == "***"
    assert mask_number("abc") == "***"


def test_mask_numbers_counts_and_shows_a_few() -> None:
    text = mask_numbers(["905551234567", "905321110001", "905059990002", "905051112223"], shown=2)
    assert text == "4 numbers: 90555***4567, 90532***0001, … (+2)"


def test_mask_numbers_single() -> None:
    assert mask_numbers(iter(["905551234567"])) == "1 number: 90555***4567"


def test_mask_numbers_none() -> None:
    assert mask_numbers([]) == "0 numbers"


def test_mask_text_gives_the_size_not_the_words() -> None:
    body = "Doğrulama kodunuz 482913"
    masked = mask_text(body)
    assert masked == "<text: 24 chars>"
    assert "482913" not in masked


def test_mask_text_of_none() -> None:
    assert mask_text(None) == "<no text>"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("number 905551234567 is not valid", "number 90555***4567 is not valid"),
        ("to +90 555 123 45 67 failed", "to +90555***4567 failed"),
        ("0532 123 45 67", "0532***4567"),
        ("at 2026-12-06 13:25:40, package 222964", "at 2026-12-06 13:25:40, package 222964"),
        ("key af.dag.1234567890123456789", "key af.dag.1234567890123456789"),
    ],
)
def test_numbers_in_free_text_are_masked_and_dates_and_ids_are_not(text: str, shown: str) -> None:
    assert mask_numbers_in_text(text) == shown
