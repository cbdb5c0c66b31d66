"""The fast path for plain templates (``Merhaba {{ r.name }}``) renders exactly what Jinja renders."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.tasks.recipients import MessageRenderer, plain_parts

PLAIN = [
    "Merhaba {{ r.first_name }}, kodunuz: {{ r.code }}",
    "{{r.first_name}}{{ r.city }}",
    "{{ r['first name'] }} / {{ r[\"code\"] }} }} { tek parantez",
    "Sadece metin, alan yok.\n",
    "Sipariş {{ r.order_id }}: {{ r.total }} TL\nTeşekkürler",
    "%20 indirim, %s ve %% aynen: {{ r.code }}",  # the fast path is a % format: literal % must survive
    "Sadece %d metin",
]
NOT_PLAIN = [
    "Merhaba {{ r.first_name | upper }}",
    "{% if r.vip %}VIP{% endif %} {{ r.first_name }}",
    "{# yorum #}{{ r.first_name }}",
    "{{ r.first_name ~ '!' }}",
    "Merhaba {{ r.items }}",  # a dict method: Jinja resolves the method, not the key
    "{{ r._private }}",
    "satır\r\nsonu {{ r.code }}",  # Jinja turns \r\n into \n
    "{{ name }}",
]


@pytest.mark.parametrize("template", PLAIN)
def test_plain_templates_take_the_fast_path(template: str) -> None:
    assert plain_parts(template) is not None


@pytest.mark.parametrize("template", NOT_PLAIN)
def test_anything_more_keeps_jinja(template: str) -> None:
    assert plain_parts(template) is None


def _jinja_only(template: str) -> MessageRenderer:
    renderer = MessageRenderer(template)
    renderer._plain = None  # the reference: the same renderer through Jinja
    return renderer


VALUES: list[Any] = [
    "Ayşe", "", " ", 0, 12, 3.5, True, False, "çok {{ uzun }} {% metin %}", "a\tb\nc", "😀", "%s %d",
    (1, 2), ("tek",), Decimal("1.50"), None,
]  # fmt: skip


def test_the_fast_path_renders_what_jinja_renders_value_for_value() -> None:
    rng = random.Random(3)
    for template in PLAIN:
        fast, slow = MessageRenderer(template), _jinja_only(template)
        assert fast._plain is not None
        for _ in range(300):
            row = {
                name: rng.choice(VALUES)
                for name in ("first_name", "city", "code", "order_id", "total", "first name")
            }
            row["phone"] = "905551234567"
            results = []
            for renderer in (fast, slow):
                try:
                    results.append(("ok", renderer.render(row, where="recipients[3]")))
                except ValidationError as exc:
                    results.append(("error", exc.field, exc.rule))
            assert results[0] == results[1], (template, row)


@pytest.mark.parametrize("missing", [None, "absent"])
def test_a_missing_or_empty_field_is_the_same_error_on_both_paths(missing: str | None) -> None:
    row = {"phone": "905551234567", "first_name": "Ayşe"}
    if missing is None:
        row["code"] = None  # type: ignore[assignment]
    errors = []
    for renderer in (MessageRenderer(PLAIN[0]), _jinja_only(PLAIN[0])):
        with pytest.raises(ValidationError) as caught:
            renderer.render(row, where="recipients[7]")
        errors.append((caught.value.field, caught.value.value, caught.value.rule))
    assert errors[0] == errors[1]
    assert errors[0][0] == "recipients[7].code"
