"""Phone numbers: one canonical form (digits with country code, no plus) for every service.

Users give numbers the way people write them (``0555 555 00 01``, ``+90 555 555 0001``, ``5555550001``,
``905555550001``); each service wants its own spelling. We normalise once, before any request, and format per
service from the canonical form.

Two paths, because ``phonenumbers`` costs ~50 µs a number (a million numbers: about a minute):

- a fast path: a precompiled regular expression for the Turkish mobile forms, built from the same mobile
  ranges ``phonenumbers`` uses (a unit test checks that they agree), so it never accepts what the library
  would reject;
- everything else (foreign numbers, odd spellings, and rejections) goes through ``phonenumbers``, imported
  lazily so that modules a DAG file imports stay cheap.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.masking import mask_number

DEFAULT_REGION = "TR"
TR_COUNTRY_CODE = "90"

#: Turkish mobile national numbers, copied from phonenumbers' metadata for TR (``mobile`` pattern, 10 digits).
#: The fast path only ever *accepts* with it; a number it misses still gets the full check, so a range added
#: later by phonenumbers is merely slower, never rejected. ``tests/unit/core/test_phone.py`` checks the copy.
TR_MOBILE_PATTERN = r"5(?:61(?:011|61\d)|82[2-5]\d\d)\d{4}|5(?:[03-5]\d|1[06]|24|6[24]|7[245]|9[46])\d{7}"

#: Separators people write inside numbers; dropped before the fast-path match.
_SEPARATORS = str.maketrans("", "", " -().\t\u00a0/")
#: What a written number may hold: ASCII digits, one leading ``+`` and the separators above. Anything else
#: is refused, letters above all: ``phonenumbers`` reads them as keypad digits (``0532abc4567`` would go to
#: 0532 222 4567, another person), and an extension (``x12``) or another script's digits are no better.
_WRITTEN_NUMBER = re.compile(r"\+?[0-9 \-().\t\u00a0/]+")
_FAST_TR = re.compile(rf"(?:\+90|0090|90|0)?({TR_MOBILE_PATTERN})")

#: Number types that cannot receive an SMS; a valid foreign number of these types is refused.
#: Guess (no vendor documents it): fixed lines, toll-free, premium-rate, shared-cost, UAN, voicemail and
#: pagers; FIXED_LINE_OR_MOBILE (e.g. the US), MOBILE, VOIP and PERSONAL_NUMBER are accepted.
NON_SMS_NUMBER_TYPES = frozenset(
    {"FIXED_LINE", "TOLL_FREE", "PREMIUM_RATE", "SHARED_COST", "UAN", "VOICEMAIL", "PAGER"}
)

#: A string of bare digits that is not a number of the region (e.g. ``447911123456``) is tried as an
#: international number without its plus, so that normalising an already-normalised foreign number works
#: (``normalize_number(normalize_number(x)) == normalize_number(x)``; a foreign number of 10 digits that
#: is also a Turkish mobile, e.g. Cuba's 5353123456, must be passed on in E.164 form). Only from 11 digits
#: on, never when the digits start with the region's own country code: a mistyped Turkish number
#: (10 digits, or 90 + 10) must be rejected, not read as a valid number of another country
#: (``5926101100`` is a Guyana mobile).
ACCEPT_BARE_INTERNATIONAL = True
BARE_INTERNATIONAL_MIN_DIGITS = 11

FORMAT_STYLES = ("msisdn", "e164", "national")


def normalize_number(number: str, *, field: str = "number", region: str = DEFAULT_REGION) -> str:
    """Digits with country code, no plus (``"905551234567"``), or ``ValidationError(field, number, rule)``.

    For Turkey only mobile numbers (5xx) are accepted; other countries' numbers are accepted when they are
    valid and can take an SMS (give them with ``+`` and the country code). The error carries the number
    masked (``0212***0001``): a phone number is personal data and must not reach a log or a task's failure.
    """
    if region == DEFAULT_REGION and number.__class__ is str:
        # already written plainly (a client normalising what the operator normalised): no separators
        plain = _FAST_TR.fullmatch(number)
        if plain is not None:
            return TR_COUNTRY_CODE + plain.group(1)
    if not isinstance(number, str | int) or isinstance(number, bool):
        raise ValidationError(field, _shown(number), "must be a phone number string")
    text = str(number).strip()
    if not text:
        raise ValidationError(field, number, "must not be empty")
    if not _WRITTEN_NUMBER.fullmatch(text):
        raise ValidationError(
            field,
            _shown(number),
            "only digits, a leading + and the separators space - ( ) . / (letters are never read as digits)",
        )
    if region == DEFAULT_REGION:
        match = _FAST_TR.fullmatch(text.translate(_SEPARATORS))
        if match is not None:
            return TR_COUNTRY_CODE + match.group(1)
    return _normalize_slow(text, field=field, region=region, original=number)


def normalize_numbers(
    numbers: Any, *, field: str = "numbers", region: str = DEFAULT_REGION, dedupe: bool = False
) -> list[str]:
    """Normalise many numbers; the error names the position (``numbers[3]``). ``dedupe`` keeps first ones."""
    if isinstance(numbers, str):
        numbers = [numbers]
    out: list[str] = []
    seen: set[str] = set()
    for index, number in enumerate(numbers):
        msisdn = normalize_number(number, field=f"{field}[{index}]", region=region)
        if dedupe:
            if msisdn in seen:
                continue
            seen.add(msisdn)
        out.append(msisdn)
    return out


def is_valid_number(number: str, *, region: str = DEFAULT_REGION) -> bool:
    try:
        normalize_number(number, region=region)
    except ValidationError:
        return False
    return True


def format_number(msisdn: str, style: str) -> str:
    """Spell a canonical number for a service: ``msisdn`` 905551234567, ``e164`` +905551234567,
    ``national`` 5551234567.

    ``msisdn`` is what ``normalize_number`` returns (a leading ``+`` is allowed): it is read as an
    international number, never re-normalised, because a foreign canonical number can look like a
    Turkish national one (``5353123456`` is a Cuban mobile, and also ``0535 312 34 56``).
    """
    if style not in FORMAT_STYLES:
        raise ValidationError("style", style, f"must be one of {', '.join(FORMAT_STYLES)}")
    digits = _canonical_digits(msisdn)
    if style == "msisdn":
        return digits
    if style == "e164":
        return "+" + digits
    if digits.startswith(TR_COUNTRY_CODE) and len(digits) == 12:
        return digits[2:]
    import phonenumbers

    return str(phonenumbers.national_significant_number(_parse_international(digits)))


def country_of(msisdn: str) -> str:
    """ISO 3166 region of a canonical number (``"TR"``, ``"DE"``, ``"US"``), for per-country prices.

    Like ``format_number`` it reads ``msisdn`` as digits with country code (``ZZ`` when unknown).
    """
    digits = _canonical_digits(msisdn)
    if digits.startswith(TR_COUNTRY_CODE) and len(digits) == 12:
        return "TR"
    import phonenumbers

    return str(phonenumbers.region_code_for_number(_parse_international(digits)) or "ZZ")


def _canonical_digits(msisdn: str, field: str = "msisdn") -> str:
    text = str(msisdn or "").strip()
    digits = text[1:] if text.startswith("+") else text
    if not digits.isdigit() or not 7 <= len(digits) <= 15:
        raise ValidationError(
            field, _shown(msisdn), "must be digits with country code, as normalize_number returns"
        )
    return digits


def _parse_international(digits: str) -> Any:
    import phonenumbers

    try:
        return phonenumbers.parse("+" + digits)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError("msisdn", _shown(digits), "not a number with a known country code") from exc


def _normalize_slow(text: str, *, field: str, region: str, original: object) -> str:
    import phonenumbers

    parsed = _parse(text, region)
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        bare = text.translate(_SEPARATORS)
        own_code = str(phonenumbers.country_code_for_region(region))
        if (
            ACCEPT_BARE_INTERNATIONAL
            and bare.isdigit()
            and len(bare) >= BARE_INTERNATIONAL_MIN_DIGITS
            and not bare.startswith(("0", own_code))
        ):
            candidate = _parse("+" + bare, region)
            if candidate is not None and phonenumbers.is_valid_number(candidate):
                parsed = candidate
    shown = _shown(original)
    if parsed is None:
        raise ValidationError(field, shown, "not a phone number")
    if not phonenumbers.is_valid_number(parsed):
        rule = f"not a valid number (write {region} numbers as e.g. 0555 555 00 01, others as +<cc>)"
        raise ValidationError(field, shown, rule)
    number_type = _type_name(phonenumbers.number_type(parsed))
    country_code = str(parsed.country_code)
    if country_code == TR_COUNTRY_CODE and number_type != "MOBILE":
        raise ValidationError(field, shown, "not a Turkish mobile number (5xx)")
    if number_type in NON_SMS_NUMBER_TYPES:
        raise ValidationError(field, shown, f"cannot receive SMS ({number_type.lower()} number)")
    return country_code + str(phonenumbers.national_significant_number(parsed))


def _shown(value: object) -> str:
    """What an error may show of a refused number: masked digits, or only the type of a non-number."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        return mask_number(str(value))
    return f"<{type(value).__name__}>"


def _parse(text: str, region: str) -> Any:
    import phonenumbers

    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def _type_name(number_type: int) -> str:
    return _type_names().get(number_type, "UNKNOWN")


@functools.cache
def _type_names() -> dict[int, str]:
    import phonenumbers

    kinds = phonenumbers.PhoneNumberType
    return {getattr(kinds, name): name for name in dir(kinds) if name.isupper()}
