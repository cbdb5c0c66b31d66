"""Tutorial 5 — KVKK consent links to contacts imported from a CSV.

Türkiye's data-protection law (KVKK) wants explicit consent. Node's ``/sms/create-kvkk`` sends a message
with a personal consent link (the ``SHORT_LINK`` tag) and fills ``FIRST_NAME``/``LAST_NAME`` in.

1. ``import_contacts``: the CSV (``data/kvkk_contacts.csv``) goes into the Node address book in one
   ``/contact/import`` request (into the group ``KVKK_GROUP``), so consent answers land on known contacts.
2. ``send_consent_links``: one KVKK package per contact. ``create-kvkk`` takes no customID, so this task
   does **not** retry automatically (``retries=0``): a retry could send a second link. Each package id is
   returned, with the masked number, so a person can see what went out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pendulum
from airflow.providers.common.compat.sdk import DAG, task

CONN_ID = "node_sms_default"
CONTACTS_CSV = str(Path(__file__).parent / "data" / "kvkk_contacts.csv")
KVKK_GROUP = "KVKK onay bekleyenler"
#: SHORT_LINK becomes the personal consent link; FIRST_NAME/LAST_NAME are filled in by the service.
CONTENT = "Sayın FIRST_NAME LAST_NAME, kişisel verilerinizin işlenmesine onay için: SHORT_LINK"

with DAG(
    dag_id="ileti_kvkk_consent",
    description="Import contacts from a CSV and send each a KVKK consent link",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["ileti", "example", "node", "kvkk"],
) as kvkk_consent:

    def _contacts() -> list[dict[str, str]]:
        import csv

        from airflow_provider_ileti.core.phone import normalize_number

        with open(CONTACTS_CSV, encoding="utf-8") as fh:
            return [{**row, "phone": normalize_number(row["phone"])} for row in csv.DictReader(fh)]

    @task
    def import_contacts() -> int:
        from airflow_provider_ileti.hooks.registry import get_sms_hook

        contacts = _contacts()
        rows = [(c["phone"], c["first_name"], c["last_name"], KVKK_GROUP) for c in contacts]
        hook = get_sms_hook(CONN_ID)
        try:
            hook.get_client().import_contacts(
                rows, ["GSM", "FIRST_NAME", "LAST_NAME", "GROUP_NAME"], overwrite=True
            )
        finally:
            hook.close()
        print(f"{len(rows)} contact(s) handed to the address book import")
        return len(rows)

    @task(retries=0)
    def send_consent_links(imported: int) -> list[dict[str, Any]]:
        from airflow_provider_ileti.core.masking import mask_number
        from airflow_provider_ileti.hooks.registry import get_sms_hook

        sent: list[dict[str, Any]] = []
        hook = get_sms_hook(CONN_ID)
        try:
            client = hook.get_client()
            for c in _contacts():
                pkg_id = client.create_kvkk(c["phone"], c["first_name"], c["last_name"], CONTENT)
                sent.append({"package_id": str(pkg_id), "to": mask_number(c["phone"])})
        finally:
            hook.close()
        print(f"{len(sent)} consent link(s) sent of {imported} imported contact(s)")
        return sent

    send_consent_links(import_contacts())
