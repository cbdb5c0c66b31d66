"""Recipient sources for the send operator: a list, an XCom, a CSV file or any iterable, read lazily.

A million recipients must never sit rendered in memory, so a source is something we *iterate*: each
recipient is read, normalised and (when personalised) rendered just before its chunk goes out, and dropped
after. A source that can be read twice (a list, a tuple, a CSV path) is read once more before the first
request to validate every recipient, so a bad number on row 900,000 fails the task before anything is sent;
a one-shot iterator (a generator) is validated chunk by chunk instead, just before each chunk's request.

Personalisation: ``message_template`` is a Jinja template rendered per recipient in a *sandboxed*
environment with ``StrictUndefined`` (a missing field fails loudly instead of sending "Merhaba ,"). It is a
separate argument from ``message`` and not one of the operator's ``template_fields``, so Airflow's own
templating never sees (and never eats) ``{{ r.first_name }}``.
"""

from __future__ import annotations

import ast
import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.phone import normalize_number

#: Field names tried, in order, for the number of a recipient given as a mapping (a CSV row, a dict).
NUMBER_FIELDS = ("phone", "number", "gsm", "msisdn", "mobile", "telefon")

#: The name recipients have inside a per-recipient template: ``{{ r.first_name }}``.
TEMPLATE_RECIPIENT_NAME = "r"


@dataclass(frozen=True)
class Recipient:
    """One normalised recipient: the canonical number and (for personalised sends) its own text."""

    number: str
    text: str | None = None


class MessageRenderer:
    """A per-recipient template compiled once, rendered in a sandbox with strict undefined names."""

    def __init__(
        self, template: str, *, field: str = "message_template", globals_: Mapping[str, Any] | None = None
    ):
        from jinja2 import StrictUndefined, TemplateSyntaxError
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        if not isinstance(template, str) or not template.strip():
            raise ValidationError(field, template, "must be a non-empty Jinja template string")
        self.field = field
        env = ImmutableSandboxedEnvironment(
            undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
        )
        try:
            self._template = env.from_string(template, globals=dict(globals_ or {}))
        except TemplateSyntaxError as exc:
            raise ValidationError(field, template, f"not a valid Jinja template: {exc.message}") from exc

    def render(self, fields: Mapping[str, Any], *, where: str) -> str:
        from jinja2 import TemplateError

        try:
            text = self._template.render({TEMPLATE_RECIPIENT_NAME: _Fields(fields)})
        except TemplateError as exc:
            # the recipient's values are personal data: name the position and the template error only
            raise ValidationError(self.field, f"<template for {where}>", f"cannot render: {exc}") from exc
        if not text.strip():
            raise ValidationError(self.field, f"<template for {where}>", "renders to an empty text")
        return text


class _Fields(dict):  # type: ignore[type-arg]
    """A recipient's fields for Jinja: ``r.first_name`` and ``r["first_name"]`` both work."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True)
class RecipientSource:
    """Where recipients come from; ``iterate()`` yields raw rows (a number string or a mapping) lazily."""

    items: Any = None
    csv_path: str | None = None
    csv_delimiter: str = ","
    csv_encoding: str = "utf-8-sig"

    @property
    def rereadable(self) -> bool:
        """True when the source can be read twice (so every row is validated before the first request)."""
        if self.csv_path is not None:
            return True
        return isinstance(self.items, list | tuple | str)

    def iterate(self) -> Iterator[Any]:
        if self.csv_path is not None:
            yield from _read_csv(self.csv_path, self.csv_delimiter, self.csv_encoding)
            if self.items is None:
                return
        items = parse_recipients_value(self.items)
        yield from items


def parse_recipients_value(value: Any) -> Iterable[Any]:
    """Accept what a DAG author (or a rendered XCom template) hands us as ``recipients``.

    A rendered ``{{ ti.xcom_pull(...) }}`` is a string unless the DAG renders native objects, so a string
    is read as JSON, then as a Python literal, then as numbers separated by commas, semicolons or newlines.
    """
    if value is None:
        return ()
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return ()
        if text[0] in "[({":
            for loader in (json.loads, ast.literal_eval):
                try:
                    parsed = loader(text)
                except (ValueError, SyntaxError):
                    continue
                if isinstance(parsed, dict):
                    return [parsed]
                if isinstance(parsed, list | tuple):
                    return parsed
        parts = text.replace(";", ",").replace("\n", ",").split(",")
        return [p.strip() for p in parts if p.strip()]
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, bytes) or not isinstance(value, Iterable):
        raise ValidationError(
            "recipients", type(value).__name__, "must be a list, an iterable, a string or None"
        )
    return value


def _read_csv(path: str, delimiter: str, encoding: str) -> Iterator[dict[str, str]]:
    """Rows of a CSV file with a header line, streamed (the file is never read whole)."""
    try:
        handle = open(path, newline="", encoding=encoding)  # noqa: SIM115 - closed in finally, lazily
    except OSError as exc:
        raise ValidationError("recipients_csv", path, f"cannot open the file: {exc.strerror}") from exc
    try:
        reader = csv.DictReader(handle, delimiter=delimiter)
        if not reader.fieldnames:
            raise ValidationError("recipients_csv", path, "the file has no header line")
        yield from reader
    finally:
        handle.close()


def to_recipient(
    row: Any,
    index: int,
    *,
    number_field: str | None,
    renderer: MessageRenderer | None,
    region: str = "TR",
) -> Recipient:
    """One raw row -> a ``Recipient`` (number normalised; text rendered when personalised)."""
    where = f"recipients[{index}]"
    if isinstance(row, str | int) and not isinstance(row, bool):
        fields: Mapping[str, Any] = {"phone": str(row)}
        raw_number: Any = str(row)
    elif isinstance(row, Mapping):
        fields = row
        raw_number = _number_of(row, number_field, where)
    else:
        raise ValidationError(
            where, type(row).__name__, "must be a phone number string or a mapping of fields"
        )
    number = normalize_number(raw_number, field=where, region=region)
    if renderer is None:
        return Recipient(number)
    return Recipient(
        number, renderer.render({**fields, "phone": number} if "phone" not in fields else fields, where=where)
    )


def _number_of(row: Mapping[str, Any], number_field: str | None, where: str) -> Any:
    if number_field is not None:
        if number_field not in row or row[number_field] in (None, ""):
            raise ValidationError(
                f"{where}.{number_field}", None, "the recipient has no number in this field"
            )
        return row[number_field]
    for name in NUMBER_FIELDS:
        value = row.get(name)
        if value not in (None, ""):
            return value
    raise ValidationError(
        where,
        sorted(row)[:10],
        f"no number field; name one with number_field= (tried {', '.join(NUMBER_FIELDS)})",
    )


def iter_recipients(
    source: RecipientSource,
    *,
    number_field: str | None,
    renderer: MessageRenderer | None,
    region: str = "TR",
) -> Iterator[Recipient]:
    """Normalised (and rendered) recipients, one at a time."""
    for index, row in enumerate(source.iterate()):
        yield to_recipient(row, index, number_field=number_field, renderer=renderer, region=region)


def validate_all(
    source: RecipientSource, *, number_field: str | None, renderer: MessageRenderer | None, region: str = "TR"
) -> int:
    """Read a re-readable source once, checking every recipient; returns how many there are.

    Nothing is kept, so memory stays flat however many recipients there are.
    """
    count = 0
    for _ in iter_recipients(source, number_field=number_field, renderer=renderer, region=region):
        count += 1
    return count
