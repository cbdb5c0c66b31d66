"""Recipient sources for the send operator: a list, an XCom, a CSV file or any iterable, read lazily.

A million recipients must never sit rendered in memory, so a source is something we *iterate*: each
recipient is read, normalised and (when personalised) rendered just before its chunk goes out, and dropped
after. A source that can be read twice (a list, a tuple, a CSV path) is read once more before the first
request to validate every recipient, so a bad number on row 900,000 fails the task before anything is sent;
a one-shot iterator (a generator) is validated chunk by chunk instead, just before each chunk's request.

Personalisation: ``message_template`` is a Jinja template rendered per recipient in a *sandboxed*
environment where a missing field fails loudly instead of sending "Merhaba ," or "Merhaba None": a column
the row lacks, or holds no value for (a short CSV row gives ``None``), is an error naming the row and the
column (``{{ r.title | default("") }}`` makes a column optional). Any other failure of the template
(``TypeError``, division by zero) and a CSV that cannot be read (not in its encoding, a field over the csv
module's limit) are errors naming the row too, found by the first pass before any request. It is a
separate argument from ``message`` and not one of the operator's ``template_fields``, so Airflow's own
templating never sees (and never eats) ``{{ r.first_name }}``.
"""

from __future__ import annotations

import ast
import csv
import functools
import json
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.phone import normalize_number

#: Field names tried, in order, for the number of a recipient given as a mapping (a CSV row, a dict).
NUMBER_FIELDS = ("phone", "number", "gsm", "msisdn", "mobile", "telefon")

#: The name recipients have inside a per-recipient template: ``{{ r.first_name }}``.
TEMPLATE_RECIPIENT_NAME = "r"

#: In a template error's message: quoted values and runs of digits (a number, an id) are personal data.
_ERROR_VALUES = re.compile(r"'[^']*'|\"[^\"]*\"|\d{4,}")


class MissingField(ValueError):
    """A template used a field that the recipient does not have (or has no value for)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class Recipient(NamedTuple):
    """One normalised recipient: the canonical number and (for personalised sends) its own text.

    A named tuple, not a dataclass: a million are made per campaign, and a tuple is made in C."""

    number: str
    text: str | None = None


class MessageRenderer:
    """A per-recipient template compiled once, rendered in a sandbox with strict undefined names."""

    def __init__(
        self, template: str, *, field: str = "message_template", globals_: Mapping[str, Any] | None = None
    ):
        from jinja2 import TemplateSyntaxError
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        if not isinstance(template, str) or not template.strip():
            raise ValidationError(field, template, "must be a non-empty Jinja template string")
        self.field = field
        env = ImmutableSandboxedEnvironment(
            undefined=_missing_field_undefined(), autoescape=False, keep_trailing_newline=True
        )
        try:
            self._template = env.from_string(template, globals=dict(globals_ or {}))
        except TemplateSyntaxError as exc:
            raise ValidationError(field, template, f"not a valid Jinja template: {exc.message}") from exc
        #: the template as literal text and field names, when it is nothing more (``plain_parts``)
        parts = plain_parts(template)
        self._plain = None if parts is None else _PlainTemplate(parts)

    def render(self, fields: Mapping[str, Any], *, where: str) -> str:
        if self._plain is not None:
            text = self._render_plain(self._plain, fields, where)
        else:
            text = self._render_jinja(fields, where)
        if not text.strip():
            raise ValidationError(self.field, f"<template for {where}>", "renders to an empty text")
        return text

    def _render_plain(self, plain: _PlainTemplate, fields: Mapping[str, Any], where: str) -> str:
        """What Jinja renders for a plain template, without Jinja: literal text and ``str`` of each value."""
        if not plain.names:
            return plain.text
        try:
            values = plain.values(fields)
        except KeyError as exc:
            raise self._missing(str(exc.args[0]), where) from None
        if len(plain.names) == 1:
            values = (values,)
        if any(map(_is_none, values)):  # identity, in C: a value's own == is never asked
            raise self._missing(plain.names[[v is None for v in values].index(True)], where)
        return str(plain.text % values)  # %s is str(value), as Jinja writes it

    def _missing(self, name: str, where: str) -> ValidationError:
        return ValidationError(
            f"{where}.{name}",
            "<no value>",
            f"the recipient has no value in this column, which {self.field} uses "
            f"(give every row a value, or write {{{{ r.{name} | default('') }}}})",
        )

    def _render_jinja(self, fields: Mapping[str, Any], where: str) -> str:
        present = _Fields((k, v) for k, v in fields.items() if v is not None and k is not None)
        try:
            text = self._template.render({TEMPLATE_RECIPIENT_NAME: present})
        except MissingField as exc:
            raise self._missing(exc.name, where) from None
        except Exception as exc:  # noqa: BLE001 - any template failure stops the send, named by its row
            # the recipient's values are personal data: the error's type and its text without values
            reason = _ERROR_VALUES.sub("…", str(exc))[:200]
            raise ValidationError(
                self.field, f"<template for {where}>", f"cannot render: {type(exc).__name__}: {reason}"
            ) from None
        return str(text)


@dataclass(frozen=True)
class _Field:
    name: str


_is_none = functools.partial(operator.is_, None)


class _PlainTemplate:
    """A plain template (``plain_parts``) as a ``%`` format and the fields it takes, in order."""

    def __init__(self, parts: tuple[str | _Field, ...]) -> None:
        self.names = tuple(part.name for part in parts if isinstance(part, _Field))
        literal = "".join(part for part in parts if isinstance(part, str))
        #: the format (``%s`` per field), or the literal text when there is no field
        self.text = literal
        if self.names:
            self.text = "".join(
                "%s" if isinstance(part, _Field) else part.replace("%", "%%") for part in parts
            )
        #: the fields' values as a tuple (one value alone when there is one field): ``KeyError`` if missing
        self.values: Callable[[Mapping[str, Any]], Any] = operator.itemgetter(*self.names or ("",))


#: ``{{ r.name }}`` or ``{{ r["name"] }}`` (``r['name']``), spaces allowed inside the braces.
_PLAIN_FIELD = re.compile(
    r"\{\{\s*"
    + TEMPLATE_RECIPIENT_NAME
    + r"""(?:\.([A-Za-z][A-Za-z0-9_]*)|\[(["'])([A-Za-z0-9_ -]+)\2\])\s*\}\}"""
)
#: What makes a template more than plain: any other Jinja syntax, or a newline Jinja would normalise.
_NOT_PLAIN = re.compile(r"\{[{%#]|\r")


def plain_parts(template: str) -> tuple[str | _Field, ...] | None:
    """The template as literal text and fields when it is only that (``Merhaba {{ r.name }}``), else None.

    Such a template renders the same without Jinja: each field's value as ``str()``, a missing or empty
    (None) field an error, the text between as written. Anything else (filters, conditions, loops,
    expressions, a field named like a dict method, which Jinja would resolve to the method) keeps Jinja.
    """
    parts: list[str | _Field] = []
    at = 0
    for match in _PLAIN_FIELD.finditer(template):
        literal = template[at : match.start()]
        if _NOT_PLAIN.search(literal):
            return None
        name = match.group(1)
        if name is not None and (hasattr(dict, name) or name.startswith("_")):
            return None
        if literal:
            parts.append(literal)
        parts.append(_Field(name if name is not None else match.group(3)))
        at = match.end()
    tail = template[at:]
    if _NOT_PLAIN.search(tail):
        return None
    if tail:
        parts.append(tail)
    return tuple(parts)


def _missing_field_undefined() -> type:
    """``StrictUndefined`` that says which field was missing, so the error can name the column.

    Jinja binds every failing operation (``__str__``, ``__add__``, ``__getattr__``...) to
    ``Undefined._fail_with_undefined_error`` by name at class creation, so each is re-pointed here.
    """
    from jinja2 import StrictUndefined, Undefined

    def fail(self: Any, *args: Any, **kwargs: Any) -> Any:
        name = self._undefined_name
        if isinstance(self._undefined_obj, _Fields) and isinstance(name, str):
            raise MissingField(name)
        return Undefined._fail_with_undefined_error(self, *args, **kwargs)

    failing = {
        name: fail
        for name in dir(StrictUndefined)
        if getattr(StrictUndefined, name, None) is Undefined._fail_with_undefined_error
    }
    return type("MissingFieldUndefined", (StrictUndefined,), failing)


class _Fields(dict):  # type: ignore[type-arg]
    """A recipient's fields for Jinja: ``r.first_name`` and ``r["first_name"]`` both work."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class RowSource(Protocol):
    """What the send reads recipients from: raw rows (a number string or a mapping of fields), lazily.

    ``rereadable``: a second ``iterate()`` gives the same rows in the same order. Only such a source is
    checked whole before the first request, and has its earlier chunks' fingerprints checked on a retry;
    ``RecipientSource`` (lists, CSV) and ``transfers.sql_source.SqlRowSource`` (an ordered query) are two.
    """

    @property
    def rereadable(self) -> bool: ...

    def iterate(self) -> Iterator[Any]: ...


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
    """Rows of a CSV file with a header line, streamed (the file is never read whole).

    The file is decoded in blocks, in C; a byte that is not ``encoding`` text is then looked for line by
    line (``_undecodable``), so the error names its line, as does a field over the csv module's limit.
    """
    try:
        handle = open(path, encoding=encoding, newline="")  # noqa: SIM115 - closed in finally, lazily
    except OSError as exc:
        raise ValidationError("recipients_csv", path, f"cannot open the file: {exc.strerror}") from exc
    try:
        try:
            yield from _csv_rows(csv.reader(handle, delimiter=delimiter), path)
        except csv.Error as exc:
            line = _csv_error_line(path, delimiter, encoding)
            raise ValidationError("recipients_csv", path, f"line {line}: {exc}") from None
        except UnicodeDecodeError:
            raise _undecodable(path, encoding) from None
    finally:
        handle.close()


def _csv_rows(reader: Iterator[list[str]], path: str) -> Iterator[dict[str, Any]]:
    """The rows as ``csv.DictReader`` gives them (blank lines skipped, a short row's missing columns None,
    a long row's extra values under the key None), without its per-row Python bookkeeping."""
    header = next(reader, None)
    if not header:
        raise ValidationError("recipients_csv", path, "the file has no header line")
    width = len(header)
    for row in reader:
        if len(row) == width:
            yield dict(zip(header, row, strict=True))
        elif row:
            fields: dict[Any, Any] = dict(zip(header, row, strict=False))
            if len(row) > width:
                fields[None] = row[width:]
            else:
                fields.update(dict.fromkeys(header[len(row) :]))
            yield fields


def _csv_error_line(path: str, delimiter: str, encoding: str) -> int:
    """The line a CSV error is on, found by reading again with every line counted (only after an error:
    the reader's own ``line_num`` has not counted the line it failed on)."""
    number = 0
    with open(path, encoding=encoding, newline="") as handle:

        def counted() -> Iterator[str]:
            nonlocal number
            for line in handle:
                number += 1
                yield line

        try:
            for _ in csv.reader(counted(), delimiter=delimiter):
                pass
        except csv.Error:
            return number
    return number


def _undecodable(path: str, encoding: str) -> ValidationError:
    """The error for a file that is not ``encoding`` text, naming the first line that is not."""
    import codecs

    decoder = codecs.getincrementaldecoder(encoding)()
    with open(path, "rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError as exc:
                return ValidationError(
                    "recipients_csv",
                    path,
                    f"line {number} is not {encoding} text (byte {exc.start + 1} of the line); "
                    "save the file as UTF-8 or set csv_encoding=",
                )
    return ValidationError("recipients_csv", path, f"the file is not {encoding} text")


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
    if row.__class__ is dict:  # a CSV or a query row: no abstract-class check, a million times
        fields: Mapping[str, Any] = row
        raw_number: Any = _number_of(row, number_field, where)
    elif isinstance(row, str | int) and not isinstance(row, bool):
        fields = {"phone": str(row)}
        raw_number = str(row)
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
