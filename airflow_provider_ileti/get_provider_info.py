"""What Airflow reads to know this provider (entry point ``apache_airflow_provider``)."""

from __future__ import annotations

from typing import Any

from airflow_provider_ileti import DOCUMENTATION_URL, __version__
from airflow_provider_ileti.connection_forms import CONNECTION_FORMS, ui_field_behaviour

_PKG = "airflow_provider_ileti"
#: The generic operators, sensor and trigger work with every connection type below.
GENERIC = "SMS in Turkey (any service)"
#: integration name -> its public documentation (the Node SMS API is white-label: no public page).
INTEGRATIONS = {
    GENERIC: "https://pypi.org/project/airflow-provider-ileti/",
    "Node SMS API": "https://pypi.org/project/airflow-provider-ileti/",
    "İleti Merkezi": "https://www.iletimerkezi.com/",
    "İletiniz": "https://iletiniz.com/",
    "WISECP International SMS": "https://www.wisecp.com/",
}
HOOK_MODULES = {
    "Node SMS API": [f"{_PKG}.hooks.node"],
    "İleti Merkezi": [f"{_PKG}.hooks.iletimerkezi"],
    "İletiniz": [f"{_PKG}.hooks.iletiniz"],
    "WISECP International SMS": [f"{_PKG}.hooks.wisecp"],
}
OPERATOR_MODULES = {
    GENERIC: [f"{_PKG}.operators.{name}" for name in ("send", "cancel", "balance")],
    "Node SMS API": [
        f"{_PKG}.operators.{name}"
        for name in (
            "node_otp",
            "node_kvkk",
            "node_periodic",
            "node_cancel",
            "node_recreate",
            "node_contacts_import",
            "node_blacklist",
            "node_groups",
            "node_reports",
        )
    ],
    "İletiniz": [f"{_PKG}.operators.iletiniz"],
    "WISECP International SMS": [f"{_PKG}.operators.wisecp"],
}


#: Transfers from other systems to an SMS, in the shape official providers use (source, target, module).
TRANSFERS = [
    {
        "source-integration-name": "Common SQL",
        "target-integration-name": GENERIC,
        "python-module": f"{_PKG}.transfers.sql_to_sms",
    },
]


def _by_integration(modules: dict[str, list[str]]) -> list[dict[str, Any]]:
    return [{"integration-name": name, "python-modules": mods} for name, mods in modules.items()]


def get_provider_info() -> dict[str, Any]:
    return {
        "package-name": "airflow-provider-ileti",
        "name": "İleti (SMS in Turkey)",
        "description": "SMS in Turkey from Airflow: Node SMS API (REST/SOAP), İleti Merkezi, İletiniz and "
        "WISECP international SMS: sending exactly once, delivery sensors, OTP, KVKK consent links, "
        "contacts, reports and a local sandbox.",
        "versions": [__version__],
        "documentation-url": DOCUMENTATION_URL,
        "integrations": [
            {
                "integration-name": name,
                "external-doc-url": url,
                "tags": ["service"],
            }
            for name, url in INTEGRATIONS.items()
        ],
        "connection-types": [
            {
                "connection-type": conn_type,
                "hook-class-name": form["hook-class-name"],
                "hook-name": form["hook-name"],
                "ui-field-behaviour": ui_field_behaviour(conn_type),
                "conn-fields": form["conn-fields"],
            }
            for conn_type, form in CONNECTION_FORMS.items()
        ],
        "hooks": _by_integration(HOOK_MODULES),
        "operators": _by_integration(OPERATOR_MODULES),
        "transfers": TRANSFERS,
        "sensors": _by_integration({GENERIC: [f"{_PKG}.sensors.delivery"]}),
        "triggers": _by_integration({GENERIC: [f"{_PKG}.triggers.delivery"]}),
        "notifications": [f"{_PKG}.notifications.sms.SmsNotifier"],
    }
