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

# Every field with a default names it in its schema ("default"): Airflow >= 3.2 fills the form with it (an
# enum without one shows a literal "null", a boolean without one shows OFF) and the legacy form of 2.11
# starts from it. Extras' placeholders do not show in Airflow 3's Extra Fields: examples go in descriptions.
_TIMEZONE = {
    "label": "Time zone",
    "schema": {"type": ["string", "null"], "default": "Europe/Istanbul"},
    "description": "IANA zone of the service's wall clock for scheduled sends and report dates.",
}
_TIMEOUT = {
    "label": "Timeout (seconds)",
    "schema": {"type": ["number", "null"], "minimum": 1, "default": 30},
    "description": "Seconds to wait for an answer, connecting and reading included (e.g. 30 or 2.5).",
}
_RETRIES = {
    "label": "Retries",
    "schema": {"type": ["integer", "null"], "minimum": 0},
    "description": "Retries of a request that is safe to repeat (a send that may have arrived never is). "
    "A Retry-After longer than 60 s is left to the task's own retries. Empty: the service client's "
    "default (e.g. 2).",
}
_MAX_ANSWER_BYTES = {
    "label": "Largest answer (bytes)",
    "schema": {"type": ["integer", "null"], "minimum": 1024, "default": 16777216},
    "description": "Answers larger than this (after decompression) are refused (16777216 = 16 MB).",
}
#: The most status reads a client runs at once: its HTTP session's pool (``clients.http.sync.POOL_SIZE``;
#: a unit test holds the two equal), so every read keeps a pooled connection.
MAX_STATUS_CONCURRENCY = 10
_STATUS_CONCURRENCY = {
    "label": "Status reads at once",
    "schema": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_STATUS_CONCURRENCY},
    "description": "The service reads one status per request, so a poll of 1,000 sends is 1,000 requests: "
    "this many in flight at once over one connection (1: one after another). Empty: the service client's "
    "default (8; 4 for WISECP).",
}
_VERIFY_SSL = {
    "label": "Verify TLS certificates",
    "schema": {"type": ["boolean", "null"], "default": True},
    "description": "Verify the server's TLS certificate. Turn off only for a test server.",
}
_DEFAULT_SENDER = {
    "label": "Default sender",
    "schema": {"type": ["string", "null"]},
    "description": "Approved sender ID (alphanumeric title, e.g. MYSTORE) used when an operator names none.",
}

#: connection type -> {"hook-name", "hook-class-name", "ui-field-behaviour", "conn-fields"}
CONNECTION_FORMS: dict[str, dict[str, Any]] = {
    "node_sms": {
        "hook-name": "Node SMS API",
        "hook-class-name": "airflow_provider_ileti.hooks.node.NodeSmsHook",
        "ui-field-behaviour": {
            # the host is a full URL (scheme, port, path), so neither Port nor Schema is asked for
            "hidden-fields": ["port", "schema"],
            "relabeling": {"host": "API URL", "login": "API username", "password": "API password"},
            "placeholders": {"host": "http://sms.example.com:9587 (the panel's URL, with its scheme)"},
        },
        "conn-fields": {
            "protocol": {
                "label": "Protocol",
                "schema": {"type": ["string", "null"], "enum": ["rest", "soap"], "default": "rest"},
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
        "hook-name": "İleti Merkezi SMS",
        "hook-class-name": "airflow_provider_ileti.hooks.iletimerkezi.IletiMerkeziHook",
        "ui-field-behaviour": {
            "hidden-fields": ["port", "schema"],
            "relabeling": {"host": "API URL", "login": "API key", "password": "API hash"},
            "placeholders": {
                "host": "https://api.iletimerkezi.com/v1",
                "login": "public API key",
                "password": "hash issued by the panel (or set API secret instead)",
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
                "schema": {"type": ["string", "null"], "enum": ["xml", "json"], "default": "xml"},
                "description": "xml (default) or json request bodies.",
            },
            "auth_method": {
                "label": "Authentication",
                "schema": {"type": ["string", "null"], "enum": ["key", "password"], "default": "key"},
                "description": "key (default): API key + hash or secret. password: the old username/password "
                "form (login = username, password = password).",
            },
            "timezone": _TIMEZONE,
            "timeout": _TIMEOUT,
            "verify_ssl": _VERIFY_SSL,
            "retries": _RETRIES,
            "max_answer_bytes": _MAX_ANSWER_BYTES,
            "status_concurrency": _STATUS_CONCURRENCY,
            "default_sender": _DEFAULT_SENDER,
        },
    },
    "iletiniz": {
        "hook-name": "İletiniz SMS",
        "hook-class-name": "airflow_provider_ileti.hooks.iletiniz.IletinizHook",
        "ui-field-behaviour": {
            "hidden-fields": ["port", "schema", "login"],
            "relabeling": {"host": "API URL", "password": "API key"},
            "placeholders": {
                "host": "https://api.iletiniz.com",
                "password": "iltz_live_… (or run: ileti-connect iletiniz)",
            },
        },
        "conn-fields": {
            "auth_url": {
                "label": "Authorization server",
                "schema": {"type": ["string", "null"], "default": "https://iletiniz.com"},
                "description": "Where `ileti-connect iletiniz` runs OAuth 2.0 + PKCE.",
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
            "status_concurrency": _STATUS_CONCURRENCY,
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
            "sender_rules": {
                "label": "Sender ID rules per country",
                "schema": {"type": ["string", "null"]},
                "description": "JSON: ISO country code (or * for the rest) -> any | numeric | approval, or "
                '{"rule": "approval", "approved": ["ID"]}; replaces the built-in guess (numeric: US, CA; '
                "approval: TR, AE, SA, IN, QA, KW, EG) country by country. E.g. "
                '{"TR": {"rule": "approval", "approved": ["MYSTORE"]}, "BR": "numeric"}',
            },
            "strict_sender_rules": {
                "label": "Refuse senders that need pre-approval",
                "schema": {"type": ["boolean", "null"], "default": False},
                "description": "Refuse, before sending, an alphanumeric sender to a country where it needs "
                "documents approved in advance and is not listed as approved. Default: only warn.",
            },
            "timeout": _TIMEOUT,
            "verify_ssl": _VERIFY_SSL,
            "retries": _RETRIES,
            "max_answer_bytes": _MAX_ANSWER_BYTES,
            "status_concurrency": _STATUS_CONCURRENCY,
            "default_sender": _DEFAULT_SENDER,
        },
    },
}

#: Extras that hold secrets: the password-format fields of every form, and the ones the hooks also read
#: instead of the password (``token`` for WISECP, ``api_key`` for İletiniz). Only these are masked in logs.
SECRET_EXTRAS = frozenset(
    {"token", "api_key"}
    | {
        name
        for form in CONNECTION_FORMS.values()
        for name, spec in form["conn-fields"].items()
        if spec["schema"].get("format") == "password"
    }
)

#: Airflow releases whose Test button cannot test a saved connection without a port: the UI sends port 0 for
#: a missing one and the API refuses it as "a different destination" (apache/airflow#73298). The check came
#: with 3.3.0 and the fix after 3.3.2; both bounds are our reading of the release notes, kept here as one
#: guess. On these releases our forms show Port, so a saved connection carries one (443 for https).
TEST_BUTTON_NEEDS_PORT = ((3, 3, 0), (3, 3, 3))


def test_button_needs_port(airflow_version: str | None = None) -> bool:
    """True on the Airflow releases of ``TEST_BUTTON_NEEDS_PORT`` (the installed one unless given)."""
    if airflow_version is None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            airflow_version = version("apache-airflow")
        except PackageNotFoundError:
            return False
    numbers = []
    for part in airflow_version.split(".")[:3]:
        digits = "".join(c for c in part if c.isdigit()) or "0"
        numbers.append(int(digits))
    first, fixed = TEST_BUTTON_NEEDS_PORT
    return first <= tuple(numbers) < fixed


def ui_field_behaviour(conn_type: str, *, show_port: bool | None = None) -> dict[str, Any]:
    """The form's standard-field behaviour; Port shown where the Test button needs it (see above)."""
    ui = CONNECTION_FORMS[conn_type]["ui-field-behaviour"]
    hidden: list[str] = list(ui["hidden-fields"])
    relabeling: dict[str, str] = dict(ui["relabeling"])
    placeholders: dict[str, str] = dict(ui["placeholders"])
    if show_port if show_port is not None else test_button_needs_port():
        hidden = [name for name in hidden if name != "port"]
        relabeling["port"] = "Port (the Test button needs it)"
        placeholders["port"] = "443 for https, 80 for http, or the port in the URL"
    return {"hidden-fields": hidden, "relabeling": relabeling, "placeholders": placeholders}
