"""The connection forms of our four connection types, as data, in one place.

Airflow ≥ 3.2 reads them from ``get_provider_info()`` (``conn-fields`` / ``ui-field-behaviour``); Airflow
2.11–3.1 asks the hooks' legacy ``get_connection_form_widgets()`` / ``get_ui_field_behaviour()``. Both are
built from these dicts, so they cannot drift apart (a test checks that they agree). Pure data: importing this
module imports nothing.

Secrets live in ``password`` or in extras named ``api_secret`` (schema ``"format": "password"``) so Airflow
masks them everywhere and both forms show them as password fields.
"""

from __future__ import annotations

from typing import Any

_TIMEZONE = {
    "label": "Time zone",
    "schema": {"type": ["string", "null"]},
    "description": "IANA zone of the service's wall clock for scheduled sends and report dates. "
    "Default: Europe/Istanbul.",
}
_TIMEOUT = {
    "label": "Timeout (seconds)",
    "schema": {"type": ["number", "null"], "minimum": 1},
    "description": "Seconds to wait for an answer. Default: 30.",
}
_RETRIES = {
    "label": "Retries",
    "schema": {"type": ["integer", "null"], "minimum": 0},
    "description": "Retries of a request that is safe to repeat (a send that may have arrived never is). "
    "A Retry-After longer than 60 s is left to the task's own retries. Default: the service client's.",
}
_MAX_ANSWER_BYTES = {
    "label": "Largest answer (bytes)",
    "schema": {"type": ["integer", "null"], "minimum": 1024},
    "description": "Answers larger than this (after decompression) are refused. Default: 16777216 (16 MB).",
}
_VERIFY_SSL = {
    "label": "Verify TLS certificates",
    "schema": {"type": ["boolean", "null"]},
    "description": "Verify the server's TLS certificate. Default: true. Turn off only for a test server.",
}
_DEFAULT_SENDER = {
    "label": "Default sender",
    "schema": {"type": ["string", "null"]},
    "description": "Approved sender ID (alphanumeric title) used when an operator names none.",
}

#: connection type -> {"hook-name", "hook-class-name", "ui-field-behaviour", "conn-fields"}
CONNECTION_FORMS: dict[str, dict[str, Any]] = {
    "node_sms": {
        "hook-name": "Node SMS API",
        "hook-class-name": "airflow_provider_ileti.hooks.node.NodeSmsHook",
        "ui-field-behaviour": {
            "hidden-fields": [],
            "relabeling": {
                "host": "API host or URL",
                "schema": "Scheme (http/https)",
                "login": "API username",
                "password": "API password",
            },
            "placeholders": {
                "host": "sms.example.com or https://sms.example.com/api",
                "port": "9587",
                "schema": "https",
                "protocol": "rest",
                "timezone": "Europe/Istanbul",
                "timeout": "30",
            },
        },
        "conn-fields": {
            "protocol": {
                "label": "Protocol",
                "schema": {"type": ["string", "null"], "enum": ["rest", "soap", None]},
                "description": "rest (JSON, default) or soap (zeep over the panel's WSDL). Functions the "
                "WSDL lacks go over REST to the same server with the same credentials.",
            },
            "timezone": _TIMEZONE,
            "timeout": _TIMEOUT,
            "verify_ssl": _VERIFY_SSL,
            "retries": _RETRIES,
            "max_answer_bytes": _MAX_ANSWER_BYTES,
            "default_sender": _DEFAULT_SENDER,
        },
    },
    "iletimerkezi": {
        "hook-name": "İleti Merkezi",
        "hook-class-name": "airflow_provider_ileti.hooks.iletimerkezi.IletiMerkeziHook",
        "ui-field-behaviour": {
            "hidden-fields": ["port", "schema"],
            "relabeling": {"host": "API URL", "login": "API key", "password": "API hash"},
            "placeholders": {
                "host": "https://api.iletimerkezi.com/v1",
                "login": "public API key",
                "password": "hash issued by the panel (or set API secret instead)",
                "format": "xml",
                "timezone": "Europe/Istanbul",
            },
        },
        "conn-fields": {
            "api_secret": {
                "label": "API secret",
                # "format": "password" is what makes Airflow >= 3.2 treat the field as sensitive.
                "schema": {"type": ["string", "null"], "format": "password"},
                "description": "Instead of the hash: the secret; the hash is computed as hex HMAC-SHA256 of "
                "the key with the secret as the HMAC key.",
            },
            "format": {
                "label": "Format",
                "schema": {"type": ["string", "null"], "enum": ["xml", "json", None]},
                "description": "xml (default) or json request bodies.",
            },
            "auth_method": {
                "label": "Authentication",
                "schema": {"type": ["string", "null"], "enum": ["key", "password", None]},
                "description": "key (default): API key + hash or secret. password: the old username/password "
                "form (login = username, password = password).",
            },
            "timezone": _TIMEZONE,
            "timeout": _TIMEOUT,
            "verify_ssl": _VERIFY_SSL,
            "retries": _RETRIES,
            "max_answer_bytes": _MAX_ANSWER_BYTES,
            "default_sender": _DEFAULT_SENDER,
        },
    },
    "iletiniz": {
        "hook-name": "İletiniz",
        "hook-class-name": "airflow_provider_ileti.hooks.iletiniz.IletinizHook",
        "ui-field-behaviour": {
            "hidden-fields": ["port", "schema", "login"],
            "relabeling": {"host": "API URL", "password": "API key"},
            "placeholders": {
                "host": "https://api.iletiniz.com",
                "password": "iltz_live_… (or run: ileti-connect iletiniz)",
                "auth_url": "https://iletiniz.com",
                "timezone": "Europe/Istanbul",
            },
        },
        "conn-fields": {
            "auth_url": {
                "label": "Authorization server",
                "schema": {"type": ["string", "null"]},
                "description": "Where `ileti-connect iletiniz` runs OAuth 2.0 + PKCE. Default: https://iletiniz.com",
            },
            "client_id": {
                "label": "OAuth client id",
                "schema": {"type": ["string", "null"]},
                "description": "Public client id for the PKCE flow (no client secret).",
            },
            "provider": {
                "label": "Default provider",
                "schema": {"type": ["string", "null"]},
                "description": "Connection code of the provider to send through (e.g. netgsm).",
            },
            "timezone": _TIMEZONE,
            "timeout": _TIMEOUT,
            "verify_ssl": _VERIFY_SSL,
            "retries": _RETRIES,
            "max_answer_bytes": _MAX_ANSWER_BYTES,
            "default_sender": _DEFAULT_SENDER,
        },
    },
    "wisecp": {
        "hook-name": "WISECP International SMS",
        "hook-class-name": "airflow_provider_ileti.hooks.wisecp.WisecpHook",
        "ui-field-behaviour": {
            "hidden-fields": ["port", "schema", "login"],
            "relabeling": {"host": "API URL", "password": "User token"},
            "placeholders": {"host": "https://panel.example.com/api/sms/", "password": "user token"},
        },
        "conn-fields": {
            "timeout": _TIMEOUT,
            "verify_ssl": _VERIFY_SSL,
            "retries": _RETRIES,
            "max_answer_bytes": _MAX_ANSWER_BYTES,
            "default_sender": _DEFAULT_SENDER,
        },
    },
}
