"""The Node-only tutorials under ``airflow dags test``: periodic campaign + cancel, OTP, KVKK, nightly report.

Each test checks what reached the sandbox (request bodies in the journal) and what the DAG wrote, not only
the exit code.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pendulum
import pytest

from airflow_provider_ileti.core.phone import normalize_number
from airflow_provider_ileti.sandbox.dag_test import DAGS_FOLDER, DagRun
from airflow_provider_ileti.sandbox.process import SandboxProcess

pytestmark = pytest.mark.dags

TR = "Europe/Istanbul"


def test_periodic_campaign_created_once_then_cancelled(
    run_dag: Callable[..., DagRun], dag_sandbox: SandboxProcess
) -> None:
    admin = dag_sandbox.admin()
    conf = {
        "numbers": ["0532 100 00 01", "0532 100 00 02"],
        "start_in_hours": 24 * 30,
        "interval": 15,
        "amount": 2000,
    }
    before = pendulum.now("UTC")
    created = run_dag("ileti_periodic_campaign", conf=conf)
    after = pendulum.now("UTC")
    pkg = created.xcoms["create_periodic_package"]
    assert pkg["recipients"] == 2 and pkg["package_id"] and not pkg["replayed"]
    [create] = admin.requests(service="node", path="/sms/create")
    body = create["body"]
    assert body["periodicSettings"] == {"periodType": 0, "interval": 15, "amount": 2000}
    assert body["customID"] == pkg["custom_id"] == "example-periodic-newsletter"
    assert sorted(map(str, body["numbers"])) == ["905321000001", "905321000002"]
    # sendingDate is Turkish wall-clock time, start_in_hours after the task ran (UTC+3: a UTC string
    # would be three hours early), and in the future for the sandbox too
    sending = pendulum.from_format(body["sendingDate"], "YYYY-MM-DD HH:mm", tz=TR)
    hours = pendulum.duration(hours=conf["start_in_hours"])
    assert before + hours - pendulum.duration(minutes=1) <= sending <= after + hours
    assert sending > pendulum.parse(admin.clock()["now"])

    # a second run names the same customID: the service answers SMS42, the client resolves it
    again = run_dag("ileti_periodic_campaign", conf=conf).xcoms["create_periodic_package"]
    assert again["replayed"] is True and again["package_id"] == pkg["package_id"]
    assert admin.state("node")["package_count"] == 1  # no second package

    cancelled = run_dag("ileti_periodic_campaign_cancel").xcoms["cancel_periodic_package"]
    assert cancelled["cancelled"] is True
    cancels = admin.requests(service="node", path="/sms/cancel")
    assert len(cancels) == 1
    assert pkg["custom_id"] in str(cancels[0]["body"]) + str(cancels[0]["query"])
    [held] = admin.state("node")["packages"]
    assert held["id"] == int(pkg["package_id"]) and held["state"] == -4  # cancelled in the sandbox
    assert held["statistics"]["delivered"] == held["statistics"]["undelivered"] == 0
    shown = json.dumps(created.rendered)
    assert created.rendered["create_periodic_package"], "Airflow stored the rendered fields"
    assert "100 00 01" not in shown and "1000001" not in shown and "Haftalık" not in shown
    assert "<hidden: 2 items" in shown


#: The OTP example's key, as the login service and Airflow would share it.
OTP_KEY = "test-key-0123456789abcdef"


def test_otp_sent_once_and_delivered(run_dag: Callable[..., DagRun], dag_sandbox: SandboxProcess) -> None:
    """The code is derived inside the send from the key and the run id: the login service can check it,
    and it is in no param, XCom, rendered field or log line."""
    from airflow_provider_ileti.core.otp_code import verify_code

    key_conn = {"AIRFLOW_CONN_ILETI_OTP_KEY": json.dumps({"conn_type": "generic", "password": OTP_KEY})}
    run = run_dag("ileti_otp", conf={"number": "0532 123 45 67"}, env=key_conn)
    sent = run.xcoms["send_otp"]
    assert sent["package_id"] and not sent["replayed"]
    assert "90532***4567" in run.output  # logged masked
    assert "905321234567" not in run.output and "5321234567" not in run.output
    assert run.xcoms["wait_for_delivery"]["delivered"] == 1
    [otp] = dag_sandbox.admin().requests(service="node", path="/sms/create-otp")
    assert str(otp["body"]["number"]) == "905321234567"
    assert otp["body"]["validity"] == 3  # minutes; the OTP route allows 3..6
    match = re.fullmatch(r"Doğrulama kodunuz: (\d{6})\. Kimseyle paylaşmayın\.", otp["body"]["content"])
    assert match, otp["body"]["content"]
    code = match.group(1)
    assert run.run_id and verify_code(OTP_KEY, run.run_id, code)  # what the login service checks
    assert code not in json.dumps(run.xcoms)
    assert code not in run.output.replace(str(otp["body"]), "")  # the code is never logged
    shown = json.dumps(run.rendered["send_otp"])  # what the "Rendered Template" view shows
    assert "123 45 67" not in shown and "1234567" not in shown and code not in shown


def _import_rows(csv_data: str) -> list[dict[str, str]]:
    """``csvData`` of /contact/import: a header row, every value in single quotes."""
    return list(csv.DictReader(io.StringIO(csv_data), quotechar="'"))


def test_kvkk_links_to_imported_contacts(run_dag: Callable[..., DagRun], dag_sandbox: SandboxProcess) -> None:
    with open(Path(DAGS_FOLDER) / "data" / "kvkk_contacts.csv", encoding="utf-8") as fh:
        contacts = list(csv.DictReader(fh))
    numbers = [normalize_number(c["phone"]) for c in contacts]
    assert len(set(numbers)) == len(contacts)
    run = run_dag("ileti_kvkk_consent")
    admin = dag_sandbox.admin()
    [imported] = admin.requests(service="node", path="/contact/import")
    rows = _import_rows(imported["body"]["csvData"])
    assert [normalize_number(r["GSM"]) for r in rows] == numbers
    assert [(r["FIRST_NAME"], r["LAST_NAME"]) for r in rows] == [
        (c["first_name"], c["last_name"]) for c in contacts
    ]
    kvkk = admin.requests(service="node", path="/sms/create-kvkk")
    got = Counter(normalize_number(str(r["body"]["number"]["nr"])) for r in kvkk)
    assert got == Counter(numbers)  # each contact exactly one link, nobody else
    for contact, request in zip(contacts, kvkk, strict=True):
        assert request["body"]["number"]["cfs"] == {
            "FIRST_NAME": contact["first_name"],
            "LAST_NAME": contact["last_name"],
        }
        assert "SHORT_LINK" in request["body"]["content"]
    result = run.xcoms["send_consent_links"]
    assert len(result["package_ids"]) == result["sent"] == len(contacts)
    assert not any(n in run.output or n in json.dumps(run.xcoms) for n in numbers)
    shown = json.dumps(run.rendered) + json.dumps(run.xcoms) + run.output
    assert not any(c["phone"] in shown or n[-7:] in shown for c, n in zip(contacts, numbers, strict=True))
    assert not any(f" {c['last_name']}" in shown for c in contacts), (
        "no name in logs, XCom or rendered fields"
    )


#: What the test process sends before the nightly report runs, as (Istanbul wall-clock time relative to
#: the report day's midnight, validity minutes, numbers). Only the packages made on the report day in
#: Turkish time count; the first at 01:30 is still the previous UTC day and the last at 01:30 next day is
#: the report day in UTC, so a report using the UTC day would count other packages.
_WATCH_DELIVERED, _WATCH_UNDELIVERED = "905321000001", "905321000009"
_NIGHTLY_SENDS: list[tuple[timedelta, int, list[str], bool]] = [
    (timedelta(hours=-12), 60, [_WATCH_UNDELIVERED, "905321000011"], False),  # the day before
    (timedelta(hours=1, minutes=30), 60, [_WATCH_DELIVERED, "905321000012", "905321000019"], True),
    (
        timedelta(hours=12),
        60,
        [_WATCH_DELIVERED, _WATCH_UNDELIVERED, "905321000013", "905321000018", "905321000014"],
        True,
    ),
    # validity 24 h: the number ending in 8 (no report) is still pending when the report runs
    (timedelta(hours=23), 1440, [_WATCH_DELIVERED, "905321000015", "905321000028"], True),
    (timedelta(hours=25, minutes=30), 60, [_WATCH_DELIVERED, _WATCH_UNDELIVERED, "905321000016"], False),
]


def test_nightly_report_counts_the_turkish_day(
    run_dag: Callable[..., DagRun], dag_sandbox: SandboxProcess, dag_env: dict[str, str], node_client: Any
) -> None:
    admin = dag_sandbox.admin()
    # A logical date at the cron time (23:00 UTC = 02:00 in Istanbul) a few days ahead: the sandbox's clock
    # only moves forward, and both Airflow versions then end the data interval at the logical date.
    logical = pendulum.now("UTC").start_of("day").add(days=3).replace(hour=23)
    day = logical.in_timezone(TR).subtract(days=1).start_of("day")
    # Real-time clock while sending, so each package lands at the minute we pick.
    admin.clock(speed=1)
    counted: list[int] = []
    for offset, validity, numbers, on_report_day in _NIGHTLY_SENDS:
        now = pendulum.parse(admin.clock()["now"])
        admin.clock(advance=((day + offset) - now).total_seconds())
        pkg = node_client.create_sms(
            sending_type=1, numbers=numbers, content="Gece raporu denemesi", validity=validity
        )
        if on_report_day:
            counted.append(pkg)
    admin.clock(advance=120)  # every report that will come has come, except the number without one

    run = run_dag("ileti_nightly_report", logical_date=logical.isoformat())
    files = run.xcoms["write_report"]
    assert files["day"] == day.to_date_string()

    # the exact Turkish day was asked for, on both calls
    [summary] = admin.requests(service="node", path="/sms/summary")
    inquiries = admin.requests(service="node", path="/sms/inquiry-number")
    for request in [summary, *inquiries]:
        sent = {**(request["query"] or {}), **(request["body"] or {})}
        assert sent["startDate"] == f"{files['day']} 00:00"
        assert sent["finishDate"] == f"{files['day']} 23:59"
    assert sorted(str({**r["query"], **(r["body"] or {})}["gsm"]) for r in inquiries) == [
        _WATCH_DELIVERED,
        _WATCH_UNDELIVERED,
    ]

    # what the sandbox holds for the report day's packages, and what the outcome rule predicts
    held = [p for p in admin.state("node")["packages"] if p["id"] in counted]
    assert len(held) == len(counted) == 3
    delivered = sum(p["statistics"]["delivered"] for p in held)
    undelivered = sum(p["statistics"]["undelivered"] for p in held)
    recipients = sum(p["statistics"]["rCount"] for p in held)
    day_numbers = [n for _, _, numbers, on_day in _NIGHTLY_SENDS if on_day for n in numbers]
    assert (
        (delivered, undelivered, recipients)
        == (
            sum(n[-1] not in "89" for n in day_numbers),
            sum(n[-1] in "89" for n in day_numbers) - 1,
            len(day_numbers),
        )
        == (7, 3, 11)
    )
    expected = {
        "delivered": delivered,
        "undelivered": undelivered,
        "pending": recipients - delivered - undelivered,
        "recipients": recipients,
        "total": sum(p["statistics"]["total"] for p in held),
        "credit": sum(p["statistics"]["credit"] for p in held),
    }

    with open(files["csv"], encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert Path(files["csv"]).parent == Path(dag_env["ILETI_REPORTS_DIR"])
    assert rows[0] == ["day", "metric", "value"]
    assert all(r[0] == files["day"] for r in rows[1:])
    values = {r[1]: float(r[2]) for r in rows[1:]}
    assert {k: values[k] for k in expected} == expected
    assert expected["pending"] == 1
    # watch list: messages each number got on the report day (not the day before or after)
    assert values["watch:90532***0001"] == 3 and values["watch:90532***0009"] == 1
    assert run.xcoms["watch_list"] == [
        {"number": "90532***0001", "messages": 3, "states": {"delivered": 3}},
        {"number": "90532***0009", "messages": 1, "states": {"undelivered": 1}},
    ]

    page = Path(files["html"]).read_text(encoding="utf-8")
    widths = [int(w) for w in re.findall(r'<rect x="95" y="\d+" width="(\d+)"', page)]
    top = max(delivered, undelivered, expected["pending"])
    assert widths == [int(300 * v / top) for v in (delivered, undelivered, expected["pending"])]
    assert all(w > 0 for w in widths)
    assert f"SMS delivery on {files['day']} (Türkiye)" in page
    assert "90532***0001" in page and _WATCH_DELIVERED not in page and _WATCH_DELIVERED not in run.output
