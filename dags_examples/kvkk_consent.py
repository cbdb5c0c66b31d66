"""Tutorial 5 — KVKK consent links to contacts imported from a CSV.

Türkiye's data-protection law (KVKK) wants explicit consent. Node's ``/sms/create-kvkk`` sends a message
with a personal consent link (the ``SHORT_LINK`` tag) and fills ``FIRST_NAME``/``LAST_NAME`` in.

1. ``import_contacts``: the CSV (``data/kvkk_contacts.csv``) goes into the Node address book
   (``/contact/import``), so consent answers land on known contacts.
2. ``send_consent_links``: one KVKK package per person, read from the same CSV when the task runs (names and
   numbers never pass through XCom, a log line or a rendered field). ``create-kvkk`` takes no customID, so
   the operator records its progress after every person: a retry continues where it stopped and never
   sends a second link to someone already served. XCom holds package ids and counts, not numbers.
"""

from __future__ import annotations

from pathlib import Path

import pendulum
from airflow.providers.common.compat.sdk import DAG

from airflow_provider_ileti.operators.node_contacts_import import NodeImportContactsOperator
from airflow_provider_ileti.operators.node_kvkk import NodeKvkkConsentOperator

CONN_ID = "node_sms_default"
CONTACTS_CSV = str(Path(__file__).parent / "data" / "kvkk_contacts.csv")
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

    # 1. The CSV into the address book; the header names are mapped to Node's columns.
    import_contacts = NodeImportContactsOperator(
        task_id="import_contacts",
        node_sms_conn_id=CONN_ID,
        csv_path=CONTACTS_CSV,
        columns={"phone": "GSM", "first_name": "FIRST_NAME", "last_name": "LAST_NAME"},
        overwrite=True,
    )

    # 2. One consent link per person, exactly once: progress is recorded after every person, so a retry
    #    continues with the next person instead of sending a second link. The operator reads the same
    #    CSV when it runs, so names and numbers never pass through XCom, a log line or a rendered field.
    send_consent_links = NodeKvkkConsentOperator(
        task_id="send_consent_links",
        node_sms_conn_id=CONN_ID,
        recipients_csv=CONTACTS_CSV,
        content=CONTENT,
    )

    import_contacts >> send_consent_links
