"""İleti Merkezi's delivery webhook: one HTTPS URL per account (set in the panel) receives

``POST {"report": {"id", "packet_id", "status": "accepted"|"delivered"|"undelivered", "to", "body"}}``

where ``packet_id`` is the order id the send returned. This parses it for whoever receives the webhook
(an Airflow API endpoint, an asset watcher, a user's own service); it never logs the body or the number.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from airflow_provider_ileti.clients.iletimerkezi import SERVICE
from airflow_provider_ileti.core.errors import ProtocolError
from airflow_provider_ileti.core.masking import mask_number

STATUSES = ("accepted", "delivered", "undelivered")


@dataclasses.dataclass(frozen=True)
class WebhookReport:
    """One recipient's delivery report. ``repr`` masks the number and leaves the body out (KVKK)."""

    id: str
    order_id: str
    status: str
    to: str
    body: str = dataclasses.field(default="", repr=False)

    @property
    def final(self) -> bool:
        return self.status in ("delivered", "undelivered")

    def __repr__(self) -> str:
        return (
            f"WebhookReport(id={self.id!r}, order_id={self.order_id!r}, status={self.status!r}, "
            f"to={mask_number(self.to)!r})"
        )


def parse_webhook(payload: bytes | str | dict[str, Any]) -> WebhookReport:
    """The report in a webhook request body; ``ProtocolError`` when it is not one."""
    data: Any = payload
    if isinstance(payload, bytes | str):
        try:
            data = json.loads(payload)
        except ValueError:
            raise ProtocolError("webhook body is not JSON", service=SERVICE) from None
    report = data.get("report") if isinstance(data, dict) else None
    if not isinstance(report, dict):
        raise ProtocolError('webhook body has no "report" object', service=SERVICE)
    missing = [k for k in ("id", "packet_id", "status", "to") if report.get(k) in (None, "")]
    if missing:
        raise ProtocolError(f"webhook report lacks {', '.join(missing)}", service=SERVICE)
    status = str(report["status"]).lower()
    if status not in STATUSES:
        raise ProtocolError(
            f"webhook status {status[:20]!r} is not one of {', '.join(STATUSES)}", service=SERVICE
        )
    return WebhookReport(
        id=str(report["id"]),
        order_id=str(report["packet_id"]),
        status=status,
        to=str(report["to"]),
        body=str(report.get("body") or ""),
    )
