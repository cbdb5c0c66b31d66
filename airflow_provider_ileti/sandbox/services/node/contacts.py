"""The contact book (``/contact/...``): contacts, groups, the black list and asynchronous CSV imports."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from airflow_provider_ileti.sandbox.services.node import validation as v
from airflow_provider_ileti.sandbox.services.node.codes import NodeError, bad_request
from airflow_provider_ileti.sandbox.services.node.state import (
    DELETE_GROUP_DURATION,
    IMPORT_DURATION,
    IYS_SYNC,
    Contact,
    Group,
    NodeState,
    PendingImport,
)

#: Custom field names: letters (no Turkish ones), digits and ``_``.
DETAIL_NAME = re.compile(r"[A-Za-z0-9_]+")
KNOWN_COLUMNS = ("GSM", "FIRST_NAME", "LAST_NAME", "BIRTH_DATE", "GSM_2", "GSM_3", "GROUP_NAME")
MAX_BLACKLIST_ITEMS = 1000
#: The field of ``/contact/set-blacklist``'s answer listing numbers skipped with ``returnInvalids`` (guess).
INVALIDS_FIELD = "invalids"
#: Contact filter (``status`` of /contact/list): 0 all, 1 white list, 2 black list, 3 invalid number (guess).
CONTACT_FILTERS = range(0, 4)
IYS_RECIPIENT_TYPES = (0, 1)
IYS_SOURCES = range(0, 13)
HS_KARAR = 1
_CSV_VALUE = re.compile(r"\s*'((?:[^']|'')*)'\s*(?:,|$)")


def gsm_of(value: Any, name: str = "gsm") -> str:
    """A contact number with its country code; a bare national 5xxxxxxxxx gets 90 (the group sample)."""
    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    if re.fullmatch(r"5\d{9}", text):
        text = "90" + text
    return str(v.number(text, name))


def _iys_json(contact: Contact, now: dt.datetime) -> dict[str, Any] | None:
    if contact.iys is None:
        return None
    synced = now >= contact.created + IYS_SYNC
    return {**contact.iys, "st": 2 if synced else -1}


def contact_json(state: NodeState, contact: Contact, now: dt.datetime) -> dict[str, Any]:
    groups = [
        {"uuid": g, "title": state.groups[g].title} for g in sorted(contact.groups) if g in state.groups
    ]
    return {
        "uuid": contact.uuid,
        "firstName": contact.first_name,
        "lastName": contact.last_name,
        "gsm": contact.gsm,
        "details": dict(contact.details) or None,
        "groups": groups or None,
        "isInBlacklist": 1 if contact.blacklisted else 0,
        "iys": _iys_json(contact, now),
    }


def _apply_import(state: NodeState, now: dt.datetime) -> None:
    pending = state.pending_import
    if pending is None or now < pending.ready_at:
        return
    state.pending_import = None
    for row in pending.rows:
        try:
            gsm = gsm_of(row.get("GSM", ""))
        except NodeError:
            continue
        groups = set(pending.group_uuids)
        group_name = row.get("GROUP_NAME", "").strip()
        if group_name:
            found = next(
                (g for g in state.groups.values() if g.title == group_name and g.parent is None), None
            )
            if found is None:
                found = Group(state.new_uuid(), group_name, None)
                state.groups[found.uuid] = found
            groups.add(found.uuid)
        details = {
            k: val for k, val in row.items() if k not in ("GSM", "FIRST_NAME", "LAST_NAME", "GROUP_NAME")
        }
        existing = state.contact_by_gsm.get(gsm)
        if existing is not None and not state.contacts[existing].archived:
            contact = state.contacts[existing]
            contact.groups |= groups
            if pending.overwrite:
                contact.first_name = row.get("FIRST_NAME") or contact.first_name
                contact.last_name = row.get("LAST_NAME") or contact.last_name
                contact.details.update(details)
                if pending.blacklisted is not None:
                    contact.blacklisted = pending.blacklisted
            continue
        contact = Contact(
            state.new_uuid(),
            gsm,
            row.get("FIRST_NAME"),
            row.get("LAST_NAME"),
            details,
            groups,
            bool(pending.blacklisted),
            None,
            now,
        )
        state.contacts[contact.uuid] = contact
        state.contact_by_gsm[gsm] = contact.uuid
    state.imports_done += 1


def settle(state: NodeState) -> dt.datetime:
    """The current time, after applying an import whose time has come (lazily, on any contact call)."""
    now = state.clock.now()
    _apply_import(state, now)
    return now


def _details(params: v.Params) -> dict[str, str]:
    details = v.get_object(params, "details") or {}
    for name in details:
        if not DETAIL_NAME.fullmatch(str(name)):
            raise bad_request(f"details name {name!r}: only letters, digits and _")
    return {str(k): str(val) for k, val in details.items() if val is not None}


def _iys(params: v.Params, first: bool) -> dict[str, Any] | None:
    iys = v.get_object(params, "iys")
    if not iys:
        return None
    c = v.get_int(iys, "c", required=True, allowed=IYS_RECIPIENT_TYPES)
    spc = v.get_int(iys, "spc", required=True, allowed=IYS_SOURCES)
    if first and spc == HS_KARAR:
        raise bad_request("iys.spc HS_KARAR cannot be used on a first consent record")
    return {"c": c, "spc": spc, "send": bool(v.get_bool(iys, "send"))}


def _groups(state: NodeState, uuids: list[Any]) -> set[str]:
    for uuid in uuids:
        if str(uuid) not in state.groups:
            raise NodeError("SMS10", f"no contact group {uuid}")
    return {str(u) for u in uuids}


def create_contact(state: NodeState, params: v.Params) -> dict[str, Any]:
    gsm = gsm_of(params.get("gsm") if v.present(params, "gsm") else None)
    details = _details(params)
    iys = _iys(params, first=True)
    with state.lock:
        now = settle(state)
        existing = state.contact_by_gsm.get(gsm)
        if existing is not None and not state.contacts[existing].archived:
            raise NodeError("SMS12", "a contact with this gsm exists")
        contact = Contact(
            uuid=state.new_uuid(),
            gsm=gsm,
            first_name=v.get_str(params, "firstName"),
            last_name=v.get_str(params, "lastName"),
            details=details,
            groups=_groups(state, v.get_list(params, "groupUUIDs")),
            blacklisted=bool(v.get_bool(params, "isInBlacklist")),
            iys=iys,
            created=now,
            query_call=v.get_bool(params, "queryCall"),
            query_email=v.get_bool(params, "queryEmail"),
        )
        state.contacts[contact.uuid] = contact
        state.contact_by_gsm[gsm] = contact.uuid
        return contact_json(state, contact, now)


def update_contact(state: NodeState, params: v.Params) -> dict[str, Any]:
    uuid = v.get_str(params, "uuid", required=True)
    gsm = gsm_of(params.get("gsm") if v.present(params, "gsm") else None)
    details = _details(params)
    with state.lock:
        now = settle(state)
        contact = state.contacts.get(uuid or "")
        if contact is None or contact.archived:
            raise bad_request(f"no contact {uuid}")
        other = state.contact_by_gsm.get(gsm)
        if other is not None and other != contact.uuid and not state.contacts[other].archived:
            raise NodeError("SMS12", "another contact has this gsm")
        iys = _iys(params, first=contact.iys is None)
        state.contact_by_gsm.pop(contact.gsm, None)
        contact.gsm = gsm
        state.contact_by_gsm[gsm] = contact.uuid
        for attr, name in (("first_name", "firstName"), ("last_name", "lastName")):
            if v.present(params, name):
                setattr(contact, attr, v.get_str(params, name))
        if v.present(params, "groupUUIDs"):
            contact.groups = _groups(state, v.get_list(params, "groupUUIDs"))
        if v.present(params, "isInBlacklist"):
            contact.blacklisted = bool(v.get_bool(params, "isInBlacklist"))
        if details:
            contact.details.update(details)
        if iys is not None:
            contact.iys = iys
            if iys["send"]:
                contact.created = now  # synchronised again with IYS
        del now
    return {"status": 1}


def delete_contacts(state: NodeState, params: v.Params) -> dict[str, Any]:
    uuids = [str(u) for u in v.get_list(params, "uuids", required=True)]
    permanent = v.get_int(params, "permanent", allowed=(0, 1), default=0)
    group = v.get_str(params, "groupUUID")
    with state.lock:
        settle(state)
        if group is not None:
            _groups(state, [group])
        for uuid in uuids:
            contact = state.contacts.get(uuid)
            if contact is None or (group is not None and group not in contact.groups):
                continue
            if permanent:
                del state.contacts[uuid]
                if state.contact_by_gsm.get(contact.gsm) == uuid:
                    del state.contact_by_gsm[contact.gsm]
            else:
                contact.archived = True
                contact.groups.clear()
    return {"status": 1}


def parse_csv(csv_data: str) -> list[list[str]]:
    """Rows separated by newlines, every value in single quotes (``''`` inside a value is one quote)."""
    rows = []
    for line in csv_data.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            continue
        values, pos = [], 0
        while pos < len(line):
            match = _CSV_VALUE.match(line, pos)
            if match is None:
                raise bad_request(f"csvData: values must be in single quotes: {line[:40]!r}")
            values.append(match.group(1).replace("''", "'"))
            pos = match.end()
        rows.append(values)
    return rows


def import_contacts(state: NodeState, params: v.Params) -> dict[str, Any]:
    csv_data = v.get_str(params, "csvData", required=True)
    columns = [str(c).strip().upper() for c in v.get_list(params, "columns", required=True)]
    assert csv_data is not None
    rows = parse_csv(csv_data)
    if not rows:
        raise bad_request("csvData is empty")
    header = [h.strip().upper() for h in rows[0]]
    if header != columns:
        raise bad_request("columns must name the csvData columns in the same order")
    if "GSM" not in columns:
        raise bad_request("a GSM column is required")
    for name in columns:
        if not DETAIL_NAME.fullmatch(name):
            raise bad_request(f"column {name!r}: only letters, digits and _")
    records = []
    for values in rows[1:]:
        if len(values) != len(columns):
            raise bad_request("every csvData row needs a value for every column")
        records.append(dict(zip(columns, values, strict=True)))
    with state.lock:
        now = settle(state)
        if state.pending_import is not None:
            wait = state.real_seconds(state.pending_import.ready_at - now)
            raise NodeError("SMS13", "an import is still pending", retry_after=wait)
        group_uuids = sorted(_groups(state, v.get_list(params, "groupUUIDs")))
        state.pending_import = PendingImport(
            ready_at=now + IMPORT_DURATION,
            rows=records,
            overwrite=bool(v.get_bool(params, "overwrite")),
            blacklisted=v.get_bool(params, "isInBlacklist"),
            group_uuids=group_uuids,
        )
    return {"status": 1}


def list_contacts(state: NodeState, params: v.Params) -> dict[str, Any]:
    status = v.get_int(params, "status", allowed=CONTACT_FILTERS, default=0)
    iys_state = v.get_int(params, "iysState", allowed=range(-2, 4))
    exit_type = v.get_int(params, "exitType")
    group = v.get_str(params, "groupUUID")
    index, size = v.page(params)
    with state.lock:
        now = settle(state)
        rows = []
        for contact in state.contacts.values():
            if contact.archived or (group is not None and group not in contact.groups):
                continue
            if status == 1 and contact.blacklisted or status == 2 and not contact.blacklisted or status == 3:
                continue  # a stored contact always has a valid number
            if iys_state is not None and (_iys_json(contact, now) or {}).get("st") != iys_state:
                continue
            if exit_type is not None and contact.exit_type != exit_type:
                continue
            rows.append(contact)
        shown = rows[index * size : (index + 1) * size]
        return {"stats": {"totalRecord": len(rows)}, "list": [contact_json(state, c, now) for c in shown]}


def _group_json(state: NodeState, group: Group) -> dict[str, Any]:
    parent = state.groups.get(group.parent) if group.parent else None
    return {
        "uuid": group.uuid,
        "title": group.title,
        "stats": {"contactCount": sum(1 for c in state.contacts.values() if group.uuid in c.groups)},
        "isParent": 1 if any(g.parent == group.uuid for g in state.groups.values()) else 0,
        "isShared": 0,
        "parentInfo": {"uuid": parent.uuid, "title": parent.title} if parent else None,
    }


def _parent(state: NodeState, params: v.Params, own: str | None = None) -> str | None:
    parent = v.get_str(params, "parentUUID")
    if parent is None:
        return None
    if parent not in state.groups or parent == own:
        raise NodeError("SMS10", f"no contact group {parent}")
    if any(parent in c.groups for c in state.contacts.values()):
        raise NodeError("SMS11", "the parent group has contacts")
    return parent


def _attach(state: NodeState, group: Group, params: v.Params) -> None:
    for value in v.get_list(params, "gsms"):
        uuid = state.contact_by_gsm.get(gsm_of(value, "gsms[]"))
        if uuid is not None and not state.contacts[uuid].archived:
            state.contacts[uuid].groups.add(group.uuid)


def create_group(state: NodeState, params: v.Params) -> dict[str, Any]:
    title = v.get_str(params, "title", required=True, max_length=255)
    with state.lock:
        settle(state)
        parent = _parent(state, params)
        if any(g.title == title and g.parent == parent for g in state.groups.values()):
            raise NodeError("SMS09", f"a group {title!r} exists")
        group = Group(state.new_uuid(), title or "", parent)
        state.groups[group.uuid] = group
        _attach(state, group, params)
        out = _group_json(state, group)
        out.pop("isParent")
        out.pop("isShared")
        return out


def update_group(state: NodeState, params: v.Params) -> dict[str, Any]:
    uuid = v.get_str(params, "uuid", required=True)
    title = v.get_str(params, "title", required=True, max_length=255)
    with state.lock:
        settle(state)
        group = state.groups.get(uuid or "")
        if group is None:
            raise NodeError("SMS10", f"no contact group {uuid}")
        parent = _parent(state, params, own=group.uuid) if v.present(params, "parentUUID") else group.parent
        if any(
            g.title == title and g.parent == parent and g.uuid != group.uuid for g in state.groups.values()
        ):
            raise NodeError("SMS09", f"a group {title!r} exists")
        group.title, group.parent = title or "", parent
        _attach(state, group, params)
    return {"status": 1}


def delete_group(state: NodeState, params: v.Params) -> dict[str, Any]:
    uuids = [str(u) for u in v.get_list(params, "uuids")]
    if v.present(params, "uuid"):
        uuids.append(str(v.get_str(params, "uuid")))
    if not uuids:
        raise bad_request("one of uuid, uuids is required")
    include_contacts = bool(v.get_bool(params, "includeContacts"))
    with state.lock:
        now = settle(state)
        if state.delete_group_until is not None and now < state.delete_group_until:
            wait = state.real_seconds(state.delete_group_until - now)
            raise NodeError("SMS50", "a group deletion is running", retry_after=wait)
        _groups(state, uuids)
        state.delete_group_until = now + DELETE_GROUP_DURATION
        doomed = set(uuids)
        for contact in state.contacts.values():
            if contact.groups & doomed:
                contact.groups -= doomed
                if include_contacts and not contact.groups:
                    contact.archived = True
        for uuid in doomed:
            del state.groups[uuid]
        for group in state.groups.values():
            if group.parent in doomed:
                group.parent = None
    return {"status": 1}


def list_groups(state: NodeState, params: v.Params) -> dict[str, Any]:
    keyword = v.get_str(params, "keyword")
    parent = v.get_str(params, "parentUUID")
    index, size = v.page(params)
    with state.lock:
        settle(state)
        rows = [
            g
            for g in state.groups.values()
            if (keyword is None or keyword.lower() in g.title.lower())
            and (parent is None or g.parent == parent)
        ]
        shown = rows[index * size : (index + 1) * size]
        return {"stats": {"totalRecord": len(rows)}, "list": [_group_json(state, g) for g in shown]}


def set_blacklist(state: NodeState, params: v.Params) -> dict[str, Any]:
    status = v.get_bool(params, "status", required=True)
    uuids = [str(u) for u in v.get_list(params, "uuids")]
    gsms = v.get_list(params, "gsms")
    if not uuids and not gsms:
        raise bad_request("uuids or gsms is required")
    if len(uuids) + len(gsms) > MAX_BLACKLIST_ITEMS:
        raise NodeError("SMS43", f"at most {MAX_BLACKLIST_ITEMS} uuids and gsms together")
    return_invalids = bool(v.get_bool(params, "returnInvalids"))
    valid: list[str] = []
    invalids: list[str] = []
    for value in gsms:
        try:
            valid.append(gsm_of(value, "gsms[]"))
        except NodeError:
            if not return_invalids:
                raise
            invalids.append(str(value))
    with state.lock:
        now = settle(state)
        for uuid in uuids:
            if uuid in state.contacts:
                state.contacts[uuid].blacklisted = bool(status)
        for gsm in valid:
            found = state.contact_by_gsm.get(gsm)
            if found is not None and not state.contacts[found].archived:
                state.contacts[found].blacklisted = bool(status)
                continue
            contact = Contact(state.new_uuid(), gsm, None, None, {}, set(), bool(status), None, now)
            state.contacts[contact.uuid] = contact
            state.contact_by_gsm[gsm] = contact.uuid
    out: dict[str, Any] = {"status": 1}
    if return_invalids:
        out[INVALIDS_FIELD] = invalids
    return out
