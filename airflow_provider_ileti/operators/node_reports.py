"""Node reports: ``NodeSummaryReportOperator`` (``/sms/summary``) and ``NodeInquiryNumberOperator``
(``/sms/inquiry-number``). Read-only, so retries are harmless; results are plain JSON for XCom.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.masking import mask_number
from airflow_provider_ileti.operators.node_base import (
    NodeBaseOperator,
    jsonable,
    number_list,
    optional_datetime,
    optional_int,
    optional_text,
    require_bool,
)
from airflow_provider_ileti.tasks.personal_data import reveal

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

    from airflow_provider_ileti.clients.node.client import NodeClient

#: A default summary covers the local day before the run's data interval ends, 00:00 through this
#: wall-clock time: the API's dates have minutes, so 23:59 is the last minute it can name (the spec
#: does not say whether finishDate is inclusive; it is read as inclusive here).
DAY_END = (23, 59)
#: ``inquiry-number`` refuses ranges longer than this many months.
MAX_INQUIRY_MONTHS = 3
#: Records kept per number in the XCom result (the count is always complete).
MAX_RECORDS_PER_NUMBER = 1000


def _check_range(start: Any, finish: Any) -> None:
    if start is not None and finish is not None and finish < start:
        raise ValidationError("finish_date", finish.isoformat(), "must not be before start_date")


def yesterday_range(context: Mapping[str, Any], tz: str) -> tuple[Any, Any]:
    """The local day before the run's data interval end (or logical date, or now) in ``tz``, as aware UTC."""
    import pendulum

    from airflow_provider_ileti.core.localtime import to_local

    moment = context.get("data_interval_end") or context.get("logical_date") or pendulum.now("UTC")
    day = to_local(moment, tz).start_of("day").subtract(days=1)
    finish = day.set(hour=DAY_END[0], minute=DAY_END[1])
    return day.in_timezone("UTC"), finish.in_timezone("UTC")


class NodeSummaryReportOperator(NodeBaseOperator):
    """Totals of the packages in a date range: segments, delivered, undelivered, pending, recipients, credit.

    :param start_date: / :param finish_date: datetime, pendulum or ISO 8601 (naive means UTC). When both
        are None the range is *yesterday* in the connection's time zone, relative to the run's data interval
        (a daily DAG reports on the day that just ended). Give ``start_date`` alone for "since then"; never
        neither: without a start the service counts every package ever.

    Returns ``{"start_date", "finish_date", "total", "delivered", "undelivered", "pending", ...}``.
    """

    template_fields: Sequence[str] = ("node_sms_conn_id", "start_date", "finish_date")
    failure_action = "read SMS summary"

    def __init__(self, *, start_date: Any = None, finish_date: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_date = start_date
        self.finish_date = finish_date

    def validate(self) -> dict[str, Any]:
        start = optional_datetime("start_date", self.start_date)
        finish = optional_datetime("finish_date", self.finish_date)
        if start is None and finish is not None:
            raise ValidationError("start_date", None, "required with finish_date (else every package counts)")
        _check_range(start, finish)
        return {"start": start, "finish": finish}

    def run(self, client: NodeClient, args: dict[str, Any], context: Context) -> dict[str, Any]:
        start, finish = args["start"], args["finish"]
        if start is None:
            tz = str(getattr(self.node_hook_in_use, "timezone", "Europe/Istanbul"))
            start, finish = yesterday_range(context, tz)
        summary = client.summary(start_date=start, finish_date=finish)
        result = jsonable(summary)
        if not isinstance(result, dict):
            result = {"summary": result}
        result = {
            "start_date": start.isoformat(),
            "finish_date": finish.isoformat() if finish is not None else None,
            **result,
        }
        self.log.info("SMS summary %s .. %s: %s", result["start_date"], result["finish_date"], result)
        return result


class NodeInquiryNumberOperator(NodeBaseOperator):
    """What was sent to each number of a watch list (``inquiry-number``), e.g. after a complaint.

    :param numbers: the watch list (list, iterable, rendered JSON or comma-separated string).
    :param sender: only packages from this sender title.
    :param start_date: / :param finish_date: at most ``MAX_INQUIRY_MONTHS`` months apart (the service's
        default when None: the last month).
    :param include_messages: keep the message texts in the result (default False: personal data).
    :param include_numbers: key ``by_number`` (and list ``truncated``) by the full numbers. Default False:
        XCom is stored in the metadata database and shown in the UI, so the keys are masked numbers
        (``90555***0001``; a second number with the same mask gets ``#2``...), in the watch list's order.

    Returns ``{"numbers", "records", "by_number": {masked number: [records]}, "truncated": [...]}``; logs
    show masked numbers and counts only.
    """

    template_fields: Sequence[str] = ("node_sms_conn_id", "numbers", "sender", "start_date", "finish_date")
    personal_fields: Sequence[str] = ("numbers",)
    failure_action = "inquire numbers"

    def __init__(
        self,
        *,
        numbers: Any,
        sender: str | None = None,
        start_date: Any = None,
        finish_date: Any = None,
        include_messages: bool = False,
        include_numbers: bool = False,
        max_records_per_number: int = MAX_RECORDS_PER_NUMBER,
        region: str = "TR",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.numbers = numbers
        self.sender = sender
        self.start_date = start_date
        self.finish_date = finish_date
        self.include_messages = include_messages
        self.include_numbers = include_numbers
        self.max_records_per_number = max_records_per_number
        self.region = region

    def validate(self) -> dict[str, Any]:
        import pendulum

        start = optional_datetime("start_date", self.start_date)
        finish = optional_datetime("finish_date", self.finish_date)
        _check_range(start, finish)
        if start is not None:
            end = finish if finish is not None else pendulum.now("UTC")
            if end > start.add(months=MAX_INQUIRY_MONTHS):
                raise ValidationError(
                    "finish_date" if finish is not None else "start_date",
                    (finish or start).isoformat(),
                    f"the range may span at most {MAX_INQUIRY_MONTHS} months",
                )
        return {
            "numbers": number_list("numbers", reveal(self.numbers), allow_empty=False, region=self.region),
            "sender": optional_text("sender", self.sender),
            "start": start,
            "finish": finish,
            "messages": require_bool("include_messages", self.include_messages),
            "full_numbers": require_bool("include_numbers", self.include_numbers),
            "limit": optional_int("max_records_per_number", self.max_records_per_number, minimum=1),
        }

    def run(self, client: NodeClient, args: dict[str, Any], context: Context) -> dict[str, Any]:
        by_number: dict[str, list[dict[str, Any]]] = {}
        truncated: list[str] = []
        total = 0
        for number in args["numbers"]:
            key = number if args["full_numbers"] else _unique(mask_number(number), by_number)
            records: list[dict[str, Any]] = []
            for record in client.inquiry_number(
                number, sender=args["sender"], start_date=args["start"], finish_date=args["finish"]
            ):
                if args["limit"] is not None and len(records) >= args["limit"]:
                    truncated.append(key)
                    break
                row = jsonable(record)
                if isinstance(row, dict) and not args["messages"]:
                    row.pop("msg", None)
                    row.pop("message", None)
                records.append(row)
            by_number[key] = records
            total += len(records)
            self.log.info("%s: %d record(s)", mask_number(number), len(records))
        self.log.info("Inquiry: %d number(s), %d record(s)", len(by_number), total)
        return {"numbers": len(by_number), "records": total, "by_number": by_number, "truncated": truncated}


def _unique(key: str, taken: Mapping[str, Any]) -> str:
    """``key``, or ``key#2``, ``key#3``... when two numbers share a mask."""
    if key not in taken:
        return key
    n = 2
    while f"{key}#{n}" in taken:
        n += 1
    return f"{key}#{n}"
