"""``NodePeriodicCampaignOperator``: a campaign the Node server repeats itself (``periodicSettings``).

The server keeps sending on its schedule after the task ends, so the task only creates the package (once:
its ``customID`` is derived from dag/task/run/map index, a retry finds the package instead of making a
second campaign) and returns its id; stop it with ``NodeCancelPackageOperator`` (by ``package_id`` or the
returned ``custom_id``) or the generic ``CancelSmsOperator``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.masking import mask_numbers
from airflow_provider_ileti.exactly_once.node import create_once, custom_id_for, is_retry
from airflow_provider_ileti.operators.node_base import (
    NodeBaseOperator,
    number_list,
    optional_bool,
    optional_datetime,
    optional_encoding,
    optional_int,
    optional_text,
    optional_url,
    require_text,
)
from airflow_provider_ileti.tasks.personal_data import reveal

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

    from airflow_provider_ileti.clients.node.client import NodeClient

#: Node period types (``periodicSettings.periodType``), names accepted as well as numbers.
PERIOD_TYPES = {"once": 0, "one-off": 0, "daily": 1, "weekly": 2, "monthly": 3, "yearly": 4}
#: For period type 0 (one-off) the spec requires ``amount`` (a multiple of this, at least this) and
#: ``interval`` (at least 1): the campaign goes out ``amount`` messages at a time.
ONE_OFF_AMOUNT_STEP = 1000
#: Validity of a non-OTP package, in minutes.
VALIDITY_RANGE = (60, 1440)
#: Node ``sendingType`` 1: one text to many numbers.
SENDING_TYPE_ONE_TO_MANY = 1
#: Prefix of the campaign customIDs.
PERIODIC_ID_PREFIX = "per"


class NodePeriodicCampaignOperator(NodeBaseOperator):
    """Create a server-side periodic campaign: one text to ``numbers`` on the server's schedule.

    :param numbers: recipients (list, iterable or rendered string; at most one request's worth).
    :param content: the text. :param title: the package title shown in the panel.
    :param period_type: 0/"once", 1/"daily", 2/"weekly", 3/"monthly", 4/"yearly".
    :param interval: the period's step (for "once": minutes between batches, >= 1, required).
    :param amount: for "once": messages per batch, a multiple of 1000 (required); else optional.
    :param start_at: first sending (datetime, pendulum or ISO 8601; naive means UTC).

    Returns ``{"package_id", "custom_id", "replayed", "recipients"}``.
    """

    template_fields: Sequence[str] = (
        "node_sms_conn_id",
        "numbers",
        "content",
        "title",
        "sender",
        "start_at",
        "period_type",
        "interval",
        "amount",
        "push_url",
        "custom_id",
    )
    failure_action = "create periodic SMS campaign"
    personal_fields: Sequence[str] = ("numbers", "content")

    def __init__(
        self,
        *,
        numbers: Any,
        content: str,
        period_type: int | str,
        title: str | None = None,
        interval: int | None = None,
        amount: int | None = None,
        start_at: Any = None,
        sender: str | None = None,
        encoding: int | str | None = None,
        validity: int | None = None,
        push_url: str | None = None,
        commercial: bool | None = None,
        custom_id: str | None = None,
        region: str = "TR",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.numbers = numbers
        self.content = content
        self.period_type = period_type
        self.title = title
        self.interval = interval
        self.amount = amount
        self.start_at = start_at
        self.sender = sender
        self.encoding = encoding
        self.validity = validity
        self.push_url = push_url
        self.commercial = commercial
        self.custom_id = custom_id
        self.region = region

    def validate(self) -> dict[str, Any]:
        from airflow_provider_ileti.core.idempotency import validate_custom_id

        period = self.period_type
        if isinstance(period, str) and period.strip().lower() in PERIOD_TYPES:
            period = PERIOD_TYPES[period.strip().lower()]
        period_type = optional_int("period_type", period, minimum=0, maximum=4)
        if period_type is None:
            raise ValidationError("period_type", self.period_type, "required: 0..4 or once/daily/weekly/...")
        interval = optional_int("interval", self.interval, minimum=1)
        amount = optional_int("amount", self.amount, minimum=1)
        if period_type == 0:
            if interval is None:
                raise ValidationError("interval", None, "required (>= 1) for period_type 0 (one-off)")
            if amount is None or amount < ONE_OFF_AMOUNT_STEP or amount % ONE_OFF_AMOUNT_STEP:
                raise ValidationError(
                    "amount", amount, f"for period_type 0 a multiple of {ONE_OFF_AMOUNT_STEP} (>= 1000)"
                )
        low, high = VALIDITY_RANGE
        return {
            "numbers": number_list("numbers", reveal(self.numbers), allow_empty=False, region=self.region),
            "content": require_text("content", reveal(self.content)),
            "title": optional_text("title", self.title),
            "period_type": period_type,
            "interval": interval,
            "amount": amount,
            "start_at": optional_datetime("start_at", self.start_at),
            "sender": optional_text("sender", self.sender),
            "encoding": optional_encoding("encoding", self.encoding),
            "validity": optional_int("validity", self.validity, minimum=low, maximum=high),
            "push_url": optional_url("push_url", self.push_url),
            "commercial": optional_bool("commercial", self.commercial),
            "custom_id": None
            if self.custom_id in (None, "")
            else validate_custom_id(self.custom_id, field="custom_id"),
        }

    def run(self, client: NodeClient, args: dict[str, Any], context: Context) -> dict[str, Any]:
        from airflow_provider_ileti.clients.node.models import PeriodicSettings

        limit = getattr(client, "max_recipients_per_send", None)
        if isinstance(limit, int) and len(args["numbers"]) > limit:
            raise ValidationError(
                "numbers", f"{len(args['numbers'])} numbers", f"one campaign takes at most {limit}"
            )
        periodic = PeriodicSettings(
            period_type=args["period_type"], interval=args["interval"], amount=args["amount"]
        )
        custom_id = args["custom_id"] or custom_id_for(context, PERIODIC_ID_PREFIX)

        def create(cid: str) -> int:
            return client.create_sms(
                sending_type=SENDING_TYPE_ONE_TO_MANY,
                content=args["content"],
                numbers=args["numbers"],
                sender=args["sender"],
                title=args["title"],
                encoding=args["encoding"],
                validity=args["validity"],
                sending_date=args["start_at"],
                periodic=periodic,
                push_url=args["push_url"],
                commercial=args["commercial"],
                custom_id=cid,
            )

        created = create_once(client, custom_id, create, retry=is_retry(context))
        self.log.info(
            "Periodic campaign (type %d) to %s: package %s (customID %s)%s",
            args["period_type"],
            mask_numbers(args["numbers"]),
            created.package_id,
            created.custom_id,
            " — created by an earlier try" if created.replayed else "",
        )
        return {
            "package_id": created.package_id,
            "custom_id": created.custom_id,
            "replayed": created.replayed,
            "recipients": len(args["numbers"]),
        }
