"""The one rule for message texts (core.text_rules): what is refused, why, and that the words never show."""

from __future__ import annotations

import re

import pytest

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.text_rules import check_message_text


@pytest.mark.parametrize(
    "text",
    ["Merhaba", "iki\nsatır", "Windows\r\nsatırı", "€ ş ğ ı İ", "emoji 😀", "\u00a0boşluk", "x" * 1530],
    ids=["plain", "LF", "CRLF", "turkish", "emoji", "nbsp", "10 parts"],
)
def test_texts_a_service_can_send_pass(text: str) -> None:
    assert check_message_text(text, "text", service="s", max_parts=10) == text


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a\x00b", "U+0000"),
        ("zil\x07", "U+0007"),
        ("Ad\tSoyad", "U+0009"),
        ("dikey\x0b", "U+000B"),
        ("sayfa\x0c", "U+000C"),
        ("renk \x1b[0m", "U+001B"),
        ("\x1f", "U+001F"),
        ("sil\x7f", "U+007F"),
        ("satır\x85", "U+0085"),
        ("\x9f", "U+009F"),
        ("yarım \ud83d", "U+D83D"),
        ("yarım \udc00", "U+DC00"),
        ("ters \ufffe", "U+FFFE"),
        ("\uffff", "U+FFFF"),
    ],
)
def test_control_characters_surrogates_and_noncharacters_are_refused(text: str, code: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(code)) as info:
        check_message_text(text, "messages[0].text", service="node")
    error = info.value
    assert error.field == "messages[0].text" and error.service == "node"
    assert error.value == f"<text: {len(text)} chars>"  # its size, never its words


def test_the_position_and_name_of_the_character_are_given() -> None:
    with pytest.raises(ValidationError, match=r"U\+0000 at position 7 \(NUL\)"):
        check_message_text("Merhaba\x00", "text", service="s")
    with pytest.raises(ValidationError, match=r"U\+0009 at position 2 \(TAB\)"):
        check_message_text("Ad\tSoyad", "text", service="s")


def test_parts_are_counted_with_core_segments() -> None:
    check_message_text("a" * (153 * 10), "text", service="s", max_parts=10)
    with pytest.raises(ValidationError, match="at most 10 SMS parts per message; this text needs 11") as info:
        check_message_text("a" * (153 * 10 + 1), "text", service="s", max_parts=10)
    assert "aaaa" not in str(info.value)
    with pytest.raises(ValidationError, match="needs 2703 \\(gsm7_turkish\\)"):
        check_message_text("ş" * 200_000, "text", service="s", max_parts=10)


def test_characters_are_counted_where_the_service_counts_characters() -> None:
    check_message_text("x" * 1600, "body", service="iletiniz", max_chars=1600)
    with pytest.raises(ValidationError, match="at most 1600 characters"):
        check_message_text("x" * 1601, "body", service="iletiniz", max_chars=1600)


@pytest.mark.parametrize("value", [None, "", "   ", 42, b"bytes"])
def test_a_text_is_a_non_empty_string(value: object) -> None:
    with pytest.raises(ValidationError, match="non-empty text"):
        check_message_text(value, "text", service="s")


def test_a_template_value_may_be_empty_but_not_a_control() -> None:
    assert check_message_text("", "variables.x", service="s", allow_empty=True) == ""
    with pytest.raises(ValidationError, match="U\\+0000"):
        check_message_text("\x00", "variables.x", service="s", allow_empty=True)
