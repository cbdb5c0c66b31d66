"""The one interface both wires implement: ``call(function, payload) -> data``.

``function`` is the REST path below the base URL (``sms/create``, ``contact/list``…); the SOAP transport maps
the seven functions its WSDL has onto operations. A transport raises ``core.errors`` (via ``errors.py``) and
``NodeTransientError`` with ``maybe_processed`` for network failures;
retries live in the client, one level up.
"""

from __future__ import annotations

from typing import Any, Protocol

from airflow_provider_ileti.core.encoded_json import EncodedJson

#: What a transport sends: values, or a body already encoded (a prepared send's, ``core.encoded_json``).
Payload = dict[str, Any] | EncodedJson


class Transport(Protocol):
    #: "rest" or "soap"
    protocol: str

    def call(self, function: str, payload: Payload) -> Any:
        """Send ``payload`` to ``function``; return the envelope's ``data`` or raise its ``err``."""
        ...

    def close(self) -> None: ...
