"""SMS length rules (spec "SMS length"): encodings, limits, escape pairs, Turkish texts."""

from __future__ import annotations

import pytest

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.segments import (
    GSM7,
    GSM7_TURKISH,
    UCS2,
    can_encode,
    count_segments,
    encoding_for,
    node_encoding_for,
)


# -- the spec's table: one SMS / per part ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("length", "parts", "per_part"), [(1, 1, 160), (160, 1, 160), (161, 2, 153), (306, 2, 153), (307, 3, 153)]
)
def test_gsm7_default_is_160_single_and_153_per_part(length: int, parts: int, per_part: int) -> None:
    info = count_segments("a" * length)
    assert (info.encoding, info.parts, info.per_part) == (GSM7, parts, per_part)


@pytest.mark.parametrize(
    ("length", "parts", "per_part"), [(155, 1, 155), (156, 2, 149), (298, 2, 149), (299, 3, 149)]
)
def test_gsm7_turkish_is_155_single_and_149_per_part(length: int, parts: int, per_part: int) -> None:
    text = "ş" + "a" * (length - 2)  # ş takes two septets
    info = count_segments(text)
    assert (info.encoding, info.characters, info.parts, info.per_part) == (
        GSM7_TURKISH,
        length,
        parts,
        per_part,
    )


@pytest.mark.parametrize(
    ("length", "parts", "per_part"), [(70, 1, 70), (71, 2, 67), (134, 2, 67), (135, 3, 67)]
)
def test_ucs2_is_70_single_and_67_per_part(length: int, parts: int, per_part: int) -> None:
    info = count_segments("ж" * length)
    assert (info.encoding, info.parts, info.per_part) == (UCS2, parts, per_part)


# -- which characters need what -----------------------------------------------------------------------
@pytest.mark.parametrize("char", list("ÇÖÜöü"))
def test_default_alphabet_already_has_these_turkish_letters(char: str) -> None:
    info = count_segments(f"Merhaba {char}")
    assert (info.encoding, info.characters) == (GSM7, 9)


@pytest.mark.parametrize("char", list("ĞİŞçğış"))
def test_turkish_single_shift_letters_take_two_septets(char: str) -> None:
    info = count_segments(char)
    assert (info.encoding, info.characters) == (GSM7_TURKISH, 2)


@pytest.mark.parametrize("char", ["^", "{", "}", "\\", "[", "~", "]", "|", "€", "\f"])
def test_extension_characters_take_two_septets_in_the_default_alphabet(char: str) -> None:
    info = count_segments(char)
    assert (info.encoding, info.characters) == (GSM7, 2)


def test_euro_and_extension_characters_also_take_two_septets_with_the_turkish_table() -> None:
    info = count_segments("ş€[")
    assert (info.encoding, info.characters) == (GSM7_TURKISH, 6)


def test_lower_case_c_cedilla_is_not_in_the_default_alphabet() -> None:
    assert not can_encode("ç", GSM7)
    assert can_encode("ç", GSM7_TURKISH)


@pytest.mark.parametrize("text", ["Şişli’de buluşalım", "“Merhaba”", "Ünlü â", "Привет", "日本"])
def test_anything_outside_both_tables_is_ucs2(text: str) -> None:
    assert encoding_for(text) == UCS2


def test_an_emoji_counts_two_utf16_units() -> None:
    info = count_segments("ok 😀")
    assert (info.encoding, info.characters, info.remaining) == (UCS2, 5, 65)


# -- real Turkish texts ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "encoding", "characters"),
    [
        ("Siparişiniz yola çıktı. Takip no: 12345", GSM7_TURKISH, 39 + 4),
        ("Günaydın! Doğrulama kodunuz: 482913", GSM7_TURKISH, 35 + 2),
        ("Ödemeniz alındı", GSM7_TURKISH, 15 + 2),
        ("Çok güzel, Ömer ÜNLÜ", GSM7, 20),
        ("Kampanya: %20 indirim {KOD}", GSM7, 29),
        ("İyi bayramlar 🎉", UCS2, 16),
    ],
)
def test_turkish_texts(text: str, encoding: str, characters: int) -> None:
    info = count_segments(text)
    assert (info.encoding, info.characters, info.parts) == (encoding, characters, 1)


# -- multipart counting like real encoders -----------------------------------------------------------------
def test_an_escape_pair_is_never_split_across_parts() -> None:
    # 152 septets, then € (2): the pair does not fit the 1 septet left in part 1 and starts part 2.
    info = count_segments("a" * 152 + "€" + "b" * 10)
    assert info.parts == 2
    assert info.characters == 152 + 1 + 2 + 10  # the wasted septet is counted
    assert info.remaining == 153 - 12


def test_an_escape_pair_fitting_exactly_stays_in_its_part() -> None:
    info = count_segments("a" * 151 + "€" + "b" * 10)
    assert (info.parts, info.characters, info.remaining) == (2, 163, 143)


def test_turkish_letters_fill_149_septet_parts_with_74_letters() -> None:
    assert count_segments("ş" * 148).parts == 2  # 74 + 74
    assert count_segments("ş" * 149).parts == 3


def test_a_surrogate_pair_is_never_split_across_parts() -> None:
    info = count_segments("😀" * 40)  # 33 emoji (66 units) fill part 1; one unit is wasted
    assert (info.parts, info.characters, info.remaining) == (2, 81, 67 - 14)


def test_remaining_is_room_left_in_the_last_part() -> None:
    assert count_segments("a" * 200).remaining == 153 * 2 - 200
    assert count_segments("a" * 10).remaining == 150


# -- the cheapest encoding -------------------------------------------------------------------------------
def test_the_default_alphabet_wins_when_it_can_carry_the_text() -> None:
    assert encoding_for("Hello [world] €") == GSM7


def test_turkish_table_is_chosen_over_ucs2_when_it_saves_a_part() -> None:
    text = "ş" * 75  # Turkish: 150 septets, 1 part; UCS-2: 75 units, 2 parts
    assert count_segments(text).parts == 1
    assert count_segments(text, encoding=UCS2).parts == 2
    assert encoding_for(text) == GSM7_TURKISH


def test_the_empty_text_costs_nothing() -> None:
    info = count_segments("")
    assert (info.encoding, info.parts, info.characters, info.remaining) == (GSM7, 0, 0, 160)


# -- Node encoding values and forced encodings --------------------------------------------------------------
@pytest.mark.parametrize(("text", "value"), [("Merhaba", 0), ("Teşekkürler", 1), ("Merhaba 👋", 2)])
def test_node_encoding_values(text: str, value: int) -> None:
    assert node_encoding_for(text) == value
    assert count_segments(text).node_encoding == value


def test_a_forced_encoding_is_counted_even_when_not_cheapest() -> None:
    info = count_segments("Merhaba", encoding=UCS2)
    assert (info.encoding, info.characters, info.per_part, info.node_encoding) == (UCS2, 7, 70, 2)


def test_a_forced_encoding_that_cannot_carry_the_text_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as info:
        count_segments("Teşekkürler", encoding=GSM7)
    assert info.value.field == "text"
    assert "'ş'" in info.value.rule


def test_an_unknown_encoding_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as info:
        count_segments("x", encoding="utf8")
    assert info.value.field == "encoding"


def test_text_must_be_a_string() -> None:
    with pytest.raises(ValidationError):
        count_segments(None)  # type: ignore[arg-type]


def test_the_set_based_count_matches_counting_character_by_character() -> None:
    """The fast count (set operations; per-unit packing only when a two-unit character is split) against
    a plain per-character count of every encoding, on random texts mixing all the tables' characters."""
    import random

    from airflow_provider_ileti.core import segments

    def by_character(text: str, encoding: str) -> tuple[str, int, int, int, int] | None:
        sizes = segments._unit_sizes(text, encoding)
        if sizes is None:
            return None
        single, per_part = segments.LIMITS[encoding]
        if sum(sizes) <= single:
            return (encoding, 1 if text else 0, sum(sizes), single, single - sum(sizes))
        parts, used, wasted = 1, 0, 0
        for size in sizes:
            if used + size > per_part:
                wasted, parts, used = wasted + per_part - used, parts + 1, 0
            used += size
        return (encoding, parts, sum(sizes) + wasted, per_part, per_part - used)

    alphabet = list("abcXYZ 0123{}[]€^ğışİŞçéñ\n😀ΩΔ@£")
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 500)))
        counted = {enc: by_character(text, enc) for enc in segments.ENCODINGS}
        for enc in segments.ENCODINGS:
            info = segments._count(text, enc)
            assert (None if info is None else tuple(info)) == counted[enc], (text, enc)
        cheapest = min((c for c in counted.values() if c is not None), key=lambda c: c[1])
        assert tuple(segments.count_segments(text)) == cheapest
