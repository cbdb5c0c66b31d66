"""SMS42, "a package with this customID exists", resolved in one place.

A create whose answer was lost and is tried again (by the client's own retry, or by Airflow's) meets its
own package: the service answers SMS42. That is success, not an error: the package the customID names is
looked up (one ``/sms/list``) and returned. An SMS42 for a customID that no package has is a contradiction
the service must explain, and stays an error. Used by ``NodeClient`` and by the Node operators' create-once
helper; it needs nothing of the client but ``get_packages``, and imports nothing heavy.
"""

from __future__ import annotations

import logging
from typing import Any

from airflow_provider_ileti.core.errors import DuplicateError

log = logging.getLogger(__name__)

#: How the service names a duplicate customID (code, or the error's name), and no code at all.
DUPLICATE_CUSTOM_ID_CODES = (None, "SMS42", "ERR_SMS_PKG_CUSTOM_ID_DUPLICATION")


def package_with_custom_id(client: Any, custom_id: str) -> int | None:
    """The id of the package created with ``custom_id``, or None (one request)."""
    for package in client.get_packages(custom_ids=[custom_id]):
        found = package.get("customID") if isinstance(package, dict) else getattr(package, "custom_id", None)
        if str(found if found is not None else custom_id) == custom_id:
            return int(package["id"] if isinstance(package, dict) else package.id)
    return None


def resolve_duplicate(client: Any, custom_id: str, error: DuplicateError, *, function: str = "create") -> int:
    """The package an SMS42 for ``custom_id`` refers to; ``error`` itself if it is another duplicate."""
    if error.code not in DUPLICATE_CUSTOM_ID_CODES:
        raise error
    found = package_with_custom_id(client, custom_id)
    if found is None:
        raise DuplicateError(
            f"{function}: the service says customID {custom_id} exists (SMS42) but no package has it",
            service="node",
            code="SMS42",
        ) from error
    log.info("Node %s: customID %s exists as package %s; not sent again", function, custom_id, found)
    return found
