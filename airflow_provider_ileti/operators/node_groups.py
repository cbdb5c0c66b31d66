"""Contact groups: create, update, delete, list — one operator per action.

One operator per action, as the official providers do (``S3CreateBucketOperator``/``S3DeleteBucketOperator``,
``SlackAPIPostOperator``...): each has only the arguments its action needs, its own ``template_fields`` and
result, and reads plainly in the DAG graph; an ``action=`` switch would accept arguments that mean nothing
for the chosen action and hide a destructive delete behind a string.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_ileti.core.errors import IletiError, NotFoundError
from airflow_provider_ileti.operators.node_base import (
    NodeBaseOperator,
    field_of,
    number_list,
    optional_bool,
    optional_int,
    optional_text,
    require_bool,
    require_text,
    text_list,
)
from airflow_provider_ileti.tasks.personal_data import reveal

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

    from airflow_provider_ileti.clients.node.client import NodeClient

#: The Node codes of "a contact group with this title exists".
GROUP_EXISTS_CODES = ("SMS09", "ERR_CONTACT_GROUP_ALREADY_EXISTS")
#: Groups returned by ``NodeListContactGroupsOperator`` at most, unless ``limit`` says otherwise: the
#: result goes to XCom, which is not meant for unbounded lists.
DEFAULT_LIST_LIMIT = 1000


def group_dict(group: Any) -> dict[str, Any]:
    """A ``ContactGroup`` as plain values for XCom."""
    stats = field_of(group, "stats", default=None)
    count = field_of(group, "contact_count", "contactCount", default=None)
    if count is None and stats is not None:
        count = field_of(stats, "contact_count", "contactCount", default=None)
    return {
        "uuid": field_of(group, "uuid"),
        "title": field_of(group, "title"),
        "contact_count": count,
        "parent_uuid": field_of(group, "parent_uuid", "parentUUID", default=None),
        "is_parent": field_of(group, "is_parent", "isParent", default=None),
    }


class NodeCreateContactGroupOperator(NodeBaseOperator):
    """Create a contact group ``title`` (under ``parent_uuid``), optionally with existing contacts' ``gsms``.

    :param if_exists: ``"fail"`` (default) or ``"reuse"``: a group with this title already exists (SMS09,
        e.g. on a retry after a lost answer) — return it instead of failing.

    Returns the group: ``{"uuid", "title", "contact_count", "parent_uuid", "is_parent", "created"}``.
    """

    template_fields: Sequence[str] = ("node_sms_conn_id", "title", "parent_uuid", "gsms")
    personal_fields: Sequence[str] = ("gsms",)
    failure_action = "create contact group"

    def __init__(
        self,
        *,
        title: str,
        parent_uuid: str | None = None,
        gsms: Any = None,
        if_exists: str = "fail",
        region: str = "TR",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.title = title
        self.parent_uuid = parent_uuid
        self.gsms = gsms
        self.if_exists = if_exists
        self.region = region

    def validate(self) -> dict[str, Any]:
        from airflow_provider_ileti.core.errors import ValidationError

        if self.if_exists not in ("fail", "reuse"):
            raise ValidationError("if_exists", self.if_exists, "must be 'fail' or 'reuse'")
        gsms = number_list("gsms", reveal(self.gsms), region=self.region)
        return {
            "title": require_text("title", self.title),
            "parent_uuid": optional_text("parent_uuid", self.parent_uuid),
            "gsms": gsms or None,
        }

    def run(self, client: NodeClient, args: dict[str, Any], context: Context) -> dict[str, Any]:
        try:
            group = client.create_group(args["title"], parent_uuid=args["parent_uuid"], gsms=args["gsms"])
        except IletiError as exc:
            if self.if_exists != "reuse" or exc.code not in GROUP_EXISTS_CODES:
                raise
            for existing in client.list_groups(keyword=args["title"]):
                if field_of(existing, "title") == args["title"]:
                    self.log.info("Contact group %s exists: reused", field_of(existing, "uuid"))
                    return {**group_dict(existing), "created": False}
            raise
        self.log.info("Contact group %s created", field_of(group, "uuid"))
        return {**group_dict(group), "created": True}


class NodeUpdateContactGroupOperator(NodeBaseOperator):
    """Rename group ``uuid`` to ``title`` (and move it under ``parent_uuid`` / add contacts' ``gsms``).

    Returns ``{"uuid", "title", "updated": True}``.
    """

    template_fields: Sequence[str] = ("node_sms_conn_id", "uuid", "title", "parent_uuid", "gsms")
    personal_fields: Sequence[str] = ("gsms",)
    failure_action = "update contact group"

    def __init__(
        self,
        *,
        uuid: str,
        title: str,
        parent_uuid: str | None = None,
        gsms: Any = None,
        region: str = "TR",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.uuid = uuid
        self.title = title
        self.parent_uuid = parent_uuid
        self.gsms = gsms
        self.region = region

    def validate(self) -> dict[str, Any]:
        return {
            "uuid": require_text("uuid", self.uuid),
            "title": require_text("title", self.title),
            "parent_uuid": optional_text("parent_uuid", self.parent_uuid),
            "gsms": number_list("gsms", reveal(self.gsms), region=self.region) or None,
        }

    def run(self, client: NodeClient, args: dict[str, Any], context: Context) -> dict[str, Any]:
        fields = {k: args[k] for k in ("parent_uuid", "gsms") if args[k] is not None}
        client.update_group(args["uuid"], args["title"], **fields)
        self.log.info("Contact group %s updated", args["uuid"])
        return {"uuid": args["uuid"], "title": args["title"], "updated": True}


class NodeDeleteContactGroupOperator(NodeBaseOperator):
    """Delete contact group(s): ``uuid`` or ``uuids``; ``include_contacts`` also archives contacts left
    in no group. Needs an IP restriction in the API settings. ``missing_ok``: a group already gone (a
    retry after a lost answer) is not a failure.

    Returns ``{"deleted": [uuids], "missing": bool}``.
    """

    template_fields: Sequence[str] = ("node_sms_conn_id", "uuid", "uuids")
    failure_action = "delete contact group"

    def __init__(
        self,
        *,
        uuid: str | None = None,
        uuids: Any = None,
        include_contacts: bool | None = None,
        missing_ok: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.uuid = uuid
        self.uuids = uuids
        self.include_contacts = include_contacts
        self.missing_ok = missing_ok

    def validate(self) -> dict[str, Any]:
        from airflow_provider_ileti.core.errors import ValidationError

        uuid = optional_text("uuid", self.uuid)
        uuids = text_list("uuids", self.uuids)
        if (uuid is None) == (not uuids):
            raise ValidationError("uuid", self.uuid, "give exactly one of uuid or uuids")
        return {
            "uuid": uuid,
            "uuids": uuids or None,
            "include_contacts": optional_bool("include_contacts", self.include_contacts),
            "missing_ok": require_bool("missing_ok", self.missing_ok),
        }

    def run(self, client: NodeClient, args: dict[str, Any], context: Context) -> dict[str, Any]:
        targets = [args["uuid"]] if args["uuid"] else list(args["uuids"])
        try:
            client.delete_group(
                uuid=args["uuid"], uuids=args["uuids"], include_contacts=args["include_contacts"]
            )
        except NotFoundError:
            if not args["missing_ok"]:
                raise
            self.log.warning("Contact group(s) not found (missing_ok): %d", len(targets))
            return {"deleted": [], "missing": True}
        self.log.info("Deleted %d contact group(s)", len(targets))
        return {"deleted": targets, "missing": False}


class NodeListContactGroupsOperator(NodeBaseOperator):
    """List contact groups (all pages), filtered by ``keyword`` and ``parent_uuid``, up to ``limit``.

    Returns ``{"groups": [{"uuid", "title", "contact_count", ...}], "count", "truncated"}``.
    """

    template_fields: Sequence[str] = ("node_sms_conn_id", "keyword", "parent_uuid")
    failure_action = "list contact groups"

    def __init__(
        self,
        *,
        keyword: str | None = None,
        parent_uuid: str | None = None,
        limit: int = DEFAULT_LIST_LIMIT,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.keyword = keyword
        self.parent_uuid = parent_uuid
        self.limit = limit

    def validate(self) -> dict[str, Any]:
        return {
            "keyword": optional_text("keyword", self.keyword),
            "parent_uuid": optional_text("parent_uuid", self.parent_uuid),
            "limit": optional_int("limit", self.limit, minimum=1),
        }

    def run(self, client: NodeClient, args: dict[str, Any], context: Context) -> dict[str, Any]:
        filters = {k: args[k] for k in ("keyword", "parent_uuid") if args[k] is not None}
        groups: list[dict[str, Any]] = []
        truncated = False
        for group in client.list_groups(**filters):
            if args["limit"] is not None and len(groups) >= args["limit"]:
                truncated = True
                break
            groups.append(group_dict(group))
        self.log.info("%d contact group(s)%s", len(groups), " (truncated at limit)" if truncated else "")
        return {"groups": groups, "count": len(groups), "truncated": truncated}
