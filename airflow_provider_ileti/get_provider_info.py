"""What Airflow reads to know this provider (entry point ``apache_airflow_provider``)."""

from __future__ import annotations

from typing import Any

from airflow_provider_ileti.connection_forms import CONNECTION_FORMS


def get_provider_info() -> dict[str, Any]:
    return {
        "package-name": "airflow-provider-ileti",
        "name": "İleti (SMS in Turkey)",
        "description": "SMS in Turkey from Airflow: Node SMS API (REST/SOAP), İleti Merkezi, İletiniz and "
        "WISECP international SMS: sending exactly once, delivery sensors, OTP, KVKK consent links, "
        "contacts, reports and a local sandbox.",
        "versions": ["0.1.0"],
        "integrations": [
            {
                "integration-name": "Node SMS API",
                "external-doc-url": "https://github.com/",
                "tags": ["service"],
            },
        ],
        "connection-types": [
            {
                "connection-type": conn_type,
                "hook-class-name": form["hook-class-name"],
                "hook-name": form["hook-name"],
                "ui-field-behaviour": form["ui-field-behaviour"],
                "conn-fields": form["conn-fields"],
            }
            for conn_type, form in CONNECTION_FORMS.items()
        ],
        "hooks": [
            {
                "integration-name": "Node SMS API",
                "python-modules": [
                    "airflow_provider_ileti.hooks.node",
                    "airflow_provider_ileti.hooks.iletimerkezi",
                    "airflow_provider_ileti.hooks.iletiniz",
                    "airflow_provider_ileti.hooks.wisecp",
                ],
            }
        ],
        "operators": [
            {
                "integration-name": "Node SMS API",
                "python-modules": [
                    "airflow_provider_ileti.operators.send",
                    "airflow_provider_ileti.operators.cancel",
                    "airflow_provider_ileti.operators.balance",
                    "airflow_provider_ileti.operators.node_otp",
                    "airflow_provider_ileti.operators.node_kvkk",
                    "airflow_provider_ileti.operators.node_periodic",
                    "airflow_provider_ileti.operators.node_cancel",
                    "airflow_provider_ileti.operators.node_recreate",
                    "airflow_provider_ileti.operators.node_contacts_import",
                    "airflow_provider_ileti.operators.node_blacklist",
                    "airflow_provider_ileti.operators.node_groups",
                    "airflow_provider_ileti.operators.node_reports",
                ],
            }
        ],
        "sensors": [
            {
                "integration-name": "Node SMS API",
                "python-modules": ["airflow_provider_ileti.sensors.delivery"],
            }
        ],
        "triggers": [
            {
                "integration-name": "Node SMS API",
                "python-modules": ["airflow_provider_ileti.triggers.delivery"],
            }
        ],
        "notifications": ["airflow_provider_ileti.notifications.sms.SmsNotifier"],
    }
