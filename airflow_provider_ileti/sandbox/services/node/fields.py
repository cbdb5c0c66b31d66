"""Every Node function's documented request fields, and which of them the document requires.

The document marks a field ``**`` (optional) or ``*`` (required depending on another parameter: one of
``pkgID``/``uuid``/``customID``, ``number`` for sendingType 0 and ``numbers`` otherwise …); a field with no
mark is required. ``check`` runs before any handler, for REST and SOAP alike:

- a field the document does not name is refused (SMS00 naming it);
- an unmarked field that is absent (or empty: ``None``, ``""``, ``[]``; the SOAP front end reads empty
  elements as absent, as the vendor's samples send optional fields empty) is refused (SMS00 naming it).

``*`` fields are left to the handlers, which know what they depend on. Objects the document spells out
(``pushSettings{url}``, ``periodicSettings{...}``, ``iys{...}``, the KVKK ``number{nr, cfs}``, the items of
``numbers``) are checked the same way, their fields named ``parent.child``; free-form objects (``details``,
``cfs``) are not.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from airflow_provider_ileti.sandbox.services.node.codes import bad_request
from airflow_provider_ileti.sandbox.services.node.validation import present


@dataclasses.dataclass(frozen=True)
class Fields:
    """The fields of one request (or of one documented object inside it)."""

    #: no mark in the document: required (in the document's order: the first missing one is named)
    required: tuple[str, ...] = ()
    #: ``*``: required depending on another parameter (the handler checks which)
    conditional: tuple[str, ...] = ()
    #: ``**``: optional
    optional: tuple[str, ...] = ()
    #: documented objects inside: field -> its fields (a list field: the fields of each object item)
    objects: Mapping[str, Fields] = dataclasses.field(default_factory=dict)

    @property
    def documented(self) -> frozenset[str]:
        return frozenset(self.required + self.conditional + self.optional)


def fields(required: str = "", conditional: str = "", optional: str = "", **objects: Fields) -> Fields:
    """``Fields`` from space-separated names, as the document's table reads."""
    return Fields(tuple(required.split()), tuple(conditional.split()), tuple(optional.split()), objects)


PAGE = "pageIndex pageSize"
_PUSH = fields("url")
_CONTACT = fields(
    "gsm",
    "uuid",
    "firstName lastName groupUUIDs isInBlacklist details iys queryCall queryEmail",
    iys=fields(conditional="c spc send"),
)
_GROUP = fields("title", "uuid", "parentUUID gsms")

#: path below ``/node`` -> its fields (the spec's tables, ``spec/node-api.md`` "Functions").
FIELDS: dict[str, Fields] = {
    "sms/create-otp": fields(
        "number sender content",
        "",
        "encoding validity pushSettings commercial customID trustDate",
        pushSettings=_PUSH,
    ),
    "sms/create": fields(
        "type sendingType sender title content encoding",
        "number numbers",
        "validity sendingDate periodicSettings pushSettings commercial customID",
        numbers=fields("nr", "msg"),
        periodicSettings=fields("periodType", "interval amount"),
        pushSettings=_PUSH,
    ),
    "sms/create-kvkk": fields(
        "number sender content",
        "",
        "encoding validity pushSettings",
        number=fields("nr cfs"),
        pushSettings=_PUSH,
    ),
    "sms/list": fields(optional=f"ids customIDs keyword sender status startDate finishDate {PAGE}"),
    "sms/list-item": fields(conditional="pkgID uuid customID", optional=f"target operator state {PAGE}"),
    "sms/list-sender": fields(optional=f"keyword status {PAGE}"),
    "sms/cancel": fields(conditional="id uuid customID"),
    "sms/recreate": fields("title includeNewNumbers", "id uuid"),
    "sms/summary": fields(optional="startDate finishDate"),
    "sms/inquiry-number": fields("gsm", optional="sender startDate finishDate"),
    "contact/create": _CONTACT,
    # ``*uuid (update)``: the update is the case that requires it
    "contact/update": dataclasses.replace(_CONTACT, required=("uuid", *_CONTACT.required)),
    "contact/delete": fields("uuids permanent", optional="groupUUID"),
    "contact/import": fields("csvData columns", optional="overwrite isInBlacklist groupUUIDs"),
    "contact/list": fields(optional=f"status iysState exitType groupUUID {PAGE}"),
    "contact/create-group": _GROUP,
    "contact/update-group": dataclasses.replace(_GROUP, required=("uuid", *_GROUP.required)),
    "contact/delete-group": fields(conditional="uuid uuids", optional="includeContacts"),
    "contact/list-group": fields(optional=f"keyword parentUUID {PAGE}"),
    # ``returnInvalids`` carries no mark in the document (only a sentence on what it does): required.
    "contact/set-blacklist": fields("status returnInvalids", "uuids gsms"),
    "mo/list-request": fields(optional=f"keyword userUUID startDate finishDate {PAGE}"),
    "user/credit": fields(),
}


def check(path: str, params: Mapping[str, Any]) -> None:
    """Refuse (SMS00, naming the field) an undocumented field or a missing required one of ``path``."""
    _check(FIELDS[path], params, prefix="", where=f"/{path}")


def _check(spec: Fields, params: Mapping[str, Any], *, prefix: str, where: str) -> None:
    for name in params:
        if name not in spec.documented:
            raise bad_request(f"{prefix}{name} is not a field of {where}")
    for name in spec.required:
        if not present(params, name):
            raise bad_request(f"{prefix}{name} is required by {where}")
    for name, inner in spec.objects.items():
        value = params.get(name)
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            if isinstance(item, Mapping) and any(v not in (None, "") for v in item.values()):
                label = f"{prefix}{name}[{i}]." if isinstance(value, list) else f"{prefix}{name}."
                _check(inner, item, prefix=label, where=where)
