"""A cancelled order: 115 "not sent", its messages never created, so none is listed and none is waiting.

The document has one code for an order that was not sent or was cancelled (115) and says nothing of its
messages; the sandbox lists none (``CANCELLED_ORDER_LISTS_MESSAGES``) and counts none as waiting, and
the client reads it as cancelled with nothing pending (it used to show them as 110 "being sent" forever).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow_provider_ileti.core.models import DeliveryPhase


def test_a_cancelled_order_lists_no_message_and_waits_for_nothing(client: Any, ileti_sandbox: Any) -> None:
    order_id = client.send_sms(
        "Yarın", ["05555550001", "05555550002"], send_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    )
    client.cancel_order(order_id)
    ileti_sandbox.admin.clock(advance=3 * 86400)
    order, lines = client.get_report_page(order_id)
    assert order.status == 115 and lines == []
    assert (order.delivered, order.undelivered, order.waiting) == (0, 0, 0)
    assert list(client.iter_report(order_id)) == []
    status = client.get_status(order_id)
    assert status.phase is DeliveryPhase.CANCELLED and status.pending == 0
    assert status.total == 2  # the order's size stays what was sent for
