"""``SendBatch`` options a service cannot honour are refused, never dropped.

A batch that asks for a validity, a push URL, a title, a schedule or an İYS flag on a service whose API has
no such field used to go out without it — a campaign scheduled for Monday sent on Friday, a commercial
message sent without the İYS check. Each client names the options its API carries; ``refuse_unhonoured``
refuses any other option the batch sets, naming the option and the service.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

from airflow_provider_ileti.core.errors import ValidationError
from airflow_provider_ileti.core.masking import mask_text
from airflow_provider_ileti.core.models import SendBatch

#: Every optional ``SendBatch`` field that asks the service for something, with what it asks for.
OPTIONS: dict[str, str] = {
    "send_at": "a scheduled send",
    "validity_minutes": "a validity period",
    "push_url": "a per-send delivery callback (push URL)",
    "title": "a package title",
    "commercial": "a commercial (İYS-checked) message",
    "iys_recipient_type": "an İYS recipient type (BIREYSEL/TACIR)",
}


def set_options(batch: SendBatch) -> list[str]:
    """The options ``batch`` sets, in ``OPTIONS`` order (``commercial=False`` and empty values are unset)."""
    return [name for name in OPTIONS if _is_set(getattr(batch, name))]


def refuse_unhonoured(
    batch: SendBatch, *, honoured: Collection[str], service: str, service_name: str, why: str = ""
) -> None:
    """``ValidationError`` naming the first option ``batch`` sets that ``honoured`` lacks.

    ``why`` may add what to do instead (e.g. "set the webhook in the panel").
    """
    for name in set_options(batch):
        if name in honoured:
            continue
        value = getattr(batch, name)
        raise ValidationError(
            name,
            _shown(name, value),
            f"{service_name} cannot honour {OPTIONS[name]}: its API has no such field, so it would be "
            f"ignored{'; ' + why if why else ''}. Leave {name} out for this connection",
            service=service,
        )


def _is_set(value: Any) -> bool:
    if value is None or value is False:
        return False
    return not (isinstance(value, str) and not value.strip())


def _shown(name: str, value: Any) -> Any:
    """The value for an error: a URL as its scheme and host (its path or query may hold a token), a
    title as its size, others (a date, minutes, a flag, BIREYSEL) as they are."""
    if name == "push_url":
        parts = urlsplit(str(value))
        return f"{parts.scheme}://{parts.hostname}/…" if parts.scheme and parts.hostname else "<url>"
    if name == "title":
        return mask_text(str(value))
    if name == "send_at" and hasattr(value, "isoformat"):
        return value.isoformat()
    return value
