"""Tutorial 4 — a nightly delivery report: yesterday in Turkish time, a watch list, CSV + HTML with a chart.

Every night at 02:00 Istanbul time:

1. ``summary``: Node's ``/sms/summary`` for *yesterday in Europe/Istanbul* (00:00–23:59 local, which is not
   the UTC day Airflow thinks in) — delivered, undelivered, pending, recipients, credit.
2. ``watch_list``: ``/sms/inquiry-number`` for a few numbers you care about (VIP customers, test phones):
   how many messages each got yesterday and in which state. Numbers are masked in every output.
3. ``write_report``: a CSV and a self-contained HTML page with an inline SVG bar chart (no plotting
   library: parse-cheap and nothing to install) in the reports folder: the ``reports_dir`` param, else
   ``$ILETI_REPORTS_DIR``, else ``$AIRFLOW_HOME/reports``. The same report, as a table, is in the task's
   log and its counts in the task's XCom, so a person reads it in the Airflow UI without the files.

The report day comes from the run's data interval, so a backfill of last month writes last month's files.
Triggered by hand ("Trigger" in the UI), the ``day`` param picks it: ``yesterday`` (the default),
``today`` (so far), or a date such as ``2026-12-01``. Against the sandbox, whose clock runs faster than
yours, ask for the day the sandbox is on (``ileti-sandbox`` prints it; ``today`` at a slow clock).
"""

from __future__ import annotations

import logging
from typing import Any

import pendulum
from airflow.providers.common.compat.sdk import DAG, Param, task

CONN_ID = "node_sms_default"
TIMEZONE = "Europe/Istanbul"
#: Node's item states (``/sms/inquiry-number`` ``state``), named for the report.
ITEM_STATES = {
    -2: "cancelled", -1: "rejected", 0: "waiting", 1: "sending", 2: "sent",
    3: "delivered", 4: "undelivered", 5: "timed out",
}

with DAG(
    dag_id="ileti_nightly_report",
    description="Yesterday's SMS delivery (Turkish time) as CSV and HTML with a chart",
    schedule="0 23 * * *",  # 23:00 UTC = 02:00 in Türkiye (no DST since 2016)
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["ileti", "example", "node", "report"],
    params={
        "day": Param(
            "yesterday",
            type="string",
            pattern=r"^(yesterday|today|\d{4}-\d{2}-\d{2})$",
            description="yesterday, today (so far) or a date (YYYY-MM-DD), in Türkiye's time",
        ),
        "watch_list": Param(
            ["0532 100 00 01", "0532 100 00 09"],
            type="array",
            description="numbers to look up one by one (shown masked)",
        ),
        "reports_dir": Param(
            None,
            type=["null", "string"],
            description="folder for the CSV and HTML files "
            "(empty: $ILETI_REPORTS_DIR, else $AIRFLOW_HOME/reports)",
        ),
    },
) as nightly_report:

    @task
    def report_day(data_interval_end: Any = None, params: dict[str, Any] | None = None) -> dict[str, str]:
        """The Turkish calendar day to report: [00:00, 24:00) local, as ISO strings with offset. ``day``:
        yesterday (the day before the run: what the schedule wants), today (so far) or a date."""
        asked = str((params or {}).get("day") or "yesterday")
        if asked in ("yesterday", "today"):
            # a run triggered by hand on Airflow 3 may have no data interval: it runs now
            local = pendulum.instance(data_interval_end or pendulum.now("UTC")).in_timezone(TIMEZONE)
            start = (local if asked == "today" else local.subtract(days=1)).start_of("day")
        else:
            start = pendulum.parse(asked, tz=TIMEZONE).start_of("day")  # type: ignore[union-attr]
        finish = start.end_of("day")
        return {"day": start.to_date_string(), "start": start.isoformat(), "finish": finish.isoformat()}

    @task
    def summary(day: dict[str, str]) -> dict[str, Any]:
        import dataclasses

        from airflow_provider_ileti.hooks.registry import get_sms_hook

        hook = get_sms_hook(CONN_ID)
        try:
            result = hook.get_client().summary(start_date=day["start"], finish_date=day["finish"])
        finally:
            hook.close()
        fields = dataclasses.asdict(result) if dataclasses.is_dataclass(result) else dict(vars(result))
        counts = {k: v for k, v in fields.items() if isinstance(v, int | float) and not isinstance(v, bool)}
        summary_line = ", ".join(f"{k}={v}" for k, v in counts.items())
        logging.getLogger("airflow.task").info("Summary for %s: %s", day["day"], summary_line)
        return counts

    @task
    def watch_list(day: dict[str, str], params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        from airflow_provider_ileti.core.masking import mask_number
        from airflow_provider_ileti.core.phone import normalize_number
        from airflow_provider_ileti.hooks.registry import get_sms_hook

        rows: list[dict[str, Any]] = []
        hook = get_sms_hook(CONN_ID)
        try:
            client = hook.get_client()
            for raw in (params or {}).get("watch_list", []):
                number = normalize_number(raw)
                states: dict[str, int] = {}
                records = client.inquiry_number(number, start_date=day["start"], finish_date=day["finish"])
                for record in records:
                    state = ITEM_STATES.get(record.state, f"state {record.state}")
                    states[state] = states.get(state, 0) + 1
                total = sum(states.values())
                rows.append({"number": mask_number(number), "messages": total, "states": states})
        finally:
            hook.close()
        return rows

    @task
    def write_report(
        day: dict[str, str], counts: dict[str, Any], watched: list[dict[str, Any]],
        params: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        import csv
        import html
        import os
        from pathlib import Path

        folder = Path(
            (params or {}).get("reports_dir")
            or os.environ.get("ILETI_REPORTS_DIR")
            or Path(os.environ.get("AIRFLOW_HOME", ".")) / "reports"
        )
        folder.mkdir(parents=True, exist_ok=True)
        csv_path = folder / f"sms-report-{day['day']}.csv"
        with open(csv_path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["day", "metric", "value"])
            writer.writerows([day["day"], k, v] for k, v in counts.items())
            writer.writerows([day["day"], f"watch:{w['number']}", w["messages"]] for w in watched)

        # An inline SVG bar chart: one bar per delivery state, scaled to the largest.
        bars = [(k, counts.get(k, 0)) for k in ("delivered", "undelivered", "pending")]
        top = max([v for _, v in bars] + [1])
        colours = {"delivered": "#2e7d32", "undelivered": "#c62828", "pending": "#f9a825"}
        svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="420" height="150" role="img">']
        for i, (name, value) in enumerate(bars):
            width = int(300 * value / top)
            y = 10 + i * 45
            svg.append(f'<text x="0" y="{y + 22}" font-size="13">{name}</text>')
            svg.append(f'<rect x="95" y="{y}" width="{width}" height="30" fill="{colours[name]}"/>')
            svg.append(f'<text x="{100 + width}" y="{y + 22}" font-size="13">{value}</text>')
        svg.append("</svg>")
        watch_rows = "".join(
            f"<tr><td>{html.escape(w['number'])}</td><td>{w['messages']}</td>"
            f"<td>{html.escape(', '.join(f'{k}: {v}' for k, v in w['states'].items()))}</td></tr>"
            for w in watched
        )
        html_path = folder / f"sms-report-{day['day']}.html"
        html_path.write_text(
            f"<!doctype html><html lang='tr'><meta charset='utf-8'><title>SMS {day['day']}</title>"
            f"<h1>SMS delivery on {day['day']} (Türkiye)</h1>{''.join(svg)}"
            f"<table><tr><th>metric</th><th>value</th></tr>"
            + "".join(f"<tr><td>{html.escape(str(k))}</td><td>{v}</td></tr>" for k, v in counts.items())
            + f"</table><h2>Watch list</h2><table><tr><th>number</th><th>messages</th><th>states</th></tr>"
            f"{watch_rows}</table></html>",
            encoding="utf-8",
        )
        # The same report in the task's log: what a person opens in the UI (Task -> Logs).
        lines = [f"SMS delivery on {day['day']} (Türkiye)", f"{'metric':<24}{'value':>12}"]
        lines += [f"{k:<24}{v:>12}" for k, v in counts.items()]
        lines += ["Watch list:"] + [
            f"  {w['number']}: {w['messages']} message(s) "
            + ", ".join(f"{k} {v}" for k, v in w["states"].items())
            for w in watched
        ]
        # logging, not print: Airflow 3 keeps a task's stdout out of the log the UI shows
        log = logging.getLogger("airflow.task")
        log.info("%s", "\n".join(lines))
        log.info("Report files: %s and %s", csv_path, html_path)
        return {"day": day["day"], **counts, "csv": str(csv_path), "html": str(html_path)}

    day = report_day()
    write_report(day, summary(day), watch_list(day))
