"""Phone number rules: the four Turkish spellings, foreign numbers with +cc, rejections, formatting."""

from __future__ import annotations

import time

import phonenumbers
import pytest

from airflow_provider_ileti.core import phone
from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.phone import (
    country_of,
    format_number,
    is_valid_number,
    normalize_number,
    normalize_numbers,
)


@pytest.mark.parametrize("given", ["0555 555 00 01", "+90 555 555 0001", "5555550001", "905555550001"])
def test_the_four_turkish_spellings_from_the_brief_normalise_alike(given: str) -> None:
    assert normalize_number(given) == "905555550001"


@pytest.mark.parametrize(
    "given", ["0090 555 555 00 01", "(0555) 555-00-01", "+90-555-555-00-01", " 0555.555.0001 "]
)
def test_international_prefix_and_separators_are_accepted(given: str) -> None:
    assert normalize_number(given) == "905555550001"


def test_an_integer_is_read_as_its_digits() -> None:
    assert normalize_number(5321234567) == "905321234567"  # type: ignore[arg-type]


def test_normalising_is_idempotent_for_turkish_numbers() -> None:
    once = normalize_number("0532 123 45 67")
    assert normalize_number(once) == once


@pytest.mark.parametrize(
    ("given", "rule"),
    [
        ("+90 212 555 00 01", "not a Turkish mobile number"),  # Istanbul fixed line
        ("0850 222 00 01", "not a Turkish mobile number"),  # UAN
        ("0512 555 00 01", "not a Turkish mobile number"),  # pager range
    ],
)
def test_turkish_numbers_must_be_mobile(given: str, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_number(given)
    assert rule in info.value.rule


@pytest.mark.parametrize("given", ["555555000", "55555500011", "0555 555 00", "12345", "+90555555000111"])
def test_wrong_length_is_rejected(given: str) -> None:
    with pytest.raises(ValidationError):
        normalize_number(given)


@pytest.mark.parametrize("given", ["abc", "0555-CALL-ME", "90555555000x"])
def test_non_numbers_are_rejected(given: str) -> None:
    with pytest.raises(ValidationError):
        normalize_number(given)


@pytest.mark.parametrize("given", ["", "   "])
def test_empty_is_rejected(given: str) -> None:
    with pytest.raises(ValidationError, match="must not be empty"):
        normalize_number(given)


@pytest.mark.parametrize("given", [None, True, 5.5, ["905555550001"]])
def test_non_strings_are_rejected(given: object) -> None:
    with pytest.raises(ValidationError, match="must be a phone number string"):
        normalize_number(given)  # type: ignore[arg-type]


def test_the_error_names_field_masked_value_and_rule() -> None:
    with pytest.raises(ValidationError) as info:
        normalize_number("0212 555 00 01", field="recipients")
    assert info.value.field == "recipients"
    assert info.value.value == "0212***0001"
    assert info.value.rule == "not a Turkish mobile number (5xx)"
    assert str(info.value).startswith("recipients='0212***0001': not a Turkish mobile number (5xx)")


@pytest.mark.parametrize(
    "given",
    ["0212 555 00 01", "+44 20 7946 0958", "+1 800 555 0199", "5926101100", "905551234", "12345678901234567"],
)
def test_no_refused_number_appears_whole_in_the_error(given: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_number(given)
    digits = "".join(ch for ch in given if ch.isdigit())
    shown = str(info.value)
    assert digits not in "".join(ch for ch in shown if ch.isdigit())
    assert "***" in shown and info.value.rule


def test_format_number_masks_what_it_refuses() -> None:
    with pytest.raises(ValidationError) as info:
        format_number("90555123456789012", "e164")
    assert "90555123456789012" not in str(info.value) and "***" in str(info.value)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("+44 7911 123456", "447911123456"),  # UK mobile
        ("+49 151 23456789", "4915123456789"),  # German mobile
        ("+1 202 555 0143", "12025550143"),  # US: fixed line or mobile, cannot tell
        ("0044 7911 123456", "447911123456"),  # 00 is Turkey's international prefix
    ],
)
def test_foreign_numbers_with_country_code_are_accepted(given: str, expected: str) -> None:
    assert normalize_number(given) == expected


def test_foreign_fixed_lines_are_rejected_because_they_cannot_take_sms() -> None:
    with pytest.raises(ValidationError, match="cannot receive SMS"):
        normalize_number("+49 30 1234567")


def test_invalid_foreign_numbers_are_rejected() -> None:
    with pytest.raises(ValidationError, match="not a valid number"):
        normalize_number("+44 1234")


def test_a_normalised_foreign_number_normalises_to_itself() -> None:
    once = normalize_number("+44 7911 123456")
    assert normalize_number(once) == once


def test_a_mistyped_turkish_number_is_not_read_as_a_foreign_one() -> None:
    # +592 610 1100 is a Guyana mobile; as typed it is a Turkish number outside the mobile ranges.
    with pytest.raises(ValidationError, match="not a valid number|not a Turkish mobile"):
        normalize_number("5926101100")


def test_another_default_region_reads_national_numbers_of_that_region() -> None:
    assert normalize_number("0151 23456789", region="DE") == "4915123456789"


def test_normalize_numbers_names_the_position_of_a_bad_number() -> None:
    with pytest.raises(ValidationError) as info:
        normalize_numbers(["05555550001", "0212 555 00 01"])
    assert info.value.field == "numbers[1]"


def test_normalize_numbers_can_drop_duplicates_keeping_order() -> None:
    got = normalize_numbers(["05325550001", "+905555550001", "5325550001"], dedupe=True)
    assert got == ["905325550001", "905555550001"]


def test_is_valid_number_answers_without_raising() -> None:
    assert is_valid_number("0555 555 00 01") is True
    assert is_valid_number("0212 555 00 01") is False


@pytest.mark.parametrize(
    ("style", "expected"),
    [("msisdn", "905551234567"), ("e164", "+905551234567"), ("national", "5551234567")],
)
def test_format_number_styles(style: str, expected: str) -> None:
    assert format_number("905551234567", style) == expected


def test_format_number_national_for_a_foreign_number() -> None:
    assert format_number("447911123456", "national") == "7911123456"


def test_format_number_accepts_the_e164_form() -> None:
    assert format_number("+905551234567", "national") == "5551234567"


def test_format_number_reads_a_canonical_number_as_international() -> None:
    # Cuba's +53 5 3123456 is canonically 5353123456, which also looks like a Turkish national number.
    assert format_number(normalize_number("+53 5 3123456"), "e164") == "+5353123456"


@pytest.mark.parametrize("given", ["0555 555 00 01", "abc", "+"])
def test_format_number_wants_the_canonical_form(given: str) -> None:
    with pytest.raises(ValidationError, match="digits with country code"):
        format_number(given, "e164")


def test_format_number_rejects_an_unknown_style() -> None:
    with pytest.raises(ValidationError) as info:
        format_number("905551234567", "intl")
    assert info.value.field == "style"


@pytest.mark.parametrize(
    ("number", "country"),
    [
        ("905551234567", "TR"),
        ("+4915123456789", "DE"),
        ("12025550143", "US"),
        ("+33612345678", "FR"),
        ("5353123456", "CU"),
    ],
)
def test_country_of(number: str, country: str) -> None:
    assert country_of(number) == country


def test_fast_path_pattern_is_phonenumbers_turkish_mobile_pattern() -> None:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("TR")
    assert metadata.mobile.national_number_pattern == phone.TR_MOBILE_PATTERN


def test_fast_path_agrees_with_phonenumbers_on_every_turkish_prefix() -> None:
    for prefix in range(500, 600):
        for tail in ("0000000", "1234567", "6101100", "9999999", "2200000"):
            national = f"{prefix}{tail}"
            parsed = phonenumbers.parse(national, "TR")
            expected = phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) == 1
            fast = phone._FAST_TR.fullmatch("0" + national) is not None
            assert fast == expected, national
            assert is_valid_number(national) == expected, national


def test_fast_path_is_much_faster_than_phonenumbers() -> None:
    numbers = [f"0532 {i // 10000:03d} {i % 100:02d} {i % 97:02d}" for i in range(20000)]
    started = time.perf_counter()
    for number in numbers:
        normalize_number(number)
    fast = time.perf_counter() - started
    started = time.perf_counter()
    for number in numbers:
        parsed = phonenumbers.parse(number, "TR")
        phonenumbers.is_valid_number(parsed)
    slow = time.perf_counter() - started
    assert fast * 4 < slow, (fast, slow)


@pytest.mark.parametrize(
    "given",
    [
        "0532abc4567",  # phonenumbers would read the letters as keypad digits: 905322224567
        "0532ABC4567",
        "+90 532 ABC 45 67",
        "905322224567x",
        "0555 555 00 01 ext. 12",
        "٠٥٥٥٥٥٥٠٠٠١",  # Arabic-Indic digits: refused, not translated
        "0555\u200b5550001",  # a zero-width space pasted from a web page
        "++905555550001",
    ],
)
def test_anything_but_digits_a_plus_and_separators_is_refused_never_translated(given: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_number(given)
    assert "letters are never read as digits" in info.value.rule


def test_a_refused_lettered_number_is_masked_in_the_error() -> None:
    with pytest.raises(ValidationError) as info:
        normalize_number("0532abc4567", field="recipients[3]")
    message = str(info.value)
    assert "recipients[3]" in message and "0532abc4567" not in message
