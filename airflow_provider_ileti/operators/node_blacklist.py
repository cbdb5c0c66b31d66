"""``NodeBlacklistOperator``: put numbers and/or contacts on the black list, or take them off.

``/contact/set-blacklist`` takes at most ``MAX_BLACKLIST_ITEMS`` numbers and uuids together, so the operator
streams them in chunks of that size (2,500 numbers: three requests). Setting a black-list state is
idempotent, so a retry simply sets it again. With ``return_invalids`` (default) one bad number does not fail
the whole request: the invalid numbers are reported (masked) in the result.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_ileti.core.chunking import chunked
from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.masking import mask_number
from airflow_provider_ileti.operators.node_base import (
    NodeBaseOperator,
    field_of,
    require_bool,
    text_list,
)
from airflow_provider_ileti.tasks.personal_data import reveal

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

    from airflow_provider_ileti.clients.node.client import NodeClient

#: Numbers and uuids per ``set-blacklist`` request, together (the spec's limit).
MAX_BLACKLIST_ITEMS = 1000
#: Masked invalid numbers kept in the result (the count is always complete).
MAX_REPORTED_INVALIDS = 100
ACTIONS = {"add": True, "remove": False}


class NodeBlacklistOperator(NodeBaseOperator):
    """Add (``action="add"``) or remove (``"remove"``) ``numbers`` and/or contact ``uuids``.

    :param numbers: numbers (list, iterable, rendered JSON or comma-separated string); numbers not in the
        contacts are added by the server.
    :param uuids: contact uuids.
    :param return_invalids: skip invalid numbers and report them (True, default) or let the service refuse
        the whole request (False). Numbers we can tell are invalid before sending are never sent: with
        ``return_invalids`` they are reported, without it they fail the task before any request.

    Returns ``{"action", "numbers", "uuids", "requests", "invalid_count", "invalid_numbers"}`` (masked).
    """

    template_fields: Sequence[str] = ("node_sms_conn_id", "action", "numbers", "uuids")
    personal_fields: Sequence[str] = ("numbers",)
    failure_action = "set black list"

    def __init__(
        self,
        *,
        action: str = "add",
        numbers: Any = None,
        uuids: Any = None,
        return_invalids: bool = True,
        region: str = "TR",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.action = action
        self.numbers = numbers
        self.uuids = uuids
        self.return_invalids = return_invalids
        self.region = region

    def validate(self) -> dict[str, Any]:
        from airflow_provider_ileti.core.phone import normalize_number

        if self.action not in ACTIONS:
            raise ValidationError("action", self.action, f"must be one of {', '.join(ACTIONS)}")
        return_invalids = require_bool("return_invalids", self.return_invalids)
        valid: list[str] = []
        invalid: list[str] = []
        for number in text_list("numbers", reveal(self.numbers)):
            try:
                valid.append(normalize_number(number, field="numbers", region=self.region))
            except ValidationError:
                if not return_invalids:
                    raise
                invalid.append(number)
        uuids = text_list("uuids", self.uuids)
        if not valid and not uuids and not invalid:
            raise ValidationError("numbers", "<empty>", "give numbers and/or uuids")
        return {
            "status": ACTIONS[self.action],
            "numbers": list(dict.fromkeys(valid)),
            "uuids": uuids,
            "local_invalid": invalid,
            "return_invalids": return_invalids,
        }

    def run(self, client: NodeClient, args: dict[str, Any], context: Context) -> dict[str, Any]:
        invalid: list[str] = list(args["local_invalid"])
        requests = 0
        for chunk in chunked(_tagged(args["uuids"], args["numbers"]), MAX_BLACKLIST_ITEMS):
            result = client.set_blacklist(
                args["status"],
                uuids=[v for kind, v in chunk if kind == "uuid"],
                gsms=[v for kind, v in chunk if kind == "gsm"],
                return_invalids=True if args["return_invalids"] else None,
            )
            requests += 1
            invalid.extend(str(n) for n in (field_of(result, "invalids", "invalid_gsms", default=()) or ()))
        masked = [mask_number(n) for n in invalid[:MAX_REPORTED_INVALIDS]]
        self.log.info(
            "Black list %s: %d number(s), %d contact(s) in %d request(s); %d invalid number(s)%s",
            self.action,
            len(args["numbers"]),
            len(args["uuids"]),
            requests,
            len(invalid),
            f": {', '.join(masked[:10])}" if masked else "",
        )
        return {
            "action": self.action,
            "numbers": len(args["numbers"]),
            "uuids": len(args["uuids"]),
            "requests": requests,
            "invalid_count": len(invalid),
            "invalid_numbers": masked,
        }


def _tagged(uuids: list[str], numbers: list[str]) -> Iterator[tuple[str, str]]:
    for uuid in uuids:
        yield "uuid", uuid
    for number in numbers:
        yield "gsm", number
