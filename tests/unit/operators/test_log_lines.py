"""What a person reads in a watcher's log: counts of recipients, not only of packages, and no raw dict."""

from __future__ import annotations

from airflow_provider_ileti.core.models import DeliveryPhase, DeliveryStatus, summarise
from airflow_provider_ileti.delivery.log_lines import final_line, progress_line

DONE = DeliveryStatus("p1", DeliveryPhase.COMPLETE, total=600, delivered=590, undelivered=10)
RUNNING = DeliveryStatus("p2", DeliveryPhase.SENT, total=400, delivered=222, undelivered=10, pending=168)


def test_each_poll_says_how_far_the_send_is() -> None:
    assert progress_line([DONE, RUNNING], 3) == (
        "1 of 3 package(s) final (1 not reported yet): 812 of 1,000 recipient(s) delivered, "
        "20 undelivered, 168 still pending"
    )


def test_the_end_of_the_story_reads_as_a_sentence() -> None:
    summary = summarise(
        [DONE, DeliveryStatus("p2", DeliveryPhase.COMPLETE, total=400, delivered=372, undelivered=28)]
    )
    assert final_line(summary) == (
        "Delivery final: 962 of 1,000 recipient(s) delivered (96.2%), 38 undelivered, in 2 package(s)"
    )


def test_failed_and_unreported_parts_are_named() -> None:
    summary = {
        "total": 10,
        "delivered": 5,
        "undelivered": 3,
        "pending": 2,
        "packages": 2,
        "failed_packages": 1,
    }
    line = final_line(summary)
    assert "2 never reported" in line and "1 package(s) failed" in line and "{" not in line
